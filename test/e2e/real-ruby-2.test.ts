import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

/** [app, extra args, total, status, {type: [server, processes, threads, pool, connections]}, diagnostic codes] */
type Case = [string, string[], number, string, Record<string, [string, number, number, null | number, number]>, string[]]

// More fixtures under test/fixtures/real-ruby/, each file naming the upstream it is modelled on.
// Plan standard-0 (limit 120), one dyno each.
const cases: Case[] = [
  // `-e $RAILS_ENV` is production, so config/puma/production.rb is read (workers 2, threads 5); GoodJob
  // async runs in each Puma worker on the same pool; database.yml's `<% if ZEALOT_DATABASE_URL %>` takes the else branch.
  // Each process also holds GoodJob's LISTEN connection outside the pool (good_job notifier.rb) and takes 1 utility
  // connection (cron, process refreshes: the second thread of its 2-thread SharedExecutor) from it: web 2 × (min(5, 5 + 5 + 1) + 1) = 12,
  // worker min(5, 5 + 1) + 1 = 6; with 2 job threads and 3 workers: web 3 × (min(5, 5 + 2 + 1) + 1) = 18, worker min(5, 2 + 1) + 1 = 4.
  // WEB_CONCURRENCY=3 also makes Puma 6 preload (configuration.rb), so the master loads the app and GoodJob's capsule
  // starts there (in_webserver? holds; production.rb has no before_fork { GoodJob.shutdown }): + min(5, 2 + 1) + 1 = 4. Its
  // LISTEN thread is the master's and production.rb has no on_worker_boot { GoodJob.restart }: no LISTEN per worker, so
  // web 3 × min(5, 8) + 4 = 19.
  ['zealot', [], 18, 'ok', {web: ['puma', 2, 5, 5, 12], worker: ['good_job', 1, 5, 5, 6]}, ['pool-below-threads', 'pool-below-threads']],
  ['zealot', ['--env', 'ZEALOT_WORKER_CONCURRENCY=2', 'WEB_CONCURRENCY=3'], 23, 'ok', {web: ['puma', 3, 5, 5, 19], worker: ['good_job', 1, 2, 5, 4]}, ['pool-below-threads']],
  // Integer(ENV['WEB_CONCURRENCY'] || 2) Unicorn workers; the before_fork disconnect sits under `if defined?(ActiveRecord::Base)`.
  ['openproject', [], 5, 'ok', {backup: ['unknown', 1, 1, null, 1], web: ['unicorn', 2, 1, 5, 2], worker: ['delayed_job', 1, 1, 5, 1]}, ['unknown-command', 'unknown-command', 'pool-oversized', 'pool-oversized']],
  // worker_processes AppConfig.server.unicorn_worker.to_i cannot be read: Unicorn's default 1, said so.
  // Rails 4.2 and no Resque.after_fork reconnect: an error, so exit code 1. The Resque parent keeps a connection only if
  // boot code checks one out (ActiveRecord 4.2 connects on first checkout; nothing here queries at boot): ceiling only.
  ['diaspora', [], 2, 'ok', {web: ['unicorn', 1, 1, 5, 1], worker: ['resque', 1, 1, 5, 1]}, ['fork-reconnect-missing', 'unknown-config-value', 'unknown-config-value', 'pool-oversized', 'pool-oversized']],
  // GovukPuma.configure_rails(self) with govuk_app_config 9.17.0: the gem's settings (govuk_puma.rb:22-32) — workers
  // WEB_CONCURRENCY‖2, threads RAILS_MAX_THREADS‖5, preload; Rails ≥ 5.2 empties the master's pools after boot: 2 × min(5, 5).
  ['publishing-api', [], 12, 'ok', {web: ['puma', 2, 5, 5, 10], worker: ['sidekiq', 1, 2, 5, 2]}, []],
  // WEB_CONCURRENCY=3 is what the gem's `workers ENV.fetch("WEB_CONCURRENCY", 2)` reads: 3 × 5 = 15.
  ['publishing-api', ['--env', 'WEB_CONCURRENCY=3'], 17, 'ok', {web: ['puma', 3, 5, 5, 15]}, []],
  // workers 1 (cluster mode, one process) of 16 threads on the default pool of 5 (production does not merge `default`).
  ['vets-api', [], 17, 'ok', {critical_job: ['sidekiq', 1, 5, 5, 5], web: ['puma', 1, 16, 5, 5]}, ['pool-below-threads', 'unknown-command', 'unknown-command']],
  // solid_queue_mode :async in single mode: the worker's 3 job threads share every pool with the 3 request threads
  // (min(5, 6) on primary, cache, cable), and the queue pool also holds its polling + heartbeat (2), the dispatcher (3)
  // and the supervisor (2): min(5, 3 + 3 + 7) — 20, and each pool is below what can ask for it.
  // JOB_CONCURRENCY (the worker's processes) is ignored in async mode (solid_queue configuration.rb `workers`).
  ['rails8-async', [], 20, 'ok', {web: ['puma', 1, 3, 20, 20]}, ['pool-below-threads', 'pool-below-threads', 'pool-below-threads', 'pool-below-threads']],
  ['rails8-async', ['--env', 'JOB_CONCURRENCY=4'], 20, 'ok', {web: ['puma', 1, 3, 20, 20]}, ['pool-below-threads', 'pool-below-threads', 'pool-below-threads', 'pool-below-threads']],
  // workers (Concurrent.processor_count * 0.666).ceil = 6 on 8 processors. Every database is SQLite, and Gemfile.lock has
  // sqlite3 and no pg: ActiveRecord cannot open a PostgreSQL connection without the pg gem, so even DATABASE_URL's primary
  // is not on the plan — 0 (the pools are listed as not counted).
  // Puma workers (Concurrent.processor_count * 0.666).ceil = 6 follow the CPU count, but each holds 0 on the plan: no
  // cpu-count-default warning beside the 0 (it would change no number). Gemfile.lock lists sqlite3 and no pg: 0, said by not-postgresql.
  ['campfire', [], 0, 'ok', {web: ['puma', 6, 0, null, 0]}, ['not-postgresql']],
]

