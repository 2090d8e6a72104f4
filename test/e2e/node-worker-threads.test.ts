/**
 * worker_threads (test/fixtures/node-worker-threads): worker.js starts a Worker per job; each thread
 * runs in its own V8 isolate with its own module instances (https://nodejs.org/api/worker_threads.html),
 * so db.js's pg Pool (max 4) is made again in every thread. How many run at once is the app's code:
 * said, and the worker's connections starred; the web process starts none and is not.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

describe('a Node process that starts worker threads', () => {
  it('counts its pools once, starred, and says the threads each make their own', () => {
    const r = planJson(procfileOf('node-worker-threads'), ['--scale', 'web=1', 'worker=1'])
    // web: pg Pool max 4 (db.js:3) → 1 dyno × 4 = 4. worker: the same pool, counted once → 4; total 8.
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4})
    const warning = r.diagnostics.find((d) => d.code === 'unknown-command')
    expect(warning).toMatchObject({processType: 'worker', severity: 'warning'})
    expect(warning!.message).toContain('starts worker threads (new Worker() at worker.js:6)')
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command')).toHaveLength(1)
    const plain = runCliInProcess(['plan', '--procfile', `${fixture('node-worker-threads')}/Procfile`, '--scale', 'web=1', 'worker=1', '--plan', 'essential-0'])
    expect(plain.stdout).toMatch(/^worker .* 4\*/m)
    expect(plain.stdout).not.toMatch(/^web .*\*/m)
  })
})
