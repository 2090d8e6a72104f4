/**
 * A command-line program built with commander, cac or yargs runs only the action of the command its arguments name
 * (src/languages/node/cli-commands.ts). test/fixtures/node-cli-commands, pg:
 * - web `node bin/cli.js serve --port $PORT` (commander): serve's action makes a Pool max 12: 12.
 * - worker `npm run jobs` = `node bin/cli.js jobs --queue mail`: jobs' action is runJobs (declared below, named), its
 *   Pool max 4: 4. Not backfill's (a Pool max 20 in `backfill()`, which only backfill's action calls).
 * - clock `node bin/tasks.js tick` (cac): `tick` is clock's alias; makePool(3): 3.
 * - sweep `node bin/tasks.js` (cac): no command, so the default `[...files]` runs: Pool max 2: 2.
 * - report `node bin/ops.js nightly` (yargs, `.command(['report', 'nightly'], desc, builder, handler)`): Pool max 6: 6;
 *   not vacuum's command module (`{command: 'vacuum', handler}`, max 9).
 * - any `node bin/cli.js $JOB_KIND`, JOB_KIND set nowhere: which command runs is not known; the largest, backfill's 20,
 *   counted, starred.
 * Total 12 + 4 + 3 + 2 + 6 + 20 = 47. Before: every action's pools in every process (web, worker and any 36 = 12 + 4 +
 * 20, unstarred; clock and sweep 5; report 10* from package.json, yargs' chained `.command(…)` calls never read): 128,
 * over the plan's 120.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a CLI program whose process names one of its commands', () => {
  const r = planJson(procfileOf('node-cli-commands'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,clock=1,sweep=1,report=1,any=1'])

  it('counts only the named command’s action (commander, cac with an alias and a default, yargs)', () => {
    expect(r.type('web').connectionsPerDyno).toBe(12)
    expect(r.type('worker').connectionsPerDyno).toBe(4)
    expect(r.type('clock').connectionsPerDyno).toBe(3)
    expect(r.type('sweep').connectionsPerDyno).toBe(2)
    expect(r.type('report').connectionsPerDyno).toBe(6)
    for (const t of ['web', 'worker', 'clock', 'sweep', 'report']) expect(r.type(t).sources.threadsPerProcess.via?.some((v) => v.kind === 'assumed')).toBe(false)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'bin/cli.js', message: expect.stringMatching(/runs `serve`.*the pools made in the actions of \.command\('jobs'\) \(bin\/cli\.js:25\), \.command\('backfill'\) \(bin\/cli\.js:30\) are not counted/), severity: 'info'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'bin/tasks.js', message: expect.stringContaining('no command names: the default command runs'), severity: 'info'}))
  })

  it('counts the largest command, starred, when the command line does not say which', () => {
    expect(r.type('any').connectionsPerDyno).toBe(20)
    expect(r.type('any').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("reads $JOB_KIND, which has no value here: the command whose pools are largest, .command('backfill') (line 20, 20 connections)")}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'bin/cli.js', line: 20, severity: 'warning'}))
    expect(r.total).toBe(47)
    expect(r.exit).toBe(0)
  })
})
