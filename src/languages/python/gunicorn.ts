/**
 * gunicorn: processes = workers, threads = --threads (sync/gthread), or
 * worker_connections for gevent/eventlet (each greenlet may hold a connection,
 * so the pool is what bounds it). Precedence as gunicorn documents it
 * (docs.gunicorn.org/en/stable/configure.html): command line, then
 * GUNICORN_CMD_ARGS, then the config file (-c, default ./gunicorn.conf.py),
 * then defaults — `workers` defaults to $WEB_CONCURRENCY, else 1 (gunicorn/config.py).
 * Before 19.0 gunicorn did not read WEB_CONCURRENCY at all: its `workers` default was 1
 * (benoitc/gunicorn@18.0:gunicorn/config.py:499 `default = 1`; read from 19.0 on, commit
 * a8ce74b2 "Honor $WEB_CONCURRENCY environment variable", 19.0:gunicorn/config.py:518).
 */
import {classOf, type EvalValue, type PyModule} from './values.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import type {Extra} from '../../model/process.js'
import {importConnection, importConnectionCount} from './import-connection.js'
import {entryFiles} from './app-pools.js'
import {pyCandidate} from './candidate.js'
import {pinnedVersion} from './pins.js'
import {asString} from './evaluate.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pasteAppModule} from './pasteini.js'
import {pythonProgram} from './program.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {pythonAnalysis, defaultWorkers} from './server.js'
import {missingConfig} from '../ruby/ruby-server.js'
import {appPath, type Candidate, COMMAND_LINE, envCandidate, findFlag, firstOf, flagCandidate, type FoundFlag, unreadFallback} from '../common/setting.js'
import {isGunicorn} from '../common/matchers.js'
import {append} from '../../util/arrays.js'

const REF = 'https://github.com/benoitc/gunicorn/blob/master/gunicorn/config.py'
const ARBITER = 'https://github.com/benoitc/gunicorn/blob/23.0.0/gunicorn/arbiter.py'
const REF_18 = 'https://github.com/benoitc/gunicorn/blob/18.0/gunicorn/config.py#L492-L499'
const FLAGS = {
  chdir: ['--chdir'],
  config: ['-c', '--config'],
  paste: ['--paste', '--paster'],
  pythonpath: ['--pythonpath'],
  threads: ['--threads'],
  workerClass: ['-k', '--worker-class'],
  workerConnections: ['--worker-connections'],
  workers: ['-w', '--workers'],
}

/** Flags whose value is the next word, so that it is not taken for the app module. */
const VALUE_FLAGS = new Set([...Object.values(FLAGS).flat(), '-b', '--bind', '--chdir', '-t', '--timeout', '--log-level', '--access-logfile', '--error-logfile', '-e', '--env', '--name', '-n', '--max-requests', '--max-requests-jitter', '--keep-alive', '--graceful-timeout', '-p', '--pid', '-u', '-g', '--user', '--group', '--forwarded-allow-ips', '--log-file', '--access-logformat', '--host', '--port', '--limit-concurrency', '--root-path', '--app-dir', '--uds', '--fd', '--ws', '--http', '--loop', '--interface', '--env-file', '--log-config', '--ssl-keyfile', '--ssl-certfile', '--timeout-keep-alive', '-u', '--proxy-headers-host', '--ping-interval', '--application-close-timeout', '--websocket_timeout', '-p', '--processes', '-t', '--threads', '-Q', '--queues'])

