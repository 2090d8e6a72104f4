/**
 * A deploy hook's script whose only database work is a library migrator handed the app's pool holds the
 * migrator's one connection (src/languages/node/migrators.ts), not the pool's max; one that also runs its own
 * queries at once holds as many as it runs side by side (src/languages/node/at-once.ts).
 * - test/fixtures/node-release-migrator: web `node server.js`, postgres.js max 5: 5.
 *   release `npx tsx src/db/migrate.ts`: drizzle-orm's postgres-js migrate(db) on src/db/client.ts's postgres.js
 *   client (no max: postgres.js's 10). drizzle's PgDialect.migrate runs everything in turn on one session: 1,
 *   peak 5 + 1 = 6 (before: 10, peak 15).
 *   Procfile.parallel: migrate, then Promise.all of one UPDATE per region of `const regions = [4 names]` on the
 *   same client: 4 at once (of its 10); peak 5 + 4 = 9.
 *   Procfile.pg: node-pg-migrate's runner({databaseUrl}): one client, 1; peak 6.
 * - test/fixtures/node-release-knex-migrator: web knex max 5: 5. release `node scripts/knex-migrate.js`,
 *   knex max 7, `knex.migrate.latest()` only: one transaction, 1; peak 6. Procfile.parallel: migrate, then
 *   Promise.allSettled of `['brest', 'cherbourg', 'dunkerque'].map(update)`: 3 at once (of the pool's 7), peak 8.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (procfile: string) => planJson(procfileOf(procfile), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('a deploy hook script that only hands its pool to a library migrator', () => {
  it('holds drizzle-orm’s one session, sourced from drizzle’s migrator', () => {
    const r = plan('node-release-migrator')
    expect(r.type('web').connectionsPerDyno).toBe(5)
    expect(r.type('release')).toMatchObject({connectionsPerDyno: 1, server: 'node'})
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: expect.stringContaining('drizzle-orm/blob/0.45.2'), what: expect.stringContaining('src/db/migrate.ts:6: drizzle-orm')})
    expect(r.deployPeak).toBe(6)
  })

  it('holds what the script also runs at once: one query per item of a fixed list', () => {
    const r = plan('node-release-migrator/Procfile.parallel')
    expect(r.type('release').connectionsPerDyno).toBe(4)
    expect(r.deployPeak).toBe(9)
  })

  it('holds node-pg-migrate’s one client', () => {
    const r = plan('node-release-migrator/Procfile.pg')
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({ref: expect.stringContaining('node-pg-migrate')})
    expect(r.deployPeak).toBe(6)
  })

  it('holds knex’s one migration transaction, and its own three updates when they run at once', () => {
    const only = plan('node-release-knex-migrator')
    expect(only.type('web').connectionsPerDyno).toBe(5)
    expect(only.type('release').connectionsPerDyno).toBe(1)
    expect(only.type('release').sources.threadsPerProcess.source).toMatchObject({ref: expect.stringContaining('knex/knex/blob/3.1.0')})
    expect(only.deployPeak).toBe(6)
    const parallel = plan('node-release-knex-migrator/Procfile.parallel')
    expect(parallel.type('release').connectionsPerDyno).toBe(3)
    expect(parallel.deployPeak).toBe(8)
  })
})
