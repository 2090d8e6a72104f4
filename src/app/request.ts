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
import {layer} from '../model/env.js'
import {fromEnv, fromFile, fromFlag, type Source, sourced, type Sourced} from '../model/source.js'

/** The flags every budgeting command shares (src/commands/flags.ts), as oclif parses them. */
export interface InputFlags {
  app?: string
  assume?: string[]
  config?: string
  env?: string[]
  'env-file'?: string[]
  'fail-on'?: string
  limit?: number
  plan?: string
  'plans-file'?: string
  pooled?: string[]
  preboot?: boolean
  procfile?: string
  'rails-env'?: string
  reserve?: number
  scale?: string[]
  'warn-at'?: string
}

const DEFAULT_WARN_AT = 0.8

/**
 * Flags + config file → BudgetRequest. The config file is looked for in the
 * app root (the --procfile's folder, else the working directory) unless
 * --config names it; zod and the YAML parser load only when one exists.
 */
export async function resolveRequest(flags: InputFlags, extraScale: string[] = []): Promise<BudgetRequest> {
  const location = flags.config ? locateConfigFlag(flags.config) : findConfig(dirname(resolve(flags.procfile ?? 'Procfile')))
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
  if (data.apps) {
    const names = data.apps.map((a) => a.name)
    if (flags.app !== undefined && !names.includes(flags.app)) {
      throw new UsageError(`--app ${flags.app}: no such app in ${config!.display}`, `apps there: ${names.join(', ')}`)
    }

    if ((scaleFlags.length > 0 || (flags.pooled ?? []).length > 0) && flags.app === undefined && names.length > 1) {
      throw new UsageError(`${config!.display} lists ${names.length} apps: say which one to scale with --app`, `e.g. --app ${names[0]}`)
    }

    const target = flags.app ?? (names.length === 1 ? names[0] : undefined)
    apps = data.apps.map((entry, i) =>
      appRequest(flags, config!, [base!, {config: config!, data: entry, path: ['apps', i]}], {
        name: entry.name,
        procfile: configPath(config!, entry.procfile, ['apps', i, 'procfile']),
        pooled: entry.name === target ? (flags.pooled ?? []) : [],
        scale: entry.name === target ? scaleFlags : [],
      }),
    )
  } else {
    if (flags.app !== undefined) throw new UsageError('--app needs a config file that lists apps', 'see "Several apps, one database" in the README')
    const procfile = flags.procfile ?? (config ? displayPath(data.procfile === undefined ? resolve(config.dir, 'Procfile') : configPath(config, data.procfile, ['procfile'])) : 'Procfile')
    apps = [appRequest(flags, config, base ? [base] : [], {name: null, pooled: flags.pooled ?? [], procfile, scale: scaleFlags})]
  }

  return {
    apps,
    config: config?.display ?? null,
    configDir: config?.dir ?? null,
    failOn,
    limit: flags.limit === undefined ? fromConfig('limit', data.limit) : sourced(flags.limit, fromFlag(`--limit ${flags.limit}`)),
    plan: flags.plan ?? data.plan,
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
  fixed: {name: null | string; pooled: string[]; procfile: string; scale: string[]},
): AppRequest {
  const env = new Map<string, {source: Source; value: EnvValue}>()
  const envFiles: string[] = []
  const formation: Formation = new Map()
  const assumptions = new Map<string, AssumptionEntry>()
  let appEnv: string | undefined
  let preboot: null | Sourced<boolean> = null

  for (const {config: c, data, path} of layers) {
    const line = (...keys: (number | string)[]): Source => fromFile(c.display, c.lineOf([...path, ...keys]))
    for (const [name, value] of Object.entries(data.env ?? {})) env.set(name, {source: line('env', name), value})
    for (const [i, file] of (data.envFiles ?? []).entries()) envFiles.push(displayPath(configPath(c, file, [...path, 'envFiles', i])))
    if (data.railsEnv !== undefined) appEnv = data.railsEnv
    if (data.preboot !== undefined) preboot = sourced(data.preboot, line('preboot'))
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
    env: flags.env ?? [],
    envFiles: flags['env-file'] ?? [],
    name: fixed.name,
    pooled: fixed.pooled,
    preboot: flags.preboot === undefined ? preboot : sourced(flags.preboot, fromFlag(flags.preboot ? '--preboot' : '--no-preboot')),
    procfile: fixed.procfile,
    scale: fixed.scale,
  }
}
