/**
 * conncalc plan -a APP against a Platform API stand-in on loopback
 * (test/helpers/heroku-api.ts, shapes from the Platform API Reference as of its
 * "Last updated September 27, 2024" version). The fixture is the checkout; the
 * API says what runs, on how many dynos, with which config vars and plan.
 */
import type {JsonReport} from '../../src/model/report.js'
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {IncomingMessage} from 'node:http'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runCliAsync, runCliInProcessAsync} from '../helpers/cli.js'
import {type Answer, addon, appRoutes, buildpack, type FakeApi, fakeHerokuApi, feature, formation, TOKEN} from '../helpers/heroku-api.js'

const APP = 'shop-prod'
const PROCFILE = `${fixture('heroku-api-rails')}/Procfile`
const DB = 'postgres://u1:dbpass111@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1'
const SECRETS = ['dbpass111', 'dbpass222', 'sekret-value-xyz', TOKEN]

const shop = (over: Parameters<typeof appRoutes>[1] = {}): Record<string, Answer> =>
  appRoutes(APP, {
    addons: [
      addon(APP, 'postgresql-rugged-12345', 'heroku-postgresql:standard-0', ['HEROKU_POSTGRESQL_ROSE_URL', 'DATABASE_URL']),
      addon(APP, 'postgresql-flat-67890', 'heroku-postgresql:essential-0', ['HEROKU_POSTGRESQL_CHARCOAL_URL']),
      addon(APP, 'redis-curved-11111', 'heroku-redis:mini', ['REDIS_URL']),
    ],
    buildpacks: [buildpack(0, 'heroku/ruby', 'heroku/ruby')],
    configVars: {
      DATABASE_URL: DB,
      HEROKU_POSTGRESQL_CHARCOAL_URL: 'postgres://u2:dbpass222@ec2-5-6-7-8.compute-1.amazonaws.com:5432/d2',
      HEROKU_POSTGRESQL_ROSE_URL: DB,
      RAILS_ENV: 'production',
      RAILS_MAX_THREADS: '6',
      SECRET_KEY_BASE: 'sekret-value-xyz',
      WEB_CONCURRENCY: '2',
    },
    formation: [
      formation(APP, 'web', 3, 'Standard-2X', 'bundle exec puma -C config/puma.rb'),
      // The released Procfile says -c 8; the checkout's line has no -c.
      formation(APP, 'worker', 2, 'Standard-1X', 'bundle exec sidekiq -c 8'),
    ],
    preboot: feature('preboot', true),
    ...over,
  })

let api: FakeApi
const servers: FakeApi[] = []
const serve = async (routes: Parameters<typeof fakeHerokuApi>[0]): Promise<FakeApi> => {
  const s = await fakeHerokuApi(routes)
  servers.push(s)
  return s
}

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

const runOptions = (env: Record<string, string>, server?: FakeApi) => ({env: {HEROKU_API_KEY: TOKEN, HEROKU_HOST: (server ?? api).url, HOME: tmpdir(), ...env}})
const run = (args: string[], env: Record<string, string> = {}, server?: FakeApi) => runCliInProcessAsync(['plan', '--procfile', PROCFILE, ...args], runOptions(env, server))
/** In a process of its own, as a user runs it: that process must also end when a request hangs or never ends. */
const runProcess = (args: string[], env: Record<string, string> = {}, server?: FakeApi) => runCliAsync(['plan', '--procfile', PROCFILE, ...args], runOptions(env, server))

const json = async (args: string[], env: Record<string, string> = {}) => {
  const r = await run([...args, '--json'], env)
  return {...r, json: JSON.parse(r.stdout) as PlanJson}
}

const row = (report: PlanJson, name: string) => report.processTypes.find((p) => p.name === name)!

