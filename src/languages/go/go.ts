/**
 * Go: one process per dyno. The binary's package (`bin/api` → `cmd/api`, else the module
 * root) and the module's packages it imports are read with tree-sitter-go (go-code.ts):
 * - database/sql (also sqlx and GORM, which sit on it): `SetMaxOpenConns(n)` is the pool.
 *   Without it there is no cap ("The default is 0 (unlimited)", database/sql
 *   DB.SetMaxOpenConns): net/http serves each request on its own goroutine with no limit,
 *   so the connections are bounded only by the requests in flight, and at last by the
 *   database's max_connections. That is `unbounded-pool`; 1 is counted until --assume.
 * - pgxpool: `config.MaxConns = n`, else `pool_max_conns` in the URL, else pgx's default
 *   max(4, runtime.NumCPU()) (pgxpool/pool.go ParseConfig), NumCPU being the dyno's CPUs.
 * Goroutines can use every pooled connection at once, so threads = the pool.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {GoCode, GoSite} from './go-code.js'
import type {EvalValue} from '../python/values.js'

import {assumed, derivedFrom, fromDefault, fromFact, fromFile, type Source, type Sourced, sourced} from '../../model/source.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {goModuleOfImageBinary, isGo} from '../common/matchers.js'
import {fromProject} from '../common/in-project.js'
import {withinDir} from '../../model/files.js'
import {pyCandidate} from '../python/candidate.js'
import {readGoCode} from './go-code.js'
import {buildsOf, GO_BUILD_REF, goBuilds} from './build-outputs.js'
import {POP_OPEN, popPools} from './pop.js'
import {viperValue} from './viper.js'
import {goPgDefault, goPgMajorDefault, pinnedVersion} from './go-pg.js'
import {append} from '../../util/arrays.js'
import {apartFromKnownOthers, placeUnknownServers} from '../../model/other-server.js'
import {PLATFORM_DATABASE_URLS, serverOfUrlVar, unsetUrlServer} from '../../util/pg-url.js'

// database/sql sql.go: "SetMaxOpenConns sets the maximum number of open connections to the database. … If n <= 0, then there is no limit on the number of open connections. The default is 0 (unlimited)."
const SQL = 'https://github.com/golang/go/blob/master/src/database/sql/sql.go'
// pgx v3 conn_pool.go NewConnPool: `p.maxConnections = config.MaxConnections; if p.maxConnections == 0 { p.maxConnections = 5 }`.
const PGX_V3 = 'https://github.com/jackc/pgx/blob/v3/conn_pool.go'
// que-go worker.go: NewWorkerPool(c, wm, count) starts count Workers; each Worker's WorkOne calls Client.LockJob (que.go),
// which Acquires a connection from the pgx pool and keeps it on the Job until Job.Done releases it.
const QUE_GO = 'https://github.com/bgentry/que-go/blob/master/worker.go'
// pgxpool/pool.go: defaultMaxConns = int32(4); ParseConfig: pool_max_conns, else max(defaultMaxConns, runtime.NumCPU()).
const PGXPOOL = 'https://github.com/jackc/pgx/blob/master/pgxpool/pool.go'
/** "OpenDBFromPool creates a new *sql.DB from the given *pgxpool.Pool … idle connections … must be managed from the *pgxpool.Pool" (pgx v5). */
const OPEN_FROM_POOL = 'https://github.com/jackc/pgx/blob/master/stdlib/sql.go'
// "The import declaration … enables access to exported identifiers of that package" (a program is the packages main imports, transitively).
const GO_IMPORTS = 'https://go.dev/ref/spec#Import_declarations'
// "A switch statement … case expressions … are evaluated left-to-right and top-to-bottom; the first one that equals the switch expression triggers execution of the statements of the associated case".
const GO_SWITCH = 'https://go.dev/ref/spec#Expression_switches'
/** sql.Open: "Open opens a database specified by its database driver name and a driver-specific data source name". */
const SQL_OPEN = 'https://pkg.go.dev/database/sql#Open'

/** Packages that open or drive SQL connections: database/sql and the PostgreSQL drivers and ORMs built on it or beside it. */
const SQL_PACKAGE = /^database\/sql(\/|$)|^github\.com\/(lib\/pq|jackc\/pg|jinzhu\/gorm|go-gorm\/|go-pg\/|uptrace\/bun|jmoiron\/sqlx|gobuffalo\/pop|volatiletech\/sqlboiler|doug-martin\/goqu|upper\/db|go-xorm\/|que-?go|bgentry\/que-go|riverqueue\/)|^(gorm\.io|entgo\.io|upper\.io|xorm\.io)\//
/** Another module's package whose name says it may hold a database (`github.com/acme/kit/db`): its code is not read, so it is not ruled out. */
const STORE_LIKE = /(^|[/._-])(db|sql|pg|pgx|postgres|postgresql|database|orm|store|storage|repo|repository|persistence|migrate|migrations)([/._-]|$)/i

/**
 * A binary whose code conncalc read whole (every package of the module it imports) and that imports no SQL package,
 * directly or through another module whose name may hide one: it opens no PostgreSQL connection. Its package count.
 */
function noSqlClient(code: GoCode, module: string | undefined): number | undefined {
  if (!code.complete || code.files.length === 0 || code.opened.length > 0 || code.maxOpen.length > 0 || code.maxConns.length > 0) return undefined
  for (const p of code.imports) {
    if (SQL_PACKAGE.test(p)) return undefined
    const own = module !== undefined && (p === module || p.startsWith(`${module}/`))
    if (!own && p.split('/')[0].includes('.') && STORE_LIKE.test(p)) return undefined
  }

  return code.files.length
}

/** Required modules from go.mod (`require x v1` and `require ( … )` blocks), with their lines. */
export function goModules(text: string): Map<string, number> {
  const out = new Map<string, number>()
  let inBlock = false
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\/\/.*$/, '').trim()
    if (/^require\s*\($/.test(line)) inBlock = true
    else if (inBlock && line === ')') inBlock = false
    else {
      const m = inBlock ? /^(\S+)\s+v\S+/.exec(line) : /^require\s+(\S+)\s+v\S+/.exec(line)
      if (m) out.set(m[1], i + 1)
    }
  }

  return out
}

