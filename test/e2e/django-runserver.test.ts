/**
 * `python manage.py runserver` as a process type (test/fixtures/django-runserver): Django's development
 * server, one process that serves each request on a thread of its own (runserver.py: threaded unless
 * --nothreading; basehttp.py ThreadedWSGIServer), and each thread opens its own connection per alias. With
 * no pool (DATABASES from dj_database_url, no OPTIONS "pool") nothing bounds them: web is 1 assumed, with
 * unbounded-pool saying why. `--nothreading` serves one request at a time: 1, read from the flag. `python -m manage
 * runserver` (djangoproject.com's Makefile) is the same command: Python runs the working folder's manage.py as
 * __main__ (python -m); it was read as a plain manage.py script on its main thread, 1 unstarred and nothing said.
 * Total 3. Before, runserver was an unknown command ("not found in the app"), 1 assumed with no word on threads.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Django runserver in a Procfile', () => {
  it('threaded: a thread per request, unbounded without a pool (1 assumed, said); --nothreading: 1 read', () => {
    const r = planJson(procfileOf('django-runserver'), ['--plan', 'standard-0', '--scale', 'web=1', 'single=1', 'module=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 1, server: 'django-runserver'})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', processType: 'web'}))
    expect(r.type('single').sources.threadsPerProcess.source).toEqual({flag: '--nothreading', kind: 'flag'})
    expect(r.type('module')).toMatchObject({connectionsPerDyno: 1, server: 'django-runserver'})
    expect(r.type('module').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', processType: 'module'}))
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(3)
  })
})
