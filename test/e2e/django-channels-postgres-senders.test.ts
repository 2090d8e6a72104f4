/**
 * channels_postgres in processes that only send through the layer (test/fixtures/django-channels-postgres-senders):
 * alerts/tasks.py:8 calls get_channel_layer() and async_to_sync(layer.group_send) from a Celery task and the
 * views' code, so the WSGI and Celery processes open the layer's psycopg_pool at their first send (one global
 * pool per process, channels_postgres 1.1.3 db.py) — never its LISTEN connection, which only receivers open.
 * Before, these processes counted no layer connection and said nothing.
 * CONFIG PSYCOPG_OPTIONS min_size 1, max_size 3: a sender holds min_size at once and more only while its
 * threads wait, so min(3, max(1, threads)).
 * - web: gunicorn --workers 2 --threads 4 → Django min(4, 4) + layer min(3, max(1, 4)) = 3 → 7; 2 × 7 = 14.
 * - worker: celery prefork --concurrency 2, one thread each → 1 + min(3, max(1, 1)) = 1 → 2; 2 × 2 = 4.
 * Total 18.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('channels_postgres senders outside consumers', () => {
  const plan = () => planJson(procfileOf('django-channels-postgres-senders'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])

  it('a WSGI process that sends holds the layer pool its threads use, no LISTEN connection', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 14, extraPerProcess: 3, processesPerDyno: 2, threadsPerProcess: 4})
    expect(r.type('web').extras).toEqual([expect.objectContaining({count: 3, kind: 'channels-postgres', reason: 'channels_postgres psycopg_pool (one per gunicorn process that sends through the layer)'})])
    expect(r.type('web').extras[0].source.via).toContainEqual({file: 'alerts/tasks.py', kind: 'file', line: 8})
  })

  it('a one-thread Celery child holds min_size of it; total 18', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, extraPerProcess: 1, processesPerDyno: 2})
    expect(r.total).toBe(18)
  })
})
