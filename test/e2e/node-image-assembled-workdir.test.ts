/**
 * A monorepo image whose build stage copies the workspace piece by piece into /app (`COPY ./packages/db ./packages/db`,
 * `COPY ./services/api ./services/api`, no `COPY . .`) and whose final stage copies /app whole (`COPY --from=build /app
 * /app`, WORKDIR /app/services/api, `node api.ts`): the bluesky-social/atproto services/*\/Dockerfile shape. The command
 * runs in services/api, so api.ts is read. Its cluster mode is behind `if (workerCount)`, the count parsed by a helper
 * that returns early (`if (!str) return`) when CLUSTER_WORKER_COUNT is unset: no fork, one process.
 * Before: 1* (api.ts looked for at the repository root: "not in the app"); with only the copy mapped, 8 processes
 * assumed (the helper's bare `return` not read as undefined, so the cluster branch was undecided).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dockerfile = [
  'FROM node:24-alpine AS build',
  'RUN npm install -g pnpm',
  'WORKDIR /app',
  'COPY ./package.json ./',
  'COPY ./pnpm-workspace.yaml ./',
  'COPY ./packages/db ./packages/db',
  'COPY ./services/api ./services/api',
  'RUN pnpm install --frozen-lockfile && pnpm -r build',
  'FROM node:24-alpine',
  'RUN apk add --update dumb-init',
  'ENTRYPOINT ["dumb-init", "--"]',
  'COPY --from=build /app /app',
  'WORKDIR /app/services/api',
  'ENV NODE_ENV=production',
  'CMD ["node", "--enable-source-maps", "api.ts"]',
].join('\n')

const api = (workers: string) =>
  [
    "import cluster from 'node:cluster'",
    "import {pool} from './db.ts'",
    '',
    'const main = async () => {',
    "  await pool.query('select 1')",
    '}',
    '',
    'const maybeParseInt = (str: string | undefined) => {',
    '  if (!str) return',
    '  const int = parseInt(str, 10)',
    '  if (isNaN(int)) return',
    '  return int',
    '}',
    '',
    `const workerCount = ${workers}`,
    '',
    'if (workerCount) {',
    '  if (cluster.isPrimary) {',
    '    for (let i = 0; i < workerCount; ++i) cluster.fork()',
    '  } else {',
    '    main()',
    '  }',
    '} else {',
    '  main()',
    '}',
  ].join('\n')

const files = (workers: string) => ({
  Dockerfile: dockerfile,
  'package.json': JSON.stringify({name: 'mono', private: true}, null, 2),
  'packages/db/package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, main: 'index.js', name: '@acme/db'}, null, 2),
  'packages/db/index.js': "module.exports = {}\n",
  'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - 'services/*'\n",
  'services/api/api.ts': api(workers),
  'services/api/db.ts': ["import pg from 'pg'", '', 'export const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 7})'].join('\n'),
  'services/api/package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, name: 'api-service', private: true, type: 'module'}, null, 2),
})

describe('an image whose WORKDIR is a folder the build stage assembled piece by piece', () => {
  it('runs services/api/api.ts: pg Pool max 7, one process (CLUSTER_WORKER_COUNT unset: the helper returns undefined)', () => {
    const dir = app(files('maybeParseInt(process.env.CLUSTER_WORKER_COUNT)'))
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    // 1 process × pg Pool max 7 (services/api/db.ts:3) = 7.
    expect(r.type('web')).toMatchObject({connections: 7, processesPerDyno: 1, threadsPerProcess: 7})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'services/api/db.ts', kind: 'file', line: 3})
  })

  it('a fork under `if (process.env.CLUSTER_WORKER_COUNT)` with the variable unset forks nothing: one process, said', () => {
    const dir = app(files('process.env.CLUSTER_WORKER_COUNT'))
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    expect(r.type('web')).toMatchObject({connections: 7, processesPerDyno: 1})
    expect(r.diagnostics.find((d) => d.code === 'unresolved-env' && d.line === 19)?.message).toMatch(/cluster\.fork\(\) here runs only when `workerCount` \(services\/api\/api\.ts:17\) holds; CLUSTER_WORKER_COUNT has no value/)
  })
})
