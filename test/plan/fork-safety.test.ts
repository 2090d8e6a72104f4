import {describe, expect, it} from 'vitest'

import {renderTable} from '../../src/render/table.js'
import {Chalk} from 'chalk'
import {planFixture} from './helpers.js'

const ERRORS = ['SSL SYSCALL error: EOF detected', 'no connection to the server', 'decryption failed or bad record mac']

describe('fork-reconnect-missing', () => {
  it('Rails 4.2 + Unicorn preload_app true without after_fork: error at the preload line, exit 1', async () => {
    const r = await planFixture('fork-rails-4-2-unicorn', {scale: ['web=2']})
    const d = r.diagnostics.find((x) => x.code === 'fork-reconnect-missing')!
    expect(d).toMatchObject({file: 'config/unicorn.rb', line: 4, processType: 'web', severity: 'error'})
    for (const e of ERRORS) expect(d.message).toContain(e)
    expect(d.message).toContain('ActiveRecord 4.2.11.3')
    expect(d.fix).toBe('add to config/unicorn.rb: after_fork { |server, worker| defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection }')
    expect(r.exit).toBe(1)
  })

  it('Rails 4.2 + Puma 3 cluster with preload_app! and no on_worker_boot: error naming on_worker_boot', async () => {
    const r = await planFixture('fork-rails-4-2-puma')
    const d = r.diagnostics.find((x) => x.code === 'fork-reconnect-missing')!
    expect(d).toMatchObject({file: 'config/puma.rb', line: 5, severity: 'error'})
    expect(d.fix).toBe('add to config/puma.rb: on_worker_boot { defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection }')
    expect(r.exit).toBe(1)
  })

  it('Rails 4.2 + Resque without Resque.after_fork: error, fix in the rake file it found', async () => {
    const r = await planFixture('fork-rails-4-2-resque')
    const d = r.diagnostics.find((x) => x.code === 'fork-reconnect-missing')!
    expect(d).toMatchObject({file: 'lib/tasks/resque.rake', processType: 'worker', severity: 'error'})
    expect(d.fix).toContain('Resque.after_fork { defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection }')
    expect(r.exit).toBe(1)
  })

  it('--explain says where the preload and the hooks are', async () => {
    const hooked = await planFixture('fork-rails-4-2-puma-hooks')
    expect(renderTable(hooked.report, {chalk: new Chalk({level: 0}), explain: true, procfile: 'Procfile'})).toContain(
      'fork                    Puma master preloads the app (config/puma.rb:5); disconnect in before_fork: config/puma.rb:11; reconnect in on_worker_boot: config/puma.rb:15',
    )
    expect(hooked.json.processTypes[0].fork).toMatchObject({childHook: 'on_worker_boot', parentHook: 'before_fork', reconnect: {line: 15}})
  })

  it('the same old apps with the hooks Heroku documents: nothing, exit 0', async () => {
    for (const app of ['unicorn', 'fork-rails-4-2-puma-hooks', 'fork-rails-4-2-resque-hooks']) {
      const r = await planFixture(app)
      expect(r.codes, app).not.toContain('fork-reconnect-missing')
      expect(r.codes, app).not.toContain('fork-disconnect-missing')
      expect(r.exit, app).toBe(0)
    }
  })

  it('Rails 5.2+ discards inherited connections: no error on Rails 7.2 with preload and no hooks', async () => {
    const r = await planFixture('fork-rails-7-2-puma-cluster')
    expect(r.codes).not.toContain('fork-reconnect-missing')
    expect(r.exit).toBe(0)
  })

  it('single-mode Puma does not fork: nothing even on Rails 4.2', async () => {
    const r = await planFixture('fork-rails-4-2-puma', {env: ['WEB_CONCURRENCY=0']})
    expect(r.codes).not.toContain('fork-reconnect-missing')
    expect(r.codes).not.toContain('fork-disconnect-missing')
    expect(r.type('web').connectionsPerDyno).toBe(5)
  })

  it('Resque.before_fork = Proc.new { establish_connection } in the worker: the pool is replaced before each fork, so the child inherits no connection: no error, exit 0', async () => {
    // ActiveRecord 4.2's establish_connection removes the current pool (remove_connection → ConnectionPool#disconnect!)
    // and the new one connects only on checkout, in the child. Before, only an after_fork reconnect counted.
    const r = await planFixture('fork-rails-4-2-resque-parent-establish')
    expect(r.codes).not.toContain('fork-reconnect-missing')
    expect(r.json.processTypes[0].fork).toMatchObject({disconnect: {hook: 'Resque.before_fork', line: 6}, parentEmptiesPool: {hook: 'Resque.before_fork', line: 6}})
    expect(r.exit).toBe(0)
  })

  it('a before_fork that only closes the socket (connection.disconnect!) leaves the adapter in the pool: still the error', async () => {
    const r = await planFixture('fork-rails-4-2-resque-parent-socket-only')
    expect(r.diagnostics.find((x) => x.code === 'fork-reconnect-missing')).toMatchObject({file: 'lib/tasks/resque.rake', severity: 'error'})
    expect(r.json.processTypes[0].fork?.parentEmptiesPool).toBeUndefined()
    expect(r.exit).toBe(1)
  })

  it('FORK_PER_JOB=false: Resque does not fork, so no reconnect is needed', async () => {
    const r = await planFixture('fork-rails-4-2-resque', {env: ['FORK_PER_JOB=false']})
    expect(r.codes).not.toContain('fork-reconnect-missing')
    expect(r.exit).toBe(0)
  })
})

