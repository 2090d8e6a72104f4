/**
 * pydantic-settings: a nested model under env_nested_delimiter, and AliasChoices (fixture python-pydantic-nested-settings).
 * Settings(BaseSettings) with env_prefix "CATALOG_", env_nested_delimiter "__": `db: PoolSettings = PoolSettings()` (a
 * BaseModel, pool_size 5) is read from CATALOG_DB__POOL_SIZE = 7 (app.json); `overflow` has
 * validation_alias=AliasChoices("CATALOG_OVERFLOW", "DB_OVERFLOW"): the first set wins, DB_OVERFLOW = 3
 * (pydantic-settings sources.py EnvSettingsSource: explode_env_vars; _extract_field_info over the choices in order).
 * create_engine(pool_size=7, max_overflow=3): 10 per process; gunicorn 2 UvicornWorkers, the sync route on the
 * threadpool, bounded by the pool: 2 × 10 = 20 (was 2 × (5 + 10*) = 30*: the nested field read as its default, silently,
 * and the AliasChoices field unknown).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pydantic-settings nested models and AliasChoices (fixture python-pydantic-nested-settings)', () => {
  it('reads CATALOG_DB__POOL_SIZE for settings.db.pool_size and the first AliasChoices env var set', () => {
    const r = planJson(procfileOf('python-pydantic-nested-settings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 20, connectionsPerProcess: 10, poolPerProcess: 10, processesPerDyno: 2})
    const text = JSON.stringify(r.type('web'))
    expect(text).toContain('pydantic-settings reads a nested model\'s field from CATALOG_DB__POOL_SIZE (env_nested_delimiter \\"__\\")')
    expect(text).toContain('overflow\'s AliasChoices(CATALOG_OVERFLOW, DB_OVERFLOW): the first one set is read')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('takes the first AliasChoices env var when both are set, and the nested value from the flag', () => {
    // CATALOG_DB__POOL_SIZE=4 over app.json's 7; CATALOG_OVERFLOW=1 before DB_OVERFLOW=3: 4 + 1.
    const r = planJson(procfileOf('python-pydantic-nested-settings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'CATALOG_DB__POOL_SIZE=4', '--env', 'CATALOG_OVERFLOW=1'])
    expect(r.type('web').poolPerProcess).toBe(5)
  })
})
