/**
 * connect-pg-simple, express-session's PostgreSQL store (test/fixtures/node-session-store). Its constructor
 * (10.0.0 index.js L126-147) uses `options.pool` or `options.pgPromise` as given; otherwise it makes
 * `new pg.Pool(options.conObject || {connectionString: options.conString || process.env.DATABASE_URL})`: a pool of
 * its own, pg's default max 10 unless conObject sets max. The store queries it on every request with a session.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('connect-pg-simple session stores', () => {
  const r = planJson(procfileOf('node-session-store'), ['--scale', 'web=1', 'admin=1'])

  it('counts the pool a store opens from a connection string beside the app pool', () => {
    // web: db.js pg Pool max 4 + the store's own pool (conString, pg default 10) = 14 (before: 4, the store unseen).
    expect(r.type('web')).toMatchObject({connections: 14, poolPerProcess: 14})
    expect(r.type('web').databases).toEqual(['connect-pg-simple server.js:10', 'pg db.js:4'])
  })

  it('counts nothing for a store given the app pool, and conObject.max for one made in place', () => {
    // admin: the store given `pool` shares db.js's 4; the in-place store's conObject max 3: 4 + 3 = 7 (before: 4).
    expect(r.type('admin')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(r.type('admin').databases).toEqual(['connect-pg-simple admin.js:16', 'pg db.js:4'])
    expect(r.total).toBe(21)
  })
})
