/**
 * A Django management command conncalc has no analyzer for (`python manage.py
 * pulse_listener_pushes`, `start_scheduler`, `process_tasks`): one process that loads
 * the app's settings, so its DATABASES are known. How many threads use them is read
 * from the command's own module (`<app>/management/commands/<name>.py`, the app found
 * through INSTALLED_APPS) and the app modules it imports: Django runs `handle()` on the
 * main thread, so with no thread, thread pool or process started there the command holds
 * one connection per alias; one that starts threads is an `unknown-command` naming where.
 * A command whose module is not in the app (an installed package's) stays unknown, said.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Source} from '../../model/source.js'
import {classOf, type EvalValue, type PyModule, type PyValue} from './values.js'
import type {Extra} from '../../model/process.js'

import {assumed, fromDefault, fromFact, fromFile, fromFlag, sourced} from '../../model/source.js'
import {callerBindings} from './bound-arguments.js'
import {ASGIREF_SYNC, CHANNELS_1_RUNWORKER, CHANNELS_RUNWORKER, channelsOnePin, singleThreadWorkerPin} from './channels-one.js'
import {findFlag, flagCandidate, numericFlag} from '../common/setting.js'
import {PythonProject} from './modules.js'
import {manageInvocation, scriptRoot} from './program.js'
import {pythonAnalysis} from './server.js'
import {settingsModule} from './django.js'
import {startedThreads} from './started-threads.js'
import {quietPools} from './import-threads.js'
import {djangoRqBase, djangoRqWorkerAnalysis, rqSchedulerAnalysis} from './rq.js'
import {HUEY_COMMANDS, hueyConsumer} from './huey.js'
import {djangoQCluster} from './django-q.js'
import {asString} from './evaluate.js'
import {isDjangoCommand} from '../common/matchers.js'
import {append} from '../../util/arrays.js'
import {DJANGO_MODELS, DJANGO_NO_QUERY, loadsNoDatabase} from './no-database.js'
import {STDLIB} from './celery-idle.js'

const REF = 'https://docs.djangoproject.com/en/stable/ref/django-admin/'
const RUNSERVER = 'https://github.com/django/django/blob/main/django/core/management/commands/runserver.py'
// daphne (in INSTALLED_APPS) and Channels < 4 replace runserver with an ASGI one: not Django's threaded WSGI server.
const ASGI_RUNSERVER = /^\s*(?:daphne|channels)\b/im
// BaseCommand.run_from_argv → execute → handle(), in the calling (main) thread.
const HANDLE = 'https://github.com/django/django/blob/main/django/core/management/base.py'
// BaseDatabaseWrapper.cursor() → ensure_connection(): the first query connects, nothing before it.
const CONNECT_LAZILY = 'https://github.com/django/django/blob/5.1/django/db/backends/base/base.py'
// django-extensions runscript: imports <app>.scripts.<name> or scripts.<name> and calls its run() from handle().
const RUNSCRIPT_REF = 'https://django-extensions.readthedocs.io/en/latest/runscript.html'

/**
 * INSTALLED_APPS' entries; when an `if` conncalc cannot decide adds some in one arm (MetaDeploy's
 * `else: INSTALLED_APPS += ["binary_database_files"]`), every arm's: an app of either has its commands found.
 */
function installedApps(v: EvalValue | undefined): {always: boolean; item: EvalValue}[] {
  const lists = (v?.kind === 'unknown' ? (v.among ?? []) : v ? [v] : []).map((l) => (l.kind === 'known' && typeof l.value === 'object' && l.value !== null && 'kind' in l.value && l.value.kind === 'list' ? l.value.items : undefined))
  if (lists.some((l) => l === undefined)) return []
  const every = (item: EvalValue) => lists.every((l) => l!.some((x) => asString(x) !== undefined && asString(x) === asString(item)))
  return lists.flat().map((item) => ({always: every(item!), item: item!}))
}

/**
 * The file of `manage.py <name>`: `<app>/management/commands/<name>.py` of an INSTALLED_APPS entry in
 * the app; with `inApp: "scripts"` django-extensions' `runscript <name>`: `<app>/scripts/<name>.py` or
 * the project's own `scripts/<name>.py` (RUNSCRIPT_REF).
 */
