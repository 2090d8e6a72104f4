/**
 * huey's own consumer, `huey_consumer[.py] module.huey [-w N] [-k thread|greenlet|process]` (huey@2.5.2
 * huey/bin/huey_consumer.py): it imports the module that holds the Huey instance (load_class of the dotted path)
 * and runs `workers` workers (default 1) of `worker_type` (default thread), options from the command line only
 * (huey/consumer_options.py config_defaults, OptionParserHandler). Threads and greenlets run in the consumer's one
 * process; process workers are that many processes of one task each, forked by the consumer's main process after
 * it imported the module, so a connection that import opened (import-connection.ts) stays with the main process.
 * The scheduler only enqueues periodic tasks: it runs none, so it is not counted.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, fromFlag, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isHueyConsumer} from '../common/matchers.js'
import {importConnection, importConnectionCount} from './import-connection.js'

const CONSUMER = 'https://github.com/coleifer/huey/blob/2.5.2/huey/bin/huey_consumer.py'
const OPTIONS = 'https://github.com/coleifer/huey/blob/2.5.2/huey/consumer_options.py'
/**
 * Flags of huey_consumer that take a value (consumer_options.py OptionParserHandler: 2.5.2's, plus `-M/--max-tasks COUNT`,
 * which huey 3.x adds, https://github.com/coleifer/huey/blob/3.3.0/huey/consumer_options.py), so the Huey path is the one
 * word that is not a flag nor a value. The others (-f -C -n -u -o -v -q -S) take none.
 */
const VALUED = new Set(['-w', '--workers', '-k', '--worker-type', '-d', '--delay', '-m', '--max-delay', '-b', '--backoff', '-c', '--health-check-interval', '-s', '--scheduler-interval', '-l', '--logfile', '-L', '--extra-locks', '-M', '--max-tasks'])

export const hueyConsumerCli: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const path = args.find((a, i) => !a.startsWith('-') && !(i > 0 && VALUED.has(args[i - 1])))
    // load_class("main.huey"): module main, attribute huey (huey/utils.py load_class).
    const module = path?.includes('.') ? path.slice(0, path.lastIndexOf('.')) : path
    const entries = entryFiles(project, [module])
    const workers = firstOf([flagCandidate(numericFlag(args, ['-w', '--workers']), 'huey_consumer --workers')], sourced(1, fromDefault("huey's default workers, 1", OPTIONS)))
    const typeFlag = findFlag(args, ['-k', '--worker-type'])
    const workerType = typeFlag?.value ?? 'thread'
    const typeSource = typeFlag ? fromFlag(typeFlag.written) : fromDefault("huey's default worker_type, thread", OPTIONS)
    const runs = fromDefault('huey_consumer imports the Huey instance it names and runs one consumer', CONSUMER)
    const processes = workerType === 'process' ? {...workers.value, via: [...(workers.value.via ?? []), typeSource, runs]} : sourced(1, runs)
    const threads = workerType === 'process'
      ? sourced(1, typeSource, [fromDefault('each huey process worker runs one task at a time', OPTIONS)])
      : {...workers.value, via: [...(workers.value.via ?? []), typeSource, fromDefault(`huey ${workerType} workers: ${workers.value.value} ${workerType === 'greenlet' ? 'greenlets' : 'threads'} in the consumer's process`, OPTIONS)]}
    const analysis = await pythonAnalysis({
      ...(module && /^[A-Za-z_][\w.]*$/.test(module) ? {appModule: {module, named: `huey_consumer ${path}`}} : {}),
      ctx,
      diagnostics: [...workers.diagnostics],
      entries,
      greenlets: workerType === 'greenlet',
      processes,
      project,
      server: 'huey',
      threads,
    })
    if (workerType !== 'process') return analysis
    const opened = importConnection(await project.walk(entries))
    if (!opened || !(analysis.pools ?? []).some((p) => p.pool.value > 0)) return analysis
    const held = {count: importConnectionCount(opened), kind: 'import-connection', reason: 'a connection the huey consumer opens while it imports the app (create_all), before it starts its process workers, kept idle in its pool'}
    return {...analysis, extrasPerDyno: [...(analysis.extrasPerDyno ?? []), held]}
  },
  id: 'huey',
  matches: isHueyConsumer,
}
