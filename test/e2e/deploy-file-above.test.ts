/**
 * conncalc run in a monorepo's app folder (apps/api) that has no deploy file of its own, while a file higher up deploys
 * it: a render.yaml Blueprint at the repository root with `rootDir: apps/api`, a fly.toml there whose [build] dockerfile
 * is apps/api/Dockerfile, a heroku.yml building apps/api/Dockerfile, a Procfile running `yarn workspace @ledger/api
 * start`. Before, the folder's own files decided: the Node buildpack's default web process on one assumed dyno (6*).
 *
 * App (temp, made up): apps/api/server.js, a pg Pool of max 6; apps/web/index.js, a pg Pool of max 3.
 *   render.yaml: ledger-api (rootDir apps/api) numInstances 2 → 2 × 6 = 12; ledger-web (apps/web) not counted, said.
 *   fly.toml: the default group `app`, one Machine assumed (no count in the file) → 1* × 6 = 6, from fly.toml.
 *   heroku.yml: web in apps/api/Dockerfile's image (CMD node server.js) → 6, from heroku.yml.
 *   Procfile: web `yarn workspace @ledger/api start` → apps/api's start script, node server.js → 6.
 *   A Blueprint naming only apps/web: apps/api keeps its own reading (the buildpack's `npm start`), no note.
 *   No .git and no workspace file above: not looked up.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const server = (max: number): string =>
  [
    "const {Pool} = require('pg')",
    `const pool = new Pool({connectionString: process.env.DATABASE_URL, max: ${max}})`,
    "require('node:http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)",
    '',
  ].join('\n')

const packages = {
  'apps/api/package.json': '{"name": "@ledger/api", "scripts": {"start": "node server.js"}, "dependencies": {"pg": "^8.13.1"}}\n',
  'apps/api/server.js': server(6),
  'apps/web/index.js': server(3),
  'apps/web/package.json': '{"name": "@ledger/web", "scripts": {"start": "node index.js"}, "dependencies": {"pg": "^8.13.1"}}\n',
}

const repository = {'.git/HEAD': 'ref: refs/heads/main\n', ...packages}

const blueprint = (folders: string[]): string =>
  [
    'services:',
    ...folders.flatMap((f) => [
      '  - type: web',
      `    name: ledger-${f}`,
      '    runtime: node',
      `    rootDir: apps/${f}`,
      `    startCommand: node ${f === 'api' ? 'server' : 'index'}.js`,
      ...(f === 'api' ? ['    numInstances: 2'] : []),
    ]),
    '',
  ].join('\n')

const dockerfile = ['FROM node:20-slim', 'WORKDIR /app', 'COPY apps/api/ .', 'RUN npm install --omit=dev', 'CMD ["node", "server.js"]', ''].join('\n')

describe('a deploy file above the app folder that names it', () => {
  it("render.yaml at the repository root with rootDir apps/api: that service's 2 instances × 6 = 12, the other service said", () => {
    const dir = app({...repository, 'render.yaml': blueprint(['web', 'api'])})
    const r = planJson(join(dir, 'apps/api/Procfile'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['ledger-api'])
    expect(r.type('ledger-api')).toMatchObject({connections: 12, dynos: 2, poolPerProcess: 6})
    expect(r.total).toBe(12)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'render.yaml', line: 7, message: expect.stringContaining('apps/api has no deploy file of its own (Procfile, heroku.yml, render.yaml, fly.toml, app.json); ../../render.yaml names it (service ledger-api (rootDir: apps/api))')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'render.yaml', message: expect.stringContaining("render.yaml's other services (ledger-web) run other folders of the repository: not counted here")}))
  })

  it('fly.toml at the root building apps/api/Dockerfile: its app group, 1* × 6 = 6', () => {
    const dir = app({...repository, 'apps/api/Dockerfile': dockerfile, 'fly.toml': 'app = "ledger-api"\n\n[build]\n  dockerfile = "apps/api/Dockerfile"\n'})
    const r = planJson(join(dir, 'apps/api/Procfile'), ['--limit', '100'])
    expect(r.type('app')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'fly.toml', line: 4, message: expect.stringContaining('../../fly.toml names it ([build] dockerfile = "apps/api/Dockerfile")')}))
  })

  it('heroku.yml at the root building apps/api/Dockerfile: web runs its CMD, 6', () => {
    const dir = app({...repository, 'apps/api/Dockerfile': dockerfile, 'heroku.yml': 'build:\n  docker:\n    web: apps/api/Dockerfile\n'})
    const r = planJson(join(dir, 'apps/api/Procfile'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'heroku.yml', line: 3, message: expect.stringContaining('names it (build.docker.web: apps/api/Dockerfile)')}))
  })

  it("a root Procfile running the folder's workspace by its package name (a workspace root, no .git): 6", () => {
    const dir = app({...packages, Procfile: 'web: yarn workspace @ledger/api start\n', 'package.json': '{"name": "ledger", "private": true, "workspaces": ["apps/*"]}\n'})
    const r = planJson(join(dir, 'apps/api/Procfile'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Procfile', line: 1, message: expect.stringContaining('names it (web runs `yarn workspace @ledger/api`)')}))
  })

  it("a Blueprint naming only other folders, or no repository root above: the folder's own reading, no note", () => {
    for (const files of [{...repository, 'render.yaml': blueprint(['web'])}, {...packages, 'render.yaml': blueprint(['api'])}]) {
      const r = planJson(join(app(files), 'apps/api/Procfile'), ['--limit', '100'])
      expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
      expect(r.type('web')).toMatchObject({command: 'npm start', connections: 6})
      expect(r.diagnostics.some((d) => d.message.includes('has no deploy file of its own'))).toBe(false)
    }
  })
})
