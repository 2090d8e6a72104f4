/**
 * The app's own engine factory named like SQLAlchemy's (test/fixtures/sqlalchemy-engine-wrapper, the shape of
 * polarsource/polar's polar.postgres.create_async_engine): `from app.db import create_async_engine` then
 * `create_async_engine("web")` in the FastAPI lifespan calls the app's function, whose body calls SQLAlchemy's
 * create_async_engine(url, pool_size=20): one engine, 20 + max_overflow 10 (QueuePool default) = 30, not two.
 * uvicorn --workers 2, an async engine on the event loop: 2 × 30 = 60. Was: the call of the app's function counted
 * as a second engine with SQLAlchemy's defaults (5 + 10), 2 × 45 = 90.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe("an app function named create_async_engine is not SQLAlchemy's", () => {
  it('one engine of 30 per process, 2 × 30 = 60', () => {
    const r = planJson(procfileOf('sqlalchemy-engine-wrapper'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 60, connectionsPerProcess: 30, poolPerProcess: 30, processesPerDyno: 2})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.engine app/db.py:9'])
  })
})
