/**
 * A preloading parent (Puma cluster master, a Resque worker that forks a child per job) whose app connects Sequel at
 * boot keeps that connection in the Database's pool (Sequel.connect tests the connection: Database#initialize's
 * test_connection, and the pool keeps it). A forked child inherits the pool with that connection in its available list
 * and checks it out first (ThreadedConnectionPool#next_available; `_size` counts it against max_connections): it is one
 * of the child's own min(pool, threads), not one more. While the processes share it, the dyno holds one backend fewer
 * (1 + children × (min − 1)); once their traffic on the one socket breaks it, a child's disconnect ends that backend
 * (PQfinish sends Terminate) and each child opens its own: children × min(pool, threads) is the peak. The parent's
 * connection counts in the ceiling only, and the shared socket is said (Sequel's doc/fork_safety.rdoc).
 *
 * A made-up Rails 7.1 app: database.yml pool 5; config/initializers/reports_db.rb
 * `REPORTS = Sequel.connect(ENV["DATABASE_URL"], max_connections: 2)`; web Puma 3 workers × 4 threads with
 * preload_app!; worker `rake resque:work` (one job at a time, a child per job).
 *
 * By hand: web per worker min(5, 4) + min(2, 4) = 6, × 3 = 18 (ceiling 3 × (5 + 2) + 1 = 22); resque per worker
 * min(5, 1) + min(2, 1) = 2 (its job child's Sequel connection is the worker's own, inherited): total 20. Before,
 * the parent's connection was added on top: 19 + 3 = 22.
 * With `before_fork { Sequel::DATABASES.each(&:disconnect) }` the master holds nothing: web 18, ceiling 21, nothing said.
 * A before_fork that disconnects ActiveRecord only leaves Sequel's connection: as with no hook (18, ceiling 22), said.
 * Rails 4.2 with db/schema_cache.yml (ActiveRecord's schema check queries in the master too, a connection ActiveRecord
 * keys to the master's process id, which no child reuses): that sign stands beside Sequel's, +1 per dyno kept: web 19.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const lock = (rails: string): string => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (${rails})
    pg (1.5.8)
    puma (6.4.3)
    rails (${rails})
      activerecord (= ${rails})
      railties (= ${rails})
    railties (${rails})
    resque (2.6.0)
    sequel (5.85.0)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  pg
  puma
  rails
  resque
  sequel
`

const PUMA = 'workers 3\nthreads 4, 4\npreload_app!\n'

const files = (extra: Record<string, string> = {}, rails = '7.1.4'): Record<string, string> => ({
  'Gemfile': `source "https://rubygems.org"\ngem "rails", "${rails}"\ngem "pg"\ngem "puma"\ngem "resque"\ngem "sequel"\n`,
  'Gemfile.lock': lock(rails),
  'Procfile': 'web: bundle exec puma -C config/puma.rb\nworker: QUEUE=* bundle exec rake resque:work\n',
  'config/application.rb': 'require_relative "boot"\nrequire "rails/all"\nmodule Ledger\n  class Application < Rails::Application\n  end\nend\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 5\n',
  'config/initializers/reports_db.rb': 'REPORTS = Sequel.connect(ENV["DATABASE_URL"], max_connections: 2)\n',
  'config/puma.rb': PUMA,
  ...extra,
})

const plan = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])
const parentOf = (row: ReturnType<ReturnType<typeof plan>['type']>) => row.extras.find((x) => x.kind === 'forking-parent')

describe('a preloading parent\'s Sequel connection is one its forked children inherit', () => {
  it('Puma master and a Resque worker: counted in the children\'s pools, the parent\'s in the ceiling only, the shared socket said', () => {
    const r = plan(app(files()))
    expect([r.type('web').connectionsPerDyno, r.type('web').ceiling, r.type('worker').connectionsPerDyno, r.total]).toEqual([18, 22, 2, 20])
    expect(parentOf(r.type('web'))).toMatchObject({ceilingOnly: true, count: 1, per: 'dyno'})
    expect(parentOf(r.type('worker'))).toMatchObject({ceilingOnly: true, count: 1, per: 'process'})
    const said = r.diagnostics.filter((d) => d.code === 'fork-disconnect-missing')
    expect(said.map((d) => d.processType).sort()).toEqual(['web', 'worker'])
    expect(said[0].message).toContain('inherit that connection and use it at once over one socket')
    expect(said.find((d) => d.processType === 'web')?.fix).toBe('add to config/puma.rb: before_fork { Sequel::DATABASES.each(&:disconnect) }')
  })

  it('a Sequel disconnect in before_fork: the master holds nothing, web 18, ceiling 21, nothing said for web', () => {
    const r = plan(app(files({'config/puma.rb': `${PUMA}before_fork do\n  Sequel::DATABASES.each(&:disconnect)\nend\n`})))
    expect([r.type('web').connectionsPerDyno, r.type('web').ceiling]).toEqual([18, 21])
    expect(r.diagnostics.filter((d) => d.code === 'fork-disconnect-missing').map((d) => d.processType)).toEqual(['worker'])
  })

  it('a before_fork that disconnects ActiveRecord only leaves Sequel\'s: the same 18, and the shared socket is said with that line', () => {
    const r = plan(app(files({'config/puma.rb': `${PUMA}before_fork do\n  ActiveRecord::Base.connection_pool.disconnect!\nend\n`})))
    expect([r.type('web').connectionsPerDyno, r.type('web').ceiling]).toEqual([18, 22])
    const said = r.diagnostics.find((d) => d.code === 'fork-disconnect-missing' && d.processType === 'web')
    expect(said?.message).toContain('disconnects only ActiveRecord in before_fork (config/puma.rb:4)')
    expect(said?.message).toContain('inherit that connection and use it at once over one socket')
    expect(said?.fix).toBe('add to config/puma.rb: before_fork { Sequel::DATABASES.each(&:disconnect) }')
  })

  it('ActiveRecord 4.2 reading its schema cache in the master beside Sequel: that connection is the master\'s own, +1 per dyno kept (19)', () => {
    const r = plan(app(files({'db/schema_cache.yml': '--- {}\n'}, '4.2.11')))
    expect(r.type('web').connectionsPerDyno).toBe(19)
    expect(parentOf(r.type('web'))).toMatchObject({ceilingOnly: false, count: 1})
    expect(r.diagnostics.find((d) => d.code === 'fork-disconnect-missing' && d.processType === 'web')?.message).toContain('(counted: +1 per dyno, 1 across 1 dyno)')
  })
})
