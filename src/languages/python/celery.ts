/**
 * Celery workers (celery/bin/worker.py, celery/worker/worker.py, v5.6):
 * concurrency from -c/--concurrency, --autoscale MAX,MIN (MAX counts), the
 * app's CELERY_WORKER_CONCURRENCY setting, else the number of CPUs — 8 on any
 * Standard dyno. The pool (-P) decides the shape: prefork runs `concurrency`
 * processes of one thread; threads/gevent/eventlet one process with
 * `concurrency` threads or greenlets; solo one of each. `celery beat` is one
 * process with one connection. `worker -B` starts beat beside the pool as one more process
 * (celery/beat.py EmbeddedService → _Process), which holds a connection when its scheduler
 * reads the schedule from the database (django-celery-beat's DatabaseScheduler).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import type {PyModule} from './values.js'
import type {ResultStore} from './celery-idle.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, fromFact, fromFile, fromFlag, type Source, type Sourced, sourced} from '../../model/source.js'
import {asString} from './evaluate.js'
import {entryFiles, flaskAppEntries} from './app-pools.js'
import {settingsModule} from './django.js'
import {pyCandidate} from './candidate.js'
import {celeryConf, type CeleryConfValue} from './celery-conf.js'
import {PythonProject} from './modules.js'
import {djceleryArgs, flaskSubcommand, pythonProgram} from './program.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {pythonAnalysis} from './server.js'
import {type Candidate, COMMAND_LINE, envCandidate, findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isCelery} from '../common/matchers.js'
import {hookWritesRequirements} from '../common/database-drivers.js'
import {appJsonAddons} from '../../platform/manifest-plan.js'
import {append} from '../../util/arrays.js'
import {importConnection, importConnectionCount} from './import-connection.js'
import {DATABASE_BACKEND, resultStore, unreadImports} from './celery-idle.js'
import {signalConnection, signalConnectionCount} from './signal-connection.js'

const REF = 'https://docs.celeryq.dev/en/stable/userguide/configuration.html#worker-concurrency'
/** Celery's pool aliases (celery/concurrency/__init__.py ALIASES). */
const POOLS = new Set(['prefork', 'eventlet', 'gevent', 'solo', 'processes', 'threads'])
const CLICK_ENV = 'https://click.palletsprojects.com/en/8.1.x/options/#values-from-environment-variables'
const WORKER_SETUP = 'https://github.com/celery/celery/blob/v5.3.6/celery/worker/worker.py#L107'

/**
 * worker_concurrency as the app's Celery config sets it (celery-conf.ts). None or 0 is Celery's
 * "use the CPU count" (worker/worker.py:107 `if not self.concurrency: cpu_count()`).
 */
function confCandidate(ctx: AnalyzerContext, read: CeleryConfValue): Candidate {
  const {at, doubts, value} = read
  if (!value || !at) return {diagnostics: read.diagnostics}
  const what = `Celery ${read.key ?? 'worker_concurrency'}`
  if (value.kind === 'known' && (value.value === null || value.value === 0)) {
    const cpu = nprocDefault(ctx)
    return {diagnostics: read.diagnostics, value: sourced(cpu.value, fromFile(at.file, at.line), [fromDefault(`${what} is ${value.value === null ? 'None' : '0'}: Celery starts one child per CPU (billiard.cpu_count())`, WORKER_SETUP), cpu.source, ...(cpu.via ?? []), ...doubts])}
  }

  const c = pyCandidate(value, what, at)
  if (!c.value) return {diagnostics: [...read.diagnostics, ...c.diagnostics]}
  const notes = [...(read.notes ?? []), ...doubts]
  return {diagnostics: [...read.diagnostics, ...c.diagnostics], value: notes.length > 0 ? {...c.value, via: [...(c.value.via ?? []), ...notes]} : c.value}
}
// `-B, --beat`, `--scheduler` (celery/bin/worker.py); worker/components.py Beat.create → beat.EmbeddedService,
// a separate process unless threaded; beat_scheduler defaults to celery.beat:PersistentScheduler (a shelve file).
const EMBEDDED_BEAT = 'https://github.com/celery/celery/blob/main/celery/beat.py'
const BEAT_SCHEDULER = 'https://docs.celeryq.dev/en/stable/userguide/configuration.html#beat-scheduler'
const DB_SCHEDULER = 'https://django-celery-beat.readthedocs.io/en/latest/'
const DB_SCHEDULER_ALIAS = 'https://github.com/celery/django-celery-beat/blob/main/setup.py'

/** `-B`, `--beat`, or -B among other flag-only letters (`-BE`). */
const embedsBeat = (args: readonly string[]): boolean => args.some((a) => a === '--beat' || /^-[BEDO]*B[BEDO]*$/.test(a))

