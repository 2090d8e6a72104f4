import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ROOT, runCli, runCliInProcess} from '../helpers/cli.js'
import {APP_PASSWORD, APP_ROLE, type FixtureDb, openFixtureDb, ROLE_LIMIT} from './fixture-db.js'

/**
 * Everything that reads the plain test server's known connections lives in this one
 * file: vitest runs files in parallel, and counts such as `used` are server-wide.
 */
let db: FixtureDb

beforeAll(async () => {
  delete process.env.PGAPPNAME
  delete process.env.DATABASE_URL
  db = await openFixtureDb()
})

afterAll(async () => {
  await db?.close()
})

const live = async (...argv: string[]) => runCliInProcess(['live', ...argv])
/** In a process of its own, as a user runs it: that process must also end once it has answered (no socket left open). */
const liveProcess = async (...argv: string[]) => runCli(['live', ...argv])
const json = async (...argv: string[]) => {
  const r = await live(...argv, '--json')
  return {...r, report: JSON.parse(r.stdout)}
}

const noSecrets = (r: {stderr: string; stdout: string}): void => {
  expect(r.stdout + r.stderr).not.toContain(APP_PASSWORD)
  expect(r.stdout + r.stderr).not.toContain(encodeURIComponent(APP_PASSWORD))
}

