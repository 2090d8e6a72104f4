import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

// Shapes from the Ruby known gaps (session 14), each in a fixture of our own. Plan standard-0.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

// Que 0.x: `Que.mode = :async` starts Que.worker_count worker threads in the process that runs the line, each working a
// job on a connection of ActiveRecord's pool (que-rb/que v0.14.3 lib/que/worker.rb: `@worker_count = 4`, `mode=` →
// set_up_workers). Fixture que-async-in-server: Rails 4.2, que 0.12.3, database.yml pool 8; the initializer sets
// Que.mode = :off and Que.worker_count = QUE_WORKERS‖3; unicorn.rb: 2 workers, preload, `Que.mode = :async` in after_fork;
// puma.rb: 2 workers × 4 threads, preload, on_worker_boot sets Que.worker_count = 6 then Que.mode = :async.
describe('Que 0.x workers started by the server (fork hooks, initializers, `rails server`)', () => {
  const r = plan('que-async-in-server', ['--scale', 'web=1,api=1,jobs=1'])
  const temp = tempApps('que-async-in-server')

  it('Unicorn after_fork: each worker runs the initializer\'s worker_count threads from its pool', () => {
    // 2 workers × min(pool 8, 1 request thread + 3 Que workers) = 2 × 4 = 8 (was 2 × 1 = 2)
    const web = r.type('web')
    expect(web.connections).toBe(8)
    expect(JSON.stringify(web.extras)).toContain('Que worker threads (Que.mode = :async) in each Unicorn worker (after_fork)')
    expect(JSON.stringify(web.extras)).toContain('"file":"config/initializers/que.rb","kind":"file","line":3')
  })

  it('Puma on_worker_boot: the worker_count set beside the mode wins; the pool caps request + Que threads', () => {
    // 2 workers × min(pool 8, 4 threads + 6 Que workers) = 2 × 8 = 16, and the pool is below 10: warned
    const api = r.type('api')
    expect(api.connections).toBe(16)
    expect(r.diagnostics.some((d) => d.processType === 'api' && d.code === 'pool-below-threads' && d.message.includes('Que worker threads'))).toBe(true)
  })

  it('Que 0.x\'s `que` command: Que.worker_count from the app it requires, no locker connection (that is Que 1.x)', () => {
    // que-rb/que v0.14.3 bin/que:72: -w || QUE_WORKER_COUNT || Que.worker_count (initializer: QUE_WORKERS‖3) → 3 threads;
    // min(pool 8, 3) = 3, nothing outside the pool (was 6 threads + 1 locker: min(8, 6) + 1 = 7)
    const jobs = r.type('jobs')
    expect(jobs.threadsPerProcess).toBe(3)
    expect(jobs.connections).toBe(3)
    // 8 + 16 + 3
    expect(r.total).toBe(27)
    // QUE_WORKER_COUNT comes before the app's Que.worker_count: min(8, 5) = 5
    expect(plan('que-async-in-server', ['--scale', 'web=0,api=0,jobs=1', '--env', 'QUE_WORKER_COUNT=5']).type('jobs').connections).toBe(5)
  })

  it('`Que.mode = :async` in an initializer of a preloading Unicorn: the master\'s threads, once per dyno', () => {
    // The threads start in the master before the fork and do not survive it: workers 2 × min(8, 1) = 2, master min(8, 3) = 3 → 5
    const dir = temp.app({'config/initializers/que.rb': 'Que.worker_count = 3\nQue.mode = :async\n', 'config/unicorn.rb': 'worker_processes 2\npreload_app true\nbefore_fork do |s, w|\n  ActiveRecord::Base.connection.disconnect!\nend\n'})
    const web = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,api=0,jobs=0']).type('web')
    expect(web.connections).toBe(5)
    expect(JSON.stringify(web.extras)).toContain('in the Unicorn master')
  })

  it('Que 0.10 under `rails server`: the railtie starts 4 workers when the app sets no mode; Que 0.11 does not', () => {
    // Puma single mode (threads 2:2, no workers): min(pool 8, 2 + 4) = 6 (que-rb/que v0.10.0 lib/que/railtie.rb:16
    // `Que.mode ||= :async if defined? Rails::Server`); with que 0.11.0 the railtie line is gone: min(8, 2) = 2.
    const lock = readFileSync(`${fixture('que-async-in-server')}/Gemfile.lock`, 'utf8')
    const files = {'Procfile': 'web: bin/rails server -p $PORT\n', 'config/initializers/que.rb': '# nothing\n', 'config/puma.rb': 'threads 2, 2\n'}
    const old = temp.app({...files, 'Gemfile.lock': lock.replace('que (0.12.3)', 'que (0.10.0)')})
    expect(planJson(`${old}/Procfile`, ['--plan', 'standard-0']).type('web').connections).toBe(6)
    const newer = temp.app({...files, 'Gemfile.lock': lock.replace('que (0.12.3)', 'que (0.11.0)')})
    expect(planJson(`${newer}/Procfile`, ['--plan', 'standard-0']).type('web').connections).toBe(2)
  })

  it('a Que.mode conncalc cannot read is said, not taken as off silently', () => {
    const dir = temp.app({'config/unicorn.rb': 'worker_processes 2\nafter_fork do |s, w|\n  Que.mode = ENV.fetch("QUE_MODE").to_sym\nend\n'})
    const out = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,api=0,jobs=0'])
    const said = out.diagnostics.find((d) => d.processType === 'web' && d.code === 'unknown-config-value' && d.file === 'config/unicorn.rb')
    expect(said?.message).toContain('sets Que.mode to a value conncalc cannot read')
    // Not counted: 2 × min(8, 1) = 2
    expect(out.type('web').connections).toBe(2)
  })
})

