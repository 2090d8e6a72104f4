/**
 * A script line that is one quoted literal with blanks in it, `'(while true; do python sync.py; sleep 600; done) &'`
 * (serl/ttrss-heroku's update.sh daemon branch): the quotes make the line one word, and bash looks for a program of
 * that name, finds none ("command not found", status 127) and runs nothing. Under `#!/bin/bash -e` the script ends
 * there, so its `exec gunicorn app:app` never starts; without -e it goes on. Fixture script-quoted-command-line
 * (Flask + gunicorn, a SQLAlchemy pool of 5): web and sync run gunicorn (WEB_CONCURRENCY 2 on standard-1x, one
 * connection per sync worker), worker runs boot.sh's daemon branch. Before, the quoted line was passed over
 * unsaid and worker counted gunicorn's 2: total 6, no warning.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const SCALE = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', 'sync=1:standard-1x']

describe('a quoted command line run as one word', () => {
  const r = planJson(procfileOf('script-quoted-command-line'), SCALE)

  it('under set -e the script ends at it: worker starts nothing, said at boot.sh:4', () => {
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'unknown-config-value',
        file: 'boot.sh',
        line: 4,
        message: expect.stringContaining('runs a program named `(while true; do python sync.py; sleep 600; done) &`: the quotes make the line one word, bash finds no such program ("command not found") and runs nothing; under set -e the script ends here, so nothing after it starts'),
        processType: 'worker',
        severity: 'warning',
      }),
    )
    // The script then starts no process that stays up: conncalc's one-connection assumption, starred, not gunicorn's 2.
    expect(r.type('worker').server).toBe('unknown')
    expect(r.type('worker').connections).toBe(1)
    expect(r.type('worker').sources.processesPerDyno.source).toMatchObject({kind: 'assumed'})
  })

  it('without set -e the script goes on: sync runs gunicorn (2), and the line is still said', () => {
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({file: 'lenient.sh', line: 2, message: expect.stringMatching(/runs a program named `sleep 5 && python sync\.py`: .* runs nothing$/), processType: 'sync'}),
    )
    expect(r.type('sync').server).toBe('gunicorn')
    expect(r.type('sync').connections).toBe(2)
  })

  it('web, the other branch, is untouched: 2; total 2 + 1 + 2 = 5', () => {
    expect(r.type('web').connections).toBe(2)
    expect(r.diagnostics.filter((d) => d.processType === 'web' && d.severity === 'warning')).toEqual([])
    expect(r.total).toBe(5)
  })
})
