/**
 * Sidekiq: one process, `concurrency` threads. Precedence as in Sidekiq's
 * lib/sidekiq/cli.rb: -c flag, then `:concurrency:` in the YAML config (the
 * section for the environment over the top level), then RAILS_MAX_THREADS,
 * then the default for the installed version.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFact, fromFile, type Sourced, sourced} from '../../model/source.js'
import {readYamlErb, type YamlErb} from './erb.js'
import {type DslCall, findCalls} from './evaluate.js'
import {versionAtLeast} from '../../util/version.js'
import {processorsFor} from './processors.js'
import {loadRubyConfig, missingConfig} from './ruby-server.js'
import {appPath, type Candidate, envCandidate, findFlag, firstOf, flagCandidate, numericFlag, programName, rubyCandidate, rubyEnvironment, yamlCandidate} from '../common/setting.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'

const CLI = 'https://github.com/sidekiq/sidekiq/blob/main/lib/sidekiq/cli.rb'

/** Default concurrency: 25 before 5.2 (#3892 lowered it to 10), 5 from 7.0 (docs/7.0-Upgrade.md). */
function defaultConcurrency(version: string | undefined): Sourced<number> {
  if (!version) {
    return sourced(5, fromDefault('Sidekiq 7+ default concurrency', CLI), [assumed('Sidekiq version unknown (no Gemfile.lock entry); using Sidekiq 7+ defaults')])
  }

  if (versionAtLeast(version, '7.0.0')) {
    return sourced(5, fromDefault(`Sidekiq ${version} default concurrency`, 'https://github.com/sidekiq/sidekiq/blob/main/docs/7.0-Upgrade.md'))
  }

  if (versionAtLeast(version, '5.2.0')) {
    return sourced(10, fromDefault(`Sidekiq ${version} default concurrency`, 'https://github.com/sidekiq/sidekiq/blob/main/Changes.md#520'))
  }

  return sourced(25, fromDefault(`Sidekiq ${version} default concurrency`, 'https://github.com/sidekiq/sidekiq/blob/v5.1.3/lib/sidekiq/cli.rb'))
}

// Sidekiq symbolizes keys, so `:concurrency:` and `concurrency:` are the same setting.
function lookup(map: unknown, key: string): {key: string; value: unknown} | undefined {
  if (!map || typeof map !== 'object' || Array.isArray(map)) return undefined
  const m = map as Record<string, unknown>
  for (const k of [`:${key}`, key]) if (Object.hasOwn(m, k)) return {key: k, value: m[k]}
  return undefined
}

function concurrencyFromYaml(doc: YamlErb | undefined, environment: string): Candidate {
  if (!doc) return {diagnostics: []}
  const root = doc.yaml.value
  const section = lookup(root, environment)
  const inSection = section && lookup(section.value, 'concurrency')
  if (section && inSection) return yamlCandidate(doc, [section.key, inSection.key], inSection.value, 'Sidekiq concurrency')
  const top = lookup(root, 'concurrency')
  if (top) return yamlCandidate(doc, [top.key], top.value, 'Sidekiq concurrency')
  return {diagnostics: []}
}

const CONFIG = 'https://github.com/sidekiq/sidekiq/blob/main/lib/sidekiq/config.rb'
const SWARM = 'https://github.com/sidekiq/sidekiq/wiki/Ent-Swarm'
const INITIALIZER = 'config/initializers/sidekiq.rb'

/** A Sidekiq 7+ capsule beside the default one: its own threads in the same process. */
interface Capsule {
  concurrency?: Sourced<number>
  name: string
  where: Sourced<number>['source']
}

/** `:capsules:` in sidekiq.yml (the environment's section wins, as Sidekiq merges it over the top level). */
function capsulesFromYaml(doc: YamlErb | undefined, environment: string, diagnostics: Diagnostic[]): Capsule[] {
  if (!doc) return []
  const root = doc.yaml.value
  const section = lookup(root, environment)
  const found = (section && lookup(section.value, 'capsules')) ? {at: [section.key], c: lookup(section.value, 'capsules')!} : lookup(root, 'capsules') ? {at: [] as string[], c: lookup(root, 'capsules')!} : undefined
  if (!found || !found.c.value || typeof found.c.value !== 'object') return []
  return Object.entries(found.c.value as Record<string, unknown>).map(([name, cfg]) => {
    const path = [...found.at, found.c.key, name]
    const conc = lookup(cfg, 'concurrency')
    const c = conc ? yamlCandidate(doc, [...path, conc.key], conc.value, `Sidekiq capsule ${name} concurrency`) : {diagnostics: []}
    append(diagnostics, c.diagnostics)
    return {...(c.value ? {concurrency: c.value} : {}), name: name.replace(/^:/, ''), where: fromFile(doc.file, doc.yaml.lineOf(path) ?? 1)}
  })
}

/**
 * config/initializers/sidekiq.rb: inside `Sidekiq.configure_server`,
 * `config.capsule("name") { |cap| cap.concurrency = 1 }` adds a capsule and
 * `config.concurrency = N` sets the default capsule's threads (it runs after
 * the command line and sidekiq.yml were read, so it wins over them).
 */
