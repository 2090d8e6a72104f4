/**
 * granian (a Rust HTTP server for Python): `--workers` processes (default 1,
 * `GRANIAN_WORKERS`: the CLI reads every option from `GRANIAN_<NAME>`). What a
 * worker runs at once depends on `--interface` (default `rsgi`):
 * - `wsgi`: requests run on the worker's blocking threads, `--blocking-threads`,
 *   by default backpressure ÷ 2 with backpressure = `--backpressure`, else
 *   backlog (1024) ÷ workers (granian/server/common.py, 2.x);
 * - `asgi`/`rsgi`: an event loop, so the app's pool bounds its connections (as uvicorn).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, sourced, type Sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {appArgument} from './gunicorn.js'
import {envCandidate, findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isGranian} from '../common/matchers.js'
import {append} from '../../util/arrays.js'

const CLI = 'https://github.com/emmett-framework/granian/blob/master/granian/cli.py'
const SERVER = 'https://github.com/emmett-framework/granian/blob/master/granian/server/common.py'

export const granian: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const option = (flag: string, what: string) => [flagCandidate(numericFlag(args, [flag], ctx.command), what), envCandidate(ctx.env, [`GRANIAN_${flag.slice(2).toUpperCase().replaceAll('-', '_')}`], what)]
    const workers = firstOf(option('--workers', 'granian workers'), sourced(1, fromDefault('granian default workers', CLI)))
    const diagnostics = [...workers.diagnostics]
    const iface = findFlag(args, ['--interface'], ctx.command)?.value ?? ctx.env.get('GRANIAN_INTERFACE')?.value ?? 'rsgi'

    let threads: 'event-loop' | Sourced<number> = 'event-loop'
    if (iface.toLowerCase() === 'wsgi') {
      const backlog = firstOf(option('--backlog', 'granian backlog'), sourced(1024, fromDefault('granian default backlog', CLI)))
      const backpressure = firstOf(
        option('--backpressure', 'granian backpressure'),
        sourced(Math.max(1, Math.floor(Math.max(128, backlog.value.value) / workers.value.value)), fromDefault('granian backpressure defaults to backlog ÷ workers', SERVER), [backlog.value.source, workers.value.source]),
      )
      const blocking = firstOf(
        option('--blocking-threads', 'granian blocking threads'),
        sourced(Math.max(1, Math.floor(backpressure.value.value / 2)), fromDefault('granian runs WSGI requests on backpressure ÷ 2 blocking threads per worker by default', SERVER), [backpressure.value.source]),
      )
      append(diagnostics, [...backlog.diagnostics, ...backpressure.diagnostics, ...blocking.diagnostics])
      threads = blocking.value
    }

    const spec = appArgument(args.filter((a, i) => !['--interface', '--host', '--port', '--workers', '--blocking-threads', '--backlog', '--backpressure', '--loop', '--http'].includes(args[i - 1] ?? '')))
    const appModule = moduleOfAppSpec(spec)
    return pythonAnalysis({
      ...(appModule ? {appModule: {module: appModule, named: `granian ${spec}`}} : {}),
      ctx,
      diagnostics,
      entries: entryFiles(project, [appModule]),
      processes: workers.value,
      project,
      server: 'granian',
      threads,
    })
  },
  id: 'granian',
  matches: isGranian,
}
