import type {FailOn} from '../model/diagnostic.js'
import type {AppRequest, AssumptionEntry, BudgetRequest} from '../model/request.js'
import {dirname, resolve} from 'node:path'

import type {Assumption, AppSettings, ConncalcConfig, EnvValue} from '../model/config.js'
import type {LoadedConfig} from '../io/config.js'
import type {Formation} from '../model/formation.js'
import {assumeEntries} from '../budget/assume.js'
import {UsageError} from '../util/errors.js'
import {configPath, displayPath, findConfig, loadConfig, locateConfigFlag} from '../io/config.js'
import {parseScaleSpec} from '../platform/formation.js'
import type {HerokuAppData, HerokuInputs} from '../model/heroku.js'
import {herokuInputs} from '../platform/heroku-app.js'
import {type PlatformName, platformFlag} from '../platform/deploy-platform.js'
import {readHerokuApp} from '../io/heroku-api.js'
import {appFromGitRemote} from '../io/git-remote.js'
import {layer} from '../model/env.js'
import {fromEnv, fromFile, fromFlag, type Source, sourced, type Sourced} from '../model/source.js'

/** The flags every budgeting command shares (src/commands/flags.ts), as oclif parses them. */
export interface InputFlags {
  /** -a/--app: the Heroku app to read from the Platform API. */
  app?: string
  /** Seconds each Platform API request may take. */
  'api-timeout'?: number
  /** --config-app: the entry of a config file that lists apps. */
  'config-app'?: string
  /** -r/--remote: the git remote whose Heroku app to read. */
  remote?: string
  assume?: string[]
  config?: string
  env?: string[]
  'docker-target'?: string
  'env-file'?: string[]
  'fail-on'?: string
  limit?: number
  plan?: string
  'plans-file'?: string
  pooled?: string[]
  platform?: string
  preboot?: boolean
  procfile?: string
  'rails-env'?: string
  reserve?: number
  /** --root: the folder the commands run from, when it is not the Procfile's. */
  root?: string
  scale?: string[]
  'warn-at'?: string
}

const DEFAULT_WARN_AT = 0.8
export const DEFAULT_API_TIMEOUT = 15

/** The Heroku app to read: -a APP, or the app of the git remote -r names. */
export async function herokuAppName(flags: Pick<InputFlags, 'app' | 'procfile' | 'remote'>, configDir: string | undefined): Promise<string | undefined> {
  if (flags.app !== undefined && flags.remote !== undefined) throw new UsageError('give -a/--app or -r/--remote, not both', 'e.g. -a my-app, or -r heroku')
  if (flags.app !== undefined) {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(flags.app)) throw new UsageError(`-a ${flags.app}: not a Heroku app name`, 'Heroku app names are lower-case letters, digits and dashes')
    return flags.app
  }

  if (flags.remote === undefined) return undefined
  return appFromGitRemote(flags.procfile ? dirname(resolve(flags.procfile)) : (configDir ?? process.cwd()), flags.remote)
}

/**
 * One read per app and run: `conncalc scale` resolves the request twice (before and after)
 * from the same flags. Keyed by the run's flags, so a process that runs conncalc again (a host
 * CLI, the tests' in-process runs) reads the app again rather than reusing an old answer.
 */
const reads = new WeakMap<InputFlags, Map<string, Promise<HerokuAppData>>>()

async function readApp(app: string, flags: InputFlags): Promise<HerokuInputs> {
  let run = reads.get(flags)
  if (!run) reads.set(flags, (run = new Map()))
  let read = run.get(app)
  if (!read) {
    read = readHerokuApp(app, {timeoutSeconds: flags['api-timeout'] ?? DEFAULT_API_TIMEOUT})
    run.set(app, read)
  }

  return herokuInputs(await read)
}

/**
 * Flags + config file → BudgetRequest. The config file is looked for in the
 * app root (the --procfile's folder, else the working directory) unless
 * --config names it; zod and the YAML parser load only when one exists.
 */
