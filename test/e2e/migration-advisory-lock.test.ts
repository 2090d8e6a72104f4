/**
 * A Rails release phase (`release: bin/rails db:migrate`) holds two connections while it runs: ActiveRecord's
 * Migrator takes its advisory lock on a connection of its own (AdvisoryLockBase in 6.0, a fresh ConnectionHandler's
 * pool per run from 6.1: rails/rails v6.1.0 activerecord/lib/active_record/migration.rb with_advisory_lock_connection),
 * and the migrations run on ActiveRecord::Base.connection beside it. Before 6.0 the lock was taken on that same
 * connection; `advisory_locks: false` in database.yml turns the lock off.
 *
 * App (temp, on fixture fork-rails-7-2-puma-cluster: Rails 7.2.1, Puma 2 workers × 3 threads, pool
 * RAILS_MAX_THREADS‖5): web 2 × min(5, 3) = 6. With `release: bin/rails db:migrate`:
 *   release 1 thread + 1 lock connection = (2), deploy peak 6 + 2 = 8 (before: (1), peak 7).
 *   advisory_locks: false in production → (1), peak 7. db:migrate:status (no Migrator lock) → (1).
 *   Three-tier production with primary's advisory_locks: false → (1).
 *   advisory_locks: <%= ENV["MIGRATION_LOCKS"] %> with no value here, or <%= Settings.migration_locks %> → (2), the
 *   count sourced as an assumption (ActiveRecord reads nil as off, but the platform's value is not known here).
 *   activerecord 5.2.8 in Gemfile.lock (lock taken on the migration's connection) → (1).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('fork-rails-7-2-puma-cluster')
const procfile = 'web: bundle exec puma -C config/puma.rb\nrelease: bin/rails db:migrate\n'
const plan = (files: Record<string, string>) => planJson(join(app({Procfile: procfile, ...files}), 'Procfile'), ['--plan', 'standard-0'])
const yml = readFileSync(join(fixture('fork-rails-7-2-puma-cluster'), 'config/database.yml'), 'utf8')

describe('a Rails migration in the release phase: the Migrator\'s advisory-lock connection', () => {
  it('Rails 7.2: the release holds the migration\'s connection and the lock\'s (2), deploy peak 6 + 2', () => {
    const r = plan({})
    expect(r.type('web').connections).toBe(6)
    expect(r.type('release').connections).toBe(2)
    expect(r.total).toBe(6)
    expect(r.deployPeak).toBe(8)
    const extras = JSON.stringify(r.type('release').extras)
    expect(extras).toContain('ActiveRecord migrator advisory-lock connection')
    expect(extras).toContain('ActiveRecord 7.2.1 takes the migration advisory lock on a connection of its own')
    expect(extras).not.toContain('"kind":"assumed"')
  })

  it('advisory_locks: false in the production section: one connection, deploy peak 7', () => {
    const r = plan({'config/database.yml': yml.replace('  database: atlas_production\n', '  database: atlas_production\n  advisory_locks: false\n')})
    expect(r.type('release').connections).toBe(1)
    expect(r.deployPeak).toBe(7)
  })

  it('a three-tier file: the primary entry\'s advisory_locks: false turns it off', () => {
    const threeTier = yml.replace(/production:\n[\s\S]*$/, 'production:\n  primary:\n    <<: *default\n    database: atlas_production\n    advisory_locks: false\n  cache:\n    <<: *default\n    database: atlas_cache\n    migrations_paths: db/cache_migrate\n')
    expect(plan({'config/database.yml': threeTier}).type('release').connections).toBe(1)
  })

  it('advisory_locks from an env var with no value here, or code: counted on (the default), said to be an assumption', () => {
    for (const erb of ['<%= ENV["MIGRATION_LOCKS"] %>', '<%= Settings.migration_locks %>']) {
      const dir = app({Procfile: procfile, 'config/database.yml': yml.replace('  database: atlas_production\n', `  database: atlas_production\n  advisory_locks: ${erb}\n`)})
      expect(planJson(join(dir, 'Procfile'), ['--plan', 'standard-0']).type('release').connections).toBe(2)
      const text = runCli(['plan', '--procfile', join(dir, 'Procfile'), '--plan', 'standard-0', '--explain']).stdout
      expect(text).toContain('config/database.yml:16 sets advisory_locks in a way conncalc cannot read; on (the default) assumed')
    }
  })

  it('db:migrate:status takes no lock; ActiveRecord 5.2 locks on the migration\'s own connection', () => {
    expect(planJson(join(app({Procfile: 'web: bundle exec puma -C config/puma.rb\nrelease: bin/rails db:migrate:status\n'}), 'Procfile'), ['--plan', 'standard-0']).type('release').connections).toBe(1)
    const lock = readFileSync(join(fixture('fork-rails-7-2-puma-cluster'), 'Gemfile.lock'), 'utf8').replaceAll('7.2.1', '5.2.8')
    expect(plan({'Gemfile.lock': lock}).type('release').connections).toBe(1)
  })
})