async function commandFile(project: PythonProject, ctx: AnalyzerContext, name: string, script: string | undefined, inApp = 'management/commands'): Promise<undefined | {file: string; onlyIf?: Source}> {
  const modules = await project.walk([script ?? 'manage.py'])
  const settings = settingsModule(project, modules, ctx.env)
  const file = settings ? project.resolve(settings) : undefined
  const value = file ? (await project.load(file))?.names.get('INSTALLED_APPS') : undefined
  for (const {always, item} of installedApps(value)) {
    if (item.kind !== 'known' || typeof item.value !== 'string') continue
    // "erp", "treeherder.etl", or an AppConfig path "shop.apps.ShopConfig" (its package is before `.apps.`).
    const pkg = item.value.replace(/\.apps\.[A-Z]\w*$/, '')
    const init = project.resolve(pkg)
    if (!init) continue
    const dir = init.endsWith('/__init__.py') ? init.slice(0, -'/__init__.py'.length) : undefined
    const candidate = dir === undefined ? undefined : `${dir}/${inApp}/${name}.py`
    if (candidate && ctx.files.exists(candidate)) return always || value?.kind !== 'unknown' ? {file: candidate} : {file: candidate, onlyIf: assumed(`${candidate} is a command of ${pkg}, which INSTALLED_APPS lists only in some arms: ${value.reason}; counted as if it is installed`)}
  }

  const root = project.resolve(`scripts.${name}`)
  return inApp === 'scripts' && root ? {file: root} : undefined
}

/** The settings' names when INSTALLED_APPS lists the Django app whose command this is (run_huey: huey.contrib.djhuey; djangohuey: django_huey; qcluster: django_q). */
async function installedApp(project: PythonProject, ctx: AnalyzerContext, command: string, script: string | undefined): Promise<{name: string; names: Map<string, EvalValue>} | undefined> {
  const modules = await project.walk([script ?? 'manage.py'])
  const name = settingsModule(project, modules, ctx.env)
  const file = name ? project.resolve(name) : undefined
  const names = file ? (await project.load(file))?.names : undefined
  const want = command === 'run_huey' ? 'huey.contrib.djhuey' : command === 'qcluster' ? 'django_q' : 'django_huey'
  const listed = installedApps(names?.get('INSTALLED_APPS')).some(({item: i}) => asString(i)?.replace(/\.apps\.[A-Z]\w*$/, '') === want)
  return listed && name && names ? {name, names} : undefined
}

/** Calls of Django's ORM or its connections in a command's module (`Build.objects.filter`, `connection.cursor()`). */
const ORM_CALL = /(^|\.)objects\.|(^|\.)(connection|connections\[[^\]]*\])\.cursor$/

/**
 * The command module's `Command` extends one of django-rq's commands (rq.ts djangoRqBase): which, its line, and the
 * first ORM call of the module's own code (undefined when none: conncalc sees no database use before rq's code runs).
 */
async function djangoRqCommand(project: PythonProject, file: string): Promise<{kind: 'scheduler' | 'worker'; line: number; orm?: number} | undefined> {
  const m = await project.load(file)
  const command = m?.names.get('Command')
  const cls = classOf(command)
  const kind = cls ? djangoRqBase(cls.bases) : undefined
  if (!kind || !command) return undefined
  const orm = m?.calls.find((c) => ORM_CALL.test(c.callee))?.line
  return {kind, line: command.line, ...(orm === undefined ? {} : {orm})}
}

/**
 * What Django passes the command's handle() (keyed by its `def`'s "file:line", bound-arguments.ts callerBindings):
 * BaseCommand.run_from_argv parses the command line with the parser add_arguments filled and calls
 * `handle(*args, **options)` with every option's dest (django/core/management/base.py), argparse giving each its value
 * on the command line (`--concurrency 4`, `--concurrency=4`, `-c 4`, converted by `type=int`), else its `default`
 * (None without one; False for store_true). Options conncalc cannot read (other actions, a value it cannot convert,
 * an unreadable default) are left out: unknown in handle().
 */
