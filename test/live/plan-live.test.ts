import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runCli} from '../helpers/cli.js'
import {APP_PASSWORD, APP_ROLE, type FixtureDb, openFixtureDb} from './fixture-db.js'

let db: FixtureDb

beforeAll(async () => {
  delete process.env.PGAPPNAME
  delete process.env.DATABASE_URL
  db = await openFixtureDb()
})

afterAll(async () => {
  await db?.close()
})

const PROCFILE = 'test/fixtures/live-rails/Procfile'
const plan = async (...argv: string[]) => runCli(['plan', '--procfile', PROCFILE, '--scale', 'web=2', 'worker=1', '--live', '--database-url', db.appUrl(), ...argv])

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
      {ceiling: 1, live: 0, name: 'release', planned: 1, seenAs: [], states: {}},
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
    const r = await plan('--plan', 'standard-0')
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain(APP_PASSWORD)
    const out = r.stdout
    expect(out).toMatch(/^conncalc plan test\/fixtures\/live-rails\/Procfile · plan standard-0 \(limit 120\)\n/)
    expect(out).toContain(`conncalc live postgres://${APP_ROLE}:***@127.0.0.1:${db.port}/conncalc_app`)
    expect(out).toMatch(/type +planned +ceiling +live +seen as\nweb +12 +12 +3 +web\.1 web\.2\nworker +5 +5 +2 +worker\.1\nrelease +1 +1 +0 +-\n/)
    expect(out).toContain('one-off dyno run.4821: 1')
    expect(out).toContain('not matched to a process type: 3 ((no application_name) 2, test-admin 1)')
    expect(out.indexOf('[role-limit-below-plan]')).toBeGreaterThan(out.indexOf('seen as'))
  })

  it('reads the Procfile before connecting: a bad Procfile path is exit 2 without touching the database', async () => {
    const r = await runCli(['plan', '--procfile', 'test/fixtures/nope/Procfile', '--live', '--database-url', 'postgres://u:Hunter2-secret@127.0.0.1:1/x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^conncalc: .*Procfile/)
    expect(r.stderr).not.toContain('Hunter2-secret')
  })
})
