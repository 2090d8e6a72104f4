/**
 * Node.js: one process per dyno unless the app forks — throng (workers /
 * count, default the CPU count), `cluster.fork()`, or pm2-runtime `-i N`.
 * Node's event loop can have every pooled connection checked out at once, so
 * threads per process = the sum of the pools.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra, PoolEntry} from '../../model/process.js'
import {callsTo, type JsCall, type JsModule} from './js.js'
import type {PackageJson} from './package-json.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, derivedFrom, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {type NodeEntry, nodeEntry, sourceOf} from './entry.js'
import {deployMayWrite} from './built.js'
import {appDependencies, lockedPackages, nearestLock, readPackageJson} from './package-json.js'
import {joinPath} from './tsconfig.js'
import {NOT_POSTGRES, nodePools} from './pools.js'
import {placeUnknownServers} from '../../model/other-server.js'
import {sameServerEvidence} from '../../model/same-server.js'
import {isEcosystemFile, type Pm2Apps, pm2Apps} from './pm2.js'
import {CODE, NodeProject, NOT_LOADED} from './project.js'
import {frameworkOutput} from './framework-output.js'
import {prepareBundles} from './bundlers.js'
import {packageOf} from './unreached.js'
import {pyCandidate} from '../python/candidate.js'
import {asString, entry, isDict} from '../python/evaluate.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {notPostgresql} from '../common/database-drivers.js'
import {isNode} from '../common/matchers.js'
import {appPath, envCandidate, programName} from '../common/setting.js'
import {findWorkspaces, packagesUsing} from './workspaces.js'
import {DATABASE_PACKAGES, NODE_PROGRAMS, OTHER_DATABASE_PACKAGES, OTHER_POSTGRES_PACKAGES, POSTGRES_DRIVERS, SEARCH_ENGINE_PACKAGES} from './programs.js'
import {append} from '../../util/arrays.js'
import {type FileReader, filesUnder, withinDir} from '../../model/files.js'
import {layer} from '../../model/env.js'
import {migratorOnly} from './migrators.js'
import {splitCommand} from '../shell/shell.js'
import {atOnce} from './at-once.js'
import {dotenvLoads} from './dotenv.js'
import {withEnvFiles} from '../python/env-files.js'

/**
 * Where apps started by a framework CLI (next start, strapi start) create their
 * database clients: the usual module paths, read as entries.
 */
const CLIENT_MODULES = ['payload.config', 'src/payload.config', 'lib/prisma', 'lib/db', 'src/lib/prisma', 'src/lib/db', 'src/server/db', 'src/db', 'db', 'app/lib/db', 'app/db.server', 'server/db', 'api/src/lib/db']
  .flatMap((b) => ['.ts', '.js', '.mjs'].map((e) => b + e))
const THRONG = 'https://github.com/hunterloftis/throng#readme'
const NODE_RESOLUTION = 'https://nodejs.org/api/modules.html#loading-from-node_modules-folders'
const PRISMA1 = ['prisma-client-lib', 'prisma-binding']

/** The reference that says why a pool is not PostgreSQL: the last default in its chain (Prisma's datasource, a dialect's driver). */
const whyNotPostgres = (p: PoolEntry): string => [...(p.pool.via ?? [])].reverse().find((v): v is Extract<Source, {kind: 'default'}> => v.kind === 'default')?.ref ?? 'https://www.prisma.io/docs/orm/prisma-schema/overview/data-sources'


/** Query builders over a driver the app installs (drizzle-orm/libsql, kysely's SqliteDialect): the driver tells the database. */
const ANY_DATABASE = new Set(['drizzle-orm', 'kysely'])

/**
 * A process whose code imports only other databases' clients (`mongodb`, `mongoose`, `mysql2`) or a search engine's
 * (`@opensearch-project/opensearch`, `@elastic/elasticsearch`) and
 * whose package.json (and the app root's) depends on no PostgreSQL client: it opens no connection on
 * the plan. The import that shows it, or undefined when anything PostgreSQL is there.
 */
function onlyOtherDatabases(ctx: AnalyzerContext, pkg: PackageJson, modules: readonly JsModule[]): {module: string; name: string} | undefined {
  // drizzle-orm and kysely run on any of several databases' drivers: alone they say nothing about PostgreSQL.
  const postgres = (name: string): boolean => (DATABASE_PACKAGES.has(name) && !ANY_DATABASE.has(name)) || OTHER_POSTGRES_PACKAGES.has(name)
  const deps = appDependencies(ctx.files, pkg)
  if ([...deps].some((d) => postgres(d))) return undefined
  // A workspace package it depends on that brings a PostgreSQL client (powersync-ja/powersync-service: service/ depends on
  // @powersync/service-module-postgres, which depends on the pgwire client through @powersync/service-jpgwire, and loads
  // its modules from its config, not by import): the code read is not all it runs.
  const ws = findWorkspaces(ctx.files.root ?? ctx.files, ctx.files.within && ctx.files.within !== '.' ? ctx.files.within : '')
  if (ws) {
    const using = packagesUsing(ws, new Set([...DATABASE_PACKAGES, ...OTHER_POSTGRES_PACKAGES, ...POSTGRES_DRIVERS].filter((n) => postgres(n) || POSTGRES_DRIVERS.includes(n))))
    if ([...deps].some((d) => using.has(d))) return undefined
  }

  let found: {module: string; name: string} | undefined
  for (const m of modules) {
    for (const spec of m.imports) {
      const name = packageOf(spec)
      if (postgres(name)) return undefined
      if (!found && (OTHER_DATABASE_PACKAGES.has(name) || SEARCH_ENGINE_PACKAGES.has(name))) found = {module: m.file, name}
    }
  }

  return found
}
/** Every PostgreSQL client conncalc knows, pools read or not, and the drivers the ORMs load. */
const POSTGRES_CLIENTS = new Set([...DATABASE_PACKAGES, ...OTHER_POSTGRES_PACKAGES, ...POSTGRES_DRIVERS])

/**
 * A process whose package installs no database client at all: its package.json (and the root's) lists none (no
 * PostgreSQL client, ORM or other database's driver), the code imports none, and the lock file that installs the
 * package (its own, else a workspace root's above it), which lists every package installed (a framework's own pg, a
 * workspace package's driver too), has no PostgreSQL client. Its processes cannot open a PostgreSQL connection.
 * Undefined when any of that cannot be told: no lock file (or a broken one), code read from a folder another lock file
 * installs (a sibling package with its own), or, with no code read (a build at deploy), another package of the app
 * with its own lock file that the build could bundle, or a Meteor package (.meteor/versions) that could bring a driver.
 */