/** Apps whose diagnostics include an error (exit code 1 although the total fits). */
const failing = new Set(['diaspora'])

const run = (app: string, args: string[]) => runJson<PlanJson>(['plan', '--procfile', fixture(`real-ruby/${app}/Procfile`), '--plan', 'standard-0', ...args])

describe('more real Ruby apps end to end (conncalc plan --json)', () => {
  for (const [app, args, total, status, types, codes] of cases) {
    it(`${app} ${args.join(' ')}`.trim(), () => {
      const r = run(app, args)
      expect(r.code).toBe(failing.has(app) ? 1 : 0)
      expect(r.json.total).toBe(total)
      expect(r.json.status).toBe(status)
      for (const [name, [server, processes, threads, pool, connections]] of Object.entries(types)) {
        const row = r.json.processTypes.find((p) => p.name === name)
        expect(row, name).toMatchObject({connections, poolPerProcess: pool, processesPerDyno: processes, server, threadsPerProcess: threads})
      }

      expect(r.json.diagnostics.map((d) => d.code)).toEqual(codes)
    })
  }

  it('zealot: with ZEALOT_DATABASE_URL set the `url:` branch is read, and no ERB tag is left unread', () => {
    const r = run('zealot', ['--env', 'ZEALOT_DATABASE_URL=postgres://u:secretpw@db.example.com/zealot'])
    expect(r.json.diagnostics.filter((d) => d.file === 'config/database.yml' && d.code === 'unknown-config-value')).toEqual([])
    expect(JSON.stringify(r.json)).not.toContain('secretpw')
  })

  it('publishing-api: the settings the gem writes are sourced at the call and name the gem\'s version', () => {
    const web = run('publishing-api', []).json.processTypes.find((p) => p.name === 'web')!
    for (const key of ['processesPerDyno', 'threadsPerProcess']) {
      expect(JSON.stringify(web.sources[key])).toContain('config/puma.rb:3 `GovukPuma.configure_rails(self)` (govuk_app_config 9.17.0 in Gemfile.lock) sets')
    }
  })

  it('diaspora: the unreadable worker count and the spawned Sidekiq are both named with their lines', () => {
    const d = run('diaspora', []).json.diagnostics.filter((x) => x.code === 'unknown-config-value')
    expect(d.map((x) => [x.file, x.line])).toEqual([['config/unicorn.rb', 4], ['config/unicorn.rb', 27]])
    expect(d[0].message).toContain('`AppConfig.server` is not something conncalc evaluates; using 1')
  })
})
