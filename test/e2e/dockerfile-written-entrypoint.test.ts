/**
 * A Dockerfile that writes its entrypoint with the shell in a RUN (`echo '…' > /usr/local/bin/entrypoint.sh && echo '…'
 * >> …`, `printf`, a heredoc `cat <<'EOF' > …`, BuildKit's `COPY <<EOF /path`): the written lines are the script the
 * container runs, read like a repository file and cited at the Dockerfile lines that wrote them. Before, the path was
 * "not in the app": 1 process × 1 connection, assumed and warned.
 *
 * App (temp, made up): Node, fly.toml with no [processes] (the default group app runs the Dockerfile's ENTRYPOINT);
 * server.js a pg Pool of max 7, worker.js one of max 3.
 *   echo chain: the script runs `exec node server.js` (in the else branch of an `if [ -n "$DEBUG_SHELL" ]` whose then
 *     branch runs the same): 7.
 *   heredoc `cat <<'EOF' > /app/start.sh` running `node worker.js`, and a printf line before it: 3.
 *   COPY <<EOF /entrypoint.sh: 7.
 *   an unquoted heredoc holding `$` (expanded by the build's shell): not read, said; 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pool = (max: number): string => `const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: ${max}})\nrequire('node:http').createServer(async (q, r) => r.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n`

const base = {
  'fly.toml': 'app = "ledger"\n\n[http_service]\n  internal_port = 8080\n',
  'package.json': '{"name": "ledger", "dependencies": {"pg": "^8.13.1"}}\n',
  'server.js': pool(7),
  'worker.js': pool(3),
}

const echoed = [
  'FROM node:22-slim',
  'WORKDIR /app',
  'COPY . .',
  "RUN echo '#!/bin/sh' > /usr/local/bin/entrypoint.sh && \\",
  "    echo 'set -e' >> /usr/local/bin/entrypoint.sh && \\",
  '    echo \'if [ -n "$DEBUG_SHELL" ]; then\' >> /usr/local/bin/entrypoint.sh && \\',
  "    echo '  exec node server.js' >> /usr/local/bin/entrypoint.sh && \\",
  "    echo 'else' >> /usr/local/bin/entrypoint.sh && \\",
  "    echo '  exec node server.js' >> /usr/local/bin/entrypoint.sh && \\",
  "    echo 'fi' >> /usr/local/bin/entrypoint.sh && \\",
  '    chmod +x /usr/local/bin/entrypoint.sh',
  'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
  '',
].join('\n')

const heredoc = [
  'FROM node:22-slim',
  'WORKDIR /app',
  'COPY . .',
  "RUN printf '#!/bin/sh\\nset -e\\n' > /app/start.sh",
  "RUN cat <<'EOF' >> /app/start.sh",
  'echo "starting on $PORT"',
  'exec node worker.js',
  'EOF',
  'CMD ["sh", "/app/start.sh"]',
  '',
].join('\n')

const copied = ['# syntax=docker/dockerfile:1', 'FROM node:22-slim', 'WORKDIR /app', 'COPY . .', 'COPY <<EOF /entrypoint.sh', '#!/bin/sh', 'exec node server.js', 'EOF', 'ENTRYPOINT ["sh", "/entrypoint.sh"]', ''].join('\n')

const expanded = ['FROM node:22-slim', 'WORKDIR /app', 'COPY . .', 'RUN cat <<EOF > /app/start.sh', 'exec node server.js --port $PORT', 'EOF', 'CMD ["sh", "/app/start.sh"]', ''].join('\n')

describe('an entrypoint a Dockerfile RUN writes', () => {
  it("reads echo lines as the script: exec node server.js → pool 7", () => {
    const r = planJson(join(app({...base, Dockerfile: echoed}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({command: './Dockerfile@/usr/local/bin/entrypoint.sh', connections: 7, server: 'node'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('reads printf and a quoted heredoc appended to it: node worker.js → 3', () => {
    const r = planJson(join(app({...base, Dockerfile: heredoc}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 3, server: 'node'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('reads a COPY heredoc: 7', () => {
    const r = planJson(join(app({...base, Dockerfile: copied}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 7, server: 'node'})
  })

  it("does not read a heredoc the build's shell expands: unknown, said with the line", () => {
    const r = planJson(join(app({...base, Dockerfile: expanded}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app').connections).toBe(1)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', line: 4, message: expect.stringContaining("/app/start.sh, which the image runs, is written by a RUN: the heredoc at line 5 is expanded by the build's shell")}))
  })
})

/**
 * `redis-server … & exec ./bin/api` (an embedded Redis started before the app's own binary, which conncalc cannot read):
 * the type is the exec'd program, unknown (1*), with redis-server (0) beside it. Before, redis-server was taken for the
 * type's server and the binary put beside it (same total, labels swapped).
 */
describe('a program conncalc cannot read, exec-ed after a background Redis', () => {
  it('is the type (unknown), with redis-server beside it', () => {
    const dir = app({'Procfile': 'web: sh bin/start.sh\n', 'bin/start.sh': '#!/bin/sh\nredis-server --port 6380 &\nexec ./bin/api --port "$PORT"\n', 'package.json': '{"name": "x"}\n'})
    const r = planJson(join(dir, 'Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({connections: 1, server: 'unknown'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-command', message: expect.stringContaining('bin/api is not in the app')}))
  })
})
