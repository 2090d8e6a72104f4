/**
 * Elixir/Phoenix: one BEAM per dyno (`mix phx.server`, `mix run --no-halt`,
 * `elixir … -S mix phx.server`, a release's `bin/app start`). Every Ecto repo
 * the app starts holds a DBConnection pool of `pool_size` connections (Ecto's
 * default 10: Ecto.Repo.Supervisor `@defaults [timeout: 15000, pool_size: 10]`),
 * times `pool_count` (default 1), all opened when the repo starts
 * (DBConnection.ConnectionPool.Pool starts one connection process per slot:
 * `for id <- 1..size, do: conn(...)`), whatever the load. Requests are BEAM
 * processes that queue for a pooled connection, so the pools are the bound.
 * Oban's default notifier, Oban.Notifiers.Postgres, LISTENs on one more
 * connection of its own (Postgrex.SimpleConnection) per node; so does each
 * process of the app's own that a supervisor starts with Postgrex.Notifications,
 * a Postgrex.ReplicationConnection or Cainophile (config.ts ownConnections).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra, PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, fromFact, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {ectoMigration, isElixir, mixTask} from '../common/matchers.js'
import {programName} from '../common/setting.js'
import {type ConfigEntry, type ElixirConfig, type ExValue, ownConnections, readElixirConfig, repoInitPoolSize, repoNamedInstances, repoOtherAdapter, supervisedRepos, UNREAD_OPTIONS} from './config.js'
import {append} from '../../util/arrays.js'
import {filesUnder, withinDir} from '../../model/files.js'
import {fromProject} from '../common/in-project.js'
import {serverOfUrlVar} from '../../util/pg-url.js'
import {notPostgresql} from '../common/database-drivers.js'
import {apartFromKnownOthers, placeUnknownServers} from '../../model/other-server.js'

const ECTO_REF = 'https://github.com/elixir-ecto/ecto/blob/master/lib/ecto/repo/supervisor.ex'
const POOL_REF = 'https://github.com/elixir-ecto/db_connection/blob/master/lib/db_connection/connection_pool/pool.ex'
const MIGRATOR_REF = 'https://github.com/elixir-ecto/ecto_sql/blob/master/lib/ecto/migrator.ex'
const OBAN_REF = 'https://github.com/oban-bg/oban/blob/main/lib/oban/config.ex'
const BUILDPACK_REF = 'https://github.com/HashNuke/heroku-buildpack-elixir#configuration'

const line = (e: ConfigEntry): Source => fromFile(e.file, e.line)

/** The repos the app starts: `ecto_repos` of each app, else every configured module named *Repo that has connection settings. */
function repos(cfg: ElixirConfig): {app: string; name: string; via: Source[]}[] {
  const out: {app: string; name: string; via: Source[]}[] = []
  for (const [key, entries] of cfg.entries) {
    const [app, root] = key.split(' ')
    const list = root === '' ? entries.get('ecto_repos') : undefined
    if (list?.value.kind !== 'list') continue
    for (const item of list.value.items) if (item.kind === 'alias' && !out.some((r) => r.name === item.value)) out.push({app, name: item.value, via: [line(list)]})
  }

  if (out.length > 0) return out
  for (const [key, entries] of cfg.entries) {
    const [app, root] = key.split(' ')
    if (/Repo$/.test(root) && ['url', 'database', 'hostname', 'pool_size', 'username'].some((k) => entries.has(k))) {
      out.push({app, name: root, via: [assumed(`no ecto_repos list was found; ${root} is configured, so it is assumed to start`)]})
    }
  }

  return out
}