describe('conncalc live against a real PostgreSQL server', () => {
  it('reports the limits, who holds the connections and in which state (JSON contract)', async () => {
    const {code, report, stderr, stdout} = await json('--database-url', db.appUrl())
    expect(stderr).toBe('')
    expect(code).toBe(0)
    noSecrets({stderr, stdout})

    expect(report).toMatchObject({
      available: ROLE_LIMIT - 8,
      database: `postgres://${APP_ROLE}:***@127.0.0.1:${db.port}/conncalc_app`,
      limit: ROLE_LIMIT,
      limitBy: 'role',
      maxConnections: 40,
      reservedConnections: 5,
      role: APP_ROLE,
      roleConnectionLimit: ROLE_LIMIT,
      status: 'ok',
      superuserReservedConnections: 3,
      used: 9,
      usedByRole: 8,
      utilization: 0.6667,
    })
    expect(report.limitSource.source).toEqual({
      database: `postgres://${APP_ROLE}:***@127.0.0.1:${db.port}/conncalc_app`,
      kind: 'live',
      what: `connection limit of role "${APP_ROLE}" (rolconnlimit ${ROLE_LIMIT})`,
    })
    expect(report.byApplication).toEqual([
      {count: 2, name: '', states: {idle: 2}},
      {count: 2, name: 'web.1', states: {idle: 2}},
      {count: 2, name: 'worker.1', states: {active: 1, 'idle in transaction': 1}},
      {count: 1, name: 'run.4821', states: {idle: 1}},
      {count: 1, name: 'test-admin', states: {unknown: 1}},
      {count: 1, name: 'web.2', states: {idle: 1}},
    ])
    expect(report.byUser).toEqual([
      {count: 8, name: APP_ROLE, states: {active: 1, idle: 6, 'idle in transaction': 1}},
      {count: 1, name: 'postgres', states: {unknown: 1}},
    ])
    expect(report.byClient.map((g: {count: number; name: null | string}) => [g.name, g.count])).toEqual([
      ['127.0.0.1', 8],
      [null, 1],
    ])
    expect(report.longestIdleInTransaction).toMatchObject({applicationName: 'worker.1'})
    expect(report.oldestIdle.seconds).toBeGreaterThanOrEqual(0)
    expect(report.ssl).toMatchObject({encrypted: false, mode: 'prefer', modeFrom: 'default', verified: false})
    expect(report.serverVersion).toMatch(/^\d+/)
    expect(report.diagnostics.map((d: {code: string}) => d.code)).toEqual(['missing-application-name'])
    expect(report.diagnostics[0]).toMatchObject({
      message: '2 of 9 live connections have no application_name, so nobody can tell which dyno opened them',
      severity: 'info',
    })
    expect(report.diagnostics[0].fix).toContain('application_name: <%= ENV.fetch("DYNO", "rails") %>')
  })

  it('prints a readable view with the password masked', async () => {
    const r = await liveProcess('--database-url', db.appUrl())
    expect(r.code).toBe(0)
    noSecrets(r)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(new RegExp(`^conncalc live postgres://${APP_ROLE}:\\*\\*\\*@127\\.0\\.0\\.1:${db.port}/conncalc_app · PostgreSQL \\d+`))
    expect(r.stdout).toContain("SSL: not encrypted (sslmode=prefer (libpq's default))")
    expect(r.stdout).toContain(`limit ${ROLE_LIMIT}: live: connection limit of role "${APP_ROLE}" (rolconnlimit ${ROLE_LIMIT})`)
    expect(r.stdout).toContain('the server allows 35 to this role: max_connections 40 − 3 superuser_reserved_connections − 2 reserved_connections')
    expect(r.stdout).toMatch(/used 8 of 12 by role conncalc_app \(9 on the server\) .* 67% {2}ok {3}available 4/)
    expect(r.stdout).toMatch(/application_name +connections +active +idle +idle in transaction +unknown\n/)
    expect(r.stdout).toMatch(/worker\.1 +2 +1 +0 +1 +0\n/)
    expect(r.stdout).toMatch(/\(not set\) +2 +0 +2 +0 +0\n/)
    expect(r.stdout).toContain('info: 2 of 9 live connections have no application_name')
  })

  it('flags sessions idle in a transaction and stale idle ones past the thresholds; --fail-on warning fails', async () => {
    const args = ['--database-url', db.appUrl(), '--idle-in-transaction-after', '0', '--stale-after', '0']
    const {code, report} = await json(...args)
    expect(code).toBe(0)
    const byCode = Object.fromEntries(report.diagnostics.map((d: {code: string}) => [d.code, d]))
    expect(Object.keys(byCode).sort()).toEqual(['idle-in-transaction', 'missing-application-name', 'stale-idle'])
    expect(byCode['idle-in-transaction'].severity).toBe('warning')
    expect(byCode['idle-in-transaction'].message).toMatch(/^1 connection idle in a transaction for 0 s or more \(longest \d+ s\): worker\.1;/)
    expect(byCode['stale-idle'].message).toMatch(/^6 connections idle for 0 s or more \(oldest \d+ s\): \(no application_name\) ×2, web\.1 ×2, run\.4821, web\.2;/)

    expect((await live(...args, '--fail-on', 'warning')).code).toBe(1)
  })

  it('warns near the limit, and compares the role limit with the plan', async () => {
    const {code, report} = await json('--database-url', db.appUrl(), '--warn-at', '0.5', '--plan', 'standard-0')
    expect(code).toBe(0)
    const codes = report.diagnostics.map((d: {code: string}) => d.code)
    expect(codes).toEqual(['live-near-limit', 'role-limit-below-plan', 'missing-application-name'])
    expect(report.diagnostics[0].message).toBe(
      `8 of 12 connections in use (67%), 4 left (limit: live: connection limit of role "${APP_ROLE}" (rolconnlimit 12) on postgres://${APP_ROLE}:***@127.0.0.1:${db.port}/conncalc_app)`,
    )
    expect(report.diagnostics[1].message).toBe(
      `role "${APP_ROLE}" may open at most 12 connections (rolconnlimit), fewer than the 120 of plan standard-0: the role's limit is the one that applies`,
    )
    expect(report.plan).toMatchObject({limit: 120, name: 'standard-0'})
  })

  it('as a superuser, counts against max_connections (no reserved slots, no role limit)', async () => {
    const {code, report} = await json('--database-url', db.adminUrl)
    expect(code).toBe(0)
    expect(report).toMatchObject({available: 31, limit: 40, limitBy: 'server', role: 'postgres', used: 9})
    expect(report.byApplication.find((g: {name: string}) => g.name === 'worker.1').states).toEqual({active: 1, 'idle in transaction': 1})
  })

  it('reads DATABASE_URL from --env-file, and --database-url NAME reads that variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-live-'))
    const file = join(dir, '.env.heroku')
    writeFileSync(file, `DATABASE_URL=${db.appUrl()}\nHEROKU_POSTGRESQL_ROSE_URL=${db.adminUrl}\n`)
    const a = await json('--env-file', file)
    expect(a.code).toBe(0)
    expect(a.report.role).toBe(APP_ROLE)
    const b = await json('--env-file', file, '--database-url', 'HEROKU_POSTGRESQL_ROSE_URL')
    expect(b.report.role).toBe('postgres')
    rmSync(dir, {force: true, recursive: true})
  })

  it("libpq's empty-host form (credentials, then `@/`, the host in ?host=) connects as psql does; the password stays masked", async () => {
    const url = `postgres://${APP_ROLE}:${encodeURIComponent(APP_PASSWORD)}@/conncalc_app?host=127.0.0.1&port=${db.port}`
    const r = await json('--database-url', url)
    expect(r.code).toBe(0)
    expect(r.report).toMatchObject({database: `postgres://${APP_ROLE}:***@/conncalc_app?host=127.0.0.1&port=${db.port}`, limit: ROLE_LIMIT, role: APP_ROLE})
    noSecrets(r)
    // `@:PORT/`: the host left empty, the port given — localhost, as node-postgres takes no host.
    const port = await live('--database-url', `postgresql://${APP_ROLE}:${encodeURIComponent(APP_PASSWORD)}@:${db.port}/conncalc_app`)
    expect(port.stderr).toBe('')
    expect(port.code).toBe(0)
    expect(port.stdout).toMatch(new RegExp(`used 8 of ${ROLE_LIMIT} by role ${APP_ROLE}`))
    noSecrets(port)
  })

  it('reads DATABASE_URL from a pipe (--env-file /dev/stdin, as `<(heroku config -s)` gives one), in plan --live too, which reads it twice', async () => {
    // Through a shell, whose `|` makes a pipe (Node's spawn gives standard input as a socket, which cannot be opened again).
    const piped = (argv: string[]) => {
      const r = spawnSync('bash', ['-c', `printf 'DATABASE_URL=%s\\nWEB_CONCURRENCY=3\\n' "$URL" | '${process.execPath}' -- bin/run.js "$@"`, 'bash', ...argv], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1', PATH: process.env.PATH ?? '', URL: db.appUrl()},
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      })
      return {code: r.status, stderr: r.stderr, stdout: r.stdout}
    }

    const a = piped(['live', '--env-file', '/dev/stdin', '--json'])
    expect(a.code).toBe(0)
    expect(JSON.parse(a.stdout)).toMatchObject({limit: ROLE_LIMIT, role: APP_ROLE})
    noSecrets(a)
    const b = piped(['plan', '--procfile', 'test/fixtures/live-rails/Procfile', '--scale', 'web=2', 'worker=1', '--live', '--env-file', '/dev/stdin', '--idle-in-transaction-after', '86400', '--stale-after', '86400', '--json'])
    expect(b.stderr).not.toContain('conncalc:')
    const report = JSON.parse(b.stdout)
    // The live limit (the role's 12) read through the URL in the pipe; WEB_CONCURRENCY from the same pipe: puma 3 × 5 threads per web dyno.
    expect(report).toMatchObject({limit: ROLE_LIMIT})
    expect(report.live).toMatchObject({roleConnectionLimit: ROLE_LIMIT, usedByRole: 8})
    expect(report.processTypes.find((p: {name: string}) => p.name === 'web')).toMatchObject({processesPerDyno: 3})
    noSecrets(b)
  })

  it('sslmode=disable connects without SSL and says so', async () => {
    const {report} = await json('--database-url', `${db.appUrl()}?sslmode=disable`)
    expect(report.ssl).toEqual({encrypted: false, mode: 'disable', modeFrom: 'url', note: 'not encrypted (sslmode=disable)', verified: false})
  })
})

