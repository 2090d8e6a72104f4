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

  it('listen_feeds (under newrelic-admin run-program) starts threads in a module it imports: unknown-command naming where, 1 assumed', () => {
    const r = plan()
    expect(r.type('listener')).toMatchObject({connectionsPerDyno: 1, server: 'django-command'})
    const d = r.diagnostics.find((x) => x.processType === 'listener' && x.code === 'unknown-command')
    expect(d?.message).toContain('threading.Thread at feeds/consumers.py:8')
  })

  it('parse_batches runs jobs on the app\'s own subclass of ThreadPoolExecutor (feeds/pools.py): unknown-command naming the class and its base, 1 thread assumed, not a silent 1', () => {
    const r = plan()
    expect(r.type('parser')).toMatchObject({connectionsPerDyno: 1, server: 'django-command', threadsPerProcess: 1})
    expect(r.type('parser').sources.threadsPerProcess.source.kind).toBe('assumed')
    const d = r.diagnostics.find((x) => x.processType === 'parser' && x.code === 'unknown-command')
    expect(d?.message).toContain('ClosingExecutor (a concurrent.futures.ThreadPoolExecutor) at feeds/management/commands/parse_batches.py:11')
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
