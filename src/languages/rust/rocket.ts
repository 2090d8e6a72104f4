/**
 * Rocket 0.5's managed database pools: a `#[database("NAME")]` struct (rocket_db_pools' `#[derive(Database)]`,
 * rocket_sync_db_pools' `#[database]` attribute) is one pool per process, made by Rocket at ignition, sized by
 * Rocket's configuration (a Figment), never in the app's code:
 * - rocket_db_pools: `databases.NAME.max_connections`, default `workers * 4`
 *   (rwf2/Rocket@v0.5.1:contrib/db_pools/lib/src/database.rs:258-264, ROCKET_DB_POOLS_REF);
 * - rocket_sync_db_pools: `databases.NAME.pool_size`, default `workers * 4`
 *   (rwf2/Rocket@v0.5.1:contrib/sync_db_pools/lib/src/config.rs:105-115, ROCKET_SYNC_REF);
 * - `workers` defaults to `num_cpus::get()` (rwf2/Rocket@v0.5.1:core/lib/src/config/config.rs:188).
 * The Figment is `Config::figment()` (config.rs:257-261): Rocket.toml (or the file ROCKET_CONFIG names),
 * nested by profile — `[global]` over the selected profile over `[default]` — then `ROCKET_*` env vars
 * over all of it (`ROCKET_WORKERS`, `ROCKET_DATABASES={NAME={url="…",pool_size=N}}`); the profile is
 * ROCKET_PROFILE, else `release` for a release build (config.rs:481-485), which is what the Rust
 * buildpacks and `target/release/…` run.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext} from '../common/types.js'
import type {TomlParse} from './cargo.js'

import {entrySources} from '../../model/env.js'
import {assumed, fromDefault, fromFile, type Source, sourced} from '../../model/source.js'
import {tomlKeyLine} from '../../platform/fly-toml.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {cargoOutput} from '../common/matchers.js'

export const ROCKET_DB_POOLS_REF = 'https://github.com/rwf2/Rocket/blob/v0.5.1/contrib/db_pools/lib/src/database.rs#L258-L264'
export const ROCKET_SYNC_REF = 'https://github.com/rwf2/Rocket/blob/v0.5.1/contrib/sync_db_pools/lib/src/config.rs#L105-L115'
const ROCKET_WORKERS_REF = 'https://github.com/rwf2/Rocket/blob/v0.5.1/core/lib/src/config/config.rs#L188'
const ROCKET_FIGMENT_REF = 'https://github.com/rwf2/Rocket/blob/v0.5.1/core/lib/src/config/config.rs#L257-L261'

/** A `#[database("NAME")]` struct found in the code read. */
export interface RocketDatabase {
  file: string
  line: number
  name: string
  /** The struct's field type (`sqlx::PgPool`, `diesel::PgConnection`), to leave out other databases. */
  type: string
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const get = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isTable(o) ? o[k] : undefined), v)
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined)

type Found = {source: Source; value: number; via: Source[]} | {unknown: string} | undefined

/** The profile Rocket selects: ROCKET_PROFILE, else debug for a debug build, release for a release one. */
function profileOf(ctx: AnalyzerContext): {name: string; via: Source[]} {
  const e = ctx.env.get('ROCKET_PROFILE')
  if (e && e.unknown === undefined && e.value.trim()) return {name: e.value.trim(), via: entrySources(e)}
  const argv = ctx.command.argv
  const debug = cargoOutput(argv[0] ?? '')?.profile === 'debug' || (argv[0] === 'cargo' && argv[1] === 'run' && !argv.includes('--release') && !argv.includes('-r'))
  return {name: debug ? 'debug' : 'release', via: [fromDefault(`Rocket's profile for a ${debug ? 'debug' : 'release'} build (ROCKET_PROFILE unset)`, 'https://github.com/rwf2/Rocket/blob/v0.5.1/core/lib/src/config/config.rs#L474-L485')]}
}

