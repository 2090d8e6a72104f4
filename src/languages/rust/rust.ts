/**
 * Rust: a binary built by Cargo (the community buildpacks, emk/heroku-buildpack-rust and its forks,
 * run `cargo build --release` and the Procfile names `./target/release/NAME`) is one process per
 * dyno; its async runtime (tokio) runs every request's task on threads inside it, and each task can
 * hold a pooled connection, so the connections are the pools' sizes. The pools are read from the
 * binary's code (rust-code.ts) and their crate's default when the code sets none, cited at the
 * version Cargo.lock pins:
 * - sqlx `PoolOptions` max_connections 10 (also `PgPool::connect`), sea-orm passes its
 *   ConnectOptions max_connections to sqlx only when set, so sqlx's 10;
 * - r2d2 and bb8 `Builder` max_size 10;
 * - deadpool `PoolConfig::default()` max_size `num_cpus::get_physical() * 4`: the dyno's CPUs × 4,
 *   starred, since a dyno's physical cores are not published (a shared host's count is larger than
 *   the dyno's share);
 * - a single connection (tokio-postgres/postgres `connect`, diesel `PgConnection::establish`) is 1
 *   per place it is made, starred: made per request, it would be one per request in flight.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {RsLib, RsSite, RsValue, RsWorkers} from './rust-code.js'

import {assumed, derivedFrom, fromDefault, fromFile, type Source, sourced, type Sourced, unreadAssumption} from '../../model/source.js'
import {loadGrammar} from '../../util/tree-sitter.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {cargoOutput, isRust, rustImageBinary} from '../common/matchers.js'
import {cargoLock, type CargoPackage, cargoToml, compareVersions, loadTomlParser, type TomlParse, workspacePackages} from './cargo.js'
import {ROCKET04_WORKERS_REF, rocketPools, rocketSyncWorkers} from './rocket.js'
import {RustCode} from './rust-code.js'
import {type Dispatch, dispatchOf, subcommandArg} from './subcommand.js'

const TOKIO = 'https://docs.rs/tokio/latest/tokio/runtime/index.html'

/** Each pool crate's default size, at the tag whose line says it, by the locked version. */
function defaultRef(lib: RsLib, version: string | undefined): {ref: string; what: string} {
  const v = version ?? ''
  const at = (tags: [string, string][]): string => (tags.find(([min]) => v !== '' && compareVersions(v, min) >= 0) ?? tags.at(-1)!)[1]
  switch (lib) {
    case 'sqlx': {
      // sqlx-core/src/pool/options.rs, PoolOptions::new(): `max_connections: 10`.
      const ref = at([
        ['0.8.0', 'https://github.com/launchbadge/sqlx/blob/v0.8.6/sqlx-core/src/pool/options.rs#L151'],
        ['0.7.0', 'https://github.com/launchbadge/sqlx/blob/v0.7.4/sqlx-core/src/pool/options.rs#L144'],
        ['0.6.0', 'https://github.com/launchbadge/sqlx/blob/v0.6.3/sqlx-core/src/pool/options.rs#L124'],
        ['0.0.0', 'https://github.com/launchbadge/sqlx/blob/v0.5.13/sqlx-core/src/pool/options.rs#L51'],
      ])
      return {ref, what: 'sqlx PoolOptions default max_connections 10'}
    }

    case 'sea-orm': {
      // `let mut opt = sqlx::pool::PoolOptions::new(); if let Some(max_connections) = self.max_connections { … }`.
      const ref = at([['1.0.0', 'https://github.com/SeaQL/sea-orm/blob/1.1.20/src/driver/sqlx_common.rs#L44-L45'], ['0.0.0', 'https://github.com/SeaQL/sea-orm/blob/0.12.15/src/database/mod.rs#L169-L171']])
      return {ref, what: "sea-orm sets sqlx's max_connections only when ConnectOptions has one: sqlx's default 10"}
    }

    case 'r2d2': {
      // src/config.rs, Builder::new(): `max_size: 10`.
      return {ref: at([['0.8.4', 'https://github.com/sfackler/r2d2/blob/v0.8.10/src/config.rs#L56'], ['0.8.3', 'https://github.com/sfackler/r2d2/blob/v0.8.3/src/config.rs#L54'], ['0.0.0', 'https://github.com/sfackler/r2d2/blob/v0.8.2/src/config.rs#L52']]), what: 'r2d2 Builder default max_size 10'}
    }

    case 'bb8': {
      // bb8/src/api.rs, Builder::default(): `max_size: 10`.
      const ref = at([['0.9.0', 'https://github.com/djc/bb8/blob/v0.9.1/bb8/src/api.rs#L238'], ['0.8.0', 'https://github.com/djc/bb8/blob/v0.8.6/bb8/src/api.rs#L171'], ['0.0.0', 'https://github.com/djc/bb8/blob/v0.7.1/bb8/src/api.rs#L104']])
      return {ref, what: 'bb8 Builder default max_size 10'}
    }

    case 'deadpool': {
      // src/managed/config.rs, PoolConfig::default(): `Self::new(num_cpus::get_physical() * 4)`.
      const ref = at([
        ['0.10.0', 'https://github.com/bikeshedder/deadpool/blob/deadpool-v0.12.2/src/managed/config.rs#L54'],
        ['0.9.0', 'https://github.com/bikeshedder/deadpool/blob/deadpool-v0.9.5/src/managed/config.rs#L39'],
        ['0.0.0', 'https://github.com/bikeshedder/deadpool/blob/deadpool-v0.8.2/src/managed/config.rs#L34'],
      ])
      return {ref, what: 'deadpool PoolConfig default max_size: num_cpus::get_physical() * 4'}
    }

    default: {
      return {ref: 'https://docs.rs/tokio-postgres/latest/tokio_postgres/fn.connect.html', what: 'one connection where it is made'}
    }
  }
}

