/**
 * A process a script starts beside the type's own (`bundle exec rake solid_queue:start &` before `exec puma`, or
 * `foreman start` running a Procfile's web and worker in one container, as PasswordPusher's Docker entrypoint does) is
 * counted as it would be as a type of its own: Solid Queue's dispatcher, scheduler and supervisor are processes with
 * pools of their own, each capped by its pool (budget.ts resolveDemand). Before, the process started beside kept them
 * uncapped: a scheduler with 6 recurring tasks counted 1 + 6 = 7 connections past its pool of 5.
 * The app (test/fixtures/rails-8-solid-queue): Rails 8.1, Solid Queue 1.2 on the `queue` entry (connects_to), every
 * entry inheriting DATABASE_URL's url, pools of 5 (max_connections); config/queue.yml: one worker process with 3 threads,
 * one dispatcher. Here config/recurring.yml has 6 production tasks.
 * By hand (Solid Queue v1.5.0 source, as test/plan/job-systems.test.ts cites it): per worker process primary, cache and
 * cable min(5, 3) = 3 each + queue min(5, 3 threads + polling + heartbeat) = 5 → 14; per dyno the dispatcher min(5, 3) = 3,
 * the scheduler min(5, heartbeat 1 + 6 tasks) = 5, the supervisor min(5, 2) = 2 → 14 + 10 = 24, the same as the `jobs`
 * type running the same command. web: Puma single mode, 3 threads on the 4 entries + 1 extra = 13, + 24 beside = 37.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-8-solid-queue')
const task = (name: string, schedule: string) => `  ${name}:\n    class: ${name[0].toUpperCase()}${name.slice(1)}Job\n    schedule: ${schedule}\n`
const recurring = `production:\n${[
  ['expire', 'every 2 hours'],
  ['cleanup', 'every day at 5am'],
  ['purge', 'every day at 4am'],
  ['blobs', 'every 3 days'],
  ['caches', 'every day at 3am'],
  ['finished', 'every hour at minute 12'],
]
  .map(([n, s]) => task(n, s))
  .join('')}`

describe('a Solid Queue supervisor started beside the web server', () => {
  it('`rake solid_queue:start &` then `exec puma`: the scheduler capped by its pool, 24 beside as for its own type', () => {
    const dir = app({
      'bin/start': '#!/bin/bash\nbundle exec rake solid_queue:start &\nexec bundle exec puma -C config/puma.rb\n',
      'config/recurring.yml': recurring,
      Procfile: 'web: bin/start\njobs: bundle exec rake solid_queue:start\n',
    })
    const plan = planJson(`${dir}/Procfile`, ['--scale', 'web=1', 'jobs=1'])
    const jobs = plan.type('jobs')
    expect(jobs).toMatchObject({connectionsPerDyno: 24, connectionsPerProcess: 14, server: 'solid_queue'})
    expect(jobs.extras.find((x) => x.kind === 'solid-queue-scheduler')?.count).toBe(5)
    const web = plan.type('web')
    expect(web).toMatchObject({connectionsPerDyno: 37, connectionsPerProcess: 13, server: 'puma'})
    const beside = web.extras.filter((x) => x.kind === 'script-process')
    expect(beside.map((x) => [x.count, x.per])).toEqual([[24, 'dyno']])
    expect(beside[0].reason).toContain('`rake solid_queue:start &` runs beside it in each dyno (solid_queue: 1 × 14)')
    expect(plan.total).toBe(37 + 24)
  })
})
