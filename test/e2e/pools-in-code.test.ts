import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

/** [server, processes per dyno, threads, pool, connections] */
type Row = [string, number, number, null | number, number]
/** [app, extra args, total, {type: row}, diagnostic codes] */
type Case = [string, string[], number, Record<string, Row>, string[]]

// Pools set by Ruby code (test/fixtures/pools-in-code/), plan standard-0 (limit 120), one dyno each.
const cases: Case[] = [
  // Heroku's article: Unicorn's after_fork sets config['pool'] = ENV['DB_POOL'] || 2, so web is 3 workers × min(2, 1) = 3.
  // Sidekiq.configure_server rewrites DATABASE_URL with pool = Sidekiq.options[:concurrency] + 2 = 10 + 2 = 12 and
  // passes it to establish_connection: the worker has pool 12 for its 10 threads, min(12, 10) = 10 (database.yml's 5
  // would have been below the threads). Total 3 + 10 = 13.
  ['heroku-article', [], 13, {web: ['unicorn', 3, 1, 2, 3], worker: ['sidekiq', 1, 10, 12, 10]}, []],
  // DB_POOL=4: web's pool is 4, still 1 connection per single-threaded worker; 2 workers → 2. Total 2 + 10 = 12.
  // A pool of 4 for one thread is what pool-oversized reports.
  ['heroku-article', ['--env', 'DB_POOL=4', 'WEB_CONCURRENCY=2'], 12, {web: ['unicorn', 2, 1, 4, 2], worker: ['sidekiq', 1, 10, 12, 10]}, ['pool-oversized']],
  // One initializer, a branch per process, each decided by the type's own command:
  // web runs `rails server` (Rails::Server defined): RAILS_MAX_THREADS 5 + 1 = 6 → min(6, 5) = 5;
  // worker is Sidekiq (Sidekiq::CLI), DYNO=worker.1: concurrency 10 (sidekiq.yml) + 2 = 12 → 10;
  // urgent is Sidekiq on DYNO=urgent.1: 3 → min(3, 10) = 3, below its 10 threads;
  // jobs runs rake (File.basename($PROGRAM_NAME) == "rake"): 2 → 1 thread → 1. Total 5 + 10 + 3 + 1 = 19.
  ['per-process', [], 19, {jobs: ['delayed_job', 1, 1, 2, 1], urgent: ['sidekiq', 1, 10, 3, 3], web: ['puma', 1, 5, 6, 5], worker: ['sidekiq', 1, 10, 12, 10]}, ['pool-below-threads']],
  // RAILS_MAX_THREADS=8: web 8 threads, pool 8 + 1 = 9 → 8; Sidekiq keeps sidekiq.yml's 10. Total 8 + 10 + 3 + 1 = 22.
  ['per-process', ['--env', 'RAILS_MAX_THREADS=8'], 22, {web: ['puma', 1, 8, 9, 8], worker: ['sidekiq', 1, 10, 12, 10]}, ['pool-below-threads']],
  // web: Puma cluster (2 workers × 5 threads); on_worker_boot re-establishes with pool WEB_DB_POOL || 8 after the
  // initializers ran, so the flagged pool of reporting.rb does not matter: 2 × min(8, 5) = 10.
  // worker: the DATABASE_URL rewrite (pool=25) and the flagged 12 cannot be decided: the largest, 25, labelled;
  // 5 threads (Sidekiq 7 default) → 5. Total 10 + 5 = 15.
  ['undecidable', [], 15, {web: ['puma', 2, 5, 8, 10], worker: ['sidekiq', 1, 5, 25, 5]}, ['unknown-config-value', 'oversized-pool']],
  // establish_connection with keyword options (no braces) in an on_load block: `host: uri.host` cannot be read,
  // which must not hide `pool: ENV["DB_POOL"] || 3`. web: DB_POOL unset → 3 for 5 threads → 3; AuditRecord's own
  // keyword pool (url: DATABASE_URL, pool: 2) is on the same server → min(2, 5) = 2; web 3 + 2 = 5.
  // worker: DB_POOL=12 in its Procfile line → 12 for sidekiq.yml's 12 threads → 12, + min(2, 12) = 2 → 14. Total 19.
  ['keywords', [], 19, {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 12, 14, 14]}, ['pool-below-threads', 'pool-below-threads', 'pool-below-threads']],
  ['undecidable', ['--env', 'WEB_DB_POOL=3'], 11, {web: ['puma', 2, 5, 3, 6]}, ['unknown-config-value', 'pool-below-threads', 'oversized-pool']],
]