/** The crate whose version decides a lib's default. */
const CRATE: Record<RsLib, string> = {bb8: 'bb8', deadpool: 'deadpool', diesel: 'diesel', postgres: 'postgres', r2d2: 'r2d2', 'sea-orm': 'sea-orm', sqlx: 'sqlx', 'tokio-postgres': 'tokio-postgres'}
const POOLED: RsLib[] = ['sqlx', 'sea-orm', 'r2d2', 'bb8', 'deadpool']

/** The binary a Procfile command runs: `./target/release/NAME`, `cargo run --release --bin NAME`, or a bare NAME. */
export function binaryOf(argv: string[], ctx?: Pick<AnalyzerContext, 'files' | 'image'>): string | undefined {
  const prog = argv[0] ?? ''
  const built = cargoOutput(prog)
  if (built) return built.name
  if (prog === 'cargo' && argv[1] === 'run') {
    const i = argv.findIndex((a) => a === '--bin')
    return i > 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--bin='))?.slice(6)
  }

  return prog.includes('/') ? (ctx && rustImageBinary(prog, ctx)) : prog
}

// emk/heroku-buildpack-rust@cfa0f06 bin/compile:26-27 (RustConfig BUILD_PATH), :138-142: `cd "$BUILD_DIR/$BUILD_PATH"`,
// `cargo build`, then the executables are copied into `$BUILD_PATH/target/release`.
// actix-web 1.x: a handler may be a plain fn, run inline on the worker's single-threaded event loop (2.0 made handlers
// async); HttpServer starts `workers` of them, num_cpus::get() unless .workers(n) says (actix-server ServerBuilder::new).
const ACTIX1_SYNC_REF = 'https://github.com/actix/actix-web/blob/v1.0.9/src/handler.rs'
const ACTIX_WORKERS_REF = 'https://github.com/actix/actix-net/blob/server-v0.6.1/actix-server/src/builder.rs'

