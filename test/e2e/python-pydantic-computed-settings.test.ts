/**
 * Properties of a settings class read on its instance run their body with that instance (fixture
 * python-pydantic-computed-settings). Settings(BaseSettings), env_prefix "CATALOG_": threads from CATALOG_THREADS = 4
 * (app.json), spare 1; `@computed_field @property pool_size` returns threads + spare = 5; `@cached_property overflow`
 * returns threads // 2 = 2. create_engine(pool_size=5, max_overflow=2): 7 per process. gunicorn --workers 2 --threads 8
 * (gthread): the 8 threads share the engine's 7: 2 × 7 = 14 (was the property read as the function: pool_size and
 * max_overflow unknown, SQLAlchemy's 5 + 10 assumed, 2 × 8 = 16*).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pydantic computed settings (fixture python-pydantic-computed-settings)', () => {
  it('evaluates @property / @computed_field / @cached_property over the fields', () => {
    const r = planJson(procfileOf('python-pydantic-computed-settings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 14, connectionsPerProcess: 7, poolPerProcess: 7, processesPerDyno: 2, threadsPerProcess: 8})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('follows the env var the property reads', () => {
    // CATALOG_THREADS=6: pool_size 7, overflow 3: 10 per process, over the 8 threads: 8.
    const r = planJson(procfileOf('python-pydantic-computed-settings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'CATALOG_THREADS=6'])
    expect(r.type('web')).toMatchObject({connectionsPerProcess: 8, poolPerProcess: 10})
  })
})