/**
 * What a celery beat process holds: one connection when its scheduler is a DatabaseScheduler
 * (named by --scheduler, CELERY_BEAT_SCHEDULER in the Django settings, or anywhere in the app's
 * Celery and settings modules, e.g. `app.conf.beat_scheduler = …`); none with the default
 * PersistentScheduler (a local shelve file) or RedBeat (Redis): beat only publishes messages.
 * `base` says which beat it is (standalone, or embedded by `worker -B`).
 */
function beatConnections(args: readonly string[], settings: PyModule | undefined, modules: PyModule[], texts: (file: string) => string | undefined, base: Source, unread?: UnreadApp): Sourced<number> {
  const flag = findFlag(args, ['--scheduler', '-S'])
  const setting = settings?.names.get('CELERY_BEAT_SCHEDULER')
  let named: {scheduler: string; source: Source} | undefined
  if (flag) named = {scheduler: flag.value, source: fromFlag(flag.written)}
  else if (setting) {
    // A string, or a class imported into the settings (`CELERY_BEAT_SCHEDULER = RedBeatScheduler`): its name as written.
    const written = texts(setting.file)?.split('\n')[setting.line - 1]?.split('=').slice(1).join('=').trim()
    named = {scheduler: asString(setting) ?? written ?? 'a value conncalc cannot read', source: fromFile(setting.file, setting.line)}
  }
  else {
    for (const m of modules) {
      const lines = texts(m.file)?.split('\n') ?? []
      const i = lines.findIndex((l) => /DatabaseScheduler/.test(l) && !/^\s*#/.test(l))
      if (i !== -1) {
        named = {scheduler: 'DatabaseScheduler', source: fromFile(m.file, i + 1)}
        break
      }
    }
  }

  // The Celery app is not read: a package outside the repository (`celery -A pkg beat`, pkg installed), or a module
  // not in the app's files from the command's folder (a build step may move it there): the beat_scheduler it
  // configures is not read; a DatabaseScheduler would hold one connection, so one is assumed.
  if (!named && unread) {
    const where = unread.installed ? 'is not in the app (a package it installs)' : 'is not in the app\'s files from the command\'s folder (nor a package its dependency files name; a build step may put it there)'
    return sourced(1, base, [assumed(`celery beat's app ${unread.module} ${where}: the beat scheduler it configures is not read; a DatabaseScheduler (django-celery-beat) holds one connection, the default PersistentScheduler none: one assumed`)])
  }
  if (!named) return sourced(0, base, [fromDefault('no beat scheduler set: celery.beat:PersistentScheduler keeps the schedule in a local shelve file, no database connection', BEAT_SCHEDULER)])
  if (/DatabaseScheduler/.test(named.scheduler)) return sourced(1, named.source, [base, fromDefault(`${named.scheduler}: the schedule is read from the database over one connection`, DB_SCHEDULER)])
  // `-S django`: beat resolves a scheduler name through the `celery.beat_schedulers` entry points (celery/beat.py
  // Service.get_scheduler), and django-celery-beat registers `django = django_celery_beat.schedulers:DatabaseScheduler`.
  if (named.scheduler === 'django') return sourced(1, named.source, [base, fromDefault('`django` is django-celery-beat\'s name for its DatabaseScheduler (a celery.beat_schedulers entry point): the schedule is read from the database over one connection', DB_SCHEDULER_ALIAS)])
  if (/PersistentScheduler|redbeat/i.test(named.scheduler)) return sourced(0, named.source, [base, fromDefault(`${named.scheduler} keeps the schedule outside PostgreSQL (a shelve file, Redis)`, BEAT_SCHEDULER)])
  return sourced(1, named.source, [base, assumed(`conncalc does not know the beat scheduler ${named.scheduler}; one database connection assumed`)])
}

/**
 * Whether `-A module`, not in the app, comes from a package the install may bring: its top package named in the
 * dependency files, or a requirements.txt bin/pre_compile writes (a module in neither is ModuleNotFoundError, server.ts).
 */
function packageInstalled(ctx: AnalyzerContext, module: string): boolean {
  if (hookWritesRequirements(ctx.files)) return true
  const deps = ['requirements.txt', 'Pipfile', 'pyproject.toml', 'setup.py', 'setup.cfg'].map((f) => ctx.files.read(f)?.text ?? '').join('\n')
  const top = module.split('.')[0].replaceAll(/[-_.]/g, '[-_.]')
  return new RegExp(`(^|[^\\w.-])${top}([^\\w.-]|$)`, 'im').test(deps)
}

/** The beat `worker -B` embeds: one process beside the pool, with beatConnections' count. */
function embeddedBeat(args: readonly string[], settings: PyModule | undefined, modules: PyModule[], texts: (file: string) => string | undefined, unread?: UnreadApp): Extra {
  const beat = fromDefault('worker -B runs celery beat as one more process (EmbeddedService)', EMBEDDED_BEAT)
  return {count: beatConnections(args, settings, modules, texts, beat, unread), kind: 'celery-beat', reason: 'celery beat embedded by -B (a process beside the pool)'}
}

/** A Celery app (`-A module`) conncalc found no file of: whether a package the dependency files name provides it. */
type UnreadApp = {installed: boolean; module: string}

function unreadApp(ctx: AnalyzerContext, appModule: string | undefined, found: boolean): UnreadApp | undefined {
  return appModule && !found ? {installed: packageInstalled(ctx, appModule), module: appModule} : undefined
}

function nprocDefault(ctx: AnalyzerContext): Sourced<number> {
  const n = ctx.dyno?.nproc
  const what = fromDefault('Celery default concurrency: the number of CPUs (billiard.cpu_count())', REF)
  if (!n) return sourced(8, what, [assumed('dyno CPU count unknown; 8, as on Standard dynos')])
  return sourced(n.value, what, [n.source, ...(n.via ?? [])])
}

/** `--autoscale 10,3`: at most 10 at once. */
function autoscale(ctx: AnalyzerContext, args: string[]): Candidate {
  const f = findFlag(args, ['--autoscale'])
  if (!f) return {diagnostics: []}
  const max = f.value.split(',')[0]
  const c = flagCandidate({value: max, written: f.written}, 'Celery --autoscale max')
  return c.value ? {diagnostics: [], value: sourced(c.value.value, fromFlag(f.written))} : c
}

const FLASK_CLI = 'https://flask.palletsprojects.com/en/stable/cli/#custom-commands'

/**
 * `flask celery worker …`: Celery's own click group (celery.bin.celery) added to the Flask CLI with
 * app.cli.add_command, so the arguments after `celery` are Celery's. The app's modules are the Flask
 * app's (--app, else FLASK_APP from the env, .env or .flaskenv, else wsgi.py / app.py as flask/cli.py
 * locate_app looks), and where the
 * group is registered is said (or that conncalc did not find it).
 */
async function flaskCelery(ctx: AnalyzerContext, project: PythonProject, app: string | undefined): Promise<{entries: string[]; registered: Source}> {
  const entries = flaskAppEntries(ctx, project, app)
  for (const m of await project.walk(entries)) {
    if (!m.imports.some((i) => i.module === 'celery.bin.celery' || (i.module === 'celery.bin' && Array.isArray(i.names) && i.names.includes('celery')))) continue
    const add = m.calls.find((c) => /(^|\.)cli\.add_command$/.test(c.callee))
    if (add) return {entries, registered: fromFile(m.file, add.line)}
  }

  return {entries, registered: assumed(`\`flask celery\` is read as Celery's own command line (celery.bin.celery added with app.cli.add_command, ${FLASK_CLI}); conncalc did not find where the app registers it`)}
}

// Celery 5.3 app/base.py autodiscover_tasks(packages, related_name="tasks"): on the worker's import_modules signal,
// loaders/base.py find_related_module imports each package, then package.related_name when there is one; app/base.py
// Celery(include=…) and conf.imports / conf.include: imported by loaders/base.py import_default_modules as the worker
// starts (https://github.com/celery/celery/blob/v5.3.6/celery/loaders/base.py).

/** The strings of a list or tuple value conncalc reads, else none. */
function strings(v: unknown): string[] {
  const value = (v as {kind?: string; value?: unknown} | undefined)?.kind === 'known' ? (v as {value: unknown}).value : undefined
  if (typeof value !== 'object' || value === null || !('kind' in value) || (value.kind !== 'list' && value.kind !== 'tuple')) return []
  const items = (value as {items?: unknown[]}).items ?? []
  return items.map((i) => asString(i as Parameters<typeof asString>[0])).filter((x): x is string => Boolean(x))
}

/**
 * The task modules a worker imports as it starts, from the Celery app's modules: the packages autodiscover_tasks
 * names (each package and its `tasks` module, or related_name), Celery(include=[…]), conf.imports / conf.include.
 * Only the names written as literal lists are followed (Django's INSTALLED_APPS lambda is the settings' own app list).
 */
function taskModules(modules: PyModule[]): string[] {
  const out: string[] = []
  for (const m of modules) {
    for (const c of m.calls) {
      if (/(^|\.)autodiscover_tasks$/.test(c.callee)) {
        const related = c.kwargs.related_name ? asString(c.kwargs.related_name) : 'tasks'
        for (const pkg of strings(c.args[0] ?? c.kwargs.packages)) out.push(pkg, ...(related ? [`${pkg}.${related}`] : []))
      } else if (/(^|\.)Celery$/.test(c.callee)) out.push(...strings(c.kwargs.include))
      else if (/(^|\.)conf\.update$/.test(c.callee)) out.push(...strings(c.kwargs.imports), ...strings(c.kwargs.include))
    }

    for (const a of m.attrAssignments) if (/(^|\.)conf$/.test(a.target) && (a.key === 'imports' || a.key === 'include')) out.push(...strings(a.value))
  }

  return [...new Set(out)]
}

/** Top-level modules that reach a SQL database (ORMs, drivers, Django's ORM): a worker module importing one may query. */
const DATABASE_MODULES = new Set(['aiopg', 'aiosqlite', 'alembic', 'asyncpg', 'databases', 'dataset', 'django', 'flask_migrate', 'flask_sqlalchemy', 'gino', 'ormar', 'peewee', 'pg8000', 'piccolo', 'playhouse', 'pony', 'psycopg', 'psycopg2', 'psycopg2cffi', 'psycopg_pool', 'records', 'sqlalchemy', 'sqlmodel', 'sqlobject', 'tortoise'])

/**
 * A worker whose Celery app module and every module it imports (the task modules conncalc finds included) import no
 * database library and build no pool: nothing read opens a connection. The tasks may still come from modules not read
 * (autodiscovered by a name conncalc cannot evaluate, a package's own tasks), so the one connection per child stays,
 * said as the assumption it is rather than as a default.
 */
function withIdleImports(analysis: ServerAnalysis, walked: PyModule[], pool: string, type: string, proof: {store: ResultStore; unread?: string}): ServerAnalysis {
  if (analysis.language !== 'python' || (analysis.pools ?? []).length > 0 || walked.length === 0) return analysis
  if (walked.some((m) => !m.parsed || m.imports.some((i) => i.level === 0 && DATABASE_MODULES.has(i.module.split('.')[0])))) return analysis
  const each = ['threads', 'gevent', 'eventlet'].includes(pool) ? 'thread' : 'child'
  const read = walked.map((m) => m.file).join(', ')
  const threads = analysis.threadsPerProcess
  const {store, unread} = proof
  // Every import read and none reaches a database (celery-idle.ts): what Celery itself holds, read, not assumed.
  const oneTask = pool === 'prefork' || pool === 'processes' || pool === 'solo'
  if (!unread && oneTask && store.kind !== 'unknown' && (analysis.extrasPerProcess ?? []).length === 0) {
    const all = `every module the worker imports is read (${read}) and none imports a database library or builds a pool`
    if (store.kind === 'database') return {...analysis, threadsPerProcess: sourced(1, store.source, [DATABASE_BACKEND, fromDefault(all, IDLE_REF)])}
    const none = sourced(0, store.source, [fromDefault(`${all}; the broker and ${store.kind === 'none' ? 'the absent result backend' : 'the result backend'} are not PostgreSQL, so the worker holds no connection`, IDLE_REF)])
    // How many children the CPU count makes is moot when none holds a connection.
    return {...analysis, diagnostics: analysis.diagnostics.filter((d) => d.code !== 'cpu-count-default'), language: 'none', threadsPerProcess: none}
  }

  const left = unread ?? (store.kind === 'unknown' ? store.why : oneTask ? undefined : `the ${pool} pool runs several tasks in one process`)
  const why = assumed(`no module the worker imports opens a database connection (read: ${read}; none imports a database library or builds a pool), but ${left ?? 'the app starts threads of its own'}: 1 per ${each} assumed, as tasks may come from modules conncalc does not read (say --assume ${type}=PROCESSES:THREADS to keep it, or --scale ${type}=0 if the worker never queries)`)
  return {...analysis, threadsPerProcess: {...threads, via: [...(threads.via ?? []), why]}}
}

const IDLE_REF = 'https://docs.celeryq.dev/en/stable/userguide/workers.html'
const DJCELERY = 'https://github.com/celery/django-celery/blob/v3.1.17/djcelery/management/commands/celery.py'
// kombu's Django transport (kombu/transport/django, kombu ≤ 3.x) and SQLAlchemy transport keep messages in tables of the app's database.
const DB_BROKER = 'https://docs.celeryq.dev/en/3.1/getting-started/brokers/django.html'

/** Settings lines with their comments cut, for a name written anywhere in them. */
const uncommented = (text: string | undefined): string => (text ?? '').replaceAll(/#.*$/gm, '')

/** djcelery named in the settings module (INSTALLED_APPS, or a line that adds it) or a module it imports. */
async function djceleryInstalled(project: PythonProject, settings: PyModule, texts: (file: string) => string | undefined): Promise<boolean> {
  const apps = settings.names.get('INSTALLED_APPS')
  if (apps?.kind === 'known' && typeof apps.value === 'object' && apps.value !== null && 'kind' in apps.value && apps.value.kind === 'list' && apps.value.items.some((i) => asString(i) === 'djcelery')) return true
  const read = await project.walk([settings.file])
  return read.some((m) => /["']djcelery["']/.test(uncommented(texts(m.file))))
}

/** `manage.py celery …` where djcelery is not installed: the command does not exist, the process exits at start. */
async function djceleryMissing(ctx: AnalyzerContext, command: string, settingsFile: string, diagnostics: Diagnostic[], project: PythonProject): Promise<ServerAnalysis> {
  const why = `\`manage.py ${command}\` is django-celery's command, but ${settingsFile} does not put djcelery in INSTALLED_APPS: Django stops with "Unknown command: '${command}'" and the process exits at start, holding no connection`
  diagnostics.push({code: 'missing-config', file: COMMAND_LINE, fix: `add 'djcelery' to INSTALLED_APPS, or run Celery's own command (celery -A proj worker)`, message: `${ctx.processType}: ${why} (${DJCELERY})`, processType: ctx.processType, severity: 'warning'})
  const none = sourced(0, fromDefault(why, DJCELERY))
  const analysis = await pythonAnalysis({ctx, diagnostics, entries: [], processes: sourced(1, fromDefault('manage.py runs one process', DJCELERY)), project, server: 'celery', threads: none})
  return {...analysis, language: 'none', threadsPerProcess: none}
}

/**
 * The broker when it is the app's database (BROKER_URL / CELERY_BROKER_URL `django://` or `sqla+postgresql://`,
 * BROKER_BACKEND / BROKER_TRANSPORT "django"). A database URL that is only an unset env var's fallback
 * (`env("REDIS_URL", default="django://")`, MuckRock/squarelet) is not the broker on a deploy whose app.json
 * provisions that var (heroku-redis sets REDIS_URL: https://devcenter.heroku.com/articles/heroku-redis#create-a-new-instance),
 * and is an assumption, said, otherwise.
 */
function databaseBroker(settings: PyModule | undefined, appJson: string | undefined): {source: Source; what: string} | undefined {
  if (!settings) return undefined
  for (const key of ['BROKER_URL', 'CELERY_BROKER_URL', 'BROKER_BACKEND', 'BROKER_TRANSPORT']) {
    const v = settings.names.get(key)
    const value = v ? asString(v) : undefined
    if (!v || value === undefined) continue
    const django = /^django:\/\//.test(value) || /^(django|kombu\.transport\.django)$/.test(value)
    const sqla = /^sqla\+postgres/.test(value)
    if (!django && !sqla) continue
    const what = django ? `kombu's Django transport (${key} = "${value}")` : `kombu's SQLAlchemy transport on PostgreSQL (${key})`
    const unset = v.kind === 'known' ? (v.missingEnv ?? []).map((m) => m.name) : []
    if (unset.length === 0) return {source: fromFile(v.file, v.line), what}
    const addons = appJson ? appJsonAddons(appJson) : []
    const provisioned = addons.find((a) => /^heroku-redis(:|$)/i.test(a.plan) && unset.includes(`${a.as === 'DATABASE' ? 'REDIS' : a.as}_URL`))
    if (provisioned) return undefined
    return {
      source: assumed(`${key} is "${value}" (${v.file}:${v.line}) only because ${unset.join(', ')} is not set anywhere: the broker is taken to be the app's database (where ${unset.join(', ')} is set, it is that URL's)`),
      what,
    }
  }

  return undefined
}

/** Celery's subcommands (celery/bin/celery.py adds them to the `celery` click group); `celery` alone runs none. */
const SUBCOMMANDS = new Set(['amqp', 'beat', 'call', 'control', 'events', 'flower', 'graph', 'help', 'inspect', 'list', 'logtool', 'migrate', 'multi', 'purge', 'report', 'result', 'shell', 'status', 'upgrade', 'worker'])
const CELERY_CLI = 'https://github.com/celery/celery/blob/main/celery/bin/celery.py'

export const celery: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const flask = flaskSubcommand(ctx.command.argv)
    // django-celery's `manage.py celery worker …` / `manage.py celeryd …`: Celery's command line, the Django settings as config.
    const dj = djceleryArgs(ctx.command.argv)
    const args = dj ? dj.args : flask?.name === 'celery' ? flask.args : pythonProgram(ctx.command.argv).args
    const project = new PythonProject(ctx)
    const app = findFlag(args, ['-A', '--app'])?.value
    const appModule = app?.split(':')[0]
    const viaFlask = flask?.name === 'celery' && !appModule ? await flaskCelery(ctx, project, flask.app) : undefined
    // celery's find_app: symbol_by_name("proj.celery") is module proj's attribute celery when there is no such module
    // (celery/app/utils.py find_app, celery/utils/imports.py symbol_by_name), so the module's parent is tried last.
    const parent = appModule?.includes('.') ? appModule.slice(0, appModule.lastIndexOf('.')) : undefined
    const named0 = entryFiles(project, appModule ? [`${appModule}.celery`, appModule] : [])
    const entries = viaFlask?.entries ?? (named0.length === 0 && parent ? entryFiles(project, [parent]) : named0)
    const diagnostics: Diagnostic[] = []
    // celery's find_app imports `-A proj` (trying proj.celery too): a module in neither place is said (server.ts).
    const named = appModule && !viaFlask && /^[A-Za-z_][\w.]*$/.test(appModule) ? {appModule: {also: [`${appModule}.celery`, ...(parent ? [parent] : [])], module: appModule, named: `celery -A ${app}`}} : {}

    const settingsC: Candidate = {diagnostics: []}
    const walked0 = await project.walk([...entries, 'manage.py'])
    // A worker imports its task modules as it starts (not beat or events): their pools are this process's too.
    const isWorker = args.includes('worker')
    const tasks = isWorker ? entryFiles(project, taskModules(walked0)).filter((f) => !entries.includes(f)) : []
    const walked = tasks.length > 0 ? await project.walk([...entries, ...tasks, 'manage.py']) : walked0
    const module = settingsModule(project, walked, ctx.env)
    const settingsFile = module ? project.resolve(module) : undefined
    const settings = settingsFile ? await project.load(settingsFile) : undefined
    // django-celery's commands exist only when INSTALLED_APPS names djcelery: else Django says "Unknown command" and exits.
    if (dj && settings && !(await djceleryInstalled(project, settings, (f) => ctx.files.read(f)?.text))) return djceleryMissing(ctx, dj.command, settingsFile!, diagnostics, project)
    // A broker on the app's database (kombu's Django transport `django://`, SQLAlchemy's `sqla+postgresql://`): the worker's
    // consumer polls its tables, so the main process keeps a connection; beat publishes through it.
    const dbBroker = databaseBroker(settings, ctx.files.read('app.json')?.text)

    // Flower (`celery flower`, the subcommand the flower package adds through the celery.commands entry point, or its
    // own `flower` script): a Tornado app that reads the broker and the workers' events; it opens no database
    // connection (its --persistent state is a shelve file, flower/options.py `db`), so 0.
    if ((pythonProgram(ctx.command.argv).name === 'flower' || args.includes('flower')) && !isWorker && !args.includes('beat')) {
      const ref = 'https://flower.readthedocs.io/en/latest/config.html#persistent'
      const none = sourced(0, fromDefault('Flower monitors Celery through the broker and the workers\' events; it runs no task and opens no database connection (its persistent state is a shelve file)', ref))
      const analysis = await pythonAnalysis({...named, ctx, diagnostics, entries, processes: sourced(1, fromFact('Flower is one process (a Tornado server)', ref)), project, server: 'celery-flower', threads: none})
      return {...analysis, language: 'none', threadsPerProcess: none}
    }

    // `celery events`: one process that follows the workers' events; with a camera (-c/--camera, e.g.
    // django_celery_monitor's) it writes snapshots through the app's ORM on its one thread, else it only prints.
    if (args.includes('events') && !args.includes('worker')) {
      const camera = findFlag(args, ['-c', '--camera'])
      const ref = 'https://docs.celeryq.dev/en/stable/userguide/monitoring.html#snapshots'
      const threads = camera
        ? sourced(1, fromFlag(camera.written), [fromDefault('celery events with a camera writes each snapshot from one thread', ref)])
        : sourced(0, fromDefault('celery events without a camera prints the events and opens no database connection', ref))
      const analysis = await pythonAnalysis({...named, ctx, diagnostics, entries, processes: sourced(1, fromFact('celery events is one process', ref)), project, server: 'celery-events', threads})
      return threads.value === 0 ? {...analysis, language: 'none', threadsPerProcess: threads} : analysis
    }

    if (args.includes('beat') && !args.includes('worker')) {
      const periodic = 'https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html'
      const unread = unreadApp(ctx, appModule, Boolean(viaFlask) || entries.length > 0)
      const scheduled = beatConnections(args, settings, [...walked, ...(settings ? [settings] : [])], (f) => ctx.files.read(f)?.text, fromDefault('celery beat sends tasks from one thread', periodic), unread)
      const threads = scheduled.value === 0 && dbBroker ? sourced(1, dbBroker.source, [fromDefault('celery beat sends each task through the broker, here the app\'s database: one connection', periodic)]) : scheduled
      const analysis = await pythonAnalysis({...named, ctx, diagnostics, entries, processes: sourced(1, fromDefault('celery beat is one scheduler process', periodic), viaFlask ? [viaFlask.registered] : undefined), project, server: 'celery-beat', threads})
      if (threads.value !== 0) return analysis
      // No database scheduler, but importing the app ran create_all: beat holds that one idle connection all its life.
      const opened = importConnection(walked)
      if (opened && (analysis.pools ?? []).some((p) => p.pool.value > 0)) {
        const held = importConnectionCount(opened)
        const one = sourced(1, held.source, [...(held.via ?? []), fromDefault('celery beat itself runs no query: the connection opened while it imports the app is the one it holds', periodic)])
        return {...analysis, threadsPerProcess: one}
      }

      // No database scheduler: beat only publishes to the broker, so the app's pools are not opened ('none' keeps the 0).
      return {...analysis, language: 'none', threadsPerProcess: threads}
    }
    // -c (or CELERY_WORKER_CONCURRENCY, the same option through click's auto_envvar_prefix) beats the app's config:
    // bin/worker.py:185 `value or app.conf.worker_concurrency`, worker/worker.py:375 either('worker_concurrency', …).
    const conf = await celeryConf(project, walked, settings, app?.split(':')[1])
    const confRead = conf?.get('worker_concurrency', 'CELERYD_CONCURRENCY')
    // django-celery reads Celery 3's names straight from the Django settings (CELERYD_CONCURRENCY).
    const settingKey = dj && !settings?.names.has('CELERY_WORKER_CONCURRENCY') ? 'CELERYD_CONCURRENCY' : 'CELERY_WORKER_CONCURRENCY'
    const fromSettings = settings?.names.get(settingKey)
    // No Celery app found in the modules read: the Django settings' CELERY_WORKER_CONCURRENCY, as before.
    const settingC = confRead ? confCandidate(ctx, confRead) : fromSettings && settings ? pyCandidate(fromSettings, settingKey) : settingsC
    const envC = envCandidate(ctx.env, ['CELERY_WORKER_CONCURRENCY'], 'Celery concurrency')
    if (envC.value) envC.value = {...envC.value, via: [fromDefault('celery worker reads -c from CELERY_WORKER_CONCURRENCY (click auto_envvar_prefix="CELERY", celery/bin/celery.py:236)', CLICK_ENV)]}

    const concurrency = firstOf(
      [flagCandidate(numericFlag(args, ['-c', '--concurrency']), 'Celery concurrency'), autoscale(ctx, args), envC, settingC],
      nprocDefault(ctx),
    )
    append(diagnostics, concurrency.diagnostics)
    // A value read with doubts (a write conncalc cannot read may replace it): said too.
    if (settingC.value && concurrency.value === settingC.value) append(diagnostics, settingC.diagnostics)
    const setIn = confRead?.at && concurrency.value.source.kind === 'file' && concurrency.value.source.file === confRead.at.file && concurrency.value.source.line === confRead.at.line
    const fromCpu = setIn ? `the app's Celery config makes ${confRead?.key ?? 'worker_concurrency'} the CPU count (${confRead?.at?.file}:${confRead?.at?.line})` : undefined
    const fix = setIn ? `set ${confRead?.key ?? 'worker_concurrency'} to a number at ${confRead?.at?.file}:${confRead?.at?.line}, or pass -c N to celery worker (e.g. -c 2 on a ${ctx.dyno?.name ?? 'Standard'} dyno)` : `pass -c N to celery worker, or set worker_concurrency in the app's Celery config (e.g. 2 on a ${ctx.dyno?.name ?? 'Standard'} dyno)`

    const poolFlag = findFlag(args, ['-P', '--pool'])
    // The app's worker_pool replaces the default prefork, also `-P prefork` (click's default value, bin/worker.py:52-56).
    const confPool = !poolFlag || poolFlag.value === 'prefork' ? conf?.get('worker_pool', 'CELERYD_POOL') : undefined
    const poolName = asString(confPool?.value)
    const pool = (poolName && POOLS.has(poolName) ? poolName : undefined) ?? poolFlag?.value ?? 'prefork'
    let poolSource = poolName && POOLS.has(poolName) && confPool?.at ? fromFile(confPool.at.file, confPool.at.line) : poolFlag ? fromFlag(poolFlag.written) : fromDefault('Celery default pool: prefork', 'https://docs.celeryq.dev/en/stable/userguide/workers.html#concurrency')
    if (confPool?.value && confPool.at && !(poolName && POOLS.has(poolName))) {
      diagnostics.push({code: 'unknown-config-value', file: confPool.at.file, line: confPool.at.line, message: `cannot read Celery's ${confPool.key ?? 'worker_pool'}: ${confPool.value.kind === 'unknown' ? confPool.value.reason : 'not a pool name conncalc knows'}; the prefork pool is assumed`, severity: 'warning'})
      poolSource = assumed(`the app sets ${confPool.key ?? 'worker_pool'} at ${confPool.at.file}:${confPool.at.line} in a way conncalc cannot read; prefork assumed`)
    } else if (confPool && confPool.doubts.length > 0) {
      // The same unread writes were said for worker_concurrency: only the assumption here.
      poolSource = assumed(`${confPool.doubts.map((d) => (d.kind === 'assumed' ? d.why : '')).join('; ')}; ${pool} assumed`)
    }

    // The solo pool runs one task in the worker process whatever the concurrency: a CPU-count default changes nothing there.
    if (pool !== 'solo') append(diagnostics, cpuCountWarning(ctx, concurrency.value, 'Celery concurrency', fix, fromCpu))
    const one = (why: string): Sourced<number> => sourced(1, poolSource, [fromDefault(why, 'https://docs.celeryq.dev/en/stable/userguide/concurrency/index.html')])
    let processes: Sourced<number>
    let threads: Sourced<number>
    if (pool === 'solo') {
      processes = one('the solo pool runs tasks in the worker process itself')
      threads = one('the solo pool runs one task at a time')
    } else if (['threads', 'gevent', 'eventlet'].includes(pool)) {
      processes = one(`the ${pool} pool runs in one process`)
      threads = concurrency.value
    } else {
      processes = concurrency.value
      threads = one('each prefork child runs one task at a time')
    }

    // `flask celery worker`: say where the Flask CLI gets Celery's command from.
    if (viaFlask) processes = {...processes, via: [...(processes.via ?? []), viaFlask.registered]}
    // `celery -A proj -l INFO` names no subcommand: Celery 5's command group prints its help and exits (an option of
    // worker's such as -l is "No such option" to the group: exit 2), Celery 4's prints its usage. No worker runs.
    if (!args.some((a) => SUBCOMMANDS.has(a))) {
      const what = `\`${ctx.command.argv.join(' ')}\` names no celery subcommand (worker, beat, …): celery prints its help or a usage error and exits, so no worker starts`
      diagnostics.push({
        code: 'missing-config',
        file: COMMAND_LINE,
        fix: 'add the subcommand: `celery -A proj worker -l INFO` (or `beat` for the scheduler)',
        message: `${ctx.processType}: ${what} (${CELERY_CLI}); conncalc counts it as the worker it was probably meant to be`,
        processType: ctx.processType,
        severity: 'warning',
      })
      processes = {...processes, via: [...(processes.via ?? []), assumed(`${what}; counted as a worker`)]}
    }

    const analysis00 = await pythonAnalysis({...named, ctx, diagnostics, entries: [...entries, ...tasks], greenlets: pool === 'gevent' || pool === 'eventlet', processes, project, server: 'celery', threads})
    const analysis0 = isWorker && !settingsFile ? withIdleImports(analysis00, walked, pool, ctx.processType, {store: resultStore(conf), unread: unreadImports(walked, project)}) : analysis00
    // The main process imports the app and the task modules before it forks the prefork children
    // (celery/worker/worker.py WorkController → loader.init_worker): a connection opened there stays with it.
    const opened = pool === 'prefork' || pool === 'processes' ? importConnection(walked) : undefined
    const mainProcess = opened && (analysis0.pools ?? []).some((p) => p.pool.value > 0)
      ? [{count: importConnectionCount(opened), kind: 'import-connection', reason: 'a connection the celery main process opens while it imports the app (create_all), before it forks the prefork children, kept idle in its pool'}]
      : []
    // A start-up signal handler (worker_ready, worker_init, …) that queries runs in that main process too: one more it keeps
    // (with the solo pool the tasks run on that same thread, so its connection is theirs).
    const signalled = isWorker && pool !== 'solo' ? signalConnection(walked) : undefined
    if (signalled && (analysis0.pools ?? []).some((p) => p.pool.value > 0)) {
      mainProcess.push({count: signalConnectionCount(signalled), kind: 'signal-connection', reason: `a connection the celery main process opens in its ${signalled.handler.signal} signal handler and keeps, beside the children's`})
    }

    if (isWorker && dbBroker && (analysis0.pools ?? []).some((p) => p.pool.value > 0)) {
      mainProcess.push({count: sourced(1, dbBroker.source, [fromDefault(`the worker's main process consumes from the broker, ${dbBroker.what}: it polls the broker's tables through one connection it keeps`, DB_BROKER)]), kind: 'database-broker', reason: `the celery main process polls the broker on the app's database (${dbBroker.what})`})
    }

    const analysis = mainProcess.length > 0 ? {...analysis0, extrasPerDyno: [...(analysis0.extrasPerDyno ?? []), ...mainProcess]} : analysis0
    if (!embedsBeat(args)) return analysis
    const beat = embeddedBeat(args, settings, [...walked, ...(settings ? [settings] : [])], (f) => ctx.files.read(f)?.text, unreadApp(ctx, appModule, Boolean(viaFlask) || entries.length > 0))
    return {...analysis, extrasPerDyno: [...(analysis.extrasPerDyno ?? []), beat]}
  },
  id: 'celery',
  matches: isCelery,
}
