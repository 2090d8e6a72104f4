/**
 * A Play app started by sbt-native-packager's script (`target/universal/stage/bin/NAME`, what
 * the Scala buildpack stages; Play 2.2's `target/start`): one JVM per dyno. Play's JDBC module
 * opens a HikariCP pool per database under `db` (play.db.config) in conf/application.conf
 * (HOCON, hocon.ts; `-Dconfig.resource`/`-Dconfig.file` name another file, `-Dkey=value` on the
 * command line or in JAVA_OPTS override it): `db.NAME.hikaricp.maximumPoolSize`, else the
 * prototype's `play.db.prototype.hikaricp.maximumPoolSize`, 10 in Play's reference.conf, with
 * minimumIdle null (HikariCP then keeps the pool full). Requests wait for a pooled connection,
 * so threads per process = the pool. play-slick apps size Slick's own pool under
 * `slick.dbs.NAME.db` (numThreads, maxConnections) and Play's `db` keys are not its pool.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, derivedFrom, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {HoconConfig, type HoconValue} from './hocon.js'
import {isPlay} from '../common/matchers.js'

// play-jdbc reference.conf: play.db.prototype.hikaricp { minimumIdle = null, maximumPoolSize = 10 }, play.db.config = "db".
const PLAY_JDBC = 'https://github.com/playframework/playframework/blob/main/persistence/play-jdbc/src/main/resources/reference.conf'
const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'
// Database.forConfig: numThreads (default 20); maxConnections defaults to numThreads (Slick 3.3+; numThreads × 5 before).
const SLICK = 'https://scala-slick.org/doc/3.3.2/api/index.html#slick.jdbc.JdbcBackend$DatabaseFactoryDef@forConfig(path:String,config:com.typesafe.config.Config,driver:java.sql.Driver,classLoader:ClassLoader):JdbcBackend.this.Database'
const CONFIG_LOAD = 'https://github.com/lightbend/config#standard-behavior'
/** Env vars the platform sets to the PostgreSQL add-on's URL (Heroku Postgres; the JVM buildpack's .profile.d/jdbc.sh). */
const PLATFORM_URLS = /^(DATABASE_URL|JDBC_DATABASE_URL|HEROKU_POSTGRESQL_\w+_URL|SCALINGO_POSTGRESQL_URL)$/

interface Setting {
  line?: number
  file?: string
  source: Source
  via: Source[]
  value: null | string | undefined
  unresolved?: string
  unsetOverrides?: string[]
}