describe('conncalc plan -a APP', () => {
  beforeAll(async () => {
    api = await fakeHerokuApi(shop())
  })
  afterAll(async () => {
    await api.close()
  })

  it('budgets the app from the API alone: formation, config vars, plan and preboot', async () => {
    const r = await json(['-a', APP])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // web: 3 dynos × 2 Puma workers (WEB_CONCURRENCY=2 from heroku config, RAILS_ENV=production) × min(pool 6, threads 6) = 36
    expect(row(r.json, 'web')).toMatchObject({connections: 36, connectionsPerProcess: 6, dynos: 3, processesPerDyno: 2})
    expect(row(r.json, 'web').sources.dynos.source).toEqual({app: APP, kind: 'heroku', what: 'formation web=3:Standard-2X'})
    expect(row(r.json, 'web').sources.processesPerDyno.via?.at(-1)).toEqual({from: `heroku config -a ${APP}`, kind: 'env', name: 'WEB_CONCURRENCY'})
    // worker: the formation's command (sidekiq -c 8) runs, not the Procfile's: 2 dynos × min(pool 6, 8 threads) = 12
    expect(row(r.json, 'worker')).toMatchObject({connections: 12, dynos: 2, threadsPerProcess: 8})
    expect(row(r.json, 'worker').sources.threadsPerProcess.source).toMatchObject({kind: 'flag', flag: '-c 8'})
    // the plan is the add-on behind DATABASE_URL: standard-0, 120 connections; total 36 + 12 = 48
    expect(r.json).toMatchObject({limit: 120, total: 48})
    expect(r.json.limitSource?.via).toEqual([{app: APP, kind: 'heroku', what: 'add-on postgresql-rugged-12345 (heroku-postgresql:standard-0) sets DATABASE_URL'}])
    // preboot is on in the app: a second set of web dynos during a deploy, 48 + 36 = 84
    expect(r.json.deployPeak).toBe(84)
    const codes = r.json.diagnostics.map((d) => d.code)
    expect(codes).toEqual(expect.arrayContaining(['formation-command-differs', 'other-databases']))
    const other = r.json.diagnostics.find((d) => d.code === 'other-databases')!
    expect(other.message).toContain('postgresql-flat-67890 (heroku-postgresql:essential-0) sets HEROKU_POSTGRESQL_CHARCOAL_URL')
    expect(other.message).toContain('postgresql-rugged-12345 (heroku-postgresql:standard-0) sets DATABASE_URL, HEROKU_POSTGRESQL_ROSE_URL')
  })

  it('sends the v3 Accept header and a bearer token, and GETs only the five endpoints', async () => {
    const s = await serve(shop())
    await run(['-a', APP], {}, s)
    expect(s.requests.map((q) => `${q.method} ${q.path}`).sort()).toEqual(
      ['addons', 'buildpack-installations', 'config-vars', 'features/preboot', 'formation'].map((p) => `GET /apps/${APP}/${p}`),
    )
    for (const q of s.requests) {
      expect(q.accept).toBe('application/vnd.heroku+json; version=3')
      expect(q.authorization).toBe(`Bearer ${TOKEN}`)
    }
  })

  it('never prints a config var value, a database password or the token, in any view', async () => {
    for (const extra of [[], ['--explain'], ['--json'], ['--format', 'markdown'], ['--format', 'github']]) {
      const r = await run(['-a', APP, ...extra])
      for (const secret of SECRETS) {
        expect(r.stdout).not.toContain(secret)
        expect(r.stderr).not.toContain(secret)
      }
    }
  })

  it('flags win over what the API says, and each number says which', async () => {
    const r = await json(['-a', APP, '--scale', 'web=1', '--plan', 'essential-2', '--no-preboot', '--env', 'RAILS_MAX_THREADS=4'])
    // web: 1 dyno × 2 workers × min(pool 4, threads 4) = 8; worker: 2 dynos (formation) × min(pool 4, -c 8) = 8; 16 of essential-2's 40
    expect(row(r.json, 'web')).toMatchObject({connections: 8, dynos: 1, processesPerDyno: 2, threadsPerProcess: 4})
    expect(row(r.json, 'web').sources.dynos.source).toEqual({flag: '--scale web=1', kind: 'flag'})
    expect(row(r.json, 'web').sources.threadsPerProcess.via?.at(-1)).toEqual({from: '--env', kind: 'env', name: 'RAILS_MAX_THREADS'})
    expect(row(r.json, 'worker')).toMatchObject({connections: 8, dynos: 2})
    expect(r.json).toMatchObject({limit: 40, total: 16})
    expect(r.json.limitSource?.via).toBeUndefined()
    // --no-preboot wins over the app's preboot: no second set of web dynos, the release phase is the peak's extra: its
    // `rails db:migrate` holds the migration's connection and the migrator's advisory-lock connection (2): 16 + 2 = 18
    expect(r.json.deployPeak).toBe(18)
  })

  it('conncalc scale -a APP: what ps:scale would do to the real formation', async () => {
    const r = await runCliInProcessAsync(['scale', 'web=5', '--procfile', PROCFILE, '-a', APP, '--json'], {env: {HEROKU_API_KEY: TOKEN, HEROKU_HOST: api.url, HOME: tmpdir()}})
    const out = JSON.parse(r.stdout) as {changes: {connectionsAfter: number; connectionsBefore: number; dynosBefore: number; processType: string}[]}
    // web 3 → 5 dynos, 12 connections each: 36 → 60
    expect(out.changes.find((c) => c.processType === 'web')).toMatchObject({connectionsAfter: 60, connectionsBefore: 36, dynosBefore: 3})
  })

  it('reads the token from the netrc entry `heroku login` writes when HEROKU_API_KEY is not set', async () => {
    const home = mkdtempSync(join(tmpdir(), 'conncalc-netrc-'))
    try {
      const host = new URL(api.url).host
      writeFileSync(join(home, '.netrc'), `machine git.heroku.com\n  login me@example.com\n  password wrong\nmachine ${host}\n  login me@example.com\n  password ${TOKEN}\n`)
      const r = await run(['-a', APP], {HEROKU_API_KEY: '', HOME: home})
      expect(r.stderr).toBe('')
      expect(r.stdout).toContain('total 48 of 120')
      const none = await run(['-a', APP], {HEROKU_API_KEY: '', HOME: join(home, 'nowhere')})
      expect(none.code).toBe(2)
      expect(none.stderr).toBe(`conncalc: no Heroku API token to read app ${APP}: HEROKU_API_KEY is not set and ~/.netrc has no entry for ${host}\n  hint: run \`heroku login\`, or set HEROKU_API_KEY (e.g. from \`heroku authorizations:create\`)\n`)
    } finally {
      rmSync(home, {force: true, recursive: true})
    }
  })

  it('-r reads the app from the checkout\'s git remote (heroku when no name is given)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-remote-'))
    try {
      cpSync(fixture('heroku-api-rails'), dir, {recursive: true})
      mkdirSync(join(dir, '.git'))
      writeFileSync(
        join(dir, '.git', 'config'),
        `[core]\n\trepositoryformatversion = 0\n[remote "origin"]\n\turl = git@github.com:acme/shop.git\n[remote "heroku"]\n\turl = https://git.heroku.com/${APP}.git\n\tfetch = +refs/heads/*:refs/remotes/heroku/*\n[remote "staging"]\n\turl = git@heroku.com:shop-staging.git\n`,
      )
      const env = {HEROKU_API_KEY: TOKEN, HEROKU_HOST: api.url, HOME: tmpdir()}
      for (const args of [['-r'], ['-r', 'heroku'], ['--remote', 'heroku', '--explain']]) {
        const r = await runCliInProcessAsync(['plan', ...args], {cwd: dir, env})
        expect(r.stderr).toBe('')
        expect(r.stdout).toContain('total 48 of 120')
      }

      const staging = await runCliInProcessAsync(['plan', '-r', 'staging'], {cwd: dir, env})
      expect(staging.code).toBe(2)
      expect(staging.stderr).toContain('conncalc: no Heroku app named shop-staging')
      const origin = await runCliInProcessAsync(['plan', '-r', 'origin'], {cwd: dir, env})
      expect(origin.stderr).toContain("conncalc: -r origin: the remote's URL is not a Heroku git URL")
      const missing = await runCliInProcessAsync(['plan', '-r', 'prod'], {cwd: dir, env})
      expect(missing.stderr).toContain('conncalc: -r prod: the checkout has no git remote named prod')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('with no Procfile in the checkout, the formation says what runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-noprocfile-'))
    try {
      cpSync(fixture('heroku-api-rails'), dir, {recursive: true})
      rmSync(join(dir, 'Procfile'))
      const r = await runCliInProcessAsync(['plan', '-a', APP, '--json'], {cwd: dir, env: {HEROKU_API_KEY: TOKEN, HEROKU_HOST: api.url, HOME: tmpdir()}})
      const report = JSON.parse(r.stdout) as JsonReport
      // web 36 + worker 12, no release phase (it is not in a formation)
      expect(report.processTypes.map((p) => [p.name, p.connections])).toEqual([['web', 36], ['worker', 12]])
      expect(report.diagnostics.filter((d) => d.code === 'formation-command-differs').map((d) => d.message)).toEqual([
        `web: the formation of ${APP} runs \`bundle exec puma -C config/puma.rb\`; the Procfile has no web line`,
        `worker: the formation of ${APP} runs \`bundle exec sidekiq -c 8\`; the Procfile has no worker line`,
      ])
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})

