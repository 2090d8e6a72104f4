/**
 * A container image whose Dockerfile puts a folder of the app on the PATH (test/fixtures/image-env-path: `COPY . .` into
 * /srv/shop, `ENV PATH /srv/shop/bin:$PATH`, `CMD ["start-web"]`; hypothesis/h's `CMD ["init-env", …]` with
 * /var/lib/hypothesis/bin on the PATH): the shell finds the app's bin/start-web there, which execs
 * gunicorn --workers 3 --threads 2 on a Flask-SQLAlchemy pool of 2 + 1: 3 × min(3, 2) = 6.
 * Was: "conncalc does not recognise start-web", 1 process × 1 connection, starred.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('a bare CMD found on a PATH the Dockerfile\'s ENV sets to an app folder (test/fixtures/image-env-path)', () => {
  it('runs the app\'s script from that folder: 3 × min(3, 2) = 6', () => {
    const r = planJson(`${fixture('image-env-path')}/Dockerfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 3, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 2})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(6)
  })
})
