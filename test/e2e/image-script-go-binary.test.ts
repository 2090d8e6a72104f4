/**
 * A Go binary a Dockerfile builds inside a shell `if` and that an entrypoint script, copied from a subfolder of the
 * repository, runs by its absolute path (prest/prest's Dockerfile and etc/entrypoint.sh):
 *
 *   RUN if [ -f go.mod ]; then go build -ldflags "-s -w" -o xd cmd/x/main.go; fi      (in /workspace, a copy of .)
 *   COPY --from=builder /workspace/xd /bin/xd
 *   COPY --from=builder /workspace/etc/entrypoint.sh /app/entrypoint.sh
 *   ENTRYPOINT ["sh", "/app/entrypoint.sh"]                                           (the script ends `/bin/xd $@`)
 *
 * Made-up module example.com/x: cmd/x/main.go opens one database/sql pool capped by SetMaxOpenConns(7), so the process
 * holds at most 7 connections (database/sql's MaxOpenConns), 1 dyno: 7.
 *
 * Before: `go build … main.go; fi` was read with `;` and `fi` as packages (the `;` has no space before it), so no build
 * wrote xd; and the script's command was read in etc/ (the script's folder), where there is no go.mod, so /bin/xd was
 * not a Go binary at all: unknown, 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const mod = {
  'cmd/x/main.go': 'package main\n\nimport (\n\t"database/sql"\n\t"os"\n\n\t_ "github.com/lib/pq"\n)\n\nfunc main() {\n\tdb, _ := sql.Open("postgres", os.Getenv("DATABASE_URL"))\n\tdb.SetMaxOpenConns(7)\n\tdb.Ping()\n}\n',
  'etc/entrypoint.sh': '#!/bin/sh\nsleep 1\n/bin/xd $@\n',
  'go.mod': 'module example.com/x\n\ngo 1.22\n\nrequire github.com/lib/pq v1.10.9\n',
}
const builder = ['FROM golang:1.22 AS builder', 'WORKDIR /workspace', 'COPY . .', 'RUN if [ -f go.mod ]; then \\', '      go build -ldflags "-s -w" -o xd cmd/x/main.go; \\', '    fi', '', 'FROM debian:bookworm-slim', 'COPY --from=builder /workspace/xd /bin/xd']

describe('a Go binary built inside a RUN `if`, run by a script copied from a subfolder', () => {
  it('`ENTRYPOINT ["sh", "/app/entrypoint.sh"]`, the script running /bin/xd: the root module\'s cmd/x, SetMaxOpenConns(7): 7', () => {
    const dockerfile = [...builder, 'COPY --from=builder /workspace/etc/entrypoint.sh /app/entrypoint.sh', 'WORKDIR /app', 'ENTRYPOINT ["sh", "/app/entrypoint.sh"]', ''].join('\n')
    const r = planJson(join(app({...mod, Dockerfile: dockerfile}), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, server: 'go'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('`CMD ["/bin/xd"]`: the build inside the `if` writes xd: 7', () => {
    const dockerfile = [...builder, 'CMD ["/bin/xd"]', ''].join('\n')
    const r = planJson(join(app({...mod, Dockerfile: dockerfile}), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, server: 'go'})
  })

  it('a script binary no `go build -o` of the Dockerfile writes stays unknown (1*), root go.mod or not', () => {
    const dockerfile = [...builder, 'COPY --from=builder /workspace/etc/entrypoint.sh /app/entrypoint.sh', 'WORKDIR /app', 'ENTRYPOINT ["sh", "/app/entrypoint.sh"]', ''].join('\n')
    const r = planJson(join(app({...mod, Dockerfile: dockerfile, 'etc/entrypoint.sh': '#!/bin/sh\n/bin/other-tool serve\n'}), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 1, server: 'unknown'})
    expect(r.codes).toContain('unknown-command')
  })
})
