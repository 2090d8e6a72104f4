import {describe, expect, it} from 'vitest'

import {delayedJob} from '../../src/languages/ruby/delayed-job.js'
import {goodJob} from '../../src/languages/ruby/good-job.js'
import {que} from '../../src/languages/ruby/que.js'
import {resque} from '../../src/languages/ruby/resque.js'
import {sidekiq} from '../../src/languages/ruby/sidekiq.js'
import {solidQueue} from '../../src/languages/ruby/solid-queue.js'
import {memoryFiles} from '../../src/model/files.js'
import {isAssumption} from '../../src/model/source.js'
import {ctxFor} from './helpers.js'

const codes = (a: {diagnostics: {code: string}[]}) => a.diagnostics.map((d) => d.code)

describe('matching', () => {
  it.each([
    [goodJob, 'bundle exec good_job start --max-threads=5', true],
    [goodJob, 'bundle exec good_job --queues=mice:2', true],
    [goodJob, 'bundle exec good_job cleanup_preserved_jobs', false],
    [solidQueue, 'bin/jobs', true],
    [solidQueue, './bin/jobs start -c config/queue.yml', true],
    [solidQueue, 'bundle exec rails solid_queue:start', true],
    [solidQueue, 'bin/rails server', false],
    [delayedJob, 'bundle exec rake jobs:work', true],
    [delayedJob, 'script/delayed_job -n 2 run', true],
    [delayedJob, 'bundle exec rake resque:work', false],
    [que, 'bundle exec que ./config/environment.rb', true],
    [que, 'bundle exec rake que:work', true],
    [sidekiq, 'bundle exec sidekiqswarm -C config/sidekiq.yml', true],
  ] as const)('%s matches `%s`: %s', (analyzer, command, expected) => {
    const ctx = ctxFor(command, {files: memoryFiles({})})
    expect(analyzer.matches(ctx.command, ctx)).toBe(expected)
  })
})

