/**
 * uWSGI's ini at an absolute path of a container image (fixture uwsgi-image-glob-copy; kiwitcms/Kiwi's shape):
 * etc/app.ini sets processes 4 and threads 2, Django holds one connection per thread: 4 × 2 = 8 per dyno.
 * - Dockerfile: `COPY ./etc/*.ini /etc/uwsgi/` (a wildcard source: each matching file goes into DEST, Docker's COPY,
 *   https://docs.docker.com/reference/dockerfile/#copy), then `CMD ["uwsgi", "--ini", "/etc/uwsgi/app.ini"]`.
 *   Was: the wildcard copy left out, "/etc/uwsgi/app.ini does not exist" (an error, exit 1) and uWSGI's defaults, 1.
 * - Dockerfile.single: `COPY ./etc/app.ini /etc/uwsgi/uwsgi.ini`, and a script the image runs (start.sh) starts
 *   `uwsgi --ini /etc/uwsgi/uwsgi.ini`: the ini is the repository file the COPY put there. Was the same error, 1.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

const plan = (dockerfile: string) => planJson(fixture(`uwsgi-image-glob-copy/${dockerfile}`), ['--plan', 'standard-0', '--scale', 'web=1'])

describe("uWSGI's --ini at an image path", () => {
  it('a wildcard COPY puts etc/app.ini at /etc/uwsgi/app.ini: 4 processes × 2 threads = 8, no missing-config error', () => {
    const r = plan('Dockerfile')
    expect(r.exit).toBe(0)
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 4, server: 'uwsgi', threadsPerProcess: 2})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'etc/app.ini', kind: 'file', line: 5})
  })

  it('a script the image runs names the ini by its image path: the copied etc/app.ini, 8', () => {
    const r = plan('Dockerfile.single')
    expect(r.exit).toBe(0)
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 4, threadsPerProcess: 2})
    expect(r.total).toBe(8)
  })
})