/** `-Dkey=value` on the command line and in JAVA_OPTS / JAVA_TOOL_OPTIONS: system properties, which win over the file. */
function systemProperties(ctx: AnalyzerContext): Map<string, {source: Source; value: string}> {
  const out = new Map<string, {source: Source; value: string}>()
  const words = [...ctx.command.argv.slice(1), ...(ctx.env.get('JAVA_OPTS')?.value.split(/\s+/) ?? []), ...(ctx.env.get('JAVA_TOOL_OPTIONS')?.value.split(/\s+/) ?? [])]
  for (const w of words) {
    const m = /^-D([\w.\-"]+)=(.*)$/.exec(w)
    if (m) out.set(m[1].replaceAll('"', ''), {source: fromFlag(w), value: m[2]})
  }

  return out
}

class PlayConfig {
  readonly diagnostics: Diagnostic[] = []
  readonly file: string
  private readonly hocon: HoconConfig
  readonly props: Map<string, {source: Source; value: string}>

  constructor(ctx: AnalyzerContext) {
    this.props = systemProperties(ctx)
    this.hocon = new HoconConfig(ctx.files, ctx.env, 'conf/')
    const named = this.props.get('config.file') ?? this.props.get('config.resource')
    this.file = this.props.has('config.file') ? named!.value.replace(/^\.\//, '') : named ? `conf/${named.value.replace(/^\//, '')}` : 'conf/application.conf'
    if (!this.hocon.load(this.file) && named) {
      this.diagnostics.push({code: 'missing-config', message: `${named.value} (${this.file}), named by config.resource or config.file, does not exist in the app: nothing it sets is read (Lightbend Config fails to load a missing config.file or config.resource)`, severity: 'warning'})
    }

    this.diagnostics.push(...this.hocon.diagnostics)
  }

  get(key: string): Setting | undefined {
    const p = this.props.get(key)
    if (p) return {source: p.source, value: p.value, via: []}
    const v: HoconValue | undefined = this.hocon.get(key)
    return v ? {...v, source: fromFile(v.file, v.line)} : undefined
  }

  /** The names under a prefix, from the file and the system properties: `db` → default, replica. */
  names(prefix: string): string[] {
    const keys = [...this.hocon.below(prefix), ...[...this.props.keys()].filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1))]
    return [...new Set(keys.map((k) => k.split('.')[0]))]
  }
}

const where = (s: Setting): {file?: string; line?: number} => (s.source.kind === 'file' ? {file: s.source.file, line: s.source.line} : {})

/** An integer setting, else undefined with the reason said (unresolved substitution, not an integer). */
function intSetting(s: Setting | undefined, key: string, what: string, diagnostics: Diagnostic[], processType: string): Sourced<number> | undefined {
  if (!s || (s.value === undefined && !s.unresolved) || s.value === null) return undefined
  if (s.unresolved) {
    diagnostics.push({code: 'unresolved-env', ...where(s), message: `${processType}: ${s.unresolved} is not set anywhere and ${key} reads it without a default, so ${what} is not known`, processType, severity: 'warning'})
    return undefined
  }

  if (/^\s*\d+\s*$/.test(s.value!)) return sourced(Number(s.value), s.source, s.via)
  diagnostics.push({code: 'unknown-config-value', ...where(s), message: `${processType}: cannot read ${what}: ${key} = ${JSON.stringify(s.value)} is not an integer`, processType, severity: 'warning'})
  return undefined
}

/** Whether a database URL setting reaches PostgreSQL: read, the platform's URL, or another database (with why). */
function reachesPostgres(url: Setting | undefined): {other?: string; source?: Source} {
  if (!url) return {}
  const platform = [...url.via.filter((v) => v.kind === 'env').map((v) => (v.kind === 'env' ? v.name : '')), ...(url.unsetOverrides ?? [])].find((n) => PLATFORM_URLS.test(n))
  if (url.value && /^(jdbc:)?(postgres(ql)?|pgsql):/i.test(url.value)) return {source: url.source}
  if (platform && !url.via.some((v) => v.kind === 'env')) {
    // `url = "jdbc:h2:…"` then `url = ${?DATABASE_URL}`: the platform's URL replaces the literal where it runs.
    return {source: fromDefault(`${platform} replaces the url (\`\${?${platform}}\` at ${url.file ?? 'the config'}:${url.line ?? '?'}); the platform sets it to the PostgreSQL add-on's URL`, 'https://devcenter.heroku.com/articles/heroku-postgresql#connecting-in-java')}
  }

  if (url.value) {
    const scheme = /^(?:jdbc:)?([a-z0-9]+):/i.exec(url.value)?.[1]
    return scheme ? {other: scheme} : {}
  }

  return {}
}

function playPools(ctx: AnalyzerContext, config: PlayConfig, diagnostics: Diagnostic[]): {notCounted: string[]; pools: PoolEntry[]} {
  const pools: PoolEntry[] = []
  const notCounted: string[] = []
  for (const name of config.names('db')) {
    const url = config.get(`db.${name}.url`)
    const jndi = config.get(`db.${name}.jndiName`)
    if ((!url || url.value === null || (url.value === undefined && !url.unresolved && !url.unsetOverrides)) && !jndi?.value) continue
    const pg = reachesPostgres(url)
    if (pg.other) {
      notCounted.push(`db.${name} (${pg.other}, ${url?.source.kind === 'file' ? `${url.source.file}:${url.source.line}` : 'a flag'})`)
      continue
    }

    const poolKind = config.get(`db.${name}.pool`)?.value ?? config.get('play.db.pool')?.value ?? 'default'
    const key = `db.${name}.hikaricp.maximumPoolSize`
    const max =
      intSetting(config.get(key), key, `db.${name}'s HikariCP pool size`, diagnostics, ctx.processType) ??
      intSetting(config.get('play.db.prototype.hikaricp.maximumPoolSize'), 'play.db.prototype.hikaricp.maximumPoolSize', "the prototype's HikariCP pool size", diagnostics, ctx.processType) ??
      sourced(10, fromDefault("Play's play.db.prototype.hikaricp.maximumPoolSize (reference.conf)", PLAY_JDBC))
    const via: Source[] = [...(pg.source ? [pg.source] : []), ...(max.via ?? [])]
    const urlVars = [...(url?.via ?? []).flatMap((v) => (v.kind === 'env' ? [v.name] : [])), ...(url?.unsetOverrides ?? [])]
    if (name !== 'default' && !urlVars.some((n) => PLATFORM_URLS.test(n))) {
      via.push(assumed(`db.${name}'s url is not the platform's DATABASE_URL (${urlVars.length > 0 ? urlVars.join(', ') : 'a literal'}); counted as on the same PostgreSQL server`))
    }
    if (!['default', 'hikaricp'].includes(String(poolKind))) via.push(assumed(`db.${name} uses the ${String(poolKind)} pool, not HikariCP; its size is not read and HikariCP's is counted`))
    const pool = sourced(max.value, max.source, via)
    const minKey = `db.${name}.hikaricp.minimumIdle`
    const minIdle = intSetting(config.get(minKey), minKey, `db.${name}'s HikariCP minimumIdle`, diagnostics, ctx.processType) ?? intSetting(config.get('play.db.prototype.hikaricp.minimumIdle'), 'play.db.prototype.hikaricp.minimumIdle', "the prototype's minimumIdle", diagnostics, ctx.processType)
    const minOpen = minIdle && minIdle.value >= 0 && minIdle.value <= pool.value ? minIdle : sourced(pool.value, fromDefault('minimumIdle null: HikariCP keeps maximumPoolSize connections open', HIKARI), [pool.source])
    pools.push({database: `db.${name}`, minOpen, pool, server: 'DATABASE_URL'})
  }

  return {notCounted, pools}
}

/** play-slick: each `slick.dbs.NAME` is a Slick Database with its own HikariCP pool (Play's `db` pools are not used by Slick). */
function slickPools(ctx: AnalyzerContext, config: PlayConfig, diagnostics: Diagnostic[]): PoolEntry[] {
  const pools: PoolEntry[] = []
  for (const name of config.names('slick.dbs')) {
    const base = `slick.dbs.${name}.db`
    const url = config.get(`${base}.url`) ?? config.get(`${base}.properties.url`)
    const pg = reachesPostgres(url)
    if (pg.other) continue
    const threads = intSetting(config.get(`${base}.numThreads`), `${base}.numThreads`, "Slick's numThreads", diagnostics, ctx.processType)
    const max = intSetting(config.get(`${base}.maxConnections`), `${base}.maxConnections`, "Slick's maxConnections", diagnostics, ctx.processType)
    const pool =
      max ??
      (threads
        ? sourced(threads.value, threads.source, [fromDefault('Slick maxConnections defaults to numThreads (3.3+)', SLICK), assumed("Slick's version is not read: before 3.3 maxConnections defaulted to numThreads × 5")])
        : sourced(20, fromDefault("Slick's numThreads default 20; maxConnections defaults to numThreads (3.3+)", SLICK), [assumed(`${base} sets neither maxConnections nor numThreads, and Slick's version is not read (before 3.3 maxConnections was numThreads × 5)`)]))
    pools.push({database: `slick.dbs.${name}`, pool: pg.source ? sourced(pool.value, pool.source, [pg.source, ...(pool.via ?? [])]) : pool, server: 'DATABASE_URL'})
  }

  return pools
}

export const play: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const config = new PlayConfig(ctx)
    const diagnostics: Diagnostic[] = [...config.diagnostics]
    const build = ['build.sbt', 'project/plugins.sbt'].map((f) => ctx.files.read(f)?.text ?? '').join('\n')
    const isSlick = /play-slick|"com\.typesafe\.slick"|"slick"/.test(build)
    const slick = isSlick ? slickPools(ctx, config, diagnostics) : []
    const play = playPools(ctx, config, diagnostics)
    const pools = [...slick, ...play.pools]
    const processes = sourced(1, fromDefault('one JVM per dyno (sbt-native-packager start script)', 'https://devcenter.heroku.com/articles/getting-started-with-scala'))
    if (pools.length === 0) {
      const none = play.notCounted.length > 0 ? `its databases are not PostgreSQL: ${play.notCounted.join(', ')}` : `${config.file} configures no database under db (nor slick.dbs)`
      if (play.notCounted.length === 0) {
        diagnostics.push({code: 'unknown-config-value', file: config.file, fix: `if this process uses PostgreSQL, give its pool: --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: ${none}, so no pool is counted; 1 connection is assumed in case the app opens one in code`, processType: ctx.processType, severity: 'warning'})
        return {diagnostics, language: 'java', pools: [], processesPerDyno: processes, server: 'play', threadsPerProcess: sourced(1, assumed(`${none} (${CONFIG_LOAD}); 1 connection assumed`))}
      }

      return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'play', threadsPerProcess: sourced(0, fromDefault(`Play: ${none}`, PLAY_JDBC))}
    }

    const total = pools.reduce((a, p) => a + p.pool.value, 0)
    return {
      diagnostics,
      // Requests queue for the pools (one per database), so "threads" is the queries at once: the pools' total.
      eventLoop: true,
      language: 'java',
      pools,
      processesPerDyno: processes,
      server: 'play',
      threadsPerProcess: sourced(total, fromDefault("Play's actions wait for a pooled connection: at most the pools' size hold one at once", PLAY_JDBC), derivedFrom(pools.map((p) => p.pool))),
    }
  },
  id: 'play',
  matches: isPlay,
}