/** Pools for the Rocket databases the binary declares, one entry per database name. */
export function rocketPools(ctx: AnalyzerContext, dbs: RocketDatabase[], crates: Set<string>, lock: Map<string, string>, parse: TomlParse, diagnostics: Diagnostic[]): PoolEntry[] {
  const sync = crates.has('rocket_sync_db_pools')
  const pooled = crates.has('rocket_db_pools')
  if (!sync && !pooled) return []
  const key = pooled ? 'max_connections' : 'pool_size'
  const crate = pooled ? 'rocket_db_pools' : 'rocket_sync_db_pools'
  const ref = pooled ? ROCKET_DB_POOLS_REF : ROCKET_SYNC_REF
  const configEnv = ctx.env.get('ROCKET_CONFIG')
  const file = configEnv && configEnv.unknown === undefined && configEnv.value.trim() ? configEnv.value.trim().replace(/^\.\//, '') : 'Rocket.toml'
  const text = ctx.files.read(file)?.text
  let toml: unknown
  if (text !== undefined) {
    try {
      toml = parse(text)
    } catch (error) {
      const e = error as {line?: number; message?: string}
      diagnostics.push({code: 'unparsable-config', file, line: typeof e.line === 'number' ? e.line : 1, message: `${file} is not valid TOML (${(e.message ?? String(error)).split('\n')[0]}); Rocket's defaults are used`, processType: ctx.processType, severity: 'warning'})
    }
  }

  const profile = profileOf(ctx)
  /** ROCKET_X (global, over the file), else [global], the profile, [default] in Rocket.toml. */
  const setting = (path: string[], envName: string, envPath: string[]): Found => {
    const e = ctx.env.get(envName)
    if (e) {
      if (e.unknown !== undefined) return {unknown: `${envName} is ${e.unknown}`}
      let v: unknown = e.value
      if (envPath.length > 0) {
        try {
          v = get(parse(`v = ${e.value}`), 'v', ...envPath)
        } catch {
          return {unknown: `${envName} is not a dictionary Rocket's env reader and conncalc agree on`}
        }
      }

      const n = int(v)
      if (n !== undefined) return {source: e.source, value: n, via: e.via ?? []}
      if (v !== undefined) return {unknown: `${envName}${envPath.length > 0 ? `'s ${envPath.join('.')}` : ''} is ${JSON.stringify(v)}, not an integer`}
    }

    for (const p of ['global', profile.name, 'default']) {
      const v = get(toml, p, ...path)
      if (v === undefined) continue
      const n = int(v)
      const t = text ?? ''
      const direct = tomlKeyLine(t, [p, ...path.slice(0, -1)].join('.'), path.at(-1))
      // `NAME = { url = "…", pool_size = N }` inline under [p.databases]: the line of NAME.
      const at = (t.split(/\r?\n/)[direct - 1] ?? '').includes(path.at(-1)!) ? direct : tomlKeyLine(t, [p, ...path.slice(0, -2)].join('.'), path.at(-2))
      if (n === undefined) return {unknown: `${file}:${at} sets ${[p, ...path].join('.')} to ${JSON.stringify(v)}, not an integer`}
      return {source: fromFile(file, at), value: n, via: p === 'default' || p === 'global' ? [] : profile.via}
    }

    return undefined
  }

  const pools: PoolEntry[] = []
  const seen = new Set<string>()
  for (const db of dbs) {
    if (seen.has(db.name)) continue
    seen.add(db.name)
    if (/sqlite|mysql|mongo|redis|memcache/i.test(db.type)) continue
    const label = `${crate} "${db.name}" ${db.file}:${db.line}`
    const set = setting(['databases', db.name, key], 'ROCKET_DATABASES', [db.name, key])
    if (set && 'value' in set) {
      pools.push({database: label, pool: sourced(set.value, set.source, [...set.via, fromFile(db.file, db.line)]), server: 'DATABASE_URL'})
      continue
    }

    const workers = setting(['workers'], 'ROCKET_WORKERS', [])
    const via: Source[] = [fromDefault(`${crate} default ${key}: workers × 4${lock.get(crate) ? ` (${crate} ${lock.get(crate)} in Cargo.lock)` : ''}`, ref), fromFile(db.file, db.line)]
    if (set && 'unknown' in set) {
      diagnostics.push({code: 'unknown-config-value', file, fix: `give the value (--env for the variable it reads) or --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: cannot read databases.${db.name}.${key}: ${set.unknown}; Rocket's default is assumed`, processType: ctx.processType, severity: 'warning'})
      via.push(assumed(`databases.${db.name}.${key} is set where conncalc cannot read it (${set.unknown}); the default is assumed`))
    }

    // ROCKET_WORKERS required by app.json with no value: the deployer's value replaces Rocket.toml's and the default.
    const deployer = ctx.env.get('ROCKET_WORKERS') ? undefined : ctx.env.deployerSets('ROCKET_WORKERS')
    if (deployer) via.push(deployer)
    let value: number
    if (workers && 'value' in workers) {
      value = workers.value * 4
      via.push(workers.source, ...workers.via)
    } else {
      const n = ctx.dyno?.nproc
      value = (n?.value ?? 8) * 4
      via.push(fromDefault("Rocket's default workers: num_cpus::get(), the dyno's CPU count", ROCKET_WORKERS_REF))
      if (n) via.push(n.source, ...(n.via ?? []))
      if (workers && 'unknown' in workers) via.push(assumed(`workers is set where conncalc cannot read it (${workers.unknown}); Rocket's default is assumed`))
    }

    via.push(fromDefault(`Rocket's configuration: ${file} ([global] over [${profile.name}] over [default]), then ROCKET_* env`, ROCKET_FIGMENT_REF))
    const pool = sourced(value, fromFile(db.file, db.line), via)
    for (const d of cpuCountWarning(ctx, pool, `the ${crate} pool "${db.name}"`, `set it in Rocket.toml: [${profile.name}.databases.${db.name}] ${key} = N (or [${profile.name}] workers = N)`)) diagnostics.push(d)
    pools.push({database: label, pool, server: 'DATABASE_URL'})
  }

  return pools
}

// Rocket 0.4 config.rs Config::default: `let default_workers = (num_cpus::get() * 2) as u16;` for every environment;
// environment.rs Environment::active: ROCKET_ENV, else Development in a debug build and Production in a release one.
export const ROCKET04_WORKERS_REF = 'https://github.com/rwf2/Rocket/blob/v0.4.11/core/lib/src/config/config.rs'
const ROCKET04_ENV_REF = 'https://github.com/rwf2/Rocket/blob/v0.4.11/core/lib/src/config/environment.rs'
const ROCKET04_ENVS: Record<string, string> = {dev: 'development', development: 'development', prod: 'production', production: 'production', stage: 'staging', staging: 'staging'}

/**
 * Rocket 0.4 and before serve requests synchronously, one per thread of a `workers` pool: ROCKET_WORKERS, else
 * Rocket.toml's [global] workers, else the active environment's table, else num_cpus × 2. Undefined when the app's
 * rocket is 0.5 or later (async: no such bound) or no rocket dependency is found.
 */
export function rocketSyncWorkers(ctx: AnalyzerContext, lock: Map<string, string>, manifestText: string, parse: TomlParse, diagnostics: Diagnostic[]): undefined | {cpu: boolean; env: string; file: string; value: number; via: Source[]} {
  const locked = lock.get('rocket')
  const req = /^\s*rocket\s*=\s*(?:"([^"]+)"|\{[^}\n]*\bversion\s*=\s*"([^"]+)")/m.exec(manifestText)
  const version = locked ?? (req?.[1] ?? req?.[2])?.replace(/^[\^~=\s]+/, '')
  if (!version || !/^0\.[0-4](\.|$)/.test(version)) return undefined
  const versionVia = fromDefault(`rocket ${version} (${locked ? 'Cargo.lock' : 'Cargo.toml'}) serves each request on one of its \`workers\` threads`, ROCKET04_WORKERS_REF)
  const argv = ctx.command.argv
  const debug = cargoOutput(argv[0] ?? '')?.profile === 'debug' || (argv[0] === 'cargo' && argv[1] === 'run' && !argv.includes('--release') && !argv.includes('-r'))
  const e = ctx.env.get('ROCKET_ENV')
  const named = e && e.unknown === undefined ? ROCKET04_ENVS[e.value.trim()] : undefined
  const env = named ?? (debug ? 'development' : 'production')
  const envVia = named ? entrySources(e!) : [fromDefault(`Rocket 0.4's environment with ROCKET_ENV unset: ${env} in a ${debug ? 'debug' : 'release'} build`, ROCKET04_ENV_REF)]
  const file = 'Rocket.toml'
  const unread = (why: string): void => {
    diagnostics.push({code: 'unknown-config-value', file, fix: `give the value (--env ROCKET_WORKERS=N) or --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: cannot read Rocket's workers: ${why}; Rocket 0.4's default is assumed`, processType: ctx.processType, severity: 'warning'})
  }

  const w = ctx.env.get('ROCKET_WORKERS')
  if (w && w.unknown === undefined && /^\s*\d+\s*$/.test(w.value)) return {cpu: false, env, file, value: Number(w.value.trim()), via: [versionVia, ...entrySources(w)]}
  if (w) unread(`ROCKET_WORKERS is ${w.unknown ?? JSON.stringify(w.value)}`)
  const text = ctx.files.read(file)?.text
  let toml: unknown
  try {
    toml = text === undefined ? undefined : parse(text)
  } catch {
    // rocketPools reports a Rocket.toml that is not TOML; here the default applies.
  }

  for (const table of ['global', env]) {
    const v = get(toml, table, 'workers')
    if (v === undefined) continue
    const n = int(v)
    if (n === undefined) {
      unread(`${file} sets ${table}.workers to ${JSON.stringify(v)}`)
      break
    }

    return {cpu: false, env, file, value: n, via: [versionVia, fromFile(file, tomlKeyLine(text ?? '', table, 'workers')), ...(table === env ? envVia : [])]}
  }

  const nproc = ctx.dyno?.nproc
  const via: Source[] = [versionVia, fromDefault("Rocket 0.4's default workers: num_cpus::get() × 2", ROCKET04_WORKERS_REF), ...envVia, ...(nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed("the dyno's CPU count is not known: 8 assumed")])]
  return {cpu: true, env, file, value: (nproc?.value ?? 8) * 2, via}
}