async function handleOptions(project: PythonProject, file: string, argv: readonly string[]): Promise<{at: string; options: Map<string, EvalValue>} | undefined> {
  const m = await project.load(file)
  const handle = classOf(m?.names.get('Command'))?.attrs.get('handle')
  if (!m || handle?.kind !== 'known') return undefined
  const options = new Map<string, EvalValue>()
  for (const c of m.calls) {
    if (c.within?.name !== 'Command.add_arguments' || !/\.add_argument$/.test(c.callee) || c.spread) continue
    const flags = c.args.map((a) => asString(a))
    if (flags.length === 0 || flags.some((f) => f === undefined || !f.startsWith('-'))) continue
    const long = flags.find((f) => f!.startsWith('--')) ?? flags[0]!
    const dest = c.kwargs.dest ? asString(c.kwargs.dest) : long.replace(/^-+/, '').replaceAll('-', '_')
    const action = c.kwargs.action ? asString(c.kwargs.action) : 'store'
    if (dest === undefined || (action !== 'store' && action !== 'store_true' && action !== 'store_false')) continue
    const at = (line: number, via: Source[], value: PyValue): EvalValue => ({file, kind: 'known', line, value, via})
    let given: {flag: string; value?: string} | undefined
    for (const [i, a] of argv.entries()) {
      const [flag, inline] = a.startsWith('--') ? a.split(/=(.*)/s, 2) : [a]
      if (flags.includes(flag)) given = {flag, value: action === 'store' ? (inline ?? argv[i + 1]) : undefined}
    }

    const type = c.kwargText.type?.trim()
    if (given) {
      const text = given.value
      const n = text !== undefined && (type === 'int' ? /^-?\d+$/.test(text) : type === 'float' && /^-?\d+(\.\d+)?$/.test(text)) ? Number(text) : undefined
      const value = action === 'store_true' ? true : action === 'store_false' ? false : type === undefined || type === 'str' ? text : n
      if (value !== undefined) options.set(dest, at(c.line, [fromFlag(`${given.flag}${text === undefined ? '' : ` ${text}`}`)], value))
      continue
    }

    const dflt = c.kwargs.default
    const why = fromDefault(`Django calls handle() with the parsed options: ${long}'s default`, HANDLE)
    if (dflt?.kind === 'known') options.set(dest, {...dflt, via: [...dflt.via, fromFile(file, c.line), why]})
    else if (!dflt) options.set(dest, at(c.line, [fromFile(file, c.line), why], action === 'store_true' ? false : action !== 'store_false' && null))
  }

  return {at: `${handle.file}:${handle.line}`, options}
}

/**
 * A command that opens no connection: Django connects only when code runs a query (django/db/backends/base/base.py
 * ensure_connection, called from cursor()), and this command's module, with every function of it taken to run, and the
 * app modules it imports import no ORM, models, django.db or database library, name no way to the ORM without an
 * import (`.objects`, `apps.get_model`, `cursor()`, `call_command`), and the Command does not ask for the migration
 * check (requires_migrations_checks, which reads the migration table). The system checks Django runs before handle()
 * (none with --skip-checks or `requires_system_checks = []`) are run with no databases (BaseCommand.execute →
 * check(), whose database-tagged checks run only for the databases given): Django's own query nothing, while an
 * installed app's may, which conncalc does not read: then the 0 is an assumption. Undefined when it may query.
 */
async function queriesNothing(project: PythonProject, read: PyModule[], file: string, argv: readonly string[]): Promise<{checks?: Source; why: Source} | undefined> {
  const cls = classOf((await project.load(file))?.names.get('Command'))
  if (!cls) return undefined
  const migrations = cls.attrs.get('requires_migrations_checks')
  if (migrations && !(migrations.kind === 'known' && migrations.value === false)) return undefined
  const none = await loadsNoDatabase(project, read, file, {allow: DJANGO_NO_QUERY, deny: DJANGO_MODELS, everyFunctionOf: file, settingsKnown: true})
  if (!none) return undefined
  const also = none.files.length - 1
  const installed = none.packages.filter((p) => !STDLIB.has(p))
  const packages = installed.length > 0 ? `; the installed packages it imports (${installed.slice(0, 8).join(', ')}${installed.length > 8 ? ', …' : ''}) are not read` : ''
  const why = fromDefault(`Django opens a connection only when code queries (ensure_connection, from cursor()); ${file}${also > 0 ? ` and the ${also} app module${also === 1 ? '' : 's'} it imports` : ''} import no ORM, models, django.db or database library and name no query: this command opens no PostgreSQL connection${packages}`, CONNECT_LAZILY)
  const declared = cls.attrs.get('requires_system_checks')
  const skipped = argv.includes('--skip-checks') || (declared?.kind === 'known' && (declared.value === false || (typeof declared.value === 'object' && declared.value !== null && 'kind' in declared.value && declared.value.kind === 'list' && declared.value.items.length === 0)))
  if (skipped) return {why}
  return {checks: assumed(`Django runs the system checks before handle() (no --skip-checks): its own query no database (run with no databases), but those of the installed apps in INSTALLED_APPS are not read; none is assumed to query`), why}
}