// gunicorn's own options (gunicorn/config.py, each setting's cli): those that take a value, and the switches.
const GUNICORN_VALUE_OPTIONS = new Set(['-c', '--config', '-b', '--bind', '--backlog', '-w', '--workers', '-k', '--worker-class', '--threads', '--worker-connections', '--max-requests', '--max-requests-jitter', '-t', '--timeout', '--graceful-timeout', '--keep-alive', '--limit-request-line', '--limit-request-fields', '--limit-request-field_size', '--reload-engine', '--reload-extra-file', '--chdir', '-e', '--env', '-p', '--pid', '--worker-tmp-dir', '-u', '--user', '-g', '--group', '-m', '--umask', '--forwarded-allow-ips', '--access-logfile', '--access-logformat', '--error-logfile', '--log-file', '--log-level', '--logger-class', '--log-config', '--log-syslog-to', '--log-syslog-prefix', '--log-syslog-facility', '--statsd-host', '--statsd-prefix', '--dogstatsd-tags', '-n', '--name', '--pythonpath', '--paste', '--paster', '--proxy-allow-from', '--keyfile', '--certfile', '--ssl-version', '--cert-reqs', '--ca-certs', '--ciphers'])
const GUNICORN_SWITCHES = new Set(['--preload', '--reload', '-D', '--daemon', '-R', '--enable-stdio-inheritance', '--capture-output', '--check-config', '--print-config', '--spew', '--no-sendfile', '--reuse-port', '--proxy-protocol', '--initgroups', '--strip-header-spaces', '--disable-redirect-access-to-syslog', '--log-syslog', '--suppress-ragged-eofs', '--do-handshake-on-connect'])
const ARGPARSE = 'https://github.com/python/cpython/blob/main/Lib/argparse.py'
const escapeRe = (s: string): string => s.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * An option that takes a value followed, in the command as written, by another of gunicorn's options (`-b --chdir
 * ./server app:app`): argparse reads the second as an option, so the first has no value and gunicorn stops with
 * "argument -b/--bind: expected one argument" (exit 2) before it imports the app. Only when both words are literal in
 * the Procfile text (`--bind $PORT --workers 3` with PORT unknown here is not this).
 */
export function optionWithoutValue(args: readonly string[], raw: string): string | undefined {
  for (let i = 0; i + 1 < args.length; i++) {
    const [a, b] = [args[i], args[i + 1]]
    if (!GUNICORN_VALUE_OPTIONS.has(a)) continue
    const option = b.split('=')[0]
    if (!GUNICORN_VALUE_OPTIONS.has(option) && !GUNICORN_SWITCHES.has(option)) continue
    if (new RegExp(`(^|\\s)${escapeRe(a)}\\s+${escapeRe(b)}(\\s|$)`).test(raw)) return `${a} ${b}`
  }

  return undefined
}

/** Positional arguments: the app (`proj.wsgi:application`) is among them; see appArgument. */
export function positionals(args: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('-')) {
      // `--port $PORT` with PORT unset leaves `--port --workers 3`: a flag is never a value.
      if (VALUE_FLAGS.has(a) && !args[i + 1]?.startsWith('-')) i++
      continue
    }

    out.push(a)
  }

  return out
}

/** The app argument: the positional that names `module:attr`, else the last one. */
export const appArgument = (args: readonly string[]): string | undefined => {
  const ps = positionals(args)
  return ps.find((p) => /^[A-Za-z_][\w.]*:/.test(p)) ?? ps.at(-1)
}

type Found = Partial<Record<keyof typeof FLAGS, FoundFlag>>

const findAll = (args: readonly string[]): Found =>
  Object.fromEntries(Object.entries(FLAGS).flatMap(([k, names]) => {
    const f = findFlag(args, names)
    return f ? [[k, f]] : []
  })) as Found

/**
 * A setting of the config file: gunicorn runs the file as a module and takes every name in its globals that is one
 * of its settings (gunicorn/app/base.py get_config_from_filename: `vars(mod)`; load_config_from_module_name_or_filename:
 * `for k, v in cfg.items(): if k not in self.cfg.settings: continue`, https://github.com/benoitc/gunicorn/blob/23.0.0/gunicorn/app/base.py),
 * so names set through `globals().update(cfg)` count as assignments do: the evaluator reads them, or (an update it
 * cannot read) gives every unset name as that line's unknown value, which is starred here, never the default unsaid.
 */
function fromConfig(config: PyModule | undefined, name: string, what: string): Candidate {
  const v = config?.names.get(name)
  return v ? pyCandidate(v, what) : {diagnostics: []}
}

function fromCmdArgs(found: FoundFlag | undefined, what: string): Candidate {
  const c = flagCandidate(found, what, 'GUNICORN_CMD_ARGS')
  return c.value ? {diagnostics: [], value: sourced(c.value.value, fromFlag(`GUNICORN_CMD_ARGS="${found!.written}"`))} : c
}

const ASYNC_GREEN = /(^|\.)(gevent|eventlet|geventwebsocket\.gunicorn\.workers\.GeventWebSocketWorker|GeventWorker|EventletWorker|ggevent)/i
const ASYNCIO = /uvicorn|asgi|aiohttp|tornado/i
/** gunicorn's own sync and gthread workers, the ones that use `threads`. */
const THREADED = /(^|[.#])(sync|gthread|SyncWorker|ThreadWorker)$/

/** The base classes of a worker class defined in the app (`proj.workers.Worker` → ["uvicorn.workers.UvicornWorker"]). */
async function appClassBases(project: PythonProject, dotted: string): Promise<string[]> {
  const i = dotted.lastIndexOf('.')
  if (i <= 0) return []
  const file = project.resolve(dotted.slice(0, i))
  const v = file ? (await project.load(file))?.names.get(dotted.slice(i + 1)) : undefined
  return classOf(v)?.bases ?? []
}


/**
 * gunicorn's settings as the app gives them, each as candidates in gunicorn's precedence
 * (command line, GUNICORN_CMD_ARGS, config file; or the options a BaseApplication subclass
 * sets in load_config), before gunicorn's own defaults.
 */
export interface GunicornSettings {
  /** worker_class is set, but to a value conncalc cannot read. */
  classSet?: EvalValue
  threads: Candidate[]
  workerClass?: string
  workerConnections: Candidate[]
  workers: Candidate[]
}

/** Processes and what each runs at once, from gunicorn's settings: workers, the worker class, threads or greenlets. */
export async function gunicornWorkers(ctx: AnalyzerContext, project: PythonProject, settings: GunicornSettings): Promise<{diagnostics: Diagnostic[]; greenlets: boolean; processes: Sourced<number>; threads: 'event-loop' | Sourced<number>}> {
  const diagnostics: Diagnostic[] = []
  // gunicorn before 19.0 never reads WEB_CONCURRENCY (the buildpack's or anyone's): 1 worker unless set.
  const pin = pinnedVersion(ctx.files, 'gunicorn')
  const before19 = pin !== undefined && Number(pin.version.split('.')[0]) < 19
  const webConcurrency = before19 ? {diagnostics: []} : envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'gunicorn workers')
  const workers = firstOf(
    [...settings.workers, webConcurrency],
    before19
      ? sourced(1, fromDefault(`gunicorn ${pin.version} (${pin.file}:${pin.line}) does not read WEB_CONCURRENCY (gunicorn reads it from 19.0 on): its default of 1 worker`, REF_18))
      : defaultWorkers(ctx, 'gunicorn', REF),
  )
  const threadsSetting = firstOf(
    settings.threads,
    sourced(1, fromDefault('gunicorn default threads', REF)),
  )
  append(diagnostics, workers.diagnostics)
  append(diagnostics, cpuCountWarning(ctx, workers.value, 'gunicorn workers', 'set workers from WEB_CONCURRENCY (the buildpack sizes it by dyno memory) or a fixed number'))

  const classValue = settings.workerClass
  const workerClass = classValue ?? 'sync'
  const classSet = settings.classSet
  const classUnread: Diagnostic[] = classSet
    ? [{code: 'unknown-config-value', file: classSet.file, line: classSet.line, message: `cannot read gunicorn worker_class at ${classSet.file}:${classSet.line}${classSet.kind === 'unknown' ? ` (${classSet.reason})` : ''}; sync workers (one request at a time) assumed`, processType: ctx.processType, severity: 'warning'}]
    : []
  append(diagnostics, classUnread)
  // The app's own worker class (`paperless.workers.ConfigurableWorker`): what it subclasses decides.
  const classes = [workerClass, ...(await appClassBases(project, workerClass))]
  let threads: 'event-loop' | Sourced<number> = unreadFallback(classUnread, threadsSetting.value)
  const greenlets = classes.some((c) => ASYNC_GREEN.test(c))
  if (greenlets) {
    const conns = firstOf(
      settings.workerConnections,
      sourced(1000, fromDefault('gunicorn default worker_connections (greenlets per worker)', REF)),
    )
    append(diagnostics, conns.diagnostics)
    threads = conns.value
    diagnostics.push({
      code: 'greenlet-concurrency',
      message: `${ctx.processType}: gunicorn ${workerClass} workers run up to ${conns.value.value} requests at once each; every greenlet can hold its own connection, so only a pool bounds them`,
      processType: ctx.processType,
      severity: 'info',
    })
  } else if (classes.some((c) => ASYNCIO.test(c))) {
    threads = 'event-loop'
  } else if (classes.some((c) => THREADED.test(c)) || classUnread.length > 0) {
    append(diagnostics, threadsSetting.diagnostics)
  } else {
    // Another class (meinheld, an installed package's, one whose bases cannot be read): gunicorn hands
    // `threads` to its gthread worker only (config.py worker_class), so what it runs at once is unknown.
    threads = sourced(1, assumed(`gunicorn passes \`threads\` only to its gthread worker (sync becomes gthread when threads > 1), and what worker class ${workerClass} runs at once is not known; 1 thread assumed (say it with --assume ${ctx.processType}=PROCESSES:THREADS)`), [fromDefault('gunicorn config.py worker_class', REF)])
  }

  return {diagnostics, greenlets, processes: workers.value, threads}
}

