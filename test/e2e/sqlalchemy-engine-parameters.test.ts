/**
 * A SQLAlchemy engine built inside the app's own function from its parameters
 * (test/fixtures/sqlalchemy-engine-parameters; MTES-MCT/qualicharge's shape): the pool is
 * read where the app calls the function, with those arguments bound (nothing runs).
 * QueuePool's limit is pool_size + max_overflow (sqlalchemy/pool/impl.py).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`sqlalchemy-engine-parameters/${v}`), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('a pool size passed through a function parameter', () => {
  it('a method called on an instance: Engine().get_engine(pool_size=settings.…) binds 4 + 2 = 6 (not the defaults 10 + 20), web 2 × 6 = 12', () => {
    // app/conf.py: DB_CONNECTION_POOL_SIZE 4, DB_CONNECTION_MAX_OVERFLOW 2 (pydantic BaseSettings); uvicorn --workers 2, asyncio: 6 threads.
    const r = plan('method')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 6, processesPerDyno: 2})
    const pool = r.type('web').sources['pool.engine app/db.py:30']
    expect(pool.source).toEqual({file: 'app/db.py', kind: 'file', line: 30})
    expect(pool.via).toContainEqual({file: 'app/conf.py', kind: 'file', line: 6})
    expect(pool.via).toContainEqual({file: 'app/db.py', kind: 'file', line: 40})
    expect((pool.via ?? []).filter((s) => s.kind === 'assumed')).toEqual([])
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('callers that disagree: the largest of each, labelled with every caller; 8 + 10 = 18*', () => {
    // app/main.py:8 passes pool_size=3, max_overflow=int("2"); app/reports.py:5 passes pool_size=8 and leaves max_overflow at its default 10.
    const r = plan('disagree')
    expect(r.type('web')).toMatchObject({poolPerProcess: 18})
    const pool = r.type('web').sources['pool.engine app/db.py:7']
    expect(pool.via).toContainEqual({kind: 'assumed', why: 'the callers of `make_engine()` (app/db.py:6) pass different pool_size: 3 (app/main.py:8), 8 (app/reports.py:5); the largest, 8, is assumed'})
    expect(pool.via).toContainEqual({kind: 'assumed', why: 'the callers of `make_engine()` (app/db.py:6) pass different max_overflow: 2 (app/main.py:8), 10 (app/reports.py:5); the largest, 10, is assumed'})
  })

  it("a class whose __init__ builds the engine: Database(url, pool_size=int(os.environ.get('POOL_SIZE', 4))) is 4 + 3 = 7; POOL_SIZE=9 makes it 12", () => {
    expect(plan('init').type('web')).toMatchObject({poolPerProcess: 7})
    const r = planJson(procfileOf('sqlalchemy-engine-parameters/init'), ['--plan', 'standard-0', '--scale', 'web=1', '--env', 'POOL_SIZE=9'])
    expect(r.type('web')).toMatchObject({poolPerProcess: 12})
    expect(r.type('web').sources['pool.engine app/database.py:6'].via?.filter((s) => s.kind === 'assumed')).toEqual([])
  })

  it('no caller found: the defaults 7 + 3 = 10, as an assumption that says so', () => {
    const r = plan('uncalled')
    expect(r.type('web')).toMatchObject({poolPerProcess: 10})
    const pool = r.type('web').sources['pool.engine app/database.py:6']
    expect(pool.via).toContainEqual({kind: 'assumed', why: 'conncalc found no call of `Database.__init__()` (app/database.py:5) in the modules it read; the default of its parameter `pool_size` is assumed'})
  })
})
