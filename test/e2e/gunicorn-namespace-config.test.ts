/**
 * A gunicorn config file that sets its settings through the module's namespace: gunicorn takes every setting name
 * in the file's globals (gunicorn/app/base.py, cited in gunicorn.ts), so `globals().update(d)` sets them as
 * assignments do. Fixture test/fixtures/python-gunicorn-namespace-config (Flask, one engine pool_size=5,
 * max_overflow=0, standard-1x where the buildpack sets WEB_CONCURRENCY=2):
 * - web: gunicorn.conf.py builds `{key: val for key, val in locals().items() if not key.startswith("_")}` in a
 *   function (workers = SHOP_WORKERS or 3, threads = SHOP_THREADS or 4) and passes it to globals().update():
 *   3 workers × min(pool 5, 4 threads) = 12, read, no star.
 * - admin: conf/admin.py updates its globals from a JSON file conncalc does not read: workers, threads and
 *   worker_class may be set there. Starred with the line: the buildpack's 2 workers × 1 thread (gunicorn's
 *   default) = 2*, never the defaults unsaid.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const SCALE = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'admin=1:standard-1x']
const starred = (s: unknown): boolean => JSON.stringify(s).includes('"kind":"assumed"')
const plan = (...args: string[]) => planJson(procfileOf('python-gunicorn-namespace-config'), [...SCALE, ...args])

describe('gunicorn settings set through globals().update(...)', () => {
  it('reads the names a readable update sets: web 3 × min(5, 4) = 12', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 12, connectionsPerProcess: 4, processesPerDyno: 3, threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'gunicorn.conf.py', kind: 'file', line: 5})
    expect(starred(r.type('web').sources.processesPerDyno)).toBe(false)
    expect(starred(r.type('web').sources.threadsPerProcess)).toBe(false)
  })

  it('the env the function reads still decides: SHOP_WORKERS=5 SHOP_THREADS=2 → 5 × 2 = 10', () => {
    const r = plan('--env', 'SHOP_WORKERS=5', '--env', 'SHOP_THREADS=2')
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 5, threadsPerProcess: 2})
  })

  it('an update from a file conncalc does not read stars workers and threads with its line: admin 2* × 1* = 2', () => {
    const r = plan()
    expect(r.type('admin')).toMatchObject({connections: 2, processesPerDyno: 2, threadsPerProcess: 1})
    expect(starred(r.type('admin').sources.processesPerDyno)).toBe(true)
    expect(starred(r.type('admin').sources.threadsPerProcess)).toBe(true)
    expect(r.total).toBe(14)
    const out = runCliInProcess(['plan', '--procfile', procfileOf('python-gunicorn-namespace-config'), ...SCALE, '--explain']).stdout
    expect(out).toMatch(/admin\s+gunicorn\s+1\s+2\*\s+1\*/)
    expect(out).toContain('conf/admin.py:7: warning: cannot read gunicorn workers: `globals().update(json.loads(Path(__file__).with_name("adm...` (conf/admin.py:7) sets names conncalc cannot read, and `workers` may be one of them; using 2')
    // Said once per number, not once per reader.
    expect(out.match(/conf\/admin\.py:7 sets this in a way conncalc cannot read; 1 used instead/g)).toHaveLength(1)
  })

  it('--assume settles the unread file', () => {
    const r = plan('--assume', 'admin=2:8')
    expect(r.type('admin')).toMatchObject({connections: 10, processesPerDyno: 2})
  })
})
