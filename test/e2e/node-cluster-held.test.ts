/**
 * The cluster module held in a class field, the shape of Cameri/nostream (a Nostr relay): src/index.ts imports cluster
 * and, in the primary, runs `new App(process, cluster, …).run()`; src/app/app.ts keeps it as `private readonly cluster:
 * Cluster` (a type-only import) and forks `WORKER_COUNT ? Number(WORKER_COUNT) : settings.workers.count || cpus().length`
 * workers with `this.cluster.fork(env)`; each worker opens knex with pool max DB_MAX_POOL_SIZE, else 3. Was: no fork seen,
 * one process (3, nothing said; nostream 3 vs 27 by hand). Now the fork is seen: one worker per CPU, assumed (the loop's
 * count is not evaluated), 8 on a Heroku standard-1x dyno (nproc 8) in a Docker image (no buildpack WEB_CONCURRENCY):
 * 8 x 3 = 24, starred. The primary opens no pool (worker() runs only in a worker).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('cluster.fork through a field holding the cluster module', () => {
  const files = {
    Dockerfile: 'FROM node:18-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install && npm run build\nCMD ["node", "dist/index.js"]\n',
    'package.json': JSON.stringify({dependencies: {knex: '^2.5.0', pg: '^8.11.0'}, name: 'relay', scripts: {build: 'tsc'}}),
    'src/app.ts': [
      "import { Cluster } from 'cluster'",
      "import { cpus } from 'os'",
      'export class App {',
      '  public constructor(private readonly process: NodeJS.Process, private readonly cluster: Cluster) {}',
      '  public run(): void {',
      '    const workerCount = process.env.WORKER_COUNT ? Number(process.env.WORKER_COUNT) : cpus().length',
      '    for (let i = 0; i < workerCount; i++) {',
      '      this.cluster.fork({WORKER_INDEX: i.toString()})',
      '    }',
      '  }',
      '}',
    ].join('\n'),
    'src/index.ts': "import cluster from 'cluster'\nimport { App } from './app'\nimport { worker } from './worker'\nif (cluster.isPrimary) {\n  new App(process, cluster).run()\n} else {\n  worker()\n}\n",
    'src/worker.ts': "import knex from 'knex'\nexport const worker = () => knex({client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: process.env.DB_MAX_POOL_SIZE ? Number(process.env.DB_MAX_POOL_SIZE) : 3}})\n",
    'tsconfig.json': JSON.stringify({compilerOptions: {outDir: 'dist', rootDir: 'src'}}),
  }

  it('forks one worker per CPU, assumed: 8 x knex max 3 = 24', () => {
    const dir = app(files)
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    expect(r.type('web')).toMatchObject({connections: 24, processesPerDyno: 8, server: 'node'})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toMatch(/cluster\.fork\(\) at src\/app\.ts:8 runs in a loop conncalc does not evaluate; one worker per CPU assumed/)
  })

  it('a fork() on something else named in a process that never imports cluster is not a worker: 3', () => {
    const dir = app({...files, 'src/index.ts': "import { App } from './app'\nimport { worker } from './worker'\nconst cluster = {fork: (_: object) => undefined}\nnew App(process, cluster as never).run()\nworker()\n"})
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 1})
  })
})
