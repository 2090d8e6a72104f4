/**
 * An engine built in a function FastAPI calls for every request (test/fixtures/engine-per-request; the shape of
 * thunderbird/appointment: `def get_db(): _, session = get_engine_and_session()` where that function calls
 * create_engine(), and routes take `db=Depends(get_db)`). FastAPI runs a dependency per request that declares it
 * (https://fastapi.tiangolo.com/tutorial/dependencies/), so each request makes a new engine, with a pool of its own, and
 * holds a connection on it: no pool bounds the process's connections. conncalc still counts one engine's pool
 * (pool_size 4, max_overflow 0; uvicorn --workers 2: 2 × 4 = 8), now starred, and warns (unbounded-pool).
 * The same factory keeping the engine in a module global (`global _engine; if _engine is None: _engine = create_engine(…)`)
 * builds it once: 8, unstarred, no warning.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`engine-per-request/${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe('an engine built per request is said to have no bound', () => {
  it('create_engine in a FastAPI dependency chain: one pool counted, starred, unbounded-pool warned', () => {
    const r = plan('dependency')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 4, processesPerDyno: 2})
    const warning = r.diagnostics.find((d) => d.code === 'unbounded-pool')
    expect(warning?.message).toContain('is built in get_engine_and_session(), which is called (app/database.py:13) by get_db(), which FastAPI calls for every request that depends on it (Depends(get_db) at app/main.py:10)')
    expect(JSON.stringify(r.type('web').sources['pool.engine app/database.py:8'])).toContain('a new engine (and pool) per request')
  })

  it('an engine kept in a module global: built once, no warning', () => {
    const r = plan('singleton')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 4})
    expect(r.codes).not.toContain('unbounded-pool')
    expect(JSON.stringify(r.type('web').sources['pool.engine app/database.py:12'])).not.toContain('per request')
  })
})