function integer(entry: ConfigEntry | undefined, what: string, ctx: AnalyzerContext, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  if (!entry) return undefined
  const v: ExValue = entry.value
  const conditional = entry.conditional ? [entry.conditional] : []
  if (v.kind === 'int') return sourced(v.value, line(entry), [...v.via, ...conditional])
  if (v.kind === 'unknown' && v.missingEnv) {
    diagnostics.push({
      code: 'unresolved-env',
      file: entry.file,
      fix: `set ${v.missingEnv} (e.g. --env ${v.missingEnv}=10, or heroku config), or give it a default in ${entry.file}`,
      line: entry.line,
      message: `${ctx.processType}: ${v.missingEnv} is not set anywhere and ${entry.file}:${entry.line} reads it for ${what} without a default, so ${what} is unknown`,
      processType: ctx.processType,
      severity: 'warning',
    })
    return undefined
  }

  const confex = confexInteger(v, entry, ctx)
  if (confex) return confex
  const reason = v.kind === 'unknown' ? v.reason : `it is ${v.kind === 'nil' ? 'nil' : `a ${v.kind}`}, not an integer`
  diagnostics.push({code: 'unknown-config-value', file: entry.file, line: entry.line, message: `${ctx.processType}: cannot read ${what} at ${entry.file}:${entry.line}: ${reason}`, processType: ctx.processType, severity: 'warning'})
  return undefined
}

// Confex (lib/confex/resolver.ex): `{:system, "VAR"}`, `{:system, "VAR", default}`, `{:system, :integer, "VAR"}` and
// `{:system, :integer, "VAR", default}` read VAR from the environment at run time (the default when it is unset);
// apps resolve their repo's config with Confex.Resolver.resolve!/1 in the repo's init/2, since Ecto reads integers only.
const CONFEX_REF = 'https://github.com/Nebo15/confex/blob/master/lib/confex/resolver.ex'

