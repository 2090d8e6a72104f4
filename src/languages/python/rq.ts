/**
 * RQ (rq/cli, v2.10): `rq worker` is one process that forks a work horse per
 * job — one job, one connection at a time. `rq worker-pool -n N` runs N such
 * workers; the CLI's default N is 1 while the docs say 2 (they disagree, so
 * the default is labelled). django-rq's `manage.py rqworker` is `rq worker`, and so is Flask-RQ2's `flask rq
 * worker` (https://github.com/rq/Flask-RQ2/blob/18.3/src/flask_rq2/cli.py, the last release: its `worker` runs rq.cli's worker; Flask-RQ's
 * `flask rq worker` likewise).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {PyCall, PyModule} from './values.js'

import {assumed, fromDefault, fromFact, fromFile, type Source, sourced} from '../../model/source.js'
import {PythonProject} from './modules.js'
import {flaskAppEntries} from './app-pools.js'
import {flaskSubcommand, manageInvocation, pythonProgram, scriptRoot} from './program.js'
import {pythonAnalysis} from './server.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isRq} from '../common/matchers.js'

const REF = 'https://python-rq.org/docs/workers/'
// django-rq's management commands (django_rq/management/commands): rqworker's handle() builds the worker, closes every
// Django connection (reset_db_connections, "Close any opened DB connection before any fork") and calls w.work(), which
// forks a work horse per job; rqscheduler's handle() builds rq-scheduler's Scheduler (get_scheduler) and calls run(),
// which moves due jobs onto their queues in Redis and opens no database connection.
const DJANGO_RQ_WORKER = 'https://github.com/rq/django-rq/blob/master/django_rq/management/commands/rqworker.py'
const DJANGO_RQ_SCHEDULER = 'https://github.com/rq/django-rq/blob/master/django_rq/management/commands/rqscheduler.py'
// rq-scheduler's own `rqscheduler` script (rq_scheduler/scripts/rqscheduler.py): Scheduler(...).run() over Redis.
const RQ_SCHEDULER = 'https://github.com/rq/rq-scheduler/blob/master/rq_scheduler/scripts/rqscheduler.py'
// Flask-RQ2's `flask rq scheduler` (flask_rq2/cli.py 18.3, `def scheduler`): rq.get_scheduler(interval, queue) then
// scheduler.run(burst) — rq-scheduler's Scheduler in the Flask app's context.
const FLASK_RQ2_CLI = 'https://github.com/rq/Flask-RQ2/blob/18.3/src/flask_rq2/cli.py'

/**
 * What a django-rq command the app subclasses (`class Command(rqworker.Command)` in its own
 * `management/commands/metaci_rqworker.py`) is: found from the module's `Command` bases, import-qualified.
 */
export function djangoRqBase(bases: readonly string[]): 'scheduler' | 'worker' | undefined {
  if (bases.includes('django_rq.management.commands.rqworker.Command')) return 'worker'
  if (bases.includes('django_rq.management.commands.rqscheduler.Command')) return 'scheduler'
  return undefined
}

/**
 * `rqscheduler` (rq-scheduler's script), django-rq's `manage.py rqscheduler`, or an app command extending it: one
 * process that moves scheduled jobs onto their queues in Redis and holds no database connection. `own` names the app's
 * subclass when there is one (its handle() is read: ORM calls there hold one connection, found by the caller).
 */
export async function rqSchedulerAnalysis(ctx: AnalyzerContext, project: PythonProject, entries: string[], how: Source[], ref = how.length > 0 ? DJANGO_RQ_SCHEDULER : RQ_SCHEDULER): Promise<ServerAnalysis> {
  const none = sourced(0, fromDefault('rq-scheduler\'s Scheduler.run() moves due jobs onto their queues in Redis; it runs no job and opens no database connection', ref), how)
  const analysis = await pythonAnalysis({ctx, diagnostics: [], entries, processes: sourced(1, fromFact('the scheduler is one process', ref)), project, server: 'rq-scheduler', threads: none})
  return {...analysis, language: 'none', threadsPerProcess: none}
}

/** `manage.py <name>` of an app command extending django-rq's rqworker: rq's worker, its handle() run first (`how`). */
export async function djangoRqWorkerAnalysis(ctx: AnalyzerContext, project: PythonProject, entries: string[], how: Source[]): Promise<ServerAnalysis> {
  const one = sourced(1, fromDefault('django-rq\'s rqworker closes Django\'s connections before the worker forks; an RQ worker runs one job at a time, in a forked work horse', DJANGO_RQ_WORKER), [...how, fromDefault('an RQ worker runs one job at a time (in a forked work horse)', REF)])
  return pythonAnalysis({ctx, diagnostics: [], entries, processes: sourced(1, fromFact('an RQ worker is one process (and the work horse it forks per job)', REF)), project, server: 'rq', threads: one})
}

