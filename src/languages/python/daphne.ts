/**
 * Daphne (Django Channels' ASGI server): one process per dyno, an asyncio
 * event loop; Django runs each request's sync code on a thread of its own
 * (server.ts), so only a pool bounds its connections. Daphne 1.x serving a
 * Channels 1 channel layer runs no Django code at all (channels-one.ts): 0.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, fromFact, sourced} from '../../model/source.js'
import {CHANNELS_1_DEPLOY, channelsOnePin, servesChannelLayer} from './channels-one.js'
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
    const layer = await servesChannelLayer(project, appArgument(args))
    if (layer) {
      const why = [...layer, ...(channelsOnePin(ctx.files) ?? [])]
      const relays = 'Daphne 1.x is Channels 1\'s interface server: it relays HTTP and WebSocket messages to the channel layer and runs no Django view (`manage.py runworker` does)'
      return {
        diagnostics: [],
        language: 'none',
        processesPerDyno: sourced(1, fromFact('Daphne runs one process (it has no workers option)', 'https://github.com/django/daphne#readme')),
        server: 'daphne',
        threadsPerProcess: sourced(0, fromDefault(`${relays}; it opens no PostgreSQL connection`, CHANNELS_1_DEPLOY), why),
      }
    }

    const appModule = moduleOfAppSpec(appArgument(args))
    return pythonAnalysis({
      ...(appModule ? {appModule: {module: appModule, named: `daphne ${appArgument(args)}`}} : {}),
      ctx,
      diagnostics: [],
      entries: entryFiles(project, [appModule]),
      processes: sourced(1, fromFact('Daphne runs one process (it has no workers option)', 'https://github.com/django/daphne#readme')),
      project,
      server: 'daphne',
      threads: 'event-loop',
    })
  },
  id: 'daphne',
  matches: isDaphne,
}
