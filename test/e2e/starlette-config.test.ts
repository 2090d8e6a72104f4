/**
 * starlette's Config as an app's settings (test/fixtures/fastapi-starlette-config; the shape of Netflix/dispatch's
 * src/dispatch/config.py, `config = Config(".env")` then `config("DATABASE_ENGINE_POOL_SIZE", cast=int, default=20)`).
 *
 * starlette/config.py (0.41.3): Config(env_file) reads the file when built; `config(key, cast=None, default=…)` returns
 * os.environ[key] if set, else the file's value, else the default, each passed through the cast. The fixture's
 * app/config.py: DB_POOL_SIZE = config("DB_POOL_SIZE", int, 8) (positional cast and default), DB_MAX_OVERFLOW =
 * config("DB_MAX_OVERFLOW", cast=int, default=4), and .env sets DB_MAX_OVERFLOW=6. app/db.py builds one engine with
 * them. uvicorn --workers 2; FastAPI's sync route runs on anyio's 40 threads, more than the pool holds, so each process
 * can hold its whole pool: pool_size + max_overflow (SQLAlchemy QueuePool).
 *   no env:              2 × (8 + 6) = 28 (6 from .env)
 *   DB_MAX_OVERFLOW=2:   2 × (8 + 2) = 20 (os.environ before the file)
 *   DB_POOL_SIZE=3:      2 × (3 + 6) = 18
 * Before: both values were unknown calls, SQLAlchemy's defaults assumed: 2 × (5 + 10) = 30, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('fastapi-starlette-config'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...args])

describe("starlette's Config()", () => {
  it('reads the default, and the .env file for a variable the environment lacks: 2 × (8 + 6) = 28, nothing assumed', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 28, poolPerProcess: 14, processesPerDyno: 2})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a config var beats the file: DB_MAX_OVERFLOW=2 gives 2 × (8 + 2) = 20', () => {
    expect(plan('--env', 'DB_MAX_OVERFLOW=2').type('web')).toMatchObject({connectionsPerDyno: 20, poolPerProcess: 10})
  })

  it('a config var beats the default: DB_POOL_SIZE=3 gives 2 × (3 + 6) = 18', () => {
    expect(plan('--env', 'DB_POOL_SIZE=3').type('web')).toMatchObject({connectionsPerDyno: 18, poolPerProcess: 9})
  })
})