/**
 * A script of the app that runs an RQ worker itself (`Worker([Queue()], connection=conn).work()`, rq's Worker or
 * SimpleWorker, rq/worker.py): the process is an RQ worker, as `rq worker` is. The jobs it runs are the app's
 * functions, named in each job and imported by the work horse when it performs the job (rq/job.py Job.func:
 * import_attribute of the function's dotted name), so what the script imports at load says nothing about them. One
 * job at a time, each in a forked work horse (SimpleWorker: in the process itself): one connection, from the app's
 * pools as for `rq worker`.
 */
const RQ_WORK = /^rq\.(worker\.)?(Simple)?Worker\(\)\.work$/
const RQ_WORKER = /^rq\.(worker\.)?(Simple)?Worker$/
/** `Worker([q], connection=r).work(...)` chained on the call: the callee is the text as written, its head the class's local name. */
const CHAINED_WORK = /^([A-Za-z_][\w.]*)\([\s\S]*\)\.work$/
const RQ_WORKER_SOURCE = 'https://github.com/rq/rq/blob/master/rq/worker.py'

/**
 * The call that runs an RQ worker in the script's own module, if there is one: `worker.work()` on a name bound to
 * rq's Worker or SimpleWorker, or `.work()` chained on the class's call, made on the same line.
 */
export function rqWorkCall(module: PyModule): PyCall | undefined {
  return module.calls.find((c) => {
    if (RQ_WORK.test(c.callee)) return true
    const head = CHAINED_WORK.exec(c.callee)?.[1]
    return head !== undefined && module.calls.some((w) => w.line === c.line && RQ_WORKER.test(w.callee) && w.callee.split('.').pop() === head.split('.').pop())
  })
}

/** `python worker.py` whose module runs `rq.Worker(...).work()` (rqWorkCall): an RQ worker running the app's jobs. */
export async function rqWorkerScriptAnalysis(ctx: AnalyzerContext, file: string, call: PyCall): Promise<ServerAnalysis> {
  const project = new PythonProject(ctx, file.includes('/') ? [file.slice(0, file.lastIndexOf('/'))] : [])
  const how = fromFile(file, call.line)
  const one = sourced(1, how, [fromDefault(`${file}:${call.line} runs an RQ worker (${RQ_WORK.test(call.callee) ? call.callee.replace('()', '(…)') : `${CHAINED_WORK.exec(call.callee)![1]}(…).work`}): it performs one job at a time (${/SimpleWorker/.test(call.callee) ? 'in the process itself' : 'in a forked work horse'}), importing the job's function from the app when it runs it`, RQ_WORKER_SOURCE)])
  return pythonAnalysis({ctx, diagnostics: [], entries: [], processes: sourced(1, how, [fromFact('an RQ worker is one process (and the work horse it forks per job)', REF)]), project, server: 'rq', threads: one})
}

export const rq: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args, name} = pythonProgram(ctx.command.argv)
    const manage = manageInvocation(ctx.command.argv)
    const project = new PythonProject(ctx, scriptRoot(manage?.script))
    if (name === 'rqscheduler' || manage?.command === 'rqscheduler') {
      const how = manage ? [fromDefault('`manage.py rqscheduler` is django-rq\'s command: get_scheduler(queue).run()', DJANGO_RQ_SCHEDULER)] : []
      return rqSchedulerAnalysis(ctx, project, manage?.script ? [manage.script] : [], how)
    }

    // Flask-RQ2's `flask rq worker` runs rq.cli's worker in the Flask app's context: the app flask loads is the entry.
    const flask = manage ? undefined : flaskSubcommand(ctx.command.argv)
    if (flask?.name === 'rq' && flask.args[0] === 'scheduler') {
      const how = [fromDefault('`flask rq scheduler` is Flask-RQ2\'s command: rq.get_scheduler(...).run()', FLASK_RQ2_CLI)]
      return rqSchedulerAnalysis(ctx, project, flaskAppEntries(ctx, project, flask.app), how, FLASK_RQ2_CLI)
    }

    const isPool = name === 'rq' && args[0] === 'worker-pool'
    const one = sourced(1, fromDefault('an RQ worker runs one job at a time (in a forked work horse)', REF))
    const n = isPool
      ? firstOf(
          [flagCandidate(numericFlag(args, ['-n', '--num-workers']), 'rq worker-pool -n')],
          sourced(1, fromDefault('rq worker-pool default --num-workers in rq/cli/workers.py', 'https://github.com/rq/rq/blob/master/rq/cli/workers.py'), [assumed('the RQ docs say 2; the CLI source says 1')]),
        )
      : {diagnostics: [], value: one}
    return pythonAnalysis({
      ctx,
      diagnostics: n.diagnostics,
      entries: manage?.script ? [manage.script] : flask?.name === 'rq' ? flaskAppEntries(ctx, project, flask.app) : [],
      processes: n.value,
      project,
      server: isPool ? 'rq-worker-pool' : 'rq',
      threads: one,
    })
  },
  id: 'rq',
  matches: isRq,
}
