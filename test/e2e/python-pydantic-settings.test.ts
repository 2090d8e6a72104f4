/**
 * pydantic-settings (fixture python-pydantic-settings): a field is read from the env var `env_prefix` + its name, or from
 * its alias (no prefix), matched without case (pydantic_settings/sources.py EnvSettingsSource); its default is Field's
 * `default` (or first argument); a field_validator / model_validator may change it after it is read.
 * - web: `gunicorn shop.main:app --workers 2 --threads 8`, engine pool_size=settings.pool_size (SHOP_POOL_SIZE, default 4),
 *   max_overflow=settings.pool_overflow (Field(default=2, alias="DB_OVERFLOW")): 4 + 2 = 6 → 2 × min(6, 8) = 12 (was
 *   14*: the Field's default not read). POOL_SIZE=9 (no prefix) and SHOP_DB_OVERFLOW=5 (an alias takes no prefix) change
 *   nothing (was 19*, POOL_SIZE read); SHOP_POOL_SIZE=3, DB_OVERFLOW=1: 4 → 8.
 * - reports: ReportSettings(Settings).report_pool (declared 3) is set by a model_validator to pool_size × 2 = 8: not
 *   known here, so the pool is SQLAlchemy's default 5, starred and said; 1 × min(5, 4) = 4 (was 3, silently: the declared
 *   value). By hand min(8, 4) = 4.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...env: string[]) => planJson(procfileOf('python-pydantic-settings'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--scale', 'reports=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('pydantic-settings fields (fixture python-pydantic-settings)', () => {
  it('reads env_prefix + name, an alias without it, and Field(default=…)', () => {
    expect(plan().type('web')).toMatchObject({connections: 12, poolPerProcess: 6})
    expect(plan('POOL_SIZE=9', 'SHOP_DB_OVERFLOW=5').type('web')).toMatchObject({connections: 12, poolPerProcess: 6})
    const set = plan('SHOP_POOL_SIZE=3', 'DB_OVERFLOW=1')
    expect(set.type('web')).toMatchObject({connections: 8, poolPerProcess: 4})
    expect(JSON.stringify(set.type('web').sources)).toContain('SHOP_POOL_SIZE')
  })

  it('a field a model_validator sets is not known: the default pool, starred, naming the validator', () => {
    const r = plan()
    expect(r.type('reports')).toMatchObject({connections: 4, poolPerProcess: 5, threadsPerProcess: 4})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('report_pool is set by the model_validator at shop/config.py:22 after the env is read')}))
  })
})
