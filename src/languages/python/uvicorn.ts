/**
 * uvicorn (and `fastapi run`, which starts uvicorn): processes = --workers,
 * which "defaults to the $WEB_CONCURRENCY environment variable if available,
 * or 1" (uvicorn/main.py). Requests run on an asyncio event loop, so the
 * app's pool, not a thread count, bounds its connections.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromFlag, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis, defaultWorkers} from './server.js'
import {appArgument} from './gunicorn.js'
import {envCandidate, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isUvicorn} from '../common/matchers.js'

const REF = 'https://github.com/encode/uvicorn/blob/master/uvicorn/main.py'

export const uvicorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args, name} = pythonProgram(ctx.command.argv)
    const rest = name === 'fastapi' ? args.slice(1) : args // `fastapi run app/main.py`
    const project = new PythonProject(ctx)
    const workers = firstOf(
      [flagCandidate(numericFlag(rest, ['--workers']), 'uvicorn workers'), envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'uvicorn workers')],
      defaultWorkers(ctx, 'uvicorn', REF),
    )
    const limit = flagCandidate(numericFlag(rest, ['--limit-concurrency']), 'uvicorn --limit-concurrency')
    const spec = appArgument(rest.filter((a) => a !== '--reload' && a !== '--proxy-headers'))
    const entry = spec?.endsWith('.py') ? spec : moduleOfAppSpec(spec)
    const named = entry && !entry.endsWith('.py') && !rest.some((a) => a.startsWith('--app-dir')) ? {module: entry, named: `${name} ${spec}`} : undefined
    return pythonAnalysis({
      ...(named ? {appModule: named} : {}),
      ctx,
      diagnostics: [...workers.diagnostics, ...limit.diagnostics],
      entries: entryFiles(project, [entry]),
      processes: workers.value,
      project,
      server: 'uvicorn',
      threads: limit.value ? sourced(limit.value.value, fromFlag(limit.value.source.kind === 'flag' ? limit.value.source.flag : '--limit-concurrency')) : 'event-loop',
    })
  },
  id: 'uvicorn',
  matches: isUvicorn,
}
