/**
 * A command that stops at start before any of the app's code runs (ctx.exitsAtStart, set where
 * the command was followed: a package manager told to run a script no selected package has,
 * procfile/node-run.ts): the process holds no connection while the platform restarts it. Said
 * as a missing-config warning, with the reference that says the tool stops.
 */
import type {ServerAnalyzer} from '../languages/common/types.js'

import {fromDefault, sourced} from '../model/source.js'

export const exitsAtStart: ServerAnalyzer = {
  analyze(ctx) {
    const exits = ctx.exitsAtStart!
    return {
      diagnostics: [{code: 'missing-config', file: ctx.origin?.file, fix: exits.fix, line: ctx.origin?.line, message: `${ctx.processType}: ${exits.why}`, processType: ctx.processType, severity: 'warning'}],
      language: 'none',
      processesPerDyno: sourced(1, fromDefault('the platform runs one process per dyno for the command', 'https://devcenter.heroku.com/articles/procfile')),
      server: 'none',
      threadsPerProcess: sourced(0, fromDefault(exits.why, exits.ref)),
    }
  },
  id: 'exits-at-start',
  matches: (_cmd, ctx) => ctx.exitsAtStart !== undefined,
}
