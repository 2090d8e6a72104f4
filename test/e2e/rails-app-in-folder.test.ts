/**
 * `rails server` whose bin/rails points APP_PATH at an application in a folder of its own (an engine's
 * sandbox or demo app deployed from the engine's repository; fixture rails-engine-sandbox-app).
 * Rails changes into that folder before the server starts (railties command/actions.rb
 * set_application_directory!, then server_command.rb `Dir.chdir(Rails.application.root)`), so
 * sandbox/config/puma.rb and sandbox/config/database.yml are what it reads; Gemfile.lock is the root's.
 *
 *   sandbox/config/puma.rb: threads 3 (RAILS_MAX_THREADS unset), workers 2 (WEB_CONCURRENCY unset)
 *   sandbox/config/database.yml production: pool 4
 *   web: 2 processes × min(pool 4, 3 threads) = 6; ceiling 2 × 4 + 1 (preloading master) = 9
 * Read from the root instead (the bug this guards against): no config, Puma 6.4.3's single mode and
 * 5 threads, ActiveRecord's pool 5 → 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Rails application in a folder of the repository (bin/rails APP_PATH)', () => {
  const r = planJson(procfileOf('rails-engine-sandbox-app'), ['--plan', 'standard-0', '--scale', 'web=1'])

  it("reads the application's own puma.rb and database.yml: 2 × min(4, 3) = 6", () => {
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({ceiling: 9, connections: 6, poolPerProcess: 4, processesPerDyno: 2, server: 'puma', threadsPerProcess: 3})
    expect(r.type('web').sources.threadsPerProcess.source).toEqual({file: 'sandbox/config/puma.rb', kind: 'file', line: 2})
    expect(r.type('web').versions).toMatchObject({activerecord: '7.2.1', puma: '6.4.3'})
  })

  it('says where the folder came from: bin/rails:7', () => {
    const via = r.type('web').sources.processesPerDyno.via ?? []
    expect(via.some((s) => s.kind === 'default' && (s.what ?? '').includes('bin/rails:7 (APP_PATH) from sandbox/'))).toBe(true)
  })

  it('a release `bin/rails db:prepare` is one process: its migration and the migrator\'s advisory-lock connection (2)', () => {
    // ActiveRecord 7.2.1 (the folder's Gemfile.lock): db:prepare migrates an existing database, and the migrator takes
    // its advisory lock on a connection of its own beside the migration's.
    expect(r.type('release')).toMatchObject({connections: 2, role: 'release'})
    expect(r.total).toBe(6)
  })
})

/**
 * Fixture rails-rackup-sandbox-app: `puma -C ./sandbox/config/puma.heroku.rb` from the repository root, whose
 * config.ru requires sandbox/config/environment. Puma's config is the one -C names; Rails.root is sandbox/ (the
 * nearest config.ru from sandbox/config upwards, railties engine.rb find_root), so database.yml is sandbox's.
 *   puma.heroku.rb: workers 2 (WEB_CONCURRENCY unset), threads 3 (MAX_THREADS unset)
 *   sandbox/config/database.yml production pool DB_POOL or 2 → 2
 *   web: 2 × min(2, 3) = 4 (read from the root instead: ActiveRecord's 5 → 2 × min(5, 3) = 6)
 */
describe('a config.ru that boots the Rails application of another folder', () => {
  const r = planJson(procfileOf('rails-rackup-sandbox-app'), ['--plan', 'standard-0', '--scale', 'web=1'])

  it("reads that application's database.yml: 2 × min(2, 3) = 4, and names config.ru:2", () => {
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 2, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.type('web').sources['pool.primary'].source).toEqual({file: 'sandbox/config/database.yml', kind: 'file', line: 4})
    const via = r.type('web').sources.processesPerDyno.via ?? []
    expect(via.some((s) => s.kind === 'default' && (s.what ?? '').startsWith('config.ru:2 boots the Rails application in sandbox/'))).toBe(true)
  })
})

