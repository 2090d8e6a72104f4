/**
 * Go apps whose pools are set in code (test/fixtures/go-pgxpool-gorm): pgxpool's
 * config.MaxConns from a package constant in an imported package of the module, and GORM's
 * db.DB().SetMaxOpenConns(*flag) with the flag passed on the Procfile line; and which package a
 * bare binary is built from (test/fixtures/go-module-binary).
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

describe('Go: a bare binary is matched to its package (test/fixtures/go-module-binary)', () => {
  const go = () => planJson(procfileOf('go-module-binary'), ['--plan', 'standard-0'])

  it('`ledger` is the module root (github.com/acme/ledger): SetMaxOpenConns(maxOpen = 12) → 12', () => {
    expect(go().type('web')).toMatchObject({connectionsPerDyno: 12, databases: ['database/sql main.go:16']})
  })

  it('`./bin/sync` is cmd/sync: SetMaxOpenConns(3) → 3', () => {
    expect(go().type('sync')).toMatchObject({connectionsPerDyno: 3, databases: ['database/sql cmd/sync/main.go:16']})
  })

  it('`bin/report` matches no package: said, and the module root is read instead', () => {
    const r = go()
    const d = r.diagnostics.find((x) => x.processType === 'report' && x.code === 'unknown-config-value')
    expect(d?.message).toContain('`bin/report` matches no package of the app: the module is github.com/acme/ledger')
    expect(r.type('report').connectionsPerDyno).toBe(12)
    // 12 + 3 + 12 = 27.
    expect(r.total).toBe(27)
  })
})