describe('the Postgres plan from the add-ons', () => {
  it('an add-on attached from another app is matched only as the one left, and labelled an assumption', async () => {
    const s = await serve(
      shop({
        addons: [addon(APP, 'postgresql-shared-222', 'heroku-postgresql:standard-2', ['DATABASE_URL'], 'shop-core')],
        configVars: {DATABASE_URL: DB, RAILS_ENV: 'production', RAILS_MAX_THREADS: '6', WEB_CONCURRENCY: '2'},
      }),
    )
    const r = await run(['-a', APP, '--json'], {}, s)
    const report = JSON.parse(r.stdout) as JsonReport
    // standard-2: 400 connections (plans/heroku-postgres.json)
    expect(report.limit).toBe(400)
    expect(report.limitSource?.via?.[0]).toMatchObject({kind: 'assumed'})
    expect((report.limitSource?.via?.[0] as {why: string}).why).toContain('attached from shop-core')
  })

  it('no Heroku Postgres add-on: no limit, and a warning that says to pass --plan or --limit', async () => {
    const s = await serve(shop({addons: [], configVars: {DATABASE_URL: 'postgres://x:y@db.example.com/z', RAILS_ENV: 'production'}}))
    const r = await run(['-a', APP, '--json'], {}, s)
    const report = JSON.parse(r.stdout) as JsonReport
    expect(report.limit).toBeNull()
    expect(report.diagnostics.find((d) => d.code === 'database-plan-unknown')).toMatchObject({fix: 'pass --plan PLAN or --limit N', severity: 'warning'})
  })

  it('a plan the table does not know is a warning, not an error', async () => {
    const s = await serve(shop({addons: [addon(APP, 'postgresql-odd-1', 'heroku-postgresql:turbo-9', ['DATABASE_URL'])]}))
    const r = await run(['-a', APP, '--json'], {}, s)
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as JsonReport
    expect(report.limit).toBeNull()
    expect(report.diagnostics.find((d) => d.code === 'database-plan-unknown')?.message).toContain('heroku-postgresql:turbo-9, which is not in')
  })
})