/** `preload_app = True` in the config file: where, when it is known to be on. */
function preloadInConfig(config: PyModule | undefined): Source | undefined {
  const v = config?.names.get('preload_app')
  return v?.kind === 'known' && v.value === true ? fromFile(v.file, v.line) : undefined
}

export const gunicorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const flags = findAll(args)
    const cmdArgsEnv = ctx.env.get('GUNICORN_CMD_ARGS')
    const envFlags = cmdArgsEnv ? findAll(cmdArgsEnv.value.split(/\s+/).filter(Boolean)) : {}
    const diagnostics: Diagnostic[] = []
    const configProject = new PythonProject(ctx)

    // -c path.py or python:module; without -c, gunicorn ≥ 20 reads ./gunicorn.conf.py.
    const configArg = flags.config?.value ?? envFlags.config?.value
    let configPath: string | undefined
    if (configArg?.startsWith('python:')) configPath = configProject.resolve(configArg.slice('python:'.length))
    else if (configArg) configPath = appPath(configArg)
    else if (ctx.files.exists('gunicorn.conf.py')) configPath = 'gunicorn.conf.py'
    const config = configPath ? await configProject.load(configPath) : undefined
    append(diagnostics, configProject.diagnostics)
    // `--pythonpath netbox` / `--chdir src` (or pythonpath/chdir in the config): where the app's modules are imported from.
    const pathSetting = (key: 'chdir' | 'pythonpath'): string | undefined => flags[key]?.value ?? envFlags[key]?.value ?? asString(config?.names.get(key))
    const roots = [...(pathSetting('pythonpath')?.split(',') ?? []), ...(pathSetting('chdir') ? [pathSetting('chdir')!] : [])].map((r) => appPath(r.trim()).replace(/\/+$/, '')).filter(Boolean)
    const project = new PythonProject(ctx, roots)
    if (configArg && !ctx.files.exists(configPath ?? configArg)) diagnostics.push({...missingConfig(configPath ?? configArg, `-c ${configArg}`), processType: ctx.processType})

    const classValue = flags.workerClass?.value ?? envFlags.workerClass?.value ?? asString(config?.names.get('worker_class'))
    const shape = await gunicornWorkers(ctx, project, {
      classSet: classValue === undefined ? config?.names.get('worker_class') : undefined,
      threads: [flagCandidate(flags.threads, 'gunicorn threads'), fromCmdArgs(envFlags.threads, 'gunicorn threads'), fromConfig(config, 'threads', 'gunicorn threads')],
      workerClass: classValue,
      workerConnections: [flagCandidate(flags.workerConnections, 'gunicorn worker_connections'), fromCmdArgs(envFlags.workerConnections, 'gunicorn worker_connections'), fromConfig(config, 'worker_connections', 'gunicorn worker_connections')],
      workers: [flagCandidate(flags.workers, 'gunicorn workers'), fromCmdArgs(envFlags.workers, 'gunicorn workers'), fromConfig(config, 'workers', 'gunicorn workers')],
    })
    append(diagnostics, shape.diagnostics)
    // `--paste conf/production.ini`: the app is the one the PasteDeploy ini builds (its [app:main] factory's module).
    const paste = appArgument(args) === undefined ? (flags.paste?.value ?? envFlags.paste?.value ?? asString(config?.names.get('paste'))) : undefined
    const found = paste ? pasteAppModule((f) => ctx.files.read(f)?.text, appPath(paste)) : undefined
    // An egg's package is the distribution's name only by custom: taken when the app has that package, never said missing.
    const pasted = found && (!found.egg || project.resolve(found.module)) ? found : undefined
    const appSpec = appArgument(args) ?? asString(config?.names.get('wsgi_app')) ?? (pasted ? `${pasted.module}:` : undefined)
    const appModule = moduleOfAppSpec(appSpec)
    const entries = entryFiles(project, [appModule])
    const analysis = await pythonAnalysis({
      ...(appModule ? {appModule: {module: appModule, named: pasted ? `gunicorn --paste ${paste}` : `gunicorn ${appSpec}`, ...(pasted?.egg ? {providedBy: pasted.egg} : {})}} : {}),
      ctx,
      diagnostics,
      entries,
      greenlets: shape.greenlets,
      processes: shape.processes,
      project,
      server: 'gunicorn',
      threads: shape.threads,
    })
    const usage = optionWithoutValue(args, ctx.command.raw)
    if (usage) {
      const [flag] = usage.split(' ')
      const what = `gunicorn's \`${usage}\`: ${flag} has no value (argparse reads the next word as an option), so gunicorn stops with "expected one argument" (exit 2) before it starts a worker`
      analysis.diagnostics.push({
        code: 'missing-config',
        file: COMMAND_LINE,
        fix: `give ${flag} its value (e.g. \`${flag} 0.0.0.0:$PORT\` for --bind), or remove it`,
        message: `${ctx.processType}: ${what} (${ARGPARSE}); conncalc counts the process as if it ran`,
        processType: ctx.processType,
        severity: 'warning',
      })
      analysis.processesPerDyno = {...analysis.processesPerDyno, via: [...(analysis.processesPerDyno.via ?? []), assumed(`${what}: the process would exit at start; counted as if it ran`)]}
    }

    // --preload / preload_app = True: the master imports the app before it forks the workers (arbiter.py setup:
    // `if self.cfg.preload_app: self.app.wsgi()`), so a connection that import opens and keeps stays with the master.
    const preload = args.includes('--preload') ? fromFlag('--preload') : cmdArgsEnv && /(^|\s)--preload(\s|$)/.test(cmdArgsEnv.value) ? cmdArgsEnv.source : preloadInConfig(config)
    if (!preload) return analysis
    const opened = importConnection(await project.walk(entries))
    if (!opened || !(analysis.pools ?? []).some((p) => p.pool.value > 0)) return analysis
    const count = importConnectionCount(opened)
    const held: Extra = {count: {...count, via: [...(count.via ?? []), preload, fromDefault("gunicorn's master loads the app before it forks its workers when preload_app is on", ARBITER)]}, kind: 'import-connection', reason: "a connection gunicorn's master opens while it imports the app (preload_app), kept idle in its pool"}
    return {...analysis, extrasPerDyno: [...(analysis.extrasPerDyno ?? []), held]}
  },
  id: 'gunicorn',
  matches: isGunicorn,
}
