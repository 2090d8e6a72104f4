/**
 * A Rails app (ActiveRecord) that also connects Sequel in its own code: each `Sequel.connect(...)` makes a
 * Sequel::Database with a threaded pool of its own (max_connections, default 4: sequel
 * lib/sequel/connection_pool/threaded.rb), which ActiveRecord's pool does not share. A made-up app:
 *
 *   web: Puma 2 workers × 5 threads, no preload; worker: Sidekiq -c 8; database.yml pool 10.
 *   config/initializers/auth_db.rb   AUTH_DB = Sequel.connect(ENV["DATABASE_URL"], max_connections: 3)   counted, 3
 *   lib/stats.rb                     STATS = Sequel.connect(ENV["DATABASE_URL"])   counted, 4 (no file requires it: assumed)
 *   app/models/import_run.rb         Sequel.connect(ENV["DATABASE_URL"]) do |db| … end   block form: disconnects, not counted
 *   config/initializers/sequel_ar.rb Sequel.connect(adapter: :postgres, test: false) + extension :activerecord_connection: borrows AR's
 *   lib/archive.rb                   Sequel.connect(ENV["ARCHIVE_DATABASE_URL"])   another server (unset): not counted
 *
 * By hand: web per process min(10, 5) + min(3, 5) + min(4, 5) = 12, × 2 = 24; worker min(10, 8) + min(3, 8) +
 * min(4, 8) = 15; total 39. Without Sequel in the bundle the same code cannot run: web 10, worker 8, total 18.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const lock = (sequel: boolean): string => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.4)
    pg (1.5.8)
    puma (6.4.3)
    rails (7.1.4)
      activerecord (= 7.1.4)
      railties (= 7.1.4)
    railties (7.1.4)
${sequel ? '    sequel (5.85.0)\n' : ''}    sidekiq (7.3.2)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  pg
  puma
  rails
${sequel ? '  sequel\n' : ''}  sidekiq
`

const files = (sequel: boolean, extra: Record<string, string> = {}): Record<string, string> => ({
  'Gemfile': `source "https://rubygems.org"\ngem "rails", "~> 7.1.4"\ngem "pg"\ngem "puma"\ngem "sidekiq"\n${sequel ? 'gem "sequel"\n' : ''}`,
  'Gemfile.lock': lock(sequel),
  'Procfile': 'web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq -c 8\n',
  'app/models/import_run.rb': 'class ImportRun < ApplicationRecord\n  def self.copy_rows\n    Sequel.connect(ENV["DATABASE_URL"]) do |db|\n      db[:rows].count\n    end\n  end\nend\n',
  'config/application.rb': 'require_relative "boot"\nrequire "rails/all"\nmodule Shop\n  class Application < Rails::Application\n  end\nend\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 10\n',
  'config/initializers/auth_db.rb': 'AUTH_DB = Sequel.connect(ENV["DATABASE_URL"], max_connections: 3)\n',
  'config/initializers/sequel_ar.rb': 'DB = Sequel.connect(adapter: :postgres, test: false)\nDB.extension :activerecord_connection\n',
  'config/puma.rb': 'workers 2\nthreads 5, 5\n',
  'lib/archive.rb': 'ARCHIVE = Sequel.connect(ENV["ARCHIVE_DATABASE_URL"])\n',
  'lib/stats.rb': 'STATS = Sequel.connect(ENV["DATABASE_URL"])\n',
  ...extra,
})

const plan = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])

describe('Sequel databases an ActiveRecord app connects in its own code', () => {
  it('counts each Sequel.connect pool beside ActiveRecord\'s: web 2 × (5 + 3 + 4) = 24, worker 8 + 3 + 4 = 15', () => {
    const p = plan(app(files(true)))
    expect([p.type('web').connectionsPerDyno, p.type('worker').connectionsPerDyno, p.total]).toEqual([24, 15, 39])
    const sources = p.type('web').sources
    const keys = Object.keys(sources).filter((k) => k.startsWith('pool.sequel')).sort()
    expect(keys).toEqual(['pool.sequel config/initializers/auth_db.rb:1', 'pool.sequel lib/stats.rb:1'])
    // max_connections: 3 is read from the call; lib/stats.rb's default 4 is an assumption (nothing requires the file).
    expect(sources['pool.sequel config/initializers/auth_db.rb:1']).toMatchObject({source: {file: 'config/initializers/auth_db.rb', kind: 'file', line: 1}, value: 3})
    expect(sources['pool.sequel lib/stats.rb:1']).toMatchObject({source: {kind: 'assumed'}, value: 4})
  })

  it('a lib file some loaded file requires is read, not assumed', () => {
    const p = plan(app(files(true, {'config/initializers/stats.rb': 'require "stats"\n'})))
    expect(p.total).toBe(39)
    expect(p.type('web').sources['pool.sequel lib/stats.rb:1']).toMatchObject({source: {kind: 'default'}, value: 4})
  })

  it('no Sequel in the bundle: only ActiveRecord\'s pool, web 10 and worker 8', () => {
    const p = plan(app(files(false)))
    expect([p.type('web').connectionsPerDyno, p.type('worker').connectionsPerDyno, p.total]).toEqual([10, 8, 18])
  })
})
