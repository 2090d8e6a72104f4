import {describe, expect, it} from 'vitest'

import {Chalk} from 'chalk'

import {describeSourced, isAssumption} from '../../src/model/source.js'
import {renderTable} from '../../src/render/table.js'
import {planFixture} from './helpers.js'

const counts = (t: {connectionsPerDyno: number; connectionsPerProcess: number; processesPerDyno: number; threadsPerProcess: number}) => [
  t.processesPerDyno,
  t.threadsPerProcess,
  t.connectionsPerProcess,
  t.connectionsPerDyno,
]

describe('GoodJob', () => {
  // GoodJob >= 3.16.4: the notifier, cron and the process tracker's refreshes share one 2-thread executor
  // (lib/good_job/shared_executor.rb MAX_THREADS = 2), the notifier's loop holding one thread and a connection it
  // removes from the pool (lib/good_job/notifier.rb `connection_pool.remove(conn)`): per process
  // min(pool, threads + 1) + 1.
  it('`good_job start --max-threads=5`: min(pool 7, 5 threads + 1) + 1 listener outside the pool = 7', async () => {
    const r = await planFixture('good-job-external')
    const w = r.type('worker')
    expect(w.server).toBe('good_job')
    expect(counts(w)).toEqual([1, 5, 7, 7])
    expect(w.sources.threadsPerProcess).toMatchObject({source: {flag: '--max-threads=5', kind: 'flag'}})
    expect(w.extras).toMatchObject([
      {count: 1, inPool: true, kind: 'good-job-utility', per: 'process'},
      {count: 1, inPool: false, kind: 'good-job-listener', per: 'process'},
    ])
    expect(describeSourced(w.extras[0].source)).toContain('share one executor of 2 threads')
    expect(w.versions).toMatchObject({activerecord: '7.2.1', good_job: '4.5.1'})
  })

  it('GOOD_JOB_QUEUES="mice:2;elephants:1" is 3 threads; pool 5 covers 3 + 1, the listener is the + 1', async () => {
    const r = await planFixture('good-job-external')
    const b = r.type('batch')
    // min(5, 3 + 1) + 1 = 5.
    expect(counts(b)).toEqual([1, 3, 5, 5])
    expect(b.sources.threadsPerProcess.source).toMatchObject({kind: 'env', name: 'GOOD_JOB_QUEUES'})
    expect(r.codes).not.toContain('pool-below-threads')
    // web 3 + worker 7 + batch 5.
    expect(r.json.total).toBe(3 + 7 + 5)
  })

  it('a pool that does not hold threads + 1: pool-below-threads names both', async () => {
    const r = await planFixture('good-job-external', {env: ['DB_POOL=3']})
    const d = r.diagnostics.find((x) => x.code === 'pool-below-threads' && x.processType === 'batch')!
    expect(d.message).toContain('pool (3) is below GoodJob threads (3) + 1 for GoodJob cron and process-refresh connections = 4')
    expect(d.fix).toContain('at least 4 (threads + 1)')
    // The pool caps what the process checks out: min(3, 3 + 1) + 1 listener = 4.
    expect(r.type('batch').connectionsPerProcess).toBe(4)
    // worker's Procfile line sets DB_POOL=7, above --env.
    expect(r.diagnostics.some((x) => x.code === 'pool-below-threads' && x.processType === 'worker')).toBe(false)
  })

  it('async mode in config/environments/production.rb: job threads and utility connections inside each Puma process', async () => {
    const r = await planFixture('good-job-async', {env: ['WEB_CONCURRENCY=2', 'DB_POOL=10']})
    const web = r.type('web')
    // min(10, 3 request threads + 2 job threads + 1 utility) = 6 per worker, 2 workers = 12: the LISTEN thread is
    // the master's (no GoodJob.restart in on_worker_boot), so a worker's listener is in the ceiling only.
    // The master Puma 6 preloads (workers from WEB_CONCURRENCY) holds no request connection after boot on Rails 7.2
    // (ceiling only), but it loads the app from config.ru, so GoodJob's in_webserver? holds there and its capsule
    // starts in the master too, and config/puma.rb has no before_fork { GoodJob.shutdown }: min(10, 2 + 1) + 1 = 4.
    expect(counts(web)).toEqual([2, 3, 6, 16])
    expect(web.extras.map((x) => [x.kind, x.count, x.inPool, x.ceilingOnly, x.per])).toEqual([
      ['good-job-async-threads', 2, true, false, 'process'],
      ['good-job-utility', 1, true, false, 'process'],
      ['good-job-listener', 1, false, true, 'process'],
      ['forking-parent', 1, false, true, 'dyno'],
      ['good-job-master', 3, false, false, 'dyno'],
      ['good-job-master-listener', 1, false, false, 'dyno'],
    ])
    // max_threads: 2 (line 7) because execution_mode: :async (line 6).
    expect(describeSourced(web.extras[0].source)).toBe('config/environments/production.rb:7 ← config/environments/production.rb:6')
    expect(r.codes).not.toContain('pool-below-threads')
    // What a reader sees: the table's extra column holds the extras each worker counts (2 job threads + 1 utility = 3,
    // all from the pool; the worker's listener is in the ceiling only), as --explain's line says.
    const c = new Chalk({level: 0})
    expect(renderTable(r.report, {chalk: c, explain: false, procfile: 'Procfile'})).toMatch(/^web +puma +1\* +2 +3 +10 +3 +6 +16 +16 /m)
    expect(renderTable(r.report, {chalk: c, explain: true, procfile: 'Procfile'})).toContain('connections per process = min(10, 3 + 3 extra in the pool) + 0 extra outside the pool = 6')
  })

  it('async mode with the default pool 5: warns that 3 + 2 + 1 do not fit', async () => {
    const r = await planFixture('good-job-async')
    expect(r.codes).toContain('pool-below-threads')
    // min(5, 3 + 2 + 1) + 1 listener = 6.
    expect(r.type('web').connectionsPerProcess).toBe(6)
  })

  it('GOOD_JOB_EXECUTION_MODE=external turns async off', async () => {
    const r = await planFixture('good-job-external', {env: ['GOOD_JOB_EXECUTION_MODE=async']})
    expect(r.type('web').extras.map((x) => x.kind)).toEqual(['good-job-async-threads', 'good-job-utility', 'good-job-listener'])
    expect(r.type('worker').extras.map((x) => x.kind)).toEqual(['good-job-utility', 'good-job-listener'])
  })
})

