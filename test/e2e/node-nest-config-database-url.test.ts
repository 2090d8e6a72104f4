/**
 * NestJS `configService.getOrThrow('DATABASE_URL')` passed to pg-boss (test/fixtures/node-nest-config-database-url):
 * ConfigService.get reads process.env first (@nestjs/config), and Heroku Postgres sets DATABASE_URL on every dyno, so
 * it is the platform's URL as `process.env.DATABASE_URL` is. pg-boss given a connection string opens a pg Pool of its
 * default max 10 (https://github.com/timgit/pg-boss/blob/master/docs/api/constructor.md). Before, the call read as a
 * value with "no value and no default": the options could not be read and the same 10 was starred as assumed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe("ConfigService.getOrThrow('DATABASE_URL')", () => {
  it("is the platform's DATABASE_URL: pg-boss's default pool, not an assumption", () => {
    const r = planJson(procfileOf('node-nest-config-database-url'), ['--scale', 'web=1'])
    // src/app.module.ts:13 `new PgBoss(url)`: 1 dyno × 1 process × 10 = 10.
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })
})
