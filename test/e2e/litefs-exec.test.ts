/**
 * `litefs mount` as an image's CMD (Fly.io's LiteFS): once the FUSE mount is up it runs its config's `exec` commands in
 * turn, each but the last to its end (migrations, `if-candidate: true` on candidate nodes only), then supervises the last
 * (https://fly.io/docs/litefs/migrations/). Its config is `-config PATH`, else ./litefs.yml, else /etc/litefs.yml
 * (https://fly.io/docs/litefs/config/). epicweb-dev/epic-stack: `ADD other/litefs.yml /etc/litefs.yml`, CMD ["litefs",
 * "mount"], exec: `npx prisma migrate deploy` (if-candidate), two sqlite3 PRAGMAs, `npm start`. Was: "conncalc does not
 * recognise litefs", 1*.
 * Here the last command runs a pg Pool of max 4 (one process): 4; the migration before it is not the process.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const LITEFS = ['fuse:', '  dir: "/litefs"', 'exec:', '  - cmd: node migrate.js', '    if-candidate: true', '  - cmd: "npm start"', ''].join('\n')
const files = (dockerfile: string[], extra: Record<string, string> = {}) =>
  app({
    Dockerfile: dockerfile.join('\n'),
    'fly.toml': 'app = "ledger"\n\n[build]\n  dockerfile = "Dockerfile"\n',
    'migrate.js': "const {Client} = require('pg')\nconst c = new Client()\nc.connect().then(() => c.query('select 1')).then(() => c.end())\n",
    'package.json': JSON.stringify({dependencies: {pg: '^8.11.0'}, name: 'ledger', scripts: {start: 'node server.js'}}),
    'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 4})\nrequire('node:http').createServer(async (req, res) => res.end(JSON.stringify((await pool.query('select 1')).rows))).listen(8080)\n",
    ...extra,
  })

const plan = (dir: string) => planJson(join(dir, 'fly.toml'), ['--plan', 'standard-0', '--scale', 'app=1'])

describe('litefs mount runs the last command of its exec list', () => {
  it('its config ADDed to /etc/litefs.yml: npm start (node server.js, pg max 4), not the migration before it', () => {
    const r = plan(files(['FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'ADD deploy/litefs.yml /etc/litefs.yml', 'CMD ["litefs", "mount"]'], {'deploy/litefs.yml': LITEFS}))
    expect(r.type('app')).toMatchObject({connections: 4, server: 'node'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('./litefs.yml in the WORKDIR, and -config naming another: the same process', () => {
    expect(plan(files(['FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'CMD ["litefs", "mount"]'], {'litefs.yml': LITEFS})).type('app')).toMatchObject({connections: 4})
    expect(plan(files(['FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'CMD ["litefs", "mount", "-config", "/app/config/litefs.yml"]'], {'config/litefs.yml': LITEFS})).type('app')).toMatchObject({connections: 4})
  })

  it('no config anywhere: unknown, said', () => {
    const r = plan(files(['FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'CMD ["litefs", "mount"]']))
    expect(r.codes).toContain('unknown-command')
  })
})
