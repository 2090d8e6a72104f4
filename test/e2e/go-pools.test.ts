/**
 * Go apps whose pools are set in code (test/fixtures/go-pgxpool-gorm): pgxpool's
 * config.MaxConns from a package constant in an imported package of the module, and GORM's
 * db.DB().SetMaxOpenConns(*flag) with the flag passed on the Procfile line.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('go-pgxpool-gorm'), ['--scale', 'web=3', 'worker=1', ...args])

describe('Go pools in code', () => {
  it('web: bin/api → cmd/api, which imports internal/db: config.MaxConns = defaultMaxConns (int32(10)) → 3 dynos × 10 = 30', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 30, poolPerProcess: 10, processesPerDyno: 1, threadsPerProcess: 10})
    expect(r.type('web').sources[`pool.${r.type('web').databases[0]}`].source).toEqual({file: 'internal/db/pool.go', kind: 'file', line: 25})
    expect(r.codes).not.toContain('unbounded-pool')
  })

  it('worker: GORM over database/sql, SetMaxOpenConns(*maxConns) with -max-conns=6 on the Procfile line → 6 (not the flag\'s default 4)', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.type('worker').sources['pool.gorm cmd/worker/main.go:23'].via).toContainEqual(expect.objectContaining({flag: '-max-conns=6 (Procfile)', kind: 'flag'}))
    expect(r.type('worker').databases).toEqual(['gorm cmd/worker/main.go:23'])
    // 30 + 6 = 36.
    expect(r.total).toBe(36)
  })
})
