/**
 * `poolclass` given in an options dict rather than as `poolclass=` (fixture sqlalchemy-poolclass-option):
 * Flask-SQLAlchemy's SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": NullPool}, and `create_engine(url, **OPTIONS)`
 * with `"poolclass": sqlalchemy.pool.NullPool`. NullPool opens a connection per checkout (sqlalchemy/pool/impl.py),
 * so each thread may hold one. Before, the dict's poolclass was not seen and QueuePool's 5 + 10 = 15 counted.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`sqlalchemy-poolclass-option/${v}`), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('poolclass in an options dict', () => {
  it('Flask-SQLAlchemy SQLALCHEMY_ENGINE_OPTIONS {"poolclass": NullPool}: 20 threads, one each → 2 workers × 20 = 40 (was 2 × min(15, 20) = 30)', () => {
    const r = plan('flask')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 40, connectionsPerProcess: 20, poolPerProcess: 20})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].source).toMatchObject({file: 'wsgi.py', line: 11})
    expect(JSON.stringify(r.type('web').sources['pool.flask-sqlalchemy'])).toContain('NullPool: no pool, one connection per thread in use')
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('create_engine(url, **OPTIONS): NullPool engine 20 + QueuePool engine 2 + 1 = 3 → 3 workers × 23 = 69 (was 3 × (15 + 3) = 54)', () => {
    const r = plan('engine')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 69, connectionsPerProcess: 23, poolPerProcess: 23})
    expect(r.type('web').sources['pool.engine service.py:9'].source).toMatchObject({file: 'service.py', line: 6})
    expect(JSON.stringify(r.type('web'))).not.toContain('"assumed"')
  })

  it('a poolclass conncalc cannot name: QueuePool assumed, starred and warned — pool_size 3 + 10 = 13*, 2 × min(13, 4) = 8', () => {
    const r = plan('unread')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 13})
    expect(JSON.stringify(r.type('web').sources['pool.engine service.py:7'])).toContain('poolclass at service.py:7 is not a class conncalc can name')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'service.py', line: 7, message: expect.stringContaining('it is what `acme_db.pool_class()` returns')}))
  })
})
