/**
 * A Rust workspace (test/fixtures/rust-workspace): the web binary's pool is made in a path
 * dependency (crates/store, through [workspace.dependencies]) with sqlx PgPoolOptions and
 * max_connections from STORE_POOL_MAX or a const; the jobs binary uses diesel's r2d2 with
 * max_size(threads + 1) from JOB_THREADS or "3". The jobs package's other binary (backfill,
 * max_size 40) is another program and is not read.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('rust-workspace'), ['--scale', 'web=2', 'jobs=1', '--plan', 'standard-0', ...args])

describe('Rust pools in code', () => {
  it('unset env: web 2 dynos × sqlx 6 (DEFAULT_MAX) = 12, jobs r2d2 3 + 1 = 4; total 16, exit 0', () => {
    const r = plan()
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, processesPerDyno: 1, server: 'rust', threadsPerProcess: 6})
    expect(r.type('web').databases).toEqual(['sqlx crates/store/src/lib.rs:10'])
    expect(r.type('web').sources['pool.sqlx crates/store/src/lib.rs:10'].source).toEqual({file: 'crates/store/src/lib.rs', kind: 'file', line: 11})
    expect(r.type('jobs')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('jobs').databases).toEqual(['r2d2 crates/jobs/src/main.rs:7'])
    expect(r.total).toBe(16)
    expect(r.codes).toEqual([])
  })

  it('STORE_POOL_MAX=9 and JOB_THREADS=5: web 2 × 9 = 18, jobs 5 + 1 = 6; total 24', () => {
    const r = plan('--env', 'STORE_POOL_MAX=9', '--env', 'JOB_THREADS=5')
    expect(r.type('web')).toMatchObject({connections: 18, poolPerProcess: 9})
    expect(r.type('jobs')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.total).toBe(24)
  })
})
