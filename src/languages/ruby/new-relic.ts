/**
 * The New Relic Ruby agent (newrelic_rpm) runs EXPLAIN for slow SQL it traces,
 * in web and job processes alike. Before Rails 7.2 it opened a connection of its
 * own for that; PR #2940 (Nov 2024) borrowed one from the pool on Rails 7.2+, and
 * PR #3612 (Jul 2026) went back to its own connection. Which agent releases do
 * which is UNCONFIRMED, so the +1 per process is counted outside the pool and
 * labelled an assumption. Issue #1935: Unicorn apps with `pool: 1` ran out of
 * connections after the agent 8 → 9 upgrade and needed `pool: 2`.
 *
 * A Sequel app without ActiveRecord gets no +1: the agent explains through the app's
 * Sequel pool.
 *
 * Off when the agent is (agent_enabled / monitor_mode false), or transaction
 * traces or explain plans are (transaction_tracer.enabled /
 * transaction_tracer.explain_enabled false), in config/newrelic.yml (the
 * environment's section) or NEW_RELIC_* env vars, which win over the file.
 *
 * Not started at all in `rails runner` from agent 9.10.0 (https://github.com/newrelic/newrelic-ruby-agent/pull/2623: Rails::Command::RunnerCommand joined
 * `autostart.denylisted_constants`, the command class of Rails ≥ 5.1's `rails runner`), unless the agent is forced on
 * (NEW_RELIC_AGENT_ENABLED / agent_enabled true) or the app sets its own denylist without that constant.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, type Source} from '../../model/source.js'
import {readYamlErb, type YamlErb} from './erb.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {versionAtLeast} from '../../util/version.js'

const CONFIG_REF = 'https://docs.newrelic.com/docs/apm/agents/ruby-agent/configuration/ruby-agent-configuration/#transaction_tracer-explain_enabled'
export const NEWRELIC_YML = 'config/newrelic.yml'

/** Settings that, when false, mean no explain-plan connection; with their env var names. */
const SWITCHES: {env: string; key: string[]}[] = [
  {env: 'NEW_RELIC_AGENT_ENABLED', key: ['agent_enabled']},
  {env: 'NEW_RELIC_MONITOR_MODE', key: ['monitor_mode']},
  {env: 'NEW_RELIC_TRANSACTION_TRACER_ENABLED', key: ['transaction_tracer', 'enabled']},
  {env: 'NEW_RELIC_TRANSACTION_TRACER_EXPLAIN_ENABLED', key: ['transaction_tracer', 'explain_enabled']},
]

const RUNNER_COMMAND = 'Rails::Command::RunnerCommand'

const isTrue = (v: unknown): boolean => v === true || (typeof v === 'string' && ['true', 'on', 'yes', 't'].includes(v.trim().toLowerCase()))

/** `rails runner` with an agent that does not autostart there (see the header): true when it stays off. */
function offInRunner(ctx: AnalyzerContext, doc: YamlErb | undefined, version: string): boolean {
  const rails = ctx.versions.railties ?? ctx.versions.rails
  if (!versionAtLeast(version, '9.10.0') || !rails || !versionAtLeast(rails, '5.1.0')) return false
  const forced = ctx.env.get('NEW_RELIC_AGENT_ENABLED')?.value ?? (doc && yamlSetting(doc, ctx.appEnv, ['agent_enabled'])?.value)
  if (forced !== undefined && isTrue(forced)) return false
  const list = ctx.env.get('NEW_RELIC_AUTOSTART_DENYLISTED_CONSTANTS')?.value ?? (doc && yamlSetting(doc, ctx.appEnv, ['autostart', 'denylisted_constants'])?.value)
  return list === undefined || (typeof list === 'string' && list.split(',').some((c) => c.trim() === RUNNER_COMMAND))
}

const isFalse = (v: unknown): boolean => v === false || (typeof v === 'string' && ['false', 'off', 'no', 'f'].includes(v.trim().toLowerCase()))

/** A setting in the environment's section, nested (`transaction_tracer: {explain_enabled: …}`) or dotted (`transaction_tracer.explain_enabled:`). */
function yamlSetting(doc: YamlErb, env: string, key: string[]): {line: number; value: unknown} | undefined {
  const section = (doc.yaml.value as Record<string, unknown> | undefined)?.[env]
  if (!section || typeof section !== 'object') return undefined
  const s = section as Record<string, unknown>
  const dotted = key.join('.')
  if (Object.hasOwn(s, dotted)) return {line: doc.yaml.lineOf([env, dotted]) ?? 1, value: s[dotted]}
  let node: unknown = s
  for (const k of key) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, k)) return undefined
    node = (node as Record<string, unknown>)[k]
  }

  return {line: doc.yaml.lineOf([env, ...key]) ?? 1, value: node}
}

export const newRelic: ProcessAddon = {
  // No agent in the bundle (most types of most apps): answered at once, not through an async call's frame per type.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> =>
    !ctx.versions.newrelic_rpm || server.language !== 'ruby' || server.server === 'release' ? {diagnostics: []} : agentAnalysis(ctx, server),
  id: 'new_relic',
}

async function agentAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const version = ctx.versions.newrelic_rpm
  if (!version || server.language !== 'ruby' || server.server === 'release') return {diagnostics: []}
  // Sequel without ActiveRecord: the agent's explainer runs `self[sql].explain` on the app's own Sequel::Database, so
  // the explain checks a connection out of that pool, never one beside it
  // (newrelic/newrelic-ruby-agent lib/sequel/extensions/new_relic_instrumentation.rb, explainer_for).
  if (ctx.versions.sequel !== undefined && ctx.versions.activerecord === undefined) return {diagnostics: []}
  const file = ctx.files.read(NEWRELIC_YML)
  const doc = file ? await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}, ctx.files) : undefined
  const diagnostics: Diagnostic[] = (doc?.diagnostics ?? []).map((d) => ({...d, processType: ctx.processType}))

  let explicit: Source | undefined
  for (const sw of SWITCHES) {
    const e = ctx.env.get(sw.env)
    const y = doc && yamlSetting(doc, ctx.appEnv, sw.key)
    const value = e ? e.value : y?.value
    if (value === undefined) continue
    if (isFalse(value)) return {diagnostics}
    if (sw.key.at(-1) === 'explain_enabled') explicit = e ? e.source : fromFile(NEWRELIC_YML, y!.line)
  }

  // `rails runner`: the agent does not start (agent >= 9.10.0 on Rails >= 5.1), so it explains nothing.
  if (server.server === 'rails-runner' && offInRunner(ctx, doc, version)) return {diagnostics, versions: {newrelic_rpm: version}}

  const caveat = assumed(
    `newrelic_rpm ${version}: explain plans use a connection of their own before Rails 7.2 and again after agent PR #3612; agents with PR #2940 borrow one from the pool on Rails 7.2+ instead. Counted outside the pool either way`,
  )
  return {
    diagnostics,
    extrasPerProcess: [
      {
        count: {
          source: explicit ?? fromDefault('New Relic Ruby agent: transaction_tracer.explain_enabled defaults to true', CONFIG_REF),
          value: 1,
          via: [...(doc ? [] : [assumed(`no ${NEWRELIC_YML}: the agent runs from NEW_RELIC_* env vars with its defaults`)]), caveat],
        },
        kind: 'new-relic-explain',
        reason: 'New Relic agent explain-plan connection',
      },
    ],
    versions: {newrelic_rpm: version},
  }
}