/** A Confex `{:system, …}` tuple: the env var's value as an integer, else the default; undefined for any other value. */
function confexInteger(v: ExValue, entry: ConfigEntry, ctx: AnalyzerContext): Sourced<number> | undefined {
  if (v.kind !== 'tuple' || v.items[0]?.kind !== 'atom' || v.items[0].value !== 'system') return undefined
  // Only an app that depends on Confex resolves the tuple; Ecto alone would refuse it.
  if (!/\{\s*:confex\b/.test(ctx.files.read('mix.exs')?.text ?? '')) return undefined
  const rest = v.items.slice(1)
  const typed = rest[0]?.kind === 'atom' ? rest.shift() : undefined
  if ((typed && typed.kind === 'atom' && typed.value !== 'integer') || rest[0]?.kind !== 'string') return undefined
  const name = rest[0].value
  const fallback = rest[1]?.kind === 'int' ? rest[1].value : undefined
  const how = fromDefault(`Confex reads {:system, ${typed ? ':integer, ' : ''}"${name}"${fallback === undefined ? '' : `, ${fallback}`}} from the environment when the repo starts`, CONFEX_REF)
  const set = ctx.env.get(name)
  if (set && /^\s*\d+\s*$/.test(set.value)) return sourced(Number(set.value), line(entry), [set.source, ...(set.via ?? []), how])
  if (fallback !== undefined && !set) return sourced(fallback, line(entry), [how])
  return undefined
}

/** `?pool_size=N` in the repo's URL overrides the keyword (Ecto.Repo.Supervisor merges the URL's options last). */
function urlPoolSize(entry: ConfigEntry | undefined): Sourced<number> | undefined {
  if (entry?.value.kind !== 'string') return undefined
  const q = entry.value.value.split('?')[1]
  const n = q ? new URLSearchParams(q).get('pool_size') : null
  return n && /^\d+$/.test(n) ? sourced(Number(n), line(entry), [...entry.value.via]) : undefined
}

/**
 * The server a repo connects to, from the env var its `url:` reads (model/other-server.ts): `System.get_env("X")`
 * (a value, or none), `System.fetch_env!("X")`, `System.get_env("X") || raise …`. A literal URL, or none
 * (`hostname:` and friends), is counted on DATABASE_URL's server, as before.
 */
function repoServer(ctx: AnalyzerContext, url: ConfigEntry | undefined): string {
  const v = url?.value
  const name = v?.kind === 'string' ? v.via.flatMap((s) => (s.kind === 'env' ? [s.name] : []))[0] : v?.kind === 'nil' ? v.unset : v?.kind === 'unknown' ? v.missingEnv : undefined
  return serverOfUrlVar(name, ctx.env)
}

/** Oban's LISTEN connection: +1 unless it is configured with another notifier or engine. */
function obanNotifier(cfg: ElixirConfig, repoNames: string[]): Extra[] {
  const out: Extra[] = []
  for (const [key, entries] of cfg.entries) {
    const [, root] = key.split(' ')
    if (root !== 'Oban' && !/\.Oban$/.test(root)) continue
    if (entries.get('testing')?.value.kind === 'atom') continue // testing: :manual / :inline starts no notifier's listener in use
    const engine = entries.get('engine')?.value
    if (engine?.kind === 'alias' && /(Lite|Dolphin)$/.test(engine.value)) continue
    const n = entries.get('notifier')
    const notifier = n?.value.kind === 'alias' ? n.value.value : n?.value.kind === 'tuple' && n.value.items[0]?.kind === 'alias' ? n.value.items[0].value : undefined
    if (n && notifier === undefined) {
      out.push({count: sourced(1, line(n), [assumed('the notifier is not one conncalc can read; the Postgres notifier (1 LISTEN connection) is assumed')]), kind: 'oban-notifier', reason: 'Oban notifier LISTEN connection'})
      continue
    }

    if (notifier !== undefined && notifier !== 'Oban.Notifiers.Postgres' && notifier !== 'Oban.PostgresNotifier') continue
    const repo = entries.get('repo')?.value
    const database = repo?.kind === 'alias' && repoNames.includes(repo.value) ? repo.value : undefined
    const source = n ? line(n) : fromDefault('Oban\'s default notifier is Oban.Notifiers.Postgres (LISTEN/NOTIFY on a connection of its own) for the Basic engine', OBAN_REF)
    const anyEntry = [...entries.values()][0]
    out.push({count: sourced(1, source, n || !anyEntry ? [] : [line(anyEntry)]), ...(database ? {database} : {}), kind: 'oban-notifier', reason: `Oban (${root}) Postgres notifier: a LISTEN connection outside the repo pool`})
  }

  return out
}

/**
 * What `bin/app eval "…migrate…"` runs: the app's own function, read as phx.gen.release's Release.migrate
 * when a file under lib/ calls Ecto.Migrator.with_repo (that line is cited), else assumed to be it.
 */
function releaseMigrator(ctx: AnalyzerContext): Source {
  for (const path of filesUnder(ctx.files, 'lib', (p) => p.endsWith('.ex'), {max: 2000}).paths) {
    const text = ctx.files.read(path)?.text ?? ''
    const at = text.indexOf('Ecto.Migrator.with_repo')
    if (at !== -1) return fromFile(path, text.slice(0, at).split('\n').length)
  }

  return assumed(`\`${ctx.command.argv.slice(2).join(' ')}\` is assumed to be phx.gen.release's Release.migrate (Ecto.Migrator.with_repo for each repo); no call to Ecto.Migrator.with_repo was found under lib/`)
}

/** Versions of the packages that decide these numbers, from mix.lock (`"ecto": {:hex, :ecto, "3.12.5", …}`). */
function lockVersions(ctx: AnalyzerContext): Record<string, string> {
  const text = ctx.files.read('mix.lock')?.text ?? ''
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/^\s*"(ecto|ecto_sql|postgrex|db_connection|oban)":\s*\{:hex,\s*:\w+,\s*"([^"]+)"/gm)) out[m[1]] = m[2]
  return out
}

const RELEASE_OVERLAYS_REF = 'https://github.com/elixir-lang/elixir/blob/v1.17.3/lib/mix/lib/mix/tasks/release.ex'

