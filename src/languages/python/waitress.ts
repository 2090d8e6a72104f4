/**
 * waitress (a pure-Python WSGI server): `waitress-serve [options] MODULE:OBJECT` or
 * `python -m waitress …`. One process (waitress never forks, and it does not read
 * WEB_CONCURRENCY) whose requests run on a fixed pool of `--threads` task threads, default 4
 * (waitress/adjustments.py `threads = 4`). Options are parsed by `getopt` as `--name=value`
 * or `--name value`, and end at the first positional argument, the app (or `--app=`);
 * `--call` makes the app a factory to call, which changes nothing here.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, fromFact, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isWaitress} from '../common/matchers.js'

const ADJUSTMENTS = 'https://github.com/Pylons/waitress/blob/main/src/waitress/adjustments.py'

/** The app: `--app=X`, else the first argument that is not an option (getopt stops there). */
function appSpec(args: readonly string[]): string | undefined {
  const flag = findFlag(args, ['--app'])
  if (flag) return flag.value
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (!a.startsWith('--')) return a
    // `--name value`: every option but the boolean ones takes a value; the ones apps write
    // without `=` are host/port/listen/threads. A value-less flag followed by the app is rare.
    if (!a.includes('=') && /^--(host|port|listen|threads|url-scheme|url-prefix|ident|unix-socket|connection-limit|channel-timeout|backlog)$/.test(a)) i++
  }

  return undefined
}

export const waitress: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const threads = firstOf([flagCandidate(numericFlag(args, ['--threads'], ctx.command), 'waitress threads')], sourced(4, fromDefault('waitress default threads: requests run on a pool of 4 task threads', ADJUSTMENTS)))
    const appModule = moduleOfAppSpec(appSpec(args))
    return pythonAnalysis({
      ...(appModule ? {appModule: {module: appModule, named: `waitress-serve ${appSpec(args)}`}} : {}),
      ctx,
      diagnostics: [...threads.diagnostics],
      entries: entryFiles(project, [appModule]),
      processes: sourced(1, fromFact('waitress serves from one process (it has no worker processes)', ADJUSTMENTS)),
      project,
      server: 'waitress',
      threads: threads.value,
    })
  },
  id: 'waitress',
  matches: isWaitress,
}
