/**
 * uWSGI (unbit/uwsgi): processes = `processes`/`workers` (-p), default 1
 * (`uwsgi.numproc = 1` in core/init.c); threads per process = `threads`,
 * default 1 (`uwsgi.threads = 1`, same file). With `cheaper = N` the
 * adaptive spawner keeps at least N workers and grows to `processes` under
 * load (Cheaper.rst), so `processes` is what counts. `--gevent N` / `--async N`
 * run N async cores per process (Gevent.rst: "the number of async cores to
 * spawn"); each can hold a connection, so only the app's pool bounds them.
 * `--enable-threads` only lets threads the app starts itself run; it does not
 * add request threads. `--http` adds a router process that holds no database
 * connection; `--http-socket` adds nothing.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {Extra} from '../../model/process.js'

import {layer} from '../../model/env.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {pythonAnalysis} from './server.js'
import {expandOption, lastOption, readUwsgiOptions, uwsgiInteger, type UwsgiOption} from './uwsgi-config.js'
import {appPath, firstOf} from '../common/setting.js'
import {isUwsgi} from '../common/matchers.js'
import {append} from '../../util/arrays.js'

const INIT = 'https://github.com/unbit/uwsgi/blob/master/core/init.c'
const CHEAPER = 'https://uwsgi-docs.readthedocs.io/en/latest/Cheaper.html'
const GEVENT = 'https://uwsgi-docs.readthedocs.io/en/latest/Gevent.html'
const SPOOLER = 'https://uwsgi-docs.readthedocs.io/en/latest/Spooler.html'
const CRON_REF = 'https://uwsgi-docs.readthedocs.io/en/latest/Cron.html'
const DAEMONS = 'https://uwsgi-docs.readthedocs.io/en/latest/AttachingDaemons.html'
const MULES = 'https://uwsgi-docs.readthedocs.io/en/latest/Mules.html'

/** Options that make uWSGI run a command as a process of its own beside the workers (cron: when its schedule fires). */
const CRON = new Set(['cron', 'cron2', 'unique-cron', 'legion-cron'])
const DAEMON = new Set(['attach-daemon', 'attach-daemon2', 'smart-attach-daemon', 'smart-attach-daemon2', 'attach-control-daemon', 'legion-attach-daemon'])
/** A command that runs the app's Python: a script, `manage.py`, `python -m`, `flask`/`celery`-style console scripts are not guessed. */
const PYTHON_COMMAND = /(^|[\s/])(python[\d.]*|manage\.py|[\w.-]+\.py)(\s|$)/

/**
 * Processes uWSGI starts beside its workers that run the app's code (uwsgi-docs Spooler.rst, Cron.rst, AttachingDaemons.rst,
 * Mules.rst): each `spooler` directory gets `spooler-processes` spoolers (default 1), each running one spooled task at a
 * time on its main thread; a `cron` (cron2, unique-cron) command is run by the master as a process of its own when its
 * schedule fires, and different jobs run at once when their schedules coincide (counted each, as supercronic's jobs are);
 * an attached daemon runs for the instance's lifetime; a `mule` is a worker process of its own for the app's code. Each
 * that runs the app's Python is counted one connection per dyno, an assumption: conncalc does not read what the tasks,
 * commands or mules do.
 */
function besideWorkers(ctx: AnalyzerContext, options: readonly UwsgiOption[]): Extra[] {
  const out: Extra[] = []
  const where = (o: UwsgiOption): Source => (o.file ? fromFile(o.file, o.line ?? 1) : o.source)
  const spoolers = options.filter((o) => o.key === 'spooler')
  if (spoolers.length > 0) {
    const per = uwsgiInteger(ctx, options, lastOption(options, ['spooler-processes']), 'spooler-processes').value
    const n = spoolers.length * (per?.value ?? 1)
    out.push({
      count: sourced(n, where(spoolers[0]), [
        ...(per ? [per.source] : [fromDefault('uWSGI starts one spooler process per spooler directory (spooler-processes defaults to 1)', SPOOLER)]),
        assumed(`${n === 1 ? 'the spooler runs' : `the ${n} spooler processes run`} the app's spooled tasks one at a time, each on its main thread; a task that uses the database holds one connection (what the tasks do is not read)`),
      ]),
      kind: 'uwsgi-spooler',
      reason: `uWSGI spooler process${n === 1 ? '' : 'es'} running the app's tasks`,
    })
  }

  for (const o of options) {
    const value = expandOption(ctx, options, o).value ?? o.raw
    const cron = CRON.has(o.key)
    if (!(cron || DAEMON.has(o.key) || o.key === 'mule') || (o.key !== 'mule' && !PYTHON_COMMAND.test(value))) continue
    const what = cron ? `\`${o.key} = ${value}\` runs the command as a process of its own when its schedule fires (beside the workers; jobs whose schedules coincide run at once)` : o.key === 'mule' ? `\`mule${o.raw ? ` = ${o.raw}` : ''}\` is a process of its own running the app's code` : `\`${o.key} = ${value}\` runs the command for the instance's lifetime`
    out.push({
      count: sourced(1, where(o), [fromDefault(what, cron ? CRON_REF : o.key === 'mule' ? MULES : DAEMONS), assumed('it runs the app\'s Python, holding one connection while it runs (what it does is not read)')]),
      kind: cron ? 'uwsgi-cron' : o.key === 'mule' ? 'uwsgi-mule' : 'uwsgi-daemon',
      reason: cron ? 'a uWSGI cron command' : o.key === 'mule' ? 'a uWSGI mule' : 'a daemon uWSGI attaches',
    })
  }

  return out
}

