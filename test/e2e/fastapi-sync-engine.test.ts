/**
 * FastAPI with a synchronous SQLAlchemy engine under uvicorn (test/fixtures/fastapi-sync-engine, the shape of
 * gip-inclusion/data-inclusion's API). The `def` endpoint and its `def get_session` dependency run on anyio's worker
 * threads (Starlette run_in_threadpool → anyio.to_thread.run_sync, whose default limiter is CapacityLimiter(40),
 * anyio/_backends/_asyncio.py), and a sync engine's connection is held by the thread that checked it out: at most 40
 * at once per process, whatever the pool allows. An async engine (create_async_engine) is used on the event loop
 * itself, so every pooled connection can be in use at once.
 *
 * pydantic-settings: pool_size 30 + max_overflow 20 = 50 per engine; uvicorn --workers 2.
 * - sync: 2 × min(50, 40) = 80, ceiling 2 × 50 = 100 (was 100).
 * - async: 2 × 50 = 100 (unchanged).
 * - small: create_engine defaults 5 + 10 = 15 < 40: 2 × 15 = 30 (unchanged).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`fastapi-sync-engine/${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe('FastAPI: a sync engine is used on anyio worker threads (40), an async one on the loop', () => {
  it('sync engine, pool 50: 40 at once per process, 2 × 40 = 80; the ceiling keeps the pool, 100', () => {
    const r = plan('sync')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 80, connectionsPerProcess: 40, poolPerProcess: 50, processesPerDyno: 2, threadsPerProcess: 40})
    expect(r.ceiling).toBe(100)
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining("FastAPI runs `def` endpoints and dependencies on anyio's worker threads, 40 at once")})
  })

  it('async engine, pool 50: every pooled connection on the loop, 2 × 50 = 100', () => {
    const r = plan('async')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 100, connectionsPerProcess: 50, poolPerProcess: 50, threadsPerProcess: 50})
  })

  it('sync engine with the default pool 5 + 10 = 15, under 40: 2 × 15 = 30', () => {
    const r = plan('small')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 30, connectionsPerProcess: 15, poolPerProcess: 15, threadsPerProcess: 15})
  })
})
