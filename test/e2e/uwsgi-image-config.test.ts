/**
 * uWSGI's ini at an absolute path of a container image (fixture uwsgi-image-glob-copy; kiwitcms/Kiwi's shape):
 * etc/app.ini sets processes 4 and threads 2, Django holds one connection per thread: 4 × 2 = 8 per dyno.
 * - Dockerfile: `COPY ./etc/*.ini /etc/uwsgi/` (a wildcard source: each matching file goes into DEST, Docker's COPY,
 *   https://docs.docker.com/reference/dockerfile/#copy), then `CMD ["uwsgi", "--ini", "/etc/uwsgi/app.ini"]`.
 *   Was: the wildcard copy left out, "/etc/uwsgi/app.ini does not exist" (an error, exit 1) and uWSGI's defaults, 1.
 * - Dockerfile.single: `COPY ./etc/app.ini /etc/uwsgi/uwsgi.ini`, and a script the image runs (start.sh) starts
 *   `uwsgi --ini /etc/uwsgi/uwsgi.ini`: the ini is the repository file the COPY put there. Was the same error, 1.
 * - A script that starts `$(command -v uwsgi) --ini ${SRC}/etc/app.ini`, in an image whose last COPY brings a build
 *   stage's node_modules back with `COPY --from=deps --parents /srv/app/./node_modules/ .` (kobotoolbox/kpi's shape):
 *   8. Was 1: the command word read as a program conncalc does not know, and --parents ignored, so /srv/app read as
 *   the deps stage's copy of etc/ (`COPY --parents etc/ package.json .` taken for etc's contents at /srv/app).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

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

  it('a start script running `$(command -v uwsgi)`, after a COPY --parents: the ini its path names, 8, nothing assumed', () => {
    const {app} = tempApps('uwsgi-image-glob-copy')
    const dir = app({
      'Dockerfile.parents': [
        'FROM node:22-slim AS deps',
        'WORKDIR /srv/app',
        'COPY --parents etc/ package.json .',
        'RUN npm ci',
        'FROM python:3.12-slim',
        'ENV SRC=/srv/app',
        'WORKDIR ${SRC}',
        'COPY . ${SRC}',
        'RUN pip install --no-cache-dir -r requirements.txt',
        'COPY --from=deps --parents /srv/app/./node_modules/ .',
        'CMD ["/bin/bash", "start-lookup.sh"]',
      ].join('\n'),
      'package.json': '{"name": "assets", "private": true}\n',
      'start-lookup.sh': '#!/bin/bash\nset -e\ncd "${SRC}"\n$(command -v uwsgi) --ini ${SRC}/etc/app.ini\n',
    })
    const r = planJson(`${dir}/Dockerfile.parents`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(r.codes).not.toContain('unknown-command')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 4, server: 'uwsgi', threadsPerProcess: 2})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'etc/app.ini', kind: 'file', line: 5})
  })
})
