/**
 * Sidekiq: one process, `concurrency` threads. Precedence as in Sidekiq's
 * lib/sidekiq/cli.rb: -c flag, then `:concurrency:` in the YAML config (the
 * section for the environment over the top level), then RAILS_MAX_THREADS,
 * then the default for the installed version.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import {assumed, fromDefault, sourced, type Sourced} from '../model/source.js'
import {readYamlErb, type YamlErb} from '../ruby/erb.js'
import {versionAtLeast} from '../util/version.js'
import {appPath, type Candidate, envCandidate, findFlag, firstOf, flagCandidate, programName, rubyEnvironment, yamlCandidate} from './setting.js'
import {missingConfig} from './ruby-server.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from './types.js'

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

    const doc = file ? await readYamlErb(file, {appEnv: environment, env: ctx.env}) : undefined
    if (doc) diagnostics.push(...doc.diagnostics)

    const concurrency = firstOf(
      [
        flagCandidate(findFlag(argv, ['-c', '--concurrency'], ctx.command), 'Sidekiq concurrency'),
        concurrencyFromYaml(doc, environment),
        envCandidate(ctx.env, ['RAILS_MAX_THREADS'], 'Sidekiq concurrency'),
      ],
      defaultConcurrency(version),
    )
    diagnostics.push(...concurrency.diagnostics)

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      facts: {configFile: doc?.file},
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault('one Sidekiq process per command (capsules share its threads)', CLI)),
      server: 'sidekiq',
      threadsPerProcess: concurrency.value,
      ...(version ? {versions: {sidekiq: version}} : {}),
    }
  },
  id: 'sidekiq',
  matches(cmd: ParsedCommand): boolean {
    return programName(cmd.argv[0]) === 'sidekiq'
  },
}
