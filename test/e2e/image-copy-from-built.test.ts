/**
 * What a later stage copies from a builder stage that is not a repository file:
 * - blinko-space/blinko's `dockerfile` (lower case: `docker build` takes it when there is no Dockerfile, docker/cli
 *   cli/command/image/build/context.go getDockerfileRelPath "look for 'dockerfile' too"): the builder writes start.sh
 *   with `RUN printf '…\nnode server/index.js\n' > start.sh` and the final stage runs `COPY --from=builder
 *   /app/start.sh ./` then `CMD ["/app/start.sh"]`. The script is the text the RUN wrote: node server/index.js, pg Pool
 *   max 6. Was: the file read as a Procfile (every line invalid), and with a Dockerfile name the script taken for the
 *   repository path "start.sh/start.sh", not in the app: 1*.
 * - SocialGouv/emjpm's packages/api/Dockerfile: the builder copies the workspace piece by piece (`COPY package.json
 *   yarn.lock /app/`, `COPY packages/api/package.json /app/packages/api/package.json`, `COPY packages/api/src
 *   /app/packages/api/src/`), builds, and the final stage copies `/app/packages/api/dist/` to /app/dist/ and runs `node
 *   /app/dist/index.js`. /app/packages/api mirrors packages/api, so that is packages/api/dist/index.js, which the
 *   package's `ncc build src/start.js` writes: knex pool max 7. Was: the copy dropped, dist/index.js not found, 1*.
 * - refly-ai/refly's apps/api/Dockerfile: the builder copies the repository (`COPY . .`) and builds apps/api; the final
 *   stage copies `/app/apps/api/dist` to ./apps/api/dist, sets `WORKDIR /app/apps/api/dist` and runs `node main.js`.
 *   The command runs in the package's build output, which is not in the repository: read as `cd dist && node main.js`
 *   from apps/api, whose tsconfig outDir maps dist/main.js back to src/main.ts (pg Pool max 7). Was: the folder not found,
 *   the command read from the repository root: main.js not in the app, 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const plan = (dir: string, dockerfile: string) => planJson(join(dir, dockerfile), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])

const writtenScript = (name: string) =>
  app({
    [name]: [
      'FROM node:20 AS builder',
      'WORKDIR /app',
      'COPY . .',
      'RUN npm ci',
      "RUN printf '#!/bin/sh\\necho \"env: $NODE_ENV\"\\nnode server/index.js\\n' > start.sh && chmod +x start.sh",
      'FROM node:20-alpine AS runner',
      'WORKDIR /app',
      'ENV NODE_ENV=production',
      'COPY --from=builder /app/server ./server',
      'COPY --from=builder /app/node_modules ./node_modules',
      'COPY --from=builder /app/start.sh ./',
      'CMD ["/app/start.sh"]',
    ].join('\n'),
    'package.json': JSON.stringify({dependencies: {pg: '^8.11.0'}, name: 'notes'}),
    'server/index.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 6})\nrequire('node:http').createServer(async (req, res) => res.end(JSON.stringify((await pool.query('select 1')).rows))).listen(1111)\n",
  })

describe('COPY --from of what the builder made', () => {
  it('a script the builder wrote with a RUN, copied on and run as CMD: node server/index.js, pg max 6', () => {
    const r = plan(writtenScript('Dockerfile'), 'Dockerfile')
    expect(r.type('web')).toMatchObject({connections: 6, server: 'node'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('the same image in a lower-case `dockerfile`: 6', () => {
    const r = plan(writtenScript('dockerfile'), 'dockerfile')
    expect(r.type('web')).toMatchObject({connections: 6, server: 'node'})
    expect(r.codes).not.toContain('invalid-procfile-line')
  })

  it("a workspace package's build output below the folders the builder copied piece by piece: knex max 7", () => {
    const dir = app({
      'lerna.json': '{"version": "0.0.0"}\n',
      'package.json': JSON.stringify({name: 'root', private: true, workspaces: ['packages/*']}),
      'packages/api/Dockerfile': [
        'FROM node:20-alpine AS builder',
        'WORKDIR /app',
        'COPY package.json yarn.lock /app/',
        'COPY packages/api/package.json /app/packages/api/package.json',
        'RUN yarn --frozen-lockfile --production',
        'COPY packages/api/src /app/packages/api/src/',
        'COPY packages/api/knexfile.js /app/packages/api/knexfile.js',
        'COPY lerna.json /app/packages/api/src/lerna.ci.json',
        'RUN yarn workspace @x/api build',
        'FROM node:20-alpine AS server',
        'WORKDIR /app',
        'CMD ["node", "/app/dist/index.js"]',
        'COPY --from=builder /app/packages/api/dist/ /app/dist/',
      ].join('\n'),
      'packages/api/knexfile.js': "module.exports = {client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 7}}\n",
      'packages/api/package.json': JSON.stringify({dependencies: {knex: '^2.5.0', pg: '^8.11.0'}, devDependencies: {'@vercel/ncc': '^0.38.0'}, name: '@x/api', scripts: {build: 'ncc build src/start.js', start: 'node dist/index.js'}}),
      'packages/api/src/start.js': "const knex = require('knex')(require('../knexfile'))\nrequire('node:http').createServer(async (req, res) => res.end(JSON.stringify(await knex.raw('select 1')))).listen(process.env.PORT)\n",
      'yarn.lock': '',
    })
    expect(plan(dir, 'packages/api/Dockerfile').type('web')).toMatchObject({connections: 7, server: 'node'})
  })

  const workdirInDist = (workdir: string, cmd: string) =>
    app({
      Dockerfile: [
        'FROM node:20 AS builder',
        'WORKDIR /app',
        'COPY package.json ./',
        'COPY apps/api/package.json ./apps/api/',
        'COPY . .',
        'RUN npm ci && npm run build --workspace @x/api',
        'FROM node:20-slim AS production',
        'WORKDIR /app',
        'COPY --from=builder /app/apps/api/dist ./apps/api/dist',
        'COPY --from=builder /app/apps/api/package.json ./apps/api/package.json',
        'COPY --from=builder /app/node_modules ./node_modules',
        `WORKDIR ${workdir}`,
        `CMD ${cmd}`,
      ].join('\n'),
      'apps/api/package.json': JSON.stringify({dependencies: {pg: '^8.11.0'}, devDependencies: {typescript: '^5.4.0'}, name: '@x/api', scripts: {build: 'tsc', start: 'node dist/main.js'}}),
      'apps/api/src/main.ts': "import {Pool} from 'pg'\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 7})\nrequire('node:http').createServer(async (req: unknown, res: {end(s: string): void}) => res.end(JSON.stringify((await pool.query('select 1')).rows))).listen(process.env.PORT)\n",
      'apps/api/tsconfig.json': JSON.stringify({compilerOptions: {outDir: './dist', rootDir: './src'}}),
      'package.json': JSON.stringify({name: 'root', private: true, workspaces: ['apps/*']}),
    })

  it('a WORKDIR inside the build output the final stage copied from the builder: `node main.js` there is apps/api/dist/main.js, pg max 7', () => {
    const r = plan(workdirInDist('/app/apps/api/dist', '["node", "main.js"]'), 'Dockerfile')
    expect(r.type('web')).toMatchObject({command: 'cd dist && node main.js', connections: 7, server: 'node'})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('the same image run from the package folder or the root: 7 each, as before', () => {
    expect(plan(workdirInDist('/app/apps/api', '["node", "dist/main.js"]'), 'Dockerfile').type('web')).toMatchObject({command: 'node dist/main.js', connections: 7})
    expect(plan(workdirInDist('/app', '["node", "apps/api/dist/main.js"]'), 'Dockerfile').type('web')).toMatchObject({connections: 7})
  })
})
