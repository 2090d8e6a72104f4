import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Ruby shapes found in the real-app corpus (session 7: ubicloud, travis-hub, travis-api, travis-scheduler,
// alphagov support-api/email-alert-api), each in a fixture of our own. Plan standard-0, one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('an app\'s own Ruby scripts as process types (ubicloud bin/respirate, travis-hub bin/hub)', () => {
  const scale = ['--scale', 'web=1,respirate=1,monitor=1,drain=1,pgmon=1,notify=1,sweeper=1']

  it('reads the script and the app files it requires: its pools are the app\'s, its threads what it starts', () => {
    const r = plan('ruby-app-scripts', scale)
    // db.rb: Sequel max_connections Integer(ENV.fetch("DB_POOL", 6)) = 6 in every process that requires it.
    // web: puma -t 5:5, single mode: min(6, 5) = 5.
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 6, server: 'puma'})
    // respirate: bin/restarter runs `Process.spawn(*command)` with command = ARGV.dup: the process is bin/respirate,
    // which requires ../loader → db.rb, lib/jobs.rb and starts no thread (lib/jobs.rb:8's Thread.new is in a method
    // nothing calls): 1 process × min(6, 1) = 1.
    expect(r.type('respirate')).toMatchObject({connections: 1, poolPerProcess: 6, processesPerDyno: 1, server: 'ruby-script', threadsPerProcess: 1})
    expect(r.type('respirate').sources.threadsPerProcess.source).toMatchObject({file: 'bin/respirate', kind: 'file', line: 1})
    expect(JSON.stringify(r.type('respirate').sources.processesPerDyno)).toContain('bin/restarter runs the command it is given, `bin/respirate` (bin/restarter:7)')
    // monitor: a Concurrent::FixedThreadPool (bin/monitor:5) and a Thread (bin/monitor:6) whose database use is not
    // counted: the pool bounds the process, 6 threads assumed → min(6, 6) = 6, with an unknown-command naming both.
    expect(r.type('monitor')).toMatchObject({connections: 6, threadsPerProcess: 6})
    expect(r.type('monitor').sources.threadsPerProcess.source.kind).toBe('assumed')
    const monitor = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'monitor')
    expect(monitor?.message).toContain('Concurrent::FixedThreadPool.new at bin/monitor:5, Thread.new at bin/monitor:6')
    // drain: `bundle exec je bin/drain`; bin/drain adds lib to $LOAD_PATH and `require "app/drain"` = lib/app/drain.rb,
    // which requires ../../db and starts no thread (Drain#run loops on the main thread): min(6, 1) = 1.
    expect(r.type('drain')).toMatchObject({connections: 1, poolPerProcess: 6, threadsPerProcess: 1})
    // pgmon: script/monitor-pg requires none of the app's files but the pg gem: 1 assumed, said.
    expect(r.type('pgmon')).toMatchObject({connections: 1, poolPerProcess: null})
    expect(r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'pgmon')?.message).toContain('connects with the pg gem itself (script/monitor-pg:2)')
    // notify: requires only json and net/http: no database connection, 0.
    expect(r.type('notify')).toMatchObject({connections: 0})
    // sweeper: bin/sweeper requires lib/app.rb, whose `autoload :Sweeper, "app/sweeper"` is read because the script names
    // App::Sweeper; Sweeper#run starts Threads (lib/app/sweeper.rb:6): the pool bounds it, 6*. App::Flusher's TimerTask
    // (lib/app/flusher.rb) is autoloaded too but never named, so it is not read.
    expect(r.type('sweeper')).toMatchObject({connections: 6, threadsPerProcess: 6})
    const sweeper = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'sweeper')?.message
    expect(sweeper).toContain('Thread.new at lib/app/sweeper.rb:6')
    expect(sweeper).not.toContain('flusher')
    // 5 + 1 + 6 + 1 + 1 + 0 + 6 = 20.
    expect(r.total).toBe(20)
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command').map((d) => d.processType).sort()).toEqual(['monitor', 'pgmon', 'sweeper'])
  })

  it('moves with the pool the scripts share', () => {
    // DB_POOL=3: web min(3, 5) = 3, respirate 1, monitor min(3, 3) = 3, drain 1, pgmon 1, notify 0, sweeper 3 = 12.
    const r = plan('ruby-app-scripts', [...scale, '--env', 'DB_POOL=3'])
    expect(r.type('monitor')).toMatchObject({connections: 3, threadsPerProcess: 3})
    expect(r.total).toBe(12)
  })
})