function noDatabaseClient(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson, modules: readonly JsModule[]): {lock: string} | undefined {
  const client = (name: string): boolean => POSTGRES_CLIENTS.has(name) || OTHER_DATABASE_PACKAGES.has(name)
  const dir = pkg.path.includes('/') ? pkg.path.slice(0, pkg.path.lastIndexOf('/')) : ''
  const near = nearestLock(ctx.files, dir)
  if (!near) return undefined
  if ([...appDependencies(ctx.files, pkg)].some((d) => client(d))) return undefined
  if (modules.some((m) => m.imports.some((spec) => client(packageOf(spec))))) return undefined
  const folderOf = (f: string): string => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '')
  // The lock files that install what the process loads: its package's, each module's (a workspace package, a module of
  // another folder), and that of each import of the app's own code that was not read (`require('../db')` out of the
  // package, a file built at deploy). Each must be there and install no PostgreSQL client.
  const folders = new Set<string>([dir, ...modules.map((m) => folderOf(m.file))])
  const read = new Set(modules.map((m) => m.file))
  for (const m of modules) {
    for (const spec of m.imports) {
      if (!spec.startsWith('.') || read.has(project.resolve(spec, m.file) ?? '')) continue
      const target = joinPath(folderOf(m.file), spec)
      if (target.startsWith('..')) return undefined
      folders.add(folderOf(target))
    }
  }
  const locks = new Map<string, string>()
  for (const f of folders) {
    const l = nearestLock(ctx.files, f)
    if (!l) return undefined
    locks.set(l.file, l.dir)
  }

  if (modules.length === 0) {
    const others = filesUnder(ctx.files, '', (p) => /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|npm-shrinkwrap\.json)$/.test(p) && p !== near.file, {max: 1, maxDepth: 3})
    if (others.paths.length > 0) return undefined
    // Meteor's packages (https://docs.meteor.com/api/packagejs.html#PackageNpm-depends) install npm modules of their own.
    const meteor = ctx.files.read('.meteor/versions')?.text
    if (meteor && /^\S*(pg|postgres|sql|knex|sequelize|prisma)\S*@/im.test(meteor)) return undefined
  }

  for (const d of locks.values()) {
    const lock = lockedPackages(ctx.files, d)
    if (!lock || [...POSTGRES_CLIENTS].some((n) => lock.names.has(n))) return undefined
  }

  // Named as the reader shows it (from the app's root when the process runs in a subfolder).
  return {lock: lockedPackages(ctx.files, near.dir)?.file ?? near.file}
}

const PRISMA1_REF = 'https://v1.prisma.io/docs/1.34/prisma-server/'

/**
 * The files a framework's server loads the app's code from (its routes, middleware, server
 * entry), each read as an entry whose imports are followed, so a pool made in any module a
 * route imports is found wherever the app keeps it. Folders are read recursively.
 */
const ROUTES: Record<string, {dirs: string[]; files: string[]}> = {
  // https://nextjs.org/docs/app/getting-started/project-structure: app/ and pages/ routes (root or src/), middleware, instrumentation.
  next: {dirs: ['app', 'src/app', 'pages', 'src/pages'], files: ['middleware', 'src/middleware', 'instrumentation', 'src/instrumentation']},
  // https://nuxt.com/docs/guide/directory-structure/server: Nitro scans server/api, routes, middleware, plugins and utils.
  nuxt: {dirs: ['server'], files: []},
  // https://docs.astro.build/en/basics/project-structure/: src/pages (endpoints and pages), src/actions, src/middleware.
  astro: {dirs: ['src/pages', 'src/actions'], files: ['src/middleware']},
  // https://remix.run/docs/en/main/file-conventions/routes: the server build is app/entry.server, app/root and the route
  // modules under app/routes (its imports are followed); other files in app/ (seed scripts, say) are in it only if imported.
  'remix-serve': {dirs: ['app/routes'], files: ['app/entry.server', 'app/root']},
  // React Router 7 framework mode (Remix's successor), `react-router-serve ./build/server/index.js`: the build of app/ (the
  // appDirectory default, https://reactrouter.com/api/framework-conventions/react-router.config.ts): app/root, app/routes.ts and its route modules.
  'react-router-serve': {dirs: ['app'], files: []},
  // https://docs.nestjs.com/cli/usages#nest-start: runs the build of sourceRoot/entryFile, src/main by default.
  nest: {dirs: [], files: ['src/main']},
  // https://svelte.dev/docs/kit/project-structure: src/routes (+server, +page.server, +layout.server), the server hooks and instrumentation.
  sveltekit: {dirs: ['src/routes'], files: ['src/hooks.server', 'src/hooks', 'src/instrumentation.server']},
  // https://redwoodjs.com/docs/app-configuration-redwood-toml: the api side's functions and services.
  rw: {dirs: ['api/src/functions', 'api/src/services', 'api/src/graphql'], files: []},
}
ROUTES.redwood = ROUTES.rw
const MAX_ROUTE_FILES = 5000

/** The framework's route files that exist (see ROUTES); a tree larger than MAX_ROUTE_FILES is read in part, and said. */
function routeFiles(ctx: AnalyzerContext, framework: string, diagnostics: Diagnostic[], base = ''): string[] {
  const routes = ROUTES[framework]
  if (!routes) return []
  const at = (p: string): string => (base === '' ? p : `${base}/${p}`)
  const out = routes.files.flatMap((f) => ['.ts', '.js', '.mjs', '.tsx', '.jsx'].map((e) => at(f) + e)).filter((f) => ctx.files.exists(f))
  for (const dir of routes.dirs.map((d) => at(d))) {
    const found = filesUnder(ctx.files, dir, (p) => CODE.test(p) && !NOT_LOADED.test(p), {max: MAX_ROUTE_FILES - out.length})
    append(out, found.paths)
    if (found.truncated) {
      diagnostics.push({code: 'unknown-config-value', message: `${ctx.processType}: ${framework} loads more than ${MAX_ROUTE_FILES} files from ${routes.dirs.join(', ')}; conncalc followed the first ${MAX_ROUTE_FILES} for database pools`, processType: ctx.processType, severity: 'warning'})
      break
    }
  }

  return out
}

function cpus(ctx: AnalyzerContext, what: Source): Sourced<number> {
  const n = ctx.dyno?.nproc
  return n ? sourced(n.value, what, [n.source, ...(n.via ?? [])]) : sourced(8, what, [assumed('dyno CPU count unknown; 8, as on Standard dynos')])
}

function webConcurrency(ctx: AnalyzerContext, why: string): Sourced<number> {
  const wc = envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'worker processes')
  if (wc.value) return {...wc.value, via: [...(wc.value.via ?? []), assumed(`${why}; WEB_CONCURRENCY workers assumed`)]}
  return sourced(1, assumed(`${why} and WEB_CONCURRENCY is not set; 1 worker assumed`))
}

const THRONG_CALL = /^throng(\.default)?$/
const CLUSTER_FORK = /^(node:)?cluster(\.default)?\.fork$/

