/**
 * conncalc live -a APP: the database to read is the one the Heroku app's config
 * vars name, read from the Platform API stand-in (test/helpers/heroku-api.ts).
 * The URL points at a closed loopback port, so the test shows where conncalc went
 * without a database; its password, the other vars and the token are never shown.
 */
import {tmpdir} from 'node:os'
import {afterEach, describe, expect, it} from 'vitest'

import {runCliAsync, runCliInProcessAsync} from '../helpers/cli.js'
import {appRoutes, type FakeApi, fakeHerokuApi, TOKEN} from '../helpers/heroku-api.js'

const APP = 'shop-prod'
const PASSWORD = 'pw-Secret-live-77'
const servers: FakeApi[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
})

async function serve(configVars: Record<string, string>): Promise<FakeApi> {
  const s = await fakeHerokuApi(appRoutes(APP, {configVars}))
  servers.push(s)
  return s
}

const live = (s: FakeApi, args: string[]) =>
  // DATABASE_URL in conncalc's own environment must not be the one used when -a names an app.
  runCliInProcessAsync(['live', ...args], {env: {DATABASE_URL: 'postgres://local:localpw@127.0.0.1:2/local', HEROKU_API_KEY: TOKEN, HEROKU_HOST: s.url, HOME: tmpdir()}})

describe('conncalc live -a APP', () => {
  it("connects to the app's DATABASE_URL (GET /apps/APP/config-vars only), never printing it", async () => {
    const s = await serve({DATABASE_URL: `postgres://u1:${PASSWORD}@127.0.0.1:1/d1`, SECRET_KEY_BASE: 'sekret-xyz'})
    const r = await live(s, ['-a', APP])
    expect(r.code).toBe(2)
    // 127.0.0.1:1/d1 is the app's database, not the local DATABASE_URL (port 2).
    expect(r.stderr).toBe('conncalc: could not connect to 127.0.0.1:1/d1: connection refused\n  hint: is PostgreSQL running there and listening on that port? Check the host and port in the URL\n')
    expect(s.requests.map((q) => `${q.method} ${q.path}`)).toEqual([`GET /apps/${APP}/config-vars`])
    for (const secret of [PASSWORD, 'sekret-xyz', TOKEN]) expect(r.stdout + r.stderr).not.toContain(secret)
  })

  it('--database-url NAME picks another of its config vars', async () => {
    const s = await serve({DATABASE_URL: `postgres://u1:${PASSWORD}@127.0.0.1:1/d1`, HEROKU_POSTGRESQL_ROSE_URL: `postgres://u2:${PASSWORD}@127.0.0.1:3/d2`})
    const r = await live(s, ['-a', APP, '--database-url', 'HEROKU_POSTGRESQL_ROSE_URL'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('could not connect to 127.0.0.1:3/d2')
    expect(r.stderr).not.toContain(PASSWORD)
  })

  it('an app without that config var: one line, exit 2, naming the database vars it has', async () => {
    const s = await serve({HEROKU_POSTGRESQL_ROSE_URL: `postgres://u2:${PASSWORD}@127.0.0.1:3/d2`, REDIS_URL: 'redis://x'})
    const r = await live(s, ['-a', APP])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`conncalc: the Heroku app ${APP} has no DATABASE_URL config var\n  hint: its database config vars: HEROKU_POSTGRESQL_ROSE_URL; pick one with --database-url NAME\n`)
  })

  it('under --json, the error object, with no password or token', async () => {
    const s = await serve({DATABASE_URL: `postgres://u1:${PASSWORD}@127.0.0.1:1/d1`})
    const r = await live(s, ['-a', APP, '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({error: {exitCode: 2, message: 'could not connect to 127.0.0.1:1/d1: connection refused'}})
    expect(r.stdout + r.stderr).not.toContain(PASSWORD)
    expect(r.stdout + r.stderr).not.toContain(TOKEN)
  })

  it('a 401 from the API is the login hint, exit 2', async () => {
    const s = await serve({})
    const r = await runCliAsync(['live', '-a', APP], {env: {HEROKU_API_KEY: 'wrong-token-123', HEROKU_HOST: s.url, HOME: tmpdir()}})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^conncalc: Heroku API: 401 Unauthorized reading app shop-prod \(Invalid credentials provided\.\)\n {2}hint: run `heroku login`/)
    expect(r.stderr).not.toContain('wrong-token-123')
  })
})
