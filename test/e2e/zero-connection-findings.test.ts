/**
 * Findings about a count that multiplies a process's connections are not said for a process that holds 0
 * (app/report.ts withoutMootAtZero), and a release command of an app whose settings name no PostgreSQL
 * database holds 0 (app/analyze-app.ts deployHookProgram).
 *
 * test/fixtures/python-zero-connection-findings: Django whose kiosk/settings.py:8 writes out
 * DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}} (no env var, no `if`).
 * - web `gunicorn kiosk.wsgi --workers 2`: 2 × 0 = 0.
 * - worker `celery -A kiosk worker` with no --concurrency: Celery's prefork pool defaults to os.cpu_count()
 *   (celery@v5.3.6 celery/app/defaults.py worker_concurrency None → celery/worker/worker.py setup_defaults
 *   cpu_count()), 8 on a standard-1x: 8 × 0 = 0, so "8 because it follows the CPU count" multiplies 0.
 * - release `python manage.py migrate --noinput`: manage.py's settings are the same kiosk.settings; Django opens
 *   no PostgreSQL connection to migrate SQLite → 0, deploy peak 0 + 0 = 0 (before: 1).
 *
 * test/fixtures/python-beat-idle-pool: Flask-SQLAlchemy `db = SQLAlchemy()` (ledger/__init__.py:6), pool
 * QueuePool 5 + max_overflow 10 = 15 (SQLAlchemy's defaults).
 * - web `gunicorn "ledger:create_app()"`: WEB_CONCURRENCY 2 on standard-1x × sync 1 thread → 2 × min(15, 1) = 2;
 *   pool 15 ≥ 2 × 1 and 15 − 1 ≥ 5 → oversized-pool (info) kept.
 * - beat `celery -A ledger.tasks.celery beat`: the default PersistentScheduler keeps its schedule in a
 *   shelve file, no task runs in beat → 0 threads, 0 connections: "pool (15) far larger than the 0 threads"
 *   is about a pool nothing uses, not said.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

describe('a process holding 0 connections gets no finding about a count that multiplies 0', () => {
  const sqlite = (args: string[] = []) => planJson(procfileOf('python-zero-connection-findings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', ...args])

  it('celery worker following the CPU count on SQLite settings: 8 processes × 0, no cpu-count-default', () => {
    const r = sqlite()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 0, processesPerDyno: 8, threadsPerProcess: 0})
    expect(r.total).toBe(0)
    expect(r.codes).not.toContain('cpu-count-default')
    expect(r.codes).toContain('not-postgresql')
    const text = runCliInProcess(['plan', '--procfile', procfileOf('python-zero-connection-findings'), '--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x']).stdout
    expect(text).not.toContain('follows the CPU count')
  })

  it('the same worker given a thread with --assume holds 8 × 1 = 8: the CPU-count warning is said again', () => {
    const r = sqlite(['--assume', 'worker=8:1'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 8})
    expect(r.diagnostics.filter((d) => d.code === 'cpu-count-default').map((d) => d.processType)).toEqual(['worker'])
  })

  it('celery beat with a 15-connection pool and 0 threads: no oversized-pool for beat, web keeps its own', () => {
    const r = planJson(procfileOf('python-beat-idle-pool'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'beat=1:standard-1x'])
    expect(r.type('beat')).toMatchObject({connectionsPerDyno: 0, poolPerProcess: 15, server: 'celery-beat', threadsPerProcess: 0})
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 2, poolPerProcess: 15, threadsPerProcess: 1})
    expect(r.total).toBe(2)
    const oversized = r.diagnostics.filter((d) => d.code === 'oversized-pool')
    expect(oversized.map((d) => d.processType)).toEqual(['web'])
    expect(oversized[0]).toMatchObject({file: 'ledger/__init__.py', line: 6})
  })

  it('the ceiling does not count the pool of a 0-thread process: beat 0 (was 15), web 2 × 15 = 30, ceiling 30', () => {
    // QueuePool opens nothing until a thread checks a connection out (no minOpen): with no thread, nothing can be held.
    const r = planJson(procfileOf('python-beat-idle-pool'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'beat=1:standard-1x'])
    expect(r.type('beat')).toMatchObject({ceiling: 0, poolPerProcess: 15})
    expect(r.type('web')).toMatchObject({ceiling: 30, poolPerProcess: 15})
    expect(r.ceiling).toBe(30)
    const text = runCliInProcess(['plan', '--explain', '--procfile', procfileOf('python-beat-idle-pool'), '--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'beat=1:standard-1x']).stdout
    expect(text).toContain('ceiling = 1 × 0 = 0 (no thread checks out of the pool (15): 0 kept open + 0 per process if every connection is held)')
  })
})

describe('release on an app whose Django settings write out SQLite holds 0', () => {
  it('release `python manage.py migrate`: 0 threads from kiosk/settings.py:8, deploy peak 0 (was 1)', () => {
    const r = planJson(procfileOf('python-zero-connection-findings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x'])
    expect(r.type('release')).toMatchObject({connections: 0, processesPerDyno: 1, threadsPerProcess: 0})
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({file: 'kiosk/settings.py', kind: 'file', line: 8})
    expect(r.deployPeak).toBe(0)
  })
})
