/**
 * Hypercorn: processes = -w/--workers (default 1, hypercorn/config.py; it does
 * not read WEB_CONCURRENCY), each an asyncio (or trio) event loop bounded by the
 * app's pool.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {appArgument} from './gunicorn.js'
import {findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isHypercorn} from '../common/matchers.js'

const REF = 'https://github.com/pgjones/hypercorn/blob/main/src/hypercorn/config.py'

export const hypercorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const workers = firstOf([flagCandidate(numericFlag(args, ['-w', '--workers']), 'hypercorn workers')], sourced(1, fromDefault('Hypercorn default workers', REF)))
    const diagnostics = [...workers.diagnostics]
    const config = findFlag(args, ['-c', '--config'])
    if (config) {
      diagnostics.push({
        code: 'unknown-config-value',
        message: `${ctx.processType}: hypercorn config ${config.value} is not read; set --workers on the command line or --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }

    const appModule = moduleOfAppSpec(appArgument(args))
    return pythonAnalysis({
      ...(appModule ? {appModule: {module: appModule, named: `hypercorn ${appArgument(args)}`}} : {}),
      ctx,
      diagnostics,
      entries: entryFiles(project, [appModule]),
      processes: workers.value,
      project,
      server: 'hypercorn',
      threads: 'event-loop',
    })
  },
  id: 'hypercorn',
  matches: isHypercorn,
}
