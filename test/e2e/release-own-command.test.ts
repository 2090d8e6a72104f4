/**
 * A deploy hook is counted from the command it runs, not as a generic one-connection release command:
 * - test/fixtures/node-release-own-program: web `node server.js` (pg Pool max 5): 5. The release runs one of
 *   the app's own files, `node scripts/migrate.js`, whose Pool has max 3: the Node analyzer reads it, and the
 *   script awaits one SQL file after another (a for-of loop), so it holds 1 of the pool's 3 at a time
 *   (src/languages/node/at-once.ts): deploy peak 5 + 1 = 6. `npm run migrate` is the same script: 1.
 * - `npx knex migrate:latest` (Procfile.knex): knex's Migrator runs the batch in one transaction
 *   (lib/migrations/migrate/Migrator.js latest()), so 1, not the knexfile's pool of 8 (peak 6).
 * - `node scripts/backfill.js && npx knex migrate:latest` (Procfile.sequence): the hook runs both, one after
 *   another, and holds the larger: backfill's Pool max 4, its UPDATEs run at once over rows read at run time
 *   (Promise.all over rows.map): as many as the pool gives, 4, an assumption (before: the last command's 1). Peak 5 + 4 = 9.
 * - test/fixtures/rails-release-sequence: `rake db:migrate && rake search:reindex_pending`. db:migrate on
 *   ActiveRecord 7.1.4 holds 2 (the migration's connection and the Migrator's advisory-lock one); the reindex
 *   task 1: the hook holds 2 (before: 1, the last task's). web: puma 2 workers × 4 threads, pool 4: 8; peak 10.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (procfile: string) => planJson(procfileOf(procfile), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('a deploy hook that runs the app’s own program', () => {
  it('reads the pool that program opens, and holds what it runs at once: one query at a time', () => {
    const r = plan('node-release-own-program')
    expect(r.type('web').connectionsPerDyno).toBe(5)
    expect(r.type('release')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 3, server: 'node'})
    expect(r.type('release').sources['pool.pg scripts/migrate.js:5']).toMatchObject({source: {file: 'scripts/migrate.js', line: 5}, value: 3})
    expect(r.total).toBe(5)
    expect(r.deployPeak).toBe(6)
  })

  it('follows `npm run migrate` to the same script', () => {
    const r = plan('node-release-own-program/Procfile.npm')
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.deployPeak).toBe(6)
  })

  it('counts a migration tool as the one connection it holds, with the tool as the source', () => {
    const r = plan('node-release-own-program/Procfile.knex')
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: expect.stringContaining('knex/knex'), what: expect.stringContaining("knex's Migrator")})
    expect(r.deployPeak).toBe(6)
  })
})

describe('a deploy hook that runs several commands in turn', () => {
  it('holds the largest of them, not the last one’s', () => {
    const r = plan('node-release-own-program/Procfile.sequence')
    expect(r.type('release').connectionsPerDyno).toBe(4)
    const via = r.type('release').sources.processesPerDyno.via ?? []
    expect(via).toContainEqual(expect.objectContaining({what: 'Procfile.sequence:2: release runs `node scripts/backfill.js` (4), `npx knex migrate:latest` (1) one after another; it holds the largest, `node scripts/backfill.js` (4)'}))
    expect(r.deployPeak).toBe(9)
  })

  it('keeps a Rails migration’s advisory-lock connection when the migration is not the last command', () => {
    const r = plan('rails-release-sequence')
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(r.type('release').connectionsPerDyno).toBe(2)
    expect(r.deployPeak).toBe(10)
  })
})
