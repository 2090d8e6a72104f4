/**
 * Huey consumers of a Django app (test/fixtures/django-huey). huey@2.5.3 consumer_options.py: workers 1,
 * worker_type thread by default; `-w/--workers`, `-k/--worker-type` on the command line win over the settings.
 * run_huey (huey.contrib.djhuey) reads settings.HUEY["consumer"]; django-huey's djangohuey reads
 * DJANGO_HUEY["queues"][--queue or DJANGO_HUEY["default"]]["consumer"]. Django: one connection per thread
 * (or greenlet) per alias, no pool (dj_database_url.config(), CONN_MAX_AGE 0).
 * worker: HUEY consumer workers 4, thread → 1 process × 4 threads = 4.
 * bulk: -w 2 -k process → 2 processes × 1 thread = 2.
 * mail: queues.mail workers 3, greenlet → 1 × 3 = 3.
 * main: no --queue → DJANGO_HUEY["default"] "main": workers int(env("MAIN_WORKERS", 2)) with `env = os.environ.get` = 2 → 2.
 * Total 4 + 2 + 3 + 2 = 11. Before, each was an unknown management command, 1 × 1*.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const scale = ['--scale', 'worker=1', 'bulk=1', 'mail=1', 'main=1']
const plan = (extra: string[] = []) => planJson(procfileOf('django-huey'), ['--plan', 'standard-0', ...scale, ...extra])

describe('huey consumers (run_huey, djangohuey)', () => {
  it('reads the consumer options from HUEY / DJANGO_HUEY and the command line: 4 + 2 + 3 + 2 = 11', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 1, server: 'huey', threadsPerProcess: 4})
    expect(r.type('worker').sources.threadsPerProcess.source).toEqual({file: 'proj/settings.py', kind: 'file', line: 13})
    expect(r.type('bulk')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2, threadsPerProcess: 1})
    expect(r.type('mail')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 1, threadsPerProcess: 3})
    expect(r.type('main')).toMatchObject({connectionsPerDyno: 2, threadsPerProcess: 2})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.total).toBe(11)
  })

  it('MAIN_WORKERS from the env reaches the default queue: main 5, total 14', () => {
    const r = plan(['--env', 'MAIN_WORKERS=5'])
    expect(r.type('main')).toMatchObject({connectionsPerDyno: 5, threadsPerProcess: 5})
    expect(r.total).toBe(14)
  })

  it('settings without DJANGO_HUEY: huey default 1 worker, starred and warned', () => {
    const {app} = tempApps('django-huey')
    const dir = app({Procfile: 'mail: python manage.py djangohuey --queue mail\n', 'proj/settings.py': 'import dj_database_url\n\nINSTALLED_APPS = ["django_huey"]\nDATABASES = {"default": dj_database_url.config()}\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'mail=1'])
    expect(r.type('mail')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('mail').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('proj.settings sets no DJANGO_HUEY')
  })

  it('the command of an app INSTALLED_APPS does not list (no huey.contrib.djhuey): still an unknown management command, 1 × 1*', () => {
    const {app} = tempApps('django-huey')
    const dir = app({Procfile: 'clock: python manage.py run_huey\n', 'proj/settings.py': 'import dj_database_url\n\nINSTALLED_APPS = ["django_huey"]\nDATABASES = {"default": dj_database_url.config()}\nHUEY = {"consumer": {"workers": 4}}\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'clock=1'])
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 1, server: 'django-command', threadsPerProcess: 1})
    expect(r.codes).toContain('unknown-command')
  })
})
