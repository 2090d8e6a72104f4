/**
 * A Celery worker whose app module and the modules it imports reach no database library and build no pool (fixture
 * python-celery-idle-worker). When every import is read (the app's own modules, the standard library, packages that
 * open no connection by themselves) and no module is imported by a name computed at run time, what Celery itself
 * holds is read, not assumed (celery-idle.ts): with the broker and the result backend in Redis, nothing; with
 * Celery's database result backend, one connection per prefork child (celery/backends/database/session.py). When an
 * import cannot be read, the one connection per child stays, marked as the assumption it is.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const REASON = 'no module the worker imports opens a database connection'

describe('a Celery worker whose imports reach no database (fixture python-celery-idle-worker)', () => {
  const r = planJson(procfileOf('python-celery-idle-worker'), ['--limit', '120'])

  it('every import read, broker and results in Redis: 0, read from the backend\'s line', () => {
    // idle: -c 3 prefork children; jobs/queue.py imports celery, redis and jobs.settings (os): 3 × 0 = 0.
    expect(r.type('idle')).toMatchObject({connections: 0, processesPerDyno: 3, threadsPerProcess: 0})
    const threads = r.type('idle').sources.threadsPerProcess
    expect(threads.source).toMatchObject({file: 'jobs/queue.py', kind: 'file', line: 7})
    expect(JSON.stringify(threads)).toContain('every module the worker imports is read (jobs/queue.py, jobs/settings.py)')
    expect(JSON.stringify(threads)).not.toContain('"assumed"')
  })

  it('Celery\'s database result backend: one connection per prefork child, read', () => {
    // stored: backend "db+" + DATABASE_URL, -c 2: 2 × 1 = 2 (SessionManager keeps one engine per child after the fork).
    expect(r.type('stored')).toMatchObject({connections: 2, processesPerDyno: 2, threadsPerProcess: 1})
    expect(r.type('stored').sources.threadsPerProcess.source).toMatchObject({file: 'jobs/stored.py', line: 8})
    expect(JSON.stringify(r.type('stored').sources.threadsPerProcess)).toContain("Celery's database result backend")
    expect(JSON.stringify(r.type('stored').sources.threadsPerProcess)).not.toContain('"assumed"')
  })

  it('a module imported by a computed name: 1 per child, starred, with the line', () => {
    // plugins: importlib.import_module(os.environ.get("TASKS_MODULE", …)) may register tasks conncalc never reads: 2 × 1*.
    expect(r.type('plugins')).toMatchObject({connections: 2, processesPerDyno: 2, threadsPerProcess: 1})
    const via = r.type('plugins').sources.threadsPerProcess.via
    expect(via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining(`${REASON} (read: jobs/plugins.py, jobs/settings.py; none imports a database library or builds a pool), but jobs/plugins.py:11 imports a module by a name computed at run time (importlib.import_module)`)}))
  })

  it('leaves a worker whose task module imports the engine, and the web server, as read', () => {
    // reports: -c 2 children × min(pool 2 + 0 overflow, 1 task at a time) = 2; web: gunicorn -w 2 sync × min(2, 1) = 2.
    expect(r.type('reports')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    for (const t of ['reports', 'web']) expect(JSON.stringify(r.type(t).sources.threadsPerProcess)).not.toContain(REASON)
    expect(r.total).toBe(2 + 0 + 2 + 2 + 2)
  })

  it('says it in --explain and stars only the unproven worker', () => {
    const out = runCliInProcess(['plan', '--procfile', procfileOf('python-celery-idle-worker'), '--limit', '120', '--explain']).stdout
    expect(out).toMatch(/idle\s+celery\s+1\*\s+3\s+0\s/)
    expect(out).toMatch(/plugins\s+celery\s+1\*\s+2\s+1\*/)
    expect(out).toContain('the broker and the result backend are not PostgreSQL, so the worker holds no connection')
    expect(out).toContain('--assume plugins=PROCESSES:THREADS')
  })

  it('--assume replaces the assumption; --scale plugins=0 drops the worker', () => {
    const kept = planJson(procfileOf('python-celery-idle-worker'), ['--limit', '120', '--assume', 'plugins=2:1'])
    expect(kept.type('plugins').connections).toBe(2)
    expect(JSON.stringify(kept.type('plugins').sources.threadsPerProcess)).not.toContain(REASON)
    const none = planJson(procfileOf('python-celery-idle-worker'), ['--limit', '120', '--scale', 'plugins=0'])
    expect(none.total).toBe(6)
  })
})