async function fromInitializer(ctx: AnalyzerContext, environment: string, diagnostics: Diagnostic[]): Promise<{capsules: Capsule[]; concurrency: Candidate}> {
  const config = await loadRubyConfig(ctx, INITIALIZER, environment)
  if (!config) return {capsules: [], concurrency: {diagnostics: []}}
  append(diagnostics, config.diagnostics)
  const server = findCalls(config.calls, 'configure_server', true).filter((c) => c.receiver === 'Sidekiq' && c.blockBody)
  const body: DslCall[] = server.flatMap((c) => c.blockBody!)
  const capsules: Capsule[] = findCalls(body, 'capsule', true).map((c) => {
    const arg = c.args[0]
    const name = arg?.kind === 'known' && typeof arg.value === 'string' ? arg.value : `capsule at line ${c.line}`
    const set = findCalls(c.blockBody ?? [], 'concurrency=', true).at(-1)
    const cand = set ? rubyCandidate(set.args[0], INITIALIZER, set.line, `Sidekiq capsule ${name} concurrency`) : {diagnostics: []}
    append(diagnostics, cand.diagnostics)
    return {...(cand.value ? {concurrency: cand.value} : {}), name, where: fromFile(INITIALIZER, c.line)}
  })
  const own = body.filter((c) => c.name === 'concurrency=').at(-1)
  return {capsules, concurrency: own ? rubyCandidate(own.args[0], INITIALIZER, own.line, 'Sidekiq concurrency') : {diagnostics: []}}
}

/** sidekiqswarm (Sidekiq Enterprise) forks SIDEKIQ_COUNT processes; its default is one per processor (UNCONFIRMED). */
function swarmProcesses(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const cpu = processorsFor(ctx)
  const fallback = sourced(cpu.value, assumed('sidekiqswarm without SIDEKIQ_COUNT forks one process per processor (UNCONFIRMED)'), [fromDefault('sidekiqswarm forks SIDEKIQ_COUNT processes', SWARM), cpu.source])
  return firstOf([envCandidate(ctx.env, ['SIDEKIQ_COUNT'], 'sidekiqswarm SIDEKIQ_COUNT')], fallback)
}

export const sidekiq: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    const diagnostics: Diagnostic[] = []
    const version = ctx.versions.sidekiq
    const environment = rubyEnvironment(ctx, findFlag(argv, ['-e', '--environment'], ctx.command)?.value)

    const configFlag = findFlag(argv, ['-C', '--config'], ctx.command)
    const path = configFlag ? appPath(configFlag.value) : ['config/sidekiq.yml', 'config/sidekiq.yml.erb'].find((p) => ctx.files.exists(p))
    const file = path ? ctx.files.read(path) : undefined
    if (configFlag && path && !ctx.files.exists(path)) diagnostics.push(missingConfig(configFlag.value, configFlag.written))

    const doc = file ? await readYamlErb(file, {appEnv: environment, env: ctx.env, processors: processorsFor(ctx)}, ctx.files) : undefined
    if (doc) append(diagnostics, doc.diagnostics)

    const capsulesSupported = !version || versionAtLeast(version, '7.0.0')
    const init = capsulesSupported ? await fromInitializer(ctx, environment, diagnostics) : {capsules: [], concurrency: {diagnostics: []}}
    const concurrency = firstOf(
      [
        init.concurrency,
        flagCandidate(numericFlag(argv, ['-c', '--concurrency'], ctx.command), 'Sidekiq concurrency'),
        concurrencyFromYaml(doc, environment),
        envCandidate(ctx.env, ['RAILS_MAX_THREADS'], 'Sidekiq concurrency'),
      ],
      defaultConcurrency(version),
    )
    append(diagnostics, concurrency.diagnostics)

    // Capsules run their threads in the same process: total = default + Σ capsules (Config#total_concurrency).
    const capsules = capsulesSupported ? [...capsulesFromYaml(doc, environment, diagnostics), ...init.capsules] : []
    let threads = concurrency.value
    if (capsules.length > 0) {
      // A capsule without its own concurrency takes the process's (Capsule#initialize).
      const each = capsules.map((c) => c.concurrency ?? {...concurrency.value, via: [c.where, ...(concurrency.value.via ?? [])]})
      const total = threads.value + each.reduce((a, b) => a + b.value, 0)
      const parts = [`default ${threads.value}`, ...capsules.map((c, i) => `${c.name} ${each[i].value}`)].join(' + ')
      threads = sourced(total, fromDefault(`Sidekiq runs every capsule's threads in one process: ${parts}`, CONFIG), [threads.source, ...each.map((e) => e.source)])
    }

    const swarm = programName(argv[0]) === 'sidekiqswarm'
    const processes = swarm
      ? swarmProcesses(ctx)
      : {diagnostics: [], value: sourced(1, fromFact('one Sidekiq process per command (capsules share its threads)', CLI))}
    append(diagnostics, processes.diagnostics)

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      facts: {capsules: capsules.map((c) => c.name), configFile: doc?.file},
      language: 'ruby',
      processesPerDyno: processes.value,
      server: 'sidekiq',
      threadsPerProcess: threads,
      ...(version ? {versions: {sidekiq: version}} : {}),
    }
  },
  id: 'sidekiq',
  matches(cmd: ParsedCommand): boolean {
    const p = programName(cmd.argv[0])
    return p === 'sidekiq' || p === 'sidekiqswarm'
  },
}
