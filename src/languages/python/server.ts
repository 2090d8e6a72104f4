/**
 * What every Python server analyzer shares: the pools of the app it runs, and
 * event-loop servers' concurrency (bounded by the pool).
 */
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PythonProject} from './modules.js'
import type {PoolEntry} from '../../model/process.js'

import {assumed, derivedFrom, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {COMMAND_LINE} from '../common/setting.js'
import {hookWritesRequirements, noPythonDriver, notPostgresql} from '../common/database-drivers.js'
import {appPools} from './app-pools.js'
import {channelsPostgresExtras} from './channels-postgres.js'
import {maxOf} from '../../util/numbers.js'
import {gitignoredAtStart, modelsBeforeSetup, rejectedAtStart} from './import-failures.js'
import {serverNotInstalled} from './installed.js'
import {type EntryRoots, startedThreadExtras, startsIn, threadStarts, WEB_SERVERS} from './import-threads.js'
import {consoleScripts} from './program.js'
import {wsgiAdapters} from './wsgi-wrapper.js'
import type {PyModule} from './values.js'
import type {Extra} from '../../model/process.js'

// ASGIHandler runs each request in a ThreadSensitiveContext of its own, so sync code gets a thread per request.
const DJANGO_ASGI = 'https://github.com/django/django/blob/main/django/core/handlers/asgi.py'
// django/db/backends/postgresql/base.py: the `pool` property makes the psycopg ConnectionPool (opening min_size) the first
// time it is read, in get_new_connection: when the process first connects, not when it starts.
const DJANGO_POOL = 'https://github.com/django/django/blob/main/django/db/backends/postgresql/base.py'
// anyio's default thread limiter (`_default_thread_limiter = CapacityLimiter(40)`), which Starlette's run_in_threadpool (and so FastAPI's `def` endpoints) goes through.
const ANYIO_THREADS = 40
const ANYIO_REF = 'https://github.com/agronholm/anyio/blob/master/src/anyio/_backends/_asyncio.py'
const STARLETTE = /^(fastapi|starlette)(\.|$)/

/** 'FastAPI' or 'Starlette' when a module the server imports imports it (its sync code then runs on anyio's threads). */
async function starletteApp(input: PythonServerInput): Promise<string | undefined> {
  const modules = await input.project.walk(input.entries)
  const hit = modules.flatMap((m) => m.imports).find((i) => i.level === 0 && STARLETTE.test(i.module))
  return hit ? (hit.module.startsWith('fastapi') ? 'FastAPI' : 'Starlette') : undefined
}
const DJANGO_ENGINE = 'https://docs.djangoproject.com/en/stable/ref/settings/#engine'
/** Warnings about how many connections a process would open, moot when it opens none. */
const MOOT_WITHOUT_POSTGRES = new Set(['cpu-count-default', 'greenlet-concurrency', 'unbounded-pool'])

export interface PythonServerInput {
  /**
   * The module the command names for the server to import (`gunicorn proj.wsgi:app`, `celery -A proj`), with the
   * words that name it; `also`: other modules the server tries first (Celery's `proj.celery`). Checked against the app.
   */
  appModule?: {also?: string[]; module: string; named: string; providedBy?: string}
  ctx: AnalyzerContext
  diagnostics: Diagnostic[]
  entries: string[]
  processes: Sourced<number>
  project: PythonProject
  server: string
  /** Threads that may each hold a connection, or 'event-loop' for asyncio servers (bounded by the pool). */
  threads: 'event-loop' | PerRequestThreads | Sourced<number>
  /** With 'event-loop': what runs the loop, when it is not a server's requests (a script's asyncio.run). */
  loopSource?: Source
  /** The threads are greenlets (gevent/eventlet): a pool smaller than them is the intended bound. */
  greenlets?: boolean
  /** The file Python runs as `__main__` (`python run.py`): its `if __name__ == "__main__":` block runs, other modules' do not. */
  main?: string
}

/**
 * A server that starts a new thread for every request, with no limit (Werkzeug's threaded
 * development server): only the app's pools bound how many hold a connection at once.
 */
export interface PerRequestThreads {
  /** Why each request gets a thread (the option or default that makes the server threaded). */
  because: Sourced<boolean>
  /** The `fix` of the unbounded-pool warning when no pool bounds them. */
  fix: string
  kind: 'per-request'
  /** The server's source that says it starts a thread per request. */
  ref: string
  /** What each request runs on: 'thread' (the default), or 'greenlet' (gevent's servers). */
  unit?: 'greenlet' | 'thread'
}

/** A pool that caps the connections of a process however many threads ask: not one counted per thread. */
const caps = (p: PoolEntry, perThread: Source): boolean => p.pool.source !== perThread && !(p.pool.via ?? []).includes(perThread)

export async function pythonAnalysis(given: PythonServerInput): Promise<ServerAnalysis> {
  // A module Python cannot find is said first: what it would import is then unknown.
  const missing = withMissingModule(given)
  const input = withMissingServer(missing === given ? await withImportFailure(given) : missing)
  const {ctx} = input
  const eventLoop = input.threads === 'event-loop'
  const perRequest = typeof input.threads === 'object' && 'kind' in input.threads ? input.threads : undefined
  const placeholder = perRequest
    ? sourced(1, assumed(`${input.server} starts a ${perRequest.unit ?? 'thread'} for every request with no limit (${perRequest.ref}); 1 counted until a pool bounds them or --assume says more`), [perRequest.because.source, ...(perRequest.because.via ?? [])])
    : sourced(1, assumed(`${input.server} runs requests on an asyncio event loop; without an async pool that bounds them, database work is assumed to run on one thread at a time`))
  const threads0 = input.threads === 'event-loop' || perRequest ? placeholder : (input.threads as Sourced<number>)
  const found = await appPools(ctx, input.project, input.entries, threads0, input.server, input.main)
  if (found.noPostgres) {
    const none = found.noPostgres
    // Said in the plain output as the other not-postgresql findings are (analyze-app.ts); what the server's count would be is moot.
    const told = notPostgresql(
      none,
      `${none.why}; the app's processes are counted with 0 PostgreSQL connections`,
      none.fix ?? 'if the app does use PostgreSQL on Heroku, read DATABASE_URL in DATABASES (dj_database_url.config()); otherwise nothing to do',
      ctx.processType,
    )
    return {
      diagnostics: [...[...input.diagnostics, ...found.diagnostics].filter((d) => !MOOT_WITHOUT_POSTGRES.has(d.code)), told],
      language: 'none',
      processesPerDyno: input.processes,
      server: input.server,
      threadsPerProcess: sourced(0, fromFile(none.file, none.line), [fromDefault(none.why, DJANGO_ENGINE)]),
    }
  }

  let threads = threads0
  let pools = found.pools ?? []
  // Each thread has a connection of its own (Django over ASGI with no pool): the 1 counted per "pool" caps nothing.
  let perThread = false
  const asgi: Diagnostic[] = []
  // Async pools on an event loop: requests queue for a connection by design, no thread starves (pool-below-threads).
  const loopBound = eventLoop && found.pools !== undefined && found.framework === 'sqlalchemy'
  if (eventLoop && found.pools && found.framework === 'sqlalchemy') {
    const total = found.pools.reduce((a, p) => a + p.pool.value, 0)
    threads = sourced(total, input.loopSource ?? fromDefault(`${input.server} runs requests on an asyncio event loop: every pooled connection can be in use at once`, 'https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html'), derivedFrom(found.pools.map((p) => p.pool)))
    // Synchronous engines only, in a FastAPI/Starlette app: a checkout blocks its thread, and the framework runs `def`
    // endpoints and dependencies on anyio's worker threads, at most 40 at once (the default limiter); an `async def`
    // one that uses a sync session blocks the loop itself. So no more than 40 hold a connection, whatever the pools allow.
    const blocking = !input.loopSource && found.pools.length > 0 && found.pools.every((p) => p.blocking)
    // A WSGI app served through an adapter (Connexion 3's FlaskApp, a2wsgi, asgiref's WsgiToAsgi): its requests run on the
    // adapter's threads, and only those can hold a synchronous engine's connections (wsgi-wrapper.ts).
    const adapters = blocking ? wsgiAdapters(ctx, await input.project.walk(input.entries)) : undefined
    const starlette = blocking ? await starletteApp(input) : undefined
    if (adapters && !adapters.native) {
      if (adapters.unread) {
        threads = sourced(total, assumed(`the app is a WSGI app served through ${adapters.what}, whose requests run on its threads, but how many threads it has could not be read; every pooled connection counted (say it with --assume ${ctx.processType}=PROCESSES:THREADS)`), [adapters.unread, ...derivedFrom(found.pools.map((p) => p.pool))])
      } else if (adapters.threads!.value < total) {
        const n = adapters.threads!
        // The ASGI spec: a WSGI app served over ASGI runs in a threadpool, so its blocking calls do not block the event loop.
        const ASGI_WSGI = 'https://asgi.readthedocs.io/en/latest/specs/www.html#wsgi-compatibility'
        threads = sourced(n.value, fromDefault(`the app is a WSGI app served through ${adapters.what}: ${input.server}'s event loop hands every request to the adapter's threads, and a synchronous engine holds a connection only on the thread that checked it out: at most ${n.value} of the pool's ${total} are in use at once`, ASGI_WSGI), [n.source, ...(n.via ?? []), ...derivedFrom(found.pools.map((p) => p.pool))])
      }
    } else if (starlette) {
      // A WSGI app mounted in a FastAPI/Starlette app: its adapter's threads beside anyio's (Starlette's own adapter shares them).
      const extra = adapters?.threads && !adapters.anyio ? adapters.threads : undefined
      const cap = ANYIO_THREADS + (extra?.value ?? 0)
      if (total > cap) {
        threads = extra
          ? sourced(cap, fromDefault(`${starlette} runs \`def\` endpoints and dependencies on anyio's worker threads, ${ANYIO_THREADS} at once by default, and the WSGI app it mounts through ${adapters!.what} on ${extra.value} threads of the adapter's; a synchronous SQLAlchemy engine holds a connection only on the thread that checked it out: at most ${cap} of the pool's ${total} are in use at once`, ANYIO_REF), [extra.source, ...(extra.via ?? []), ...derivedFrom(found.pools.map((p) => p.pool))])
          : sourced(ANYIO_THREADS, fromDefault(`${starlette} runs \`def\` endpoints and dependencies on anyio's worker threads, ${ANYIO_THREADS} at once by default, and a synchronous SQLAlchemy engine (create_engine) holds a connection only on the thread that checked it out: at most ${ANYIO_THREADS} of the pool's ${total} are in use at once`, ANYIO_REF), derivedFrom(found.pools.map((p) => p.pool)))
      }
    }
  } else if (eventLoop && found.framework === 'django') {
    // Django over ASGI: each request runs its sync views and ORM calls on a thread of its own, each with its
    // own connection per alias. Only a pool (or the server's concurrency limit, read as threads above) bounds them.
    const pooled = pools.length > 0 && pools.every((p) => p.minOpen !== undefined)
    if (pooled) {
      const largest = maxOf(pools.map((p) => p.pool.value))
      threads = sourced(largest, fromDefault(`Django over ASGI (${input.server}) runs each request on a thread of its own; the pool bounds how many hold a connection at once`, DJANGO_ASGI), derivedFrom(pools.map((p) => p.pool)))
    } else {
      perThread = true
      threads = sourced(1, assumed(`Django over ASGI (${input.server}) opens a connection per concurrent request and nothing here caps them (${DJANGO_ASGI}); 1 counted until --assume says more`))
      pools = pools.map((p) => (p.minOpen ? p : {...p, pool: {...p.pool, value: 1, via: (p.pool.via ?? []).map((s) => (s === placeholder.source ? threads.source : s))}}))
      asgi.push({
        code: 'unbounded-pool',
        fix: `cap it: ${input.server === 'uvicorn' ? 'run uvicorn with --limit-concurrency N, or ' : ''}give each database a pool, DATABASES[…]["OPTIONS"]["pool"] = {"max_size": N} (Django 5.1+ with psycopg 3); then conncalc counts it (or say it now: --assume ${ctx.processType}=PROCESSES:N:N)`,
        message: `${ctx.processType}: Django served over ASGI (${input.server}) runs every request's sync views and ORM calls on a thread of its own, each with its own database connection (django/core/handlers/asgi.py); with no pool and no concurrency limit the number of connections per process has no bound`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }
  }

  if (perRequest) {
    if (pools.length > 0 && pools.every((p) => caps(p, placeholder.source))) {
      const total = pools.reduce((a, p) => a + p.pool.value, 0)
      threads = sourced(total, fromDefault(`${input.server} starts a ${perRequest.unit ?? 'thread'} for every request with no limit; the app's pools bound how many hold a connection at once`, perRequest.ref), derivedFrom([perRequest.because, ...pools.map((p) => p.pool)]))
    } else {
      asgi.push({
        code: 'unbounded-pool',
        fix: perRequest.fix,
        message: `${ctx.processType}: ${input.server} starts a ${perRequest.unit ?? 'thread'} for every request with no limit, and each ${perRequest.unit ?? 'thread'} that queries holds its own database connection; with no pool that caps them the number of connections per process has no bound`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }
  }

  // With greenlets a pool smaller than them is how the app bounds its connections:
  // the note that "only a pool bounds them" has nothing left to say.
  const bounded = input.greenlets && found.pools !== undefined && found.pools.length > 0 && found.pools.every((p) => p.pool.value < threads.value)
  const diagnostics = bounded ? input.diagnostics.filter((d) => d.code !== 'greenlet-concurrency') : input.diagnostics
  // channels_postgres keeps its own connections in the processes that run consumers: ASGI servers and runworker.
  const layer = found.channelLayer
  const consumers = eventLoop || input.server === 'channels-worker'
  // A process that only sends through the layer (a WSGI view, a Celery task) opens its pool too, but never LISTENs.
  const sends = layer && !consumers && layer.sender && layer.onPrimary ? layer.sender : undefined
  const extras: Extra[] = layer && consumers && layer.onPrimary ? channelsPostgresExtras(layer, ctx.files, input.server)
    : sends && layer ? channelsPostgresExtras(layer, ctx.files, input.server, {...sends, threads}) : []
  const elsewhere: Diagnostic[] = layer && consumers && !layer.onPrimary
    ? [{code: 'unknown-config-value', file: layer.file, line: layer.line, message: `${ctx.processType}: the channels_postgres channel layer connects to another server than DATABASES["default"] (its CONFIG names a different host or URL); its connections are not counted on this one`, processType: ctx.processType, severity: 'warning'}]
    : []
  // Threads the app's own code starts in every worker process (import-threads.ts).
  // The pools cap what threads started per request or in a loop can hold, unless each thread has its own (caps).
  // Their connections are counted in the primary pool (the first), which is what bounds them there.
  const cap = !perThread && pools.length > 0 && pools.every((p) => caps(p, threads0.source)) ? pools[0].pool : undefined
  // Job servers import the app too: dramatiq's and huey's worker processes each run the import (per process, as a web
  // server's workers do); Celery's main process imports the app and its task modules (WorkController's
  // loader.init_worker → import_default_modules) before billiard forks the pool, and a thread does not survive fork, so
  // with prefork the threads run once per dyno, in the parent, beside the children's pools.
  const perProcess = WEB_SERVERS.has(input.server) || JOB_SERVERS.has(input.server)
  // Prefork (the default pool): children forked from the main process. threads/gevent/eventlet/solo run in the one process.
  const inParent = input.server === 'celery' && !input.greenlets && input.processes.value > 1 && threads.value === 1
  // A thread started in a request handler runs only in a web server; one started in a job (a @task body) only in a job
  // server's process that runs jobs (Celery's pool children).
  // With no database driver installed (analyze-app.ts counts such an app 0), its threads reach no PostgreSQL either.
  const driverless = noPythonDriver(ctx.files) !== undefined && !(input.appModule && outsideTheApp(input))
  const read = (perProcess || input.server === 'celery') && !driverless ? await input.project.walk(input.entries) : []
  const sites = read.length > 0 ? threadStarts(read, await entryRoots(input, read)) : []
  const web = WEB_SERVERS.has(input.server)
  const starts = startsIn(sites, web)
  // Only what runs at import is the main process's; a thread a function starts when a task calls it runs in a child.
  const inChild = inParent ? starts.filter((s) => !s.atImport) : starts
  const own = perProcess || input.server === 'celery' ? startedThreadExtras(inChild, ctx, input.server, cap, threads.value) : {diagnostics: [], extras: []}
  const parent = inParent ? startedThreadExtras(starts.filter((s) => s.atImport), ctx, input.server, undefined, threads.value, 'parent') : {diagnostics: [], extras: []}
  const parentExtras = parent.extras.map((x) => ({...x, inPool: false}))
  own.diagnostics.push(...parent.diagnostics)
  extras.push(...own.extras)
  // The app's code is a package the dependency files install, not a module in the repository (analyze-app.ts reads it:
  // what that package installs is not listed here, so a missing driver in the lists says nothing).
  const outside = input.appModule && outsideTheApp(input) ? {appCodeOutside: {listed: namedInDependencies(input) === true, module: input.appModule.module, named: input.appModule.named}} : undefined
  // Django's OPTIONS "pool" opens its min_size on the process's first connection: a process that never connects (celery
  // beat on a scheduler that keeps no schedule in the database, Flower) opens none of them.
  const unused = found.framework === 'django' && threads.value === 0 && extras.length === 0 && parentExtras.length === 0
  const held = unused ? pools.map(({minOpen, ...p}) => (minOpen ? {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), fromDefault(`Django makes the pool (and opens its min_size ${minOpen.value}) on the process's first connection; ${input.server} here never connects`, DJANGO_POOL)]}} : p)) : pools
  return {
    diagnostics: [...diagnostics, ...found.diagnostics, ...asgi, ...elsewhere, ...own.diagnostics],
    ...(outside ? {facts: outside} : {}),
    ...(extras.length > 0 ? {extrasPerProcess: extras} : {}),
    ...(parentExtras.length > 0 ? {extrasPerDyno: parentExtras} : {}),
    ...(input.greenlets ? {greenlets: true} : {}),
    ...(loopBound ? {eventLoop: true} : {}),
    language: 'python',
    otherServerPools: found.otherServerPools,
    pools: held,
    processesPerDyno: input.processes,
    server: input.server,
    threadsPerProcess: threads,
  }
}

/**
 * The app's other entries (its console scripts' functions, the modules the Procfile runs with `python -m mod` /
 * `python file.py`), read only when a function of the modules this server imports starts threads: a helper whose
 * callers all lead there runs in those processes, not in this one (import-threads.ts EntryRoots).
 */
async function entryRoots(input: PythonServerInput, read: readonly PyModule[]): Promise<EntryRoots | undefined> {
  if (!read.some((m) => m.calls.some((c) => c.within !== undefined && STARTS.test(c.callee)))) return undefined
  const {files} = input.ctx
  const roots = new Map<string, string>()
  const files0: string[] = []
  for (const script of consoleScripts(files)) {
    const file = input.project.resolve(script.module)
    if (!file) continue
    roots.set(`${file}:${script.function}`, `the console script ${script.name} (${script.module}:${script.function})`)
    files0.push(file)
  }

  // The other lines of the Procfile that runs this process (Heroku's, Dokku's): `python -m ledger.cli`, `python tools/settle.py`.
  const procfile = input.ctx.origin?.file ? files.read(input.ctx.origin.file)?.text ?? '' : ''
  for (const m of procfile.matchAll(/\bpython[\d.]*\s+(?:-[A-Za-z]+\s+)*(?:-m\s+([A-Za-z_][\w.]*)|([\w./-]+\.py))\b/g)) {
    const file = m[1] ? input.project.resolve(m[1]) : files.exists(m[2]) ? m[2] : undefined
    if (file) files0.push(file)
  }

  if (files0.length === 0) return undefined
  return {others: await input.project.walk([...new Set(files0)]), roots}
}

/** Calls that may start threads (import-threads.ts reads which): a cheap filter before the app's other entries are read. */
const STARTS = /Thread|Timer|start_new_thread|Pool/

/** Job servers whose every worker process imports the app (dramatiq's worker processes, huey's consumer). */
const JOB_SERVERS = new Set(['dramatiq', 'huey'])

const FIR_PYTHON = 'https://devcenter.heroku.com/articles/python-concurrency'

/**
 * The worker count when nothing sets one: the server's own default (1). On a Fir
 * size that is because Heroku's Python Cloud Native Buildpack sets no
 * WEB_CONCURRENCY ("We don't set a WEB_CONCURRENCY environment variable for Fir
 * dynos", Dev Center: Optimizing Python Application Concurrency), which the
 * source says, so a team moving from Cedar sees why their 4 workers became 1.
 */
export function defaultWorkers(ctx: AnalyzerContext, server: string, ref: string): Sourced<number> {
  const own = fromDefault(`${server} default workers when WEB_CONCURRENCY is unset`, ref)
  if (ctx.dyno?.row.generation !== 'fir') return sourced(1, own)
  return sourced(1, fromDefault(`the heroku/python Cloud Native Buildpack sets no WEB_CONCURRENCY on Fir dynos (${ctx.dyno.name}), so ${server} runs its default 1 worker`, FIR_PYTHON), [own])
}

/** The server the command starts is in no dependency file the buildpack installs from (installed.ts): said, its processes starred. */
function withMissingServer(input: PythonServerInput): PythonServerInput {
  const missing = serverNotInstalled(input.ctx)
  if (!missing) return input
  return {...input, diagnostics: [...input.diagnostics, missing.diagnostic], processes: {...input.processes, via: [...(input.processes.via ?? []), assumed(missing.why)]}}
}

// gunicorn util.import_app, uvicorn importer.import_from_string, celery's find_app: importlib.import_module, which fails on a missing module.
const IMPORT_REF = 'https://docs.python.org/3/library/importlib.html#importlib.import_module'

/**
 * The module the command names is neither in the app (any of its import roots) nor a package its dependency files
 * name: the server cannot import it and exits at start, so the process holds no connection while it crash-loops.
 * Said (missing-config), and the process counted as if the module were there (an installed package conncalc does
 * not see), an assumption on its processes. This asks whether the module the command names (or one it tries first) is
 * nowhere in the app: not under an import root, nor in a folder above the command's.
 */
function outsideTheApp(input: PythonServerInput): boolean {
  const named = input.appModule
  if (!named) return false
  const tried = [...(named.also ?? []), named.module]
  if (tried.some((m) => input.project.resolve(m))) return false
  // Heroku's Python buildpack puts the app's root on the path (.profile.d/python.sh: PYTHONPATH=${PYTHONPATH:-$HOME}),
  // so after `cd sub &&` a module of the root still imports: a folder above the command's is searched too.
  const files = input.ctx.files
  for (const up of ['../', '../../', '../../../']) {
    for (const m of tried) {
      const rel = m.replaceAll('.', '/')
      if (files.exists(`${up}${rel}.py`) || files.exists(`${up}${rel}/__init__.py`)) return false
    }
  }

  return true
}

/**
 * Do the app's dependency files name the package the module comes from: one named as the module's top package, or the
 * distribution the server's config names (a paste config's `use = egg:NAME`)? Undefined when no dependency file is read.
 */
function namedInDependencies(input: PythonServerInput): boolean | undefined {
  const named = input.appModule
  if (!named) return undefined
  // bin/pre_compile replaces requirements.txt before the install: what it lists is not known here.
  if (hookWritesRequirements(input.ctx.files)) return undefined
  const deps = ['requirements.txt', 'Pipfile', 'pyproject.toml', 'setup.py', 'setup.cfg'].map((f) => input.ctx.files.read(f)?.text ?? '').join('\n')
  if (!deps.trim()) return undefined
  const named_ = (name: string): boolean => new RegExp(`(^|[^\\w.-])${name.replaceAll(/[-_.]/g, '[-_.]')}([^\\w.-]|$)`, 'im').test(deps)
  return named_(named.module.split('.')[0]) || (named.providedBy !== undefined && named_(named.providedBy))
}

/**
 * What puts the app's src/ folder on sys.path, if anything: the app installed as a package (setup.py, a pyproject.toml
 * with [project], [build-system] or [tool.poetry], a setup.cfg with [metadata]/[options], a requirements line `.`,
 * `./` or `-e .`, a Pipfile `path = "."`), PYTHONPATH in the env, or a build hook conncalc does not read.
 */
function srcOnPath(input: PythonServerInput): boolean {
  const files = input.ctx.files
  if (input.ctx.env.get('PYTHONPATH') !== undefined || files.exists('setup.py') || files.exists('bin/post_compile') || files.exists('bin/pre_compile')) return true
  if (/^\[(project|build-system|tool\.poetry)\]/m.test(files.read('pyproject.toml')?.text ?? '')) return true
  if (/^\[(metadata|options)\]/m.test(files.read('setup.cfg')?.text ?? '')) return true
  if (/^\s*path\s*=\s*["']\.\/?["']/m.test(files.read('Pipfile')?.text ?? '')) return true
  const requirements = files.list('').filter((f) => /^requirements.*\.txt$/.test(f))
  return requirements.some((f) => /^\s*(?:-e\s+|--editable\s+)?(?:\.|\.\/|\.\[[^\]]*\]|file:\.)\s*(?:#.*)?$/m.test(files.read(f)?.text ?? ''))
}

function withMissingModule(input: PythonServerInput): PythonServerInput {
  const named = input.appModule
  if (!named) return input
  // The src layout: the module is src/pkg/…, which Python finds only when something puts src/ on the path.
  const tried = [...(named.also ?? []), named.module]
  const underSrc = tried.some((m) => input.project.resolve(m) && !input.project.onlyUnderSrc(m)) ? undefined : tried.map((m) => input.project.onlyUnderSrc(m)).find(Boolean)
  if (underSrc && !srcOnPath(input)) {
    const what = `${input.server} imports ${named.module} (\`${named.named}\`), which is ${underSrc}: src/ is not on sys.path, as nothing installs the app as a package (no setup.py; no [project], [build-system] or [tool.poetry] in pyproject.toml; no \`.\` or \`-e .\` line in the requirements) and PYTHONPATH is not set`
    const fix = 'name the module from src (`--chdir src`, `--pythonpath src`, `cd src &&`), or install the app (`-e .` in requirements.txt with a pyproject.toml [project]), or set PYTHONPATH=src'
    return exitsAtStart(input, `${what}: Python raises ModuleNotFoundError and the process exits at start (${IMPORT_REF}); conncalc counts it as if it ran`, fix, `${what}: the process would exit at start; counted as if src/ were on the path`)
  }

  if (!outsideTheApp(input)) return input
  // No dependency file read: not an app conncalc sees whole (a lone config), so nothing is said.
  if (namedInDependencies(input) !== false) return input
  const what = `${input.server} imports ${named.module} (\`${named.named}\`), which is not in the app (${tried.map((m) => `${m.replaceAll('.', '/')}.py`).join(', ')}, or a package folder) nor a package its dependency files name`
  const fix = 'fix the module name in the command, or add the module to the app; if an installed package provides it, ignore this (conncalc counts the process as if it runs)'
  return exitsAtStart(input, `${what}: Python raises ModuleNotFoundError and the process exits at start (${IMPORT_REF})`, fix, `${what}: the process would exit at start; counted as if the module were installed`)
}

/**
 * The server's import of the app fails at start (import-failures.ts: a module the app's Python does not compile, a
 * Django model made before django.setup()): the process exits at start, so it holds no connection while it
 * crash-loops. Said, and counted as if it ran, starred.
 */
async function withImportFailure(input: PythonServerInput): Promise<PythonServerInput> {
  const entries = input.entries.filter((e) => input.ctx.files.exists(e))
  if (entries.length === 0) return input
  // Only a server that imports the ASGI/WSGI module itself (not manage.py's commands, which set Django up first).
  const web = WEB_SERVERS.has(input.server)
  const failed =
    (await rejectedAtStart(input.project, input.ctx.files, entries, input.ctx.env, input.server)) ??
    (web ? await modelsBeforeSetup(input.project, entries, input.server) : undefined) ??
    (await gitignoredAtStart(input.project, input.ctx.files, entries, input.ctx.env, input.server))
  if (!failed) return input
  return exitsAtStart(input, `${failed.what}: ${failed.raises} and the process exits at start; conncalc counts it as if it ran`, failed.fix, `${failed.what}: the process would exit at start; counted as if it ran`)
}

/** A server whose app module Python cannot import: said at the command line (missing-config), the process counted as if it ran, starred with `countedAs`. */
function exitsAtStart(input: PythonServerInput, message: string, fix: string, countedAs: string): PythonServerInput {
  const said: Diagnostic = {code: 'missing-config', file: COMMAND_LINE, fix, message: `${input.ctx.processType}: ${message}`, processType: input.ctx.processType, severity: 'warning'}
  return {...input, diagnostics: [...input.diagnostics, said], processes: {...input.processes, via: [...(input.processes.via ?? []), assumed(countedAs)]}}
}