/**
 * Lists longer than a page (Platform API Reference, "Ranges": a truncated list
 * answers 206 Partial Content with a Next-Range header; the client repeats the
 * request with Range set to that value, until a 200). The formation here comes
 * back one process type per page.
 */
describe('paging: 206 Partial Content and Next-Range', () => {
  const pages = (items: unknown[], key: string) => (req: IncomingMessage): Answer => {
    // Range: `id ..; max=1` first (or none), then `]<id of the last one>; max=1` as Next-Range said.
    const after = /^\](\S+);/.exec(req.headers.range ?? '')?.[1]
    const at = after === undefined ? 0 : items.findIndex((i) => (i as Record<string, string>)[key] === after) + 1
    const last = at === items.length - 1
    const id = (items[at] as Record<string, string>)[key]
    return {body: [items[at]], headers: {'Content-Range': `${key} ${id}..${id}; max=1`, ...(last ? {} : {'Next-Range': `]${id}; max=1`})}, status: last ? 200 : 206}
  }

  it('follows Next-Range to the last page and budgets every process type it lists', async () => {
    const types = [
      formation(APP, 'web', 3, 'Standard-2X', 'bundle exec puma -C config/puma.rb'),
      formation(APP, 'worker', 2, 'Standard-1X', 'bundle exec sidekiq -c 8'),
    ]
    const s = await serve({...shop(), [`/apps/${APP}/formation`]: pages(types, 'type')})
    const r = await run(['-a', APP, '--json'], {}, s)
    expect(r.stderr).toBe('')
    const report = JSON.parse(r.stdout) as PlanJson
    // Both pages read: web 3 × 2 × min(6, 6) = 36 and worker 2 × min(6, 8) = 12, as when the list came whole.
    expect(row(report, 'web')).toMatchObject({connections: 36, dynos: 3})
    expect(row(report, 'worker')).toMatchObject({connections: 12, dynos: 2})
    const asked = s.requests.filter((q) => q.path === `/apps/${APP}/formation`).map((q) => q.range ?? null)
    expect(asked).toEqual([null, ']web; max=1'])
  })

  it('a server that never stops answering 206 is an error after 100 pages, not a hang', async () => {
    const s = await serve({...shop(), [`/apps/${APP}/formation`]: () => ({body: [], headers: {'Next-Range': ']x; max=1'}, status: 206})})
    const r = await runProcess(['-a', APP], {}, s)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`conncalc: Heroku API: GET /apps/${APP}/formation kept answering 206 Partial Content after 100 pages\n  hint: try again; if it persists, report it with the app size\n`)
    expect(r.stderr).not.toContain(TOKEN)
  })
})

