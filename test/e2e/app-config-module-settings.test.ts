/**
 * Pool sizes the app computes in a config module of its own, read where database.yml or Sequel.connect refers to them.
 *
 * ruby-appydays-sequel (made up; Roda + Sequel, Puma 2 × 5, `sidekiq -r ./config/jobs.rb -c 12`):
 * `Sequel.connect(url, **Ledger::DbSettings.connect_options)`, a method whose hash gets `opts[:max_connections] ||=
 * Ledger::DbSettings.pool`; `pool` is an Appydays setting (`configurable(:ledger_db) { setting :pool, 6 }`: env
 * LEDGER_DB_POOL coerced to the default's Integer, else 6; lithictech/appydays configurable.rb `setting`), then its
 * `after_configured` block sets `self.pool = ENV["LEDGER_ROLE"] == "jobs" ? JOB_THREADS ("12") : self.pool` and adds
 * `self.spare` (LEDGER_DB_SPARE, 0). config/jobs.rb, which sidekiq requires before the app, sets LEDGER_ROLE "jobs".
 * web: pool 6, 2 × min(6, 5) = 10; worker: pool 12, min(12, 12) = 12; total 22.
 *
 * rails-config-module-pool (made up; Rails 7.0): database.yml `pool: <%= Orchard::Tuning::DB_POOL %>`, a constant
 * `WEB_THREADS + 1` with WEB_THREADS = Integer(ENV.fetch("RAILS_MAX_THREADS", 8)) → 9; config/puma.rb reads
 * `Settings.puma_workers` / `Settings.puma_threads` from a module that extends the app's own copy of pliny's
 * CastingConfigHelpers (`override :puma_workers, 3, int`). 3 × min(9, 8) = 24.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const run = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', '--scale', 'web=1', ...(app.includes('appydays') ? ['--scale', 'worker=1'] : []), ...args])
const starred = (r: ReturnType<typeof run>, type: string) => JSON.stringify(r.type(type).sources).includes('"kind":"assumed"')

describe('an Appydays settings module behind a Sequel.connect splat', () => {
  it('reads the setting, its after_configured steps, and the env the worker sets for itself', () => {
    const r = run('ruby-appydays-sequel')
    expect([r.type('web').poolPerProcess, r.type('web').connections, r.type('worker').poolPerProcess, r.type('worker').connections, r.total]).toEqual([6, 10, 12, 12, 22])
    expect([starred(r, 'web'), starred(r, 'worker')]).toEqual([false, false])
    expect(r.codes).not.toContain('unknown-config-value')
    expect(JSON.stringify(r.type('worker').sources)).toContain('config/jobs.rb:3')
  })

  it('LEDGER_DB_POOL=3 sets the web pool (the jobs branch replaces it): 2 × 3 + 12 = 18', () => {
    const r = run('ruby-appydays-sequel', ['--env', 'LEDGER_DB_POOL=3'])
    expect([r.type('web').poolPerProcess, r.type('worker').poolPerProcess, r.total]).toEqual([3, 12, 18])
  })

  it('the `+=` step adds LEDGER_DB_SPARE after the branch: web 8 (capped by 5 threads), worker 8 + 2 = 10', () => {
    const r = run('ruby-appydays-sequel', ['--env', 'LEDGER_DB_SPARE=2', '--env', 'JOB_THREADS=8'])
    expect([r.type('web').poolPerProcess, r.type('web').connections, r.type('worker').poolPerProcess, r.type('worker').connections]).toEqual([8, 10, 10, 10])
  })
})

describe('a module constant in database.yml and pliny-style settings from the app\'s own helpers', () => {
  it('reads DB_POOL = WEB_THREADS + 1 and the Puma settings: 3 × min(9, 8) = 24', () => {
    const r = run('rails-config-module-pool')
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 9, processesPerDyno: 3, threadsPerProcess: 8})
    expect(starred(r, 'web')).toBe(false)
  })

  it('follows the env through the constants: RAILS_MAX_THREADS=3 → pool 4, PUMA_WORKERS=2 → 2 × 4 = 8', () => {
    const r = run('rails-config-module-pool', ['--env', 'RAILS_MAX_THREADS=3', '--env', 'PUMA_WORKERS=2'])
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 4, processesPerDyno: 2})
  })
})
