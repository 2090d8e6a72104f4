/**
 * Rails migrations outside the release phase (fixture rails-migrate-before-start, ActiveRecord 7.2):
 * - a long-running type that only migrates (`migrate: bin/rails db:prepare`, which exits and is restarted) holds 2
 *   while it runs: the migration's connection and the Migrator's advisory-lock connection (a pool of its own from
 *   6.1, migration.rb with_advisory_lock_connection), as a release-phase migration does;
 * - a migration run before the server (`rake db:migrate && puma`, a start script's `rails db:migrate` before
 *   `exec sidekiq`) is over before the server opens any: not in the total, said in --explain on the type.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

describe('Rails migrations in long-running types (fixture rails-migrate-before-start)', () => {
  const r = planJson(procfileOf('rails-migrate-before-start'), ['--limit', '40'])

  it('the migrate type holds 2: rake 1 + the advisory-lock connection 1', () => {
    expect(r.type('migrate')).toMatchObject({connections: 2, connectionsPerProcess: 2})
    expect(r.type('migrate').extras.map((x) => x.kind)).toEqual(['migration-advisory-lock'])
  })

  it('web and worker count their servers only (puma 4 threads, sidekiq -c 4, pool 6): 4 + 4 + 2 = 10', () => {
    expect(r.type('web')).toMatchObject({connections: 4})
    expect(r.type('worker')).toMatchObject({connections: 4})
    expect(r.total).toBe(10)
    expect(r.deployPeak).toBe(10)
  })

  it('--explain says, for web and worker, that the migration before them holds 2 while each dyno boots', () => {
    const out = runCliInProcess(['plan', '--procfile', procfileOf('rails-migrate-before-start'), '--explain'])
    const notes = out.stdout.split('\n').filter((l) => l.includes('runs before the process in every dyno as it boots'))
    expect(notes).toHaveLength(2)
    expect(notes[0]).toContain('`rake db:migrate`')
    expect(notes[1]).toContain('`rails db:migrate`')
    for (const n of notes) expect(n).toContain('holds 2 while migrating')
    // A note, not an assumption: web's processes are not starred.
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).not.toContain('"assumed"')
  })
})
