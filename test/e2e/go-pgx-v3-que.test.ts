/**
 * pgx v3's pool and que-go workers (test/fixtures/go-pgx-v3-que, a govendor app: vendor/vendor.json's rootPath is the
 * module). pgx v3 conn_pool.go NewConnPool: MaxConnections 0 → 5. que-go: each of NewWorkerPool's n workers holds one
 * pooled connection while it works a job (Client.LockJob Acquires, Job.Done Releases), so a worker process that serves
 * no HTTP holds min(pool, n).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('go-pgx-v3-que'), ['--scale', 'web=2', 'worker=1', 'stats=1', ...args])

describe('Go: pgx v3 NewConnPool and que-go workers', () => {
  it('web: the module root\'s OpenPool (imported as github.com/acme/jobs) gives no MaxConnections → pgx v3 default 5; 2 dynos × 5 = 10', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 10, databases: ['pgx.ConnPool pool.go:14'], poolPerProcess: 5, threadsPerProcess: 5})
    expect(r.type('web').sources['pool.pgx.ConnPool pool.go:14'].via).toContainEqual(expect.objectContaining({kind: 'default', what: 'pgx v3 ConnPool default MaxConnections: 5'}))
    expect(r.codes).not.toContain('unbounded-pool')
  })

  it('worker: MaxConnections: 10 in the config variable\'s literal, 3 que workers (const workers) and no HTTP → min(10, 3) = 3', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 10, threadsPerProcess: 3})
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: 'https://github.com/bgentry/que-go/blob/master/worker.go'})
  })

  it('stats: the app pool (5) counted; `cfg.MaxConnections = 2` on STATS_DATABASE_URL (no value) listed on an unknown server; total 10 + 3 + 5 = 18', () => {
    const r = plan()
    expect(r.type('stats')).toMatchObject({connections: 5, poolPerProcess: 5})
    expect(r.type('stats').otherServerPools).toEqual([expect.objectContaining({database: 'pgx.ConnPool cmd/jobs-stats/main.go:20', pool: 2, server: 'unknown server: STATS_DATABASE_URL has no value'})])
    expect(r.codes).toContain('other-server-pools')
    expect(r.total).toBe(18)
  })

  it('stats: STATS_DATABASE_URL on DATABASE_URL\'s host and port → both pools counted, 5 + 2 = 7; total 20', () => {
    const r = plan('--env', 'DATABASE_URL=postgres://u@db.example:5432/app', '--env', 'STATS_DATABASE_URL=postgres://u@db.example:5432/stats')
    expect(r.type('stats')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(r.total).toBe(20)
  })

  it('stats: STATS_DATABASE_URL on another host → listed on that server, 5 counted; total 18', () => {
    const r = plan('--env', 'DATABASE_URL=postgres://u@db.example:5432/app', '--env', 'STATS_DATABASE_URL=postgres://u@stats.example:5432/stats')
    expect(r.type('stats').otherServerPools).toEqual([expect.objectContaining({pool: 2, server: 'STATS_DATABASE_URL'})])
    expect(r.total).toBe(18)
  })
})
