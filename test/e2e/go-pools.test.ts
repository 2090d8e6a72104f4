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
    expect(r.type('worker').sources['pool.gorm cmd/worker/main.go:23'].via).toContainEqual(expect.objectContaining({flag: '-max-conns=6 (command line)', kind: 'flag'}))
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

/**
 * Config structs filled from the env by struct tags (test/fixtures/go-envconfig):
 * kelseyhightower/envconfig (envconfig.go process: PREFIX_KEY, then the tag alone, then `default`)
 * and caarlos0/env (`env` then `envDefault`), read where SetMaxOpenConns / MaxConns use the field.
 */
describe('Go pools from envconfig and caarlos0/env struct tags', () => {
  const tagged = (...args: string[]) => planJson(procfileOf('go-envconfig'), ['--scale', 'web=2', 'worker=1', ...args])

  it('defaults: envconfig default:"20" for SetMaxOpenConns(cfg.MaxOpenConns), envDefault:"8" for MaxConns = cfg.PoolSize', () => {
    const r = tagged()
    // web: 2 dynos × 20 = 40; worker: pgxpool MaxConns 8. Total 48.
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 20})
    expect(r.type('web').sources['pool.database/sql cmd/courier/main.go:19']).toMatchObject({source: {file: 'cmd/courier/main.go', kind: 'file', line: 23}, via: [{file: 'internal/config/config.go', kind: 'file', line: 9}, expect.objectContaining({kind: 'default', what: expect.stringContaining('when COURIER_DB_MAX_CONNS and DB_MAX_CONNS are unset')})]})
    expect(r.type('worker')).toMatchObject({connections: 8, poolPerProcess: 8})
    expect(r.total).toBe(48)
    // The app caps its pool: never told to add the cap.
    expect(r.codes).not.toContain('unbounded-pool')
  })

  it('the env: DB_MAX_CONNS (the tag alone) 30, DISPATCH_POOL_SIZE 3; COURIER_DB_MAX_CONNS (prefix "courier") wins over DB_MAX_CONNS', () => {
    const r = tagged('--env', 'DB_MAX_CONNS=30', 'DISPATCH_POOL_SIZE=3')
    // 2 × 30 + 3 = 63.
    expect(r.type('web')).toMatchObject({connections: 60, poolPerProcess: 30})
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.type('worker').sources[`pool.${r.type('worker').databases[0]}`].via).toContainEqual(expect.objectContaining({kind: 'env', name: 'DISPATCH_POOL_SIZE'}))
    const prefixed = tagged('--env', 'COURIER_DB_MAX_CONNS=12', 'DB_MAX_CONNS=30')
    // 2 × 12 + 8 = 32.
    expect(prefixed.type('web')).toMatchObject({connections: 24, poolPerProcess: 12})
    expect(prefixed.total).toBe(32)
  })
})

/**
 * Config structs filled in code and handed to the function that opens the pool (test/fixtures/go-config-struct,
 * the "Let's Go Further" shape): `flag.IntVar(&cfg.db.maxOpenConns, "db-max-open-conns", 25, …)` in main, then
 * `openDB(cfg)` whose parameter `cfg config` reaches `db.SetMaxOpenConns(cfg.db.maxOpenConns)`.
 */
describe('Go config struct fields set by flag.IntVar or assignment, read through a parameter', () => {
  const plan = (...args: string[]) => planJson(procfileOf('go-config-struct'), ['--scale', 'web=2', 'mailer=1', ...args])

  it('web: the flag default 25 (the Procfile passes no -db-max-open-conns); mailer: -queue-conns=4 from the Procfile through a *settings parameter', () => {
    const r = plan()
    // web: 2 dynos × 1 process × SetMaxOpenConns(25) = 50; mailer: pgxpool MaxConns = int32(s.queue.conns) = 4. 54.
    expect(r.type('web')).toMatchObject({connections: 50, poolPerProcess: 25})
    expect(r.type('web').sources['pool.database/sql cmd/api/main.go:46']).toMatchObject({source: {file: 'cmd/api/main.go', kind: 'file', line: 51}, via: [{file: 'cmd/api/main.go', kind: 'file', line: 31}, expect.objectContaining({kind: 'default', what: 'the default of flag -db-max-open-conns (the command does not pass it)'})]})
    expect(r.type('mailer')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.total).toBe(54)
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