export const elixir: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    // A release overlay script of a Mix project in a folder below the app root (common/matchers.ts isElixir): mix release
    // copies the project's rel/overlays into the release, which runs that project's application with its config.
    const project = ctx.files.exists('mix.exs') ? undefined : /^(?:\.\/)?(.+)\/rel\/overlays\/bin\/[^/]+$/.exec(ctx.command.argv[0] ?? '')?.[1]
    if (project !== undefined && ctx.files.exists(`${project}/mix.exs`)) {
      const inner = await elixir.analyze({...ctx, files: withinDir(ctx.files, project)})
      const note = fromDefault(`${ctx.command.argv[0]} is a file of the release of the Mix project in ${project}/ (mix release copies its rel/overlays into the release), so that project's config is read`, RELEASE_OVERLAYS_REF)
      return fromProject({...inner, processesPerDyno: {...inner.processesPerDyno, via: [...(inner.processesPerDyno.via ?? []), note]}}, project)
    }

    const diagnostics: Diagnostic[] = []
    const mix = ctx.env.get('MIX_ENV')
    const mixEnv = mix ? {source: mix.source, value: mix.value} : {source: fromDefault('the Elixir buildpack builds and runs with MIX_ENV=prod', BUILDPACK_REF), value: 'prod'}
    // A release (`bin/app start`, `bin/app eval …`): not a Mix task, nor `mix`/`elixir -S mix` itself.
    const release = mixTask(ctx.command.argv) === undefined && programName(ctx.command.argv[0]) !== 'mix' && !ctx.command.argv.includes('mix')
    const cfg = await readElixirConfig(ctx.files, {cpus: ctx.dyno?.nproc, env: ctx.env, mixEnv: mixEnv.value, release})
    append(diagnostics, cfg.diagnostics.map((d) => ({...d, processType: ctx.processType})))
    for (const m of cfg.missing) {
      diagnostics.push({code: 'missing-config', file: m.file, fix: `if it sets a Repo's pool_size, tell conncalc: --assume ${ctx.processType}=1:N:N`, line: m.line, message: m.conditional
          ? `${ctx.processType}: ${m.file}:${m.line} imports ${m.path}, which is not in the app, under a condition (${m.conditional}): if it is made where the app runs (often gitignored), what it sets is not read`
          : `${ctx.processType}: ${m.file}:${m.line} imports ${m.path}, which is not in the app (Config.import_config raises on a missing file, so it is made where the app runs, often gitignored): what it sets is not read`, processType: ctx.processType, severity: 'warning'})
    }
    const task = mixTask(ctx.command.argv)
    const one = sourced(1, fromFact('an Elixir node is one BEAM OS process per dyno', 'https://hexdocs.pm/mix/Mix.Tasks.Release.html'))
    // `mix ecto.migrate`/`rollback` (and phx.gen.release's `bin/app eval "App.Release.migrate"`) start no
    // application: Ecto.Migrator.with_repo starts each repo with a pool of 2, one repo after another.
    const migration = ectoMigration(ctx.command.argv)
    const migrate = migration !== undefined
    // A repo whose adapter is not PostgreSQL's (SQLite3, MyXQL, Tds) opens no PostgreSQL connection: said, not counted.
    const configured = repos(cfg)
    // Repos the Application starts beside those ecto_repos lists (a read replica kept out of migrations).
    const listed = configured.filter((r) => r.via.every((v) => v.kind !== 'assumed'))
    if (listed.length > 0) {
      const more = [...cfg.entries].flatMap(([key, entries]) => {
        const [app, root] = key.split(' ')
        return /^[A-Z]/.test(root) && !configured.some((r) => r.name === root) && ['url', 'database', 'hostname', 'pool_size', 'username', 'socket_dir'].some((k) => entries.has(k)) ? [{app, root}] : []
      })
      for (const s of await supervisedRepos(ctx.files, more.map((m) => m.root))) {
        configured.push({app: more.find((m) => m.root === s.repo)!.app, name: s.repo, via: [fromFile(s.file, s.line)]})
      }
    }

    const started = configured.filter((repo) => {
      const other = repoOtherAdapter(ctx.files, repo.name, repo.app, cfg.entries.get(`${repo.app} ${repo.name}`)?.get('adapter'))
      if (other) diagnostics.push(notPostgresql({file: other.file, line: other.line}, `${ctx.processType}: ${repo.name} uses ${other.adapter}, not PostgreSQL: its connections are not on this database`, `if ${repo.name} does connect to PostgreSQL, its adapter is Ecto.Adapters.Postgres; otherwise nothing to do`, ctx.processType))
      return !other
    })
    const pools: PoolEntry[] = []
    if (migrate && started.length > 0) {
      // One repo at a time (with_repo stops each before the next starts): one pool of 2 is the most open at once.
      const names = started.map((r) => r.name).join(', then ')
      const size = sourced(2, fromDefault(`Ecto.Migrator.with_repo starts each repo (${names}) with pool_size 2, its default, and stops it before the next`, MIGRATOR_REF), migration === 'eval' ? [releaseMigrator(ctx)] : [])
      pools.push({database: started.length === 1 ? started[0].name : 'Ecto.Migrator', minOpen: size, pool: size, server: 'DATABASE_URL'})
    }

    for (const repo of migrate ? [] : started) {
      const entries = cfg.entries.get(`${repo.app} ${repo.name}`) ?? new Map<string, ConfigEntry>()
      // Options conncalc could not read, after the last pool_size it read, may set it (config.ts UNREAD_OPTIONS).
      const set = entries.get(UNREAD_OPTIONS) ?? entries.get('pool_size')
      const read = urlPoolSize(entries.get('url')) ?? integer(set, `${repo.name} pool_size`, ctx, diagnostics)
      const unread = cfg.missing.map((m) => assumed(`pool_size is set in no file conncalc read; ${m.path}, imported at ${m.file}:${m.line}, is not in the app (made on the server, often gitignored) and may set it`))
      const dflt = sourced(10, fromDefault('Ecto default pool_size: 10', ECTO_REF), [...repo.via.filter((v) => v.kind === 'assumed'), ...unread])
      let size = read ?? (set ? sourced(10, dflt.source, [...(dflt.via ?? []), line(set), assumed(`${set.file}:${set.line} sets pool_size in a way conncalc cannot read; Ecto's default 10 used`)]) : dflt)
      if (read && repo.via.some((v) => v.kind === 'assumed')) size = sourced(size.value, size.source, [...(size.via ?? []), ...repo.via])
      // The repo's init/2 runs after the config files and may replace pool_size.
      const init = await repoInitPoolSize(ctx.files, repo.name, repo.app)
      if (init) {
        diagnostics.push({code: 'unknown-config-value', file: init.file, line: init.line, message: `${ctx.processType}: ${repo.name}.init/2 sets pool_size at ${init.file}:${init.line}, in code conncalc does not evaluate; using ${size.value} from the config (give --assume ${ctx.processType}=1:N:N if it differs)`, processType: ctx.processType, severity: 'warning'})
        size = sourced(size.value, size.source, [...(size.via ?? []), fromFile(init.file, init.line), assumed(`${repo.name}.init/2 may replace pool_size at ${init.file}:${init.line}`)])
      }

      const count = integer(entries.get('pool_count'), `${repo.name} pool_count`, ctx, diagnostics)
      const pool = count && count.value > 1 ? sourced(size.value * count.value, size.source, [...(size.via ?? []), count.source, fromDefault(`pool_size × pool_count (${size.value} × ${count.value})`, 'https://hexdocs.pm/ecto/Ecto.Repo.html')]) : size
      pools.push({database: repo.name, minOpen: sourced(pool.value, fromDefault('DBConnection opens every connection of the pool when the repo starts', POOL_REF), [pool.source]), pool, server: repoServer(ctx, entries.get('url'))})
    }

    // A repo started again under another name (`{MyApp.Repo, name: MyApp.ObanRepo, pool_size: 10}` in the supervision
    // tree): a pool of its own, its options over the repo's config.
    const byRepo = new Map(pools.map((p) => [p.database, p]))
    for (const inst of migrate ? [] : await repoNamedInstances(ctx.files, started.map((r) => r.name))) {
      const base = byRepo.get(inst.repo)
      if (!base) continue
      const at = fromFile(inst.file, inst.line)
      const startRef = fromDefault(`${inst.repo} started again with a name of its own is another DBConnection pool; Repo.start_link takes these options over the repo's config`, 'https://hexdocs.pm/ecto/Ecto.Repo.html#c:start_link/1')
      let pool: Sourced<number>
      if (inst.poolSize?.value !== undefined) pool = sourced(inst.poolSize.value, fromFile(inst.file, inst.poolSize.line), [startRef])
      else if (inst.poolSize) {
        diagnostics.push({code: 'unknown-config-value', file: inst.file, fix: `give the pool size: --assume ${ctx.processType}=1:N:N`, line: inst.poolSize.line, message: `${ctx.processType}: ${inst.repo} is started again at ${inst.file}:${inst.line} with pool_size \`${inst.poolSize.unread}\`, which conncalc cannot read; its configured pool (${base.pool.value}) is counted for it`, processType: ctx.processType, severity: 'warning'})
        pool = sourced(base.pool.value, at, [startRef, base.pool.source, ...(base.pool.via ?? []), assumed(`${inst.file}:${inst.poolSize.line} sets this pool's pool_size in a way conncalc cannot read; the repo's ${base.pool.value} used`)])
      } else pool = sourced(base.pool.value, at, [startRef, base.pool.source, ...(base.pool.via ?? [])])
      pools.push({database: `${inst.repo} (${inst.file}:${inst.line})`, minOpen: sourced(pool.value, fromDefault('DBConnection opens every connection of the pool when the repo starts', POOL_REF), [pool.source]), pool, server: base.server})
    }

    const otherAdapters = configured.length > started.length
    if (pools.length === 0 && !otherAdapters && (ctx.files.read('mix.lock')?.text.includes('"postgrex"') ?? false)) {
      pools.push({database: 'Repo', pool: sourced(10, fromDefault('Ecto default pool_size: 10', ECTO_REF), [fromFile('mix.lock', 1), assumed('postgrex is a dependency but no repo config was found in config/*.exs; one repo is assumed')]), server: 'DATABASE_URL'})
    }

    // mix.lock lists every package the app installs (postgrex is what Ecto's Postgres adapter opens connections with): without it
    // and without a repo, nothing the app runs can connect to PostgreSQL.
    const lock = pools.length === 0 && !otherAdapters ? ctx.files.read('mix.lock') : undefined
    const noDriver = lock !== undefined && !/"postgrex"|\bpostgrex\b/.test(lock.text)
    if (otherAdapters && pools.length === 0) {
      // Every repo is on another database (said above): this process holds no PostgreSQL connection.
    } else if (noDriver) {
      diagnostics.push(notPostgresql({file: 'mix.lock', line: 1}, `mix.lock installs no postgrex (the PostgreSQL driver Ecto and every Elixir PostgreSQL client use) and no Ecto repo is configured: it holds no PostgreSQL connection`, 'if the app does use PostgreSQL, add postgrex (or ecto_sql with it) to mix.exs; otherwise nothing to do', ctx.processType))
    } else if (pools.length === 0) {
      diagnostics.push({
        code: 'unknown-command',
        fix: `if it does use PostgreSQL, say how: --assume ${ctx.processType}=1:N:N`,
        message: `${ctx.processType}: no Ecto repo was found in ${cfg.files.join(', ') || 'config/config.exs and config/runtime.exs'}; counting 1 connection`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }

    const extras = migrate ? [] : obanNotifier(cfg, started.map((r) => r.name))
    // The app's own processes that open a connection outside the repos' pools (a LISTEN listener, a replication
    // consumer): one each, in every node, as far as conncalc can tell; none in a migration, which starts no application.
    if (!migrate && (pools.length > 0 || otherAdapters)) {
      const own = await ownConnections(ctx.files)
      for (const c of own.started) {
        const where = c.startedAt && (c.startedAt.file !== c.file || c.startedAt.line !== c.line) ? [fromFile(c.startedAt.file, c.startedAt.line)] : []
        extras.push({
          count: sourced(1, fromFile(c.file, c.line), [fromDefault(`${c.opener} opens ${c.what}, outside the repos' pools`, c.ref), ...where, assumed('started once in each node whenever the app runs: conncalc does not read a condition on the supervisor that starts it, nor a singleton that runs it on one node of a cluster')]),
          kind: 'elixir-own-connection',
          reason: `${c.opener}: ${c.what} outside the repos' pools`,
        })
      }

      for (const c of own.unstarted) {
        diagnostics.push({code: 'unknown-config-value', file: c.file, fix: `if it runs in ${ctx.processType}, count it: --assume ${ctx.processType}.extras=N`, line: c.line, message: `${ctx.processType}: ${c.file}:${c.line} starts ${c.opener}, ${c.what}, but no file under lib/ names its module as a supervisor's child (a libcluster strategy named only in config?): not counted`, processType: ctx.processType, severity: 'info'})
      }
    }

    // Which server each repo is on (model/other-server.ts): the queries at once are those of the repos counted on the plan.
    const apart = apartFromKnownOthers(pools)
    const placed = placeUnknownServers(apart.pools, apart.otherServerPools)
    const counted = placed.pools ?? []
    const total = counted.reduce((a, p) => a + p.pool.value, 0)
    const server = task === 'phx.server' || task === 'phoenix.server' ? 'phoenix' : task ? `mix ${task}` : programName(ctx.command.argv[0]) === 'mix' ? 'mix' : migration === 'eval' ? 'ecto-migrator' : 'elixir-release'
    const knownTask = task === undefined || ['phx.server', 'phoenix.server', 'run'].includes(task) || migrate
    return {
      diagnostics,
      extrasPerProcess: extras,
      // No PostgreSQL driver installed: 0, as a program that opens no database connection (analyze-app countsAtLeastOne).
      language: noDriver || (otherAdapters && pools.length === 0) ? 'none' : 'elixir',
      otherServerPools: placed.otherServerPools,
      pools: counted,
      processesPerDyno: one,
      server,
      threadsPerProcess:
        pools.length === 0
          ? otherAdapters
            ? sourced(0, fromDefault(`every Ecto repo of the app uses another database's adapter (${configured.map((r) => r.name).join(', ')}): this process holds no PostgreSQL connection`, 'https://hexdocs.pm/ecto/Ecto.Repo.html'))
            : noDriver
            ? sourced(0, fromFile('mix.lock', 1), [fromDefault('mix.lock installs no postgrex and no Ecto repo is configured: this process holds no connection on the plan', 'https://hexdocs.pm/postgrex/readme.html')])
            : sourced(1, assumed('no Ecto repo found'))
          : migrate
            ? sourced(total, fromDefault('a migration runs its statements on the repo Ecto.Migrator started: at most its pool is held', MIGRATOR_REF))
            : sourced(total, fromDefault('requests and jobs are BEAM processes that queue for a pooled connection: at most the pools are held at once', POOL_REF), knownTask ? [] : [assumed(`\`mix ${task}\` is assumed to start the application and its repos`)]),
      ...(Object.keys(lockVersions(ctx)).length > 0 ? {versions: lockVersions(ctx)} : {}),
    }
  },
  id: 'elixir',
  matches: isElixir,
}