describe('conncalc live: a database it cannot read is exit 2, one line, a hint, no password', () => {
  it('refused password', async () => {
    const r = await liveProcess('--database-url', db.appUrl('wrong-Secret-pw'))
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      `conncalc: password authentication failed for user "${APP_ROLE}" on 127.0.0.1:${db.port}/conncalc_app\n` +
        '  hint: check the password in the URL (conncalc never prints it); on Heroku, credentials rotate: `heroku config:get DATABASE_URL -a APP` prints the current URL\n',
    )
    expect(r.stderr).not.toContain('wrong-Secret-pw')
  })

  it('refused password, as JSON', async () => {
    const r = await live('--database-url', db.appUrl('wrong-Secret-pw'), '--json')
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        exitCode: 2,
        hint: 'check the password in the URL (conncalc never prints it); on Heroku, credentials rotate: `heroku config:get DATABASE_URL -a APP` prints the current URL',
        message: `password authentication failed for user "${APP_ROLE}" on 127.0.0.1:${db.port}/conncalc_app`,
      },
    })
    expect(r.stdout + r.stderr).not.toContain('wrong-Secret-pw')
  })

  it('nothing listening on the port', async () => {
    const port = await closedPort()
    const r = await live('--database-url', `postgres://someone:Hunter2-secret@127.0.0.1:${port}/app`)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      `conncalc: could not connect to 127.0.0.1:${port}/app: connection refused\n` +
        '  hint: is PostgreSQL running there and listening on that port? Check the host and port in the URL\n',
    )
  })

  it('a server that never answers: bounded by --connect-timeout', async () => {
    const silent = await silentServer()
    try {
      const started = Date.now()
      const r = await liveProcess('--database-url', `postgres://someone:Hunter2-secret@127.0.0.1:${silent.port}/app`, '--connect-timeout', '1')
      expect(Date.now() - started).toBeLessThan(8000)
      expect(r.code).toBe(2)
      expect(r.stderr.split('\n')[0]).toBe(`conncalc: timed out after 1 s waiting for 127.0.0.1:${silent.port}/app`)
      expect(r.stderr).not.toContain('Hunter2-secret')
    } finally {
      await silent.close()
    }
  })

  it('a URL that is not PostgreSQL', async () => {
    const r = await live('--database-url', 'mysql://root:Hunter2-secret@db.example.com/app')
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'conncalc: --database-url is a mysql:// URL, not a PostgreSQL one (mysql://root:***@db.example.com/app)\n' +
        '  hint: conncalc live reads PostgreSQL only: pass --database-url postgres://…\n',
    )
  })

  it('sslmode=require against a server without SSL', async () => {
    const r = await live('--database-url', `${db.appUrl()}?sslmode=require`)
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe(`conncalc: 127.0.0.1:${db.port}/conncalc_app does not accept SSL, but sslmode=require requires it`)
    noSecrets(r)
  })

  it('no DATABASE_URL anywhere', async () => {
    const r = await live()
    expect(r.code).toBe(2)
    expect(r.stderr.split('\n')[0]).toBe('conncalc: no database to read: DATABASE_URL is not set')
  })

  it('a --warn-at that is not a fraction names what was typed, before connecting', async () => {
    const r = await live('--warn-at', 'abc', '--database-url', db.appUrl())
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('conncalc: --warn-at must be a fraction between 0 and 1, got abc\n  hint: e.g. --warn-at 0.8\n')
  })
})

