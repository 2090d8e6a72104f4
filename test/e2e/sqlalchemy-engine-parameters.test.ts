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

  it('two callers at import build two engines, each with its own arguments: (3 + 2) + (8 + 10) = 23', () => {
    // app/main.py:8 passes pool_size=3, max_overflow=int("2"); app/reports.py:5 passes pool_size=8 and leaves max_overflow at its default 10.
    // Both run once, at import, and each create_engine() call builds its own QueuePool (sqlalchemy/pool/impl.py), so the
    // pools add up: 5 + 18 = 23 per process. (Before, one engine of the larger values, 8 + 10 = 18, was assumed — wrong.)
    const r = plan('disagree')
    expect(r.type('web')).toMatchObject({poolPerProcess: 23})
    const main = r.type('web').sources['pool.engine app/db.py:7 (app/main.py:8)']
    const reports = r.type('web').sources['pool.engine app/db.py:7 (app/reports.py:5)']
    expect([main.value, reports.value]).toEqual([5, 18])
    expect(main.via).toContainEqual({kind: 'default', ref: 'https://github.com/sqlalchemy/sqlalchemy/blob/main/lib/sqlalchemy/pool/impl.py', what: '`make_engine()` (app/db.py:6) is called at import from 2 places, and each call builds a pool of its own'})
    expect([...(main.via ?? []), ...(reports.via ?? [])].filter((s) => s.kind === 'assumed')).toEqual([])
  })

  it('a factory under @lru_cache called with equal arguments from two modules is one engine: 6 + 0 = 6', () => {
    // functools.lru_cache returns the first call's engine to the second (equal arguments): one QueuePool of pool_size 6, max_overflow 0.
    const r = plan('cached')
    expect(r.type('web')).toMatchObject({poolPerProcess: 6})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.engine app/db.py:10'])
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
