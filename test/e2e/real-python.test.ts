/**
 * Real open-source Python apps, modelled under test/fixtures/real-python/<app>/
 * on their upstream Procfiles, server configs and settings modules (each file
 * names the upstream path it follows). Every number asserted here was checked
 * by reading the Python: what the app would run with on Heroku.
 */
import {describe, expect, it} from 'vitest'

import {planJson, type PlanRow, procfileOf} from '../helpers/cli.js'

const plan = (app: string, ...args: string[]) => planJson(procfileOf(`real-python/${app}`), args)

const codes = (r: {codes: string[]}) => r.codes
const numbers = (p: PlanRow) => ({
  connections: p.connections,
  poolPerProcess: p.poolPerProcess,
  processesPerDyno: p.processesPerDyno,
  server: p.server,
  threadsPerProcess: p.threadsPerProcess,
})

describe('real Python apps', () => {
  it('cookiecutter-django: django-environ env.db("DATABASE_URL"), CONN_MAX_AGE from env.int, Celery following the CPU count', () => {
    const r = plan('cookiecutter-django', '--scale', 'web=2:standard-2x', 'worker=1', 'beat=1')
    expect(numbers(r.type('web'))).toEqual({connections: 8, poolPerProcess: 1, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 1})
    const pool = r.type('web').sources['pool.default']
    expect(pool.source).toEqual({file: 'config/settings/base.py', kind: 'file', line: 29})
    expect(pool.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('CONN_MAX_AGE=60 s')}))
    expect(pool.via).toContainEqual({file: 'config/settings/production.py', kind: 'file', line: 12})
    expect(numbers(r.type('worker'))).toEqual({connections: 8, poolPerProcess: 1, processesPerDyno: 8, server: 'celery', threadsPerProcess: 1})
    expect(r.type('beat').connections).toBe(1)
    expect(r.total).toBe(17)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'worker', severity: 'warning'}))
    // CONN_MAX_AGE=0 from the env reaches the explanation.
    const age0 = plan('cookiecutter-django', '--scale', 'web=1', '--env', 'CONN_MAX_AGE=0')
    expect(age0.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('CONN_MAX_AGE=0 s')}))
  })

  it('wagtail bakerydemo: dj_database_url.config() merged into a sqlite default with .update(); the dev settings say they have no PostgreSQL', () => {
    const prod = plan('bakerydemo', '--scale', 'web=2:standard-2x', '--env', 'DJANGO_SETTINGS_MODULE=bakerydemo.settings.production')
    expect(numbers(prod.type('web'))).toEqual({connections: 8, poolPerProcess: 1, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 1})
    expect(prod.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({what: expect.stringContaining('CONN_MAX_AGE=500 s')}))
    expect(codes(prod)).toEqual([])
    const dev = plan('bakerydemo', '--scale', 'web=2:standard-2x')
    expect(dev.type('web').connections).toBe(8)
    expect(dev.diagnostics).toContainEqual(
      expect.objectContaining({code: 'unknown-config-value', file: 'bakerydemo/settings/base.py', line: 24, message: expect.stringContaining('"default" uses django.db.backends.sqlite3')}),
    )
  })

  it("healthchecks: the settings module's own envint()/envbool() helpers, DB=postgres choosing the engine, manage.py sendalerts", () => {
    const r = plan('healthchecks', '--scale', 'web=2', 'worker=1', '--env', 'DB=postgres', '--env', 'DB_CONN_MAX_AGE=600')
    expect(numbers(r.type('web'))).toEqual({connections: 12, poolPerProcess: 2, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 2})
    const pool = r.type('web').sources['pool.default']
    expect(pool.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('CONN_MAX_AGE=600 s')}))
    expect(pool.via).toContainEqual({file: 'hc/settings.py', kind: 'file', line: 69})
    expect(numbers(r.type('worker'))).toEqual({connections: 1, poolPerProcess: 1, processesPerDyno: 1, server: 'django-command', threadsPerProcess: 1})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-command', message: expect.stringContaining('`manage.py sendalerts` is a Django management command'), processType: 'worker'}))
    expect(codes(r)).not.toContain('unknown-config-value')
    // Without DB=postgres the app runs on SQLite: said, not silently counted.
    const sqlite = plan('healthchecks', '--scale', 'web=1')
    expect(sqlite.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'hc/settings.py', line: 51}))
  })

  it('PostHog (Heroku era): DATABASES behind `if DATABASE_URL:` and get_from_env(type_cast=...), gthread workers from gunicorn.config.py, Celery threads pool', () => {
    const r = plan('posthog', '--scale', 'web=2', 'worker=1')
    expect(numbers(r.type('web'))).toEqual({connections: 16, poolPerProcess: 4, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'gunicorn.config.py', kind: 'file', line: 5})
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'posthog/settings/data_stores.py', kind: 'file', line: 22})
    expect(numbers(r.type('worker'))).toEqual({connections: 8, poolPerProcess: 8, processesPerDyno: 1, server: 'celery', threadsPerProcess: 8})
    expect(codes(r)).toEqual([])
    const more = plan('posthog', '--scale', 'web=1', 'worker=0', '--env', 'GUNICORN_WORKERS=3', '--env', 'GUNICORN_THREADS=8')
    expect(more.type('web')).toMatchObject({connections: 24, processesPerDyno: 3, threadsPerProcess: 8})
  })

  it('NetBox: gunicorn --pythonpath netbox, settings importing the configuration module with importlib and getattr, manage.py rqworker', () => {
    const r = plan('netbox', '--scale', 'web=2', 'worker=1')
    expect(numbers(r.type('web'))).toEqual({connections: 30, poolPerProcess: 3, processesPerDyno: 5, server: 'gunicorn', threadsPerProcess: 3})
    expect(r.type('web').sources.threadsPerProcess.source).toEqual({file: 'contrib/gunicorn.py', kind: 'file', line: 10})
    expect(r.type('web').sources['pool.default'].source).toEqual({file: 'netbox/netbox/configuration.py', kind: 'file', line: 11})
    expect(numbers(r.type('worker'))).toEqual({connections: 1, poolPerProcess: 1, processesPerDyno: 1, server: 'rq', threadsPerProcess: 1})
    expect(codes(r)).toEqual([])
  })

  it("microblog (Flask): SQLALCHEMY_DATABASE_URI from DATABASE_URL.replace(...), Flask-SQLAlchemy's default pool behind sync workers", () => {
    const r = plan('microblog', '--scale', 'web=2:standard-2x', 'worker=1')
    expect(numbers(r.type('web'))).toEqual({connections: 8, poolPerProcess: 15, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 1})
    expect(numbers(r.type('worker'))).toEqual({connections: 1, poolPerProcess: 15, processesPerDyno: 1, server: 'rq', threadsPerProcess: 1})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'oversized-pool', processType: 'web', severity: 'info'}))
  })

  it('full-stack-fastapi-template: `fastapi run --workers 4`, a sync SQLModel engine with the default 5 + 10 pool', () => {
    const r = plan('full-stack-fastapi', '--scale', 'web=2:standard-2x')
    expect(numbers(r.type('web'))).toEqual({connections: 120, poolPerProcess: 15, processesPerDyno: 4, server: 'uvicorn', threadsPerProcess: 15})
    expect(r.type('web').sources['pool.engine app/core/db.py:6'].source).toEqual({file: 'app/core/db.py', kind: 'file', line: 6})
    expect(codes(r)).toEqual([])
  })

  it('FastAPI + asyncpg: gunicorn -w ${WEB_CONCURRENCY:-3} with UvicornWorker, create_async_engine sized by pydantic settings', () => {
    const r = plan('fastapi-asyncpg', '--scale', 'web=2:standard-2x', 'worker=1')
    expect(numbers(r.type('web'))).toEqual({connections: 80, poolPerProcess: 10, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 10})
    const small = plan('fastapi-asyncpg', '--scale', 'web=1', 'worker=0', '--env', 'WEB_CONCURRENCY=3', '--env', 'DB_POOL_SIZE=5', '--env', 'DB_MAX_OVERFLOW=5')
    expect(small.type('web')).toMatchObject({connections: 30, poolPerProcess: 10, processesPerDyno: 3})
    // arq's worker (src/languages/python/arq.ts): its settings module app.worker is not in this fixture, so the worker
    // would exit at start: said, and counted as if it ran, starred: max_jobs 10 (arq's default) over the engine's pool 10.
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', message: expect.stringContaining('arq imports app.worker'), processType: 'worker'}))
    expect(numbers(r.type('worker'))).toEqual({connections: 10, poolPerProcess: 10, processesPerDyno: 1, server: 'arq', threadsPerProcess: 10})
    expect(r.type('worker').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(true)
  })

  it("django_dramatiq: manage.py rundramatiq's processes × threads, Django 5.1's psycopg pool from python-decouple, an unknown management command", () => {
    const r = plan('django-dramatiq', '--scale', 'web=2', 'worker=1', 'clock=1')
    expect(numbers(r.type('web'))).toEqual({connections: 16, poolPerProcess: 4, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 4})
    expect(numbers(r.type('worker'))).toEqual({connections: 8, poolPerProcess: 4, processesPerDyno: 2, server: 'dramatiq', threadsPerProcess: 4})
    // The pool opens min_size (2) connections at start, whatever the one thread uses.
    expect(r.type('clock')).toMatchObject({connections: 2, connectionsPerProcess: 2, server: 'django-command'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-command', processType: 'clock'}))
    // rundramatiq's own defaults: the CPU count for both processes and threads.
    const defaults = plan('django-dramatiq/Procfile.cpu-default', '--scale', 'worker=1:standard-1x', '--env', 'DB_POOL_MAX=8', '--env', 'DB_POOL_MIN=8')
    const w = defaults.type('worker')
    expect(w.sources.threadsPerProcess.source.what).toContain('django_dramatiq rundramatiq default --threads')
    expect(w).toMatchObject({connections: 64, poolPerProcess: 8, processesPerDyno: 8, threadsPerProcess: 8})
    expect(defaults.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'worker'}))
  })

  it('Saleor: uvicorn --workers=2 on ASGI Django, a replica alias from DATABASE_URL_REPLICA counted only when it is the same server', () => {
    const r = plan('saleor', '--scale', 'web=2', 'worker=1')
    expect(numbers(r.type('web'))).toEqual({connections: 4, poolPerProcess: 1, processesPerDyno: 2, server: 'uvicorn', threadsPerProcess: 1})
    expect(r.type('web').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({database: 'replica', server: 'host=localhost:5432'})])
    expect(numbers(r.type('worker'))).toEqual({connections: 2, poolPerProcess: 1, processesPerDyno: 2, server: 'celery', threadsPerProcess: 1})
    const url = 'postgres://u:p@ec2-1.compute-1.amazonaws.com:5432/d1'
    const same = plan('saleor', '--scale', 'web=2', 'worker=1', '--env', `DATABASE_URL=${url}`, '--env', `DATABASE_URL_REPLICA=${url}`)
    expect(same.type('web')).toMatchObject({connections: 8, poolPerProcess: 2})
    const other = plan('saleor', '--scale', 'web=2', 'worker=1', '--env', `DATABASE_URL=${url}`, '--env', 'DATABASE_URL_REPLICA=postgres://u:p@ec2-2.compute-1.amazonaws.com:5432/d1')
    expect(other.type('web').otherServerPools).toEqual([expect.objectContaining({database: 'replica', server: 'DATABASE_URL_REPLICA'})])
    expect(JSON.stringify(same)).not.toContain(':p@')
  })
})