const PROCFILE = 'test/fixtures/live-rails/Procfile'
// The fixture's transaction stays open for the whole file; on a loaded machine the file takes more
// than idle-in-transaction's default 60 s, so these budget tests (none is about that warning) set
// the thresholds past any run and do not depend on the clock.
const planArgs = (argv: string[]) => ['plan', '--procfile', PROCFILE, '--scale', 'web=2', 'worker=1', '--live', '--database-url', db.appUrl(), '--idle-in-transaction-after', '86400', '--stale-after', '86400', ...argv]
const plan = async (...argv: string[]) => runCliInProcess(planArgs(argv))

describe('conncalc plan --live', () => {
  it('puts the live count of each process type beside its budget, matched by application_name', async () => {
    const r = await plan('--plan', 'standard-0', '--json')
    // (Node's WASI warning for the Ruby parser may appear here; bin/run.js hides it.)
    expect(r.stderr).not.toContain('conncalc:')
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain(APP_PASSWORD)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({limit: 120, status: 'ok', total: 17})
    expect(report.live).toMatchObject({
      available: 4,
      limit: 12,
      maxConnections: 40,
      reservedConnections: 5,
      roleConnectionLimit: 12,
      used: 9,
      usedByRole: 8,
      withoutName: 2,
    })
    expect(report.live.processTypes).toEqual([
      {ceiling: 12, live: 3, name: 'web', planned: 12, seenAs: ['web.1', 'web.2'], states: {idle: 3}},
      {ceiling: 5, live: 2, name: 'worker', planned: 5, seenAs: ['worker.1'], states: {active: 1, 'idle in transaction': 1}},
      // release `bin/rails db:migrate`: the migration's connection + the migrator's advisory-lock connection
      {ceiling: 2, live: 0, name: 'release', planned: 2, seenAs: [], states: {}},
    ])
    expect(report.live.oneOff).toEqual([{count: 1, name: 'run.4821', states: {idle: 1}}])
    expect(report.live.unattributed).toEqual([
      {count: 2, name: '', states: {idle: 2}},
      {count: 1, name: 'test-admin', states: {unknown: 1}},
    ])
    const codes = report.diagnostics.map((d: {code: string}) => d.code)
    expect(codes).toEqual(['role-limit-below-plan', 'missing-application-name'])
    expect(report.diagnostics[1].message).toBe(
      '2 of 9 live connections have no application_name, so they cannot be matched to a process type',
    )
  })

  it('without --plan or --limit, budgets against the live limit (here the role limit: 17 > 12, exit 1)', async () => {
    const r = await plan('--json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report).toMatchObject({limit: 12, status: 'over', total: 17})
    expect(report.limitSource.source).toMatchObject({kind: 'live', what: `connection limit of role "${APP_ROLE}" (rolconnlimit 12)`})
    expect(report.diagnostics[0]).toMatchObject({
      code: 'over-limit',
      message: '17 connections needed, the live database allows 12: new connections will fail with "FATAL: too many connections"',
    })
    const text = await plan()
    expect(text.code).toBe(1)
    expect(text.stdout.split('\n')[0]).toBe('conncalc plan test/fixtures/live-rails/Procfile · limit 12 (the live database)')
  })

  it("the live database's limit wins over a plan the app's app.json add-on names", async () => {
    // test/fixtures/manifest-plan's app.json attaches heroku-postgresql:essential-1 (limit 20) as
    // DATABASE; with --live and no --plan, the limit is the live one (the role's 12), and the
    // manifest's plan is neither used nor announced.
    const r = await runCliInProcess(['plan', '--procfile', 'test/fixtures/manifest-plan/Procfile', '--live', '--database-url', db.appUrl(), '--idle-in-transaction-after', '86400', '--stale-after', '86400', '--json'])
    expect(r.stdout).not.toContain(APP_PASSWORD)
    const report = JSON.parse(r.stdout)
    expect(report.limit).toBe(12)
    expect(report.plan).toBeNull()
    expect(report.limitSource.source).toMatchObject({kind: 'live', what: `connection limit of role "${APP_ROLE}" (rolconnlimit 12)`})
    expect(report.diagnostics.map((d: {code: string}) => d.code)).not.toContain('database-plan-from-manifest')
  })

  it('warns when a type holds more live connections than its ceiling', async () => {
    const r = await plan('--plan', 'standard-0', '--env', 'WEB_CONCURRENCY=1', '--env', 'RAILS_MAX_THREADS=1', '--json')
    const report = JSON.parse(r.stdout)
    const above = report.diagnostics.find((d: {code: string}) => d.code === 'live-above-plan')
    expect(above).toMatchObject({
      message: 'web: 3 live connections (web.1, web.2), more than the 2 the plan allows even with every pool full',
      processType: 'web',
      severity: 'warning',
    })
  })

  it('prints the plan, then the live view beside it, then every diagnostic', async () => {
    const r = runCli(planArgs(['--plan', 'standard-0'])) // in a process of its own, which must end
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain(APP_PASSWORD)
    const out = r.stdout
    expect(out).toMatch(/^conncalc plan test\/fixtures\/live-rails\/Procfile · plan standard-0 \(limit 120\)\n/)
    expect(out).toContain(`conncalc live postgres://${APP_ROLE}:***@127.0.0.1:${db.port}/conncalc_app`)
    expect(out).toMatch(/type +planned +ceiling +live +seen as\nweb +12 +12 +3 +web\.1 web\.2\nworker +5 +5 +2 +worker\.1\nrelease +2 +2 +0 +-\n/)
    expect(out).toContain('one-off dyno run.4821: 1')
    expect(out).toContain('not matched to a process type: 3 ((no application_name) 2, test-admin 1)')
    expect(out.indexOf('[role-limit-below-plan]')).toBeGreaterThan(out.indexOf('seen as'))
  })

  it('reads the Procfile before connecting: a bad Procfile path is exit 2 without touching the database', async () => {
    const r = await runCliInProcess(['plan', '--procfile', 'test/fixtures/nope/Procfile', '--live', '--database-url', 'postgres://u:Hunter2-secret@127.0.0.1:1/x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^conncalc: .*Procfile/)
    expect(r.stderr).not.toContain('Hunter2-secret')
  })
})

describe('plan --live with 100,000 pg_stat_activity rows (the snapshot query\'s LIMIT)', () => {
  // A server cannot hold 100,000 sessions here, so the rows come from a view that the role
  // reads instead of pg_catalog's: its search_path puts a schema with a pg_stat_activity view
  // first. Everything else conncalc asks (pg_settings, pg_roles, pg_stat_ssl) is the real server's.
  const ROLE = 'conncalc_rows'
  const PASSWORD = 'rows-Secret-pw-7'
  let admin: pg.Client
  let url: string

  beforeAll(async () => {
    admin = new pg.Client({application_name: 'test-admin', connectionString: db.adminUrl})
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${ROLE} WITH (FORCE)`)
    await admin.query(`DROP ROLE IF EXISTS ${ROLE}`)
    await admin.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD '${PASSWORD}'`)
    await admin.query(`CREATE DATABASE ${ROLE} OWNER ${ROLE}`)
    await admin.query(`ALTER ROLE ${ROLE} SET search_path = rows, pg_catalog`)
    const adminUrl = new URL(db.adminUrl)
    adminUrl.pathname = `/${ROLE}`
    const inDb = new pg.Client({application_name: 'test-admin', connectionString: adminUrl.toString()})
    await inDb.connect()
    // Rows g = 1 … 100,000: every 10th is worker.(g/10 mod 50 + 1), every other 10th a one-off run.g,
    // the other 80,000 web.g (each its own dyno name); odd g active, even g idle.
    await inDb.query(`CREATE SCHEMA rows AUTHORIZATION ${ROLE}`)
    await inDb.query(`CREATE VIEW rows.pg_stat_activity AS
      SELECT 1000000 + g AS pid, 1::oid AS datid, '${ROLE}'::name AS datname, '${ROLE}'::name AS usename,
             CASE WHEN g % 10 = 0 THEN 'worker.' || (g / 10 % 50 + 1) WHEN g % 10 = 1 THEN 'run.' || g ELSE 'web.' || g END AS application_name,
             '10.1.0.1'::inet AS client_addr, CASE WHEN g % 2 = 1 THEN 'active' ELSE 'idle' END AS state,
             clock_timestamp() - interval '5 seconds' AS state_change, 'client backend'::text AS backend_type
      FROM generate_series(1, 100000) AS g`)
    await inDb.query(`GRANT SELECT ON rows.pg_stat_activity TO ${ROLE}`)
    await inDb.end()
    url = `postgres://${ROLE}:${PASSWORD}@127.0.0.1:${db.port}/${ROLE}`
  })

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${ROLE} WITH (FORCE)`).catch(() => {})
    await admin?.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => {})
    await admin?.end()
  })

  const rowsPlan = (...argv: string[]) => runCliInProcess(['plan', '--procfile', PROCFILE, '--scale', 'web=2', 'worker=1', '--plan', 'standard-0', '--live', '--database-url', url, ...argv])

  it('--json: every row counted and matched to its type; runCliInProcess\'s timeout bounds the time', () => {
    const r = rowsPlan('--json')
    expect(r.stderr).not.toContain('conncalc:')
    expect(r.stdout).not.toContain(PASSWORD)
    // The plan fits standard-0 (17 of 120), but 100,000 sessions on a server that allows 35
    // (40 − 3 superuser − 2 reserved) is live-near-limit's error: exit 1.
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.live).toMatchObject({limit: 35, status: 'over', used: 100_000, usedByRole: 100_000, withoutName: 0})
    // web: 100,000 − 10,000 workers − 10,000 one-offs = 80,000; worker: 10,000 under 50 dyno names.
    expect(report.live.processTypes.map((p: {live: number; name: string}) => [p.name, p.live])).toEqual([['web', 80_000], ['worker', 10_000], ['release', 0]])
    expect(report.live.processTypes[0].seenAs).toHaveLength(80_000)
    expect(report.live.processTypes[1].seenAs).toHaveLength(50)
    expect(report.live.processTypes[1].states).toEqual({idle: 10_000}) // g a multiple of 10 is even
    expect(report.live.oneOff).toHaveLength(10_000)
    expect(report.live.unattributed).toEqual([])
  })

  it('the text view lists 10 dyno names per type and 20 one-off dynos, then how many more', () => {
    const r = rowsPlan()
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^web +12 +12 +80000 +web\.2 web\.3 web\.4 web\.5 web\.6 web\.7 web\.8 web\.9 web\.12 web\.13 \+79990 more$/m)
    expect(r.stdout).toMatch(/^worker +5 +5 +10000 +worker\.1 worker\.2 .* worker\.10 \+40 more$/m)
    // One-offs are one connection each: 20 named, 10,000 − 20 = 9,980 summed up.
    expect(r.stdout.match(/^one-off dyno run\.\d+: 1$/gm)).toHaveLength(20)
    expect(r.stdout).toContain('… 9980 more one-off dynos, holding 9980')
    expect(r.stdout).toContain('web: 80000 live connections (web.2, web.3, web.4, web.5, web.6, web.7, web.8, web.9, web.12, web.13, +79990 more), more than the 12 the plan allows')
    expect(r.stdout.split('\n').length).toBeLessThan(150)
  })

  it('conncalc live lists the 20 largest application names, then one line for the rest', () => {
    const r = runCliInProcess(['live', '--database-url', url])
    expect(r.code).toBe(1)
    // 50 worker names of 200 rows each (all idle: g is a multiple of 10) come first, so the state
    // columns are those of the 20 shown. 50 + 10,000 run.g + 80,000 web.g = 90,050 names: 90,030 more,
    // holding 100,000 − 20 × 200 = 96,000.
    expect(r.stdout).toMatch(/^application_name +connections +idle\nworker\.1 +200 +200$/m)
    expect(r.stdout).toContain('… 90030 more, holding 96000 (--json lists every one)')
    expect(r.stdout.split('\n').length).toBeLessThan(100)
  })
})

describe('live and plan --live fit the terminal, as plan does', () => {
  const chars = (line: string): number => [...line].length
  /** Lines wider than the terminal, other than one unbreakable word (a URL) on its own. */
  const tooWide = (text: string, width: number): string[] => text.split('\n').filter((l) => chars(l) > width && l.trim().includes(' '))
  const at = async (columns: number, argv: string[]) => runCliInProcess(argv, {env: {OCLIF_COLUMNS: String(columns)}})

  it('live at 60 columns: the count columns take short names with a key, each row on one line', async () => {
    const r = await at(60, ['live', '--database-url', db.appUrl()])
    expect(r.code).toBe(0)
    expect(tooWide(r.stdout, 60)).toEqual([])
    // The fixture's 9 sessions (fixture-db.ts): web.1 ×2 idle, worker.1 active + idle in transaction, …
    expect(r.stdout).toMatch(/^application_name {2}conns {2}act {2}idle {2}idle tx {2}\?$/m)
    expect(r.stdout).toMatch(/^web\.1 +2 +0 +2 +0 +0$/m)
    expect(r.stdout).toMatch(/^worker\.1 +2 +1 +0 +1 +0$/m)
    expect(r.stdout).toContain('conns = connections  act = active\n  idle tx = idle in transaction  ? = unknown')
    expect(r.stdout).not.toContain('idle in transaction  unknown')
  })

  it('live at 80 columns: the full names fit, no key', async () => {
    const r = await at(80, ['live', '--database-url', db.appUrl()])
    expect(r.code).toBe(0)
    expect(tooWide(r.stdout, 80)).toEqual([])
    expect(r.stdout).toMatch(/^application_name {2}connections {2}active {2}idle {2}idle in transaction {2}unknown$/m)
    expect(r.stdout).not.toContain('conns = connections')
  })

  it.each([60, 80])('plan --live at %i columns: the plan table, the live tables and "seen as" all fit', async (columns) => {
    const r = await at(columns, ['plan', '--procfile', PROCFILE, '--scale', 'web=2', 'worker=1', '--plan', 'standard-0', '--live', '--database-url', db.appUrl()])
    expect(r.code).toBe(0)
    expect(tooWide(r.stdout, columns)).toEqual([])
    expect(r.stdout).toMatch(/^web +12 +12 +3 +web\.1 web\.2$/m)
  })
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Accepts TCP connections and never says a word, like a firewall that swallows packets. */
async function silentServer(): Promise<{close: () => Promise<void>; port: number}> {
  const sockets: Socket[] = []
  const server: Server = createServer((s) => sockets.push(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
    port: (server.address() as {port: number}).port,
  }
}
