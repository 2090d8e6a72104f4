/**
 * Python scripts that start a server in their own code (test/fixtures/python-servers-in-code): the
 * process type is that server, not a script on its main thread (before: a 1 × 1 python-script, or
 * an unknown command when Flask was in requirements.txt and the script called `.run(`).
 * - web `python run.py`: main() calls uvicorn.run("app.main:app", workers=int(UVICORN_WORKERS‖"3"))
 *   → 3 processes (uvicorn/config.py: workers, else $WEB_CONCURRENCY, else 1; main.py forks them).
 *   app.main imports app/db.py: create_async_engine(pool_size=4, max_overflow=2) → 6, and a reports
 *   engine of 2 + 0 → 2, on an event loop, all usable at once: 3 × (6 + 2) = 24 (requests queue for a
 *   connection by design: no pool-below-threads for the smaller pool).
 * - legacy `python serve_wsgi.py`: waitress.serve(app) with no threads= → 1 process × 4 task threads
 *   (waitress/adjustments.py threads = 4); the engine's pool is 10 + 0, so min(4, 10) = 4.
 * - ws `python serve_hypercorn.py`: asyncio.run(hypercorn.asyncio.serve(app, config)) with
 *   config.workers = 4, which serve() ignores (it runs in the calling process): 1 × (6 + 2) = 8.
 * Total 24 + 4 + 8 = 36.
 * - api `python serve_object.py`: uvicorn.run(app) with the app object and no workers, on standard-1x where the
 *   Python buildpack sets WEB_CONCURRENCY=2: uvicorn takes 2 workers (config.py) and then exits, because workers
 *   need the app as an import string (main.py sys.exit(1)) — an error, missing-config, at the call.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('python-servers-in-code'), ['--plan', 'standard-0', '--scale', 'web=1', 'legacy=1', 'ws=1', 'api=0'])

describe('a Python script that starts its server in code', () => {
  it('uvicorn.run("app.main:app", workers=…) is uvicorn with those workers, reading the app module named by the import string', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 24, poolPerProcess: 8, processesPerDyno: 3, server: 'uvicorn'})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'run.py', kind: 'file', line: 11})
    expect(r.diagnostics.filter((d) => d.processType === 'web')).toEqual([])
  })

  it('waitress.serve(app) is waitress: one process of 4 task threads', () => {
    const r = plan()
    expect(r.type('legacy')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 1, server: 'waitress', threadsPerProcess: 4})
    expect(r.type('legacy').sources.threadsPerProcess.source).toEqual({file: 'serve_wsgi.py', kind: 'file', line: 8})
  })

  it('hypercorn.asyncio.serve(app, config) runs in the calling process whatever config.workers says; total 36', () => {
    const r = plan()
    expect(r.type('ws')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 1, server: 'hypercorn'})
    expect(r.type('ws').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('ignores the config\'s process settings')}))
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command')).toEqual([])
    expect(r.codes).not.toContain('pool-below-threads')
    expect(r.total).toBe(36)
  })

  it('uvicorn.run(app_object) with WEB_CONCURRENCY=2 from the buildpack: uvicorn exits at start, an error at the call', () => {
    const r = planJson(procfileOf('python-servers-in-code'), ['--plan', 'standard-0', '--scale', 'api=1:standard-1x'])
    expect(r.type('api')).toMatchObject({processesPerDyno: 2, server: 'uvicorn'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'serve_object.py', line: 6, processType: 'api', severity: 'error'}))
    expect(r.exit).toBe(1)
  })
})
