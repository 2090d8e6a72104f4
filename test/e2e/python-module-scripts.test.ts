/**
 * Scripts started by module or by an installed script's path (test/fixtures/python-module-scripts):
 * - poller `python -m jobs.poller`: the app's own module jobs/poller.py, read as a script: one process on
 *   its main thread. db.py assigns an asyncpg pool to the module global `_pool` in two places
 *   (get_pool: min 2, max 10; init_db_sync: max 4): one replaces the other, so one pool is held at a time,
 *   and init_db_sync() is called only by the release command, so get_pool's counts: max(min(10, 1 thread),
 *   2 opened at start) = 2. Before: an unknown command (1*), and two pools (10 + 4) summed.
 * - worker `python /app/.heroku/python/bin/celery -A tasks worker --concurrency 3`: the interpreter running
 *   celery's console script by its path is celery: 3 processes × 1 = 3. Before: an unknown command (1*).
 * Total 2 + 3 = 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('python-module-scripts'), ['--plan', 'standard-0', '--scale', 'poller=1', 'worker=1'])

describe('python -m app.module and python /path/bin/program', () => {
  it('python -m jobs.poller is the app script jobs/poller.py, with one pool for a global assigned twice', () => {
    const r = plan()
    expect(r.type('poller')).toMatchObject({connectionsPerDyno: 2, poolPerProcess: 10, server: 'python-script', threadsPerProcess: 1})
    expect(r.type('poller').databases).toHaveLength(1)
    expect(JSON.stringify(r.type('poller').sources)).toContain("in init_db_sync(), which the release phase's command calls")
  })

  it('python /app/.heroku/python/bin/celery is celery; total 5, no unknown command', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'celery'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(5)
  })
})
