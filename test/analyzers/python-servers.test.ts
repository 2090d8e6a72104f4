import {describe, expect, it} from 'vitest'

import {celery} from '../../src/languages/python/celery.js'
import {daphne} from '../../src/languages/python/daphne.js'
import {dramatiq} from '../../src/languages/python/dramatiq.js'
import {djangoCommand} from '../../src/languages/python/django-command.js'
import {gunicorn} from '../../src/languages/python/gunicorn.js'
import {hypercorn} from '../../src/languages/python/hypercorn.js'
import {rq} from '../../src/languages/python/rq.js'
import {uvicorn} from '../../src/languages/python/uvicorn.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from './helpers.js'

const SETTINGS = `
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "OPTIONS": {"pool": True},
    },
    "replica": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "replica.internal",
        "NAME": "shop",
    },
    "legacy": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"},
}
`

const run = analyzeWith

describe('gunicorn', () => {
  it('reads -w/--threads and makes a sync worker with threads gthread', async () => {
    const a = await run(gunicorn, 'gunicorn app:app -w 3 --threads 5')
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([3, 5])
    expect(describeSourced(a.processesPerDyno)).toBe('flag -w 3')
  })

  it('uses --threads only for its own sync/gthread workers (gunicorn config.py worker_class): another class is 1 thread, assumed and saying why', async () => {
    const gthread = await run(gunicorn, 'gunicorn app:app -w 2 --threads 8 -k gthread')
    expect(gthread.threadsPerProcess).toMatchObject({source: {flag: '--threads 8', kind: 'flag'}, value: 8})
    const full = await run(gunicorn, 'gunicorn app:app -w 2 --threads 8 -k gunicorn.workers.sync.SyncWorker')
    expect(full.threadsPerProcess.value).toBe(8)
    const meinheld = await run(gunicorn, 'gunicorn app:app -w 2 --threads 8 -k meinheld.gmeinheld.MeinheldWorker')
    expect(meinheld.threadsPerProcess.value).toBe(1)
    expect(isAssumption(meinheld.threadsPerProcess)).toBe(true)
    expect(describeSourced(meinheld.threadsPerProcess)).toContain('gunicorn passes `threads` only to its gthread worker')
  })

  it('lets the command line win over GUNICORN_CMD_ARGS, which wins over the config file', async () => {
    const files = {'gunicorn.conf.py': 'workers = 2\nthreads = 2\n'}
    const a = await run(gunicorn, 'gunicorn app:app --threads 8', files, {GUNICORN_CMD_ARGS: '--workers 6 --threads 3'})
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([6, 8])
    expect(describeSourced(a.processesPerDyno)).toBe('flag GUNICORN_CMD_ARGS="--workers 6"')
  })

  it('reads -c python:module configs, and warns when workers follow cpu_count()', async () => {
    const files = {'config/gunicorn.py': 'import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n'}
    const a = await run(gunicorn, 'gunicorn app:app -c python:config.gunicorn', files)
    expect(a.processesPerDyno.value).toBe(17)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default'}))
  })

  it('counts gevent workers by worker_connections, bounded by the pool', async () => {
    const a = await run(gunicorn, 'gunicorn app:app -k gevent --worker-connections 200 -w 2')
    expect(a.threadsPerProcess.value).toBe(200)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'greenlet-concurrency', severity: 'info'}))
  })

  it('gevent with a SQLAlchemy pool smaller than the greenlets: the pool is the bound, so no greenlet note', async () => {
    const app = 'from sqlalchemy import create_engine\nengine = create_engine("postgresql://db/app", pool_size=10, max_overflow=5)\n'
    const a = await run(gunicorn, 'gunicorn app:app -k gevent -w 2', {'app.py': app})
    expect(a.threadsPerProcess.value).toBe(1000)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([15])
    expect(a.greenlets).toBe(true)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('greenlet-concurrency')
  })

  it('falls back to WEB_CONCURRENCY, then 1', async () => {
    expect((await run(gunicorn, 'gunicorn app:app', {}, {WEB_CONCURRENCY: '3'})).processesPerDyno.value).toBe(3)
    expect((await run(gunicorn, 'python -m gunicorn app:app')).processesPerDyno.value).toBe(1)
  })

  it('reads Django pools: psycopg_pool opens min_size up front, a replica on another host is not added in, sqlite is skipped', async () => {
    const files = {'shop/__init__.py': '', 'shop/settings.py': SETTINGS, 'shop/wsgi.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n'}
    const a = await run(gunicorn, 'gunicorn shop.wsgi --threads 2', files)
    expect(a.pools).toEqual([expect.objectContaining({database: 'default', minOpen: expect.objectContaining({value: 4}), pool: expect.objectContaining({value: 4})})])
    expect(a.otherServerPools).toEqual([expect.objectContaining({database: 'replica', server: 'host=replica.internal/shop'})])
  })

  it('warns that Django refuses a pool together with CONN_MAX_AGE', async () => {
    const settings = 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 600, "OPTIONS": {"pool": {"max_size": 8}}}}\n'
    const a = await run(gunicorn, 'gunicorn shop.wsgi', {'shop/settings.py': settings}, {DJANGO_SETTINGS_MODULE: 'shop.settings'})
    expect(a.pools?.[0].pool.value).toBe(8)
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'shop/settings.py', line: 1}))
  })

  it('a psycopg pool size or a worker_class the app sets in a way conncalc cannot read: the number used is an assumption naming the line (issue 11)', async () => {
    const settings = 'from shop.sizing import pool_min\nDATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"pool": {"min_size": pool_min(), "max_size": 6}}}}\n'
    const a = await run(gunicorn, 'gunicorn shop.wsgi', {'shop/settings.py': settings}, {DJANGO_SETTINGS_MODULE: 'shop.settings'})
    // min_size pool_min() is unknown: psycopg_pool's 4 is used, labelled; max_size 6 is read.
    expect(a.pools?.[0].minOpen).toMatchObject({value: 4, via: expect.arrayContaining([expect.objectContaining({kind: 'assumed', why: expect.stringContaining('shop/settings.py:2 sets this in a way conncalc cannot read')})])})
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    const conf = await run(gunicorn, 'gunicorn app:app -c gunicorn.conf.py', {'gunicorn.conf.py': 'import os\nworker_class = os.environ.get("WORKER_CLASS") or pick_class()\nthreads = 4\n'})
    expect(conf.threadsPerProcess.value).toBe(4)
    expect(isAssumption(conf.threadsPerProcess)).toBe(true)
    expect(conf.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'gunicorn.conf.py', line: 2}))
  })

  it('reads SQLAlchemy engines where the app creates them; NullPool means one connection per thread', async () => {
    const files = {
      'app.py': 'from db import engine\n',
      'db.py': 'from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\nengine = create_engine(URL, poolclass=NullPool)\nother = create_engine(URL, pool_size=2)\n',
    }
    const a = await run(gunicorn, 'gunicorn app:app --threads 4', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([4, 12])
  })
})

