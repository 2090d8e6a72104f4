/**
 * Flask-SQLAlchemy's pool keys in a config the app loads by name rather than imports (test/fixtures/flask-config-sources).
 * flask@3.0.3 src/flask/config.py: `from_object("portal.settings")` imports the string (werkzeug import_string) and takes
 * its UPPER-case names; `from_pyfile(f)` runs `os.path.join(self.root_path, f)` as a module and takes them the same way,
 * the config's root_path being the app's (Flask.make_config), the folder of the package `Flask(__name__)` is called in.
 * Neither module is imported by the app, and the keys were not seen: QueuePool's 5 + 10 was counted without a word
 * (OpenUpSA/pmg-cms-2: `app.config.from_pyfile("../config/config.py")`, SQLALCHEMY_POOL_SIZE 10 there; 45 for 60).
 * - pyfile: portal/web → ../../conf/settings.py, SQLALCHEMY_POOL_SIZE = 8; Flask-SQLAlchemy 2.1 passes it as pool_size,
 *   max_overflow stays QueuePool's 10: 18 per process; gunicorn 3 gevent workers (1000 greenlets each): 3 × 18 = 54.
 * - object: SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": env.int("DB_POOL_SIZE", 3), "max_overflow": env.int(…, default=1)}
 *   with environs (environs/__init__.py: the variable, else the default as given): 3 + 1 = 4; gunicorn 2 workers × 8
 *   threads: 2 × min(4, 8) = 8 (DB_POOL_SIZE=6: 2 × 7 = 14).
 * - envvar: `from_envvar("SITE_SETTINGS")` names its file only at run time: the defaults 5 + 10 are assumed and said.
 * - factory / served: `def create_app(config_object="portal.settings")` then `from_object(config_object)` (the
 *   cookiecutter-flask shape): wsgi.py's `app = create_app()` gives the default, and so does gunicorn
 *   "portal:create_app()" when no module of the app calls it (gunicorn util.import_app calls it with no argument):
 *   portal.settings' pool, 2 × min(4, 8) = 8.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, ...more: string[]) => planJson(procfileOf(`flask-config-sources/${v}`), ['--plan', 'standard-0', '--scale', 'web=1', ...more])

describe('Flask config loaded by name (from_object import string, from_pyfile, from_envvar)', () => {
  it('from_pyfile: a path from the app root_path, its SQLALCHEMY_POOL_SIZE read, 3 × (8 + 10) = 54', () => {
    const r = plan('pyfile')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 54, poolPerProcess: 18, processesPerDyno: 3})
    expect(r.total).toBe(54)
    const pool = r.type('web').sources['pool.flask-sqlalchemy']
    expect(pool.source).toEqual({file: 'conf/settings.py', kind: 'file', line: 6})
    expect(pool.via).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('from_object("portal.settings"): its SQLALCHEMY_ENGINE_OPTIONS from environs, 2 × min(3 + 1, 8) = 8; the env var wins', () => {
    const r = plan('object')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 4, processesPerDyno: 2, threadsPerProcess: 8})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].source).toEqual({file: 'portal/settings.py', kind: 'file', line: 7})
    expect(r.codes).not.toContain('unknown-config-value')
    expect(plan('object', '--env', 'DB_POOL_SIZE=6').type('web')).toMatchObject({connectionsPerDyno: 14, poolPerProcess: 7})
  })

  it('from_envvar: the file is not known here, so the defaults 5 + 10 are assumed and said, 3 × 15 = 45', () => {
    const r = plan('envvar')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 45, poolPerProcess: 15})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('config.from_envvar() reads a file when the app starts')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'portal/web/__init__.py', line: 5}))
  })

  it('from_object(config_object) of create_app(config_object="portal.settings"): the default the calls leave, 2 × 4 = 8', () => {
    for (const v of ['factory', 'served']) {
      const r = plan(v)
      expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, poolPerProcess: 4})
      expect(r.type('web').sources['pool.flask-sqlalchemy'].source).toEqual({file: 'portal/settings.py', kind: 'file', line: 7})
      expect(r.codes).not.toContain('unknown-config-value')
    }
  })
})
