import type {ServerAnalyzer} from '../languages/common/types.js'

import {assumed, sourced} from '../model/source.js'

/** Anything no analyzer recognises: 1 process × 1 connection, and say so. */
export const unknown: ServerAnalyzer = {
  analyze(ctx) {
    const what = ctx.command.argv[0] ?? ctx.command.raw
    // Quoted in a message (and in every source that cites it): a long command is shortened.
    const quoted = `"${what.length > 80 ? `${what.slice(0, 79)}…` : what}"`
    const why = ctx.unknownWhy ? `${quoted}: ${ctx.unknownWhy}` : `conncalc does not recognise ${quoted}`
    return {
      diagnostics: [
        {
          code: 'unknown-command',
          file: ctx.origin?.file,
          fix: `if it opens database connections, tell conncalc how many: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
          line: ctx.origin?.line,
          message: `${ctx.processType}: ${why}; counting 1 process × 1 connection`,
          processType: ctx.processType,
          severity: 'warning',
        },
      ],
      language: 'unknown',
      processesPerDyno: sourced(1, assumed(`${why}; 1 process per dyno`)),
      server: 'unknown',
      threadsPerProcess: sourced(1, assumed(`${why}; 1 thread per process`)),
    }
  },
  id: 'unknown',
  matches: () => true,
}
