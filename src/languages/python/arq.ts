/**
 * arq workers (python-arq/arq): `arq app.worker.WorkerSettings` (or `python -m arq …`) imports the class the
 * dotted path names (arq/cli.py → utils.import_string: the module, then the class) and runs one Worker in one
 * process (worker.py run_worker → Worker(**get_kwargs(settings_cls)): the Worker arguments among the class's own
 * `__dict__`, or a dict's keys; an attribute a base class sets is not passed). The worker runs its jobs as asyncio
 * tasks on one event loop, starting one only while fewer than `max_jobs` run (worker.py `job_counter < max_jobs`;
 * `max_jobs: int = 10`), each with the app's own pools: a job holds a connection while it awaits the database, so
 * at most max_jobs of a pool are in use at once. The same from arq 0.16 (2019) through 0.26.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'

import {assumed, fromDefault, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {pyCandidate} from './candidate.js'
import {classOf} from './values.js'
import {isDict} from './evaluate.js'
import {firstOf} from '../common/setting.js'

// arq v0.26.1 arq/worker.py: Worker(…, max_jobs: int = 10, …); get_kwargs reads settings_cls.__dict__ (or the dict).
const WORKER = 'https://github.com/python-arq/arq/blob/v0.26.1/arq/worker.py'
const CLI = 'https://github.com/python-arq/arq/blob/v0.26.1/arq/cli.py'

/** arq's options that take a value (arq/cli.py: `--watch PATH`, `--custom-log-dict NAME`); the rest are switches. */
const VALUE_OPTIONS = new Set(['--watch', '--custom-log-dict'])

/** The WORKER_SETTINGS argument: the one positional of `arq [OPTIONS] WORKER_SETTINGS`. */
function settingsPath(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('-')) {
      if (VALUE_OPTIONS.has(a)) i++
      continue
    }

    return a
  }

  return undefined
}

export const arq: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const path = settingsPath(args)
    const dot = path?.lastIndexOf('.') ?? -1
    const module = path && dot > 0 ? path.slice(0, dot) : undefined
    const className = path && dot > 0 ? path.slice(dot + 1) : undefined
    const perJob = fromDefault('arq runs each job as an asyncio task on one event loop; a job holds a connection while it awaits the database', WORKER)
    const dflt = sourced(10, fromDefault('arq default max_jobs: jobs run at once per worker', WORKER), [perJob])
    const diagnostics: Diagnostic[] = []
    let maxJobs = dflt
    const file = module ? project.resolve(module) : undefined
    const names = file ? (await project.load(file))?.names : undefined
    const named = names?.get(className!)
    const cls = classOf(named)
    const dict = named && isDict(named) ? named.value : undefined
    // The evaluator's class attributes include its bases' (the same value objects); arq passes only the class's own.
    const own = cls?.attrs.get('max_jobs')
    const inherited = own !== undefined && cls!.bases.some((b) => classOf(names?.get(b.split('.').pop()!))?.attrs.get('max_jobs') === own)
    const written = cls ? (inherited ? undefined : own) : dict?.entries.get('max_jobs')
    if (written) {
      const read = firstOf([pyCandidate(written, 'arq max_jobs')], dflt)
      diagnostics.push(...read.diagnostics)
      maxJobs = read.diagnostics.length > 0 ? sourced(10, assumed(`${file}: ${className}.max_jobs is set in a way conncalc cannot read; arq's default 10 used`), [perJob]) : {...read.value, via: [...(read.value.via ?? []), perJob]}
    } else if (dict?.partial) {
      maxJobs = sourced(10, assumed(`${file}: the dict ${className} is not read in full; arq's default max_jobs 10 used`), [perJob])
    } else if (!cls && !dict && file) {
      maxJobs = sourced(10, assumed(`${path} is not a class conncalc can read in ${file}; arq's default max_jobs 10 used`), [perJob])
    }

    const result = await pythonAnalysis({
      // The settings module is imported at start (arq/cli.py import_string): one Python cannot find stops the worker.
      ...(module ? {appModule: {module, named: path!}} : {}),
      ctx,
      diagnostics,
      entries: module ? entryFiles(project, [module]) : [],
      processes: sourced(1, fromDefault('arq runs one worker process (run_worker)', CLI)),
      project,
      server: 'arq',
      threads: maxJobs,
    })
    if (result.language !== 'python' || (result.pools?.length ?? 0) > 0 || result.threadsPerProcess !== maxJobs) return result
    // No pool in what the settings module imports: the jobs may use none (Redis only, HTTP) or open their own
    // connections (asyncpg.connect in a job). max_jobs connections would be a guess; one is counted, said.
    const why = `${path ?? 'the arq settings'}: the modules it imports build no database pool conncalc knows, so whether its jobs use PostgreSQL is not known (max_jobs ${maxJobs.value} run at once); 1 connection assumed`
    return {
      ...result,
      diagnostics: [
        ...result.diagnostics,
        {code: 'unknown-config-value', ...(file ? {file} : {}), fix: `if the jobs use the database, say how many at once: --assume ${ctx.processType}=1:${maxJobs.value}`, message: `${ctx.processType}: ${why}`, processType: ctx.processType, severity: 'warning'},
      ],
      threadsPerProcess: sourced(1, assumed(why), [maxJobs.source, ...(maxJobs.via ?? [])]),
    }
  },
  id: 'arq',
  matches: (cmd) => pythonProgram(cmd.argv).name === 'arq',
}
