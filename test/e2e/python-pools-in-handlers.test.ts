/**
 * Pools made in a try statement's handlers (test/fixtures/python-pools-in-handlers). db.py's open_pool(max_size)
 * builds a psycopg_pool ConnectionPool(min_size=1, max_size=max_size): the size comes from the caller.
 * - web `gunicorn app:app --workers 2 --threads 16`: app.py calls open_pool(max_size=6) in `finally:`,
 *   which always runs: 2 × min(6, 16) = 12. Before: only the try body was read, open_pool had no caller,
 *   and max_size was taken as min_size: 2 × 1 = 2.
 * - reports `gunicorn reports:app --workers 1 --threads 16`: reports.py calls open_pool(max_size=2) in
 *   `except ImportError:` (reports_cache is not in the app, so the import fails and the handler runs):
 *   1 × min(2, 16) = 2. Before: 1 × 1 = 1.
 * - admin `gunicorn admin:app --workers 1 --threads 16`: max_size=int(os.environ["ADMIN_POOL_MAX"]), unset:
 *   the size is unknown, which is not psycopg_pool's max_size=None (then min_size): the pool is not counted,
 *   one connection per thread is, and the unset variable is said: 1 × 16 = 16. Before: 1 (min_size) silently.
 * Total 12 + 2 + 16 = 30.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('python-pools-in-handlers'), ['--plan', 'standard-0', '--scale', 'web=1', 'reports=1', 'admin=1'])

describe('functions called in except and finally handlers', () => {
  it('a call in finally: is read, with its arguments', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 6, processesPerDyno: 2, threadsPerProcess: 16})
  })

  it('a call in an except handler is read, with its arguments', () => {
    const r = plan()
    expect(r.type('reports')).toMatchObject({connectionsPerDyno: 2, poolPerProcess: 2, processesPerDyno: 1})
  })

  it('a max_size written but unreadable is not min_size: one connection per thread, and the unset variable said', () => {
    const r = plan()
    expect(r.type('admin')).toMatchObject({connectionsPerDyno: 16, threadsPerProcess: 16})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'admin.py', line: 8, message: expect.stringContaining('ADMIN_POOL_MAX')}))
    expect(r.total).toBe(30)
  })
})
