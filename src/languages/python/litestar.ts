/**
 * `litestar run`: Litestar's CLI serving the app. Its `run` starts uvicorn (litestar/cli/commands/core.py): one
 * process unless `-W/--wc/--web-concurrency N` (default 1) or WEB_CONCURRENCY, which LitestarEnv.from_env reads and
 * which wins over the flag (`workers = env.web_concurrency or wc`); more than one runs `python -m uvicorn --workers N`.
 * With litestar-granian installed (its GranianPlugin replaces `run`, litestar_granian/cli.py), granian serves instead:
 * the same `-W/--wc/--web-concurrency/--workers` (default 1), read from LITESTAR_WEB_CONCURRENCY or WEB_CONCURRENCY
 * when the flag is not given. Either way requests run on an asyncio event loop, so the app's pool bounds them.
 * The app: the group's `--app module:attr`, else LITESTAR_APP, else the first of app(.py), application(.py) that
 * defines one (_autodiscover_app, litestar/cli/_utils.py).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonAnalysis} from './server.js'
import {envCandidate, findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isLitestarRun, litestarRunArgs} from '../common/matchers.js'
import {pinnedVersion} from './pins.js'

const CORE = 'https://github.com/litestar-org/litestar/blob/main/litestar/cli/commands/core.py'
const GRANIAN = 'https://github.com/cofin/litestar-granian/blob/main/litestar_granian/cli.py'
const WORKER_FLAGS = ['-W', '--wc', '--web-concurrency']

/** litestar-granian in a requirements or lock file, or among pyproject.toml's dependencies. */
function granianPluginInstalled(ctx: AnalyzerContext): boolean {
  if (pinnedVersion(ctx.files, 'litestar-granian')) return true
  const text = ['pyproject.toml', 'requirements.txt', 'setup.py', 'setup.cfg', 'Pipfile'].map((f) => ctx.files.read(f)?.text ?? '').join('\n')
  return /(^|[^\w-])litestar[-_]granian\b/im.test(text.replaceAll(/(^|\s)#.*$/gm, ''))
}

export const litestarRun: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args, group} = litestarRunArgs(ctx.command.argv)!
    const project = new PythonProject(ctx)
    const granian = granianPluginInstalled(ctx)
    const flag = flagCandidate(numericFlag(args, granian ? [...WORKER_FLAGS, '--workers'] : WORKER_FLAGS, ctx.command), 'litestar run workers')
    const env = envCandidate(ctx.env, granian ? ['LITESTAR_WEB_CONCURRENCY', 'WEB_CONCURRENCY'] : ['WEB_CONCURRENCY'], 'litestar run workers')
    const workers = firstOf(
      granian ? [flag, env] : [env, flag],
      sourced(1, fromDefault(granian ? "litestar-granian's `litestar run` default of 1 worker" : "`litestar run`'s default of 1 worker (--web-concurrency)", granian ? GRANIAN : CORE)),
    )
    const spec = findFlag(group, ['--app'])?.value ?? ctx.env.get('LITESTAR_APP')?.value
    const module = moduleOfAppSpec(spec)
    const entries = module ? [module] : ['app', 'application']
    return pythonAnalysis({
      ...(module ? {appModule: {module, named: `litestar ${spec}`}} : {}),
      ctx,
      diagnostics: workers.diagnostics,
      entries: module ? entryFiles(project, entries) : entryFiles(project, entries).slice(0, 1),
      processes: workers.value,
      project,
      server: granian ? 'granian' : 'uvicorn',
      threads: 'event-loop',
    })
  },
  id: 'litestar',
  matches: isLitestarRun,
}