const run = (app: string, args: string[]) => runJson<PlanJson>(['plan', '--procfile', fixture(`pools-in-code/${app}/Procfile`), '--plan', 'standard-0', ...args])
const row = (r: {json: PlanJson}, name: string) => r.json.processTypes.find((p) => p.name === name)!

describe('ActiveRecord pools set in Ruby code (conncalc plan --json)', () => {
  for (const [app, args, total, types, codes] of cases) {
    it(`${app} ${args.join(' ')}`.trim(), () => {
      const r = run(app, args)
      expect(r.code).toBe(0)
      expect(r.json.total).toBe(total)
      for (const [name, [server, processes, threads, pool, connections]] of Object.entries(types)) {
        expect(row(r, name), name).toMatchObject({connections, poolPerProcess: pool, processesPerDyno: processes, server, threadsPerProcess: threads})
      }

      expect(r.json.diagnostics.map((d) => d.code)).toEqual(codes)
    })
  }

  it('heroku-article: each pool is sourced at the line of code that sets it, with the env it read', () => {
    const r = run('heroku-article', ['--env', 'DB_POOL=4'])
    expect(row(r, 'web').sources['pool.primary']).toMatchObject({source: {file: 'config/unicorn.rb', kind: 'file', line: 27}, via: [{kind: 'env', name: 'DB_POOL'}]})
    expect(row(r, 'worker').sources['pool.primary'].source).toEqual({file: 'config/initializers/sidekiq.rb', kind: 'file', line: 9})
  })

  it('per-process: pool-below-threads points at the initializer that sets the pool, and the fix says to raise it there', () => {
    const d = run('per-process', []).json.diagnostics.find((x) => x.code === 'pool-below-threads')
    expect(d).toMatchObject({file: 'config/initializers/database_pool.rb', line: 9, processType: 'urgent'})
    expect(d?.fix).toBe('raise the pool that config/initializers/database_pool.rb:9 sets for urgent to at least 10')
  })

  it('undecidable: the worker pool is an assumption that names both lines and says why', () => {
    const r = run('undecidable', [])
    const pool = row(r, 'worker').sources['pool.primary']
    expect(pool.source.kind).toBe('assumed')
    expect(pool.source.why).toContain('config/initializers/sidekiq.rb:3 rewrites DATABASE_URL with pool=25, which ActiveRecord reads only if it has not built its configurations yet')
    expect(pool.source.why).toContain('config/initializers/reporting.rb:5 sets it to 12 only when `Flipper.enabled?(:reporting_pool)`, which conncalc cannot decide for worker')
    expect(pool.source.why).toContain('the largest of 5, 25, 12 is counted')
    const d = r.json.diagnostics.find((x) => x.code === 'unknown-config-value')
    expect(d).toMatchObject({file: 'config/initializers/sidekiq.rb', line: 3, processType: 'worker', severity: 'warning'})
    expect(d?.fix).toContain('ActiveRecord::Base.establish_connection(ENV["DATABASE_URL"])')
    // web's pool comes from on_worker_boot, decided: not an assumption.
    expect(row(r, 'web').sources['pool.primary'].source).toEqual({file: 'config/puma.rb', kind: 'file', line: 13})
  })
})

