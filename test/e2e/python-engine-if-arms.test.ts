/**
 * Engines built in the arms of one `if` conncalc cannot decide are alternatives: one arm runs (fixture
 * python-engine-if-arms: db.py's build_engine() makes one engine under `if socket.gethostname()…`, `elif …`,
 * `else`). Before, every arm's engine was counted, side by side: (8+4) + (2+0) + (3+1) = 18 per process.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('engines in the arms of an undecided if', () => {
  it('counts the largest arm, as an assumption: 2 workers × (8 + 4) = 24, not 2 × 18 = 36', () => {
    // SQLAlchemy QueuePool: pool_size + max_overflow per engine; arms 12, 2, 4 → 12; gunicorn --workers 2 --threads 40.
    const r = planJson(procfileOf('python-engine-if-arms'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, processesPerDyno: 2, threadsPerProcess: 40})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.engine db.py:9'])
    expect(r.type('web').sources['pool.engine db.py:9']).toMatchObject({
      value: 12,
      via: expect.arrayContaining([{kind: 'assumed', why: 'the `if` at db.py:8 is not decided; its 3 arms build different engines (pool 12, 2, 4) and only one runs: the largest, 12, is counted'}]),
    })
  })
})
