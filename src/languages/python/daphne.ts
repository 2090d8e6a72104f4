/**
 * Daphne (Django Channels' ASGI server): one process per dyno, an asyncio
 * event loop; Django runs each request's sync code on a thread of its own
 * (server.ts), so only a pool bounds its connections.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {appArgument} from './gunicorn.js'
import {isDaphne} from '../common/matchers.js'

export const daphne: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    return pythonAnalysis({
      ctx,
      diagnostics: [],
      entries: entryFiles(project, [moduleOfAppSpec(appArgument(args))]),
      processes: sourced(1, fromDefault('Daphne runs one process (it has no workers option)', 'https://github.com/django/daphne#readme')),
      project,
      server: 'daphne',
      threads: 'event-loop',
    })
  },
  id: 'daphne',
  matches: isDaphne,
}
