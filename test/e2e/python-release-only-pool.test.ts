/**
 * A pool only the release phase makes (test/fixtures/python-release-only-pool): store.py assigns the
 * module global _pool in three functions — get_pool() (asyncpg max_size=6) and reset_pool() (max_size=8),
 * which app.py's handler calls, and init_db_sync() (max_size=20), which only the release command
 * `python -c "from store import init_db_sync; init_db_sync()"` calls. One global holds one pool at a time:
 * of the two the web process runs the larger counts (8), and init_db_sync's 20 is the release dyno's.
 * aiohttp workers run on an event loop, every pooled connection usable at once: 2 workers × 8 = 16
 * (before: the release-only 20 was counted, 2 × 20 = 40).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a pool assigned to the same global by a function only the release command calls', () => {
  it('is not the web process’s pool: the larger of the ones its own code makes is counted', () => {
    const r = planJson(procfileOf('python-release-only-pool'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 16, poolPerProcess: 8, processesPerDyno: 2})
    const pool = Object.entries(r.type('web').sources).find(([k]) => k.startsWith('pool.'))![1]
    expect(pool.source).toEqual({file: 'store.py', kind: 'file', line: 22})
    expect(pool.via).toContainEqual(expect.objectContaining({what: expect.stringContaining("in init_db_sync(), which the release phase's command calls and nothing this process runs does")}))
    expect(r.total).toBe(16)
  })
})
