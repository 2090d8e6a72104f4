/**
 * A WSGI app served by an ASGI server through an adapter (test/fixtures/wsgi-over-asgi; the shape of
 * sartography/spiff-arena: gunicorn's UvicornWorker serving a Connexion 3 FlaskApp). The event loop only relays: every
 * request runs the WSGI app on one of the adapter's threads, and a synchronous engine's connection is held by the thread
 * that checked it out, so no more connections are in use at once than the adapter has threads (the pool still caps).
 * - connexion: Connexion 3's FlaskApp wraps Flask in a2wsgi's WSGIMiddleware(app.wsgi_app) (connexion/apps/flask.py),
 *   whose workers default to 10 (a2wsgi/wsgi.py ThreadPoolExecutor(max_workers=workers)); pool 20 + 5 = 25;
 *   gunicorn --workers 3: 3 × min(10, 25) = 30 (was 3 × 25 = 75, as if every pooled connection were on the loop).
 * - a2wsgi: WSGIMiddleware(flask_app, workers=4), engine pool 10 + 10 = 20, uvicorn --workers 2: 2 × 4 = 8 (was 40).
 * - asgiref: WsgiToAsgi with asgiref 3.8.1: run_wsgi_app is @sync_to_async, thread-sensitive by default (≥ 3.3), and
 *   with no ThreadSensitiveContext runs on SyncToAsync.single_thread_executor: 2 × 1 = 2 (was 40).
 * - mounted: a FastAPI app (sync endpoints on anyio's 40 threads) mounting a Flask app through a2wsgi (10 threads of its
 *   own), engine pool 40 + 20 = 60, uvicorn with WEB_CONCURRENCY 2 on a standard-1x: 2 × min(60, 40 + 10) = 100 (was 2 × 40 = 80).
 * - unread: workers=int(os.environ["WSGI_THREADS"]) unset: every pooled connection counted, starred, 2 × 20 = 40;
 *   with --env WSGI_THREADS=6: 2 × 6 = 12.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, more: string[] = []) => planJson(procfileOf(`wsgi-over-asgi/${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...more])

describe('a WSGI app served over ASGI through an adapter runs on the adapter threads', () => {
  it('Connexion 3 FlaskApp under gunicorn UvicornWorker: a2wsgi 10 threads, 3 × 10 = 30', () => {
    const r = plan('connexion')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 30, connectionsPerProcess: 10, poolPerProcess: 25, processesPerDyno: 3, threadsPerProcess: 10})
    expect(r.ceiling).toBe(75)
    const threads = r.type('web').sources.threadsPerProcess
    expect(threads.source).toMatchObject({kind: 'default', what: expect.stringContaining('WSGI app served through Connexion FlaskApp at server.py:10')})
    expect(threads.via).toEqual(expect.arrayContaining([expect.objectContaining({what: expect.stringContaining('a2wsgi WSGIMiddleware(app.wsgi_app), workers not passed: 10 threads')})]))
    expect([threads.source, ...(threads.via ?? [])].filter((s) => s.kind === 'assumed')).toEqual([])
  })

  it('a2wsgi WSGIMiddleware(app, workers=4): 2 × 4 = 8', () => {
    const r = plan('a2wsgi')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, connectionsPerProcess: 4, poolPerProcess: 20, threadsPerProcess: 4})
  })

  it('asgiref WsgiToAsgi (3.8.1): one thread, 2 × 1 = 2', () => {
    const r = plan('asgiref')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 2, connectionsPerProcess: 1, poolPerProcess: 20, threadsPerProcess: 1})
    expect(r.type('web').sources.threadsPerProcess.via).toEqual(expect.arrayContaining([expect.objectContaining({what: expect.stringContaining('single_thread_executor')}), expect.objectContaining({file: 'requirements.txt', line: 2})]))
  })

  it("a Flask app mounted in FastAPI: anyio's 40 threads plus a2wsgi's 10, 2 × 50 = 100", () => {
    const r = plan('mounted')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 100, connectionsPerProcess: 50, poolPerProcess: 60, threadsPerProcess: 50})
  })

  it('workers from an unset variable: every pooled connection, starred; set, its value', () => {
    const r = plan('unread')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 40, threadsPerProcess: 20})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed', why: expect.stringContaining('how many threads it has could not be read')})
    const set = plan('unread', ['--env', 'WSGI_THREADS=6'])
    expect(set.type('web')).toMatchObject({connectionsPerDyno: 12, threadsPerProcess: 6})
  })
})