export async function resolveRequest(flags: InputFlags, extraScale: string[] = []): Promise<BudgetRequest> {
  const location = flags.config ? locateConfigFlag(flags.config) : findConfig(flags.root === undefined ? dirname(resolve(flags.procfile ?? 'Procfile')) : resolve(flags.root))
  const config = location ? await loadConfig(location) : null
  const data: ConncalcConfig = config?.data ?? {}
  const at = (path: ReadonlyArray<number | string>): Source => fromFile(config!.display, config!.lineOf(path))
  const fromConfig = <T>(key: keyof ConncalcConfig, value: T | undefined): Sourced<T> | undefined =>
    value === undefined ? undefined : sourced(value, at([key]))

  const warnAt = flags['warn-at'] === undefined ? (data.warnAt ?? DEFAULT_WARN_AT) : Number(flags['warn-at'])
  if (!(warnAt > 0 && warnAt <= 1)) throw new UsageError(`--warn-at must be a fraction between 0 and 1, got ${flags['warn-at']}`, 'e.g. --warn-at 0.8')
  const failOn = (flags['fail-on'] ?? data.failOn ?? 'error') as FailOn

  const scaleFlags = [...(flags.scale ?? []), ...extraScale]
  const base = config ? {config, data, path: [] as (number | string)[]} : null
  let apps: AppRequest[]
  const herokuApp = await herokuAppName(flags, config?.dir)
  if (data.apps) {
    if (flags.root !== undefined) throw new UsageError(`--root applies to one app; ${config!.display} lists apps, each with its own procfile`, 'run conncalc on one app: --procfile PATH --root DIR without the config file (--config names another)')
    const names = data.apps.map((a) => a.name)
    const chosen = flags['config-app']
    // -a used to pick an entry of the config file; it now names the Heroku app, as in the Heroku CLI.
    if (chosen === undefined && flags.app !== undefined && names.includes(flags.app)) {
      throw new UsageError(
        `-a/--app names the Heroku app to read; "${flags.app}" is an app of ${config!.display}: pick it with --config-app ${flags.app}`,
        `add -a HEROKU_APP too to read that entry's Heroku app: --config-app ${flags.app} -a ${flags.app}`,
      )
    }

    if (chosen !== undefined && !names.includes(chosen)) {
      throw new UsageError(`--config-app ${chosen}: no such app in ${config!.display}`, `apps there: ${names.join(', ')}`)
    }

    const needsTarget = scaleFlags.length > 0 || (flags.pooled ?? []).length > 0 || herokuApp !== undefined
    if (needsTarget && chosen === undefined && names.length > 1) {
      const why = herokuApp === undefined ? 'to scale' : `the Heroku app ${herokuApp} is`
      throw new UsageError(`${config!.display} lists ${names.length} apps: say which one ${why} with --config-app`, `e.g. --config-app ${names[0]}`)
    }

    const target = chosen ?? (names.length === 1 ? names[0] : undefined)
    apps = data.apps.map((entry, i) =>
      appRequest(flags, config!, [base!, {config: config!, data: entry, path: ['apps', i]}], {
        name: entry.name,
        procfile: configPath(config!, entry.procfile, ['apps', i, 'procfile']),
        procfileGiven: entry.procfile !== undefined,
        pooled: entry.name === target ? (flags.pooled ?? []) : [],
        scale: entry.name === target ? scaleFlags : [],
      }),
    )
    if (herokuApp !== undefined) apps[names.indexOf(target!)].heroku = await readApp(herokuApp, flags)
  } else {
    if (flags['config-app'] !== undefined) throw new UsageError('--config-app needs a config file that lists apps', 'see "Several apps, one database" in the README')
    const procfile = flags.procfile ?? (config ? displayPath(data.procfile === undefined ? resolve(config.dir, 'Procfile') : configPath(config, data.procfile, ['procfile'])) : 'Procfile')
    const procfileGiven = flags.procfile !== undefined || (config !== null && data.procfile !== undefined)
    apps = [appRequest(flags, config, base ? [base] : [], {name: null, pooled: flags.pooled ?? [], procfile, procfileGiven, scale: scaleFlags})]
    if (flags.root !== undefined) apps[0].root = flags.root
    if (herokuApp !== undefined) apps[0].heroku = await readApp(herokuApp, flags)
  }

  // The plan: --plan, else the Heroku app's DATABASE_URL add-on, else the config file's.
  const fromApi = apps.find((a) => a.heroku)?.heroku
  const apiPlan = flags.plan === undefined ? fromApi?.plan : undefined

  return {
    apps,
    config: config?.display ?? null,
    configDir: config?.dir ?? null,
    failOn,
    limit: flags.limit === undefined ? fromConfig('limit', data.limit) : sourced(flags.limit, fromFlag(`--limit ${flags.limit}`)),
    plan: flags.plan ?? apiPlan?.name ?? data.plan,
    ...(apiPlan ? {planVia: apiPlan.source} : {}),
    plansFile: flags['plans-file'] ?? (data.plansFile && config ? displayPath(configPath(config, data.plansFile, ['plansFile'])) : undefined),
    reserve: flags.reserve === undefined ? fromConfig('reserve', data.reserve) : sourced(flags.reserve, fromFlag(`--reserve ${flags.reserve}`)),
    warnAt,
  }
}