describe('ActiveRecord without Rails (travis-hub, travis-api, travis-scheduler)', () => {
  it('a pool built by app code is an assumption that names the establish_connection call', () => {
    // lib/app/database.rb:4 `ActiveRecord::Base.establish_connection(config.to_h)`: no railtie reads database.yml or
    // DATABASE_URL, and the hash comes from the app's own config class: ActiveRecord's default 5 is assumed, not a
    // plain default. web: puma -t 8:12 → min(5, 12) = 5*.
    const r = plan('ar-without-rails', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 5, threadsPerProcess: 12})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({kind: 'assumed'})
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')).toMatchObject({file: 'lib/app/database.rb', line: 4})
    // The pool-below-threads fix points at that call, not at database.yml (the app has none).
    expect(r.diagnostics.find((d) => d.code === 'pool-below-threads')?.fix).toBe('raise the pool that lib/app/database.rb:4 sets for web to at least 12')
  })

  it('a literal pool: passed to establish_connection is read', () => {
    // lib/db.rb: establish_connection(adapter:, url:, pool: Integer(ENV.fetch("DB_POOL", 12))) = 12; min(12, 12) = 12.
    const r = plan('ar-without-rails-pool', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 12})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({file: 'lib/db.rb', kind: 'file', line: 6})
    expect(r.codes).not.toContain('unknown-config-value')
    // DB_POOL=4: min(4, 12) = 4.
    expect(plan('ar-without-rails-pool', ['--scale', 'web=1', '--env', 'DB_POOL=4']).type('web')).toMatchObject({connections: 4})
  })
})

describe('a rufus-scheduler clock script (codeforamerica/drai bin/scheduler)', () => {
  it('runs each job on a work thread of its own: one per job scheduled, bounded by the pool, an assumption that names the scheduler', () => {
    // bin/clock requires ../db (Sequel max_connections Integer(ENV.fetch("DB_POOL", 4)) = 4) and starts
    // Rufus::Scheduler.new (bin/clock:5), whose every/cron jobs each run on a work thread (up to max_work_threads, 28):
    // two jobs scheduled once at the top level (bin/clock:7, :11), each at most one run at a time if it does not overlap
    // itself (assumed): min(4, 2*) = 2, not the 1 of a script on its main thread (was the pool's 4*, blind35a).
    const r = plan('ruby-rufus-scheduler', ['--scale', 'clock=1'])
    expect(r.type('clock')).toMatchObject({connections: 2, poolPerProcess: 4, server: 'ruby-script', threadsPerProcess: 2})
    expect(r.type('clock').sources.threadsPerProcess.source.kind).toBe('assumed')
    const clock = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'clock')
    expect(clock?.message).toContain('Rufus::Scheduler.new (rufus-scheduler runs each job on a work thread of its own) at bin/clock:5')
    expect(clock?.message).toContain('with 2 jobs (bin/clock:7, bin/clock:11); counting 2, one work thread per job')
    expect(r.total).toBe(2)
    // DB_POOL=1: the pool bounds it, min(1, 1*) = 1.
    expect(plan('ruby-rufus-scheduler', ['--scale', 'clock=1', '--env', 'DB_POOL=1']).total).toBe(1)
  })
})

describe('a Rack app on the pg gem with no ActiveRecord or Sequel (CocoaPods/cocoadocs-api: Flounder over connection_pool)', () => {
  it('does not take ActiveRecord\'s default pool as a plain default: it is an assumption, said on Gemfile.lock, overridable', () => {
    // app.rb: ConnectionPool.new(size: 10) { PG.connect(…) }; Gemfile.lock has pg and connection_pool, no activerecord,
    // no sequel. The pool conncalc reads without database.yml is ActiveRecord's default 5, which is not this app's:
    // 5* (was 5 unstarred), min(5*, 16) = 5 on puma -t 16:16.
    const r = plan('ruby-pg-connection-pool', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 5, threadsPerProcess: 16})
    expect(r.type('web').sources['pool.primary'].source.kind).toBe('assumed')
    const said = r.diagnostics.find((d) => d.code === 'unknown-config-value')
    expect(said).toMatchObject({file: 'Gemfile.lock'})
    expect(said?.message).toContain('Gemfile.lock has pg but neither activerecord nor sequel')
    // The pool is not known, so no "threads will wait … RAILS_MAX_THREADS" warning is made of it.
    expect(r.codes).not.toContain('pool-below-threads')
    // The app's own 10, given as the fix says: min(10, 16) = 10, read, not assumed.
    const given = plan('ruby-pg-connection-pool', ['--scale', 'web=1', '--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/app?pool=10'])
    expect(given.type('web')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(given.codes).not.toContain('unknown-config-value')
  })
})