describe('fork-disconnect-missing', () => {
  // Rails ≥ 5.2 empties its pools after boot (railtie initializer active_record.clear_active_connections,
  // rails/rails#31221), so a preloading master holds a connection only while booting: ceiling only.
  it('Rails 7.2 + Puma cluster with preload and no before_fork: no +1 in the total, no warning, +1 per dyno in the ceiling', async () => {
    const r = await planFixture('fork-rails-7-2-puma-cluster', {scale: ['web=3']})
    const web = r.type('web')
    // 2 workers × min(pool 5, 3 threads) = 6 per dyno, 3 dynos = 18 (Heroku: RAILS_MAX_THREADS × WEB_CONCURRENCY).
    expect([web.processesPerDyno, web.connectionsPerProcess, web.extraPerDyno, web.connectionsPerDyno, web.connections]).toEqual([2, 3, 0, 6, 18])
    // Ceiling: 2 × pool 5 + 1 master while booting = 11 per dyno, 33 across 3.
    expect(web.ceiling).toBe(33)
    expect(web.extras).toMatchObject([{ceilingOnly: true, count: 1, kind: 'forking-parent', per: 'dyno'}])
    expect(web.extras[0].source.source).toMatchObject({kind: 'default', ref: 'https://github.com/rails/rails/pull/31221'})
    expect(r.codes).not.toContain('fork-disconnect-missing')
    expect((await planFixture('fork-rails-7-2-puma-cluster', {failOn: 'warning'})).exit).toBe(0)
    const text = renderTable(r.report, {chalk: new Chalk({level: 0}), explain: true, procfile: 'Procfile'})
    expect(text).toContain('ceiling only (per dyno)  1  Puma master connection while booting, if the app touches the database then: default: ActiveRecord 7.2.1 empties its pools after boot')
    expect(text).toContain('ceiling = 3 × 11 = 33 (pool 5 + 0 per process + 1 per dyno if every connection is held)')
    // No assumption marks the row.
    expect(text).toMatch(/web +puma +3 +2 +3 +5 +0 +3 +6 +18 +-/)
  })

  it('an after_initialize block in config/initializers that queries: +1 per dyno in the total, a warning naming file:line', async () => {
    const r = await planFixture('boot-connection/after-initialize', {scale: ['web=3']})
    const web = r.type('web')
    // 2 workers × min(5, 3) + 1 master = 7 per dyno, 3 dynos = 21.
    expect([web.extraPerDyno, web.connectionsPerDyno, web.connections]).toEqual([1, 7, 21])
    expect(web.extras).toMatchObject([{ceilingOnly: false, count: 1, kind: 'forking-parent', per: 'dyno'}])
    expect(web.extras[0].source.source.kind).toBe('assumed')
    const d = r.diagnostics.find((x) => x.code === 'fork-disconnect-missing')!
    expect(d).toMatchObject({file: 'config/puma.rb', line: 6, severity: 'warning'})
    expect(d.message).toContain('`Plan.order(:position).pluck(:name)` at config/initializers/plans.rb:3 queries the database in an after_initialize block')
    expect(d.message).toContain('+1 per dyno, 3 across 3 dynos')
    expect(d.fix).toBe('add to config/puma.rb: before_fork { defined?(ActiveRecord::Base) and ActiveRecord::Base.connection_pool.disconnect! }')
    expect(r.exit).toBe(0)
    expect((await planFixture('boot-connection/after-initialize', {failOn: 'warning'})).exit).toBe(1)
    const text = renderTable(r.report, {chalk: new Chalk({level: 0}), explain: true, procfile: 'Procfile'})
    expect(text).toContain('connections per dyno = 2 × 3 + 1 = 7')
    expect(text).toMatch(/web +puma +3 +2 +3 +5 +0 +3 +7\* +21 +-/)
  })

  it('a query in config.ru: +1 per dyno, named with its line', async () => {
    const r = await planFixture('boot-connection/config-ru')
    // 2 × min(5, 3) + 1 = 7 on 1 dyno.
    expect(r.type('web').connections).toBe(7)
    expect(r.diagnostics.find((x) => x.code === 'fork-disconnect-missing')!.message).toContain('`ActiveRecord::Base.connection` at config.ru:6 queries the database while config.ru loads')
  })

  it('no sign in lambdas, method bodies, to_prepare, logging or constants: ceiling only', async () => {
    const r = await planFixture('boot-connection/quiet')
    expect(r.codes).not.toContain('fork-disconnect-missing')
    // 2 × min(5, 3) = 6; ceiling 2 × 5 + 1 = 11.
    expect([r.type('web').connections, r.type('web').ceiling]).toEqual([6, 11])
  })

  it('Sequel in the bundle (Puma 7 preloads by default): the workers inherit the master\'s connection in their pools, said, with the Sequel disconnect as the fix', async () => {
    const r = await planFixture('boot-connection/sequel')
    const web = r.type('web')
    // 3 workers × min(pool 5, 5 threads) = 15: the master's connection is the first each worker's pool hands out
    // (1 + 3 × 4 = 13 while they share it, 15 once it breaks); in the ceiling 3 × 5 + 1 = 16.
    expect([web.processesPerDyno, web.connectionsPerDyno, web.ceiling]).toEqual([3, 15, 16])
    expect(web.extras).toMatchObject([{ceilingOnly: true, count: 1, kind: 'forking-parent', per: 'dyno'}])
    const d = r.diagnostics.find((x) => x.code === 'fork-disconnect-missing')!
    expect(d.message).toContain('Sequel 5.90.0 is in the bundle')
    expect(d.message).toContain('its children inherit that connection and use it at once over one socket')
    expect(d.fix).toBe('add to config/puma.rb: before_fork { Sequel::DATABASES.each(&:disconnect) }')
  })

  // ActiveRecord < 5.2 does not empty its pools after boot, but a pool connects on its first checkout only
  // (establish_connection makes it, ConnectionPool#connection connects): a master keeps a connection only if boot code
  // checks one out. Rails 4.x-5.1's schema cache check does when the dump exists ("active_record.check_schema_cache_dump"
  // reads ActiveRecord::Migrator.current_version).
  it('ActiveRecord < 5.2, nothing at boot queries: the Unicorn master holds none (ceiling only, starred); with a schema cache dump +1 per dyno; with the Heroku hooks nothing added', async () => {
    const bare = await planFixture('fork-rails-4-2-unicorn', {scale: ['web=2']})
    // 3 workers × min(pool, 1 thread) = 3 per dyno, 6 across 2; the master's 1 in the ceiling only.
    expect([bare.type('web').connectionsPerDyno, bare.type('web').connections]).toEqual([3, 6])
    expect(bare.type('web').extras).toMatchObject([{ceilingOnly: true, count: 1, kind: 'forking-parent'}])
    expect(bare.codes).not.toContain('fork-disconnect-missing')
    const dump = await planFixture('fork-rails-4-2-unicorn-schema-cache', {scale: ['web=2']})
    // 3 + 1 master = 4 per dyno, 8 across 2.
    expect([dump.type('web').connectionsPerDyno, dump.type('web').connections]).toEqual([4, 8])
    expect(dump.diagnostics.find((x) => x.code === 'fork-disconnect-missing')!.message).toContain('reads the schema version at boot because db/schema_cache.dump exists')
    const hooked = await planFixture('unicorn', {scale: ['web=2']})
    expect([hooked.type('web').connectionsPerDyno, hooked.type('web').connections]).toEqual([3, 6])
  })

  it('Resque on ActiveRecord < 5.2 with nothing querying at boot: the parent\'s connection is in the ceiling only', async () => {
    const r = await planFixture('fork-rails-4-2-resque', {scale: ['worker=2']})
    const w = r.type('worker')
    expect(w.extras).toMatchObject([{ceilingOnly: true, count: 1, kind: 'forking-parent', per: 'process'}])
    // min(pool, 1 thread) = 1 per process, 2 dynos × 1 worker.
    expect([w.connectionsPerProcess, w.connections]).toEqual([1, 2])
  })

  it('--explain prints the kept connection with its reason and its signs', async () => {
    const r = await planFixture('fork-rails-4-2-unicorn-schema-cache')
    const text = renderTable(r.report, {chalk: new Chalk({level: 0}), explain: true, procfile: 'Procfile'})
    expect(text).toContain('+ per dyno           1  Unicorn master connection kept after boot (no disconnect in before_fork): assumption: the Unicorn master loads the app before forking')
    expect(text).not.toContain('pool reaper')
  })
})