export const djangoCommand: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    try {
      return await commandAnalysis(ctx)
    } finally {
      callerBindings.clear()
    }
  },
  id: 'django-command',
  matches: isDjangoCommand,
}

async function commandAnalysis(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const manage = manageInvocation(ctx.command.argv)!
    const what = `manage.py ${manage.command}`
    const project = new PythonProject(ctx, scriptRoot(manage.script))
    const runscript = manage.command === 'runscript' ? manage.args.find((a) => !a.startsWith('-')) : undefined
    const found = runscript ? await commandFile(project, ctx, runscript, manage.script, 'scripts') : await commandFile(project, ctx, manage.command, manage.script)
    const file = found?.file
    const onlyIf = found?.onlyIf ? [found.onlyIf] : []
    const unknown = (why: string): Diagnostic => ({
      code: 'unknown-command',
      file: ctx.origin?.file,
      fix: `if \`${what}\` runs jobs on several threads or processes, say how many: --assume ${ctx.processType}=PROCESSES:THREADS`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: \`${what}\` ${why}; counting 1 process × 1 thread with the app's DATABASES`,
      processType: ctx.processType,
      severity: 'warning',
    })
    const diagnostics: Diagnostic[] = []
    const rqBase = file ? await djangoRqCommand(project, file) : undefined
    const runserver = manage.command === 'runserver' && !file && !ASGI_RUNSERVER.test(ctx.files.read('requirements.txt')?.text ?? '')
    // huey's consumers are commands of the Django apps that ship them: only when INSTALLED_APPS names that app.
    const hueySettings = !file && HUEY_COMMANDS.has(manage.command) ? await installedApp(project, ctx, manage.command, manage.script) : undefined
    // Django Q's cluster: a command of django_q (django-q, django-q2), when INSTALLED_APPS names it.
    const qSettings = !file && manage.command === 'qcluster' ? await installedApp(project, ctx, manage.command, manage.script) : undefined
    let extrasPerDyno: Extra[] | undefined
    let threads
    let processes = sourced(1, fromFact('a Django management command runs in one process', REF))
    const channelsOne = manage.command === 'runworker' && !file ? channelsOnePin(ctx.files) : undefined
    const singleThread = manage.command === 'runworker' && !file && !channelsOne ? singleThreadWorkerPin(ctx.files) : undefined
    if (singleThread) {
      // Channels ≥ 2: the consumers run on one event loop, and their sync code (SyncConsumer, database_sync_to_async)
      // on asgiref's single thread executor: one thread holds Django's connection per alias.
      threads = sourced(1, fromDefault('Channels `runworker` runs consumers on one event loop; their database work runs on asgiref\'s single thread executor (no ThreadSensitiveContext outside HTTP requests)', ASGIREF_SYNC), [fromDefault('Channels ≥ 2 runworker: a Worker consuming the named channels', CHANNELS_RUNWORKER), ...singleThread])
    } else if (channelsOne) {
      // Channels 1's runworker: --threads workers (default 1), each on a thread with Django's connection per alias.
      const flag = flagCandidate(numericFlag(manage.args, ['--threads']), 'runworker --threads')
      append(diagnostics, flag.diagnostics)
      const what = fromDefault('Channels 1 `runworker` runs the consumers and views on --threads worker threads, default 1', CHANNELS_1_RUNWORKER)
      threads = flag.value ? sourced(flag.value.value, fromFlag(findFlag(manage.args, ['--threads'])!.written), [what, ...channelsOne]) : sourced(1, what, channelsOne)
    } else if (file && rqBase) {
      // The app's command extends django-rq's rqworker / rqscheduler (`class Command(rqworker.Command)`): that command runs.
      const how = [...onlyIf, fromFile(file, rqBase.line), fromDefault(`${file}'s Command extends django-rq's ${rqBase.kind === 'worker' ? 'rqworker' : 'rqscheduler'} command and runs it (super().handle)`, REF)]
      const entries = [...(manage.script ? [manage.script] : []), file]
      if (rqBase.kind === 'worker') return djangoRqWorkerAnalysis(ctx, project, entries, how)
      if (rqBase.orm === undefined) return rqSchedulerAnalysis(ctx, project, entries, how)
      threads = sourced(1, fromFile(file, rqBase.orm), [...how, fromDefault('its own handle() queries the database before the scheduler runs; Django keeps that connection open until the command exits', HANDLE)])
    } else if (file) {
      const read: PyModule[] = await project.walk([file])
      const quiet = runscript ? undefined : await queriesNothing(project, read, file, manage.args)
      if (quiet) {
        return {
          diagnostics,
          // As a script that loads no database (script.ts): 0 threads by this reading, not a count the server refuses.
          language: 'none',
          pools: [],
          processesPerDyno: processes,
          server: 'django-command',
          threadsPerProcess: sourced(0, fromFile(file, 1), [...onlyIf, quiet.why, ...(quiet.checks ? [quiet.checks] : [])]),
        }
      }

      const bound = runscript ? undefined : await handleOptions(project, file, manage.args)
      if (bound) callerBindings.set(bound.at, bound.options)
      const found = startedThreads(read, ctx, what, undefined, quietPools(read))
      append(diagnostics, found.diagnostics)
      const runs = [...onlyIf, ...(runscript ? [fromDefault(`django-extensions \`runscript ${runscript}\` calls run() of ${file} from handle()`, RUNSCRIPT_REF)] : [])]
      threads = found.threads ?? sourced(1, fromFile(file, 1), [...runs, fromDefault(`Django runs handle() on the main thread, and no thread, thread pool or process is started in ${file} or the ${read.length - 1} app modules it imports (installed packages are not read)`, HANDLE)])
      if (found.threads && runs.length > 0) found.threads.via = [...(found.threads.via ?? []), ...runs]
    } else if (runserver) {
      // Django's development server: a thread per request (socketserver.ThreadingMixIn) unless --nothreading.
      const off = manage.args.includes('--nothreading')
      if (off) threads = sourced(1, fromFlag('--nothreading'), [fromDefault('runserver --nothreading serves one request at a time', RUNSERVER)])
      else {
        threads = {
          because: sourced(true, fromDefault('Django\'s runserver is threaded unless --nothreading: run(…, threading=True) serves each request on a thread of its own (django/core/servers/basehttp.py ThreadedWSGIServer)', RUNSERVER)),
          fix: `runserver is Django's development server; serve with gunicorn (gunicorn proj.wsgi --workers N --threads M), or say how many requests run at once: --assume ${ctx.processType}=1:N`,
          kind: 'per-request' as const,
          ref: RUNSERVER,
        }
      }
    } else if (hueySettings) {
      const huey = hueyConsumer(ctx, manage.command, manage.args, hueySettings.names, hueySettings.name)
      append(diagnostics, huey.diagnostics)
      threads = huey.threads
      processes = huey.processes
    } else if (qSettings) {
      const q = djangoQCluster(ctx, qSettings.names, qSettings.name)
      append(diagnostics, q.diagnostics)
      threads = q.threads
      processes = q.processes
      extrasPerDyno = q.extrasPerDyno
    } else {
      diagnostics.push(unknown(`is a Django management command conncalc does not find in the app (no <app>/management/commands/${manage.command}.py of INSTALLED_APPS: an installed package's?)`))
      threads = sourced(1, assumed(`conncalc does not know \`${what}\`; one thread using the database is assumed`))
    }

    const analysis = await pythonAnalysis({
      ctx,
      diagnostics,
      entries: manage.script ? [manage.script] : [],
      processes,
      project,
      server: channelsOne || singleThread ? 'channels-worker' : runserver ? 'django-runserver' : hueySettings ? 'huey' : qSettings ? 'django-q' : 'django-command',
      threads,
    })
    // The monitor, pusher and Sentinel connect only where the workers' DATABASES do.
    return extrasPerDyno && extrasPerDyno.length > 0 && (analysis.pools ?? []).some((p) => p.pool.value > 0) ? {...analysis, extrasPerDyno: [...(analysis.extrasPerDyno ?? []), ...extrasPerDyno]} : analysis
}