/**
 * The bound on actix-web 1.x plain-fn handlers running at once: its HttpServer's workers, `.workers(n)` when the code
 * says (read), else the dyno's logical CPUs. undefined for actix-web 2+ (handlers are async, not bounded by workers)
 * or no actix-web.
 */
function actixSyncWorkers(ctx: AnalyzerContext, lock: Map<string, string>, manifestText: string, workers: RsWorkers[], diagnostics: Diagnostic[]): undefined | {cpu: boolean; value: number; via: Source[]} {
  const locked = lock.get('actix-web')
  const req = /^\s*actix-web\s*=\s*(?:"([^"]+)"|\{[^}\n]*\bversion\s*=\s*"([^"]+)")/m.exec(manifestText)
  const version = locked ?? (req?.[1] ?? req?.[2])?.replace(/^[\^~=\s]+/, '')
  if (!version || !/^(0\.|1(\.|$))/.test(version)) return undefined
  const versionVia = fromDefault(`actix-web ${version} (${locked ? 'Cargo.lock' : 'Cargo.toml'}) runs a plain fn handler on one of its workers' threads`, ACTIX1_SYNC_REF)
  if (workers.length === 1 && workers[0].value.kind === 'num') {
    const w = workers[0]
    return {cpu: false, value: w.value.kind === 'num' ? w.value.value : 0, via: [versionVia, fromFile(w.file, w.line), ...(w.value.kind === 'num' ? w.value.via : [])]}
  }

  const nproc = ctx.dyno?.nproc
  const unsaid: Source[] = []
  if (workers.length > 0) {
    const at = workers.map((w) => `${w.file}:${w.line}`).join(', ')
    unsaid.push(assumed(`HttpServer's workers are set at ${at}, not read: the default is counted`))
    diagnostics.push({code: 'unknown-config-value', file: workers[0].file, fix: `give the value: --assume ${ctx.processType}=1:N:N`, line: workers[0].line, message: `${ctx.processType}: cannot read actix-web's workers (${at}); its default, one per CPU, is counted`, processType: ctx.processType, severity: 'warning'})
  }

  const via: Source[] = [versionVia, fromDefault("actix-web's default workers: num_cpus::get(), one per logical CPU", ACTIX_WORKERS_REF), ...(nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed("the dyno's CPU count is not known: 8 assumed")]), ...unsaid]
  return {cpu: true, value: nproc?.value ?? 8, via}
}

const BUILD_PATH_REF = 'https://github.com/emk/heroku-buildpack-rust/blob/cfa0f0621411f0dbb46df9d4740e119b7a459ccc/bin/compile#L138-L142'

/** The folder of the crate a `DIR/target/release/NAME` binary was built in, when DIR holds a Cargo.toml; '' for the app root. */
function crateDirOf(argv: string[], files: AnalyzerContext['files']): string {
  const dir = cargoOutput(argv[0] ?? '')?.dir
  return dir && !dir.split('/').includes('..') && files.exists(`${dir}/Cargo.toml`) ? dir : ''
}

interface Target {
  diagnostics: Diagnostic[]
  dirs: string[]
  /** The binary's main file. */
  entry?: string
  pkg?: CargoPackage
  skip: (path: string) => boolean
}

