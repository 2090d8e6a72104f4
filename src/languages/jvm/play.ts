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
import {PLATFORM_DATABASE_URLS, unsetUrlServer} from '../../util/pg-url.js'
import {placeUnknownServers} from '../../model/other-server.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, derivedFrom, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {HoconConfig, type HoconValue} from './hocon.js'
import {isPlay} from '../common/matchers.js'
import {compareVersions, versionAtLeast} from '../../util/version.js'
import {filesUnder} from '../../model/files.js'

// play-jdbc reference.conf: play.db.prototype.hikaricp { minimumIdle = null, maximumPoolSize = 10 }, play.db.config = "db".
const PLAY_JDBC = 'https://github.com/playframework/playframework/blob/main/persistence/play-jdbc/src/main/resources/reference.conf'
const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'
// Slick's HikariCP pool (Database.forConfig): numThreads defaults to 20 in every 3.x; maxConnections (the pool's
// maximum) defaulted to numThreads × 5 until 3.2.1 and to numThreads from 3.2.2; from 3.3.0 `maximumPoolSize` is read
// before `maxConnections` and `minimumIdle` before `minConnections` (default numThreads: the pool opens that many).
// slick/slick@3.0.0 slick/src/main/scala/slick/jdbc/JdbcDataSource.scala:162-164 and @v3.2.1
// slick-hikaricp/…/HikariCPJdbcDataSource.scala:47-49 `c.getIntOr("maxConnections", numThreads * 5)`; @v3.2.2 :47-49
// `c.getIntOr("maxConnections", numThreads)`; @v3.3.0 :48,55-56. (queueSize, default 1000, is the executor's queue, not connections.)
const SLICK_OLD = 'https://github.com/slick/slick/blob/v3.2.1/slick-hikaricp/src/main/scala/slick/jdbc/hikaricp/HikariCPJdbcDataSource.scala#L47-L49'
const SLICK_322 = 'https://github.com/slick/slick/blob/v3.2.2/slick-hikaricp/src/main/scala/slick/jdbc/hikaricp/HikariCPJdbcDataSource.scala#L47-L49'
const SLICK_330 = 'https://github.com/slick/slick/blob/v3.3.0/slick-hikaricp/src/main/scala/slick/jdbc/hikaricp/HikariCPJdbcDataSource.scala#L48-L56'
// The Slick each play-slick release depends on (playframework/play-slick tags, project/Dependencies.scala `val slick`):
// 1.0.x → 3.0.x, 1.1.x–2.0.x → 3.1.0, 2.1.0 and 3.0.0 → 3.2.0, 2.1.1 and 3.0.1–3.0.3 → 3.2.1, 3.0.4 → 3.2.3,
// 4.0.0–4.0.1 → 3.3.0, 4.0.2–5.0.x → 3.3.2, 5.1–5.2 and 6.0 → 3.4.1, 5.3.0 and 6.1.0 → 3.5.0, 5.3.1 and 6.1.1 → 3.5.1,
// 5.4 and 6.2 → 3.6.0.
const PLAY_SLICK = 'https://github.com/playframework/play-slick/blob/main/project/Dependencies.scala'
const PLAY_SLICK_TO_SLICK: [string, string][] = [
  ['6.2.0', '3.6.0'], ['6.1.1', '3.5.1'], ['6.1.0', '3.5.0'], ['6.0.0', '3.4.1'], ['5.4.0', '3.6.0'], ['5.3.1', '3.5.1'], ['5.3.0', '3.5.0'], ['5.1.0', '3.4.1'],
  ['4.0.2', '3.3.2'], ['4.0.0', '3.3.0'], ['3.0.4', '3.2.3'], ['3.0.1', '3.2.1'], ['3.0.0', '3.2.0'], ['2.1.1', '3.2.1'], ['2.1.0', '3.2.0'], ['1.1.0', '3.1.0'], ['1.0.0', '3.0.0'],
]
const CONFIG_LOAD = 'https://github.com/lightbend/config#standard-behavior'
const SLICK_FOR_CONFIG = 'https://scala-slick.org/doc/stable/database.html#using-typesafe-config'
/** Env vars the platform sets to the PostgreSQL add-on's URL (Heroku Postgres; the JVM buildpack's .profile.d/jdbc.sh). */
const PLATFORM_URLS = PLATFORM_DATABASE_URLS

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
    // Play keeps its classpath config in conf/; any other sbt app (Akka HTTP, http4s) in src/main/resources/.
    const classpath = !ctx.files.exists('conf/application.conf') && ctx.files.exists('src/main/resources/application.conf') ? 'src/main/resources/' : 'conf/'
    this.hocon = new HoconConfig(ctx.files, ctx.env, classpath)
    const named = this.props.get('config.file') ?? this.props.get('config.resource')
    this.file = this.props.has('config.file') ? named!.value.replace(/^\.\//, '') : named ? `${classpath}${named.value.replace(/^\//, '')}` : `${classpath}application.conf`
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
    const urlVars = [...(url?.via ?? []).flatMap((v) => (v.kind === 'env' ? [v.name] : [])), ...(url?.unsetOverrides ?? []), ...(url?.unresolved ? [url.unresolved] : [])]
    // Its url is read only from vars other than the platform's, none with a value here: an unknown server (model/other-server.ts).
    const unset = urlVars.length > 0 && !urlVars.some((n) => PLATFORM_URLS.test(n)) && !(url?.via ?? []).some((v) => v.kind === 'env')
    if (name !== 'default' && !unset && !urlVars.some((n) => PLATFORM_URLS.test(n))) {
      via.push(assumed(`db.${name}'s url is not the platform's DATABASE_URL (${urlVars.length > 0 ? urlVars.join(', ') : 'a literal'}); counted as on the same PostgreSQL server`))
    }
    if (!['default', 'hikaricp'].includes(String(poolKind))) via.push(assumed(`db.${name} uses the ${String(poolKind)} pool, not HikariCP; its size is not read and HikariCP's is counted`))
    const pool = sourced(max.value, max.source, via)
    const minKey = `db.${name}.hikaricp.minimumIdle`
    const minIdle = intSetting(config.get(minKey), minKey, `db.${name}'s HikariCP minimumIdle`, diagnostics, ctx.processType) ?? intSetting(config.get('play.db.prototype.hikaricp.minimumIdle'), 'play.db.prototype.hikaricp.minimumIdle', "the prototype's minimumIdle", diagnostics, ctx.processType)
    const minOpen = minIdle && minIdle.value >= 0 && minIdle.value <= pool.value ? minIdle : sourced(pool.value, fromDefault('minimumIdle null: HikariCP keeps maximumPoolSize connections open', HIKARI), [pool.source])
    pools.push({database: `db.${name}`, minOpen, pool, server: unset ? unsetUrlServer(urlVars) : 'DATABASE_URL'})
  }

  return {notCounted, pools}
}

