import type {LiveBackend, LiveSnapshot} from '../../src/model/live.js'
import {describe, expect, it} from 'vitest'

import {matchProcessType} from '../../src/live/compare.js'
import {connectionError} from '../../src/live/errors.js'
import {buildLiveFacts, buildLiveReport, groupBy} from '../../src/live/live-report.js'
import {parseTarget} from '../../src/live/target.js'
import {formatSeconds} from '../../src/util/duration.js'

describe('parseTarget', () => {
  it('reads host, port, database and user; keeps the password out of the shown URL', () => {
    const t = parseTarget('postgres://u9dih:s3cr3t%2Fpw@ec2-1-2-3-4.compute-1.amazonaws.com:5482/d6h3b', 'DATABASE_URL')
    expect(t).toMatchObject({
      database: 'd6h3b',
      host: 'ec2-1-2-3-4.compute-1.amazonaws.com',
      password: 's3cr3t/pw',
      port: 5482,
      sslMode: 'prefer',
      sslModeFrom: 'default',
      url: 'postgres://u9dih:***@ec2-1-2-3-4.compute-1.amazonaws.com:5482/d6h3b',
      user: 'u9dih',
    })
  })

  it('takes sslmode from the URL, and node-postgres ssl=true as verify-full', () => {
    expect(parseTarget('postgresql://u:p@h/db?sslmode=require', 'x').sslMode).toBe('require')
    expect(parseTarget('postgres://u:p@h/db?ssl=true', 'x').sslMode).toBe('verify-full')
    expect(parseTarget('postgres://u:p@h/db?sslmode=disable', 'x')).toMatchObject({sslMode: 'disable', sslModeFrom: 'url'})
  })

  it('refuses other schemes, unknown sslmodes and bad ports without showing the password', () => {
    expect(() => parseTarget('redis://:hunter2@h:6379', '--database-url')).toThrow('--database-url is a redis:// URL, not a PostgreSQL one (redis://:***@h:6379)')
    expect(() => parseTarget('not a url', '--database-url')).toThrow('--database-url is not a PostgreSQL URL')
    // No scheme: `user:password@host` is not read as a `user://` URL and quoted whole.
    expect(() => parseTarget('app:hunter2@db.example.com/shop', '--database-url')).toThrow(/^--database-url is not a PostgreSQL URL \(expected postgres:\/\/user:password@host:5432\/database\)$/)
    expect(() => parseTarget('postgres://u:p@h/db?sslmode=sometimes', 'x')).toThrow('x has sslmode=sometimes, which PostgreSQL does not know')
    expect(() => parseTarget('postgres://u:hunter2@h:99999/db', 'x')).toThrow(/^x is not a valid URL \(postgres:\/\/\*\*\*@h:99999\/db\)$/)
  })
})

describe('connectionError', () => {
  const target = parseTarget('postgres://app:hunter2@db.example.com:5432/shop', 'x')
  const err = (e: object) => connectionError(e, target, {connectTimeoutSeconds: 5})

  it('names the host and says what to do, never the password', () => {
    expect(err({code: 'ENOTFOUND'}).message).toBe('could not connect to db.example.com:5432/shop: host "db.example.com" not found')
    expect(err({code: '3D000', message: 'database "shop" does not exist'}).message).toBe('database "shop" does not exist on db.example.com:5432')
    expect(err({code: '53300', message: 'sorry, too many clients already'}).message).toBe('db.example.com:5432/shop refused the connection: sorry, too many clients already')
    expect(err({code: '28000', message: 'no pg_hba.conf entry for host "1.2.3.4", user "app", database "shop", no encryption'}).hint).toBe(
      'the server requires SSL (Heroku Postgres does): remove sslmode=disable from the URL',
    )
    expect(err({message: 'Connection terminated due to connection timeout'}).message).toBe('timed out after 5 s waiting for db.example.com:5432/shop')
    // pg's message when the port answers something other than PostgreSQL to its SSL request.
    expect(err({message: 'There was an error establishing an SSL connection'})).toMatchObject({
      hint: 'check the host and port in the URL (another service, HTTP or a proxy, may listen there); if they are right, try again',
      message: 'db.example.com:5432/shop answered the SSL request with neither yes nor no: it is not a PostgreSQL server, or one that failed before start-up',
    })
    // A socket folder with no PostgreSQL socket in it: said in words, not as pg's `connect ENOENT /tmp/.s.PGSQL.5432`.
    const socket = connectionError({code: 'ENOENT', message: 'connect ENOENT /tmp/.s.PGSQL.5432'}, parseTarget('postgres://app:hunter2@localhost/shop?host=/tmp', 'x'), {connectTimeoutSeconds: 5})
    expect(socket.message).toMatch(/^could not connect to \S+: no PostgreSQL socket at \/tmp\/\.s\.PGSQL\.5432$/)
    expect(socket.hint).toBe('is PostgreSQL running on this machine, and is that the folder of its socket (unix_socket_directories)? For a server on the network, give its host name in the URL')
    for (const e of [{code: 'ECONNREFUSED'}, {code: '28P01'}, {code: 'ENOENT'}, {message: 'boom'}]) {
      const u = err(e)
      expect(`${u.message} ${u.hint}`).not.toContain('hunter2')
      expect(u.exitCode).toBe(2)
    }
  })

  it('a server (or a proxy in front of it) that quotes the password back: the password is removed, as written and percent-encoded', () => {
    const quoted = err({code: '08P01', message: 'invalid startup packet from "app" with password "hunter2" (hunter2 rejected)'})
    expect(quoted.message).toBe('db.example.com:5432/shop refused as "app": invalid startup packet from "app" with password "***" (*** rejected)')
    const odd = parseTarget('postgres://app:p%40ss%2Fw0rd@db.example.com/shop', 'x')
    const u = connectionError({message: 'proxy: bad credentials p@ss/w0rd (p%40ss%2Fw0rd)'}, odd, {connectTimeoutSeconds: 5})
    expect(u.message).toBe('could not connect to db.example.com:5432/shop: proxy: bad credentials *** (***)')
    // A password of under 4 characters is masked only where it stands apart, so the message stays readable.
    const short = parseTarget('postgres://app:ab@db.example.com/shop', 'x')
    expect(connectionError({message: 'table about: password ab refused'}, short, {connectTimeoutSeconds: 5}).message).toBe('could not connect to db.example.com:5432/shop: table about: password *** refused')
  })
})

