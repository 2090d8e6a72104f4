import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

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
})