/** The module path: go.mod's `module X`, a Godeps app's ImportPath, or a govendor app's vendor/vendor.json rootPath. */
function modulePath(ctx: AnalyzerContext): string | undefined {
  const mod = ctx.files.read('go.mod')
  const m = mod ? /^module\s+(\S+)/m.exec(mod.text) : undefined
  if (m) return m[1].replaceAll('"', '')
  for (const [file, key] of [['Godeps/Godeps.json', 'ImportPath'], ['vendor/vendor.json', 'rootPath']] as const) {
    try {
      const f = ctx.files.read(file)
      const path = f ? (JSON.parse(f.text) as Record<string, unknown>)[key] : undefined
      if (typeof path === 'string') return path
    } catch {
      // Not JSON: the next file, else no module path.
    }
  }

  return undefined
}

/**
 * The name `go install` gives a package's binary: its import path's last element, or the one
 * before when that is a major-version suffix (`miniflux.app/v2` builds `miniflux.app`;
 * cmd/go/internal/load/pkg.go, DefaultExecName).
 */
export function binaryName(importPath: string): string {
  const parts = importPath.split('/')
  const last = parts.at(-1) ?? ''
  return /^v[2-9]\d*$|^v1\d+$/.test(last) && parts.length > 1 ? parts.at(-2)! : last
}

/**
 * The package folders the Procfile's binary is built from. The Go buildpack names each
 * binary after the last element of its package path (`go install`), so `bin/api`, `./api`
 * and `api` are the module root when the module's path ends in `api`, else `cmd/api` or
 * `api`. Only a `package main` builds a binary ("Executables are installed …"; a library
 * package builds none: cmd/go/internal/load/pkg.go, IsCommand), so a module root that is a
 * library (`package shop` beside `cmd/shop/main.go`) is not the binary's package. Anything
 * else is said: the module root is read, which may not be the binary's package.
 */
function packageDirs(ctx: AnalyzerContext, module: string | undefined): {dirs: string[]; diagnostics: Diagnostic[]} {
  const name = (ctx.command.argv[0] ?? '').replace(/^(\.\/)?bin\//, '')
  const sources = (d: string): string[] => ctx.files.list(d).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
  const hasGo = (d: string): boolean => sources(d).length > 0
  // The package clause is the file's first statement after comments (go.dev/ref/spec#Package_clause).
  const isMain = (d: string): boolean =>
    sources(d).some((f) => /^package\s+main\b/m.test((ctx.files.read(d ? `${d}/${f}` : f)?.text ?? '').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '')))
  // The app builds the binary itself (`go build -o atgatt-worker ./cmd/worker` in CI, a Makefile, a Dockerfile): that package.
  const built = [...new Set(buildsOf(ctx.command.argv[0] ?? '', goBuilds(ctx.files, module)).map((b) => b.dir))].filter((d) => hasGo(d))
  if (built.length > 0) return {diagnostics: [], dirs: built}
  if (!name || name.includes('/')) return {diagnostics: [], dirs: ['']}
  // golang:onbuild's `go-wrapper install` builds the build context's root package (COPY . /go/src/app) as `app`
  // (procfile/container.ts goOnbuild): the root is the binary's package whatever the module is called.
  if (name === 'app' && ctx.image && /^(?:docker\.io\/)?(?:library\/)?golang:(?:[\w.-]+-)?onbuild$/.test(ctx.image.image.baseImage)) return {diagnostics: [], dirs: ['']}
  const rootBuilds = module !== undefined && binaryName(module) === name && hasGo('')
  if (rootBuilds && isMain('')) return {diagnostics: [], dirs: ['']}
  const named = [`cmd/${name}`, name].filter((d) => (rootBuilds ? isMain(d) : hasGo(d)))
  if (named.length > 0) return {diagnostics: [], dirs: named}
  if (rootBuilds) return {diagnostics: [], dirs: ['']}
  const what = module ? `the module is ${module} (its root builds \`${binaryName(module)}\`)` : 'go.mod names no module'
  return {
    diagnostics: [
      {
        code: 'unknown-config-value',
        file: ctx.origin?.file,
        fix: `if ${name} is built from another package, tell conncalc its pool: --assume ${ctx.processType}=1:N:N`,
        line: ctx.origin?.line,
        message: `${ctx.processType}: \`${ctx.command.argv[0]}\` matches no package of the app: ${what}, and there is no cmd/${name} or ${name} folder with Go files; ${hasGo('') ? "the module root's package is read instead" : 'no Go code is read for it'}`,
        processType: ctx.processType,
        severity: 'warning',
      },
    ],
    dirs: [''],
  }
}

const valueOf = (site: GoSite, what: string, diagnostics: Diagnostic[]): Sourced<number> | undefined => {
  const c = pyCandidate(site.value, what, {file: site.file, line: site.line})
  append(diagnostics, c.diagnostics)
  return c.value
}

/** The site's value, else a labelled assumption naming where the app sets it (an app that caps its pool is never told to add the cap). */
function setting(sites: GoSite[], what: string, diagnostics: Diagnostic[]): {unread?: GoSite; value?: Sourced<number>} {
  const read = sites.map((s) => ({s, v: valueOf(s, what, diagnostics)}))
  const known = read.filter((r) => r.v)
  if (known.length === 0) return sites.length > 0 ? {unread: sites[0]} : {}
  // Several calls (one per process kind, a test helper): the largest, said when they differ.
  const best = known.reduce((a, b) => (b.v!.value > a.v!.value ? b : a))
  const differ = new Set(known.map((k) => k.v!.value)).size > 1
  // A call whose value conncalc cannot read may set more than the largest read: the count is an assumption, said.
  const unread = read.filter((r) => !r.v).map((r) => `${r.s.file}:${r.s.line}`)
  const via = [
    ...(differ ? [assumed(`${what} is set to ${known.map((k) => `${k.v!.value} at ${k.s.file}:${k.s.line}`).join(', ')}; the largest is counted`)] : []),
    ...(unread.length > 0 ? [assumed(`${what} is also set at ${unread.slice(0, 3).join(', ')}${unread.length > 3 ? ` and ${unread.length - 3} more` : ''}, which conncalc cannot read; ${best.v!.value} (${best.s.file}:${best.s.line}) is counted`)] : []),
  ]
  return {value: via.length > 0 ? {...best.v!, via: [...(best.v!.via ?? []), ...via]} : best.v!}
}