describe('unknown constructs degrade to a diagnostic and the default', () => {
  it('GoodJob max_threads from a method call', async () => {
    const files = memoryFiles({
      'config/initializers/good_job.rb': 'Rails.application.configure do\n  config.good_job.max_threads = IdentityConfig.store.good_job_max_threads\nend\n',
    })
    const a = await goodJob.analyze(ctxFor('good_job start', {files, versions: {good_job: '4.5.1'}}))
    expect(a.threadsPerProcess).toMatchObject({source: {kind: 'default', what: 'GoodJob 4.5.1 DEFAULT_MAX_THREADS'}, value: 5})
    expect(a.diagnostics).toMatchObject([{code: 'unknown-config-value', file: 'config/initializers/good_job.rb', line: 2}])
  })

  it('GoodJob max_threads falls back to GOOD_JOB_MAX_THREADS, then RAILS_MAX_THREADS', async () => {
    const files = memoryFiles({})
    const a = await goodJob.analyze(ctxFor('good_job start', {env: {RAILS_MAX_THREADS: '4'}, files}))
    expect(a.threadsPerProcess).toMatchObject({source: {kind: 'env', name: 'RAILS_MAX_THREADS'}, value: 4})
    const b = await goodJob.analyze(ctxFor('good_job start', {env: {GOOD_JOB_MAX_THREADS: '6', RAILS_MAX_THREADS: '4'}, files}))
    expect(b.threadsPerProcess.value).toBe(6)
  })

  it('Solid Queue threads from ERB it cannot evaluate; a syntax error in queue.yml', async () => {
    const files = memoryFiles({'config/queue.yml': 'production:\n  workers:\n    - queues: "*"\n      threads: <%= compute_threads %>\n'})
    const a = await solidQueue.analyze(ctxFor('bin/jobs', {files}))
    expect(a.threadsPerProcess.value).toBe(3)
    expect(codes(a)).toEqual(['unknown-config-value'])
    expect(a.diagnostics[0]).toMatchObject({file: 'config/queue.yml', line: 4})
    const broken = await solidQueue.analyze(ctxFor('bin/jobs', {files: memoryFiles({'config/queue.yml': 'production:\n  workers: [\n'})}))
    expect(codes(broken)).toEqual(['unparsable-config'])
    expect(broken.processesPerDyno.value).toBe(1)
  })

  it('Solid Queue -c naming a missing file: missing-config, then the defaults Solid Queue falls back to', async () => {
    const a = await solidQueue.analyze(ctxFor('bin/jobs -c config/solid_queue.yml', {files: memoryFiles({})}))
    expect(codes(a)).toEqual(['missing-config'])
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([1, 3])
  })

  it('Solid Queue without an env section, workers with different threads: each entry counts its own', async () => {
    const files = memoryFiles({'config/queue.yml': 'workers:\n  - queues: [real_time]\n    threads: 5\n    processes: 2\n  - queues: [background]\n    threads: 2\n'})
    const a = await solidQueue.analyze(ctxFor('bin/jobs --work_only', {files}))
    // The type's processes are the 2 of 5 threads; the background worker (1 process of 2 threads + 2) beside them.
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([2, 5])
    expect(isAssumption(a.threadsPerProcess)).toBe(false)
    // --work_only: no dispatchers, no scheduler; the supervisor (heartbeat + prune task) beside the workers.
    expect(a.extrasPerDyno!.map((x) => [x.kind, x.count.value, x.demand])).toEqual([
      ['solid-queue-worker-group', 4, {own: 2, processes: 1, threads: 2}],
      ['solid-queue-supervisor', 2, {own: 2, processes: 1, threads: 0}],
    ])
  })

  it('Solid Queue connects_to it cannot read: warns and assumes the queue database', async () => {
    const files = memoryFiles({'config/environments/production.rb': 'Rails.application.configure do\n  config.solid_queue.connects_to = { database: { writing: queue_db_name } }\nend\n'})
    const a = await solidQueue.analyze(ctxFor('bin/jobs', {files}))
    expect(a.extrasPerProcess![0].database).toBe('queue')
    expect(a.diagnostics).toMatchObject([{code: 'unknown-config-value', file: 'config/environments/production.rb', line: 2}])
  })

  it('Que with an unreadable --worker-count; Que 0.x rake task with QUE_WORKER_COUNT', async () => {
    const a = await que.analyze(ctxFor('que -w lots ./config/environment.rb', {files: memoryFiles({})}))
    expect(a.threadsPerProcess.value).toBe(6)
    expect(codes(a)).toEqual(['unknown-config-value'])
    const p = await que.analyze(ctxFor('que --worker-priorities 10,30,50 ./config/environment.rb', {files: memoryFiles({})}))
    expect(p.threadsPerProcess.value).toBe(3)
    const old = await que.analyze(ctxFor('rake que:work', {env: {QUE_WORKER_COUNT: '3'}, files: memoryFiles({}), versions: {que: '0.14.3'}}))
    expect([old.threadsPerProcess.value, old.extrasPerProcess ?? []]).toEqual([3, []])
    // The locker's connection is its own either way (que locker.rb PG::Connection.open): never from the pool.
    const own = await que.analyze(ctxFor('que --connection-url postgres://x/y', {files: memoryFiles({})}))
    expect(own.extrasPerProcess).toMatchObject([{kind: 'que-locker', reason: 'Que locker connection (--connection-url)'}])
    expect(own.extrasPerProcess?.[0].inPool).toBeUndefined()
  })

  it('Delayed Job -n and an unreadable --pool', async () => {
    const n = delayedJob.analyze(ctxFor('script/delayed_job -n 4 run', {files: memoryFiles({})})) as Awaited<ReturnType<typeof delayedJob.analyze>>
    expect(n.processesPerDyno).toMatchObject({source: {flag: '-n 4'}, value: 4})
    const bad = delayedJob.analyze(ctxFor('bin/delayed_job --pool=mailers:many run', {files: memoryFiles({})})) as Awaited<ReturnType<typeof delayedJob.analyze>>
    expect([bad.processesPerDyno.value, codes(bad)]).toEqual([1, ['unknown-config-value']])
  })

  it('Sidekiq capsule concurrency it cannot read: the capsule takes the process concurrency', async () => {
    const files = memoryFiles({
      'config/initializers/sidekiq.rb': 'Sidekiq.configure_server do |config|\n  config.capsule("x") { |cap| cap.concurrency = Settings.x_threads }\nend\n',
    })
    const a = await sidekiq.analyze(ctxFor('sidekiq -c 4', {files, versions: {sidekiq: '7.3.0'}}))
    expect(a.threadsPerProcess.value).toBe(8)
    expect(a.diagnostics).toMatchObject([{code: 'unknown-config-value', file: 'config/initializers/sidekiq.rb', line: 2}])
  })

  it('Sidekiq 6 has no capsules: a :capsules: key is not counted', async () => {
    const files = memoryFiles({'config/sidekiq.yml': ':concurrency: 5\n:capsules:\n  :single:\n    :concurrency: 1\n'})
    const a = await sidekiq.analyze(ctxFor('sidekiq', {files, versions: {sidekiq: '6.5.12'}}))
    expect(a.threadsPerProcess.value).toBe(5)
  })

  it('sidekiqswarm without SIDEKIQ_COUNT: one process per processor of the dyno, an assumption', async () => {
    const std = await sidekiq.analyze(ctxFor('sidekiqswarm', {files: memoryFiles({}), versions: {sidekiq: '7.3.0'}}))
    expect(std.processesPerDyno.value).toBe(8)
    expect(isAssumption(std.processesPerDyno)).toBe(true)
    const pm = await sidekiq.analyze(ctxFor('sidekiqswarm', {dynoSize: 'performance-m', files: memoryFiles({}), versions: {sidekiq: '7.3.0'}}))
    expect(pm.processesPerDyno.value).toBe(2)
    const frac = await sidekiq.analyze(ctxFor('sidekiqswarm', {env: {SIDEKIQ_COUNT: '0.5'}, files: memoryFiles({}), versions: {sidekiq: '7.3.0'}}))
    expect(codes(frac)).toEqual(['unknown-config-value'])
  })

  it('Resque hooks in config/initializers/resque.rb are found; an unparsable one is a diagnostic', async () => {
    const files = memoryFiles({
      'config/database.yml': 'production:\n  adapter: postgresql\n  pool: 1\n',
      'config/initializers/resque.rb': 'Resque.before_fork do |job|\n  ActiveRecord::Base.connection.disconnect!\nend\nResque.after_fork do |job|\n  ActiveRecord::Base.establish_connection\nend\n',
    })
    const a = await resque.analyze(ctxFor('rake environment resque:work', {files, versions: {rails: '4.2.11'}}))
    expect(a.fork).toMatchObject({
      disconnect: {file: 'config/initializers/resque.rb', hook: 'Resque.before_fork', line: 1},
      preload: {source: {flag: 'environment', kind: 'flag'}, value: true},
      reconnect: {hook: 'Resque.after_fork', line: 4},
    })
    expect(a.extrasPerProcess).toBeUndefined()
    const broken = await resque.analyze(ctxFor('rake resque:work', {files: memoryFiles({'config/initializers/resque.rb': 'Resque.after_fork do\n'}), versions: {rails: '4.2.11'}}))
    expect(codes(broken)).toEqual(['unparsable-config'])
  })
})
