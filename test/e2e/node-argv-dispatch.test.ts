/**
 * A program that picks what to run from process.argv by hand, with no command-line library (src/languages/node/js.ts
 * argvTest/argvSwitch, cli-commands.ts chooseByArgv): only the arm the process's words select runs.
 * test/fixtures/node-argv-dispatch, pg:
 * - web `node dist/main.js`: `const role = process.argv[2] || 'web'`, so `web`; `switch (role)`'s `case 'web':` calls
 *   startServer(), a Pool max 12: 12. Not the worker's 4 or backfill's 20.
 * - worker `node dist/main.js worker --concurrency 2`: `case 'worker': case 'jobs':` (fallen through), startWorker(4): 4.
 * - any `node dist/main.js $ROLE`, ROLE set nowhere: which case runs is not known; the largest, backfill's 20, starred.
 * - migrate `node scripts/cmd.js migrate`: `const [command = 'serve', ...rest] = process.argv.slice(2)`, then
 *   `if (command === 'migrate' || command === 'db:migrate') { …; return }` in main(): that arm's Pool max 1: 1.
 * - seed `node scripts/cmd.js`: no word, so `serve`: the code after the early return, a Pool max 7: 7.
 * - clock `node scripts/run.js --clock`: `const isClock = process.argv.includes('--clock')`, `if (isClock)`: max 3: 3.
 * - sweep `node scripts/run.js`: the else arm, max 9: 9.
 * Total 12 + 4 + 20 + 1 + 7 + 3 + 9 = 56. Before: every case's pools in each process of dist/main.js (36 each, unstarred)
 * and the larger arm of each `if` starred (migrate 7*, clock 9*): 140, over the plan's 120.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a program dispatching on process.argv by hand', () => {
  const r = planJson(procfileOf('node-argv-dispatch'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,any=1,migrate=1,seed=1,clock=1,sweep=1'])
  const assumed = (t: string): boolean => r.type(t).sources.threadsPerProcess.via?.some((v) => v.kind === 'assumed') ?? false

  it('counts only the arm the process’s words select (switch, if on a destructured word, includes)', () => {
    expect(r.type('web').connectionsPerDyno).toBe(12)
    expect(r.type('worker').connectionsPerDyno).toBe(4)
    expect(r.type('migrate').connectionsPerDyno).toBe(1)
    expect(r.type('seed').connectionsPerDyno).toBe(7)
    expect(r.type('clock').connectionsPerDyno).toBe(3)
    expect(r.type('sweep').connectionsPerDyno).toBe(9)
    for (const t of ['web', 'worker', 'migrate', 'seed', 'clock', 'sweep']) expect(assumed(t)).toBe(false)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'dist/main.js', message: expect.stringMatching(/`switch \(role\)`\) runs only the arm its arguments select: the process's arguments hold no word at process\.argv\[2\], so `web` .*the pools made in the arms of `case 'worker': case 'jobs':` \(dist\/main\.js:12\), `case 'backfill':` \(dist\/main\.js:24\) are not counted/), severity: 'info'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'scripts/run.js', message: expect.stringContaining("the process's arguments (none) do not hold `--clock`"), severity: 'info'}))
  })

  it('counts the largest arm, starred, when the command line does not say which', () => {
    expect(r.type('any').connectionsPerDyno).toBe(20)
    expect(r.type('any').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("reads $ROLE, which has no value here: the arm whose pools are largest, `case 'backfill':` (line 23, 20 connections)")}))
    expect(r.total).toBe(56)
    expect(r.exit).toBe(0)
  })
})
