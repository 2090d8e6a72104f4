/**
 * Django management commands in a Procfile (test/fixtures/django-commands): the command's
 * module is found through INSTALLED_APPS (`feeds.apps.FeedsConfig` → feeds/, `clock` → clock/)
 * and read with the app modules it imports, for threads and processes it starts.
 * DATABASES: one alias from dj_database_url.config (DATABASE_URL), one connection per thread.
 * Also django-heroku's settings(locals()), which sets DATABASES from DATABASE_URL on Heroku.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('django-commands'), ['--plan', 'standard-0'])

describe('python manage.py <command>', () => {
  it('run_clock starts no thread (schedule runs jobs in the calling thread): 1 process × 1 thread = 1, read, not assumed', () => {
    const r = plan()
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1, server: 'django-command', threadsPerProcess: 1})
    expect(r.type('clock').sources.threadsPerProcess.source).toEqual({file: 'clock/management/commands/run_clock.py', kind: 'file', line: 1})
    expect(r.type('clock').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'default', ref: 'https://github.com/django/django/blob/main/django/core/management/base.py'}))
    expect(r.diagnostics.filter((d) => d.processType === 'clock' && d.code === 'unknown-command')).toEqual([])
  })

  it('`cd /app/ && python /app/manage.py run_clock` (the platform app root as an absolute path, mozilla-services/tecken): the app\'s manage.py, read as `python manage.py run_clock` is', () => {
    const r = planJson(procfileOf('django-commands/Procfile.image'), ['--plan', 'standard-0'])
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1, server: 'django-command', threadsPerProcess: 1})
    expect(r.type('clock').sources.threadsPerProcess.source).toEqual({file: 'clock/management/commands/run_clock.py', kind: 'file', line: 1})
    expect(r.type('clock').sources.threadsPerProcess.via).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toEqual([])
  })

  it('listen_feeds (under newrelic-admin run-program) starts threads in a module it imports: unknown-command naming where, 1 assumed, + the New Relic agent\'s explain connection (psycopg installed), assumed', () => {
    const r = plan()
    expect(r.type('listener')).toMatchObject({connectionsPerDyno: 2, extraPerProcess: 1, server: 'django-command'})
    const d = r.diagnostics.find((x) => x.processType === 'listener' && x.code === 'unknown-command')
    expect(d?.message).toContain('threading.Thread at feeds/consumers.py:8')
  })

  it('parse_batches runs jobs on the app\'s own ThreadPoolExecutor subclass (feeds/pools.py, no __init__ of its own) without max_workers: Python\'s default min(32, cpus + 4) + the main thread', () => {
    // performance-m: nproc 2 (plans/dyno-sizes.json) → min(32, 2 + 4) = 6 pool threads + 1 main = 7, one connection each.
    const r = planJson(procfileOf('django-commands'), ['--plan', 'standard-0', '--scale', 'parser=1:performance-m'])
    expect(r.type('parser')).toMatchObject({connectionsPerDyno: 7, server: 'django-command', threadsPerProcess: 7})
    expect(r.type('parser').sources.threadsPerProcess.source).toEqual({file: 'feeds/management/commands/parse_batches.py', kind: 'file', line: 11})
    expect(r.diagnostics.filter((x) => x.processType === 'parser')).toEqual([])
    // No dyno size given: a standard-1x (nproc 8) is assumed, so 12 + 1 = 13 is starred, and the CPU-count warning names the pool.
    const d = plan()
    expect(d.type('parser')).toMatchObject({connectionsPerDyno: 13, threadsPerProcess: 13})
    expect(JSON.stringify(d.type('parser').sources.threadsPerProcess)).toContain('a 512 MB standard-1x dyno assumed')
    const cpu = d.diagnostics.find((x) => x.processType === 'parser' && x.code === 'cpu-count-default')
    expect(cpu?.message).toBe('parser: `manage.py parse_batches` threads is 13 because the thread pool at feeds/management/commands/parse_batches.py:11 has no max_workers, so Python sizes it from the CPU count, and a standard-1x dyno reports 8 CPUs (a shared host), not its share')
  })

  it('ThreadPoolExecutor(max_workers=4): 4 + the main thread = 5; a subclass with its own __init__ stays unknown (1 assumed, said)', () => {
    const r = plan()
    expect(r.type('resizer')).toMatchObject({connectionsPerDyno: 5, threadsPerProcess: 5})
    expect(r.diagnostics.filter((x) => x.processType === 'resizer')).toEqual([])
    expect(r.type('syncer')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('syncer').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.find((x) => x.processType === 'syncer' && x.code === 'unknown-command')?.message).toContain('BoundedExecutor (a concurrent.futures.ThreadPoolExecutor) at feeds/management/commands/sync_all.py:11')
  })

  it('Python 3.7 (runtime.txt): ThreadPoolExecutor() is cpus × 5 (test/fixtures/python-thread-pool-py37)', () => {
    // performance-m nproc 2: 2 × 5 = 10 pool threads + 1 main = 11, under the engine's pool_size 50.
    const r = planJson(procfileOf('python-thread-pool-py37'), ['--plan', 'standard-0', '--scale', 'mirror=1:performance-m'])
    expect(r.type('mirror')).toMatchObject({connectionsPerDyno: 11, poolPerProcess: 50, threadsPerProcess: 11})
    expect(r.type('mirror').sources.threadsPerProcess.via).toContainEqual({file: 'runtime.txt', kind: 'file', line: 1})
  })

  it('a command that is not in the app (an installed package\'s) stays unknown, saying it was not found', () => {
    const d = plan().diagnostics.find((x) => x.processType === 'tasks' && x.code === 'unknown-command')
    expect(d?.message).toContain('conncalc does not find in the app')
  })
})

describe('django_heroku.settings(locals()) (test/fixtures/django-heroku-settings)', () => {
  it('replaces the SQLite DATABASES with DATABASE_URL as on Heroku: 3 workers × 2 threads, one connection per thread = 6', () => {
    const r = planJson(procfileOf('django-heroku-settings'), ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 2, processesPerDyno: 3, threadsPerProcess: 2})
    expect(r.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({ref: 'https://github.com/heroku/django-heroku/blob/master/django_heroku/core.py'}))
    // Before, the SQLite alias left no PostgreSQL database: an unknown-config-value and a guess.
    expect(r.codes).not.toContain('unknown-config-value')
  })
})

describe('django_on_heroku.settings(locals()) (test/fixtures/django-on-heroku-settings)', () => {
  // django-on-heroku is django-heroku renamed (module django_on_heroku), settings() unchanged: DATABASE_URL replaces
  // the written-out SQLite alias. By hand: gunicorn 2 workers × 3 gthreads, Django one connection per thread = 6;
  // release migrate 1. It also installs psycopg2-binary, so the requirements need not list a driver.
  it('counts DATABASE_URL as on Heroku: web 6, release 1 (was 0: "no PostgreSQL")', () => {
    const r = planJson(procfileOf('django-on-heroku-settings'), ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 3, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('web').sources['pool.default'].via).toContainEqual(expect.objectContaining({ref: 'https://github.com/heroku/django-heroku/blob/master/django_heroku/core.py'}))
    expect(r.codes).not.toContain('not-postgresql')
  })
})
