/**
 * Flask-SQLAlchemy with both SQLAlchemy(engine_options={"pool_size": 4, "max_overflow": 0}) and
 * SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 10} (test/fixtures/flask-sqlalchemy-options-precedence).
 * Per key:
 * - 2.5.1 get_options: config, then `options.update(self._sa._engine_options)` ("ultimate priority"):
 *   pool_size 4, max_overflow 0 → pool 4.
 * - 3.1.1 init_app: `self._engine_options.copy()` then `.update(SQLALCHEMY_ENGINE_OPTIONS)`: pool_size 10
 *   from the config, max_overflow 0 from engine_options → pool 10.
 * gunicorn --workers 2 --threads 8: each worker's 8 threads share its pool.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`flask-sqlalchemy-options-precedence/${v}`), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('Flask-SQLAlchemy engine_options and SQLALCHEMY_ENGINE_OPTIONS both set', () => {
  it('2.5.1: engine_options win per key — pool 4 + 0 = 4, 2 workers × min(4, 8) = 8, pool-below-threads', () => {
    const r = plan('v2')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, connectionsPerProcess: 4, poolPerProcess: 4})
    expect(r.codes).toContain('pool-below-threads')
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('Flask-SQLAlchemy 2.5.1 (requirements.txt:2) reads engine_options at app.py:7 and SQLALCHEMY_ENGINE_OPTIONS at app.py:11, SQLAlchemy(engine_options=…) first')}))
  })

  it('3.1.1: the config wins per key — pool_size 10 (config) + max_overflow 0 (engine_options) = 10, 2 × min(10, 8) = 16', () => {
    const r = plan('v3')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 16, connectionsPerProcess: 8, poolPerProcess: 10})
    expect(r.codes).not.toContain('pool-below-threads')
    expect(JSON.stringify(r.type('web').sources['pool.flask-sqlalchemy'])).not.toContain('"assumed"')
  })

  it('unpinned: 3.x assumed (the config first), labelled — pool 10*', () => {
    const r = plan('unpinned')
    expect(r.type('web').poolPerProcess).toBe(10)
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('no pinned Flask-SQLAlchemy version found; 3.x assumed')}))
  })
})