interface Layer {
  config: LoadedConfig
  data: AppSettings
  path: (number | string)[]
}

/** Merge the config layers (top level, then the app's entry: later wins) under the flags. */
function appRequest(
  flags: InputFlags,
  config: LoadedConfig | null,
  layers: Layer[],
  fixed: {name: null | string; pooled: string[]; procfile: string; procfileGiven?: boolean; scale: string[]},
): AppRequest {
  const env = new Map<string, {source: Source; value: EnvValue}>()
  const envFiles: string[] = []
  const formation: Formation = new Map()
  const assumptions = new Map<string, AssumptionEntry>()
  let appEnv: string | undefined
  let preboot: null | Sourced<boolean> = null
  let platform: null | Sourced<PlatformName> = null
  let dockerTarget: Sourced<string> | undefined

  for (const {config: c, data, path} of layers) {
    const line = (...keys: (number | string)[]): Source => fromFile(c.display, c.lineOf([...path, ...keys]))
    for (const [name, value] of Object.entries(data.env ?? {})) env.set(name, {source: line('env', name), value})
    for (const [i, file] of (data.envFiles ?? []).entries()) envFiles.push(displayPath(configPath(c, file, [...path, 'envFiles', i])))
    if (data.railsEnv !== undefined) appEnv = data.railsEnv
    if (data.preboot !== undefined) preboot = sourced(data.preboot, line('preboot'))
    if (data.platform !== undefined) platform = sourced(data.platform, line('platform'))
    if (data.dockerTarget !== undefined) dockerTarget = sourced(data.dockerTarget, line('dockerTarget'))
    for (const [type, value] of Object.entries(data.scale ?? {})) {
      const source = line('scale', type)
      const where = source.kind === 'file' ? `${source.file}:${source.line}` : c.display
      const [t, entry] = parseScaleSpec(`${type}=${value}`, {label: `${where}: scale.${type}`, source})
      formation.set(t, entry)
    }

    for (const [type, values] of Object.entries(data.assumptions ?? {})) {
      const before = assumptions.get(type)
      const sources = {...before?.sources}
      for (const key of Object.keys(values) as (keyof Assumption)[]) sources[key] = line('assumptions', type, key)
      assumptions.set(type, {source: line('assumptions', type), sources, values: {...before?.values, ...values}})
    }
  }

  for (const [type, entry] of assumeEntries(flags.assume ?? [])) {
    const before = assumptions.get(type)
    const values = Object.fromEntries(Object.entries(entry.values).filter(([, v]) => v !== undefined)) as Assumption
    const sources = {...before?.sources}
    for (const key of Object.keys(values) as (keyof Assumption)[]) sources[key] = entry.source
    assumptions.set(type, {source: entry.source, sources, values: {...before?.values, ...values}})
  }

  return {
    appEnv: flags['rails-env'] ?? appEnv,
    assumptions,
    defaults: {
      env:
        env.size === 0 || !config
          ? undefined
          : layer(
              config.display,
              [...env].map(([name, {source, value}]) => ({
                name,
                source: fromEnv(name, source.kind === 'file' ? `${source.file}:${source.line}` : config.display),
                value: String(value),
              })),
            ),
      envFiles,
      formation,
    },
    ...(flags['docker-target'] === undefined ? (dockerTarget ? {dockerTarget} : {}) : {dockerTarget: sourced(flags['docker-target'], fromFlag(`--docker-target ${flags['docker-target']}`))}),
    env: flags.env ?? [],
    envFiles: flags['env-file'] ?? [],
    name: fixed.name,
    platform: flags.platform === 'heroku' || flags.platform === 'dokku' ? platformFlag(flags.platform) : platform,
    pooled: fixed.pooled,
    preboot: flags.preboot === undefined ? preboot : sourced(flags.preboot, fromFlag(flags.preboot ? '--preboot' : '--no-preboot')),
    procfile: fixed.procfile,
    ...(fixed.procfileGiven ? {procfileGiven: true} : {}),
    scale: fixed.scale,
  }
}