// Solid Queue v1.5.0, per process, one connection per thread that wraps its work in the app executor
// (lib/solid_queue/app_executor.rb): a worker's threads + polling loop + heartbeat (configuration.rb
// "threads + 1 thread for the worker + 1 thread for the heartbeat task"); a dispatcher's polling loop,
// heartbeat and concurrency maintenance (dispatcher.rb, dispatcher/concurrency_maintenance.rb) = 3; the
// scheduler's heartbeat + each recurring task as it comes due (scheduler/recurring_schedule.rb); the
// supervisor's heartbeat + prune task (supervisor/maintenance.rb) = 2. Each process is capped by its own pools.
describe('Solid Queue', () => {
  it('bin/jobs with config/queue.yml (ERB, production section): workers × (threads + 2) from the queue pool, plus dispatcher, scheduler, supervisor', async () => {
    const r = await planFixture('rails-8-solid-queue', {scale: ['jobs=1', 'web=1']})
    const jobs = r.type('jobs')
    expect(jobs.server).toBe('solid_queue')
    // Per worker process: primary, cache and cable min(5, 3) + queue min(5, 3 + 2) = 14.
    // Per dyno: 14 + dispatcher min(5, 3) + scheduler min(5, 1 heartbeat + 1 task) + supervisor min(5, 2) = 21.
    expect(counts(jobs)).toEqual([1, 3, 14, 21])
    expect(jobs.extras.map((x) => [x.kind, x.count, x.per, x.database, x.inPool])).toEqual([
      ['solid-queue-worker', 2, 'process', 'queue', true],
      ['solid-queue-dispatcher', 3, 'dyno', 'queue', false],
      ['solid-queue-scheduler', 2, 'dyno', 'queue', false],
      ['solid-queue-supervisor', 2, 'dyno', 'queue', false],
    ])
    // Derived from Solid Queue's source, cited per process kind: defaults, not assumptions.
    expect(jobs.extras.slice(1).map((x) => x.source.source)).toMatchObject([
      {kind: 'default', ref: 'https://github.com/rails/solid_queue/blob/v1.5.0/lib/solid_queue/dispatcher.rb'},
      {kind: 'default', ref: 'https://github.com/rails/solid_queue/blob/v1.5.0/lib/solid_queue/scheduler/recurring_schedule.rb'},
      {kind: 'default', ref: 'https://github.com/rails/solid_queue/blob/v1.5.0/lib/solid_queue/supervisor/maintenance.rb'},
    ])
    expect(jobs.sources.processesPerDyno.source).toEqual({file: 'config/queue.yml', kind: 'file', line: 8})
  })

  it("an app's own bin/jobs in a bundle without solid_queue is read as its script, not as Solid Queue", async () => {
    // Fixture rails-own-bin-jobs: Rails 8.1 without solid_queue in Gemfile.lock; bin/jobs requires
    // config/environment and loops on the main thread. One thread, min(pool 5, 1) = 1 (before: Solid Queue's
    // defaults, 14 per worker process + 7 per dyno). web: Puma single mode, 3 threads, min(5, 3) = 3.
    const r = await planFixture('rails-own-bin-jobs', {scale: ['jobs=1', 'web=1']})
    const jobs = r.type('jobs')
    expect(jobs.server).toBe('ruby-script')
    expect(counts(jobs)).toEqual([1, 1, 1, 1])
    expect(r.json.total).toBe(3 + 1)
  })

  it('JOB_CONCURRENCY=3 runs three worker processes', async () => {
    const r = await planFixture('rails-8-solid-queue', {env: ['JOB_CONCURRENCY=3']})
    const jobs = r.type('jobs')
    // 3 × 14 + dispatcher 3 + scheduler 2 + supervisor 2.
    expect(counts(jobs)).toEqual([3, 3, 14, 3 * 14 + 7])
    expect(describeSourced(jobs.sources.processesPerDyno)).toBe('config/queue.yml:8 ← JOB_CONCURRENCY from --env')
  })

  it('SOLID_QUEUE_SUPERVISOR_MODE=async: one process whose pool holds every thread', async () => {
    const r = await planFixture('rails-8-solid-queue', {env: ['SOLID_QUEUE_SUPERVISOR_MODE=async']})
    const jobs = r.type('jobs')
    expect(jobs.processesPerDyno).toBe(1)
    expect(jobs.extraPerDyno).toBe(0)
    // queue pool 5 caps 3 threads + 2 + dispatcher 3 + scheduler 2 + supervisor 2; the other three pools min(5, 3).
    expect(jobs.connectionsPerProcess).toBe(3 + 3 + 3 + 5)
    expect(r.codes).toContain('pool-below-threads')
  })

  it('bin/jobs --mode=async: the flag picks async mode (one process, one pool), plain bin/jobs forks', async () => {
    // Fixture solid-queue-async-flag: one database, max_connections 6; queue.yml one worker (threads 4, processes 2)
    // and one dispatcher, no recurring.yml. cli.rb `class_option :mode` (solid_queue 1.3.0+) → configuration.rb
    // `workers`: async starts 1 worker whatever `processes`, and the worker (4 + 2), dispatcher (3) and supervisor
    // (2) are threads of one process: min(6, 11) = 6 (before: forked, 2 × 6 + 3 + 2 = 17).
    const r = await planFixture('solid-queue-async-flag', {scale: ['web=1', 'worker=1', 'worker_forked=1']})
    const worker = r.type('worker')
    expect(counts(worker)).toEqual([1, 4, 6, 6])
    expect(worker.sources.processesPerDyno.source).toMatchObject({kind: 'flag'})
    // One process is Solid Queue's AsyncSupervisor (supervisor.rb), a cited default, not an assumption.
    expect((worker.sources.processesPerDyno.via ?? []).map((v) => v.kind)).toEqual(['default'])
    expect(r.codes).toContain('pool-below-threads')
    // The same config forked: 2 × min(6, 4 + 2) + dispatcher min(6, 3) + supervisor 2.
    expect(counts(r.type('worker_forked'))).toEqual([2, 4, 6, 17])
    // web: Puma single mode, 2 threads, Redis cable.
    expect(r.json.total).toBe(6 + 17 + 2)
  })

  it('SOLID_QUEUE_IN_PUMA (fork): the supervisor and its processes run on every web dyno, each capped by its own pools', async () => {
    const r = await planFixture('rails-8-solid-queue', {env: ['SOLID_QUEUE_IN_PUMA=1'], scale: ['web=2']})
    const web = r.type('web')
    // The forked worker process: min(5, 3) × 3 + min(5, 3 + 2) = 14, like bin/jobs's.
    expect(web.extras.map((x) => [x.kind, x.count, x.per])).toEqual([
      ['solid-cable', 1, 'process'],
      ['solid-queue-in-puma', 14, 'dyno'],
      ['solid-queue-dispatcher', 3, 'dyno'],
      ['solid-queue-scheduler', 2, 'dyno'],
      ['solid-queue-supervisor', 2, 'dyno'],
    ])
    // Puma single mode, 3 threads on four pools + the Solid Cable listener on cable: 13; + 14 + 3 + 2 + 2 = 34 per dyno, 2 dynos.
    expect([web.connectionsPerDyno, web.connections]).toEqual([13 + 21, 68])
    const without = await planFixture('rails-8-solid-queue', {scale: ['web=2']})
    expect(without.type('web').extras.map((x) => x.kind)).toEqual(['solid-cable'])
  })

  it('SOLID_QUEUE_IN_PUMA=false: still a String, so Ruby runs `plugin :solid_queue if ENV[…]` — counted as with =1, and said (env-string-truthy)', async () => {
    // config/puma.rb:17 `plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]`: in Ruby only nil and false are false, so
    // "false" starts the plugin: 13 + 14 + 3 + 2 + 2 = 34 per dyno, as with =1 above.
    const r = await planFixture('rails-8-solid-queue', {env: ['SOLID_QUEUE_IN_PUMA=false'], scale: ['web=1']})
    expect(r.type('web').connectionsPerDyno).toBe(13 + 21)
    const said = r.json.diagnostics.filter((d) => d.code === 'env-string-truthy')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'config/puma.rb', line: 17, severity: 'warning'})
    expect(said[0].message).toContain('SOLID_QUEUE_IN_PUMA is "false", which Ruby takes as true')
    // Unset, or a value that means on: nothing to say.
    for (const env of [[], ['SOLID_QUEUE_IN_PUMA=1']]) {
      const quiet = await planFixture('rails-8-solid-queue', {env, scale: ['web=1']})
      expect(quiet.codes).not.toContain('env-string-truthy')
    }
  })

  it('no config/queue.yml: one default worker (3 threads) and one dispatcher', async () => {
    const r = await planFixture('rails-8-1')
    const jobs = r.type('jobs')
    // Only the primary is on the plan (cache, queue, cable reach no server: database-url-missing), and Solid Queue
    // polls it (no connects_to): min(5, 3 + 2) = 5 + dispatcher 3 + supervisor 2; no config/recurring.yml, so no scheduler.
    expect(counts(jobs)).toEqual([1, 3, 5, 10])
    expect(jobs.sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: 'Solid Queue default worker threads'})
  })

  it('workers that differ in threads each count their own; three recurring tasks; pool 8 from RAILS_MAX_THREADS', async () => {
    const r = await planFixture('rails-8-solid-queue-groups', {scale: ['web=1', 'worker=1']})
    const w = r.type('worker')
    // The type's processes: the entry with the most threads, JOB_CONCURRENCY 2 × JOB_THREADS 4:
    // min(8, 4) on primary, cache, cable + min(8, 4 + 2) on queue = 18 per process, 36.
    expect(counts(w)).toEqual([2, 4, 18, 2 * 18 + 14 + 3 + 4 + 2])
    expect(w.extras.map((x) => [x.kind, x.count, x.per])).toEqual([
      ['solid-queue-worker', 2, 'process'],
      // The "slow" worker: 1 process of 3 threads: min(8, 3) × 3 + min(8, 3 + 2) = 14.
      ['solid-queue-worker-group', 14, 'dyno'],
      ['solid-queue-dispatcher', 3, 'dyno'],
      // heartbeat + 3 recurring tasks (two come due at 3am together, every task can at the top of an hour): min(8, 4).
      ['solid-queue-scheduler', 4, 'dyno'],
      ['solid-queue-supervisor', 2, 'dyno'],
    ])
    expect(w.extras[1].reason).toContain('min(8, 3) + min(8, 3) + min(8, 3 + 2) + min(8, 3)')
    expect(isAssumption(w.sources.processesPerDyno)).toBe(false)
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('a pool of 3 (RAILS_MAX_THREADS=3, as Heroku suggests) caps every Solid Queue process and warns for the workers', async () => {
    const r = await planFixture('rails-8-solid-queue-groups', {env: ['RAILS_MAX_THREADS=3'], scale: ['web=1', 'worker=1']})
    const w = r.type('worker')
    // min(3, 4) × 3 + min(3, 6) = 12 per process; the slow worker min(3, 3) × 3 + min(3, 5) = 12;
    // dispatcher min(3, 3) = 3, scheduler min(3, 4) = 3, supervisor min(3, 2) = 2.
    expect(counts(w)).toEqual([2, 4, 12, 2 * 12 + 12 + 3 + 3 + 2])
    expect(r.diagnostics.find((d) => d.code === 'pool-below-threads' && d.processType === 'worker' && d.message.includes('"queue"'))!.message).toContain('(3) is below Solid Queue worker threads (4) + 2')
  })

  it('dispatcher concurrency_maintenance: false and --skip-recurring leave the polling loop and heartbeat', async () => {
    const r = await planFixture('solid-queue-no-maintenance', {scale: ['jobs=1']})
    const jobs = r.type('jobs')
    expect(jobs.extras.map((x) => [x.kind, x.count])).toEqual([
      ['solid-queue-worker', 2],
      ['solid-queue-dispatcher', 2],
      ['solid-queue-supervisor', 2],
    ])
    expect(describeSourced(jobs.extras[1].source)).toContain('config/queue.yml:4')
  })

  // Solid Queue before 0.9.0 (v0.8.2 configuration.rb DEFAULT_CONFIG_FILE_PATH "config/solid_queue.yml"; recurring
  // tasks are the dispatcher's own, dispatcher/recurring_schedule.rb): config/queue.yml and config/recurring.yml unread.
  it('solid_queue 0.6.1 reads config/solid_queue.yml: its dispatcher runs the recurring tasks, no scheduler', async () => {
    const r = await planFixture('solid-queue-legacy-config', {scale: ['jobs=1', 'web=1']})
    const jobs = r.type('jobs')
    // The 4-thread worker: 2 processes × min(6, 4 + 2) = 12; the 1-thread worker min(6, 1 + 2) = 3; the dispatcher
    // polling + heartbeat + maintenance + 2 recurring tasks with a schedule (the third has none) = min(6, 5);
    // the supervisor 2: 12 + 3 + 5 + 2 = 22.
    expect(counts(jobs)).toEqual([2, 4, 6, 22])
    expect(jobs.extras.map((x) => [x.kind, x.count])).toEqual([
      ['solid-queue-worker', 2],
      ['solid-queue-worker-group', 3],
      ['solid-queue-dispatcher', 5],
      ['solid-queue-supervisor', 2],
    ])
    expect(describeSourced(jobs.sources.threadsPerProcess)).toContain('config/solid_queue.yml:24')
    expect(jobs.extras.find((x) => x.kind === 'solid-queue-dispatcher')!.reason).toContain('2 recurring tasks')
    expect(jobs.extras.some((x) => x.kind === 'solid-queue-scheduler')).toBe(false)
    // web 3 + jobs 22.
    expect(r.json.total).toBe(25)
  })

  it('solid_queue 0.6.1 with SOLID_QUEUE_CONFIG=config/queue.yml: workers only, so no dispatcher; still no scheduler', async () => {
    const r = await planFixture('solid-queue-legacy-config', {env: ['SOLID_QUEUE_CONFIG=config/queue.yml'], scale: ['jobs=1', 'web=1']})
    const jobs = r.type('jobs')
    // min(6, 10 + 2) = 6, + the supervisor's 2.
    expect(counts(jobs)).toEqual([1, 10, 6, 8])
    expect(jobs.extras.map((x) => x.kind)).toEqual(['solid-queue-worker', 'solid-queue-supervisor'])
  })

  it('solid_queue_mode :async in a clustered Puma: the threads live in the master, once per dyno, from its own pools', async () => {
    const r = await planFixture('solid-queue-puma-async-cluster', {scale: ['web=1']})
    const web = r.type('web')
    const sq = web.extras.find((x) => x.kind === 'solid-queue-in-puma')!
    // Master: job threads 3 on primary, cache, cable: min(5, 3) × 3; queue: min(5, 3 + 2 + 3 + 2 + 2) = 5 → 14.
    expect([sq.count, sq.per]).toEqual([14, 'dyno'])
    expect(sq.reason).toContain('threads of the Puma master')
    // 2 workers × 13 (min(5, 3) × 3 + min(5, 3 + 1 Solid Cable listener)) + 14.
    expect(web.connectionsPerDyno).toBe(2 * 13 + 14)
  })
})