describe('ASGI servers', () => {
  it('uvicorn --workers, else WEB_CONCURRENCY; --limit-concurrency caps the event loop', async () => {
    expect((await run(uvicorn, 'uvicorn main:app', {}, {WEB_CONCURRENCY: '4'})).processesPerDyno.value).toBe(4)
    const a = await run(uvicorn, 'uvicorn main:app --workers 2 --limit-concurrency 20')
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([2, 20])
    expect((await run(uvicorn, 'fastapi run app/main.py --workers 3')).processesPerDyno.value).toBe(3)
  })

  it('driver pools the app makes: asyncpg under uvicorn bounds the event loop; psycopg2 and psycopg_pool under gunicorn', async () => {
    const asyncApp = {
      'app/db.py': 'import os\nimport asyncpg\n\n_pool = None\n\nasync def get_pool():\n    global _pool\n    if _pool is None:\n        _pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], max_size=int(os.environ.get("DB_POOL_MAX", "15")))\n    return _pool\n',
      'app/main.py': 'from fastapi import FastAPI\nfrom app.db import get_pool\n\napp = FastAPI()\n',
    }
    // max_size DB_POOL_MAX, else 15; min_size not given: asyncpg's 10, opened when the pool starts.
    const a = await run(uvicorn, 'uvicorn app.main:app --workers 2', asyncApp)
    expect(a.pools?.map((p) => [p.database, p.pool.value, p.minOpen?.value])).toEqual([['asyncpg app/db.py:9', 15, 10]])
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([2, 15])
    expect((await run(uvicorn, 'uvicorn app.main:app', asyncApp, {DB_POOL_MAX: '4'})).pools?.map((p) => [p.pool.value, p.minOpen?.value])).toEqual([[4, 4]])
    // psycopg2's ThreadedConnectionPool(minconn=2, maxconn=8) with 4 threads: 8 per process; psycopg_pool with min_size only: max = min = 6.
    const sync = await run(gunicorn, 'gunicorn app:app -w 2 --threads 4', {
      'app.py': 'from psycopg2 import pool\nfrom psycopg_pool import ConnectionPool\ndb = pool.ThreadedConnectionPool(2, 8, dsn="postgres://x")\nreports = ConnectionPool("postgres://x", min_size=6)\n',
    })
    expect(sync.pools?.map((p) => [p.database, p.pool.value, p.minOpen?.value])).toEqual([
      ['psycopg2 pool app.py:3', 8, 2],
      ['psycopg_pool app.py:4', 6, 6],
    ])
    // peewee's PooledPostgresqlDatabase without max_connections: 20.
    const pw = await run(gunicorn, 'gunicorn app:app', {'app.py': 'from playhouse.pool import PooledPostgresqlDatabase\ndb = PooledPostgresqlDatabase("shop", host="db")\n'})
    expect(pw.pools?.map((p) => p.pool.value)).toEqual([20])
    expect(describeSourced(pw.pools![0].pool)).toContain('peewee pool default max_connections')
  })

  it('Tortoise ORM: register_tortoise(db_url=…) is a pool of maxsize 5; a config dict\'s Postgres connections each their credentials\' maxsize', async () => {
    const url = await run(uvicorn, 'uvicorn main:app --workers 2', {
      'main.py': 'import os\nfrom fastapi import FastAPI\nfrom tortoise.contrib.fastapi import register_tortoise\n\napp = FastAPI()\nregister_tortoise(app, db_url=os.environ["DATABASE_URL"], modules={"models": ["models"]})\n',
    }, {DATABASE_URL: 'postgres://u:p@db.example.com:5432/shop'})
    // Heroku's URL has no ?maxsize=: Tortoise's 5 (minsize 1 opened at start); the event loop can use all 5.
    expect(url.pools?.map((p) => [p.database, p.pool.value, p.minOpen?.value])).toEqual([['tortoise default main.py:6', 5, 1]])
    expect([url.processesPerDyno.value, url.threadsPerProcess.value]).toEqual([2, 5])
    const config = await run(uvicorn, 'uvicorn main:app', {
      'main.py': [
        'from tortoise import Tortoise',
        'TORTOISE_ORM = {',
        '    "connections": {',
        '        "default": {"engine": "tortoise.backends.asyncpg", "credentials": {"host": "db", "database": "shop", "minsize": 2, "maxsize": 12}},',
        '        "events": "postgres://u:p@db:5432/events?maxsize=3",',
        '        "cache": "sqlite://db.sqlite3",',
        '    },',
        '    "apps": {"models": {"models": ["models"], "default_connection": "default"}},',
        '}',
        'async def init():',
        '    await Tortoise.init(config=TORTOISE_ORM)',
      ].join('\n'),
    })
    // default: maxsize 12 (minsize 2); events: ?maxsize=3 (minsize 1); the SQLite cache is not PostgreSQL: 12 + 3 = 15.
    expect(config.pools?.map((p) => [p.database, p.pool.value, p.minOpen?.value])).toEqual([
      ['tortoise default main.py:4', 12, 2],
      ['tortoise events main.py:5', 3, 1],
    ])
    expect(config.threadsPerProcess.value).toBe(15)
  })

  it('Channels runworker: one thread only when the pins say asgiref ≥ 3.3 (or channels 4); asgiref 3.2 (thread_sensitive off by default) stays unknown, 1 assumed', async () => {
    const cmd = 'python manage.py runworker jobs'
    const newer = await run(djangoCommand, cmd, {'manage.py': '', 'requirements.txt': 'channels==3.0.4\nasgiref==3.3.4\n'})
    expect([newer.threadsPerProcess.value, isAssumption(newer.threadsPerProcess)]).toEqual([1, false])
    const channels4 = await run(djangoCommand, cmd, {'manage.py': '', 'requirements.txt': 'channels==4.0.0\n'})
    expect(isAssumption(channels4.threadsPerProcess)).toBe(false)
    const older = await run(djangoCommand, cmd, {'manage.py': '', 'requirements.txt': 'channels==2.4.0\nasgiref==3.2.10\n'})
    expect(isAssumption(older.threadsPerProcess)).toBe(true)
    expect(older.diagnostics.map((d) => d.code)).toContain('unknown-command')
  })

  it('hypercorn -w and daphne (one process)', async () => {
    expect((await run(hypercorn, 'hypercorn main:app -w 3 --bind 0.0.0.0:5000')).processesPerDyno.value).toBe(3)
    expect((await run(daphne, 'daphne -b 0.0.0.0 -p 5000 proj.asgi:application')).processesPerDyno.value).toBe(1)
  })
})

