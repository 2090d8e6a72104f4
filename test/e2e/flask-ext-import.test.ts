/**
 * Flask before 1.0 imports extensions as `flask.ext.NAME`, which its import hook redirects to the package
 * `flask_NAME` (flask/ext/__init__.py, ExtensionImporter(['flask_%s', 'flaskext.%s'])). Fixtures
 * test/fixtures/flask-ext-import/{from,module}: gunicorn --workers 2 --threads 20, Flask-SQLAlchemy 1.0 on
 * SQLAlchemy 0.9.8 (QueuePool pool_size 5, max_overflow 10).
 * - from: `from flask.ext.sqlalchemy import SQLAlchemy`, no pool setting → pool 5 + 10 = 15 per worker; its
 *   20 threads share it: min(15, 20) = 15 per process, 2 × 15 = 30 per dyno (not 2 × 20 = 40, one per thread).
 * - module: `import flask.ext.sqlalchemy` and `flask.ext.sqlalchemy.SQLAlchemy(app)` with SQLALCHEMY_POOL_SIZE 4
 *   → pool 4 + 10 = 14: min(14, 20) = 14 per process, 2 × 14 = 28.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`flask-ext-import/${v}`), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('Flask-SQLAlchemy imported through flask.ext (Flask < 1.0)', () => {
  it('from flask.ext.sqlalchemy import SQLAlchemy: the pool (15) bounds the 20 threads — 2 × 15 = 30', () => {
    const r = plan('from')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 30, connectionsPerProcess: 15, poolPerProcess: 15})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].source).toMatchObject({file: 'notes.py', line: 8})
    expect(r.codes).toContain('pool-below-threads')
  })

  it('import flask.ext.sqlalchemy: SQLALCHEMY_POOL_SIZE 4 + overflow 10 = 14 — 2 × 14 = 28', () => {
    const r = plan('module')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 28, connectionsPerProcess: 14, poolPerProcess: 14})
  })
})
