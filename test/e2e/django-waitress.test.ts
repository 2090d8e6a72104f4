/**
 * waitress serving a Django app (test/fixtures/django-waitress): one process whose requests run
 * on a fixed pool of task threads (waitress/adjustments.py `threads = 4`), each thread with
 * Django's own connection to the one PostgreSQL alias (dj_database_url.config, CONN_MAX_AGE 600).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('waitress-serve', () => {
  it('--threads=${WAITRESS_THREADS:-6}: 1 process × 6 threads, one Django connection each = 6 per dyno', () => {
    // 2 dynos × 1 process × min(pool 6 = one per thread, 6 threads) = 12; the release dyno adds 1 to the deploy peak only.
    const r = planJson(procfileOf('django-waitress'), ['--plan', 'standard-0', '--scale', 'web=2'])
    expect(r.type('web')).toMatchObject({connections: 12, connectionsPerDyno: 6, poolPerProcess: 6, processesPerDyno: 1, server: 'waitress', threadsPerProcess: 6})
    expect(r.type('web').sources.threadsPerProcess.source).toEqual({flag: '--threads=6', kind: 'flag'})
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command')).toEqual([])
  })

  it('--env WAITRESS_THREADS=10 is read through the flag: 10 per dyno', () => {
    const r = planJson(procfileOf('django-waitress'), ['--plan', 'standard-0', '--env', 'WAITRESS_THREADS=10'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 10, threadsPerProcess: 10})
  })

  it('python -m waitress with no --threads: the default 4 task threads, cited (1 process × 4 = 4)', () => {
    const r = planJson(procfileOf('django-waitress/Procfile.default-threads'), ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 1, server: 'waitress', threadsPerProcess: 4})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: 'https://github.com/Pylons/waitress/blob/main/src/waitress/adjustments.py'})
    // The app module is followed from `--call board.wsgi:make_app` (after `--port $PORT`): its settings give the pool.
    expect(r.type('web').poolPerProcess).toBe(4)
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'board/settings/heroku.py', kind: 'file', line: 8})
  })
})