interface SlickVersion {
  file: string
  line: number
  /** play-slick's version when Slick's comes from it. */
  playSlick?: string
  version: string
}

/** The sbt build: build.sbt and project/*.sbt / *.scala (dependency lists often live in project/Dependencies.scala). */
function sbtBuild(files: AnalyzerContext['files']): {path: string; text: string}[] {
  const project = filesUnder(files, 'project', (p) => /^project\/[^/]+\.(sbt|scala)$/.test(p), {max: 200, maxDepth: 1}).paths
  return ['build.sbt', ...project].flatMap((path) => {
    const text = files.read(path)?.text
    return text === undefined ? [] : [{path, text}]
  })
}

/** The Slick version the build pins: `"com.typesafe.slick" %% "slick" % V`, else play-slick's Slick; sbt keeps the higher. */
export function slickVersion(files: AnalyzerContext['files']): SlickVersion | undefined {
  const build = sbtBuild(files)
  // `val slickVersion = "3.3.3"` (also lazy, in an object): a version named by an identifier, by its last segment.
  const named = new Map<string, string>()
  for (const f of build) for (const m of f.text.matchAll(/\bval\s+(\w+)\s*(?::\s*String\s*)?=\s*"(\d+\.\d+\.\d+)[^"]*"/g)) named.set(m[1], m[2])
  const find = (artifact: RegExp): undefined | {file: string; line: number; version: string} => {
    for (const f of build) {
      const re = new RegExp(String.raw`"(?:com\.typesafe\.slick|com\.typesafe\.play|org\.playframework)"\s*%%\s*"${artifact.source}"\s*%\s*(?:"(\d+\.\d+\.\d+)[^"]*"|([\w.]+))`, 'g')
      for (const m of f.text.matchAll(re)) {
        const version = m[1] ?? named.get(m[2].split('.').at(-1)!)
        if (version) return {file: f.path, line: f.text.slice(0, m.index).split('\n').length, version}
      }
    }

    return undefined
  }

  const direct = find(/slick(?:-hikaricp)?/)
  const viaPlay = find(/play-slick/)
  const fromPlay = viaPlay && PLAY_SLICK_TO_SLICK.find(([p]) => versionAtLeast(viaPlay.version, p))
  const indirect = fromPlay ? {...viaPlay, playSlick: viaPlay.version, version: fromPlay[1]} : undefined
  if (direct && indirect) return compareVersions(direct.version, indirect.version) >= 0 ? direct : indirect
  return direct ?? indirect
}

/**
 * Slick Databases the code makes from config outside play-slick: `Database.forConfig("path")` reads `path.*`,
 * `DatabaseConfig.forConfig[P]("path")` reads `path.db.*` (slick/slick JdbcBackend.forConfig, DatabaseConfig.forConfig).
 */
function standaloneSlick(files: AnalyzerContext['files']): {base: string; file: string; line: number}[] {
  const {paths} = filesUnder(files, 'src/main', (p) => /\.scala$/.test(p), {max: 3000})
  const out: {base: string; file: string; line: number}[] = []
  for (const path of paths) {
    const text = files.read(path)?.text ?? ''
    for (const m of text.matchAll(/\b(Database|DatabaseConfig)\s*\.\s*forConfig\s*(?:\[[^\]]*\])?\s*\(\s*"([\w.-]+)"/g)) {
      const base = m[1] === 'DatabaseConfig' ? `${m[2]}.db` : m[2]
      if (!out.some((o) => o.base === base)) out.push({base, file: path, line: text.slice(0, m.index).split('\n').length})
    }
  }

  return out
}

/** play-slick: each `slick.dbs.NAME` is a Slick Database with its own HikariCP pool (Play's `db` pools are not used by Slick); other apps' Database.forConfig paths likewise. */
function slickPools(ctx: AnalyzerContext, config: PlayConfig, diagnostics: Diagnostic[]): PoolEntry[] {
  const pools: PoolEntry[] = []
  const version = slickVersion(ctx.files)
  const pinned = version && fromFile(version.file, version.line)
  const named = version ? `Slick ${version.version}${version.playSlick ? ` (play-slick ${version.playSlick})` : ''}` : undefined
  const times5 = version !== undefined && !versionAtLeast(version.version, '3.2.2')
  const newKeys = version === undefined || versionAtLeast(version.version, '3.3.0')
  const cite = times5 ? SLICK_OLD : newKeys ? SLICK_330 : SLICK_322
  const unread = assumed("Slick's version is not read from the build: 3.2.2 or later is assumed (before, maxConnections defaulted to numThreads × 5)")
  const about = (what: string): Source[] => (version ? [fromDefault(`${named}: ${what}`, version.playSlick ? PLAY_SLICK : cite), pinned!] : [fromDefault(`Slick 3.2.2+: ${what}`, SLICK_322), unread])
  const bases = [
    ...config.names('slick.dbs').map((name) => ({base: `slick.dbs.${name}.db`, database: `slick.dbs.${name}`, from: undefined as Source | undefined})),
    ...standaloneSlick(ctx.files).map((s) => ({base: s.base, database: s.base, from: fromDefault(`${s.file}:${s.line} makes a Slick Database from ${s.base} in ${config.file}`, SLICK_FOR_CONFIG) as Source | undefined})),
  ]
  for (const {base, database, from} of bases) {
    if (config.names(base).length === 0) continue
    const url = config.get(`${base}.url`) ?? config.get(`${base}.properties.url`)
    const pg = reachesPostgres(url)
    if (pg.other) continue
    const setting = (keys: string[], what: string): Sourced<number> | undefined => {
      for (const k of keys) {
        const v = intSetting(config.get(`${base}.${k}`), `${base}.${k}`, what, diagnostics, ctx.processType)
        if (v) return v
      }

      return undefined
    }

    const threads = setting(['numThreads'], "Slick's numThreads") ?? sourced(20, fromDefault("Slick's numThreads default, 20", cite))
    const max =
      setting(newKeys ? ['maximumPoolSize', 'maxConnections'] : ['maxConnections'], "Slick's maxConnections") ??
      (times5
        ? sourced(threads.value * 5, threads.source, [...about('maxConnections defaults to numThreads × 5'), ...(threads.via ?? [])])
        : sourced(threads.value, threads.source, [...about('maxConnections defaults to numThreads'), ...(threads.via ?? [])]))
    const min = setting(newKeys ? ['minimumIdle', 'minConnections'] : ['minConnections'], "Slick's minConnections") ?? sourced(threads.value, fromDefault('Slick opens minConnections (default numThreads) at start', cite), [threads.source])
    const minOpen = min.value >= 0 && min.value <= max.value ? min : max
    const via = [...(pg.source ? [pg.source] : []), ...(from ? [from] : [])]
    pools.push({database, minOpen, pool: via.length > 0 ? sourced(max.value, max.source, [...via, ...(max.via ?? [])]) : max, server: 'DATABASE_URL'})
  }

  return pools
}

export const play: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const config = new PlayConfig(ctx)
    const diagnostics: Diagnostic[] = [...config.diagnostics]
    const build = sbtBuild(ctx.files).map((f) => f.text).join('\n')
    const isSlick = /play-slick|"com\.typesafe\.slick"|"slick"/.test(build)
    const slick = isSlick ? slickPools(ctx, config, diagnostics) : []
    // Play's JDBC pools (`db.*`) only in a Play app; an Akka HTTP / http4s app's pools are its Slick Databases.
    const isPlayApp = /\bPlay(?:Scala|Java|Minimal\w*|Service)\b|"sbt-plugin"|\bplay\.Project\b|play(?:Scala|Java)Settings/.test(build) || ctx.files.exists('conf/routes')
    const play = isPlayApp ? playPools(ctx, config, diagnostics) : {notCounted: [], pools: []}
    // Which server each pool is counted on (model/other-server.ts), before the pools decide the queries at once.
    const placed = placeUnknownServers([...slick, ...play.pools], [])
    const pools = placed.pools ?? []
    const {otherServerPools} = placed
    const server = isPlayApp ? 'play' : 'jvm'
    const processes = sourced(1, fromDefault('one JVM per dyno (sbt-native-packager start script)', 'https://devcenter.heroku.com/articles/getting-started-with-scala'))
    if (pools.length === 0) {
      const none = play.notCounted.length > 0 ? `its databases are not PostgreSQL: ${play.notCounted.join(', ')}` : isPlayApp ? `${config.file} configures no database under db (nor slick.dbs)` : `${config.file} configures no Slick database (slick.dbs, or a path the code gives Database.forConfig)`
      if (play.notCounted.length === 0) {
        diagnostics.push({code: 'unknown-config-value', file: config.file, fix: `if this process uses PostgreSQL, give its pool: --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: ${none}, so no pool is counted; 1 connection is assumed in case the app opens one in code`, processType: ctx.processType, severity: 'warning'})
        return {diagnostics, language: 'java', pools: [], processesPerDyno: processes, server, threadsPerProcess: sourced(1, assumed(`${none} (${CONFIG_LOAD}); 1 connection assumed`))}
      }

      return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server, threadsPerProcess: sourced(0, fromDefault(`Play: ${none}`, PLAY_JDBC))}
    }

    const total = pools.reduce((a, p) => a + p.pool.value, 0)
    return {
      diagnostics,
      // Requests queue for the pools (one per database), so "threads" is the queries at once: the pools' total.
      eventLoop: true,
      language: 'java',
      otherServerPools,
      pools,
      processesPerDyno: processes,
      server,
      threadsPerProcess: isPlayApp
        ? sourced(total, fromDefault("Play's actions wait for a pooled connection: at most the pools' size hold one at once", PLAY_JDBC), derivedFrom(pools.map((p) => p.pool)))
        : sourced(total, fromDefault("Slick runs queries on its own numThreads executor, each waiting for a pooled connection: at most the pools' size hold one at once", SLICK_FOR_CONFIG), derivedFrom(pools.map((p) => p.pool))),
    }
  },
  id: 'play',
  matches: isPlay,
}
