/**
 * granian (a Rust HTTP server for Python): `--workers` processes (default 1,
 * `GRANIAN_WORKERS`: the CLI reads every option from `GRANIAN_<NAME>`). What a
 * worker runs at once depends on `--interface` (default `rsgi`):
 * - `wsgi`: requests run on the worker's blocking threads, `--blocking-threads`, whose default
 *   follows the version the app pins: before 1.0, `--threads` (default 1: cli.py v0.7.6 passes it
 *   as pthreads); 1.0–1.3, 1 (cli.py v1.3.2); 1.4–1.7, the backpressure (server.py v1.6.3:
 *   `self.backpressure if self.interface == Interfaces.WSGI`); from 2.0 backpressure ÷ 2
 *   (server/common.py v2.0.0). Backpressure = `--backpressure`, else max(128, backlog) ÷ workers,
 *   backlog default 1024. Unpinned: what pip installs now, 2.x;
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
import {versionAtLeast} from '../../util/version.js'
import {pinnedVersion} from './pins.js'

const CLI = 'https://github.com/emmett-framework/granian/blob/master/granian/cli.py'
const SERVER = 'https://github.com/emmett-framework/granian/blob/master/granian/server/common.py'
const SERVER_1 = 'https://github.com/emmett-framework/granian/blob/v1.6.3/granian/server.py#L123-L129'
const CLI_1_3 = 'https://github.com/emmett-framework/granian/blob/v1.3.2/granian/cli.py#L67-L72'
const CLI_0 = 'https://github.com/emmett-framework/granian/blob/v0.7.6/granian/cli.py#L31'

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
      const pin = pinnedVersion(ctx.files, 'granian')
      const pinned = pin ? `granian ${pin.version} (${pin.file}:${pin.line})` : 'granian (not pinned: pip installs 2.x)'
      const blockingDefault = (): Sourced<number> => {
        if (pin && !versionAtLeast(pin.version, '1.0')) {
          const threads = firstOf(option('--threads', 'granian threads'), sourced(1, fromDefault('granian default threads', CLI_0)))
          return sourced(threads.value.value, threads.value.source, [fromDefault(`${pinned} runs WSGI requests on --threads Python threads per worker`, CLI_0)])
        }
        if (pin && !versionAtLeast(pin.version, '1.4')) return sourced(1, fromDefault(`${pinned} runs WSGI requests on --blocking-threads, default 1 per worker`, CLI_1_3))
        if (pin && !versionAtLeast(pin.version, '2.0')) return sourced(backpressure.value.value, fromDefault(`${pinned} runs WSGI requests on as many blocking threads per worker as the backpressure by default`, SERVER_1), [backpressure.value.source])
        return sourced(Math.max(1, Math.floor(backpressure.value.value / 2)), fromDefault(`${pinned} runs WSGI requests on backpressure ÷ 2 blocking threads per worker by default`, SERVER), [backpressure.value.source])
      }
      const blocking = firstOf(option('--blocking-threads', 'granian blocking threads'), blockingDefault())
      append(diagnostics, [...backlog.diagnostics, ...backpressure.diagnostics, ...blocking.diagnostics])
      threads = blocking.value
    }

    const spec = appArgument(args.filter((a, i) => !['--interface', '--host', '--port', '--workers', '--blocking-threads', '--threads', '--runtime-threads', '--threading-mode', '--runtime-mode', '--backlog', '--backpressure', '--loop', '--http'].includes(args[i - 1] ?? '')))
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