describe('database.yml entries whose server is unknown, and replicas (conncalc plan --json)', () => {
  const servers = (r: {json: PlanJson}) => row(r, 'web').otherServerPools.map((e) => [e.database, e.server])

  it('an entry whose url, host or port comes from an env var with no value is on an unknown server, not the primary; a replica never is', () => {
    const r = run('database-servers', [])
    // Only the primary on DATABASE_URL: cache has no url or host at all (database-url-missing), and ActiveRecord merges
    // DATABASE_URL into `primary` only, so it reaches no server. 1 Puma process × min(5, 5) = 5.
    expect(r.json.total).toBe(5)
    expect(row(r, 'web').databases).toEqual(['primary'])
    expect(servers(r)).toEqual([
      ['primary_replica', 'unknown server: DATABASE_REPLICA_URL has no value'],
      ['analytics', 'unknown server: ANALYTICS_DB_HOST, ANALYTICS_DB_PORT have no value'],
      ['events', 'unknown server: EVENTS_URL has no value'],
      ['cache', 'no server: no url, host or CACHE_DATABASE_URL'],
    ])
    const missing = r.json.diagnostics.filter((d) => d.code === 'database-url-missing')
    expect(missing).toHaveLength(1)
    expect(missing[0].message).toMatch(/^`cache` in the production section has no url, host or CACHE_DATABASE_URL/)
  })

  it('with the env set: events on DATABASE_URL\'s host counts (+5), the replica on that same host still does not, nor cache (no url or host)', () => {
    const env = [
      'DATABASE_URL=postgres://u:hunter2@db1.example.com:5432/app',
      'DATABASE_REPLICA_URL=postgres://u:hunter2@db1.example.com:5432/app',
      'ANALYTICS_DB_HOST=warehouse.internal',
      'ANALYTICS_DB_PORT=5433',
      'EVENTS_URL=postgres://u:hunter2@db1.example.com/events',
    ]
    const r = run('database-servers', ['--env', ...env])
    expect(r.json.total).toBe(10)
    expect(row(r, 'web').databases).toEqual(['primary', 'events'])
    expect(servers(r)).toEqual([
      ['primary_replica', "DATABASE_REPLICA_URL (a replica: not the primary's server)"],
      ['analytics', 'host=warehouse.internal:5433'],
      ['cache', 'no server: no url, host or CACHE_DATABASE_URL'],
    ])
    expect(r.stdout).not.toContain('hunter2')
  })
})