/**
 * Several database/sql pools the process opens one after another: each `sql.Open` (or sqlx's) in a function of its own
 * that caps it (`db.SetMaxOpenConns(60)` in setupDatabase, `SetMaxOpenConns(100)` in setupLatencySensitiveDatabase), those
 * functions each called once, all from one block (`main`'s statements, not arms of a switch on the driver): every pool is
 * opened, each up to its cap (database/sql's MaxOpenConns is per DB handle, SQL), so they add up. Anything else (a cap
 * outside those functions, one not read, calls in other branches): undefined, and the single-pool reading stands.
 */
function sequentialSqlPools(ctx: AnalyzerContext, code: GoCode, diagnostics: Diagnostic[]): PoolEntry[] | undefined {
  const opens = code.opened.filter((o) => o.lib === 'database/sql' || o.lib === 'sqlx').toSorted((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  if (opens.length < 2 || opens.length !== code.opened.length) return undefined
  const fns = new Set(opens.map((o) => o.fn))
  const block = opens[0].callers?.[0]
  if (fns.size !== opens.length || opens.some((o) => !o.fn || o.callers?.length !== 1 || o.callers[0] !== block)) return undefined
  if (code.maxOpen.some((m) => !m.fn || !fns.has(m.fn))) return undefined
  const pools: PoolEntry[] = []
  for (const o of opens) {
    const caps = code.maxOpen.filter((m) => m.fn === o.fn)
    const values = caps.map((c) => valueOf(c, 'SetMaxOpenConns', []))
    if (caps.length !== 1 || !values[0] || values[0].value <= 0) return undefined
    const calledAt = block!.slice(0, block!.lastIndexOf(':'))
    const pool = {...values[0], via: [...(values[0].via ?? []), fromDefault(`each database/sql handle has its own MaxOpenConns: the ${opens.length} pools opened at ${opens.map((x) => `${x.file}:${x.line}`).join(', ')} are opened one after another (their functions are called from one block of ${calledAt}) and add up`, SQL)]}
    pools.push({database: `${o.lib} ${o.file}:${o.line}`, pool, server: goServer(ctx, o.value)})
  }

  for (const c of code.maxOpen) valueOf(c, 'SetMaxOpenConns', diagnostics)
  return pools
}

function pgxPool(ctx: AnalyzerContext, code: GoCode, modLine: Source | undefined, diagnostics: Diagnostic[]): PoolEntry {
  const opened = code.opened.find((o) => o.lib === 'pgxpool')
  const origin = opened ? fromFile(opened.file, opened.line) : (modLine ?? fromDefault('pgxpool', PGXPOOL))
  const set = setting(code.maxConns, 'pgxpool MaxConns', diagnostics)
  if (set.value) return {database: `pgxpool ${set.value.source.kind === 'file' ? `${set.value.source.file}` : ''}`.trim(), pool: set.value, server: goServer(ctx, opened?.value)}
  // pool_max_conns in the URL the pool is made from (the env value given to conncalc, or a literal).
  const url = opened?.value?.kind === 'known' && typeof opened.value.value === 'string' ? opened.value : undefined
  const inUrl = url ? /[?&\s]pool_max_conns=(\d+)/.exec(` ${url.value as string}`)?.[1] : undefined
  if (url && inUrl) return {database: 'pgxpool', pool: sourced(Number(inUrl), url.via[0] ?? fromFile(url.file, url.line), [fromDefault('pgxpool reads pool_max_conns from the connection string', PGXPOOL)]), server: goServer(ctx, opened?.value)}
  const n = ctx.dyno?.nproc
  const cpus = n?.value ?? 8
  const via: Source[] = [fromDefault('pgxpool default MaxConns: max(4, runtime.NumCPU())', PGXPOOL), ...(n ? [n.source, ...(n.via ?? [])] : [])]
  if (set.unread) via.push(assumed(`the app sets MaxConns at ${set.unread.file}:${set.unread.line}, which conncalc cannot read; the default is assumed`))
  if (!opened) via.push(assumed('pgx is in go.mod but no pgxpool.New/Connect/ParseConfig was found in the code read; its default pool assumed'))
  const pool = sourced(Math.max(4, cpus), origin, via)
  append(diagnostics, cpuCountWarning(ctx, pool, 'pgxpool MaxConns', 'add pool_max_conns=N to the connection string, or set config.MaxConns'))
  return {database: 'pgxpool', pool, server: goServer(ctx, opened?.value)}
}

/**
 * pgx v3's `pgx.NewConnPool(config)`: MaxConnections from the literal it is given (or the config variable's literal, or
 * `cfg.MaxConnections = n` before the call in the same function), else pgx's default of 5 (conn_pool.go).
 */
function pgxV3Pool(ctx: AnalyzerContext, opened: GoSite, diagnostics: Diagnostic[]): PoolEntry {
  const server = goServer(ctx, opened.value)
  const database = `pgx.ConnPool ${opened.file}:${opened.line}`
  const sites = opened.max ? [{...opened, value: opened.max}] : []
  const set = setting(sites, 'pgx ConnPoolConfig.MaxConnections', diagnostics)
  // 0 is pgx's "unset": the default applies.
  if (set.value && set.value.value !== 0) return {database, pool: set.value, server}
  const via: Source[] = [fromDefault('pgx v3 ConnPool default MaxConnections: 5', PGX_V3)]
  if (set.unread) via.push(assumed(`MaxConnections is set at ${set.unread.file}:${set.unread.line}, which conncalc cannot read; pgx's default 5 is assumed`))
  return {database, pool: sourced(5, fromFile(opened.file, opened.line), via), server}
}

/**
 * go-pg's `pg.Connect(&pg.Options{PoolSize: n})`: n, else the default of the release the app pins (go-pg.ts: 5, 10, 20 or
 * 10 × runtime.NumCPU(), the dyno's CPUs); a major version alone decides it for v1–v2, v5 and v7 on. With no release
 * pinned (or a v3/v4/v6 pin with no minor), the newest default, 10 × NumCPU, is assumed and said.
 */
function goPgPool(ctx: AnalyzerContext, opened: GoSite, diagnostics: Diagnostic[]): PoolEntry {
  const database = `go-pg ${opened.file}:${opened.line}`
  const set = setting(opened.max ? [{...opened, value: opened.max}] : [], 'go-pg Options.PoolSize', diagnostics)
  // 0 is go-pg's "unset": the default applies.
  if (set.value && set.value.value !== 0) return {database, pool: set.value, server: 'DATABASE_URL'}
  const pkg = opened.pkg ?? 'github.com/go-pg/pg'
  const major = Number(/(?:\/v|\.v)(\d+)$/.exec(pkg)?.[1] ?? 0)
  const unread = set.unread ? [assumed(`PoolSize is set at ${set.unread.file}:${set.unread.line}, which conncalc cannot read; go-pg's default is assumed`)] : []
  const pinned = pinnedVersion(ctx.files, pkg)
  const byPin = pinned && (major === 0 || pinned.version[0] === major) ? goPgDefault(pinned.version) : undefined
  const found = byPin ?? goPgMajorDefault(major)
  const def = found ?? goPgDefault([10, 0, 0])
  const via: Source[] = [fromDefault(found ? def.what : 'go-pg default PoolSize: 10 × runtime.NumCPU()', def.ref)]
  if (byPin && pinned) via.push(fromFile(pinned.file, pinned.line))
  if (!found) {
    via.push(assumed(`go-pg ${major === 0 ? '(no release pinned in go.mod, Gopkg.lock, glide.lock, vendor/vendor.json or Godeps.json)' : `v${major} with no release pinned`}: its default is taken as the newest, 10 × NumCPU (before v6.3.4 it was 20, before v4.6.2 10, before v3.4.0 5)`))
  }

  via.push(...unread)
  if (def.per === 'fixed') return {database, pool: sourced(def.value, fromFile(opened.file, opened.line), via), server: 'DATABASE_URL'}
  const n = ctx.dyno?.nproc
  if (n) via.splice(1, 0, n.source, ...(n.via ?? []))
  const pool = sourced(10 * (n?.value ?? 8), fromFile(opened.file, opened.line), via)
  append(diagnostics, cpuCountWarning(ctx, pool, 'go-pg PoolSize', 'set PoolSize in pg.Options'))
  return {database, pool, server: 'DATABASE_URL'}
}

/**
 * The server a Go pool connects to, from the DSN/URL it is given (the rule: model/other-server.ts): read only from env vars
 * other than the platform's that have no value, an unknown server; a value whose host and port differ from DATABASE_URL's
 * (both given), a server of its own keyed by its var; else DATABASE_URL's.
 */
function goServer(ctx: AnalyzerContext, url: GoSite['value']): string {
  if (url?.kind !== 'known') return 'DATABASE_URL'
  const missing = (url.missingEnv ?? []).map((m) => m.name)
  if (url.value === null && missing.length > 0 && !missing.some((m) => PLATFORM_DATABASE_URLS.test(m))) return unsetUrlServer(missing)
  const env = url.via.find((v) => v.kind === 'env')
  // A URL var with no value whose fallback the code writes (`u := os.Getenv("STATS_URL"); if u == "" { u =
  // "postgres://localhost/stats" }`): the fallback is the developer's database, the deploy sets the var; a var beside the
  // platform's is a second database (model/other-server.ts), as when it has no fallback (Node's rule, node/pools.ts serverOf).
  const unset = env ? [] : missing.filter((n) => /(^|_)(URL|URI|DSN|CONN(ECTION)?(_?STR(ING)?)?)$/i.test(n))
  if (typeof url.value === 'string' && unset.length > 0 && !missing.some((m) => PLATFORM_DATABASE_URLS.test(m))) return unsetUrlServer(unset)
  if (typeof url.value !== 'string' || env?.kind !== 'env' || PLATFORM_DATABASE_URLS.test(env.name)) return 'DATABASE_URL'
  return serverOfUrlVar(env.name, ctx.env)
}

/**
 * A process that works que-go jobs and serves no HTTP (no `os.Getenv("PORT")`, no net/http ListenAndServe/Serve in the
 * code read): its connections are held by its que workers, one each while a job runs (QUE_GO), so the workers of every
 * `que.NewWorkerPool(…, n)` are its threads. A process that also serves HTTP can use the whole pool (undefined).
 */
function queThreads(code: GoCode, diagnostics: Diagnostic[], ctx: AnalyzerContext): Sourced<number> | undefined {
  if (code.queWorkers.length === 0 || code.serves) return undefined
  const counts = code.queWorkers.map((w) => ({v: valueOf(w, 'que.NewWorkerPool count', diagnostics), w}))
  const unread = counts.find((c) => !c.v)
  if (unread) {
    diagnostics.push({code: 'unknown-config-value', file: unread.w.file, fix: `tell conncalc how many workers it starts: --assume ${ctx.processType}=1:N:N`, line: unread.w.line, message: `${ctx.processType}: que.NewWorkerPool here starts a number of workers conncalc cannot read; every pooled connection is counted as in use`, processType: ctx.processType, severity: 'warning'})
    return undefined
  }

  const n = counts.reduce((a, c) => a + c.v!.value, 0)
  return sourced(n, fromDefault('each que-go worker holds one pooled connection while it works a job (Client.LockJob acquires it, Job.Done releases it); the process serves no HTTP', QUE_GO), derivedFrom(counts.map((c) => c.v!)))
}

/** Whether a site's DSN reads the platform's DATABASE_URL (set where it runs, or named by a missing env var). */
const readsPlatformUrl = (o: GoSite): boolean =>
  o.value?.kind === 'known' && (o.value.via.some((v) => v.kind === 'env' && v.name === 'DATABASE_URL') || (o.value.missingEnv ?? []).some((m) => m.name === 'DATABASE_URL'))

/**
 * The open to name: one whose DSN is the platform's DATABASE_URL (an app that opens a local DSN when a .env file
 * loads and DATABASE_URL otherwise runs the latter on a dyno), else the first in the files' order.
 */
function firstOpen(opened: GoSite[]): GoSite | undefined {
  const inOrder = opened.toSorted((a, b) => (a.file === b.file ? a.line - b.line : 0))
  return inOrder.find((o) => readsPlatformUrl(o)) ?? inOrder[0]
}

interface Site {
  expr: string
  file: string
  line: number
}

/**
 * What the module's Go files (test files, vendor/ and testdata/ left out) say wherever they are, read as text (no parse),
 * cached per app: `X.SetMaxOpenConns(…)` calls, and the first import of pgx's pool (`jackc/pgx/vN/pgxpool`) and of its
 * database/sql driver (`jackc/pgx/vN/stdlib`, which registers the driver "pgx" for `sql.Open("pgx", …)`).
 */
interface ModuleScan {
  caps: Site[]
  pgxpool?: Site
  stdlib?: Site
}

const SCANS = new WeakMap<object, ModuleScan>()
function moduleScan(files: AnalyzerContext['files']): ModuleScan {
  let scan = SCANS.get(files)
  if (!scan) {
    const found: ModuleScan = {caps: []}
    const stack = ['']
    let seen = 0
    while (stack.length > 0 && seen < 3000) {
      const dir = stack.pop()!
      for (const f of files.list(dir)) {
        if (!f.endsWith('.go') || f.endsWith('_test.go')) continue
        seen++
        const path = dir ? `${dir}/${f}` : f
        const text = files.read(path)?.text ?? ''
        const caps = text.includes('SetMaxOpenConns(')
        const pgx = text.includes('jackc/pgx/v')
        if (!caps && !pgx) continue
        for (const [i, l] of text.split('\n').entries()) {
          if (/^\s*\/\//.test(l)) continue
          const m = caps ? /\.SetMaxOpenConns\(([^)]*)\)/.exec(l) : null
          if (m) found.caps.push({expr: m[1].trim(), file: path, line: i + 1})
          const imp = pgx ? /"github\.com\/jackc\/pgx\/v[45]\/(pgxpool|stdlib)"/.exec(l) : null
          if (imp) found[imp[1] as 'pgxpool' | 'stdlib'] ??= {expr: imp[0], file: path, line: i + 1}
        }
      }

      for (const d of files.folders(dir)) if (!/^(vendor|testdata|node_modules|Godeps)$|^\./.test(d)) stack.push(dir ? `${dir}/${d}` : d)
    }

    scan = found
    SCANS.set(files, scan)
  }

  return scan
}

/**
 * `X.SetMaxOpenConns(…)` calls in the module's Go files that the code read for this binary does not include (a package
 * the Procfile's binary was not matched to, one not imported from it): where the app caps a database/sql pool that
 * conncalc did not follow.
 */
function capsElsewhere(files: AnalyzerContext['files'], read: string[]): Site[] {
  const readSet = new Set(read)
  return moduleScan(files).caps.filter((c) => !readSet.has(c.file))
}

/** The quoted strings, joined with "or". */
const either = (arms: string[]): string => arms.map((a) => JSON.stringify(a)).join(' or ')

/**
 * Opens and caps of the PostgreSQL pool that run only for a database type the app does not choose (GoGuard: `case
 * "postgres":` of `switch cfg.Driver` whose value is the app's default "sqlite") are left out of the code read. When they
 * were all of it, the process opens no PostgreSQL connection: 0, said (not-postgresql), with what would choose PostgreSQL.
 */
function unchosenDatabase(ctx: AnalyzerContext, code: GoCode, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  const off = (s: GoSite): boolean => s.guard?.value?.kind === 'known' && typeof s.guard.value.value === 'string' && !s.guard.arms.includes(s.guard.value.value)
  const skipped = [...code.opened, ...code.maxOpen, ...code.maxConns].filter((s) => off(s))
  // Only a branch on the database's kind decides it (`case "postgres":`, not `if env == "production"`, which a deploy sets);
  // a `case "mysql":` arm's SetMaxOpenConns is another database's, left out with it but named by none.
  const pg = skipped.filter((s) => s.guard!.arms.some((a) => /^(postgres(ql)?|pgx?|psql|cockroach(db)?)$/i.test(a)))
  if (pg.length === 0) return undefined
  const opens = new Set(code.opened)
  code.opened = code.opened.filter((s) => !off(s))
  code.maxOpen = code.maxOpen.filter((s) => !off(s))
  code.maxConns = code.maxConns.filter((s) => !off(s))
  // Every open left out: a cap set on what it returned (`sqlDB.SetMaxOpenConns(80)` after `gorm.Open(dialect, …)` for
  // every kind) caps no PostgreSQL pool.
  if (code.opened.length === 0 && pg.some((s) => opens.has(s))) code.maxOpen = []
  if (code.opened.length > 0 || code.maxOpen.length > 0 || code.maxConns.length > 0) return undefined
  const g = pg[0].guard!
  const v = g.value as EvalValue & {kind: 'known'}
  const names = [...new Set((v.missingEnv ?? []).map((m) => m.name))]
  const sites = pg.slice(0, 3).map((s) => `${s.file}:${s.line}`).join(', ')
  const why = `\`${g.operand}\` is ${JSON.stringify(v.value)} here${v.file === g.file && v.line === g.line ? '' : ` (${v.file}:${v.line})`}, and the PostgreSQL pool the code opens (${sites}) runs only when it is ${either(g.arms)} (${g.file}:${g.line}): this process opens no PostgreSQL connection`
  const via: Source[] = [...(v.file === g.file && v.line === g.line ? [] : [fromFile(v.file, v.line)]), ...v.via, fromDefault(why, GO_SWITCH)]
  if (!code.complete) via.push(assumed(`not every package \`${ctx.command.argv[0] ?? ''}\` imports was read: a PostgreSQL pool elsewhere would not be counted`))
  const fix = `if it runs on PostgreSQL, set what makes \`${g.operand}\` ${either(g.arms)}${names.length > 0 ? ` (${names.join(', ')})` : ''}, e.g. --env ${names[0] ?? 'VAR'}=${g.arms[0]}`
  diagnostics.push({code: 'not-postgresql', file: g.file, fix, line: g.line, message: `${ctx.processType}: ${why}; 0 counted`, processType: ctx.processType, severity: 'info'})
  return sourced(0, fromFile(g.file, g.line), via)
}

/**
 * A PostgreSQL open left on a branch for the database's kind (GoGuard) whose value conncalc does not read — `kind` from a
 * file, a flag, an unset env var with no fallback — while the module requires another database's driver too: the pool is
 * counted as PostgreSQL's, an assumption, said. Undefined when every such kind is read (or none guards an open).
 */
function undecidedDatabase(ctx: AnalyzerContext, code: GoCode, modules: Map<string, number>, diagnostics: Diagnostic[]): Source | undefined {
  const pgArm = (s: GoSite): boolean => s.guard !== undefined && s.guard.arms.some((a) => /^(postgres(ql)?|pgx?|psql|cockroach(db)?)$/i.test(a))
  const site = code.opened.find((s) => pgArm(s) && !(s.guard!.value?.kind === 'known' && typeof s.guard!.value.value === 'string'))
  // Drivers of other databases (go-sql-driver/mysql, mattn/go-sqlite3, modernc sqlite, GORM's mysql/sqlite/sqlserver,
  // glebarez/sqlite, go-mssqldb, ClickHouse): with none required, PostgreSQL's is the only one the binary can open.
  const other = [...modules.keys()].find((m) => /^(github\.com\/go-sql-driver\/mysql|github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite|gorm\.io\/driver\/(mysql|sqlite|sqlserver|clickhouse)|github\.com\/glebarez\/(go-)?sqlite|github\.com\/(denisenkom|microsoft)\/go-mssqldb|github\.com\/ClickHouse\/clickhouse-go(\/v2)?)$/.test(m))
  if (!site || !other) return undefined
  const g = site.guard!
  const v = g.value
  const names = [...new Set((v?.missingEnv ?? []).map((m) => m.name))]
  const why = v?.kind === 'unknown' ? v.reason : names.length > 0 ? `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not set` : 'its value is not read'
  const said = `the PostgreSQL pool opened at ${site.file}:${site.line} is used only when \`${g.operand}\` is ${either(g.arms)} (${g.file}:${g.line}), and the module requires another database's driver too (${other}, go.mod:${modules.get(other)}); conncalc cannot tell which runs (${why}): counted as PostgreSQL`
  diagnostics.push({code: 'unknown-config-value', file: g.file, fix: `set what picks the database${names.length > 0 ? ` (--env ${names[0]}=${g.arms[0]} on PostgreSQL)` : ''}; on another database this process opens no PostgreSQL connection: --assume ${ctx.processType}=1:0:0`, line: g.line, message: `${ctx.processType}: ${said}`, processType: ctx.processType, severity: 'warning'})
  return assumed(said)
}

export const go: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    // An image's binary built in a Go module below the app root (goModuleOfImageBinary): that module's files, with the
    // binary's path in it (`./photoview` when the module root is package main: `go build -o photoview .`), named from the root.
    const sub = goModuleOfImageBinary(ctx.command.argv[0] ?? '', ctx)
    if (sub && ctx.image) {
      const files = withinDir(ctx.image.files, sub.dir)
      const rootMain = files.list('').some((n) => n.endsWith('.go') && !n.endsWith('_test.go') && /^\s*package\s+main\b/m.test(files.read(n)?.text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '') ?? ''))
      const binary = rootMain && !sub.binary.includes('/') ? `./${sub.binary}` : sub.binary
      const {image: _image, ...rest} = ctx
      const inner = await go.analyze({...rest, command: {...ctx.command, argv: [binary, ...ctx.command.argv.slice(1)]}, files})
      const note = sub.dir
        ? fromDefault(`${ctx.command.argv[0]} is the image's copy of ${sub.dir}/${sub.binary}, built in the Go module of ${sub.dir}/ (its go.mod), so that module's code is read`, GO_BUILD_REF)
        : fromDefault(`${ctx.command.argv[0]} is the image's copy of ${sub.binary}, built by the Dockerfile in the repository's Go module (go.mod at the root), so that module's code is read`, GO_BUILD_REF)
      // Pool labels name their file too (`gorm database/database.go:104`).
      const label = (p: PoolEntry): PoolEntry => (sub.dir ? {...p, database: p.database.replace(/(^| )([\w./-]+\.go:\d+)/, `$1${sub.dir}/$2`)} : p)
      const named = {...inner, ...(inner.pools ? {pools: inner.pools.map((p) => label(p))} : {}), ...(inner.otherServerPools ? {otherServerPools: inner.otherServerPools.map((p) => label(p))} : {})}
      const analysis = {...named, processesPerDyno: {...inner.processesPerDyno, via: [...(inner.processesPerDyno.via ?? []), note]}}
      return sub.dir ? fromProject(analysis, sub.dir) : analysis
    }

    const mod = ctx.files.read('go.mod')
    const modules = mod ? goModules(mod.text) : new Map<string, number>()
    const pgxModule = [...modules.keys()].find((m) => /^github\.com\/jackc\/pgx\/v[45]$/.test(m))
    const module = modulePath(ctx)
    const where = packageDirs(ctx, module)
    const code = await readGoCode({args: ctx.command.argv.slice(1), dirs: where.dirs, env: ctx.env, files: ctx.files, module, nproc: ctx.dyno?.nproc, viper: viperValue})
    const diagnostics: Diagnostic[] = [...where.diagnostics, ...code.diagnostics]
    const processes = sourced(1, fromFact('a Go binary is one process per dyno', 'https://devcenter.heroku.com/articles/go-support'))
    const notChosen = unchosenDatabase(ctx, code, diagnostics)
    if (notChosen) return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'go', threadsPerProcess: notChosen}
    const pools: PoolEntry[] = []
    // pop connections whose Pool is 0, unset or unread: database/sql's pool with no cap (or one conncalc cannot read).
    const popUncapped: (GoSite & {unread?: GoSite})[] = []
    const usesPgxpool = code.opened.some((o) => o.lib === 'pgxpool') || code.maxConns.length > 0
    // pgx in go.mod, and nothing opened in the code read: its pool when the module imports pgxpool somewhere; when it
    // imports only pgx's database/sql driver (stdlib: `sql.Open("pgx", …)`), a database/sql pool, uncapped (below).
    const driverOnly = !usesPgxpool && pgxModule !== undefined && code.opened.length === 0 && moduleScan(ctx.files).pgxpool === undefined ? moduleScan(ctx.files).stdlib : undefined
    // pgx required only `// indirect` and imported by no file of the module: another library's dependency (pop's and
    // GORM's PostgreSQL dialects open database/sql with pgx's stdlib driver), not a pgxpool of the app's.
    const pgxLine = pgxModule ? modules.get(pgxModule)! : 0
    const indirect = pgxModule !== undefined && !usesPgxpool && /\/\/\s*indirect\b/.test(mod!.text.split('\n')[pgxLine - 1] ?? '') && moduleScan(ctx.files).pgxpool === undefined && moduleScan(ctx.files).stdlib === undefined
    if (usesPgxpool || (pgxModule && code.opened.length === 0 && !driverOnly && !indirect)) pools.push(pgxPool(ctx, code, pgxModule ? fromFile('go.mod', modules.get(pgxModule)!) : undefined, diagnostics))
    // Buffalo's pop: database.yml's section sizes the pool pop opens (pop.ts).
    if ([...modules.keys()].some((m) => /^github\.com\/gobuffalo\/pop(\/v\d+)?$/.test(m))) pools.push(...popPools(ctx.files, code.files, ctx.env, ctx.processType, diagnostics))

    for (const o of code.opened.filter((x) => x.lib === 'pgx')) pools.push(pgxV3Pool(ctx, o, diagnostics))
    for (const o of code.opened.filter((x) => x.lib === 'go-pg')) pools.push(goPgPool(ctx, o, diagnostics))
    // pop.NewConnection(&pop.ConnectionDetails{Pool: n}): pop's Open calls SetMaxOpenConns(Pool) on its sqlx pool (POP_OPEN).
    for (const o of code.opened.filter((x) => x.lib === 'pop')) {
      const set = setting(o.max ? [{...o, value: o.max}] : [], 'pop ConnectionDetails.Pool', diagnostics)
      if (set.value && set.value.value > 0) pools.push({database: `pop ${o.file}:${o.line}`, pool: {...set.value, via: [...(set.value.via ?? []), fromDefault('pop opens the connection with sqlx and calls SetMaxOpenConns(Pool)', POP_OPEN)]}, server: 'DATABASE_URL'})
      else popUncapped.push({...o, ...(set.unread ? {unread: set.unread} : {})})
    }

    const read = pools.length === 0 ? noSqlClient(code, module) : undefined
    if (read !== undefined) {
      const why = `every package of the module that \`${ctx.command.argv[0] ?? ''}\` imports was read (${read} files) and none imports database/sql, a PostgreSQL driver or an ORM: this process opens no PostgreSQL connection`
      return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'go', threadsPerProcess: sourced(0, fromFile(code.files[0], 1), [fromDefault(why, GO_IMPORTS)])}
    }

    // Every pool the code opens names another database's driver (`sqlx.Open("mysql", …)`): none on PostgreSQL.
    const other = pools.length === 0 && code.complete && code.opened.length === 0 ? code.otherOpened[0] : undefined
    if (other) {
      const why = `every package of the module that \`${ctx.command.argv[0] ?? ''}\` imports was read, and the only database it opens is another one: ${other.lib} with the driver "${other.driver}" at ${other.file}:${other.line} (sql.Open's first argument names the driver; PostgreSQL's are "postgres" and "pgx"): this process opens no PostgreSQL connection`
      return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'go', threadsPerProcess: sourced(0, fromFile(other.file, other.line), [fromDefault(why, SQL_OPEN)])}
    }

    const sqlOpen = firstOpen(code.opened.filter((o) => o.lib !== 'pgxpool' && o.lib !== 'pgx' && o.lib !== 'go-pg' && (o.lib !== 'pop' || popUncapped.some((p) => p.file === o.file && p.line === o.line))))
    const sequential = popUncapped.length === 0 ? sequentialSqlPools(ctx, code, diagnostics) : undefined
    if (sequential) pools.push(...sequential)
    // database/sql over a pgxpool (pgx's stdlib.OpenDBFromPool) borrows the pgxpool's connections: with no database/sql open
    // in the code read, its SetMaxOpenConns caps that handle, not a pool of its own (OPEN_FROM_POOL).
    const overPool = !sqlOpen && code.overPool && pools.some((p) => p.database.startsWith('pgxpool')) ? code.overPool : undefined
    if (overPool) {
      const at = pools.findIndex((p) => p.database.startsWith('pgxpool'))
      const why = fromDefault(`database/sql over this pool (stdlib.OpenDBFromPool at ${overPool.file}:${overPool.line}) takes its connections from it: its SetMaxOpenConns opens none of its own`, OPEN_FROM_POOL)
      pools[at] = {...pools[at], pool: {...pools[at].pool, via: [...(pools[at].pool.via ?? []), why]}}
    }

    const popUnread = popUncapped.find((p) => p.unread)?.unread
    const cap = sequential || overPool ? {} : popUnread ? {unread: popUnread} : setting(code.maxOpen, 'SetMaxOpenConns', diagnostics)
    // SetMaxOpenConns(n) with n <= 0 (a config field left 0) sets no cap: "If n <= 0, then there is no limit" (sql.go).
    const uncapped = cap.value && cap.value.value <= 0 ? cap.value : undefined
    if (cap.value && !uncapped) {
      const lib = sqlOpen?.lib ?? 'database/sql'
      pools.push({database: `${lib}${sqlOpen ? ` ${sqlOpen.file}:${sqlOpen.line}` : ''}`, pool: cap.value, server: goServer(ctx, sqlOpen?.value)})
    } else if (!sequential && !overPool && (sqlOpen || uncapped || (pools.length === 0 && (code.maxOpen.length === 0 || cap.unread)))) {
      const where = sqlOpen
        ? ` (${sqlOpen.lib} opened at ${sqlOpen.file}:${sqlOpen.line})`
        : driverOnly
          ? ` (pgx is in go.mod as database/sql's driver only: ${driverOnly.file}:${driverOnly.line} imports pgx/stdlib, and no file imports pgxpool)`
          : indirect
            ? ` (pgx is in go.mod only as an indirect dependency, go.mod:${pgxLine}, a library's database/sql driver: no file of the module imports pgx)`
            : ''
      const zero = uncapped ? `, and SetMaxOpenConns(${uncapped.value}) ${uncapped.source.kind === 'file' ? `from ${uncapped.source.file}:${uncapped.source.line} ` : ''}sets no limit (n <= 0)` : ''
      const elsewhere = cap.unread ? [] : capsElsewhere(ctx.files, code.files)
      if (elsewhere.length > 0) {
        // The app does cap a pool, in code not read for this binary: name that call, never tell it to add one.
        const named = elsewhere.slice(0, 3).map((c) => `${c.file}:${c.line} (\`SetMaxOpenConns(${c.expr})\`)`).join(', ')
        diagnostics.push({
          code: 'unknown-config-value',
          file: elsewhere[0].file,
          fix: `tell conncalc the value that call sets: --assume ${ctx.processType}=1:N:N`,
          line: elsewhere[0].line,
          message: `${ctx.processType}: the app caps a database/sql pool at ${named}${elsewhere.length > 3 ? ` and ${elsewhere.length - 3} more` : ''}, in code conncalc did not read for \`${ctx.command.argv[0] ?? ''}\`${code.files.length === 0 ? ' (no Go code was read for it)' : `${where}`}; 1 connection is counted until you say`,
          processType: ctx.processType,
          severity: 'warning',
        })
      } else if (cap.unread) {
        // The app caps its pool; conncalc cannot read the number. Never tell it to add the cap.
        diagnostics.push({code: 'unknown-config-value', file: cap.unread.file, fix: `give the value (--env for the variable it reads) or --assume ${ctx.processType}=1:N:N`, line: cap.unread.line, message: `${ctx.processType}: SetMaxOpenConns here caps the pool${where}, but conncalc cannot read its value; 1 connection is counted until you say`, processType: ctx.processType, severity: 'warning'})
      } else {
        diagnostics.push({
          code: 'unbounded-pool',
          ...(sqlOpen ? {file: sqlOpen.file, line: sqlOpen.line} : {}),
          fix: `call db.SetMaxOpenConns(N) after opening it${sqlOpen ? ` (${sqlOpen.file}:${sqlOpen.line})` : ''} and tell conncalc: --assume ${ctx.processType}=1:N:N`,
          message: `${ctx.processType}: Go's database/sql${where}${zero} opens as many connections as goroutines ask for (no default limit): net/http runs each request on its own goroutine, so only the requests in flight — and at last the database's max_connections — bound it; conncalc counts 1 until you give --assume`,
          processType: ctx.processType,
          severity: 'warning',
        })
      }

      const other = cap.unread ? undefined : capsElsewhere(ctx.files, code.files)[0]
      const why = cap.unread ? `SetMaxOpenConns at ${cap.unread.file}:${cap.unread.line} cannot be read` : other ? `the app sets SetMaxOpenConns(${other.expr}) at ${other.file}:${other.line}, in code not read for this binary` : `database/sql has no default cap ("The default is 0 (unlimited)", ${SQL}); bounded only by the requests in flight`
      if (pools.length === 0) {
        return {diagnostics, language: 'go', pools: [], processesPerDyno: processes, server: 'go', threadsPerProcess: sourced(1, assumed(`${why}; 1 connection counted until --assume says more`))}
      }
    }

    // Which server each pool is on (model/other-server.ts): goroutines use the pools counted on the plan's.
    const apart = apartFromKnownOthers(pools)
    const placed = placeUnknownServers(apart.pools, apart.otherServerPools)
    const undecided = undecidedDatabase(ctx, code, modules, diagnostics)
    const counted = (placed.pools ?? []).map((p) => (undecided ? {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), undecided]}} : p))
    const total = counted.reduce((a, p) => a + p.pool.value, 0)
    const lib = counted.every((p) => /^(database\/sql|sqlx|gorm|pop)( |$)/.test(p.database)) ? SQL : counted.every((p) => p.database.startsWith('pgx.ConnPool')) ? PGX_V3 : PGXPOOL
    const goroutines = sourced(total, fromDefault('goroutines can use every pooled connection at once', lib), derivedFrom(counted.map((p) => p.pool)))
    return {
      diagnostics,
      language: 'go',
      otherServerPools: placed.otherServerPools,
      pools: counted,
      processesPerDyno: processes,
      server: 'go',
      // Cite the library whose pool it is: database/sql (lib/pq, sqlx, GORM), pgx v3's ConnPool or pgxpool.
      threadsPerProcess: queThreads(code, diagnostics, ctx) ?? goroutines,
    }
  },
  id: 'go',
  matches: isGo,
}
