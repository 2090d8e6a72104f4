/**
 * The pool connections a GoodJob process takes beside its job threads, by version (`good_job start --max-threads=4`,
 * database.yml pool 10, one dyno).
 * - 3.16.4 and later (#1018, "Notifier and CronManager share a 2-thread executor within the capsule"): the notifier,
 *   the cron manager and the process tracker's refreshes run on one SharedExecutor of MAX_THREADS = 2
 *   (lib/good_job/shared_executor.rb; capsule.rb passes it to all three). The notifier's loop holds one thread and a
 *   connection it removes from the pool, so cron enqueues and refreshes take at most one pool connection at a time:
 *   min(10, 4 + 1) + 1 = 6, cron or not. (README since: "2 additional connections ... (e.g. LISTEN/NOTIFY, cron, etc.)".)
 * - Before 3.16.4 (README v3.16.3: "1 connection dedicated to the scheduler aka LISTEN/NOTIFY", "(optional) 2
 *   connections for Cron scheduler if you're running it"): min(10, 4) + 1 = 5 without cron, min(10, 4 + 2) + 1 = 7 with it
 *   (`--enable-cron`, `config.good_job.enable_cron = true`, GOOD_JOB_ENABLE_CRON=true). A setting conncalc cannot
 *   read counts the 2, starred.
 */
import {describe, expect, it} from 'vitest'

import {describeSourced, isAssumption} from '../../src/model/source.js'
import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const lock = (version: string): string => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
    good_job (${version})
    pg (1.5.6)
    rails (7.1.3)
      activerecord (= 7.1.3)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  good_job
  pg
  rails
`

const worker = (version: string, opts: {args?: string; env?: string[]; initializer?: string} = {}) => {
  const dir = app({
    'Gemfile': 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngem "good_job"\n',
    'Gemfile.lock': lock(version),
    'Procfile': `worker: bundle exec good_job start --max-threads=4${opts.args ?? ''}\n`,
    'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 10\n',
    ...(opts.initializer ? {'config/initializers/good_job.rb': opts.initializer} : {}),
  })
  return planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'worker=1', ...(opts.env ?? []).flatMap((e) => ['--env', e])]).type('worker')
}

const utility = (row: ReturnType<typeof worker>) => row.extras.find((x) => x.kind === 'good-job-utility')

describe('GoodJob utility connections by version', () => {
  it('4.19.2 and 3.16.4: 4 threads + 1 (the shared executor\'s second thread) + 1 listener = 6, cron or not', () => {
    for (const v of ['4.19.2', '3.16.4']) {
      const row = worker(v)
      expect(row.connectionsPerProcess).toBe(6)
      expect(utility(row)?.count).toBe(1)
      expect(describeSourced(utility(row)!.source)).toContain('share one executor of 2 threads (SharedExecutor::MAX_THREADS, since 3.16.4)')
    }

    expect(worker('4.19.2', {args: ' --enable-cron'}).connectionsPerProcess).toBe(6)
  })

  it('3.16.3 without cron: no cron connections, 4 + 1 listener = 5', () => {
    const row = worker('3.16.3')
    expect(row.connectionsPerProcess).toBe(5)
    expect(utility(row)).toBeUndefined()
    expect(row.extras.map((x) => x.kind)).toEqual(['good-job-listener'])
  })

  it('3.16.3 with cron enabled by flag, initializer or env: 4 + 2 (cron scheduler) + 1 = 7, sourced', () => {
    const byFlag = worker('3.16.3', {args: ' --enable-cron'})
    expect(byFlag.connectionsPerProcess).toBe(7)
    expect(describeSourced(utility(byFlag)!.source)).toContain('flag --enable-cron')
    const byFile = worker('3.16.3', {initializer: 'Rails.application.configure do\n  config.good_job.enable_cron = true\nend\n'})
    expect(byFile.connectionsPerProcess).toBe(7)
    expect(describeSourced(utility(byFile)!.source)).toContain('config/initializers/good_job.rb:2')
    expect(worker('3.16.3', {env: ['GOOD_JOB_ENABLE_CRON=true']}).connectionsPerProcess).toBe(7)
    expect(worker('3.16.3', {initializer: 'Rails.application.configure do\n  config.good_job.enable_cron = false\nend\n'}).connectionsPerProcess).toBe(5)
  })

  it('3.16.3 with enable_cron that cannot be read: the 2 counted, as an assumption', () => {
    const row = worker('3.16.3', {initializer: 'Rails.application.configure do\n  config.good_job.enable_cron = Settings.cron?\nend\n'})
    expect(row.connectionsPerProcess).toBe(7)
    expect(isAssumption(utility(row)!.source)).toBe(true)
    expect(describeSourced(utility(row)!.source)).toContain('whether cron is enabled cannot be read (config/initializers/good_job.rb:2)')
  })
})
