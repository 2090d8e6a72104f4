/**
 * graphile-worker run by its CLI (test/fixtures/node-graphile-worker-cli): its own pg Pool of
 * --max-pool-size, else maxPoolSize in .graphile-workerrc (cosmiconfig), else 10
 * (graphile/worker src/config.ts, src/cli.ts). Its task files are what it loads, not the app's main.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('node-graphile-worker-cli'), ['--scale', 'web=1', 'worker=2', 'jobs=1', ...args])

describe('graphile-worker CLI', () => {
  it('worker: `graphile-worker -c $DATABASE_URL --jobs 4` takes maxPoolSize 6 from .graphile-workerrc: 2 dynos × 6 = 12', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connections: 12, poolPerProcess: 6, processesPerDyno: 1, server: 'graphile-worker'})
    const pool = r.type('worker').sources['pool.graphile-worker']
    expect(pool.source).toEqual({file: '.graphile-workerrc', kind: 'file', line: 3})
    // --jobs 4 on the Procfile line wins over the rc file's concurrentJobs 2, and is named.
    expect(pool.via).toContainEqual(expect.objectContaining({flag: '--jobs 4 (command line)', kind: 'flag'}))
    // The task files are read, not server.js: the web's pg Pool is not counted in the worker.
    expect(r.type('worker').databases).toEqual(['graphile-worker'])
  })

  it('jobs: `npm run jobs:low` → `graphile-worker --max-pool-size 3 --jobs 2`: the flag wins over the rc file, 3', () => {
    const r = plan()
    expect(r.type('jobs')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.type('jobs').sources['pool.graphile-worker'].source).toEqual({flag: '--max-pool-size 3 (command line)', kind: 'flag'})
    // web 5 (pg Pool max 5) + worker 12 + jobs 3 = 20; nothing unrecognised.
    expect(r.total).toBe(20)
    expect(r.codes).not.toContain('unknown-command')
  })
})
