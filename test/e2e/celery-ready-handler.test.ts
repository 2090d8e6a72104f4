/**
 * A Celery start-up signal handler that queries (test/fixtures/celery-ready-handler): worker_ready is sent in the
 * worker's main process (https://docs.celeryq.dev/en/stable/userguide/signals.html#worker-signals), so the
 * connection `StockKeeper.release_stale()` opens there through Django's `connection.cursor()` stays with that process
 * (no request or task of its own closes it), beside the prefork children's. A handler that only publishes
 * (`sender.app.send_task`) holds none.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('celery-ready-handler'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', 'notify=1:standard-1x'])

describe('celery worker with a worker_ready handler (fixture celery-ready-handler)', () => {
  it('depot: 3 prefork children × 1 + the main process the handler leaves a connection in = 4', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 3, threadsPerProcess: 1})
    const extra = r.type('worker').extras.find((e) => e.kind === 'signal-connection')
    expect(extra).toMatchObject({count: 1, counted: true, per: 'dyno'})
    // Sourced to the handler (depot/celery.py:16) and the cursor it reaches through the app's own static method.
    expect(extra?.source).toMatchObject({source: {file: 'depot/celery.py', kind: 'file', line: 16}, value: 1})
    expect(extra?.source.via).toContainEqual({file: 'inventory/stock.py', kind: 'file', line: 7})
  })

  it('notify: the handler only sends a task through the broker: 2 children, nothing beside them', () => {
    const r = plan()
    expect(r.type('notify')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2})
    expect(r.type('notify').extras).toEqual([])
  })

  it('web 2 (gunicorn --workers 2, one thread) + worker 4 + notify 2 = 8', () => {
    expect(plan().total).toBe(8)
  })
})