describe('Platform API failures: one line, exit 2, no stack, no token', () => {
  const cases: [string, Record<string, Answer>, string[], RegExp][] = [
    ['401', {}, ['-a', APP], /^conncalc: Heroku API: 401 Unauthorized reading app shop-prod \(Invalid credentials provided\.\)\n {2}hint: run `heroku login`/],
    [
      '403',
      {[`/apps/${APP}/formation`]: {body: {id: 'forbidden', message: 'You do not have access to the app shop-prod.'}, status: 403}},
      ['-a', APP],
      /^conncalc: Heroku API: 403 Forbidden: this account cannot read app shop-prod \(You do not have access to the app shop-prod\.\)\n {2}hint: run `heroku login` as a collaborator/,
    ],
    ['404', {}, ['-a', 'no-such-app'], /^conncalc: no Heroku app named no-such-app \(Heroku API: 404 on GET \/apps\/no-such-app\/formation, Couldn't find that app\.\)\n/],
    [
      '429',
      {[`/apps/${APP}/config-vars`]: {body: {id: 'rate_limit', message: 'Your account reached the API rate limit'}, headers: {'Retry-After': '30'}, status: 429}},
      ['-a', APP],
      /^conncalc: Heroku API rate limit reached \(429 on GET \/apps\/shop-prod\/config-vars\); retry after 30 s\n/,
    ],
    ['503', {[`/apps/${APP}/addons`]: {body: {id: 'unavailable', message: 'API is temporarily unavailable.'}, status: 503}}, ['-a', APP], /^conncalc: Heroku API: 503 Service Unavailable on GET \/apps\/shop-prod\/addons \(API is temporarily unavailable\.\)\n/],
    ['non-JSON', {[`/apps/${APP}/formation`]: {raw: '<html>Application Error</html>'}}, ['-a', APP], /^conncalc: Heroku API answered GET \/apps\/shop-prod\/formation with a body that is not JSON \(text\/html\)\n/],
    ['timeout', {[`/apps/${APP}/buildpack-installations`]: {hang: true}}, ['-a', APP, '--api-timeout', '1'], /^conncalc: Heroku API did not answer GET \/apps\/shop-prod\/buildpack-installations within 1 s/],
    ['an unexpected shape', {[`/apps/${APP}/formation`]: {body: [{quantity: 'two', type: 'web'}]}}, ['-a', APP], /^conncalc: Heroku API: unexpected answer to GET \/apps\/shop-prod\/formation: item 0.quantity is not a number of dynos \(0 to 262143\)\n/],
    ['more dynos than PostgreSQL has slots', {[`/apps/${APP}/formation`]: {body: [{command: 'bin/web', quantity: 300_000, size: 'Standard-1X', type: 'web'}]}}, ['-a', APP], /^conncalc: Heroku API: unexpected answer to GET \/apps\/shop-prod\/formation: item 0.quantity is not a number of dynos \(0 to 262143\)\n/],
  ]

  for (const [name, override, args, message] of cases) {
    it(name, async () => {
      const s = await serve({...shop(), ...override})
      const r = await (name === 'timeout' ? runProcess : run)(args, name === '401' ? {HEROKU_API_KEY: `${TOKEN}-expired`} : {}, s)
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(message)
      expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('  hint: '))).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr).not.toContain(TOKEN)
    })
  }

  it('an unreachable API says where it looked', async () => {
    const s = await serve({})
    const url = s.url
    await s.close()
    servers.splice(0)
    const r = await runCliAsync(['plan', '--procfile', PROCFILE, '-a', APP], {env: {HEROKU_API_KEY: TOKEN, HEROKU_HOST: url, HOME: tmpdir()}})
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`conncalc: cannot reach the Heroku API at ${url}: ECONNREFUSED\n  hint: check the network, a proxy, or HEROKU_HOST\n`)
  })

  it('--json carries the error, without the token', async () => {
    const s = await serve(shop())
    const r = await run(['-a', APP, '--json'], {HEROKU_API_KEY: `${TOKEN}-expired`}, s)
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({error: {exitCode: 2, message: 'Heroku API: 401 Unauthorized reading app shop-prod (Invalid credentials provided.)'}})
    expect(r.stdout + r.stderr).not.toContain(TOKEN)
  })
})
