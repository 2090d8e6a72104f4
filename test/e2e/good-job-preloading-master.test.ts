/**
 * GoodJob in async mode under a preloading Puma master (good_job v4.19.2): the master loads the app from config.ru,
 * so `GoodJob.configuration.in_webserver?` holds there (configuration.rb: config.ru in the caller), and the engine's
 * after_initialize `GoodJob._start_async_adapters` starts a capsule in the master (engine.rb): its notifier LISTENs
 * on a connection it checks out and removes from the pool (notifier.rb), its schedulers run jobs and the second
 * thread of its 2-thread SharedExecutor (cron, process refreshes; the notifier holds the first) takes 1 more from the
 * master's pool. The README: "Stopping GoodJob's scheduler pre-fork is recommended to
 * ensure that GoodJob does not continue executing jobs in the parent/controller process" (before_fork { GoodJob.shutdown }).
 *
 * The app (test/fixtures/good-job-async, Rails 7.2, Puma 6.4, execution_mode :async, max_threads 2), DB_POOL=10,
 * threads 3: each worker min(10, 3 + 2 + 1) + 1 listener = 7 when its boot hook restarts GoodJob; without that, the
 * LISTEN thread is the master's and does not survive fork: 6 (e2e/good-job-async-fork).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('good-job-async')
const web = (puma: string, env: string[] = []) => planJson(`${app({'config/puma.rb': puma})}/Procfile`, ['--scale', 'web=1', '--env', 'DB_POOL=10', ...env.flatMap((e) => ['--env', e])]).type('web')
const kinds = (row: ReturnType<typeof web>) => row.extras.filter((x) => x.per === 'dyno' && !x.ceilingOnly).map((x) => [x.kind, x.count])

describe('GoodJob async mode in a preloading Puma master', () => {
  it('no before_fork shutdown: 2 workers × 6 (no GoodJob.restart: the LISTEN thread is the master\'s) + the master\'s capsule min(10, 2 + 1) + its listener 1 = 16', () => {
    const row = web('workers 2\nthreads 3, 3\npreload_app!\n')
    expect(row).toMatchObject({connectionsPerDyno: 16, connectionsPerProcess: 6})
    expect(kinds(row)).toEqual([['good-job-master', 3], ['good-job-master-listener', 1]])
    expect(JSON.stringify(row.extras.find((x) => x.kind === 'good-job-master')!.source)).toContain('no GoodJob.shutdown in before_fork stops it: 2 job threads + 1 (cron, process refreshes)')
  })

  it('a small pool caps the master\'s capsule as it caps a worker: DB_POOL=3 → workers min(3, 6) = 3, master min(3, 3) + 1 = 4: 10', () => {
    const row = planJson(`${app({'config/puma.rb': 'workers 2\nthreads 3, 3\npreload_app!\n'})}/Procfile`, ['--scale', 'web=1', '--env', 'DB_POOL=3']).type('web')
    expect(row).toMatchObject({connectionsPerDyno: 10, connectionsPerProcess: 3})
  })

  it('before_fork { GoodJob.shutdown } (GoodJob\'s README, under its `if ENV.fetch("WEB_CONCURRENCY", 0).to_i > 0` too): 14', () => {
    expect(web('workers 2\nthreads 3, 3\npreload_app!\nbefore_fork do\n  GoodJob.shutdown\nend\non_worker_boot do\n  GoodJob.restart\nend\n')).toMatchObject({connectionsPerDyno: 14})
    const readme = 'workers ENV.fetch("WEB_CONCURRENCY", 2)\nthreads 3, 3\npreload_app!\nif ENV.fetch("WEB_CONCURRENCY", 0).to_i > 0\n  before_fork do\n    GoodJob.shutdown\n  end\n\n  before_worker_boot do\n    GoodJob.restart\n  end\nend\n'
    expect(web(readme, ['WEB_CONCURRENCY=2'])).toMatchObject({connectionsPerDyno: 14})
  })

  it('a shutdown registered under a condition conncalc cannot decide: counted as if it is not, starred (16)', () => {
    const row = web('workers 2\nthreads 3, 3\npreload_app!\nif File.exist?("tmp/jobs-in-master")\n  before_fork { GoodJob.shutdown }\nend\n')
    expect(row).toMatchObject({connectionsPerDyno: 16})
    const capsule = row.extras.find((x) => x.kind === 'good-job-master')!
    expect(JSON.stringify(capsule.source)).toContain('runs only when')
    expect(JSON.stringify(capsule.source)).toContain('"kind":"assumed"')
  })

  it('no preload (the master never loads the app), or single mode (no master): the workers only, 14 and 7', () => {
    expect(web('workers 2\nthreads 3, 3\npreload_app! false\n')).toMatchObject({connectionsPerDyno: 14})
    expect(web('workers 0\nthreads 3, 3\n')).toMatchObject({connectionsPerDyno: 7})
  })
})
