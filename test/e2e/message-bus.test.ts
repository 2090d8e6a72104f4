import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'

// MessageBus's PostgreSQL backend: its own PG connections beside ActiveRecord's pool (message_bus
// lib/message_bus/backends/postgres.rb). Plan standard-0 (limit 120).
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('MessageBus with the PostgreSQL backend', () => {
  it('adds the subscriber\'s LISTEN connection and one backend connection per request thread to each web process', () => {
    // Puma -w 2 -t 4:4, pool 6: min(6, 4) = 4 from the pool; MessageBus.configure(backend: :postgres)
    // (config/initializers/message_bus.rb:3): LISTEN 1 + `hold` one per thread, 4 → 4 + 1 + 4 = 9 per process, 2 × 9 = 18.
    const r = plan('message-bus-postgres', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 18, connectionsPerProcess: 9, processesPerDyno: 2, threadsPerProcess: 4})
    expect(r.total).toBe(18)
  })

  it('a Sidekiq process holds the LISTEN connection (the middleware is built when Rails boots) and, when jobs publish, one per thread', () => {
    // message_bus's railtie adds its Rack middleware; Rails builds the stack while it initializes in every process
    // (railties finisher.rb build_middleware_stack), and the middleware subscribes as it is built (rack/middleware.rb
    // start_listener). app/jobs/order_shipped_job.rb publishes: `hold` one per publishing thread. sidekiq -c 5, pool 6:
    // min(6, 5) + 1 + 5 = 11. web as above, 18.
    const r = plan('message-bus-jobs', ['--scale', 'web=1', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 11, connectionsPerProcess: 11, threadsPerProcess: 5})
    expect(r.type('worker').extras.map((e) => e.count)).toEqual([1, 5])
    expect(r.total).toBe(29)
  })

  it('a Sidekiq process of an app whose code never publishes: the LISTEN connection and the keepalive publish\'s', () => {
    // The subscriber thread's keepalive publishes every 60 s through `hold`, which keeps its connection (message_bus
    // lib/message_bus.rb new_subscriber_thread). sidekiq -c 3, pool 6: min(6, 3) + 1 + 1 = 5.
    const r = planJson(join(fixture('message-bus-postgres'), 'Procfile.jobs'), ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 5, connectionsPerProcess: 5})
    expect(r.type('worker').extras.map((e) => e.kind)).toEqual(['message-bus', 'message-bus'])
  })

  it('keepalive_interval at 20 or below turns the keepalive off: the LISTEN connection only', () => {
    // `MessageBus.keepalive_interval = 0` (MIN_KEEPALIVE 20). sidekiq -c 3, pool 6: min(6, 3) + 1 = 4.
    const r = plan('message-bus-no-keepalive', ['--scale', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 4, connectionsPerProcess: 4})
    expect(r.type('worker').extras.map((e) => e.count)).toEqual([1])
  })
})

describe('MessageBus with the PostgreSQL backend under a preloading master', () => {
  // The master builds the middleware while it loads the app: its subscriber (LISTEN) and the keepalive's connection live
  // there, one each per dyno. A forked worker starts its own subscriber only through MessageBus.after_fork in the child
  // hook. pool 5, 4 threads (Puma), 1 (Unicorn).
  const preload = (procfile: string) => planJson(join(fixture('message-bus-preload'), procfile), ['--plan', 'standard-0', '--scale', 'web=1'])
  const perDyno = (r: ReturnType<typeof preload>) => r.type('web').extras.filter((e) => e.kind === 'message-bus' && e.per === 'dyno').map((e) => e.count)

  it('Puma preload_app! with on_worker_boot { MessageBus.after_fork }: LISTEN + 4 per worker, 2 in the master', () => {
    // 3 workers × (min(5, 4) + 1 + 4) + 2 = 29.
    const r = preload('Procfile')
    expect(r.type('web')).toMatchObject({connections: 29, connectionsPerProcess: 9, processesPerDyno: 3})
    expect(perDyno(r)).toEqual([1, 1])
  })

  it('no child hook calls MessageBus.after_fork: the workers hold no LISTEN of their own', () => {
    // 3 × (4 + 4) + 2 = 26.
    const r = preload('Procfile.quiet')
    expect(r.type('web')).toMatchObject({connections: 26, connectionsPerProcess: 8})
    expect(perDyno(r)).toEqual([1, 1])
  })

  it('without preload_app! each worker loads the app and subscribes itself; the master holds none', () => {
    // 3 × (4 + 1 + 4) = 27.
    const r = preload('Procfile.lazy')
    expect(r.type('web')).toMatchObject({connections: 27, connectionsPerProcess: 9})
    expect(perDyno(r)).toEqual([])
  })

  it('Unicorn preload_app true with after_fork { MessageBus.after_fork }', () => {
    // 2 workers × (1 + 1 + 1) + 2 = 8.
    const r = preload('Procfile.unicorn')
    expect(r.type('web')).toMatchObject({connections: 8, connectionsPerProcess: 3, processesPerDyno: 2})
    expect(perDyno(r)).toEqual([1, 1])
  })
})
