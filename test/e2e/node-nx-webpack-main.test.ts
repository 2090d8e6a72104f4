/**
 * An Nx project built by a webpack executor (`@nx/webpack:webpack`, `@nrwl/node:webpack`): webpack names the one entry
 * `main`, or outputFileName's name, and writes OUTPUT/[name].js, whatever main's own file is called
 * (nx packages/webpack/src/plugins/nx-webpack-plugin/lib/apply-base-config.ts). A made-up Nx workspace:
 *
 * - web: `node dist/apps/api/main.js`, apps/api/project.json build: outputPath dist/apps/api, main
 *   apps/api/src/server.ts, which imports ./db: pg Pool max 4 → 4.
 * - worker: `node dist/apps/jobs/runner.js`, outputFileName runner.js, main apps/jobs/src/index.ts: Pool max 2 → 2.
 * - cron: `node dist/apps/cron/main.js` with @nx/esbuild, main apps/cron/src/index.ts: esbuild writes index.js, so
 *   main.js is no build of it and nothing is read (the dependencies' default pool, pg's 10, starred).
 * Before: web and worker not mapped (main.js ≠ server.ts's name): each pg's default 10*, total 30; now 4 + 2 + 10* = 16.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const project = (main: string, executor: string, extra = ''): string =>
  `{\n  "name": "x",\n  "targets": {\n    "build": {\n      "executor": "${executor}",\n      "options": {\n        "outputPath": "dist/${main.split('/').slice(0, 2).join('/')}",\n        "main": "${main}"${extra}\n      }\n    }\n  }\n}\n`

describe('Nx webpack builds', () => {
  const dir = app({
    Procfile: 'web: node dist/apps/api/main.js\nworker: node dist/apps/jobs/runner.js\ncron: node dist/apps/cron/main.js\n',
    'apps/api/project.json': project('apps/api/src/server.ts', '@nx/webpack:webpack'),
    'apps/api/src/db.ts': "import {Pool} from 'pg'\nexport const pool = new Pool({max: 4})\n",
    'apps/api/src/server.ts': "import {pool} from './db'\nimport express from 'express'\nconst app = express()\napp.get('/', async (_q, s) => s.json((await pool.query('select 1')).rows))\napp.listen(3000)\n",
    'apps/cron/project.json': project('apps/cron/src/index.ts', '@nx/esbuild:esbuild'),
    'apps/cron/src/index.ts': "import {Pool} from 'pg'\nexport const pool = new Pool({max: 3})\n",
    'apps/jobs/project.json': project('apps/jobs/src/index.ts', '@nrwl/node:webpack', ',\n        "outputFileName": "runner.js"'),
    'apps/jobs/src/index.ts': "import {Pool} from 'pg'\nconst pool = new Pool({max: 2})\nsetInterval(() => pool.query('select 1'), 1000)\n",
    'nx.json': '{}\n',
    'package.json': '{"name": "ws", "private": true, "dependencies": {"express": "^4.21.0", "pg": "^8.13.1"}}\n',
  })
  const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1', 'worker=1', 'cron=1'])

  it('OUTPUT/main.js is the build of the target main, whatever its file name', () => {
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('web').databases).toEqual(['pg apps/api/src/db.ts:2'])
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain(
      'dist/apps/api/main.js is built at deploy by the Nx target build (@nx/webpack:webpack) of apps/api/project.json, outputPath dist/apps/api/, main apps/api/src/server.ts, which webpack writes as main.js: conncalc read its source apps/api/src/server.ts',
    )
  })

  it('outputFileName names the entry', () => {
    expect(r.type('worker')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.type('worker').databases).toEqual(['pg apps/jobs/src/index.ts:2'])
  })

  it('an esbuild build keeps main\'s own name: main.js is not it', () => {
    expect(r.type('cron').databases).not.toContain('pg apps/cron/src/index.ts:2')
    expect(r.type('cron').connections).toBe(10)
    expect(r.total).toBe(16)
  })
})
