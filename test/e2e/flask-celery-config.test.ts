/**
 * `celery.conf.update(app.config)` of a Flask app (fixtures flask-celery-config/*): Celery takes every key of the
 * Flask config (Flask's Config is a dict; celery app/base.py conf.update → PendingConfiguration), and an old
 * upper-case name (CELERYD_CONCURRENCY) is the setting worker_concurrency (app/utils.py detect_settings).
 * The Flask config is what the app writes to it: from_object of a class (its UPPER-case attributes, bases too),
 * update(…), config["KEY"] = …; from_pyfile reads a file at start, read only when the app holds it (settings.cfg here: not).
 * Before, the copy was "cannot read", the CPU count starred, in all three.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`flask-celery-config/${v}`), ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'worker=1:performance-m'])

describe('celery.conf.update(app.config) of a Flask app', () => {
  it('CELERYD_CONCURRENCY = 3 on the config class from_object takes: 3 processes, read from shop/settings.py:10', () => {
    const r = plan('readable')
    expect(r.type('worker')).toMatchObject({processesPerDyno: 3, threadsPerProcess: 1})
    expect(r.type('worker').sources.processesPerDyno.source).toMatchObject({file: 'shop/settings.py', line: 10})
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno)).not.toContain('"assumed"')
    // The worker's modules import no database library: its 1 per child is the assumption (celery-idle-worker.test.ts).
    expect(JSON.stringify(r.type('worker').sources.threadsPerProcess)).toContain('no module the worker imports opens a database connection')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('make_celery(app) copying a config that sets no concurrency: the CPU count (performance-m: 2), processes not starred', () => {
    const r = plan('factory')
    expect(r.type('worker')).toMatchObject({processesPerDyno: 2, threadsPerProcess: 1})
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno)).not.toContain('"assumed"')
    // The worker's modules import no database library: its 1 per child is the assumption (celery-idle-worker.test.ts).
    expect(JSON.stringify(r.type('worker').sources.threadsPerProcess)).toContain('no module the worker imports opens a database connection')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('config.from_pyfile: the file may set it, so the CPU count is starred and the from_pyfile line warned', () => {
    const r = plan('pyfile')
    expect(r.type('worker').processesPerDyno).toBe(2)
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno)).toContain('"assumed"')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'desk/__init__.py', line: 5, message: expect.stringContaining('config.from_pyfile() reads a file when the app starts')}))
  })
})