// Sidekiq ≥ 7 embedded mode (lib/sidekiq.rb v8.1.7 `configure_embed`: `cfg.concurrency = 2`, then the
// configure_server blocks, then the embed block): its job threads share the Puma worker's pool with the requests.
describe('Sidekiq embedded in Puma', () => {
  it('on_worker_boot configure_embed, concurrency 2: min(pool 5, 3 request + 2 job threads) per worker', async () => {
    const r = await planFixture('sidekiq-embedded', {scale: ['web=1']})
    const web = r.type('web')
    // 2 workers (WEB_CONCURRENCY default 2) × min(5, 3 + 2) = 10.
    expect(counts(web)).toEqual([2, 3, 5, 10])
    expect(web.extras.filter((x) => x.kind === 'sidekiq-embedded').map((x) => [x.count, x.per, x.inPool])).toEqual([[2, 'process', true]])
    expect(describeSourced(web.extras.find((x) => x.kind === 'sidekiq-embedded')!.source)).toContain('config/puma.rb:13')
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('SIDEKIQ_EMBEDDED_CONCURRENCY=4 on pool 5: capped at 5 and pool-below-threads; DB_POOL=10 holds 3 + 4 = 7', async () => {
    const small = await planFixture('sidekiq-embedded', {env: ['SIDEKIQ_EMBEDDED_CONCURRENCY=4'], scale: ['web=1']})
    expect(counts(small.type('web'))).toEqual([2, 3, 5, 10])
    expect(small.diagnostics.find((d) => d.code === 'pool-below-threads')!.message).toContain('+ 4 for embedded Sidekiq job threads in each Puma worker')
    const big = await planFixture('sidekiq-embedded', {env: ['SIDEKIQ_EMBEDDED_CONCURRENCY=4', 'DB_POOL=10'], scale: ['web=1']})
    // 2 × min(10, 3 + 4) = 14.
    expect(counts(big.type('web'))).toEqual([2, 3, 7, 14])
    expect(big.codes).not.toContain('pool-below-threads')
  })

  it('Puma single mode (WEB_CONCURRENCY=0) runs no on_worker_boot: no embedded threads', async () => {
    const r = await planFixture('sidekiq-embedded', {env: ['WEB_CONCURRENCY=0'], scale: ['web=1']})
    expect(r.type('web').extras.filter((x) => x.kind === 'sidekiq-embedded')).toEqual([])
    expect(counts(r.type('web'))).toEqual([1, 3, 3, 3])
  })
  // A Puma plugin of the app's own (`plugin :background_jobs`, lib/puma/plugin/background_jobs.rb; docusealco/docuseal's
  // shape): Plugin.create names it after puma/plugin/NAME.rb, its `config` and `start` run in the launcher (the master in
  // cluster mode, the process in single mode), a worker hook it adds in each worker (puma lib/puma/plugin.rb, launcher.rb).
  it('a plugin that embeds Sidekiq from its worker hook and its start: per process in single mode, per worker (starred) in cluster mode', async () => {
    const single = await planFixture('sidekiq-embedded-plugin', {scale: ['web=1', 'admin=1']})
    // Single mode: `start` runs run_embedded (JOB_THREADS default 3) in the one process: min(pool 10, 4 + 3) = 7.
    expect(counts(single.type('web'))).toEqual([1, 4, 7, 7])
    const extra = single.type('web').extras.find((x) => x.kind === 'sidekiq-embedded')!
    expect([extra.count, extra.per, extra.inPool]).toEqual([3, 'process', true])
    expect(describeSourced(extra.source)).toContain('lib/puma/plugin/background_jobs.rb:28')
    expect(isAssumption(extra.source)).toBe(false)
    // A plugin whose `start` alone embeds, with no concurrency set: Sidekiq's embed default 2, in the process: min(10, 4 + 2).
    expect(counts(single.type('admin'))).toEqual([1, 4, 6, 6])
    // Cluster mode: the worker hook's, per worker: 2 × min(10, 4 + 3) = 14, starred (the start path is taken as single-mode only).
    const cluster = await planFixture('sidekiq-embedded-plugin', {env: ['WEB_CONCURRENCY=2'], scale: ['web=1', 'admin=1']})
    expect(counts(cluster.type('web'))).toEqual([2, 4, 7, 14])
    expect(isAssumption(cluster.type('web').extras.find((x) => x.kind === 'sidekiq-embedded')!.source)).toBe(true)
    // The start-only plugin runs in the master: 2 × min(10, 4) + 2 for the master's job threads = 10.
    expect(counts(cluster.type('admin'))).toEqual([2, 4, 4, 10])
    // The plugin not loaded (its `plugin` line under SEPARATE_WORKER): no job threads.
    const separate = await planFixture('sidekiq-embedded-plugin', {env: ['SEPARATE_WORKER=true'], scale: ['web=1', 'admin=0']})
    expect(counts(separate.type('web'))).toEqual([1, 4, 4, 4])
  })
})

describe('Delayed Job', () => {
  it('`rake jobs:work` is one worker; `bin/delayed_job --pool=mailers:2 --pool=*:1` is three', async () => {
    const r = await planFixture('delayed-job', {env: ['DB_POOL=2']})
    expect(counts(r.type('worker'))).toEqual([1, 1, 1, 1])
    expect(counts(r.type('mailers'))).toEqual([3, 1, 1, 3])
    expect(r.type('mailers').sources.processesPerDyno.source).toEqual({flag: '--pool=mailers:2 --pool=*:1', kind: 'flag'})
    expect(r.codes).not.toContain('pool-oversized')
    expect(r.exit).toBe(0)
  })
})

describe('Que', () => {
  // Que 0.x `Que.mode = :async` in a script of the app (que-rb/que v0.14.3 lib/que/worker.rb): Que.worker_count worker
  // threads, 4 unless set; `worker_count=` while async adds or stops workers, so the last one outside a block counts.
  it('a script that sets Que.mode = :async runs Que.worker_count workers on the Sequel pool (6)', async () => {
    const r = await planFixture('que-async-script', {scale: ['jobs=1', 'defaults=1', 'opaque=1', 'after=1']})
    // Integer(ENV.fetch("LANTERN_WORKERS", 3)) = 3; at_exit's `Que.worker_count = 0` runs at shutdown, not counted.
    expect(counts(r.type('jobs'))).toEqual([1, 3, 3, 3])
    expect(describeSourced(r.type('jobs').sources.threadsPerProcess)).toContain('bin/que-runner:6')
    // No worker_count: Que's 4.
    expect(counts(r.type('defaults'))).toEqual([1, 4, 4, 4])
    // Set after the mode: 2 (set_up_workers stops the extra two).
    expect(counts(r.type('after'))).toEqual([1, 2, 2, 2])
    // A count conncalc cannot read: the pool (6) bounds the threads, an assumption, said.
    expect(counts(r.type('opaque'))).toEqual([1, 6, 6, 6])
    expect(isAssumption(r.type('opaque').sources.threadsPerProcess)).toBe(true)
    expect(isAssumption(r.type('jobs').sources.threadsPerProcess)).toBe(false)
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command').map((d) => d.processType)).toEqual(['opaque'])
    // LANTERN_WORKERS=8: min(6, 8), and the pool is too small.
    const big = await planFixture('que-async-script', {env: ['LANTERN_WORKERS=8'], scale: ['jobs=1', 'defaults=0', 'opaque=0', 'after=0']})
    expect(counts(big.type('jobs'))).toEqual([1, 8, 6, 6])
    expect(big.codes).toContain('pool-below-threads')
  })

  // Que ≥ 1.0: the locker opens its own connection (lib/que/locker.rb PG::Connection.open), outside the pool:
  // per process min(pool, workers) + 1.
  it('--worker-count 8 + 1 locker outside the pool; default 6 workers; both above pool 5', async () => {
    const r = await planFixture('que', {env: ['RAILS_MAX_THREADS=10']})
    // min(10, 8) + 1 = 9; min(10, 6) + 1 = 7.
    expect(counts(r.type('worker'))).toEqual([1, 8, 9, 9])
    expect(counts(r.type('default'))).toEqual([1, 6, 7, 7])
    expect(r.type('worker').extras).toMatchObject([{count: 1, inPool: false, kind: 'que-locker'}])
    expect(r.codes).not.toContain('pool-below-threads')
    const small = await planFixture('que')
    // Pool 5 holds neither 8 nor 6 workers; the locker does not need room in it.
    const d = small.diagnostics.filter((x) => x.code === 'pool-below-threads')
    expect(d.map((x) => x.message.slice(0, 35))).toEqual(['pool (5) is below Que workers (6) f', 'pool (5) is below Que workers (8) f'])
    // min(5, 8) + 1 locker = 6: the pool no longer caps the locker.
    expect(small.type('worker').connectionsPerProcess).toBe(6)
  })
})

describe('Sidekiq capsules and swarm', () => {
  it('default 5 + `single` 1 (sidekiq.yml) + `webhooks` 2 (initializer) = 8 threads in one process', async () => {
    const r = await planFixture('sidekiq-capsules')
    const w = r.type('worker')
    expect(counts(w)).toEqual([1, 8, 8, 8])
    expect(w.sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: "Sidekiq runs every capsule's threads in one process: default 5 + single 1 + webhooks 2"})
  })

  it('pool-below-threads counts the capsules', async () => {
    const r = await planFixture('sidekiq-capsules', {env: ['RAILS_MAX_THREADS=6']})
    const d = r.diagnostics.find((x) => x.code === 'pool-below-threads' && x.processType === 'worker')!
    expect(d.message).toContain('pool (6) is below Sidekiq concurrency (8)')
  })

  it('sidekiqswarm with SIDEKIQ_COUNT=4: four processes; without it, one per processor as an assumption', async () => {
    const r = await planFixture('sidekiq-capsules')
    const swarm = r.type('swarm')
    expect(counts(swarm)).toEqual([4, 8, 8, 32])
    expect(swarm.sources.processesPerDyno.source).toMatchObject({kind: 'env', name: 'SIDEKIQ_COUNT'})
  })
})

// Rpush's daemon (rpush/rpush lib/rpush/daemon/feeder.rb, dispatcher_loop.rb, app_runner.rb): the feeder in the main
// thread and `app.connections` dispatcher threads per app each keep a connection until they stop; the apps are rows of
// rpush_apps (connections defaults to 1), so one app with one dispatcher is assumed: 2, starred.
describe('Rpush', () => {
  it('`rpush start -f`: feeder + one dispatcher = 2 (assumed) on the pool; config.client = :redis holds none', async () => {
    const r = await planFixture('rpush-daemon', {scale: ['web=1', 'push=1', 'redispush=1']})
    expect(r.type('push').server).toBe('rpush')
    expect(counts(r.type('push'))).toEqual([1, 2, 2, 2])
    expect(isAssumption(r.type('push').sources.threadsPerProcess)).toBe(true)
    expect(describeSourced(r.type('push').sources.threadsPerProcess)).toContain('rpush_apps')
    expect(counts(r.type('redispush'))).toEqual([1, 0, 0, 0])
    expect(describeSourced(r.type('redispush').sources.threadsPerProcess)).toContain('config/rpush_redis.rb:2')
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command')).toEqual([])
    // A pool of 1 caps the two threads.
    const small = await planFixture('rpush-daemon', {env: ['DB_POOL=1'], scale: ['web=0', 'push=1', 'redispush=0']})
    expect(counts(small.type('push'))).toEqual([1, 2, 1, 1])
    // -f given: nothing said about daemonizing.
    expect(r.diagnostics.filter((d) => d.processType === 'push' && d.code === 'missing-config')).toEqual([])
  })

  it('`rpush start` without -f daemonizes (the CLI\'s foreground defaults to false): said on its Procfile line, counted as if it ran (2*)', async () => {
    const r = await planFixture('rpush-daemon', {scale: ['web=1', 'push=1', 'redispush=1', 'nofg=1']})
    expect(counts(r.type('nofg'))).toEqual([1, 2, 2, 2])
    const d = r.diagnostics.find((x) => x.processType === 'nofg' && x.code === 'missing-config')
    expect(d).toMatchObject({file: 'Procfile', line: 4, severity: 'warning'})
    expect(d?.message).toContain('without -f forks the daemon into the background')
  })
})