function processes(ctx: AnalyzerContext, modules: JsModule[], instances: ReturnType<typeof nodeEntry>['instances'], diagnostics: Diagnostic[]): Sourced<number> {
  if (instances) {
    const v = instances.value
    if (/^\d+$/.test(v) && v !== '0') return sourced(Number(v), fromFlag(instances.written))
    if (v === 'max' || v === '0' || v === '-1') return cpus(ctx, fromFlag(instances.written))
  }

  for (const m of modules) {
    for (const c of callsTo(m, THRONG_CALL)) {
      const opts = c.args.find((a) => isDict(a))
      const arg = typeof (c.args[0]?.kind === 'known' && c.args[0].value) === 'number' ? c.args[0] : (entry(opts, 'workers') ?? entry(opts, 'count'))
      if (arg) {
        const got = pyCandidate(arg, 'throng workers')
        append(diagnostics, got.diagnostics)
        if (got.value) return got.value
        // The app does set a count, only not one conncalc can read: by Heroku's convention, WEB_CONCURRENCY.
        return webConcurrency(ctx, `the throng worker count at ${m.file}:${c.line} cannot be read`)
      }

      return cpus(ctx, fromDefault('throng default workers: the CPU count (os.cpus().length)', THRONG))
    }
  }

  // The cluster module held in a field (Cameri/nostream src/app/app.ts: `constructor(…, private readonly cluster: Cluster, …)`,
  // given `cluster` by the entry that imports it, then `this.cluster.fork(env)` in a loop): a fork too, when a module the
  // process loads imports node:cluster (a type-only import of Cluster leaves no import behind).
  const held = /(?:^|\.)_?cluster\.fork$/i
  const clusterUsed = modules.some((m) => m.imports.some((i) => i === 'cluster' || i === 'node:cluster'))
  const forks = modules.flatMap((m) => [...callsTo(m, CLUSTER_FORK), ...(clusterUsed ? callsTo(m, held).filter((c) => !CLUSTER_FORK.test(c.callee)) : [])].map((c) => ({c, m})))
  // A fork under a branch that does not run with this env (`if (workerCount)` with CLUSTER_WORKER_COUNT unset, as the
  // pools' guards are read: js.ts branch()) makes no worker: the process serves alone. Said, naming the variables.
  const fork = forks.filter(({c}) => !c.guards?.some((g) => g.kind === 'skipped'))
  if (fork.length === 0 && forks.length > 0) {
    const {c, m} = forks[0]
    const skipped = c.guards!.find((g) => g.kind === 'skipped')!
    const vars = skipped.missing ?? []
    const cond = `\`${skipped.test}\` (${skipped.file}:${skipped.line}) ${skipped.arm === 'else' ? 'does not hold' : 'holds'}`
    diagnostics.push({
      code: 'unresolved-env',
      file: m.file,
      fix: `if the app runs with ${vars.join(' and ')} set, give ${vars.length === 1 ? 'it' : 'them'} (\`--env ${vars[0]}=…\` or an env file)`,
      line: c.line,
      message: `${ctx.processType}: cluster.fork() here runs only when ${cond}; ${vars.join(', ')} ${vars.length === 1 ? 'has' : 'have'} no value, so the process forks no workers`,
      processType: ctx.processType,
      severity: 'warning',
    })
    return sourced(1, fromFile(m.file, c.line), [fromDefault(`cluster.fork() runs only when ${cond}, and ${vars.join(', ')} ${vars.length === 1 ? 'has' : 'have'} no value: no workers, one process`, 'https://nodejs.org/api/cluster.html')])
  }

  if (fork.length > 0) {
    const wc = envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'cluster workers')
    const where = `${fork[0].m.file}:${fork[0].c.line}`
    if (wc.value) return {...wc.value, via: [...(wc.value.via ?? []), assumed(`cluster.fork() at ${where} runs in a loop conncalc does not evaluate; WEB_CONCURRENCY workers assumed`)]}
    return cpus(ctx, assumed(`cluster.fork() at ${where} runs in a loop conncalc does not evaluate; one worker per CPU assumed`))
  }

  return sourced(1, fromDefault('Node runs one process per dyno unless the app forks (cluster, throng)', 'https://devcenter.heroku.com/articles/node-concurrency'))
}

