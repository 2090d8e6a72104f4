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

  it('a Sidekiq process of an app whose code never publishes: the LISTEN connection only', () => {
    // sidekiq -c 3, pool 6: min(6, 3) + 1 = 4.
    const r = planJson(join(fixture('message-bus-postgres'), 'Procfile.jobs'), ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 4, connectionsPerProcess: 4})
    expect(r.type('worker').extras.map((e) => e.kind)).toEqual(['message-bus'])
  })
})