export const uwsgi: ServerAnalyzer = {
  async analyze(ctx0: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx0.command.argv)
    const config = readUwsgiOptions(ctx0, args)
    const {options} = config
    const diagnostics: Diagnostic[] = [...config.diagnostics]
    const text = (keys: string[]): string | undefined => {
      const o = lastOption(options, keys)
      return o ? expandOption(ctx0, options, o).value : undefined
    }

    // `env = DJANGO_SETTINGS_MODULE=proj.settings.production`: the app sees it.
    const envOpts = options.filter((o) => o.key === 'env' && o.raw.includes('='))
    const ctx: AnalyzerContext = envOpts.length === 0 ? ctx0 : {
      ...ctx0,
      env: ctx0.env.with(layer('uWSGI env', envOpts.map((o) => {
        const v = expandOption(ctx0, options, o).value ?? o.raw
        const i = v.indexOf('=')
        return {name: v.slice(0, i), source: o.source, value: v.slice(i + 1)}
      }))),
    }

    const processes = firstOf([uwsgiInteger(ctx, options, lastOption(options, ['processes', 'workers']), 'processes')], sourced(1, fromDefault('uWSGI default processes (uwsgi.numproc = 1)', INIT)))
    append(diagnostics, processes.diagnostics)
    append(diagnostics, cpuCountWarning(ctx, processes.value, 'uWSGI processes', 'set processes from $(WEB_CONCURRENCY) (the buildpack sizes it by dyno memory) or a fixed number'))
    const cheaper = lastOption(options, ['cheaper'])
    let processesValue: Sourced<number> = processes.value
    if (cheaper) {
      processesValue = {...processes.value, via: [...(processes.value.via ?? []), fromDefault(`cheaper (${cheaper.raw}) is the fewest workers uWSGI keeps; under load it spawns up to processes`, CHEAPER)]}
    }

    const asyncOpt = lastOption(options, ['gevent', 'async'])
    let threads: Sourced<number>
    if (asyncOpt) {
      const cores = uwsgiInteger(ctx, options, asyncOpt, `--${asyncOpt.key} cores`)
      append(diagnostics, cores.diagnostics)
      threads = cores.value ?? sourced(1, fromDefault('uWSGI default async cores', INIT))
      diagnostics.push({
        code: 'greenlet-concurrency',
        message: `${ctx.processType}: uWSGI --${asyncOpt.key} ${threads.value} runs up to ${threads.value} requests at once in each process (async cores); every one can hold its own connection, so only a pool bounds them`,
        processType: ctx.processType,
        severity: 'info',
      })
      threads = {...threads, via: [...(threads.via ?? []), fromDefault('--gevent/--async N is the number of async cores to spawn per process', GEVENT)]}
    } else {
      const t = firstOf([uwsgiInteger(ctx, options, lastOption(options, ['threads']), 'threads')], sourced(1, fromDefault('uWSGI default threads (uwsgi.threads = 1)', INIT)))
      append(diagnostics, [...t.diagnostics, ...cpuCountWarning(ctx, t.value, 'uWSGI threads', 'set threads to a fixed number')])
      threads = t.value
    }

    // The app: --module/-w proj.wsgi:application, --wsgi-file proj/wsgi.py, --mount /=app:app; --chdir and --pythonpath are import roots.
    const chdir = text(['chdir'])
    const roots = [...options.filter((o) => ['pythonpath', 'python-path', 'pp'].includes(o.key)).map((o) => expandOption(ctx, options, o).value), chdir]
      .filter((r): r is string => Boolean(r) && !r!.startsWith('/'))
      .map((r) => appPath(r))
    const project = new PythonProject(ctx, roots)
    const inRoot = (f: string): string => (chdir && !chdir.startsWith('/') && !ctx.files.exists(appPath(f)) ? `${appPath(chdir)}/${appPath(f)}` : appPath(f))
    const wsgiFile = text(['wsgi-file', 'file'])
    const module = text(['module', 'wsgi'])
    const mount = text(['mount'])?.split('=').slice(1).join('=')
    const entries = wsgiFile ? [inRoot(wsgiFile)] : entryFiles(project, [moduleOfAppSpec(module ?? mount)])
    // `module = proj.wsgi` (or a mount's app) imports that module: checked against the app, as gunicorn's app module is.
    const appModule = wsgiFile ? undefined : moduleOfAppSpec(module ?? mount)
    const named = module !== undefined ? `module = ${module}` : `mount = ${mount}`
    // `paste = config:/app/production.ini` loads the app its [app:main] `use = egg:NAME` names: NAME is the distribution
    // that provides the module (PasteDeploy loadapp; /app is the app's root on Heroku).
    const paste = text(['paste'])?.replace(/^config:/, '').replace(/^\/app\//, '')
    const egg = paste ? /^\s*use\s*=\s*egg:([A-Za-z0-9_.-]+)/m.exec(ctx.files.read(paste)?.text ?? '')?.[1] : undefined
    const analysis = await pythonAnalysis({...(appModule ? {appModule: {module: appModule, named, ...(egg ? {providedBy: egg} : {})}} : {}), ctx, diagnostics, entries, greenlets: asyncOpt?.key === 'gevent', processes: processesValue, project, server: 'uwsgi', threads})
    const beside = (analysis.pools ?? []).some((p) => p.pool.value > 0) ? besideWorkers(ctx, options) : []
    return beside.length > 0 ? {...analysis, extrasPerDyno: [...(analysis.extrasPerDyno ?? []), ...beside]} : analysis
  },
  id: 'uwsgi',
  matches: isUwsgi,
}
