/**
 * The Flask CLI finds the app the command runs as flask/cli.py ScriptInfo.load_app does: a FlaskGroup's create_app
 * first, else --app, else FLASK_APP (env, .env, .flaskenv), else wsgi.py / app.py; with none, Flask stops with
 * "Could not locate a Flask application". Fixture test/fixtures/python-flask-cli (Flask 3.0.3, Flask-SQLAlchemy 3.1.1,
 * SQLALCHEMY_ENGINE_OPTIONS pool_size 3 + max_overflow 0 in shop.create_app), worked by hand:
 * - web `python manage.py run`: manage.py's FlaskGroup(create_app=create_app) runs flask's own `run`: Werkzeug, one
 *   process, a thread per request (Flask ≥ 1.0 threaded), bounded by the pool: 3 (was an unknown command, 1*).
 * - dev `flask run`: FLASK_APP from .flaskenv (shop:create_app): 3.
 * - digests `python manage.py send-digests`: a command manage.py defines (click names it after send_digests), run
 *   once on the main thread with the app's pool: min(3, 1) = 1, read (was 1*).
 * - broken `flask --app storefront run`: no module storefront in the app: Flask exits; counted as if it ran, 3*, said.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const starred = (s: unknown): boolean => JSON.stringify(s).includes('"kind":"assumed"')
const plan = () => planJson(procfileOf('python-flask-cli'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'dev=1:standard-1x', 'digests=1:standard-1x', 'broken=1:standard-1x'])

describe('the app a Flask CLI command runs', () => {
  const r = plan()

  it('python manage.py run of a FlaskGroup(create_app=…): Werkzeug on the app create_app builds, 3', () => {
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 1, server: 'werkzeug', threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({file: 'manage.py', kind: 'file', line: 6}))
    expect(starred(r.type('web').sources.processesPerDyno)).toBe(false)
  })

  it('flask run with FLASK_APP in .flaskenv: 3', () => {
    expect(r.type('dev')).toMatchObject({connections: 3, server: 'werkzeug'})
    expect(starred(r.type('dev').sources.processesPerDyno)).toBe(false)
  })

  it('a command manage.py defines runs once on the main thread with the app\'s pool: 1, read', () => {
    expect(r.type('digests')).toMatchObject({connections: 1, processesPerDyno: 1, server: 'python-script', threadsPerProcess: 1})
    expect(starred(r.type('digests').sources.threadsPerProcess)).toBe(false)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('flask --app naming a module the app does not have: Flask stops; starred and said', () => {
    expect(r.type('broken').connections).toBe(3)
    expect(starred(r.type('broken').sources.processesPerDyno)).toBe(true)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', message: expect.stringContaining('broken: `flask run` loads the app storefront, which is not in the app; Flask stops with "Could not locate a Flask application"'), processType: 'broken'}))
    expect(r.total).toBe(3 + 3 + 1 + 3)
  })
})
