/**
 * A Bun single-file executable (`bun build src/index.ts --compile --outfile=dist/server` in a package.json script;
 * https://bun.sh/docs/bundler/executables): the file is made at build, so it is not in the repository; running it runs
 * the entry point in Bun. Read as `bun src/index.ts` from the package's folder (procfile/compiled-binary.ts), said in an
 * info. Before: an unknown program, 1 process × 1 connection, assumed and warned.
 *
 * App (temp, made up): package.json scripts build (the compile) and start (`./dist/server`); src/index.ts a pg Pool of
 * max 7 behind Bun.serve.
 *   Procfile `web: ./dist/server`: 7.
 *   fly.toml with a two-stage Dockerfile: `RUN bun run build` in the build stage, `COPY --from=build /app/dist/server
 *     /srv/server`, CMD ["/srv/server"]: 7.
 *   a build script whose --outfile names another file: still unknown, 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pkg = (out: string): string => JSON.stringify({dependencies: {pg: '^8.13.1'}, name: 'api', scripts: {build: `bun build src/index.ts --compile --minify --outfile=${out}`, start: './dist/server'}}, null, 2)
const base = (out = 'dist/server') => ({
  'package.json': pkg(out),
  'src/index.ts': "import {Pool} from 'pg'\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 7})\nBun.serve({port: Number(process.env.PORT), fetch: async () => new Response(String((await pool.query('select 1')).rowCount))})\n",
})

describe('a Bun executable compiled by a package.json script', () => {
  it('Procfile ./dist/server: bun src/index.ts, 7, said', () => {
    const r = planJson(join(app({...base(), Procfile: 'web: ./dist/server\n'}), 'Procfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, server: 'node'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringContaining("dist/server is the Bun executable package.json:7's `build` script compiles from src/index.ts"), severity: 'info'}))
  })

  it('copied from the build stage to /srv/server and run by CMD (fly.toml): 7', () => {
    const dockerfile = ['FROM oven/bun:1 AS build', 'WORKDIR /app', 'COPY . .', 'RUN bun run build', '', 'FROM debian:bookworm-slim', 'WORKDIR /srv', 'COPY --from=build /app/dist/server /srv/server', 'CMD ["/srv/server"]', ''].join('\n')
    const r = planJson(join(app({...base(), Dockerfile: dockerfile, 'fly.toml': 'app = "ledger"\n'}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 7, server: 'node'})
  })

  it('a monorepo package built in its stage, copied to /app/server and run by the entrypoint script (`exec setpriv … /app/server`, `exec /srv/server`): 7', () => {
    // MGrin/scani-oss's worker shape: the build stage copies only apps/worker, the runtime stage takes its dist/server; the
    // script names the image path, which the line reader writes `server` (the platform's /app root): mapped back through
    // the COPY to apps/worker/dist/server, the package's compile. Before: "server" unknown, 1*.
    const worker = Object.fromEntries(Object.entries(base()).map(([k, v]) => [`apps/worker/${k}`, v]))
    for (const [to, run] of [['/app/server', 'exec setpriv --reuid app --regid app --init-groups /app/server'], ['/srv/server', 'exec /srv/server']]) {
      const dockerfile = ['FROM oven/bun:1 AS build', 'WORKDIR /app', 'COPY package.json ./', 'COPY apps/worker ./apps/worker', 'RUN cd apps/worker && bun run build', '', 'FROM debian:bookworm-slim AS runtime', 'WORKDIR /app', `COPY --from=build /app/apps/worker/dist/server ${to}`, 'COPY apps/worker/entrypoint.sh /app/entrypoint.sh', 'CMD ["/app/entrypoint.sh"]', ''].join('\n')
      const files = {...worker, 'apps/worker/Dockerfile': dockerfile, 'apps/worker/entrypoint.sh': `#!/bin/sh\nset -eu\n${run}\n`, 'apps/worker/fly.toml': 'app = "jobs"\n\n[build]\n  dockerfile = "Dockerfile"\n', 'package.json': JSON.stringify({private: true, workspaces: ['apps/*']})}
      const dir = app(files)
      const r = planJson(join(dir, 'apps/worker/fly.toml'), ['--limit', '100', '--scale', 'app=1', '--root', dir])
      expect(r.type('app')).toMatchObject({connections: 7, server: 'node'})
    }
  })

  it('a compile to another file: ./dist/server stays unknown, 1', () => {
    const r = planJson(join(app({...base('dist/api'), Procfile: 'web: ./dist/server\n'}), 'Procfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 1})
    expect(r.codes).toContain('unknown-command')
  })
})