/** The pools one set of processes opens, from the modules reachable from its entries, with the Prisma CPU warning. */
async function poolsOf(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, entries: string[], framework: string | undefined, diagnostics: Diagnostic[], args?: string[]): Promise<{extras: Extra[]; modules: JsModule[]; otherServerPools: PoolEntry[]; pools: PoolEntry[]; threads: Sourced<number>}> {
  const modules = await project.walk(entries)
  const at = `${ctx.origin?.file ?? 'Procfile'}:${ctx.origin?.line ?? 1}`
  // A variable of the command line with no value here (`node cli.js $JOB_KIND`): its words are not known.
  const unset = ctx.command.raw.includes('$') ? splitCommand(ctx.command.raw, ctx.env, {file: ctx.origin?.file ?? 'Procfile', line: ctx.origin?.line ?? 1}).unresolved : []
  const found = await nodePools(ctx, project, pkg, modules, framework, {...(args ? {args} : {}), at, ...(unset.length > 0 ? {unset} : {})})
  // Which server each pool is counted on (model/other-server.ts), before the pools decide the queries at once.
  const placed = placeUnknownServers(found.pools, found.otherServerPools, (v) => ctx.sameServer?.get(v) ?? sameServerEvidence(ctx.files, v))
  const pools = {...found, otherServerPools: placed.otherServerPools, pools: placed.pools ?? []}
  append(diagnostics, pools.diagnostics)
  for (const p of pools.pools) {
    if (p.database.startsWith('prisma') && !p.database.includes('adapter')) {
      append(diagnostics, cpuCountWarning(ctx, p.pool, 'Prisma connection_limit', 'add ?connection_limit=N to DATABASE_URL (or the datasource url)'))
    }
  }

  const total = pools.pools.reduce((a, p) => a + p.pool.value, 0)
  // Every database the code opens is another kind (a Prisma schema whose provider is sqlite): no PostgreSQL connection at all.
  const elsewhere = pools.pools.length === 0 && pools.otherServerPools.length > 0 && pools.otherServerPools.every((p) => p.server.endsWith(NOT_POSTGRES))
  // Prisma 1 (prisma-client-lib, prisma-binding) sends GraphQL over HTTP to a Prisma server deployed on its own, which holds the connections.
  const prisma1 = pools.pools.length === 0 && pools.otherServerPools.length === 0 && pkg ? PRISMA1.find((d) => Object.hasOwn(pkg.dependencies, d)) : undefined
  const other = pools.pools.length === 0 && pools.otherServerPools.length === 0 && !prisma1 && pkg ? onlyOtherDatabases(ctx, pkg, modules) : undefined
  const none = pools.pools.length === 0 && pools.otherServerPools.length === 0 && !prisma1 && !other && pkg ? noDatabaseClient(ctx, project, pkg, modules) : undefined
  if (none && pkg) {
    // Said in the plain output too, as the other not-postgresql findings are (one line for the app: merged across types).
    diagnostics.push(notPostgresql({file: pkg.path, line: 1}, `${pkg.path} lists no database client and ${none.lock} installs no PostgreSQL client: nothing ${pkg.path === 'package.json' ? 'the app' : `the package at ${pkg.path}`} runs can open a PostgreSQL connection; its processes are counted with 0 PostgreSQL connections`, 'if the app does use PostgreSQL, add its client (pg) to package.json; otherwise nothing to do', ctx.processType))
  }
  const threads =
    prisma1 && pkg
      ? sourced(0, fromFile(pkg.path, pkg.lineOf(['dependencies', prisma1]) || pkg.lineOf(['devDependencies', prisma1])), [fromDefault(`${prisma1} is a Prisma 1 client: it queries the Prisma server (prisma.yml endpoint) over HTTP, and that server, not this process, holds the PostgreSQL connections`, PRISMA1_REF)])
      : pools.pools.length > 0
      ? sourced(total, fromDefault("Node's event loop can have every pooled connection checked out at once", 'https://node-postgres.com/apis/pool'), derivedFrom(pools.pools.map((p) => p.pool)))
      : elsewhere
        ? sourced(0, pools.otherServerPools[0].pool.via?.find((v) => v.kind === 'file') ?? pools.otherServerPools[0].pool.source, [fromDefault(`the only database this process opens is not PostgreSQL (${[...new Set(pools.otherServerPools.map((p) => p.server))].join('; ')}): it holds no connection on the plan`, whyNotPostgres(pools.otherServerPools[0]))])
        : other
          ? sourced(0, fromFile(other.module, 1), [fromDefault(`the code imports ${other.name}, and ${pkg!.path === 'package.json' ? 'package.json lists' : `${pkg!.path} and the root package.json list`} no PostgreSQL client (pg, postgres, knex, Prisma, Sequelize, TypeORM, …): this process holds no connection on the plan`, 'https://docs.npmjs.com/cli/configuring-npm/package-json#dependencies')])
          : none
            ? sourced(0, fromFile(pkg!.path, 1), [fromDefault(`${pkg!.path} lists no database client (pg, postgres, knex, Prisma, Sequelize, TypeORM, …, nor another database's), the code imports none, and ${none.lock} installs no PostgreSQL client: this process holds no connection on the plan`, 'https://docs.npmjs.com/cli/configuring-npm/package-lock-json')])
            : pools.noClient
              ? sourced(0, fromFile(pools.noClient.entry, 1), [fromDefault(noClientWhy(pools.noClient), NODE_RESOLUTION)])
              : pools.pools.length === 0 && pools.otherServerPools.length === 0 && pools.http && pools.http.length > 0
                ? sourced(0, fromFile(pools.http[0].file, pools.http[0].line), [fromDefault(`the only database client this process makes is ${pools.http[0].what}, which sends each query as one HTTP request: it holds no PostgreSQL connection`, NEON_HTTP_REF)])
                : pools.pools.length === 0 && pools.otherServerPools.length === 0 && pools.notOpened
                  ? sourced(0, fromFile(pools.notOpened[0].file, pools.notOpened[0].line), [fromDefault(`every pool the code makes is made only by code this process does not run (${pools.notOpened.map((n) => n.why).join('; ')}): it holds no connection`, POOL_REF)])
                  : sourced(1, assumed('no database pool found in package.json or the code; one connection per process assumed'))
  return {extras: pools.extras, modules, otherServerPools: pools.otherServerPools, pools: pools.pools, threads: workerThreads(ctx, modules, threads, diagnostics)}
}

const POOL_REF = 'https://node-postgres.com/apis/pool'
// "npm run-script <command>": runs a command from the package's "scripts" object; npm errors "Missing script" when it is not there.
const NPM_RUN_SCRIPT = 'https://docs.npmjs.com/cli/commands/npm-run-script'
const NEON_HTTP_REF = 'https://github.com/neondatabase/serverless#sending-queries-over-http'

/**
 * What a deploy hook's script holds at once (at-once.ts): one connection of each pool when it awaits its queries in
 * turn, min(N, pool) for one `Promise.all` over N listed calls, else the pools' size, as an assumption that names why.
 */
function heldAtOnce(project: NodeProject, entry: string, got: {modules: JsModule[]; pools: PoolEntry[]; threads: Sourced<number>}): Sourced<number> {
  const main = got.modules.find((m) => m.file === entry || m.file.endsWith(`/${entry}`))
  const ordered = main ? [main, ...got.modules.filter((m) => m !== main)] : got.modules
  const found = atOnce(ordered.map((m) => {
    const parsed = project.parsedOf(m)
    return {file: m.file, imports: m.imports, program: parsed?.program, text: parsed?.text ?? ''}
  }))
  const read = `${got.modules.length} module${got.modules.length === 1 ? '' : 's'} of the app read`
  const via = derivedFrom(got.pools.map((p) => p.pool))
  if (found.kind === 'unknown') return sourced(got.threads.value, assumed(`a deploy hook's script holds what it runs at once, and conncalc cannot tell how much that is: ${found.why}; every pooled connection counted`), via)
  if (found.kind === 'listed') {
    const n = got.pools.reduce((a, p) => a + Math.min(found.n, p.pool.value), 0)
    return sourced(n, fromDefault(`the script runs its queries in turn but for one Promise.all over ${found.n} calls (${found.at}; ${read}): at most ${found.n} connection${found.n === 1 ? '' : 's'} of each pool at once`, POOL_REF), via)
  }

  const n = got.pools.length
  return sourced(n, fromDefault(`the script awaits its queries one after another (${read}; no Promise.all, no call left running): a pool hands its idle connection to the next query, so it holds 1 connection of ${n === 1 ? 'its pool' : `each of its ${n} pools`} at a time`, POOL_REF), via)
}

/** Why a process whose import graph reaches no client holds no connection (NodePools.noClient). */
function noClientWhy(n: {entry: string; lock?: string; packages: string[]; read: number}): string {
  const pkgs = n.packages.length === 0 ? 'imports only Node built-ins' : `imports ${n.packages.length <= 3 ? n.packages.join(', ') : `${n.packages.slice(0, 3).join(', ')} and ${n.packages.length - 3} more`}, which ${n.lock} shows depend${n.packages.length === 1 ? 's' : ''} on no PostgreSQL client, directly or through ${n.packages.length === 1 ? 'its' : 'their'} dependencies`
  return `every module ${n.entry} loads was read (${n.read}), none imports a database client, and the code ${pkgs}: this process opens no PostgreSQL connection`
}

