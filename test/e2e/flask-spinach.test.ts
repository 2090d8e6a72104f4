/**
 * Spinach workers started by its Flask extension's command (test/fixtures/flask-spinach). .flaskenv names
 * FLASK_APP=service.py, whose Flask-SQLAlchemy engine has SQLALCHEMY_ENGINE_OPTIONS pool_size 6 + max_overflow 0.
 * `flask spinach` is one process of `--threads` worker threads, default DEFAULT_WORKER_NUMBER = 5
 * (spinach@v0.0.25 spinach/const.py; contrib/flask_spinach.py `@click.option('--threads', default=…)`).
 * - web `gunicorn service:app --workers 2 --threads 4`: 2 × min(6, 4) = 8
 * - worker `flask spinach`: 1 × min(6, 5) = 5 (before: an unknown command, 1*)
 * - bulk `flask spinach --threads 8 --queue bulk`: 1 × min(6, 8) = 6, and the pool is below the 8 threads
 * - digest `flask send-digests`: the app's own `@app.cli.command("send-digests")`, send_digests() on the main
 *   thread: 1 (python-cli-command; it was 1*, said as a Flask CLI command conncalc did not read)
 * Total 8 + 5 + 6 + 1 = 20.
 */
import {describe, expect, it} from 'vitest'

import {join} from 'node:path'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('flask-spinach')

const plan = () => planJson(procfileOf('flask-spinach'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'bulk=1', 'digest=1'])

describe('flask spinach', () => {
  it('runs Spinach worker threads in one process, 5 by default, with the Flask app’s pool', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 5, poolPerProcess: 6, processesPerDyno: 1, server: 'spinach', threadsPerProcess: 5})
    expect(r.type('bulk')).toMatchObject({connectionsPerDyno: 6, server: 'spinach', threadsPerProcess: 8})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'pool-below-threads', processType: 'bulk'}))
  })

  it('the app\'s own flask command runs its function on the main thread: 1, read; total 20', () => {
    const r = plan()
    expect(r.type('digest')).toMatchObject({connectionsPerDyno: 1, server: 'python-script'})
    expect(r.type('digest').sources.threadsPerProcess.source).toEqual({file: 'service.py', kind: 'file', line: 1})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(20)
  })

  it('a flask command the app does not define is said to be one it registers (an extension\'s?), counted 1*', () => {
    const r = planJson(join(app({Procfile: 'digest: flask send-weekly\n'}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'digest=1'])
    expect(r.type('digest')).toMatchObject({connectionsPerDyno: 1, server: 'unknown'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-command', message: expect.stringContaining('`flask send-weekly` is a command the Flask app registers')}))
  })
})