describe('Python workers', () => {
  it('Celery prefork: -c processes of one thread; --autoscale max', async () => {
    const a = await run(celery, 'celery -A proj worker -c 3')
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([3, 1])
    expect((await run(celery, 'celery -A proj worker --autoscale=10,3')).processesPerDyno.value).toBe(10)
  })

  it('Celery threads/gevent pools run in one process; solo is one of each', async () => {
    const t = await run(celery, 'celery -A proj worker -P threads -c 12')
    expect([t.processesPerDyno.value, t.threadsPerProcess.value]).toEqual([1, 12])
    const g = await run(celery, 'celery -A proj worker --pool=gevent --concurrency=50')
    expect([g.processesPerDyno.value, g.threadsPerProcess.value]).toEqual([1, 50])
    const s = await run(celery, 'celery -A proj worker -P solo')
    expect([s.processesPerDyno.value, s.threadsPerProcess.value]).toEqual([1, 1])
  })

  it('Celery without -c uses the dyno CPU count (2 on performance-m, no warning there)', async () => {
    const a = await run(celery, 'celery -A proj worker', {}, {}, 'performance-m')
    expect(a.processesPerDyno.value).toBe(2)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it('RQ: worker is one job at a time; worker-pool -n N', async () => {
    expect((await run(rq, 'rq worker high default')).processesPerDyno.value).toBe(1)
    expect((await run(rq, 'rq worker-pool -n 3')).processesPerDyno.value).toBe(3)
    const d = await run(rq, 'rq worker-pool')
    expect(d.processesPerDyno.value).toBe(1)
    expect(describeSourced(d.processesPerDyno)).toContain('assumption: the RQ docs say 2')
    expect((await run(rq, 'python manage.py rqworker default')).server).toBe('rq')
  })

  it('Dramatiq: --processes default is the CPU count, --threads 8', async () => {
    const a = await run(dramatiq, 'dramatiq tasks')
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([8, 8])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default'}))
    const b = await run(dramatiq, 'dramatiq tasks --processes 2 --threads 4')
    expect([b.processesPerDyno.value, b.threadsPerProcess.value]).toEqual([2, 4])
  })
})
