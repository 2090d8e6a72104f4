import {describe, expect, it} from 'vitest'

import {fixture, runCliInProcess, runJson} from '../helpers/cli.js'

interface Diag {
  code: string
  file?: string
  line?: number
  message: string
  processType?: string
  severity: string
}
interface Row {
  ceiling: number
  connections: number
  connectionsPerDyno: number
  connectionsPerProcess: number
  maxDynos: null | number
  name: string
  pgbouncer: null | Record<string, unknown> & {sources: Record<string, {source: {kind: string}; via?: {kind: string}[]}>}
  pooled: boolean
  sources: Record<string, {source: Record<string, unknown>}>
}
interface Report {
  diagnostics: Diag[]
  limit: number
  processTypes: Row[]
  serverPooling: null | Record<string, unknown>
  status: string
  total: number
}

const plan = (name: string, ...args: string[]) => runJson<Report>(['plan', '--procfile', `${fixture(name)}/Procfile`, ...args])
const row = (r: Report, name: string): Row => r.processTypes.find((p) => p.name === name)!
const codes = (r: Report): string[] => r.diagnostics.map((d) => d.code)

describe('PgBouncer buildpack (bin/start-pgbouncer)', () => {
  it('caps a wrapped type at (pool + reserve) × databases per dyno, with the defaults 1 + 1 and DATABASE_URL', () => {
    const {code, json} = plan('pgbouncer-buildpack', '--scale', 'web=3', 'worker=1', '--plan', 'standard-0')
    expect(code).toBe(0)
    const web = row(json, 'web')
    // 3 Puma workers × (5 threads + Action Cable's LISTEN connection) would be 18 per dyno without PgBouncer.
    expect(web).toMatchObject({ceiling: 6, connections: 6, connectionsPerDyno: 2, connectionsPerProcess: 6, pooled: false})
    expect(web.pgbouncer).toMatchObject({
      clientCeilingPerDyno: 18,
      clientConnectionsPerDyno: 18,
      countedUrls: ['DATABASE_URL'],
      defaultPoolSize: 1,
      maxClientConn: 100,
      maxPreparedStatements: 0,
      poolMode: 'transaction',
      preparedStatementsSafe: false,
      reservePoolSize: 1,
      serverConnectionsPerDyno: 2,
      sessionFeatures: [{file: 'config/cable.yml', line: 8, what: "Action Cable's PostgreSQL adapter (LISTEN/NOTIFY)"}],
      urls: ['DATABASE_URL'],
      wrapper: 'bin/start-pgbouncer',
    })
    expect(web.pgbouncer!.sources.defaultPoolSize.source.kind).toBe('default')
    expect(web.sources.serverConnectionsPerDyno.source).toMatchObject({kind: 'default'})
    // The unwrapped worker connects directly.
    expect(row(json, 'worker')).toMatchObject({connections: 10, pgbouncer: null})
    expect(json.total).toBe(16)

    expect(codes(json)).toEqual(['pgbouncer-prepared-statements', 'pgbouncer-session-features'])
    expect(json.diagnostics[0]).toMatchObject({processType: 'web', severity: 'warning'})
    expect(json.diagnostics[0].message).toMatch(/^web runs PgBouncer in transaction mode, but ActiveRecord prepared statements are on \(default: ActiveRecord prepared_statements defaults to true/)
    expect(json.diagnostics[1]).toMatchObject({file: 'config/cable.yml', line: 8, processType: 'web', severity: 'warning'})
  })

  it('shows the pooler in the table and explains the number', () => {
    const r = runCliInProcess(['plan', '--procfile', `${fixture('pgbouncer-buildpack')}/Procfile`, '--scale', 'web=3', 'worker=1', '--plan', 'standard-0', '--explain'])
    expect(r.code).toBe(0)
    // max dynos 54: (120 − worker 10 − the release dyno 1) / 2, so the deploy peak fits too
    expect(r.stdout).toMatch(/\nweb +puma\+pgbouncer +3 +3 +5 +5 +1 +6 +2 +6 +54\n/)
    expect(r.stdout).toContain(
      'web: PgBouncer in each dyno opens 2 server connections (at most (1 pool + 1 reserve) × 1 database = 2, and no more than its clients ask for; transaction mode); its processes open 18 to PgBouncer (max_client_conn 100)',
    )
    // min(cap 2, 3 workers × 6 clients) = 2.
    expect(r.stdout).toContain('connections per dyno = min(2, 3 × 6 clients) = 2')
    expect(r.stdout).toContain(
      'server conns per dyno  2  PgBouncer in each dyno (bin/start-pgbouncer) caps server connections: default: (PGBOUNCER_DEFAULT_POOL_SIZE 1 + PGBOUNCER_RESERVE_POOL_SIZE 1) × 1 database in PGBOUNCER_URLS (DATABASE_URL)',
    )
    expect(r.stdout).toContain('config/cable.yml:8: warning: web: Action Cable')
  })

  it('prepared statements off, several URLs, sizes from the env file: databases on the same server count, a follower does not', () => {
    const {code, json} = plan(
      'pgbouncer-prepared-off',
      '--env-file',
      `${fixture('pgbouncer-prepared-off')}/.env.heroku`,
      '--scale',
      'web=4',
      'worker=2',
      '--plan',
      'standard-0',
    )
    const web = row(json, 'web')
    // (5 + 2) × 2: DATABASE_URL and ROSE (same host and database); TEAL is another server.
    expect(web.pgbouncer).toMatchObject({
      countedUrls: ['DATABASE_URL', 'HEROKU_POSTGRESQL_ROSE_URL'],
      defaultPoolSize: 5,
      maxClientConn: 20,
      preparedStatementsSafe: true,
      reservePoolSize: 2,
      serverConnectionsPerDyno: 14,
      urls: ['DATABASE_URL', 'HEROKU_POSTGRESQL_ROSE_URL', 'HEROKU_POSTGRESQL_TEAL_URL'],
    })
    expect(web.pgbouncer!.sources.preparedStatementsSafe.source).toEqual({file: 'config/database.yml', kind: 'file', line: 14})
    expect(web.pgbouncer!.sources.defaultPoolSize.source).toMatchObject({kind: 'env', name: 'PGBOUNCER_DEFAULT_POOL_SIZE'})
    expect(web).toMatchObject({connections: 56, connectionsPerDyno: 14})
    // PgBouncer opens server connections only as clients ask: the worker's 1 × 5 Sidekiq threads need
    // at most 5 of its (5 + 2) × 2 = 14 (min(14, 5) = 5 per dyno, 2 dynos = 10).
    expect(row(json, 'worker')).toMatchObject({connections: 10, connectionsPerDyno: 5})
    expect(row(json, 'worker').pgbouncer).toMatchObject({clientConnectionsPerDyno: 5, serverConnectionsPerDyno: 5})
    expect(json.total).toBe(66)
    // 4 workers × 8 threads = 32 clients per web dyno > max_client_conn 20: refused at PgBouncer.
    expect(codes(json)).toEqual(['pgbouncer-client-limit'])
    expect(json.diagnostics[0]).toMatchObject({processType: 'web', severity: 'error'})
    expect(json.diagnostics[0].message).toMatch(/^web: each dyno's processes open up to 32 connections to PgBouncer \(4 × 8\), more than PGBOUNCER_MAX_CLIENT_CONN 20 /)
    expect(code).toBe(1)
    // No password from the env file anywhere in the report.
    expect(JSON.stringify(json)).not.toMatch(/p4ssw0rd-Secret|Other-Secret-99/)
  })

  it('PGBOUNCER_PREPARED_STATEMENTS=false or PGBOUNCER_MAX_PREPARED_STATEMENTS silences the prepared-statements warning', () => {
    const base = ['--scale', 'web=3', 'worker=1', '--plan', 'standard-0']
    const off = plan('pgbouncer-buildpack', ...base, '--env', 'PGBOUNCER_PREPARED_STATEMENTS=false')
    expect(codes(off.json)).toEqual(['pgbouncer-session-features'])
    expect(row(off.json, 'web').pgbouncer!.sources.preparedStatementsSafe.source).toMatchObject({kind: 'env', name: 'PGBOUNCER_PREPARED_STATEMENTS'})
    const tracked = plan('pgbouncer-buildpack', ...base, '--env', 'PGBOUNCER_MAX_PREPARED_STATEMENTS=100')
    expect(codes(tracked.json)).toEqual(['pgbouncer-session-features'])
    // Session mode breaks neither.
    const session = plan('pgbouncer-buildpack', ...base, '--env', 'PGBOUNCER_POOL_MODE=session')
    expect(codes(session.json)).toEqual([])
  })

  it('a URL whose value is unknown is counted on the same server, as an assumption', () => {
    const {json} = plan('pgbouncer-buildpack', '--scale', 'web=1', 'worker=1', '--env', 'PGBOUNCER_URLS=DATABASE_URL HEROKU_POSTGRESQL_ROSE_URL')
    const web = row(json, 'web')
    expect(web.connectionsPerDyno).toBe(4)
    expect(web.pgbouncer!.sources.serverConnectionsPerDyno.via!.some((s) => s.kind === 'assumed')).toBe(true)
  })

  it('Prisma behind PgBouncer needs pgbouncer=true in its URL', () => {
    const on = plan('pgbouncer-prisma', '--scale', 'web=2')
    expect(row(on.json, 'web')).toMatchObject({connections: 4, connectionsPerDyno: 2})
    const d = on.json.diagnostics.find((x) => x.code === 'pgbouncer-prepared-statements')!
    expect(d.message).toMatch(/^web runs PgBouncer in transaction mode, but Prisma prepared statements are on/)
    const off = plan('pgbouncer-prisma', '--scale', 'web=2', '--env', 'DATABASE_URL=postgres://u:Secret-pw@db.example.com:5432/shop?pgbouncer=true')
    expect(codes(off.json)).not.toContain('pgbouncer-prepared-statements')
    expect(row(off.json, 'web').pgbouncer!.sources.preparedStatementsSafe.source).toEqual({from: '--env', kind: 'env', name: 'DATABASE_URL'})
    expect(off.stdout).not.toContain('Secret-pw')
  })

  it('GoodJob behind PgBouncer in transaction mode: its LISTEN/NOTIFY and advisory locks break', () => {
    const {json} = plan('pgbouncer-good-job', '--scale', 'web=1', 'worker=1')
    const d = json.diagnostics.find((x) => x.code === 'pgbouncer-session-features')!
    expect(d).toMatchObject({processType: 'worker', severity: 'warning'})
    expect(d.message).toMatch(/^worker: GoodJob \(LISTEN\/NOTIFY for new jobs, advisory locks to claim them\) needs the same server connection/)
    expect(row(json, 'web').pgbouncer).toBeNull()
  })

  it('PGBOUNCER_ENABLED=0 runs the command without PgBouncer', () => {
    const {json} = plan('pgbouncer-buildpack', '--scale', 'web=3', 'worker=1', '--env', 'PGBOUNCER_ENABLED=0')
    // 3 workers × (5 threads + 1 Action Cable LISTEN) per dyno, straight to the database.
    expect(row(json, 'web')).toMatchObject({connections: 54, connectionsPerDyno: 18, pgbouncer: null})
  })
})

describe("Heroku's server-side connection pooling", () => {
  it('on Standard: the pooled type counts against the pooler, which opens at most 75% of the limit (an assumption)', () => {
    const {code, json} = plan('server-pooling', '--scale', 'web=20', 'worker=1', '--plan', 'standard-0')
    expect(code).toBe(0)
    const web = row(json, 'web')
    expect(web).toMatchObject({connections: 300, maxDynos: 666, pooled: true})
    expect(web.sources.pooled.source).toEqual({from: 'Procfile:2', kind: 'env', name: 'DATABASE_URL'})
    expect(json.serverPooling).toMatchObject({
      clientLimit: 10_000,
      clients: 300,
      serverConnections: 90,
      serverLimit: 90,
      types: ['web'],
    })
    expect((json.serverPooling!.sources as Record<string, {source: {kind: string}}>).serverLimit.source.kind).toBe('assumed')
    // 90 through the pooler + 10 from the direct worker: 100 of 120, where 310 would not fit directly.
    expect(json).toMatchObject({limit: 120, status: 'warning', total: 100})
    expect(codes(json)).toEqual(['near-limit'])
  })

  it('prints the pooler line with the assumption marked', () => {
    const r = runCliInProcess(['plan', '--procfile', `${fixture('server-pooling')}/Procfile`, '--scale', 'web=20', 'worker=1', '--plan', 'standard-0'])
    expect(r.stdout).toContain('server-side pool: web opens 300 client connections (limit 10,000); the pooler opens 90 on the database, at most 90* = 75% of 120')
    expect(r.stdout).toMatch(/\nweb +puma \(pooled\) +20 /)
  })

  it('refused on Essential: error and exit 1', () => {
    const {code, json} = plan('server-pooling', '--scale', 'web=1', 'worker=1', '--plan', 'essential-0')
    expect(code).toBe(1)
    const d = json.diagnostics.find((x) => x.code === 'server-pooling-unavailable')!
    expect(d).toMatchObject({severity: 'error'})
    expect(d.message).toBe(
      'web connects through DATABASE_CONNECTION_POOL_URL, but server-side connection pooling is not available on essential-0 (essential tier): `heroku pg:connection-pooling:attach` refuses it',
    )
  })

  it('refused on Advanced too', () => {
    const {json} = plan('server-pooling', '--scale', 'web=1', 'worker=1', '--plan', 'advanced-4g-performance')
    expect(codes(json)).toContain('server-pooling-unavailable')
  })

  it('--pooled marks a type by hand; an unknown type is exit 2', () => {
    const {json} = plan('pgbouncer-buildpack', '--scale', 'web=1', 'worker=30', '--plan', 'standard-2', '--pooled', 'worker')
    expect(row(json, 'worker')).toMatchObject({connections: 300, pooled: true})
    expect(row(json, 'worker').sources.pooled.source).toEqual({flag: '--pooled worker', kind: 'flag'})
    expect(json.serverPooling).toMatchObject({clients: 300, serverConnections: 300, serverLimit: 300})

    const bad = runCliInProcess(['plan', '--procfile', `${fixture('pgbouncer-buildpack')}/Procfile`, '--pooled', 'wrker'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('conncalc: --pooled names "wrker", which is not in test/fixtures/pgbouncer-buildpack/Procfile\n  hint: process types in test/fixtures/pgbouncer-buildpack/Procfile: web, worker, release\n')
  })

  it('more than 10,000 clients through the pooler is an error', () => {
    const {json} = plan('server-pooling', '--scale', 'web=700', 'worker=1', '--plan', 'standard-4')
    expect(codes(json)).toContain('server-pooling-client-limit')
    expect(json.diagnostics.find((d) => d.code === 'server-pooling-client-limit')!.message).toBe(
      "web open 10500 client connections to Heroku's server-side pool, more than the 10000 it accepts",
    )
  })
})
