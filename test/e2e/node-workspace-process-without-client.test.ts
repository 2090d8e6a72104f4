/**
 * A process run in a workspace package's folder (`pnpm --filter @relay/worker start`) whose whole import graph is read
 * and reaches no PostgreSQL client: the lock file that says what its packages depend on is the monorepo root's
 * pnpm-lock.yaml, above the folder it runs in. Made-up pnpm monorepo (the shape of a Next.js app with Prisma at the
 * root and a Redis poller in services/worker): the worker's src/index.js imports only ioredis, which the lock file
 * shows depends on denque and redis-errors, no PostgreSQL client: 0, said. Before: the lock file was looked for in
 * services/worker only, so the graph could not be closed: the pg dependency's default pool 10, assumed (1, assumed,
 * for a package that lists no client).
 * A worker that also imports pg keeps pg's default pool max 10 (node-postgres, pg-pool's index.js).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const LOCK = `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      '@prisma/client':
        specifier: ^5.15.0
        version: 5.15.0

  services/worker:
    dependencies:
      ioredis:
        specifier: ^5.4.1
        version: 5.4.1
      pg:
        specifier: ^8.13.1
        version: 8.13.1

packages:

  '@prisma/client@5.15.0':
    resolution: {integrity: sha512-AAAA}

  denque@2.1.0:
    resolution: {integrity: sha512-BBBB}

  ioredis@5.4.1:
    resolution: {integrity: sha512-CCCC}

  pg@8.13.1:
    resolution: {integrity: sha512-DDDD}

  redis-errors@1.2.0:
    resolution: {integrity: sha512-EEEE}

snapshots:

  '@prisma/client@5.15.0': {}

  denque@2.1.0: {}

  ioredis@5.4.1:
    dependencies:
      denque: 2.1.0
      redis-errors: 1.2.0

  pg@8.13.1: {}

  redis-errors@1.2.0: {}
`

const monorepo = (worker: string) =>
  app({
    'Procfile': 'worker: pnpm --filter @relay/worker start\n',
    'package.json': JSON.stringify({name: 'relay', packageManager: 'pnpm@9.0.0', private: true, dependencies: {'@prisma/client': '^5.15.0'}}, null, 2),
    'pnpm-lock.yaml': LOCK,
    'pnpm-workspace.yaml': 'packages:\n  - "services/*"\n',
    'services/worker/package.json': JSON.stringify({name: '@relay/worker', type: 'module', scripts: {start: 'node src/index.js'}, dependencies: {ioredis: '^5.4.1', pg: '^8.13.1'}}, null, 2),
    'services/worker/src/index.js': worker,
  })

const poller = ["import Redis from 'ioredis'", '', 'const redis = new Redis(process.env.REDIS_URL)', "setInterval(async () => console.log(await redis.get('display:active')), 60_000)"].join('\n')

describe('a workspace package process that never loads a PostgreSQL client', () => {
  it('reads the root pnpm-lock.yaml for what ioredis depends on: 0 connections, said', () => {
    const r = planJson(join(monorepo(poller), 'Procfile'), ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 0})
    const threads = r.type('worker').sources.threadsPerProcess
    expect(threads).toMatchObject({source: {file: 'services/worker/src/index.js', kind: 'file', line: 1}, value: 0})
    expect(JSON.stringify(threads)).toContain('ioredis, which pnpm-lock.yaml shows depends on no PostgreSQL client')
    expect(r.total).toBe(0)
  })

  it('a worker that imports pg as well keeps its pool: pg default max 10', () => {
    const r = planJson(join(monorepo(`import pg from 'pg'\n${poller}\nexport const pool = new pg.Pool({connectionString: process.env.DATABASE_URL})\n`), 'Procfile'), ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 10, poolPerProcess: 10})
  })
})
