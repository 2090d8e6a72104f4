/**
 * A pool made after `if (!url.parse(process.env.DATABASE_URL).auth) throw …` (test/fixtures/node-url-parse-guard).
 * Node's legacy url.parse() gives `auth` ("user:password", https://nodejs.org/api/url.html#legacy-urlobject), and
 * Heroku Postgres's DATABASE_URL always names a user and a password, so the check passes on a dyno and the pool below
 * it is made. Before, the URL's parts had no `auth` and the stand-in URL no credentials: the throw was taken as
 * certain, the pool never read, and pg's default 10 assumed in place of the pool's max 4.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('url.parse(DATABASE_URL).auth checked before the pool', () => {
  it('reads the pool below the check when DATABASE_URL is the platform one', () => {
    const r = planJson(procfileOf('node-url-parse-guard'), ['--scale', 'web=1'])
    // src/db.js:15 `new Pool({…, max: 4})` inside the Kysely dialect: 1 dyno × 1 process × 4 = 4, nothing assumed.
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
  })

  it('reads it too when DATABASE_URL is given with its credentials', () => {
    const r = planJson(procfileOf('node-url-parse-guard'), ['--scale', 'web=1', '--env', 'DATABASE_URL=postgres://app:s3cret@db.internal:5432/aids'])
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
  })
})