const backend = (b: Partial<LiveBackend>): LiveBackend => ({
  applicationName: '',
  clientAddr: '10.0.0.1',
  database: 'd',
  pid: 1,
  state: 'idle',
  stateSeconds: 5,
  user: 'app',
  ...b,
})

const snapshot = (over: Partial<LiveSnapshot>): LiveSnapshot => ({
  backends: [],
  maxConnections: 23,
  reservedConnections: 0,
  role: {canUseReserved: false, connectionLimit: 20, name: 'app', superuser: false},
  serverVersion: '16.4',
  ssl: {encrypted: true, mode: 'prefer', modeFrom: 'default', note: '', verified: false},
  superuserReservedConnections: 3,
  url: 'postgres://app:***@h/d',
  ...over,
})

const options = {idleInTransactionSeconds: 60, staleIdleSeconds: 3600, warnAt: 0.8}

describe('buildLiveFacts', () => {
  it('an Essential-like role at its limit: status over, no slot left, live-near-limit is an error', () => {
    const backends = Array.from({length: 20}, (_, i) => backend({applicationName: `web.${(i % 2) + 1}`, pid: i}))
    const r = buildLiveReport(snapshot({backends}), options, null)
    expect(r).toMatchObject({available: 0, limitBy: 'server', status: 'over', used: 20, usedByRole: 20})
    expect(r.diagnostics[0]).toMatchObject({code: 'live-near-limit', message: expect.stringMatching(/^20 of 20 connections in use \(100%\): no slots left/), severity: 'error'})
  })

  it('counts the role limit when it binds before the server does', () => {
    const facts = buildLiveFacts(snapshot({maxConnections: 500, role: {canUseReserved: false, connectionLimit: 20, name: 'app', superuser: false}}), options)
    expect(facts.limit.value).toBe(20)
    expect(facts.limitBy).toBe('role')
  })

  it('a role with pg_use_reserved_connections may use reserved_connections', () => {
    const s = snapshot({maxConnections: 100, reservedConnections: 5, role: {canUseReserved: true, connectionLimit: null, name: 'app', superuser: false}})
    expect(buildLiveFacts(s, options).limit.value).toBe(97)
    expect(buildLiveFacts({...s, role: {...s.role, canUseReserved: false}}, options).limit.value).toBe(92)
  })

  it('finds the oldest idle and the longest idle in transaction', () => {
    const facts = buildLiveFacts(
      snapshot({
        backends: [
          backend({applicationName: 'web.1', pid: 1, stateSeconds: 40}),
          backend({applicationName: 'web.2', pid: 2, stateSeconds: 7200}),
          backend({applicationName: 'worker.1', pid: 3, state: 'idle in transaction (aborted)', stateSeconds: 90}),
        ],
      }),
      options,
    )
    expect(facts.oldestIdle).toEqual({applicationName: 'web.2', pid: 2, seconds: 7200})
    expect(facts.longestIdleInTransaction).toEqual({applicationName: 'worker.1', pid: 3, seconds: 90})
  })
})

describe('matchProcessType', () => {
  const types = ['web', 'worker', 'urgent_worker']
  it.each([
    ['web.1', {kind: 'type', type: 'web'}],
    ['urgent_worker.12', {kind: 'type', type: 'urgent_worker'}],
    ['worker', {kind: 'type', type: 'worker'}],
    ['run.4821', {kind: 'one-off', type: 'run'}],
    ['scheduler.9', {kind: 'one-off', type: 'scheduler'}],
    ['', null],
    ['psql interactive', null],
    ['clock.1', null],
  ])('%j', (name, expected) => {
    expect(matchProcessType(name, types)).toEqual(expected)
  })
})

describe('formatSeconds', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [750, '12 min 30 s'],
    [7500, '2 h 5 min'],
  ])('%d → %s', (s, text) => expect(formatSeconds(s)).toBe(text))
})

describe('grouping live connections', () => {
  const backend = (applicationName: string, pid: number): LiveBackend => ({applicationName, clientAddr: null, database: 'app', pid, state: 'idle', stateSeconds: 1, user: 'app'})
  it('orders dyno names as a person would: web.2 before web.10', () => {
    const groups = groupBy([backend('web.10', 1), backend('web.2', 2), backend('web.1', 3)], (b) => b.applicationName)
    expect(groups.map((g) => g.name)).toEqual(['web.1', 'web.2', 'web.10'])
  })
})
