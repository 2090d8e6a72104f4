/**
 * Que 0.x started in each Unicorn worker (fixture unicorn-que-after-fork, made up; Rails 4.2, Que 0.11.4, pool 5):
 * after_fork sets `Que.mode = (ENV["QUE_MODE"] || :async).to_sym` — the default is already a Symbol, and Symbol#to_sym is
 * itself — then `Que.worker_count = (ENV["QUE_WORKERS"] || 2).to_i`, which resizes the pool the mode started (Que 0.x
 * worker.rb: worker_count= sets the count whatever the mode started). Each worker: 1 request + 2 Que threads from the
 * pool, min(5, 3) = 3; 2 workers = 6. QUE_WORKERS=3: min(5, 4) = 4, 8.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Que async mode set in Unicorn\'s after_fork, its worker_count after it', () => {
  it('reads the symbol default and the later worker_count: 2 × min(5, 1 + 2) = 6', () => {
    const r = planJson(procfileOf('unicorn-que-after-fork'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 6, connectionsPerProcess: 3, processesPerDyno: 2})
    expect(r.type('web').extras.filter((e) => e.kind === 'que-async').map((e) => e.count)).toEqual([2])
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('QUE_WORKERS=3: 2 × min(5, 4) = 8', () => {
    const r = planJson(procfileOf('unicorn-que-after-fork'), ['--plan', 'standard-0', '--scale', 'web=1', '--env', 'QUE_WORKERS=3'])
    expect(r.type('web')).toMatchObject({connections: 8, connectionsPerProcess: 4})
  })
})
