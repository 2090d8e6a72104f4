/**
 * A channels_postgres channel layer (test/fixtures/django-channels-postgres): CHANNEL_LAYERS["default"] is
 * channels_postgres.core.PostgresChannelLayer 1.1.3 on DATABASES["default"]'s server, with PSYCOPG_OPTIONS
 * min_size 2, max_size 6. In each process that runs consumers it holds, besides Django's connections,
 * one psycopg_pool AsyncConnectionPool (channels_postgres/db.py get_db_pool: at most max_size = 6) and
 * one LISTEN connection of its own (core.py listen_to_all_channels): 6 + 1 = 7 extra per process.
 * - web: daphne over Django ASGI, no Django pool: 1 assumed (unbounded-pool said) + 7 = 8.
 * - worker: channels 4 `runworker`: 1 thread (asgiref's single thread executor) + 7 = 8.
 * - wsgi: gunicorn --workers 2, sync: 2 × 1 = 2; it runs no consumer, so no layer connections.
 * Total 8 + 2 + 8 = 18. Before, the layer's connections were not counted and nothing said so (web 1, worker 1: 4).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('django-channels-postgres')

const plan = (...extra: string[]) => planJson(procfileOf('django-channels-postgres'), ['--plan', 'standard-0', '--scale', 'web=1', 'wsgi=1', 'worker=1', ...extra])

describe('channels_postgres channel layer', () => {
  it('adds its pool (PSYCOPG_OPTIONS max_size) and its LISTEN connection to each consumer process', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 8, extraPerProcess: 7, server: 'channels-worker'})
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, extraPerProcess: 7, server: 'daphne'})
    expect(r.type('wsgi')).toMatchObject({connectionsPerDyno: 2, extraPerProcess: 0})
    expect(r.total).toBe(18)
  })

  it('a channels_postgres before 1.1 (aiopg) holds a pool of 10 and a short_pool of 5 instead, also unpinned beside channels 3', () => {
    // v1.0.6 core.py get_pool: aiopg.create_pool(**db_params, **config) (maxsize 10) and short_pool maxsize 5.
    const dir = app({'requirements.txt': 'Django==3.2.25\nchannels==3.0.5\nasgiref==3.7.2\nchannels_postgres==1.0.6\npsycopg2-binary==2.9.9\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'wsgi=1', 'worker=1'])
    // runworker (asgiref 3.7 ≥ 3.3: one thread) 1 + 10 + 5 = 16.
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 16, extraPerProcess: 15})
    expect(r.type('worker').extras).toContainEqual(expect.objectContaining({reason: expect.stringContaining('short_pool')}))
    // Unpinned with channels 3 pinned: pip stops at 0.0.4 (`channels<4`), the same aiopg pools, labelled.
    const loose = planJson(`${app({'requirements.txt': 'Django==3.2.25\nchannels==3.0.5\nasgiref==3.7.2\nchannels_postgres\n'})}/Procfile`, ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(loose.type('worker')).toMatchObject({connectionsPerDyno: 16, extraPerProcess: 15})
    expect(JSON.stringify(loose.type('worker').extras)).toContain('pip installs 0.0.4')
  })
})
