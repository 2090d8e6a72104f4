/**
 * A deploy hook whose script runs a Rails migration before its last command (fixture rails-release-script-migrate-first:
 * bin/release runs `rails db:migrate`, then `rails db:seed`). The hook runs them one after another, so it holds the
 * larger: 2 while migrating on ActiveRecord 7.2 (the migration's connection + the Migrator's advisory-lock connection,
 * migration.rb with_advisory_lock_connection), where the last command alone holds 1. Before, only the last command was
 * read (1).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'

describe('release script: a migration before the last command (fixture rails-release-script-migrate-first)', () => {
  it('the release holds 2; deploy peak = web 3 + 2 = 5', () => {
    const r = planJson(procfileOf('rails-release-script-migrate-first'), ['--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 3})
    expect(r.type('release')).toMatchObject({connections: 2})
    expect(r.type('release').extras.map((x) => x.kind)).toEqual(['migration-advisory-lock'])
    expect(r.type('release').extras[0].reason).toContain('`rails db:migrate` runs before the hook\'s last command')
    expect(r.deployPeak).toBe(5)
  })

  it('a script that migrates nothing (tmp:clear, then db:seed) keeps 1: peak 4', () => {
    const r = planJson(`${fixture('rails-release-script-migrate-first')}/Procfile.nomigration`, ['--limit', '20'])
    expect(r.type('release')).toMatchObject({connections: 1})
    expect(r.deployPeak).toBe(4)
  })
})