describe('pool-oversized', () => {
  it('Unicorn with pool 5: info with the ceiling it would save; exit stays 0 when nothing else is wrong', async () => {
    const r = await planFixture('unicorn', {scale: ['web=2']})
    const d = r.diagnostics.find((x) => x.code === 'pool-oversized')!
    expect(d).toMatchObject({file: 'config/database.yml', line: 4, processType: 'web', severity: 'info'})
    expect(d.message).toContain('6 processes could hold up to 30 connections if they leak or hang where pool 2 caps them at 12 (18 fewer)')
    expect(r.type('web').ceiling).toBe(30)
    expect(r.exit).toBe(0)
  })

  it('Resque and Delayed Job too; the fix names the env var the pool is read from', async () => {
    const r = await planFixture('delayed-job', {env: ['DB_POOL=5']})
    const forType = (t: string) => r.diagnostics.find((x) => x.code === 'pool-oversized' && x.processType === t)!
    expect(forType('mailers').message).toContain('3 processes could hold up to 15 connections')
    expect(forType('worker').fix).toBe('give worker its own pool: `worker: DB_POOL=2 bundle exec rake jobs:work` in the Procfile')
  })

  it('not for pool 2, nor for threaded servers', async () => {
    const two = await planFixture('unicorn', {env: ['DATABASE_URL=postgres://u:p@db.example.com/legacy?pool=2']})
    expect(two.codes).not.toContain('pool-oversized')
    const puma = await planFixture('rails-7-2')
    expect(puma.codes).not.toContain('pool-oversized')
  })
})
