/**
 * A pool made inside an app function that only Celery task bodies reach (fixture celery-task-made-pool:
 * `async def _rebuild(): pool = await asyncpg.create_pool(…)`, run by the task with asyncio.run). The web process
 * imports the task module to call `.delay()`, which only sends a message (https://docs.celeryq.dev/en/stable/userguide/calling.html):
 * the function, and the pool it makes, run in the worker.
 * Web: gunicorn 2 UvicornWorkers × Tortoise's default maxsize 5 (tortoise/backends/base_postgres/client.py), all in
 * use at once on the event loop = 10. Worker: prefork 2 children, each running one task: asyncpg min_size 1 → 1 each = 2.
 * Before, the web counted the asyncpg pool too: 2 × (5 + 3) = 16.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a pool made in a function only Celery tasks reach', () => {
  it('is not counted in the web process that imports the task module; it is in the worker', () => {
    const r = planJson(procfileOf('celery-task-made-pool'), ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'worker=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 10, connectionsPerProcess: 5, databases: [expect.stringMatching(/^tortoise default shop\/main\.py/)]})
    expect(JSON.stringify(r.type('web').sources)).toContain('made in a function only Celery tasks call')
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2})
    expect(r.type('worker').databases).toEqual([expect.stringMatching(/^asyncpg shop\/jobs\.py:12/)])
    expect(r.total).toBe(12)
  })
})
