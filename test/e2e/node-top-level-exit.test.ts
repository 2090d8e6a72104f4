/**
 * `process.exit()` at a module's top level under no condition: Node stops there, and the statements below it never
 * run (src/languages/node/js.ts statements). test/fixtures/node-top-level-exit, pg:
 * - web `node web.js`: db.js's Pool max 4, queried per request: 4.
 * - worker `node worker.js`: logs, then `process.exit(0)` at line 3; the Pool max 15 and its setInterval below never
 *   run: 0 (before: 15, read past the exit).
 * - report `node report.js`: Pool max 3, and a conditional exit at the end (`if (process.env.REPORT_OFF === '1')`):
 *   as before, 3.
 * Total 4 + 0 + 3 = 7 (before 22).
 * Procfile.nodemon: report `nodemon --ignore tmp report.js` (nodemon runs report.js; --ignore takes tmp): read as
 * Node, 3 (before: an unrecognised program, 1*).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('an unconditional process.exit() at the top level of the file a process runs', () => {
  it('stops the reading there: the pool below it is not counted; a conditional exit changes nothing', () => {
    const r = planJson(procfileOf('node-top-level-exit'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,report=1'])
    expect(r.type('web').connectionsPerDyno).toBe(4)
    expect(r.type('worker').connectionsPerDyno).toBe(0)
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({file: 'worker.js', kind: 'file', line: 3})
    expect(r.type('report').connectionsPerDyno).toBe(3)
    expect(r.total).toBe(7)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'worker.js', line: 3, message: expect.stringContaining('process.exit() at its top level'), severity: 'info'}))
  })

  it('reads a Procfile command that starts the file with nodemon', () => {
    const r = planJson(procfileOf('node-top-level-exit/Procfile.nodemon'), ['--plan', 'standard-0', '--scale', 'web=1,report=1'])
    expect(r.type('report')).toMatchObject({connectionsPerDyno: 3, server: 'node'})
    expect(r.total).toBe(7)
  })
})
