import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'
import {memoryFiles} from '../../src/model/files.js'
import {analyzers} from '../../src/procfile/registry.js'
import {ctxFor} from '../analyzers/helpers.js'

const run = (app: string, args: string[] = []) => runJson<PlanJson>(['plan', '--procfile', fixture(`${app}/Procfile`), '--plan', 'standard-0', ...args])
const numbers = (r: {json: PlanJson}, name: string) => {
  const p = r.json.processTypes.find((x) => x.name === name)!
  return [p.server, p.processesPerDyno, p.threadsPerProcess, p.poolPerProcess, p.connections]
}

// Werkzeug's development server (werkzeug/serving.py make_server): threaded → a thread per request with no limit;
// processes=N → at most N forked children, one request each; neither → one request at a time.
// Flask ≥ 1.0: app.run() and `flask run` are threaded by default (flask/app.py setdefault("threaded", True),
// flask/cli.py --with-threads default True); Flask 0.x is not. Flask-Script's Server passes threaded=False,
// processes=1 unless `--threaded`, `--processes N` or Server(threaded=…, processes=…) say otherwise.
describe('Flask apps on Werkzeug\'s development server (conncalc plan --json)', () => {
  it('Flask-Script runserver, flask run and app.run(): processes and threads from their options, a threaded server bounded by the pool', () => {
    const r = run('flask-dev-server')
    expect(r.code).toBe(0)
    // Pool: SQLALCHEMY_ENGINE_OPTIONS pool_size int(DB_POOL_SIZE or 4) + max_overflow 2 = 6 (app/config.py).
    // web: runserver, Server defaults: 1 × 1 → 1.
    expect(numbers(r, 'web')).toEqual(['werkzeug', 1, 1, 6, 1])
    // threaded: runserver --threaded: a thread per request, the pool bounds them: 1 × min(6, 6) = 6.
    expect(numbers(r, 'threaded')).toEqual(['werkzeug', 1, 6, 6, 6])
    // serve: manager.add_command("serve", Server(threaded=True)) in manage.py: 6.
    expect(numbers(r, 'serve')).toEqual(['werkzeug', 1, 6, 6, 6])
    // forked: runserver --processes 3: 3 children × 1 request each = 3.
    expect(numbers(r, 'forked')).toEqual(['werkzeug', 3, 1, 6, 3])
    // dev: flask --app app:create_app run, Flask 3.0.3 (threaded by default): 6.
    expect(numbers(r, 'dev')).toEqual(['werkzeug', 1, 6, 6, 6])
    // nothreads: flask run --without-threads (app from wsgi.py): 1 × 1 = 1.
    expect(numbers(r, 'nothreads')).toEqual(['werkzeug', 1, 1, 6, 1])
    // script: python run.py → create_app().run(…), Flask 3.0.3 default threaded: 6.
    expect(numbers(r, 'script')).toEqual(['werkzeug', 1, 6, 6, 6])
    // 1 + 6 + 6 + 3 + 6 + 1 + 6 = 29.
    expect(r.json.total).toBe(29)
    expect(r.json.diagnostics.filter((d) => d.code === 'unknown-command' || d.code === 'unbounded-pool')).toEqual([])
    const serve = r.json.processTypes.find((x) => x.name === 'serve')!
    expect(serve.sources.threadsPerProcess.via?.map((s) => s.file)).toContain('manage.py')
    // DB_POOL_SIZE=10: pool 12, each threaded type 12: 1 + 12 + 12 + 3 + 12 + 1 + 12 = 53.
    expect(run('flask-dev-server', ['--env', 'DB_POOL_SIZE=10']).json.total).toBe(53)
  })

  it('threaded with no pool: unbounded-pool with a fix, 1 counted as a labelled assumption; Flask 0.12 flask run is single-threaded', () => {
    const r = run('flask-dev-server-no-pool')
    // web: app.run(threaded=True) with psycopg2.connect per request: 1 assumed; cli: Flask 0.12.4 flask run: 1 × 1 read.
    expect(numbers(r, 'web')).toEqual(['werkzeug', 1, 1, null, 1])
    expect(numbers(r, 'cli')).toEqual(['werkzeug', 1, 1, null, 1])
    const web = r.json.processTypes.find((x) => x.name === 'web')!
    expect(web.sources.threadsPerProcess.source.kind).toBe('assumed')
    const cli = r.json.processTypes.find((x) => x.name === 'cli')!
    expect(cli.sources.threadsPerProcess.source.kind).toBe('default')
    const d = r.json.diagnostics.filter((x) => x.code === 'unbounded-pool')
    expect(d.map((x) => x.processType)).toEqual(['web'])
    expect(d[0].message).toContain('starts a thread for every request with no limit')
    expect(d[0].fix).toContain('--assume web=1:N:N')
  })

  const analyze = async (command: string, files: Record<string, string>) => {
    const ctx = ctxFor(command, {files: memoryFiles(files)})
    const a = analyzers.find((x) => x.matches(ctx.command, ctx))!
    return {id: a.id, ...(await a.analyze(ctx))}
  }

  const app = (run: string) => `from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    ${run}\n`

  it('no pinned Flask: threaded (Flask ≥ 1.0) is a labelled assumption; processes=3 with Flask ≥ 1.0\'s default threads is refused by Werkzeug, said', async () => {
    const unpinned = await analyze('python app.py', {'app.py': app('app.run(host="0.0.0.0")')})
    expect(unpinned.id).toBe('werkzeug')
    // No pool: 1 thread assumed, and its chain says Flask ≥ 1.0 was assumed.
    expect(unpinned.threadsPerProcess.value).toBe(1)
    expect(JSON.stringify(unpinned.threadsPerProcess.via)).toContain('no pinned Flask version found')
    const forked = await analyze('python app.py', {'app.py': app('app.run(processes=3)'), 'requirements.txt': 'Flask==2.3.3\n'})
    // make_server raises for threaded and processes > 1: counted 3 × 1, with a warning.
    expect([forked.processesPerDyno.value, forked.threadsPerProcess.value]).toEqual([3, 1])
    expect(forked.diagnostics.map((d) => d.message).join('\n')).toContain('Werkzeug refuses threaded with processes=3')
    // Flask 0.12: not threaded by default, so processes=3 forks: 3 × 1, no warning.
    const old = await analyze('python app.py', {'app.py': app('app.run(processes=3)'), 'requirements.txt': 'Flask==0.12.4\n'})
    expect([old.processesPerDyno.value, old.threadsPerProcess.value, old.diagnostics.length]).toEqual([3, 1, 0])
  })

  it('a script that calls .run() on something that is not a Flask app is not taken for one', async () => {
    const a = await analyze('python bot.py', {'bot.py': 'from bot import Bot\n\nBot().run()\n', 'requirements.txt': 'flask==3.0.0\n'})
    expect(a.server).toBe('unknown')
    expect(a.diagnostics[0].message).toContain('finds no Flask app\'s run() in it')
    expect(a.threadsPerProcess.source.kind).toBe('assumed')
  })

  it('a script whose only .run() is asyncio.run(main()) is read as a script, in an app that also has Flask: its asyncpg pool (max 4, min 2 kept open) on the main thread = 2', async () => {
    const bot = 'import asyncio\nimport os\n\nimport asyncpg\n\n\nasync def main():\n    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=2, max_size=4)\n    async with pool.acquire() as conn:\n        await conn.execute("select 1")\n\n\nif __name__ == "__main__":\n    asyncio.run(main())\n'
    const a = await analyze('python bot.py', {'bot.py': bot, 'requirements.txt': 'flask==3.0.3\nasyncpg==0.29.0\n'})
    expect(a.server).toBe('python-script')
    expect(a.diagnostics.filter((d) => d.code === 'unknown-command')).toEqual([])
    expect(a.pools?.map((p) => [p.database, p.pool.value, p.minOpen?.value])).toEqual([['asyncpg bot.py:8', 4, 2]])
    expect(a.threadsPerProcess.value).toBe(1)
  })
})
