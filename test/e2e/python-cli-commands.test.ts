/**
 * Commands of the app's own command line, resolved to the function they run (fixture python-cli-commands, a Flask app
 * with a SQLAlchemy engine pool_size=3, max_overflow=0 at shop/db.py:5; Flask-Script in a made-up app below):
 * - drain `flask jobs drain`: `jobs = AppGroup("jobs")` added with app.cli.add_command, `@jobs.command("drain")`
 *   drain_queue() runs a ThreadPoolExecutor(max_workers=4): main + 4 threads, the pool caps them: min(5, 3) = 3;
 * - feeds `flask sync-feeds`: `@app.cli.command()` def sync_feeds (click: underscores as dashes) on the main thread: 1;
 * - worker `shop-worker --once`: setup.py console_scripts `shop-worker=shop.worker:main`, a loop on the main thread: 1;
 * - other `flask nosuch`: no such command in the app's modules: unknown, 1*;
 * - web `gunicorn "shop:create_app()" --workers 2 --threads 2`: 2 × min(2, 3) = 4. The executor in drain_queue, a CLI
 *   command, never runs in gunicorn's processes: no extra there (it was counted 4* per process before).
 * Hand total 4 + 3 + 1 + 1 + 1 = 10.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const scale = ['--limit', '100', '--scale', 'web=1:standard-1x', 'drain=1:standard-1x', 'feeds=1:standard-1x', 'worker=1:standard-1x', 'other=1:standard-1x']

describe("commands of the app's own CLI", () => {
  const r = planJson(procfileOf('python-cli-commands'), scale)

  it('flask jobs drain: the AppGroup subcommand\'s executor, capped by the engine pool', () => {
    expect(r.type('drain')).toMatchObject({connectionsPerDyno: 3, poolPerProcess: 3, threadsPerProcess: 5})
    expect(r.type('drain').sources.threadsPerProcess.source).toEqual({file: 'shop/commands.py', kind: 'file', line: 18})
  })

  it('flask sync-feeds (@app.cli.command) and the console script shop-worker: one thread each, read not assumed', () => {
    expect(r.type('feeds')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    for (const t of ['feeds', 'worker']) expect(r.type(t).sources.threadsPerProcess.source.kind).toBe('file')
    expect(JSON.stringify(r.type('worker').sources.threadsPerProcess)).toContain('shop-worker = shop.worker:main')
  })

  it('a command the app does not have stays unknown, said; web counts no thread of a CLI command', () => {
    expect(r.type('other').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.filter((d) => d.code === 'unknown-command').map((d) => d.processType)).toEqual(['other'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, extraPerProcess: 0, extras: []})
    expect(r.total).toBe(10)
  })

  it('a console script that is a FlaskGroup, run with `run`: Flask\'s development server, which conncalc does not follow there: unknown, said', () => {
    const files = {
      Procfile: 'web: shopctl run --host 0.0.0.0 --port $PORT\n',
      'requirements.txt': 'Flask==3.0.3\npsycopg2-binary==2.9.9\n-e .\n',
      'setup.py': 'from setuptools import setup\nsetup(name="shop", entry_points={"console_scripts": ["shopctl = shop.cli:cli"]})\n',
      'shop/__init__.py': '',
      'shop/cli.py': 'import click\nfrom flask.cli import FlaskGroup\n\n\n@click.group(cls=FlaskGroup)\ndef cli():\n    pass\n',
    }
    const s = planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(s.codes).toContain('unknown-command')
    expect(s.type('web').sources.threadsPerProcess.source.kind).toBe('assumed')
  })

  it('Flask-Script: `python manage.py run_worker` of an @manager.command runs that function; a Command class is not read', () => {
    const files = {
      Procfile: 'worker: python -u manage.py run_worker\nsync: python manage.py sync\n',
      'manage.py': 'import os\nfrom concurrent.futures import ThreadPoolExecutor\n\nfrom flask_script import Command, Manager\nfrom psycopg2.pool import ThreadedConnectionPool\n\nfrom app import app\n\nmanager = Manager(app)\npool = ThreadedConnectionPool(1, 6, os.environ["DATABASE_URL"])\n\n\n@manager.command\ndef run_worker():\n    conn = pool.getconn()\n    conn.cursor().execute("SELECT 1")\n\n\n@manager.option("-n", "--threads", dest="threads", default=3)\ndef backfill(threads):\n    with ThreadPoolExecutor(max_workers=8) as ex:\n        ex.map(print, range(10))\n\n\nclass Sync(Command):\n    def run(self):\n        pass\n\n\nmanager.add_command("sync", Sync())\n\nif __name__ == "__main__":\n    manager.run()\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'requirements.txt': 'Flask==1.1.4\nFlask-Script==2.0.6\npsycopg2-binary==2.9.9\n',
    }
    const s = planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'worker=1:standard-1x', 'sync=1:standard-1x'])
    // run_worker on the main thread (backfill's executor is another command's): 1 of the pool's 6.
    expect(s.type('worker')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 6, threadsPerProcess: 1})
    expect(s.type('worker').sources.threadsPerProcess.source.kind).toBe('file')
    expect(s.diagnostics.find((d) => d.processType === 'sync')?.message).toContain('manage.py is written with Flask-Script, not Django, and conncalc has no analyzer for its `sync` command')
  })

  it('Flask-Script: an @manager.option whose arguments run over several lines names its command by the function (hack4impact/maps4all add_fake_data)', () => {
    // `@manager.option('-n',\n '--number-users', …)` over `def add_fake_data`: the first string is the option's flag, not the
    // command's name, and the `def` is found past the argument lines (it was "no @manager.command function named
    // add_fake_data", 1 assumed). The function runs on the main thread: 1 of the pool's 6.
    const files = {
      Procfile: 'seed: python manage.py add_fake_data\n',
      'manage.py': 'import os\n\nfrom flask_script import Manager\nfrom psycopg2.pool import ThreadedConnectionPool\n\nfrom app import app\n\nmanager = Manager(app)\npool = ThreadedConnectionPool(1, 6, os.environ["DATABASE_URL"])\n\n\n@manager.option(\'-n\',\n                \'--number-users\',\n                default=10,\n                type=int,\n                help=\'Number of each model type to create\',\n                dest=\'number_users\')\ndef add_fake_data(number_users):\n    conn = pool.getconn()\n    conn.cursor().execute("SELECT 1")\n\n\nif __name__ == "__main__":\n    manager.run()\n',
      'app.py': 'from flask import Flask\napp = Flask(__name__)\n',
      'requirements.txt': 'Flask==1.1.4\nFlask-Script==2.0.6\npsycopg2-binary==2.9.9\n',
    }
    const s = planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'seed=1:standard-1x'])
    expect(s.type('seed')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 6, threadsPerProcess: 1})
    expect(s.type('seed').sources.threadsPerProcess.via?.map((v: {what?: string}) => v.what ?? '').join(' ')).toContain('Flask-Script runs add_fake_data() of manage.py')
    expect(s.codes).not.toContain('unknown-command')
  })

  it("a helper that starts a thread, called only from a CLI command through the name it was imported as: no extra in web", () => {
    // `from shop.tasks import drain_all as run_drain`, called in `@app.cli.command() def drain()`: the call writes
    // run_drain, not drain_all, and is found by the site the evaluator kept (import-threads.ts calls/mayCall). The
    // thread drain_all starts (shop/tasks.py:13) runs only in `flask drain`'s process. web: gunicorn --workers 2, 1 thread
    // each (gunicorn's default), one psycopg2.connect per request: 2 × 1 = 2, no extra (counting the thread there made
    // it 2 × 2 = 4). drain: the command's thread is not counted, 1* said. Total 2 + 1 = 3.
    const files = {
      Procfile: 'web: gunicorn "shop:create_app()" --workers 2\ndrain: flask --app shop:create_app drain\n',
      'requirements.txt': 'Flask==3.0.3\ngunicorn==23.0.0\npsycopg2-binary==2.9.9\n',
      'shop/__init__.py':
        'import os\n\nimport psycopg2\nfrom flask import Flask\n\nfrom shop.tasks import drain_all as run_drain\n\n\ndef create_app():\n    app = Flask(__name__)\n\n    @app.cli.command()\n    def drain():\n        run_drain()\n\n    @app.route("/")\n    def index():\n        conn = psycopg2.connect(os.environ["DATABASE_URL"])\n        return str(conn.server_version)\n\n    return app\n',
      'shop/tasks.py':
        'import os\nimport threading\n\nimport psycopg2\n\n\ndef work():\n    conn = psycopg2.connect(os.environ["DATABASE_URL"])\n    conn.cursor().execute("SELECT 1")\n\n\ndef drain_all():\n    t = threading.Thread(target=work)\n    t.start()\n    work()\n    t.join()\n',
    }
    const s = planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'web=1:standard-1x', 'drain=1:standard-1x'])
    expect(s.type('web')).toMatchObject({connectionsPerDyno: 2, extraPerProcess: 0, extras: []})
    expect(s.type('drain')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(s.type('drain').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(JSON.stringify(s.type('drain').sources.threadsPerProcess)).toContain('threading.Thread at shop/tasks.py:13')
    expect(s.total).toBe(3)
  })
})
