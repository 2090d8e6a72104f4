/**
 * django-extensions `manage.py runscript NAME` (test/fixtures/django-runscript): the script is
 * `<app>/scripts/NAME.py` of an INSTALLED_APPS app, else the project's `scripts/NAME.py`, and
 * runscript calls its run() from handle() (django-extensions docs, runscript). Read like any
 * management command's module: ops/scripts/cron.py builds an APScheduler BlockingScheduler with
 * its default executor — a thread pool of 10 (apscheduler/executors/pool.py max_workers=10) — and
 * adds its jobs inside a decorator class's __call__, which conncalc does not count: 10 threads,
 * Django's one connection per thread → 10. scripts/cleanup.py runs on the main thread: 1.
 * Before, runscript was an unknown command counted 1 × 1 (mozmeao/snippets-service's clock).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('django-runscript'), ['--plan', 'standard-0', '--scale', 'clock=1', 'nightly=1'])

describe('manage.py runscript', () => {
  it("an app's scripts/cron.py with APScheduler and jobs added in a decorator class: the pool of 10 is the bound, said", () => {
    const r = plan()
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 1, threadsPerProcess: 10})
    const threads = r.type('clock').sources.threadsPerProcess
    expect(threads.source).toEqual({file: 'ops/scripts/cron.py', kind: 'file', line: 4})
    expect(threads.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('conncalc does not count them')}))
    expect(threads.via).toContainEqual(expect.objectContaining({ref: 'https://django-extensions.readthedocs.io/en/latest/runscript.html'}))
  })

  it("the project's scripts/cleanup.py: 1 thread, read; total 10 + 1 = 11 with no unknown command", () => {
    const r = plan()
    expect(r.type('nightly')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('nightly').sources.threadsPerProcess.source).toEqual({file: 'scripts/cleanup.py', kind: 'file', line: 1})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(11)
  })
})
