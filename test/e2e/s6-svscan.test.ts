/**
 * s6-svscan as a dyno's or image's process supervisor (gogs/gogs: `CMD ["/usr/bin/s6-svscan", "/app/gogs/docker/s6/"]`):
 * it starts an s6-supervise for every service folder of its scan folder (names beginning with a dot are s6's own), which
 * runs the folder's ./run, unless the folder holds a `down` file (https://skarnet.org/software/s6/s6-svscan.html,
 * s6-supervise.html). test/fixtures/s6-svscan: services/puma (Puma `workers 2`, `threads 4, 4`, database.yml pool 6: 2 ×
 * min(6, 4) = 8), services/jobs (Sidekiq -c 2: min(6, 2) = 2), services/sshd (the OpenSSH server: 0), services/cron (a
 * `down` file: not started), services/.s6-svscan (s6-svscan's own control folder). 8 + 2 + 0 = 10 per dyno; the first
 * service folder by name (jobs) is the type's process, the others run beside it.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'

describe('s6-svscan runs each service folder\'s ./run in the dyno', () => {
  it('puma 8 + sidekiq 2 + sshd 0 = 10; the down service and the dot folder are not started', () => {
    const r = planJson(procfileOf('s6-svscan'), ['--plan', 'standard-0'])
    const web = r.type('web')
    expect(web).toMatchObject({connectionsPerDyno: 10, extraPerDyno: 8, server: 'sidekiq', threadsPerProcess: 2})
    expect(r.total).toBe(10)
    expect(web.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'default', ref: 'https://skarnet.org/software/s6/s6-svscan.html; https://skarnet.org/software/s6/s6-supervise.html', what: expect.stringContaining('(cron: a down file, not started)')}))
    expect(r.codes).not.toContain('unknown-command')
  })

  it('a scan folder that is not in the app is an unknown command that says so', () => {
    const r = planJson(procfileOf('s6-svscan/Procfile.missing'), ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 1, server: 'unknown'})
    expect(r.diagnostics.find((d) => d.code === 'unknown-command')?.message).toContain('s6-svscan reads the service folders of nowhere, which is not in the app')
  })

  // test/fixtures/s6-go-image: a Go server built in a stage (`go build -o /out/server ./cmd/server`), copied to WORKDIR
  // /app/svc, and `CMD ["/usr/bin/s6-svscan", "/app/svc/docker/s6/"]` after `COPY docker ./docker`. docker/s6/server/run
  // execs /app/svc/server: that build's package, SetMaxOpenConns(12) at cmd/server/main.go:16; syslogd beside it holds none.
  it('in an image: the scan folder a COPY brought, and a run script execing the binary a Go build stage made: 12', () => {
    const dir = fixture('s6-go-image')
    const r = planJson(`${dir}/Dockerfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, server: 'go', threadsPerProcess: 12})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'cmd/server/main.go', line: 16}))
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(12)
  })
})
