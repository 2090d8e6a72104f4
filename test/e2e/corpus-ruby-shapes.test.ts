import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Ruby shapes found in the real-app corpus (session 5), each in a fixture of our own.
// Plan standard-0 (limit 120), one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('Ruby shapes from the real-app corpus', () => {
  it('`cd backend && bundle exec …`: the versions are backend/Gemfile.lock\'s, where Bundler finds the Gemfile', () => {
    // backend/Gemfile.lock pins sidekiq 6.5.12: default concurrency 10 (Sidekiq 5.2.0 "Decrease default
    // concurrency from 25 to 10"; 7.0 lowered it to 5). Pool 10 (backend/config/database.yml:4):
    // 1 process × min(10, 10) = 10. Without that lock file the version would be unknown and 5 assumed.
    const r = plan('rails-monorepo-backend', ['--scale', 'web=1,worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 10, poolPerProcess: 10, processesPerDyno: 1, server: 'sidekiq', threadsPerProcess: 10, versions: {sidekiq: '6.5.12'}})
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: 'Sidekiq 6.5.12 default concurrency'})
    // web: Puma 6.4.2, workers 2 (puma.rb:6) × min(pool 10, threads 5) = 10.
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 2, threadsPerProcess: 5, versions: {puma: '6.4.2'}})
  })

  it('establish_connection with a class method of the model (`def self.database_url`, `class << self`): its value is read', () => {
    // danbooru's PoolVersion: `establish_connection database_url` with
    // `def self.database_url = ENV["ARCHIVE_DATABASE_URL"] || ENV["DATABASE_URL"]`.
    // Without ARCHIVE_DATABASE_URL it is the platform's DATABASE_URL: a second pool on the primary server,
    // its pool ActiveRecord's default 5 (Heroku's DATABASE_URL has no ?pool=, as for the primary).
    // Puma single mode, threads 4: min(4, primary pool 4) + min(4, 5) = 8.
    // AuditRecord: `class << self; def audit_url = ENV.fetch("AUDIT_DATABASE_URL", "postgres://audit.internal…?pool=2")`:
    // another server, pool 2, not counted against this one.
    const r = plan('rails-model-class-method-url', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 8, databases: ['primary', 'ArchiveRecord'], processesPerDyno: 1, threadsPerProcess: 4})
    expect(r.type('web').otherServerPools).toMatchObject([{database: 'AuditRecord', pool: 2, server: 'host=audit.internal:5432'}])
    expect(r.type('web').sources['pool.ArchiveRecord'].source).toMatchObject({kind: 'default', what: 'ActiveRecord default pool size (the DATABASE_URL the platform sets has no ?pool=)'})
    expect(r.codes).not.toContain('unknown-config-value')
    // A DATABASE_URL given with ?pool=3 is read for both: ActiveRecord merges the URL's query over the entry's
    // `pool: 4` (the primary's pool is 3 too), so min(4, 3) + min(4, 3) = 6.
    expect(plan('rails-model-class-method-url', ['--scale', 'web=1', '--env', 'DATABASE_URL=postgres://db.internal:5432/app?pool=3']).type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    // ARCHIVE_DATABASE_URL set: the archive pool (3) is on that server, and the web counts its primary pool only: 4.
    const apart = plan('rails-model-class-method-url', ['--scale', 'web=1', '--env', 'ARCHIVE_DATABASE_URL=postgres://archive.internal:5432/archive?pool=3'])
    expect(apart.type('web')).toMatchObject({connections: 4, databases: ['primary']})
    expect(apart.type('web').otherServerPools).toMatchObject([{database: 'ArchiveRecord', pool: 3, server: 'ARCHIVE_DATABASE_URL'}, {database: 'AuditRecord', pool: 2}])
  })

  it('Sequel without ActiveRecord (Hanami 1 through hanami-model): the pool is Sequel\'s max_connections, default 4', () => {
    // Gemfile.lock has sequel 4.48.0 and no activerecord; config/environment.rb passes no max_connections, so
    // Sequel::ThreadedConnectionPool's `Integer(opts[:max_connections] || 4)` = 4 (lib/sequel/connection_pool/threaded.rb).
    // web: puma -t 5:5, single mode: min(4, 5) = 4; worker: sidekiq -c 7: min(4, 7) = 4 (not ActiveRecord's 5).
    const r = plan('hanami-sequel', ['--scale', 'web=1,worker=1'])
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4, processesPerDyno: 1, threadsPerProcess: 5})
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4, threadsPerProcess: 7})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({kind: 'default', what: 'Sequel 4.48.0 default max_connections (the app passes none)'})
    const below = r.diagnostics.find((d) => d.code === 'pool-below-threads' && d.processType === 'worker')!
    expect(below.message).toContain('Sequel::PoolTimeout')
    expect(below.fix).toContain('max_connections: 7')
  })

  it('Sequel.connect(url, max_connections: Integer(ENV.fetch("DB_POOL", 6))) in a Roda app sets the pool', () => {
    // db/connection.rb:4: 6. Puma workers 2, threads 8: 2 × min(6, 8) = 12. The preloading master's connection
    // (Sequel 5 tests the connection in Sequel.connect, and nothing disconnects before fork) is one each worker
    // inherits in its pool: counted there, the master's in the ceiling only (13).
    const r = plan('roda-sequel', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({ceiling: 13, connectionsPerDyno: 12, poolPerProcess: 6, processesPerDyno: 2, threadsPerProcess: 8})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({file: 'db/connection.rb', kind: 'file', line: 4})
    expect(plan('roda-sequel', ['--scale', 'web=1', '--env', 'DB_POOL=3']).type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 3})
  })

  it('a numeric flag whose value is an unset variable (`--max-pool-size $PASSENGER_MAX_POOL_SIZE`): the default is an assumption, not the app\'s number', () => {
    // The variable expands to nothing, so the command ends in a bare --max-pool-size. Passenger Standalone's
    // default max pool size (6) is used, starred, with why; given the variable, it is read: 4 × min(5, 1) = 4.
    const r = plan('passenger-unset-pool', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 6, server: 'passenger'})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('`--max-pool-size` (nothing follows it')
    expect(r.codes).toContain('unresolved-env')
    expect(plan('passenger-unset-pool', ['--scale', 'web=1', '--env', 'PASSENGER_MAX_POOL_SIZE=4']).type('web')).toMatchObject({connections: 4, processesPerDyno: 4})
  })

  it('Puma `-t $PUMA_THREADS` with the variable unset: the default max threads is an assumption, and the variable is read when given', () => {
    // A bare `-t` ends the command: Puma 6.4.2's default max threads on MRI (5) is used, starred.
    const r = plan('puma-unset-threads', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 5, processesPerDyno: 1, threadsPerProcess: 5})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('cannot read Puma max threads from `-t` (nothing follows it')
    // PUMA_THREADS=2:3 → max 3; the pool (ActiveRecord's default 5) is larger: 1 × 3 = 3.
    expect(plan('puma-unset-threads', ['--scale', 'web=1', '--env', 'PUMA_THREADS=2:3']).type('web')).toMatchObject({connections: 3, threadsPerProcess: 3})
  })
})