const WORKER_THREAD = /^(node:)?worker_threads(\.default)?\.Worker$/

/**
 * `new Worker(file)` from worker_threads: each thread loads its own copy of the modules it imports
 * (https://nodejs.org/api/worker_threads.html#class-worker: a worker runs in its own V8 isolate, with
 * its own module instances), so a pool its modules make is made again per thread. How many threads
 * run at once is the app's code: said, and the process's connections starred, not counted per thread.
 */
function workerThreads(ctx: AnalyzerContext, modules: JsModule[], threads: Sourced<number>, diagnostics: Diagnostic[]): Sourced<number> {
  const starts = modules.flatMap((m) => callsTo(m, WORKER_THREAD).filter((c) => c.isNew).map((c) => `${m.file}:${c.line}`))
  if (starts.length === 0 || threads.value === 0) return threads
  const where = `new Worker() at ${starts.slice(0, 3).join(', ')}${starts.length > 3 ? `, ${starts.length - 3} more` : ''}`
  diagnostics.push({
    code: 'unknown-command',
    file: ctx.origin?.file,
    fix: `if each worker thread opens the app's pools, say how many run at once: --assume ${ctx.processType}=PROCESSES:THREADS`,
    line: ctx.origin?.line,
    message: `${ctx.processType}: the code starts worker threads (${where}); each thread loads its own modules, so a pool they make is made again in every thread, and conncalc does not count how many run at once: this process's pools are counted once`,
    processType: ctx.processType,
    severity: 'warning',
  })
  return {...threads, via: [...(threads.via ?? []), assumed(`the code starts worker threads (${where}), each with its own copy of the modules' pools; counted once`)]}
}

/**
 * The Node programs the process's code starts as child processes of its own (`spawn('node', [path.resolve(__dirname,
 * '../worker.js')])`, `fork('jobs.js')`): each is another Node process with its own modules and pools, running beside
 * this one in the dyno (https://nodejs.org/api/child_process.html#child_processforkmodulepath-args-options: "each
 * process has its own memory, with their own V8 instances"). The file is looked for as written, then as its TypeScript
 * source (`.js` built from `.ts`); one conncalc cannot find or read is said, not counted. The process's own entry file
 * (a self-fork, as cluster does) is left to the process count, and one started inside a `new Promise(…)` the code waits
 * on (a start-up check that exits) is said, not counted.
 */
function childPrograms(ctx: AnalyzerContext, modules: readonly JsModule[], entries: readonly string[], diagnostics: Diagnostic[]): NonNullable<ServerAnalysis['children']> {
  const out: NonNullable<ServerAnalysis['children']> = []
  const seen = new Set<string>()
  for (const m of modules) {
    for (const c of m.calls) {
      if (!c.script || c.guards?.some((g) => g.kind === 'skipped')) continue
      const where = `${m.file}:${c.line}`
      const say = (why: string): void => {
        diagnostics.push({code: 'unknown-command', file: m.file, fix: `if it opens database connections, count it with --assume ${ctx.processType}=PROCESSES:THREADS:POOL`, line: c.line, message: `${ctx.processType}: the code starts a child Node process here (${c.callee}), ${why}: its connections are not counted`, processType: ctx.processType, severity: 'warning'})
      }

      if (c.script.waited) {
        // Started in a `new Promise(…)` executor: the code waits for it to exit (a start-up check, a job run), not a process beside.
        diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `${ctx.processType}: the code starts a child Node process here (${c.callee}) inside a \`new Promise(…)\` it waits on: a run that ends (a start-up check, a job), not counted as a process beside it`, processType: ctx.processType, severity: 'info'})
        continue
      }

      if ('unread' in c.script) {
        say(c.script.unread)
        continue
      }

      if (c.script.path.startsWith('/')) {
        say(`running ${c.script.path}, an absolute path`)
        continue
      }

      // Module files are named from the app root; ctx.files may be a package's folder (`within`).
      const within = ctx.files.within ? `${ctx.files.within}/` : ''
      const local = within && m.file.startsWith(within) ? m.file.slice(within.length) : m.file
      const dir = local.includes('/') ? local.slice(0, local.lastIndexOf('/')) : ''
      const path = joinPath(c.script.from === 'module' ? dir : '', c.script.path)
      if (path.startsWith('../') || path === '..') {
        say(`running ${c.script.path}, outside the app`)
        continue
      }

      const stem = path.replace(/\.(?:[cm]?js)$/, '')
      const file = [path, ...['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'].map((x) => `${stem}${x}`)].find((f) => ctx.files.exists(f))
      if (file === undefined) {
        say(`running ${path}, which is not in the app`)
        continue
      }

      if (entries.includes(file) || seen.has(`${file} ${where}`)) continue
      seen.add(`${file} ${where}`)
      out.push({command: `node ${within}${file}`, file: m.file, how: `${c.callee}() at ${where} (a child process of its own)`, line: c.line})
    }
  }

  return out
}