describe('`||=`, merge and configuration_hash shapes (conncalc plan --json)', () => {
  it('or-write: `config[:pool] ||= Integer(ENV.fetch("DB_POOL", 7))` sets the pool database.yml does not', () => {
    const r = run('or-write', [])
    // database.yml has no pool: the after_initialize block's ||= gives 7. web: 1 Puma × min(7, 5) = 5; worker: Sidekiq 8
    // threads (sidekiq.yml) × min(7, 8) = 7, below its threads. Total 5 + 7 = 12.
    expect(r.json.total).toBe(12)
    expect(row(r, 'web')).toMatchObject({connections: 5, poolPerProcess: 7})
    expect(row(r, 'worker')).toMatchObject({connections: 7, poolPerProcess: 7, threadsPerProcess: 8})
    expect(row(r, 'worker').sources['pool.primary'].source).toEqual({file: 'config/initializers/database_pool.rb', kind: 'file', line: 4})
    expect(r.json.diagnostics.map((d) => d.code)).toEqual(['pool-below-threads'])
  })

  it('or-write: DATABASE_URL\'s ?pool=12 is set before the initializer, so `||=` keeps it', () => {
    const r = run('or-write', ['--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/ledger?pool=12'])
    // web min(12, 5) = 5; worker min(12, 8) = 8. Total 13.
    expect(r.json.total).toBe(13)
    expect(row(r, 'worker')).toMatchObject({connections: 8, poolPerProcess: 12})
    expect(row(r, 'worker').sources['pool.primary'].source).toMatchObject({kind: 'env', name: 'DATABASE_URL'})
  })

  it('merge-shapes: on_worker_boot `config.merge("pool" => …)` and Sidekiq\'s `db_config.configuration_hash.merge(pool: …)`', () => {
    const r = run('merge-shapes', [])
    // web: Puma cluster, 2 workers × 5 threads; each worker re-establishes with WEB_DB_POOL || 6: 2 × min(6, 5) = 10.
    // worker: configure_server establishes with SIDEKIQ_DB_POOL || 10 for 8 threads: min(10, 8) = 8. Total 18.
    expect(r.json.total).toBe(18)
    expect(row(r, 'web')).toMatchObject({connections: 10, poolPerProcess: 6, processesPerDyno: 2})
    expect(row(r, 'web').sources['pool.primary'].source).toEqual({file: 'config/puma.rb', kind: 'file', line: 11})
    expect(row(r, 'worker')).toMatchObject({connections: 8, poolPerProcess: 10})
    expect(row(r, 'worker').sources['pool.primary'].source).toEqual({file: 'config/initializers/sidekiq.rb', kind: 'file', line: 4})
    expect(r.json.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
    // SIDEKIQ_DB_POOL=6: the worker's 8 threads share 6 connections.
    const low = run('merge-shapes', ['--env', 'SIDEKIQ_DB_POOL=6'])
    expect(row(low, 'worker')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(low.json.diagnostics.map((d) => d.code)).toEqual(['pool-below-threads'])
  })
})

describe('pools other model classes open: establish_connection and connects_to (conncalc plan --json)', () => {
  const others = (r: {json: PlanJson}) => row(r, 'web').otherServerPools.map((e) => [e.database, e.pool, e.server])

  it('second-pools: ReportingRecord connects_to primary beside ActiveRecord::Base, a second pool of 5; the other pools\' servers have no URL', () => {
    const r = run('second-pools', [])
    // ApplicationRecord's connects_to (primary, primary_replica) is ActiveRecord::Base's own pools, counted once.
    // ReportingRecord's connects_to opens a second primary pool (5, database.yml's RAILS_MAX_THREADS default).
    // web: min(5, 5) + min(5, 5) = 10; worker: min(5, 8) + min(5, 8) = 10. Total 20.
    expect(r.json.total).toBe(20)
    expect(row(r, 'web').databases).toEqual(['primary', 'primary (ReportingRecord)'])
    expect(row(r, 'web')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(row(r, 'worker')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(row(r, 'web').sources['pool.primary (ReportingRecord)'].via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('ReportingRecord (app/models/reporting_record.rb:5) opens a pool of its own for the primary database')}))
    // AuditEvent's URL (no ?pool=: HashConfig's 5), BillingRecord's billing_production section (pool 3, found by the
    // interpolated symbol :"billing_#{Rails.env}"), ReportingRecord's replica pool: listed where they connect.
    expect(others(r)).toEqual([
      ['primary_replica', 5, 'unknown server: REPLICA_DATABASE_URL has no value'],
      ['AuditEvent', 5, 'unknown server: AUDIT_DATABASE_URL has no value'],
      ['billing_production (BillingRecord)', 3, 'unknown server: BILLING_DATABASE_URL has no value'],
      ['primary_replica (ReportingRecord, reading role)', 5, 'unknown server: REPLICA_DATABASE_URL has no value'],
    ])
    // Not counted, and said (model/other-server.ts): AuditEvent and billing warned, the replica's line info.
    expect(r.json.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['other-server-pools', 'warning'],
      ['pool-below-threads', 'warning'],
      ['pool-below-threads', 'warning'],
      ['other-server-pools', 'warning'],
      ['other-server-pools', 'info'],
    ])
  })

  // ConnectionHandler#establish_connection stores each pool in its owner's PoolManager under [role][shard]
  // (rails/rails connection_handler.rb, pool_manager.rb), and connects_to calls it once per role of database:
  // and of each shard of shards: (connection_handling.rb). So ApplicationRecord's {writing: :primary,
  // reading: :primary} is two pools of primary's 5, and Fleet::VehicleRecord (app/models/fleet/, a nested
  // folder) adds its own writing pool on primary (default shard; its reading pool is primary_replica's first
  // pool, counted once by database.yml) and on shard_one a reading pool beside the writing one (4 each). The app
  // switches role and shard (app/jobs/trip_export_job.rb), so those pools are used.
  it('roles-and-shards: each role and each shard of connects_to is a pool of its own, read from app/models at any depth', () => {
    const r = run('roles-and-shards', [])
    // No shard or replica URL: those are unknown servers. Counted: primary + primary (reading) + primary
    // (VehicleRecord) = 3 pools of 5. web: 3 × min(5, 5) = 15; worker (Sidekiq 8): 3 × min(5, 8) = 15. Total 30.
    expect(r.json.total).toBe(30)
    expect(row(r, 'web').databases).toEqual(['primary', 'primary (reading role)', 'primary (VehicleRecord)'])
    expect(row(r, 'web')).toMatchObject({connections: 15, poolPerProcess: 15})
    expect(row(r, 'worker')).toMatchObject({connections: 15, poolPerProcess: 15})
    expect(row(r, 'web').sources['pool.primary (reading role)'].via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('ActiveRecord::Base\'s reading role (app/models/application_record.rb:6) opens a pool of its own for the primary database')}))
    expect(others(r)).toEqual([
      ['primary_replica', 5, 'unknown server: REPLICA_DATABASE_URL has no value'],
      ['primary_shard_one', 4, 'unknown server: SHARD_ONE_DATABASE_URL has no value'],
      ['primary_shard_one (VehicleRecord, reading role, shard shard_one)', 4, 'unknown server: SHARD_ONE_DATABASE_URL has no value'],
    ])
    expect(r.json.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  // A pool connects on checkout only, and models check out the writing role's pool on the default shard unless code
  // runs inside connected_to (rails/rails connection_pool.rb, connection_handling.rb) or the database/shard selector
  // middleware switches. roles-and-shards switches (app/jobs/trip_export_job.rb), so its reading pools count above;
  // idle-reading-role declares `reading: :primary` but never switches: that pool opens nothing.
  it('idle-reading-role: a reading role the app never switches to holds no connection; only the ceiling counts it', () => {
    const r = run('idle-reading-role', [])
    // database.yml: primary pool 12, archive pool 4 (same DATABASE_URL). ApplicationRecord {writing: :primary, reading:
    // :primary} and ArchiveRecord {reading: :archive, writing: :archive} (reading written first): each writing pool counts,
    // each reading pool is idle. web (Puma single, 5 threads): min(12, 5) + min(4, 5) = 9 (was 5 + 5 + 4 + 4 = 18);
    // worker (Sidekiq 8 threads): min(12, 8) + min(4, 8) = 12 (was 24). Total 21.
    // Ceiling per process: 12 + 4 (pools) + 12 + 4 (idle reading pools, ceiling only) = 32.
    expect(r.json.total).toBe(21)
    expect(row(r, 'web')).toMatchObject({connections: 9, databases: ['primary', 'archive'], poolPerProcess: 16})
    expect(row(r, 'worker')).toMatchObject({connections: 12, databases: ['primary', 'archive']})
    const idle = row(r, 'web').extras.filter((x) => x.kind === 'unused-role-pool')
    expect(idle.map((x) => [x.database, x.count, x.ceilingOnly, x.counted, x.per])).toEqual([
      ['primary', 12, true, true, 'process'],
      ['archive', 4, true, true, 'process'],
    ])
    expect(idle[0].reason).toContain("ActiveRecord::Base's reading role's pool, never switched to (app/models/application_record.rb:5)")
    expect(idle[1].reason).toContain("ArchiveRecord's reading role's pool, never switched to (app/models/archive_record.rb:5)")
    // A commented-out database_selector and `connected_to?` (a question) are not switches.
    expect(row(r, 'web').ceiling).toBe(32)
  })

  it('idle-reading-role: a switch to another shard\'s reading role does not reach the default shard\'s reading pools (18F/identity-idp)', () => {
    // identity-idp's only switch is `connected_to(role: :reading, shard: :read_replica)` (its reports): the `reading:
    // :primary` pool of the default shard is never checked out. Same numbers as above (21): web 9, worker 12.
    const tmp = mkdtempSync(join(tmpdir(), 'conncalc-switch-'))
    try {
      cpSync(fixture('pools-in-code/idle-reading-role'), tmp, {recursive: true})
      mkdirSync(join(tmp, 'app/jobs'), {recursive: true})
      writeFileSync(join(tmp, 'app/jobs/report_job.rb'), 'class ReportJob < ApplicationJob\n  def perform\n    ActiveRecord::Base.connected_to(role: :reading, shard: :read_replica) do\n      Parcel.count\n    end\n  end\nend\n')
      const plan = () => runJson<PlanJson>(['plan', '--procfile', join(tmp, 'Procfile'), '--plan', 'standard-0'])
      const other = plan()
      expect(other.json.total).toBe(21)
      expect(row(other, 'web').connections).toBe(9)
      // `connected_to(role: :reading)` keeps the shard it runs on, the default: both reading pools count again,
      // web min(12, 5) × 2 + min(4, 5) × 2 = 18, worker min(12, 8) × 2 + min(4, 8) × 2 = 24.
      writeFileSync(join(tmp, 'app/jobs/report_job.rb'), 'class ReportJob < ApplicationJob\n  def perform\n    ActiveRecord::Base.connected_to(role: :reading) do\n      Parcel.count\n    end\n  end\nend\n')
      const same = plan()
      expect([row(same, 'web').connections, row(same, 'worker').connections]).toEqual([18, 24])
    } finally {
      rmSync(tmp, {force: true, recursive: true})
    }
  })

  it('roles-and-shards with shard one on the primary\'s host: both of its pools count there', () => {
    const r = run('roles-and-shards', ['--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/fleet', 'SHARD_ONE_DATABASE_URL=postgres://u:p@db.example.com:5432/fleet_one'])
    // web: 3 × min(5, 5) + 2 × min(4, 5) = 15 + 8 = 23; worker: 3 × min(5, 8) + 2 × min(4, 8) = 15 + 8 = 23. Total 46.
    expect(r.json.total).toBe(46)
    expect(row(r, 'web')).toMatchObject({connections: 23, poolPerProcess: 23})
    expect(row(r, 'worker')).toMatchObject({connections: 23, poolPerProcess: 23})
    expect(row(r, 'web').databases).toContain('primary_shard_one (VehicleRecord, reading role, shard shard_one)')
  })

  it('second-pools with the URLs set: AuditEvent on DATABASE_URL\'s host counts here with its ?pool=2; billing is another server', () => {
    const r = run('second-pools', ['--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/dispatch', 'AUDIT_DATABASE_URL=postgres://u:p@db.example.com:5432/audit?pool=2', 'BILLING_DATABASE_URL=postgres://u:p@billing.example.com:5432/billing'])
    // web: 5 + 5 + min(2, 5) = 12; worker: 5 + 5 + min(2, 8) = 12. Total 24.
    expect(r.json.total).toBe(24)
    expect(row(r, 'web').databases).toEqual(['primary', 'AuditEvent', 'primary (ReportingRecord)'])
    expect(row(r, 'web').sources['pool.AuditEvent']).toMatchObject({source: {file: 'app/models/audit_event.rb', kind: 'file', line: 3}, value: 2})
    expect(others(r)).toContainEqual(['billing_production (BillingRecord)', 3, 'BILLING_DATABASE_URL'])
  })
})
