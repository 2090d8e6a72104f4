/**
 * Celery workers (celery/bin/worker.py, celery/worker/worker.py, v5.6):
 * concurrency from -c/--concurrency, --autoscale MAX,MIN (MAX counts), the
 * app's CELERY_WORKER_CONCURRENCY setting, else the number of CPUs — 8 on any
 * Standard dyno. The pool (-P) decides the shape: prefork runs `concurrency`
 * processes of one thread; threads/gevent/eventlet one process with
 * `concurrency` threads or greenlets; solo one of each. `celery beat` is one
 * process with one connection.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, fromFlag, sourced, type Sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {settingsModule} from './django.js'
import {pyCandidate} from './candidate.js'
import {PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {pythonAnalysis} from './server.js'
import {type Candidate, envCandidate, findFlag, firstOf, flagCandidate} from '../common/setting.js'
import {isCelery} from '../common/matchers.js'
import {append} from '../../util/arrays.js'

const REF = 'https://docs.celeryq.dev/en/stable/userguide/configuration.html#worker-concurrency'

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

export const celery: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const app = findFlag(args, ['-A', '--app'])?.value
    const appModule = app?.split(':')[0]
    const entries = entryFiles(project, appModule ? [`${appModule}.celery`, appModule] : [])
    const diagnostics: Diagnostic[] = []

    if (args.includes('beat') && !args.includes('worker')) {
      return pythonAnalysis({
        ctx,
        diagnostics,
        entries,
        processes: sourced(1, fromDefault('celery beat is one scheduler process', 'https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html')),
        project,
        server: 'celery-beat',
        threads: sourced(1, fromDefault('celery beat sends tasks from one thread', 'https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html')),
      })
    }

    // CELERY_WORKER_CONCURRENCY in Django settings (namespace="CELERY"), read from the settings module if the app has one.
    const settingsC: Candidate = {diagnostics: []}
    const module = settingsModule(project, await project.walk([...entries, 'manage.py']), ctx.env)
    const settingsFile = module ? project.resolve(module) : undefined
    const settings = settingsFile ? await project.load(settingsFile) : undefined
    const fromSettings = settings?.names.get('CELERY_WORKER_CONCURRENCY')
    const settingC = fromSettings && settings ? pyCandidate(fromSettings, 'CELERY_WORKER_CONCURRENCY') : settingsC

    // Click's auto_envvar_prefix="CELERY" should make CELERY_WORKER_CONCURRENCY work as an env var: UNCONFIRMED.
    const envC = envCandidate(ctx.env, ['CELERY_WORKER_CONCURRENCY'], 'Celery concurrency')
    if (envC.value) envC.value.via = [assumed('Celery reads CELERY_WORKER_CONCURRENCY through click auto_envvar_prefix (unconfirmed)')]

    const concurrency = firstOf(
      [flagCandidate(findFlag(args, ['-c', '--concurrency']), 'Celery concurrency'), autoscale(ctx, args), settingC, envC],
      nprocDefault(ctx),
    )
    append(diagnostics, concurrency.diagnostics)
    append(diagnostics, cpuCountWarning(ctx, concurrency.value, 'Celery concurrency', `pass -c N to celery worker (e.g. -c 2 on a ${ctx.dyno?.name ?? 'Standard'} dyno)`))

    const poolFlag = findFlag(args, ['-P', '--pool'])
    const pool = poolFlag?.value ?? 'prefork'
    const poolSource = poolFlag ? fromFlag(poolFlag.written) : fromDefault('Celery default pool: prefork', 'https://docs.celeryq.dev/en/stable/userguide/workers.html#concurrency')
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

    return pythonAnalysis({ctx, diagnostics, entries, greenlets: pool === 'gevent' || pool === 'eventlet', processes, project, server: 'celery', threads})
  },
  id: 'celery',
  matches: isCelery,
}