/** Where a process's code starts: the file (its source when the file is built at deploy, said in the chain), or the framework's usual client modules. */
function entriesOf(ctx: AnalyzerContext, project: NodeProject, found: NodeEntry, pkg: PackageJson | undefined, diagnostics: Diagnostic[], fallback: boolean): string[] {
  // `node .next/standalone/server.js`: a framework's server built at deploy runs the app's routes; read as that framework.
  const output = found.file && !found.framework ? frameworkOutput(ctx.files, found.file, pkg, () => sourceOf(ctx, found.file!, pkg) !== undefined) : undefined
  if (output) {
    found.chain.push(output.how)
    found.file = undefined
    found.framework = output.framework
  }

  const source = found.file ? sourceOf(ctx, found.file, pkg) : undefined
  const exitsAtStart = found.file !== undefined && !source && !deployMayWrite(ctx.files, pkg, found.file)
  if (exitsAtStart) {
    // Not in the app and nothing at build time writes it: `node` stops with MODULE_NOT_FOUND before any code runs.
    const what = `${found.file} is not in the app, and no build step writes it (${pkg ? `${pkg.path} runs no build script that could` : 'there is no package.json'}, no Dockerfile, not kept out of git by a .gitignore)`
    diagnostics.push({
      code: 'missing-config',
      file: ctx.origin?.file,
      fix: `fix the path in the command, or add the file; if the deploy does make it, ignore this (conncalc counts the process as if it runs)`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: ${what}: Node stops with "Cannot find module" (MODULE_NOT_FOUND) and the process exits at start; conncalc counts it as if it ran`,
      processType: ctx.processType,
      severity: 'warning',
    })
    found.chain.push(assumed(`${what}: the process would exit at start; counted as if the file were there`))
  } else if (found.file && !source) {
    diagnostics.push({
      code: 'unknown-config-value',
      message: `${ctx.processType}: ${found.file} is not in the app (built at deploy?) and neither a build script (babel -d, swc -d, tsc, a bundler, a copy) nor a tsconfig outDir maps it back to a source file, so conncalc could not follow it; pools come from ${fallback ? "the package's main or usual entry file if it has one, else " : ''}package.json dependencies`,
      processType: ctx.processType,
      severity: 'info',
    })
  }

  if (source?.how) found.chain.push(source.how)
  // A copy (`cp server/main.js build/server/main.js`) runs from the folder it is copied to: its relative imports are resolved there.
  if (source?.runsAt) project.runsAt(source.file, source.runsAt)
  // The graphile-worker CLI loads its task files (taskDirectory `tasks/`, .js/.cjs/.mjs; graphile/worker src/config.ts), not the app's main.
  if (found.framework === 'graphile-worker') return ctx.files.list('tasks').filter((f) => /\.[cm]?js$/.test(f)).map((f) => `tasks/${f}`)
  // A file that cannot be there is no reason to read another: what the process would run is not in the app.
  const guess = fallback && !exitsAtStart && !source ? ((pkg?.main && sourceOf(ctx, pkg.main, pkg)?.file) ?? ['server.js', 'index.js', 'src/index.ts', 'src/server.ts', 'app.js'].find((f) => ctx.files.exists(f))) : undefined
  // The built file is not followed: the package's main (or the usual entry) is read in its place, and that is an assumption.
  if (found.file && guess) found.chain.push(assumed(`${found.file} is not in the app and conncalc could not map it back to a source; it read ${guess}, the package's ${pkg?.main ? 'main' : 'usual entry file'}, in its place`))
  const main = source?.file ?? guess
  const framework = found.framework ? [...CLIENT_MODULES.filter((f) => ctx.files.exists(f)), ...routeFiles(ctx, found.framework, diagnostics)] : []
  return [...new Set([main, ...framework].filter((f): f is string => Boolean(f)))]
}

/**
 * lib/Common.js prepareAppConf: `if (app.cwd) cwd = path.resolve(app.cwd)`, `app.pm_exec_path = path.resolve(cwd, app.script)`
 * (a script not there, such as `node`, is looked up on PATH: `which(app.script)`), and the process starts in it (`pm_cwd`),
 * so a `node` script's args are read from there too.
 */
const PM2_CWD = 'https://github.com/Unitech/pm2/blob/master/lib/Common.js'

/**
 * pm2-runtime with an ecosystem file: the first app is the process type's own processes
 * and pools; every other app's processes × its own pools are connections per dyno beside them.
 */
async function ecosystemAnalysis(ctx: AnalyzerContext, project: NodeProject, pkg: PackageJson | undefined, file: string, pm2: Pm2Apps, diagnostics: Diagnostic[]): Promise<ServerAnalysis> {
  const units: {app: Pm2Apps['apps'][number]; entries: string[]; extras: Extra[]; found: NodeEntry; modules: JsModule[]; otherServerPools: PoolEntry[]; pools: PoolEntry[]; procs: Sourced<number>; threads: Sourced<number>}[] = []
  for (const app of pm2.apps) {
    const script = app.script?.replace(/^\.\//, '')
    // `cwd: 'apps/api'`: pm2 starts the app in that folder and resolves its script from there (PM2_CWD); a folder with
    // a package.json of its own is read as that package, with its dependencies, build scripts and tsconfig.
    const dir = app.cwd === undefined ? '' : appPath(app.cwd).replace(/\/+$/, '')
    const inDir = dir !== '' && dir !== '.' && !dir.startsWith('/') && !dir.split('/').includes('..') && !dir.includes('$') ? dir : undefined
    const inner = inDir && ctx.files.exists(`${inDir}/package.json`) ? readPackageJson(withinDir(ctx.files, inDir)) : undefined
    const uctx = inner?.pkg ? {...ctx, files: withinDir(ctx.files, inDir!)} : ctx
    const upkg = inner?.pkg ?? pkg
    const uproject = inner?.pkg ? new NodeProject(uctx, ctx.env.get('NODE_PATH')?.value) : project
    if (inner?.pkg) await prepareBundles(uctx.files, upkg, ctx.env)
    const prefix = (f: string | undefined): string | undefined => (f === undefined || inner?.pkg || !inDir || f.startsWith('/') ? f : `${inDir}/${f}`)
    // `script: 'npm', args: 'start'` runs through package.json like a Procfile command would.
    const argv = script ? [script, ...(app.args ?? [])] : []
    const run: NodeEntry = script && NODE_PROGRAMS.has(programName(script)) && !/\.[cm]?[jt]s$/.test(script) ? nodeEntry(uctx, upkg, argv) : {chain: [], file: script}
    const found: NodeEntry = {...run, file: prefix(run.file)}
    const counted = app.instances === 'per-cpu' ? cpus(ctx, fromDefault('pm2 `instances: "max"` (or 0, -1): one process per CPU', 'https://pm2.keymetrics.io/docs/usage/cluster-mode/')) : app.instances
    append(diagnostics, cpuCountWarning(ctx, counted, 'pm2 instances', 'set `instances` from WEB_CONCURRENCY (the Node buildpack sizes it by dyno memory)'))
    const started = inDir ? fromDefault(`pm2 starts the app in its cwd, ${inDir}/${inner?.pkg ? ` (the package ${inner.pkg.path})` : ''}, and runs its script from there`, PM2_CWD) : undefined
    const procs = started ? {...counted, via: [...(counted.via ?? []), started]} : counted
    const entries = entriesOf(uctx, uproject, found, upkg, diagnostics, false)
    const got = await poolsOf(uctx, uproject, upkg, entries, found.framework, diagnostics)
    if (uproject !== project) append(diagnostics, uproject.diagnostics)
    units.push({app, entries, found, procs, ...got})
  }

  const [first, ...others] = units
  // Pools found in code carry their file ("pg lib/db.js:4"); a bare library name is package.json's default.
  const fromCode = (u: {pools: PoolEntry[]}): boolean => u.pools.some((p) => p.database.includes(' '))
  const codeRead = units.some((u) => fromCode(u))
  const extrasPerDyno: Extra[] = others.map((u) => {
    const label = `pm2 app ${u.app.name ? `"${u.app.name}" ` : ''}(${u.app.script ?? 'no script'}) in ${file}:${u.app.line}`
    if (codeRead && !fromCode(u) && u.entries.length > 0) {
      // The other apps' pools were found in their code; this app's code (read) creates none.
      return {count: sourced(0, fromFile(file, u.app.line), [assumed(`${u.entries[0]} was read and creates no database pool`)]), kind: 'pm2-app', reason: `${label}: no database pool in its code`}
    }
    const count = sourced(u.procs.value * u.threads.value, fromFile(file, u.app.line), [u.procs.source, ...(u.procs.via ?? []), u.threads.source, ...(u.threads.via ?? [])])
    return {count, kind: 'pm2-app', reason: `${label}: ${u.procs.value} instance(s) × ${u.threads.value} connection(s) from its own pools`}
  })
  return {
    diagnostics,
    eventLoop: true,
    extrasPerDyno,
    extrasPerProcess: first.extras,
    language: 'node',
    otherServerPools: first.otherServerPools,
    pools: first.pools,
    processesPerDyno: first.procs,
    server: first.found.framework ?? 'pm2',
    threadsPerProcess: first.threads,
  }
}

export const node: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const root = readPackageJson(ctx.files)
    const entry = nodeEntry(ctx, root.pkg)
    // `cd packages/api/dist && node index.js` into a folder the build makes (one of the repo moves the reading of the files
    // instead: procfile/script.ts): the file is packages/api/dist/index.js, as in a package.json script (entry.ts).
    const cd = (ctx.command.preCommands ?? []).filter((c) => c[0] === 'cd' && c[1] !== undefined).map((c) => appPath(c[1]))
    const rootFound = entry.file && cd.length > 0 && cd.every((d) => !d.startsWith('/') && !d.startsWith('..') && !d.includes('$')) ? {...entry, file: [...cd, entry.file].join('/').replaceAll(/\/+/g, '/')} : entry
    // `node apps/backend/dist/web.js`: a file inside a package of its own is run with that package's
    // dependencies (Node resolves `require('knex')` from the file's folder upwards) and built by its scripts.
    const file = rootFound.file
    const own = file ? ownPackageDir(ctx.files, file) : undefined
    if (file && own !== undefined) {
      const files = withinDir(ctx.files, own)
      const inner = readPackageJson(files)
      if (inner.pkg) {
        const chain = [...rootFound.chain, fromDefault(`${file} lies in the package ${own}/ (${inner.pkg.path}): its dependencies and build scripts are the ones that apply`, NODE_RESOLUTION)]
        return analyzeFrom({...ctx, files}, inner, {...rootFound, chain, file: file.slice(own.length + 1)})
      }
    }

    return analyzeFrom(ctx, root, rootFound)
  },
  id: 'node',
  matches: isNode,
}

/** A module's `next(…)` call that starts Next.js (only when it imports the `next` package: Express's `next()` callback is a call named next too). */
function nextServerCall(m: JsModule): JsCall | undefined {
  return m.imports.includes('next') ? m.calls.find((c) => /^next(\.default)?$/.test(c.callee) && !c.isNew) : undefined
}

/** The deepest folder below the app root, on the way to `file`, that has a package.json of its own. */
function ownPackageDir(files: FileReader, file: string): string | undefined {
  const parts = file.split('/').slice(0, -1)
  if (parts.some((p) => p === '..' || p === '' || p === 'node_modules' || p.includes('$'))) return undefined
  for (let n = parts.length; n > 0; n--) {
    const dir = parts.slice(0, n).join('/')
    if (files.exists(`${dir}/package.json`)) return dir
  }

  return undefined
}

/** A process run from `found` with the package.json `read` (the app's, or the package the entry file lies in). */
async function analyzeFrom(processCtx: AnalyzerContext, read: {diagnostics: Diagnostic[]; pkg?: PackageJson}, found: NodeEntry, envFilesRead = false): Promise<ServerAnalysis> {
  const given = {...found, chain: [...found.chain]}
  // What the package.json scripts set on the way (`"worker": "IS_WORKER=true node dist/main"`) is in the process's env, over the app's.
  const ctx = found.env && found.env.length > 0 ? {...processCtx, env: processCtx.env.with(layer('package.json scripts', found.env))} : processCtx
  const pkg = read.pkg
  const diagnostics: Diagnostic[] = [...read.diagnostics]
  // NODE_PATH from the command that runs the file (a package.json script's `NODE_PATH=… node x`), else the process's env.
  const project = new NodeProject(ctx, found.nodePath?.value ?? ctx.env.get('NODE_PATH')?.value)
  // What the package's bundlers and copies write at build time (bundlers.ts), read before any built file is mapped back.
  await prepareBundles(ctx.files, pkg, ctx.env)
  const withChain = (procs: Sourced<number>): Sourced<number> => (found.chain.length > 0 ? {...procs, via: [...(procs.via ?? []), ...found.chain]} : procs)
  if (found.file && isEcosystemFile(found.file) && ctx.files.exists(found.file)) {
    const pm2 = await pm2Apps(project, ctx.files, found.file)
    append(diagnostics, pm2.diagnostics)
    if (pm2.apps.length > 0) {
      const a = await ecosystemAnalysis(ctx, project, pkg, found.file, pm2, diagnostics)
      append(diagnostics, project.diagnostics)
      return {...a, processesPerDyno: withChain(a.processesPerDyno)}
    }
  }

  const missing = found.missingScript
  if (missing?.exits) {
    // npm looks the name up in package.json's scripts only and exits non-zero when it is not there: nothing of the app starts.
    const why = `\`${missing.manager} ${missing.name === 'test' ? 'test' : `run ${missing.name}`}\`: ${missing.path ?? 'package.json'} has no "${missing.name}" script, so npm stops with "Missing script" and the process exits at start, opening no connection`
    diagnostics.push({code: 'missing-config', file: ctx.origin?.file, fix: `add the "${missing.name}" script to ${missing.path ?? 'package.json'}, or fix the command; conncalc counts the process as it would run: not at all`, line: ctx.origin?.line, message: `${ctx.processType}: ${why}`, processType: ctx.processType, severity: 'warning'})
    return {diagnostics, eventLoop: true, language: 'none', pools: [], processesPerDyno: withChain(sourced(1, fromDefault('Node runs one process per dyno unless the app forks (cluster, throng)', 'https://devcenter.heroku.com/articles/node-concurrency'))), server: 'node', threadsPerProcess: sourced(0, fromFile(missing.path ?? 'package.json', 1), [fromDefault(why, NPM_RUN_SCRIPT)])}
  }

  if (found.staticServer) {
    const {program, ref, what} = found.staticServer
    return {diagnostics, eventLoop: true, language: 'none', pools: [], processesPerDyno: withChain(sourced(1, fromDefault(`${what}: one process`, ref))), server: program, threadsPerProcess: sourced(0, fromDefault(`${what}; it loads none of the app's code and opens no PostgreSQL connection`, ref))}
  }

  // A name that is not a script, run as a binary conncalc cannot see (`yarn jobs`): no file of the app is known to run.
  if (missing) found.chain.push(assumed(`${missing.path ?? 'package.json'} has no "${missing.name}" script; ${missing.manager} then runs a binary of that name if a dependency installs one (else it exits), which conncalc cannot see`))
  const entries = missing ? [] : entriesOf(ctx, project, found, pkg, diagnostics, true)
  // A custom Next.js server (`const app = next({dev})`, then `app.getRequestHandler()`): Next loads the app's routes as `next start` does.
  // Only when the file imports the `next` package: Express middleware's `next()` callback is a call named next too.
  // `next({dir: './client'})`: the Next.js project is that folder (from the process's working directory, the app root).
  const nextRoutes = (file: string, custom: JsCall): void => {
    const dir = asString(entry(custom.args[0], 'dir'))
    const base = dir === undefined ? '' : dir.replace(/^\.\/?/, '').replace(/\/+$/, '')
    const inside = base === '' ? '' : ` from its \`dir\` ${base}/`
    found.chain.push(fromDefault(`${file}:${custom.line} starts Next.js in a custom server, which loads the app's pages and routes${inside} as \`next start\` does`, 'https://nextjs.org/docs/pages/guides/custom-server'))
    const clients = CLIENT_MODULES.map((f) => (base === '' ? f : `${base}/${f}`))
    for (const f of [...clients.filter((f) => ctx.files.exists(f)), ...routeFiles(ctx, 'next', diagnostics, base)]) if (!entries.includes(f)) entries.push(f)
  }

  let custom = false
  if (!found.framework && entries[0] !== undefined) {
    const main = await project.load(entries[0])
    const call = main ? nextServerCall(main) : undefined
    if (call) {
      custom = true
      nextRoutes(entries[0], call)
    } else if (main?.imports.includes('@react-router/express')) {
      // React Router 7's Express adapter: createRequestHandler({build}) serves the build of app/, as react-router-serve does.
      found.chain.push(fromDefault(`${entries[0]} serves the React Router build with @react-router/express, which loads the app's app/ routes as react-router-serve does`, 'https://reactrouter.com/api/other-api/adapter'))
      for (const f of routeFiles(ctx, 'react-router-serve', diagnostics)) if (!entries.includes(f)) entries.push(f)
    } else if (main?.imports.some((m) => m === 'react-router-hono-server' || m.startsWith('react-router-hono-server/'))) {
      // react-router-hono-server's createHonoServer serves the React Router (or Remix) Vite build, whose server bundle is
      // app/'s entry.server, root and routes (its README: build/server/index.js is that build, the server file its part).
      found.chain.push(fromDefault(`${entries[0]} serves the React Router build with react-router-hono-server, which loads the app's app/ routes and entry.server as react-router-serve does`, 'https://github.com/rphlmr/react-router-hono-server#readme'))
      const remix = pkg !== undefined && ['@remix-run/dev', '@remix-run/node'].some((d) => appDependencies(ctx.files, pkg).has(d))
      for (const f of routeFiles(ctx, remix ? 'remix-serve' : 'react-router-serve', diagnostics)) if (!entries.includes(f)) entries.push(f)
    } else if (main?.imports.includes('@remix-run/express')) {
      // A custom Express server for Remix: createRequestHandler({build}) serves the Remix build, which is app/'s routes, as remix-serve does.
      found.chain.push(fromDefault(`${entries[0]} serves the Remix build with @remix-run/express, which loads the app's app/ routes as remix-serve does`, 'https://remix.run/docs/en/main/other-api/adapter'))
      for (const f of routeFiles(ctx, 'remix-serve', diagnostics)) if (!entries.includes(f)) entries.push(f)
    }
  }

  let got = await poolsOf(ctx, project, pkg, entries, found.framework, diagnostics, found.framework ? undefined : found.args)
  // The custom server started in a module the entry loads, not in the entry (a Fastify plugin's `next(options)`: diced/zipline's
  // src/server/plugins/next.ts): its routes are read too, and the pools found again with them.
  const inner = !found.framework && !custom && entries[0] !== undefined ? got.modules.find((m) => m.file !== entries[0] && nextServerCall(m)) : undefined
  if (inner) {
    const before = entries.length
    nextRoutes(inner.file, nextServerCall(inner)!)
    if (entries.length > before) got = await poolsOf(ctx, project, pkg, entries, found.framework, diagnostics, found.args)
  }

  // Env files the process loads (dotenv, --env-file): when one gives a variable the env does not, the process is read again with it.
  const loads = dotenvLoads(ctx.files, got.modules, found.envFiles ?? [], diagnostics, (m) => project.parsedOf(m))
  if (!envFilesRead) {
    const env = withEnvFiles(processCtx.env, loads)
    if (loads.some((l) => l.entries.some((e) => env.get(e.name) !== processCtx.env.get(e.name)))) return analyzeFrom({...processCtx, env}, read, given, true)
  }

  const procs = processes(ctx, got.modules, found.instances, diagnostics)
  const children = ctx.deployHook ? [] : childPrograms(ctx, got.modules, entries, diagnostics)
  // A script that only hands its pool to a library migrator: run as a deploy hook, it holds the migrator's one connection (migrators.ts).
  const migrator = entries.length === 1 && got.threads.value > 0 ? migratorOnly(got.modules.find((m) => m.file === entries[0])) : undefined
  // A deploy hook runs the script and finishes: it holds what its code runs at once, not what a server's requests could.
  // The file the process runs calls process.exit() at its top level before making any pool: it stops at start.
  const main = entries.length === 1 && !found.framework ? got.modules.find((m) => m.file === entries[0] || m.file.endsWith(`/${entries[0]}`)) : undefined
  const stops = main?.stopsAt !== undefined && got.pools.length === 0 ? sourced(0, fromFile(main.file, main.stopsAt), [fromDefault(`${main.file}:${main.stopsAt} calls process.exit() at its top level, under no condition: the process stops there, before any pool is made, and holds no connection`, 'https://nodejs.org/api/process.html#processexitcode')]) : undefined
  const threads = stops ?? (!migrator && !found.framework && ctx.deployHook && entries.length === 1 && got.pools.length > 0 && got.threads.value > 0 ? heldAtOnce(project, entries[0], got) : got.threads)
  append(diagnostics, cpuCountWarning(ctx, procs, 'Node worker processes', 'set the worker count from WEB_CONCURRENCY (the Node buildpack sizes it by dyno memory)'))
  append(diagnostics, project.diagnostics)
  return {
    diagnostics,
    eventLoop: true,
    extrasPerProcess: got.extras,
    // 'none' with 0 threads: no PostgreSQL connection by this finding (app/analyze-app.ts keeps the 0).
    language: threads.value === 0 ? 'none' : 'node',
    otherServerPools: got.otherServerPools,
    pools: got.pools,
    processesPerDyno: withChain(procs),
    server: found.framework ?? 'node',
    ...(migrator ? {migratorOnly: migrator} : {}),
    ...(children.length > 0 ? {children} : {}),
    threadsPerProcess: threads,
  }
}
