/**
 * GoodJob in async mode under a preloading Puma: the master starts the capsule when it loads the app
 * (engine.rb after_initialize), and a thread does not survive fork. GoodJob's README: schedulers "should be stopped
 * before forking, restarted after fork" (`before_fork { GoodJob.shutdown }`, `before_worker_boot { GoodJob.restart }`).
 * - No restart in the worker hook: the notifier's LISTEN loop was the master's and nothing starts it again in a
 *   worker (Capsule#create_thread starts only a capsule never started), so a worker holds no LISTEN connection; its
 *   schedulers still run the jobs it enqueues (threads + the utility connection from its pool, as before).
 * - `GoodJob.shutdown` in before_fork and no restart: the inherited capsule is shut down and not startable
 *   (Capsule#shutdown sets @startable false; Scheduler#create_thread returns nil when its executor is not running):
 *   the worker runs no GoodJob job and opens no GoodJob connection. Said (never-runs).
 *
 * A made-up Rails 7.2 app: database.yml pool 12; production.rb execution_mode :async, max_threads 3; Puma 6
 * `workers 2`, `threads 4, 4`, preload_app!.
 * By hand (per worker: 4 request threads + 3 job threads + 1 utility from the pool, + 1 LISTEN outside; GoodJob
 * >= 3.16.4 runs the notifier, cron and process refreshes on one 2-thread SharedExecutor, the notifier holding one):
 *   no hooks:                       2 × min(12, 8) = 16, master capsule min(12, 3 + 1) + 1 = 5: 21
 *   shutdown + restart (README's):  2 × (min(12, 8) + 1) = 18, no master capsule: 18
 *   shutdown, no restart:           2 × min(12, 4) = 8, never-runs said
 *   single mode (workers 0):        min(12, 8) + 1 = 9
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const LOCK = `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.2.2)
    concurrent-ruby (1.3.4)
    good_job (4.6.0)
    pg (1.5.8)
    puma (6.4.3)
    rails (7.2.2)
      activerecord (= 7.2.2)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  good_job
  pg
  puma
  rails
`

const files = (puma: string): Record<string, string> => ({
  'Gemfile': 'source "https://rubygems.org"\ngem "rails", "~> 7.2.2"\ngem "pg"\ngem "puma"\ngem "good_job"\n',
  'Gemfile.lock': LOCK,
  'Procfile': 'web: bundle exec puma -C config/puma.rb\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 12\n',
  'config/environments/production.rb': 'Rails.application.configure do\n  config.active_job.queue_adapter = :good_job\n  config.good_job.execution_mode = :async\n  config.good_job.max_threads = 3\nend\n',
  'config/puma.rb': puma,
})

const CLUSTER = 'workers 2\nthreads 4, 4\npreload_app!\n'
const web = (puma: string) => planJson(`${app(files(puma))}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
const kinds = (r: ReturnType<typeof web>) => r.type('web').extras.map((x) => [x.kind, x.ceilingOnly])

describe('GoodJob async in forked Puma workers', () => {
  it('no GoodJob.restart in the worker hook: no LISTEN connection per worker, 2 × 8 + the master\'s capsule 5 = 21', () => {
    const r = web(CLUSTER)
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno]).toEqual([8, 21])
    expect(kinds(r)).toContainEqual(['good-job-listener', true])
    expect(kinds(r)).toContainEqual(['good-job-async-threads', false])
    expect(r.codes).not.toContain('never-runs')
  })

  it('the README\'s shutdown before fork and restart in before_worker_boot: each worker LISTENs, 2 × 9 = 18', () => {
    const r = web(`${CLUSTER}before_fork do\n  GoodJob.shutdown\nend\nbefore_worker_boot do\n  GoodJob.restart\nend\n`)
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno]).toEqual([9, 18])
    expect(kinds(r)).toContainEqual(['good-job-listener', false])
  })

  it('shutdown before fork and no restart: the workers run no GoodJob at all, 2 × 4 = 8, said', () => {
    const r = web(`${CLUSTER}before_fork do\n  GoodJob.shutdown\nend\n`)
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno]).toEqual([4, 8])
    const said = r.diagnostics.find((d) => d.code === 'never-runs')
    expect(said).toMatchObject({file: 'config/puma.rb', processType: 'web', severity: 'info'})
    expect(said?.message).toContain('runs no GoodJob job')
    expect(said?.fix).toContain('GoodJob.restart')
  })

  it('single mode does not fork: the capsule runs in the one process, min(12, 8) + 1 = 9', () => {
    const r = web('threads 4, 4\n')
    expect(r.type('web').connectionsPerDyno).toBe(9)
  })
})
