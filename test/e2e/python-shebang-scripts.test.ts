/**
 * Python scripts run by their shebang or by a path with no `.py` (fixture python-shebang-scripts, made up in the shapes
 * of getsentry/freight's bin/web and Kinto/kinto-heroku's runapp.py). The kernel runs an executable file whose first
 * line is `#!/usr/bin/env python` with that interpreter (execve(2)), and `python bin/web` runs bin/web whatever its
 * name, so both are the script as `python web.py` would be.
 *
 * - web (`bin/upgrade && … bin/web --no-debug --addr=:$PORT`) and alt (`python bin/web …`): main() calls web(), whose
 *   `from shop.config import create_app` loads the Flask app (Flask-SQLAlchemy, SQLALCHEMY_ENGINE_OPTIONS pool_size 6,
 *   max_overflow 0), then `app.run(host, port)`: Werkzeug's server, a thread per request (Flask ≥ 1.0 app.run
 *   threaded=True), capped by the pool: 6 each.
 * - clock (`./bin/clock`): main() only sleeps and prints; the import in job(), which nothing here calls, is not run by
 *   this process: 0.
 * - paste (`./runapp.py`): waitress.serve (4 task threads, waitress adjustments.py) of an app PasteDeploy's loadapp builds
 *   from an ini file (an installed package's, not read): 4, starred, with a warning at the loadapp line.
 * Total 16.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const plan = (procfile = procfileOf('python-shebang-scripts')) => planJson(procfile, ['--plan', 'standard-0', '--scale', 'web=1', 'alt=1', 'clock=1', 'paste=1'])

describe('Python scripts run by their shebang or by a path without .py', () => {
  it('reads the Flask app imported inside the function main() calls: Werkzeug, 6 (pool_size 6) for `bin/web` and `python bin/web`', () => {
    const r = plan()
    expect(r.processTypes.map((p) => [p.name, p.server, p.connections])).toEqual([['web', 'werkzeug', 6], ['alt', 'werkzeug', 6], ['clock', 'python-script', 0], ['paste', 'waitress', 4]])
    expect(r.total).toBe(16)
    expect(r.type('web').sources['pool.flask-sqlalchemy'].source).toMatchObject({file: 'shop/config.py', kind: 'file', line: 12})
  })

  it('does not follow an import inside a function the script never calls (a job for a queue): 0', () => {
    const r = plan()
    expect(r.type('clock').threadsPerProcess).toBe(0)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('stars a server\'s per-thread count when PasteDeploy builds the app from an ini file', () => {
    const r = plan()
    expect(r.type('paste').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed'})
    const said = r.diagnostics.find((d) => d.code === 'unknown-config-value' && d.file === 'runapp.py')
    expect(said).toMatchObject({line: 10, severity: 'warning'})
    expect(said?.message).toContain('runapp.py:10 builds the WSGI app with loadapp() from an ini file, which conncalc does not read')
  })

  const {app} = tempApps('python-shebang-scripts')
  it('follows the imports of a command function a CLI group dispatches to (click\'s `@cli.command()`): not "no connection"', () => {
    // `./manage.py serve` runs cli(), which calls the command named on the command line: serve(), whose import loads
    // shop.server and psycopg2. Read as if only the module's own statements called functions, it was 0, unstarred.
    const dir = app({
      'Procfile': 'web: ./manage.py serve\n',
      'manage.py': '#!/usr/bin/env python\nimport click\n\n\n@click.group()\ndef cli():\n    pass\n\n\n@cli.command()\ndef serve():\n    from shop.server import main\n    main()\n\n\nif __name__ == "__main__":\n    cli()\n',
      'requirements.txt': 'click\npsycopg2\n',
      'shop/__init__.py': '',
      'shop/server.py': 'import psycopg2\n\n\ndef main():\n    conn = psycopg2.connect("postgres://localhost/shop")\n    return conn\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    // By hand: one process, its main thread, one psycopg2.connect() in the function the command runs: 1.
    expect([r.type('web').server, r.type('web').threadsPerProcess, r.total]).toEqual(['python-script', 1, 1])
  })


  it('a script whose shebang is another language\'s is not read as Python; a .sh-less shell script neither', () => {
    const dir = app({'Procfile': 'web: bin/web --addr=:5000\n', 'bin/web': '#!/usr/bin/env ruby\nputs "hello"\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').server).not.toBe('werkzeug')
    expect(r.type('web').server).not.toBe('python-script')
  })
})
