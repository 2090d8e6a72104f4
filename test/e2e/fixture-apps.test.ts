import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

/** [fixture, extra args, total, status, exit, {type: [server, processes, threads, pool, connections]}, diagnostic codes] */
type Case = [string, string[], number, string, number, Record<string, [string, number, number, null | number, number]>, string[]]

// Each line is a realistic app: what a user would see for it on essential-0 (limit 20)
// unless the args say otherwise.
const cases: Case[] = [
  // Rails 5.2 template: threads RAILS_MAX_THREADS or 5, workers commented out → single mode.
  ['rails-5-2', [], 5, 'ok', 0, {release: ['release', 1, 1, null, 1], web: ['puma', 1, 5, 5, 5]}, []],
  // Rails 7.1.0 template: workers = WEB_CONCURRENCY or Concurrent.physical_processor_count (8 on a Standard dyno).
  // puma.rb's workers are Concurrent.physical_processor_count in production: 8 on a Standard dyno's shared host, said (cpu-count-default).
  ['rails-7-1', ['--plan', 'standard-0'], 45, 'ok', 0, {web: ['puma', 8, 5, 5, 40], worker: ['sidekiq', 1, 5, 5, 5]}, ['cpu-count-default']],
  ['rails-7-1', ['--env', 'WEB_CONCURRENCY=2'], 15, 'ok', 0, {web: ['puma', 2, 5, 5, 10]}, []],
  // Rails 7.2: 3 threads while the pool stays 5; `bin/rails server` is Puma.
  ['rails-7-2', [], 3, 'ok', 0, {web: ['puma', 1, 3, 5, 3]}, []],
  // Rails 8.1's generated production section: cache, queue and cable have no url or host, and ActiveRecord merges
  // DATABASE_URL into `primary` only, so on the platform they reach no server (database-url-missing, one per entry):
  // only the primary counts, its pool starred. bin/jobs is Solid Queue (no connects_to here: its tables are on the
  // primary): one worker
  // of 3 threads, min(5, 3 + 2) on the primary it polls, + dispatcher (3) and supervisor (2) = 10; web 2 × min(5, 3) = 6.
  ['rails-8-1', ['--plan', 'standard-0', '--scale', 'web=2', 'jobs=1'], 16, 'ok', 0, {jobs: ['solid_queue', 1, 3, 5, 10], web: ['puma', 1, 3, 5, 6]}, ['database-url-missing', 'database-url-missing', 'database-url-missing']],
  // Unicorn with the Heroku hooks: no master connection, but pool 5 for single-threaded workers.
  ['unicorn', ['--scale', 'web=6'], 18, 'warning', 0, {web: ['unicorn', 3, 1, 5, 18]}, ['near-limit', 'pool-oversized']],
  ['sidekiq-yml-erb', [], 11, 'ok', 0, {worker: ['sidekiq', 1, 20, 5, 5]}, ['pool-below-threads']],
  ['sidekiq-yml-erb', ['--env', 'SIDEKIQ_CONCURRENCY=5'], 11, 'ok', 0, {worker: ['sidekiq', 1, 5, 5, 5]}, []],
  ['sidekiq-flag', ['--fail-on', 'warning'], 11, 'ok', 1, {worker: ['sidekiq', 1, 15, 5, 5]}, ['pool-below-threads']],
  ['sidekiq-rails-max-threads', [], 10, 'ok', 0, {worker: ['sidekiq', 1, 12, 5, 5]}, ['pool-below-threads']],
  // Resque workers load the app and fork per job with no Resque.before_fork: +1 per worker (an assumption).
  // Resque workers load the app but hold nothing after boot (Rails ≥ 5.2 assumed: no version in Gemfile.lock): 3 + 1 + 3.
  ['resque', [], 7, 'ok', 0, {worker: ['resque', 1, 1, 5, 1], workers: ['resque', 3, 1, 5, 3]}, ['pool-oversized', 'pool-oversized', 'pool-oversized']],
  ['puma-16-threads', ['--plan', 'standard-0'], 32, 'ok', 0, {web: ['puma', 2, 16, 16, 32]}, []],
  ['puma-16-threads', [], 32, 'over', 1, {web: ['puma', 2, 16, 16, 32]}, ['over-limit']],
  ['ruby-unparsable', [], 5, 'ok', 0, {web: ['puma', 1, 5, 5, 5]}, ['unparsable-config']],
  ['ruby-unknown-construct', [], 5, 'ok', 0, {web: ['puma', 1, 5, 5, 5]}, ['unknown-config-value']],
  // rackup runs Puma (first in the bundle), which reads config/puma.rb; thin is one reactor
  // thread unless --threaded; Passenger runs --max-pool-size single-threaded processes.
  [
    'rack-servers',
    ['--plan', 'standard-0'],
    10 + 1 + 5 + 1 + 3,
    'ok',
    0,
    {passenger: ['passenger', 3, 1, 5, 3], 'rackup-thin': ['thin', 1, 1, 5, 1], thin: ['thin', 1, 1, 5, 1], 'thin-threaded': ['thin', 1, 8, 5, 5], web: ['puma', 2, 5, 5, 10]},
    ['pool-below-threads'],
  ],
]

describe('fixture apps end to end (conncalc plan --json)', () => {
  for (const [app, args, total, status, exit, types, codes] of cases) {
    it(`${app} ${args.join(' ')}`.trim(), () => {
      const plan = args.includes('--plan') ? [] : ['--plan', 'essential-0']
      const r = runJson<PlanJson>(['plan', '--procfile', fixture(`${app}/Procfile`), ...plan, ...args])
      expect(r.code).toBe(exit)
      expect(r.json.total).toBe(total)
      expect(r.json.status).toBe(status)
      for (const [name, [server, processes, threads, pool, connections]] of Object.entries(types)) {
        const row = r.json.processTypes.find((p) => p.name === name)
        expect(row, name).toMatchObject({connections, poolPerProcess: pool, processesPerDyno: processes, server, threadsPerProcess: threads})
      }

      expect(r.json.diagnostics.map((d) => d.code).filter((c) => c !== 'unknown-command')).toEqual(codes)
    })
  }
})
