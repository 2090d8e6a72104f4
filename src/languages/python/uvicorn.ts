/**
 * uvicorn (and `fastapi run`, which starts uvicorn): processes = --workers,
 * which "defaults to the $WEB_CONCURRENCY environment variable if available,
 * or 1" (uvicorn/main.py) — from 0.10.0 on (config.py 0.10.0: `if workers is None and "WEB_CONCURRENCY" in
 * os.environ`); before, `--workers` defaults to 1 and the variable is not read (main.py 0.9.1), so a pinned
 * uvicorn < 0.10 runs 1 worker whatever the buildpack sets. Requests run on an asyncio event loop, so the
 * app's pool, not a thread count, bounds its connections.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, fromFlag, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis, defaultWorkers} from './server.js'
import {appArgument} from './gunicorn.js'
import {envCandidate, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isUvicorn} from '../common/matchers.js'
import {versionAtLeast} from '../../util/version.js'
import {pinnedVersion} from './pins.js'

const REF = 'https://github.com/encode/uvicorn/blob/master/uvicorn/main.py'
const REF_09 = 'https://github.com/encode/uvicorn/blob/0.9.1/uvicorn/main.py#L70-L75'

export const uvicorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args, name} = pythonProgram(ctx.command.argv)
    const rest = name === 'fastapi' ? args.slice(1) : args // `fastapi run app/main.py`
    const project = new PythonProject(ctx)
    // `fastapi run` needs a uvicorn far newer than 0.10; a pin before 0.10 never reads WEB_CONCURRENCY.
    const pin = name === 'fastapi' ? undefined : pinnedVersion(ctx.files, 'uvicorn')
    const before010 = pin !== undefined && !versionAtLeast(pin.version, '0.10')
    const workers = firstOf(
      [flagCandidate(numericFlag(rest, ['--workers']), 'uvicorn workers'), before010 ? {diagnostics: []} : envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'uvicorn workers')],
      before010 ? sourced(1, fromDefault(`uvicorn ${pin.version} (${pin.file}:${pin.line}) does not read WEB_CONCURRENCY (uvicorn reads it from 0.10.0 on): its default of 1 worker`, REF_09)) : defaultWorkers(ctx, 'uvicorn', REF),
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