// Puma's `_load_from PATH` evaluates another file in place and `load PATH` queues one to read after this config
// (puma/puma@00e8cb19502d lib/puma/dsl.rb). A platform's file (Elastic Beanstalk's /opt/elasticbeanstalk/…/pumaconf.rb,
// which sets workers) is not in the app: its settings are not seen, so the defaults conncalc falls back to are starred.
describe('Puma settings loaded from a file conncalc does not read', () => {
  const temp = tempApps('que-async-in-server')
  const files = {'Procfile': 'web: bundle exec puma -C config/puma.rb\n', 'config/initializers/que.rb': '# none\n'}

  it('`_load_from` of a platform file: warned, the default single mode starred', () => {
    // threads 3 read; workers not set in the app → Puma's default single mode (1 process), assumed: min(pool 8, 3) = 3
    const dir = temp.app({...files, 'config/puma.rb': 'threads 3, 3\nif ENV["RAILS_ENV"] == "production"\n  _load_from "/opt/elasticbeanstalk/config/private/pumaconf.rb"\nend\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    const said = r.diagnostics.find((d) => d.code === 'unknown-config-value' && d.file === 'config/puma.rb' && d.line === 3)
    expect(said?.message).toContain('`_load_from` loads Puma settings from /opt/elasticbeanstalk/config/private/pumaconf.rb, which is not in the app')
    const web = r.type('web')
    expect(web.connections).toBe(3)
    expect(JSON.stringify(web.sources.processesPerDyno)).toContain('config/puma.rb:3 loads settings from a file conncalc does not read')
  })

  it('`_load_from` overrides only the lines above it; `load` (read after the whole file) every line', () => {
    // `_load_from` in place, then `workers 2`: 2 stands, read, not starred: 2 × min(pool 8, 3) = 6
    const inPlace = temp.app({...files, 'config/puma.rb': 'threads 3, 3\n_load_from "config/puma/extra.rb"\nworkers 2\n', 'config/puma/extra.rb': 'workers 4\n'})
    const a = planJson(`${inPlace}/Procfile`, ['--plan', 'standard-0'])
    expect(a.diagnostics.find((d) => d.code === 'unknown-config-value' && d.line === 2)?.message).toContain('config/puma/extra.rb, which conncalc does not read')
    expect(a.type('web').connections).toBe(6)
    expect(JSON.stringify(a.type('web').sources.processesPerDyno)).not.toContain('assumption')
    expect(JSON.stringify(a.type('web').sources.threadsPerProcess)).toContain('loads settings from a file conncalc does not read')
    // `load` queues extra.rb after this file (its `workers 4` would win): the 2 read here is starred, still 6 by the file
    const queued = temp.app({...files, 'config/puma.rb': 'threads 3, 3\nload "config/puma/extra.rb"\nworkers 2\n', 'config/puma/extra.rb': 'workers 4\n'})
    const b = planJson(`${queued}/Procfile`, ['--plan', 'standard-0'])
    expect(b.type('web').connections).toBe(6)
    expect(JSON.stringify(b.type('web').sources.processesPerDyno)).toContain("config/puma.rb:2 loads settings from a file conncalc does not read, which may set this; this line's value is assumed")
  })
})

// The settings govuk_app_config writes are the same from v4.1.0 to v9.25.1 (checked at every tag); the source named is the
// file at the version the app's lock pins, not always v9.25.1's (ministryofjustice/peoplefinder pins 9.24.1).
describe('a pinned gem\'s settings cite the gem at the locked version', () => {
  const temp = tempApps('rails-govuk-puma')

  it('govuk_app_config 9.24.1: the same numbers, the source at v9.24.1', () => {
    const lock = readFileSync(`${fixture('rails-govuk-puma')}/Gemfile.lock`, 'utf8').replace('govuk_app_config (9.25.1)', 'govuk_app_config (9.24.1)')
    const dir = temp.app({'Gemfile.lock': lock})
    const web = planJson(`${dir}/Procfile`, ['--plan', 'standard-0']).type('web')
    // 2 workers × min(pool 12, 5 threads) = 10, as with 9.25.1
    expect(web.connections).toBe(10)
    const cited = JSON.stringify(web.sources.processesPerDyno)
    expect(cited).toContain('https://github.com/alphagov/govuk_app_config/blob/v9.24.1/lib/govuk_app_config/govuk_puma.rb')
    expect(cited).not.toContain('v9.25.1')
  })
})