/** The package folders and files a binary is built from, and its path dependencies'. */
function targetOf(ctx: AnalyzerContext, root: CargoPackage, name: string | undefined, parse: TomlParse): Target {
  const files = ctx.files
  const packages = workspacePackages(files, root, parse)
  const src = (p: CargoPackage): string => (p.dir ? `${p.dir}/src` : 'src')
  let pkg: CargoPackage | undefined
  let entry: string | undefined
  for (const p of packages) {
    if (!name) break
    const bin = p.bins.find((b) => b.name === name)
    const auto = [`${src(p)}/bin/${name}.rs`, `${src(p)}/bin/${name}/main.rs`].find((f) => files.exists(f))
    if (bin) entry = bin.path ? (p.dir ? `${p.dir}/${bin.path}` : bin.path) : auto
    else if (p.name === name && files.exists(`${src(p)}/main.rs`)) entry = `${src(p)}/main.rs`
    else if (auto) entry = auto
    if (entry) {
      pkg = p
      break
    }
  }

  const diagnostics: Diagnostic[] = []
  if (!pkg) {
    pkg = packages.find((p) => p === root) ?? packages[0]
    if (pkg) {
      diagnostics.push({
        code: 'unknown-config-value',
        file: ctx.origin?.file,
        fix: `if ${name ?? 'the binary'} is built elsewhere, tell conncalc its pool: --assume ${ctx.processType}=1:N:N`,
        line: ctx.origin?.line,
        message: `${ctx.processType}: no Cargo package in the app builds a binary named \`${name ?? ''}\` ([[bin]], src/main.rs of a package of that name, or src/bin/${name ?? 'NAME'}); ${pkg.file}'s package is read instead`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }
  }

  if (!pkg) return {diagnostics, dirs: [], skip: () => false}
  // The package's other binaries are other programs: only this one's folder of src/bin is read.
  const binDir = `${src(pkg)}/bin`
  const own = entry?.startsWith(`${binDir}/`) ? entry.slice(binDir.length + 1).split('/')[0] : undefined
  const skip = (path: string): boolean => path.startsWith(`${binDir}/`) && path.slice(binDir.length + 1).split('/')[0] !== own
  const dirs = [src(pkg)]
  if (entry && !entry.startsWith(`${src(pkg)}/`)) dirs.push(entry.split('/').slice(0, -1).join('/') || '.')
  // Path dependencies, followed (a workspace `{ workspace = true }` through the root's [workspace.dependencies]).
  const seen = new Set([pkg.dir])
  const queue = [pkg]
  while (queue.length > 0) {
    const p = queue.shift()!
    for (const d of p.dependencies) {
      const path = d.path ?? (d.workspace ? root.workspaceDependencies.find((w) => w.name === d.name)?.path : undefined)
      if (path === undefined || seen.has(path)) continue
      seen.add(path)
      const dep = cargoToml(files, path, parse)
      if (!dep) continue
      dirs.push(src(dep))
      queue.push(dep)
    }
  }

  return {diagnostics, dirs, entry, pkg, skip}
}

const describe = (v: RsValue): string => (v.kind === 'unknown' ? v.reason : v.kind === 'absent' ? `${v.name} is not set anywhere and has no default there` : v.kind === 'str' ? `"${v.value}" is not an integer` : '')

/** A lib's pool: the app's cap when read (the largest of several, said), else the crate's default (starred when the app sets one conncalc cannot read). */
function poolOf(ctx: AnalyzerContext, lib: RsLib, caps: RsSite[], opens: RsSite[], version: string | undefined, diagnostics: Diagnostic[]): PoolEntry {
  const opened = opens[0]
  const origin: Source = opened ? fromFile(opened.file, opened.line) : caps[0] ? fromFile(caps[0].file, caps[0].line) : fromDefault(lib, defaultRef(lib, version).ref)
  const label = `${lib}${opened ? ` ${opened.file}:${opened.line}` : caps[0] ? ` ${caps[0].file}:${caps[0].line}` : ''}`
  const known = caps.filter((c) => c.value?.kind === 'num') as (RsSite & {value: Extract<RsValue, {kind: 'num'}>})[]
  const unread = caps.filter((c) => c.value?.kind !== 'num')
  for (const u of unread) {
    const v = u.value!
    diagnostics.push(
      v.kind === 'absent' ?
        {code: 'unresolved-env', file: u.file, fix: `set ${v.name} (e.g. \`--env ${v.name}=…\`), or give it a default with .unwrap_or(N)`, line: v.line, message: `${v.name} is not set anywhere and this line reads it without a default, so the ${lib} pool size is unknown`, processType: ctx.processType, severity: 'warning'}
      : {code: 'unknown-config-value', file: u.file, fix: `give the value (--env for the variable it reads) or --assume ${ctx.processType}=1:N:N`, line: u.line, message: `${ctx.processType}: cannot read the ${lib} pool size set here: ${describe(v)}`, processType: ctx.processType, severity: 'warning'},
    )
  }

  if (known.length > 0) {
    const best = known.reduce((a, b) => (b.value.value > a.value.value ? b : a))
    const via: Source[] = [...(best.value.file !== best.file || best.value.line !== best.line ? [fromFile(best.value.file, best.value.line)] : []), ...best.value.via]
    if (new Set(known.map((k) => k.value.value)).size > 1 || unread.length > 0) {
      via.push(assumed(`the ${lib} pool size is set at ${[...known.map((k) => `${k.file}:${k.line} (${k.value.value})`), ...unread.map((u) => `${u.file}:${u.line} (unread)`)].join(', ')}; the largest read is counted`))
    }

    const pool = sourced(best.value.value, fromFile(best.file, best.line), via)
    for (const d of cpuCountWarning(ctx, pool, `the ${lib} pool size`, 'set the pool size to a number')) diagnostics.push(d)
    return {database: label, pool, server: 'DATABASE_URL'}
  }

  const {ref, what} = defaultRef(lib, version)
  const via: Source[] = [fromDefault(`${what}${version ? ` (${CRATE[lib]} ${version} in Cargo.lock)` : ''}`, ref)]
  if (unread[0]) via.push(unreadAssumption(`the app sets the ${lib} pool size at ${unread[0].file}:${unread[0].line}, which conncalc cannot read (${describe(unread[0].value!)}); the default is assumed`))
  if (!opened && caps.length === 0) via.push(assumed(`${CRATE[lib]} is a dependency but no pool is made in the code read; its default pool is assumed`))
  let value = 10
  if (lib === 'deadpool') {
    const n = ctx.dyno?.nproc
    value = (n?.value ?? 8) * 4
    if (n) via.push(n.source, ...(n.via ?? []))
    via.push(assumed("num_cpus::get_physical() counts the host's physical cores, which a dyno does not publish: its CPU count is used"))
  }

  const pool = sourced(value, origin, via)
  if (lib === 'deadpool') for (const d of cpuCountWarning(ctx, pool, 'the deadpool max_size', 'set it: Pool::builder(manager).max_size(N)')) diagnostics.push(d)
  return {database: label, pool, server: 'DATABASE_URL'}
}

/** Crates that speak PostgreSQL, as Cargo.lock names them (sqlx before 0.7 has no sqlx-postgres: its features say). */
const PG_CRATES = ['tokio-postgres', 'postgres', 'sqlx-postgres', 'pq-sys', 'postgres-protocol']

export const rust: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    let processes = sourced(1, fromDefault('a Rust binary is one process; its async runtime (tokio) runs every task on threads inside it', TOKIO))
    const parse = await loadTomlParser()
    // The crate the binary was built in: the app root, or the folder the Procfile's `DIR/target/release/NAME` names.
    const crateDir = crateDirOf(ctx.command.argv, ctx.files)
    const built = crateDir ? [fromDefault(`${crateDir}/target/release holds what cargo built in ${crateDir} (its Cargo.toml): the Rust buildpack builds in RustConfig's BUILD_PATH and copies the binaries there`, BUILD_PATH_REF)] : []
    if (built.length > 0) processes = sourced(1, processes.source, built)
    const root = cargoToml(ctx.files, crateDir, parse)
    // Cargo.toml is there (the app is read as Rust for it) but cannot be read: the reader has said why. Which crates the
    // binary is built from is not known.
    if (!root) return {diagnostics: [], language: 'rust', pools: [], processesPerDyno: processes, server: 'rust', threadsPerProcess: sourced(1, assumed(`${crateDir ? `${crateDir}/` : ''}Cargo.toml cannot be read, so the crates the binary is built from are not known; 1 connection counted until --assume says more`))}
    const lockText = ctx.files.read(crateDir ? `${crateDir}/Cargo.lock` : 'Cargo.lock')?.text
    const lock = lockText === undefined ? new Map<string, string>() : cargoLock(lockText)
    const target = targetOf(ctx, root, binaryOf(ctx.command.argv, ctx), parse)
    const manifests = [root, ...(target.pkg && target.pkg !== root ? [target.pkg] : [])]
    const direct = new Set(manifests.flatMap((m) => m.dependencies.map((d) => d.name)))
    const crates = new Set([...lock.keys(), ...direct, ...root.workspaceDependencies.map((d) => d.name)])
    if ([...crates].some((c) => c.startsWith('deadpool'))) crates.add('deadpool')
    const manifestText = manifests.map((m) => ctx.files.read(m.file)?.text ?? '').join('\n')
    const speaksPg = PG_CRATES.some((c) => crates.has(c)) || (crates.has('sqlx') && /postgres/.test(manifestText)) || (crates.has('diesel') && /postgres/.test(manifestText))
    const diagnostics: Diagnostic[] = [...target.diagnostics]
    for (const m of new Set([root, ...workspacePackages(ctx.files, root, parse), ...(target.pkg ? [target.pkg] : [])])) {
      if (m.error) diagnostics.push({code: 'unparsable-config', file: m.file, line: m.error.line, message: `${m.file}:${m.error.line}: ${m.error.message}; its crates, binaries and members are not read`, severity: 'warning'})
    }

    const versions: Record<string, string> = {}
    if (!speaksPg) {
      return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'rust', threadsPerProcess: sourced(0, fromDefault(`${lockText === undefined ? 'Cargo.toml' : 'Cargo.lock'} has no PostgreSQL crate (tokio-postgres, postgres, sqlx's postgres, diesel's pq-sys): this process opens no PostgreSQL connection`, 'https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html'))}
    }

    // A main that dispatches on the Procfile's subcommand: the other arms' modules are not read.
    const arg = subcommandArg(ctx.command.argv)
    const entryText = arg && target.entry ? ctx.files.read(target.entry)?.text : undefined
    let dispatch: Dispatch | undefined
    if (arg && entryText !== undefined && /\bmatch\b/.test(entryText)) {
      try {
        const tree = (await loadGrammar('rust')).parse(entryText)
        if (tree) dispatch = dispatchOf(ctx.files, target.entry!, tree.rootNode, arg)
        tree?.delete()
      } catch {
        // No grammar: RustCode.read says so below.
      }
    }

    const skipped = dispatch?.skipped ?? []
    const skip = skipped.length === 0 ? target.skip : (path: string): boolean => target.skip(path) || skipped.some((s) => path === s || path.startsWith(`${s}/`))
    const code = await RustCode.read({crates, dirs: target.dirs, entry: target.entry, env: ctx.env, files: ctx.files, nproc: ctx.dyno?.nproc, skip})
    for (const d of code.diagnostics) diagnostics.push(d)
    const pools: PoolEntry[] = []
    const libs = new Set<RsLib>([...code.caps, ...code.opens].map((s) => s.lib))
    for (const lib of POOLED) {
      if (!libs.has(lib)) continue
      const version = lock.get(CRATE[lib])
      if (version) versions[CRATE[lib]] = version
      pools.push(poolOf(ctx, lib, code.caps.filter((c) => c.lib === lib), code.opens.filter((o) => o.lib === lib), version, diagnostics))
    }

    // Rocket's managed pools (#[database("NAME")]), sized by Rocket.toml / ROCKET_* env.
    for (const p of rocketPools(ctx, code.rocketDbs, crates, lock, parse, diagnostics)) pools.push(p)
    for (const c of ['rocket_db_pools', 'rocket_sync_db_pools']) if (code.rocketDbs.length > 0 && lock.get(c)) versions[c] = lock.get(c)!
    const connectors = code.opens.filter((s) => !POOLED.includes(s.lib) && s.connector !== undefined && pools.length > 0)
    if (connectors.length > 0) {
      // The pool's own connections, not counted twice: said on the first pool.
      const first = pools[0]
      pools[0] = {...first, pool: {...first.pool, via: [...(first.pool.via ?? []), ...connectors.map((c) => assumed(`the ${c.lib} connection at ${c.file}:${c.line} is not counted on its own: ${c.connector}`))]}}
    }

    const sync04 = code.opens.some((o) => o.perRequest) ? rocketSyncWorkers(ctx, lock, manifestText, parse, diagnostics) : undefined
    const actixSync = code.opens.some((o) => o.perRequestSync) ? actixSyncWorkers(ctx, lock, manifestText, code.workers, diagnostics) : undefined
    let actixBounded = false
    for (const o of code.opens.filter((s) => !POOLED.includes(s.lib) && !connectors.includes(s))) {
      const {ref} = defaultRef(o.lib, undefined)
      const database = `${o.lib} ${o.file}:${o.line}`
      if (o.perRequest && sync04) {
        // Rocket 0.4 serves each request on one of its `workers` threads: at most that many requests, each with its own connection.
        const via = [fromDefault('one connection where it is made, for each request the handler serves', ref), fromDefault(`${o.perRequest}() is a request handler that reaches this connection: one per request in flight`, 'https://rocket.rs/v0.4/guide/requests/'), ...sync04.via]
        const pool = sourced(sync04.value, fromFile(o.file, o.line), via)
        if (sync04.cpu) for (const d of cpuCountWarning(ctx, pool, "Rocket 0.4's workers (each request opens its own connection)", `set workers in ${sync04.file} ([${sync04.env}] workers = N) or ROCKET_WORKERS`)) diagnostics.push(d)
        pools.push({database, pool, server: 'DATABASE_URL'})
        continue
      }

      if (o.perRequest && o.perRequestSync && actixSync) {
        // actix-web 1.x runs a plain-`fn` handler on its worker's own thread: one request at a time per worker, each with its own connection.
        const via = [fromDefault('one connection where it is made, for each request the handler serves', ref), fromDefault(`${o.perRequest}() is a plain fn request handler that reaches this connection: actix-web 1.x calls it on the worker thread, one request at a time per worker`, ACTIX1_SYNC_REF), ...actixSync.via]
        const pool = sourced(actixSync.value, fromFile(o.file, o.line), via)
        if (actixSync.cpu) for (const d of cpuCountWarning(ctx, pool, "actix-web's workers (each request opens its own connection)", 'set them: HttpServer::new(…).workers(N)')) diagnostics.push(d)
        pools.push({database, pool, server: 'DATABASE_URL'})
        actixBounded = true
        continue
      }

      if (o.perRequest) {
        diagnostics.push({code: 'unbounded-pool', file: o.file, fix: `share a pool (r2d2, deadpool, sqlx) sized to what the plan allows, then tell conncalc: --assume ${ctx.processType}=1:N:N`, line: o.line, message: `${ctx.processType}: a ${o.lib} connection is made at ${o.file}:${o.line} for each request ${o.perRequest}() serves, and the async server runs requests with no limit: only the requests in flight — and at last the database's max_connections — bound it; conncalc counts 1 until you give --assume`, processType: ctx.processType, severity: 'warning'})
      }

      pools.push({database, pool: sourced(1, fromFile(o.file, o.line), [fromDefault('one connection where it is made', ref), assumed(o.perRequest ? `a ${o.lib} connection is made at ${o.file}:${o.line} for each request ${o.perRequest}() serves: 1 counted, as many as the requests in flight` : `a single ${o.lib} connection is made at ${o.file}:${o.line}: counted once; made per request it would be one per request in flight`)]), server: 'DATABASE_URL'})
    }

    if (pools.length === 0 && code.unreached && code.rocketDbs.length === 0) {
      // Every pool or connection in the code read is built in a function this binary never calls.
      const where = code.unreached.map((u) => `${u.file}:${u.line}`).join(', ')
      return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'rust', threadsPerProcess: sourced(0, fromFile(target.entry!, 1), [fromDefault(`the PostgreSQL pools and connections in the code read (${where}) are built in functions ${target.entry} never calls, directly or through the functions it calls: this binary opens none`, 'https://doc.rust-lang.org/reference/items/functions.html')]), versions}
    }

    if (pools.length === 0) {
      // A pool crate the binary depends on, with no construction found: its default, starred.
      const dep = POOLED.find((l) => direct.has(CRATE[l]) || (l === 'deadpool' && [...direct].some((d) => d.startsWith('deadpool'))))
      if (dep) {
        const version = lock.get(CRATE[dep])
        if (version) versions[CRATE[dep]] = version
        pools.push(poolOf(ctx, dep, [], [], version, diagnostics))
      } else {
        diagnostics.push({code: 'unknown-config-value', file: root.file, fix: `tell conncalc its connections: --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: the app depends on a PostgreSQL crate but conncalc found no pool or connection made in the ${code.files.length} Rust files it read; 1 connection is counted until you say`, processType: ctx.processType, severity: 'warning'})
        return {diagnostics, language: 'rust', pools: [], processesPerDyno: processes, server: 'rust', threadsPerProcess: sourced(1, assumed('no PostgreSQL pool or connection found in the Rust code read; 1 connection counted until --assume says more')), versions}
      }
    }

    if (dispatch && skipped.length > 0) {
      const note = fromFile(dispatch.file, dispatch.arm.line)
      for (const [i, p] of pools.entries()) pools[i] = {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), note]}}
    }

    const total = pools.reduce((a, p) => a + p.pool.value, 0)
    // Rocket before 0.5 is synchronous (hyper 0.10): requests are served on its `workers` threads, not async tasks.
    const rocket = lock.get('rocket') ?? /^\s*rocket\s*=\s*"[\^~=\s]*([\d.]+)"/m.exec(manifestText)?.[1]
    const sync = rocket !== undefined && /^0\.[0-4](\.|$)/.test(rocket)
    const threads: Sourced<number> = actixBounded && !sync
      ? sourced(total, fromDefault("actix-web 1.x runs a plain fn handler on its worker's own thread: each worker serves one such request at a time, with the connection it makes", ACTIX1_SYNC_REF), derivedFrom(pools.map((p) => p.pool)))
      : sync
      ? sourced(total, fromDefault(`rocket ${rocket} is synchronous: each of its \`workers\` threads serves one request at a time and may hold a pooled connection meanwhile; every pooled connection is counted${pools.some((p) => p.database.startsWith('r2d2')) ? ' (an r2d2 pool opens min_idle = max_size at start)' : ''}`, ROCKET04_WORKERS_REF), derivedFrom(pools.map((p) => p.pool)))
      : sourced(total, fromDefault('async tasks can use every pooled connection at once', TOKIO), derivedFrom(pools.map((p) => p.pool)))
    if (sync) processes = sourced(1, fromDefault(`a Rust binary is one process; rocket ${rocket} (synchronous, on hyper 0.10) serves requests on its \`workers\` threads inside it`, ROCKET04_WORKERS_REF), processes.via)
    return {diagnostics, eventLoop: true, language: 'rust', pools, processesPerDyno: processes, server: 'rust', threadsPerProcess: threads, versions}
  },
  id: 'rust',
  matches: isRust,
}
