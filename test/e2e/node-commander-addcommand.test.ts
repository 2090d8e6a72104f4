/**
 * commander subcommands made apart and added with `program.addCommand(…)` (src/languages/node/js.ts addedCommands):
 * each `new Command(name)`'s action runs only when the process names it, as with `.command(name)`.
 * test/fixtures/node-commander-addcommand, pg:
 * - web `node bin/app.js serve --port $PORT`: `new Command('serve')`'s action, a Pool max 8: 8.
 * - worker `node bin/app.js worker`: `const worker = new Command('worker')…action(…)` above `program.addCommand(worker)`:
 *   a Pool max 3: 3.
 * - sync `node bin/app.js`: no command, so the one added with `{isDefault: true}`, `sync`: a Pool max 2: 2.
 * Total 8 + 3 + 2 = 13. Before: every action's pool in every process, 13 each: 39.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('commander subcommands added with addCommand', () => {
  const r = planJson(procfileOf('node-commander-addcommand'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,sync=1'])

  it('counts only the action of the subcommand the process names, or the default one', () => {
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(r.type('worker').connectionsPerDyno).toBe(3)
    expect(r.type('sync').connectionsPerDyno).toBe(2)
    expect(r.total).toBe(13)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'bin/app.js', message: expect.stringMatching(/runs `worker` \(new Command\('worker'\)\).*the pools made in the actions of new Command\('serve'\) \(bin\/app\.js:18\), new Command\('sync'\) \(bin\/app\.js:23\) are not counted/), severity: 'info'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'bin/app.js', message: expect.stringContaining("the default command runs (new Command('sync'))"), severity: 'info'}))
    expect(r.exit).toBe(0)
  })
})
