/**
 * Pools made on first use (test/fixtures/node-lazy-pool): `if (!pool) pool = new Pool(…)` and
 * `if (reportsPool !== null) return reportsPool; reportsPool = new Pool(…)` make each pool once per
 * process, on the first call, whatever conncalc can tell of the variable: they are read, not
 * assumed. An `if` that chooses between two pools is still undecided and labelled.
 * node-postgres: one Pool holds at most `max` connections (default 10).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('node-lazy-pool'), ['--plan', 'standard-0', ...args])

describe('a pool made lazily, once per process', () => {
  it('web: getPool()\'s 7 (`Number(DB_POOL_MAX) || 7`) + reports()\'s 3 = 10 per process, nothing assumed', () => {
    const r = plan('--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 20, connectionsPerProcess: 10, poolPerProcess: 10, threadsPerProcess: 10})
    expect(r.type('web').sources['pool.pg src/db.ts:8']).toMatchObject({source: {file: 'src/db.ts', kind: 'file', line: 10}, value: 7})
    expect(r.type('web').sources['pool.pg src/reports.js:8']).toMatchObject({source: {file: 'src/reports.js', kind: 'file', line: 8}, value: 3})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
    expect(r.diagnostics.filter((d) => d.processType === 'web' || d.file?.startsWith('src/db') || d.file?.startsWith('src/reports'))).toEqual([])
  })

  it('DB_POOL_MAX=12 sizes the lazy pool: 12 + 3 = 15', () => {
    expect(plan('--scale', 'web=1', '--env', 'DB_POOL_MAX=12').type('web').connectionsPerProcess).toBe(15)
  })

  it('worker: a choice between two pools on a call conncalc cannot evaluate is still the larger (20), labelled, threads starred with it', () => {
    const r = plan('--scale', 'worker=1')
    expect(r.type('worker')).toMatchObject({connectionsPerProcess: 20, poolPerProcess: 20})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/worker.js', line: 7}))
    expect(r.type('worker').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
  })
})
