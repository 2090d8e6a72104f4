/**
 * go-pg (test/fixtures/go-pg-pool): `pg.Connect(opts)` opens a pool of Options.PoolSize connections; unset (0), go-pg v10's
 * options.go init() makes it 10 × runtime.NumCPU(), and a standard-1x dyno reports 8 CPUs (the same nproc rule as
 * pgxpool's default), a standard-2x 8 as well, a performance-m 2. Before, go-pg was not read: the app was taken for
 * database/sql with no cap (1 connection counted, `unbounded-pool`).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('go-pg-pool'), ['--scale', 'web=2', 'mailer=1', ...args])

describe('Go: go-pg pools', () => {
  it('web: store.Open() passes ParseURL options with no PoolSize → 10 × 8 CPUs = 80 per dyno, starred by the CPU-count rule; 2 dynos = 160', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 160, databases: ['go-pg store/store.go:15'], poolPerProcess: 80})
    expect(r.type('web').sources['pool.go-pg store/store.go:15'].via).toContainEqual(expect.objectContaining({kind: 'default', what: 'go-pg v10.11.1 default PoolSize: 10 × runtime.NumCPU() (since v6.3.4)'}))
    expect(r.codes).toContain('cpu-count-default')
    expect(r.codes).not.toContain('unbounded-pool')
  })

  it('mailer: `opts.PoolSize = 3` on the options variable before pg.Connect → 3; total 160 + 3 = 163', () => {
    const r = plan()
    expect(r.type('mailer')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.total).toBe(163)
  })

  it('a performance-m dyno (2 CPUs): web 10 × 2 = 20 per dyno, 2 dynos = 40', () => {
    const r = planJson(procfileOf('go-pg-pool'), ['--scale', 'web=2:performance-m', 'mailer=1'])
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 20})
  })
})
