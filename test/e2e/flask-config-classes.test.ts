/**
 * A Flask config class picked from a dict by a name (test/fixtures/flask-config-classes; the flasky shape, also
 * hack4impact/flask-base, BlueprintKansas/ksvotes.org, and `DevConfig if get_debug_flag() else ProdConfig` in
 * cookiecutter-flask apps): `create_app(config_name)` runs `app.config.from_object(config[config_name])`.
 * flask@3.0.3 src/flask/config.py from_object takes the class's UPPER-case attributes (inherited ones too: StagingConfig
 * has ProductionConfig's); Flask-SQLAlchemy 3.1.1 passes SQLALCHEMY_ENGINE_OPTIONS to create_engine, and a QueuePool opens
 * at most pool_size + max_overflow. gunicorn --workers 2 --threads 12 (gthread): per process min(pool, 12).
 * - fallback: `create_app(os.getenv("FLASK_CONFIG") or "default")` with FLASK_CONFIG unset picks DevelopmentConfig:
 *   pool 2 + 0 = 2, 2 × 2 = 4, unstarred, FLASK_CONFIG named. --env FLASK_CONFIG=production DB_POOL_SIZE=3: 3 + 4 = 7,
 *   2 × 7 = 14.
 * - undecided: `create_app(os.environ["FLASK_CONFIG"])`, FLASK_CONFIG set nowhere: one of DevelopmentConfig (2),
 *   ProductionConfig (int(os.environ.get("DB_POOL_SIZE", 6)) + 4 = 10), StagingConfig (10): the largest, 10, starred,
 *   2 × 10 = 20; DB_POOL_SIZE named as the variable with no value. --env FLASK_CONFIG=development: 4.
 * - getattr: `import config` then `app.config.from_object(getattr(config, f"{APP_ENV.capitalize()}Config"))` (the
 *   MTES-MCT/mobilic-api shape), APP_ENV = os.environ.get("APP_ENV", "dev"): DevConfig, 2 + 0 = 2, 2 × 2 = 4, APP_ENV named;
 *   --env APP_ENV=PROD: "Prod" (str.capitalize lowercases the rest) → ProdConfig, 6 + 4 = 10, 2 × 10 = 20 (was 4: the
 *   getattr of a module was not read, and DevConfig, the first class setting the key, was taken whatever APP_ENV says).
 * - factory-if: `def create_app(config_class=None): if config_class: from_object(config_class) else: from_object(ProdConfig)`
 *   with the app's one caller `create_app()` (kanaboid/mes-parafina-app): the first from_object never runs; ProdConfig sets
 *   no options, so Flask-SQLAlchemy's QueuePool defaults 5 + 10 = 15, min(15, 12 threads) = 12, 2 × 12 = 24, unstarred
 *   (was 24*, "pool_size may be set in the options at portal/__init__.py:12"). tests/ calls create_app(TestConfig): not
 *   imported by the web process.
 * - package-cycle: shop/__init__.py imports `.settings` then `.create_app`, whose `from . import settings` runs while the
 *   package is still being imported (formspree/formspree); from_object(settings) is the module shop/settings.py, which sets
 *   no engine options: QueuePool defaults 5 + 10 = 15, min(15, 12) = 12, 2 × 12 = 24, unstarred (was 24*: "`settings` is
 *   imported from .settings, which conncalc does not read").
 * Before: `config[config_name]` was not evaluated, and the first class of the modules that sets the key was read,
 * whichever the app loads: 4 for both, unstarred (undecided silently under by 16); with no class setting it (flasky),
 * 5 + 10 was assumed, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, ...more: string[]) => planJson(procfileOf(`flask-config-classes/${v}`), ['--plan', 'standard-0', '--scale', 'web=1', ...more])
const text = (x: unknown) => JSON.stringify(x)

describe('Flask config class from a dict, config.from_object(config[config_name])', () => {
  it('the caller\'s fallback name (FLASK_CONFIG unset) picks DevelopmentConfig: 2 × 2 = 4, the variable named, no assumption', () => {
    const r = plan('fallback')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2, processesPerDyno: 2, threadsPerProcess: 12})
    const pool = r.type('web').sources['pool.flask-sqlalchemy']
    expect(pool.source).toEqual({file: 'config.py', kind: 'file', line: 10})
    expect(pool.via).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(text(pool.via)).toContain('config.from_object at portal/__init__.py:11 loads DevelopmentConfig: FLASK_CONFIG has no value here')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('FLASK_CONFIG=production: ProductionConfig\'s options, DB_POOL_SIZE=3 + 4 = 7, 2 × 7 = 14', () => {
    const r = plan('fallback', '--env', 'FLASK_CONFIG=production', '--env', 'DB_POOL_SIZE=3')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 14, poolPerProcess: 7})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].source).toEqual({file: 'config.py', kind: 'file', line: 14})
  })

  it('a name no file decides: every class is read and the largest pool counted, starred, naming each; 2 × 10 = 20', () => {
    const r = plan('undecided')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 20, poolPerProcess: 10})
    const pool = r.type('web').sources['pool.flask-sqlalchemy']
    expect(pool.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('their pools: DevelopmentConfig 2, ProductionConfig 10, StagingConfig 10: the largest, ProductionConfig\'s, is counted')}))
    expect(pool.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('FLASK_CONFIG is not set anywhere')}))
    // os.environ.get("DB_POOL_SIZE", 6): the code's own default, with the variable named and the line that reads it.
    expect(text(pool.via)).toContain("DB_POOL_SIZE has no value here, so the app's own fallback is used")
    expect(plan('undecided', '--env', 'FLASK_CONFIG=development').type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2})
  })

  it('getattr(module, f"{ENV}Config") picks the class the env names, its fallback said', () => {
    const r = plan('getattr')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2})
    expect(text(r.type('web').sources['pool.flask-sqlalchemy'].via)).toContain('config.from_object at portal/__init__.py:10 loads DevConfig: APP_ENV has no value here')
    const prod = plan('getattr', '--env', 'APP_ENV=PROD')
    expect(prod.type('web')).toMatchObject({connectionsPerDyno: 20, poolPerProcess: 10})
    expect(prod.type('web').sources['pool.flask-sqlalchemy'].source).toEqual({file: 'config.py', kind: 'file', line: 14})
  })

  it('a from_object no caller of the factory reaches is not a source: Flask-SQLAlchemy defaults, 2 × 12 = 24, unstarred', () => {
    const r = plan('factory-if')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 24, poolPerProcess: 15})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a module imported relatively while its package is still importing is read as the config', () => {
    const r = plan('package-cycle')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 24, poolPerProcess: 15})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
