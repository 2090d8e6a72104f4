/**
 * Railway's config as code (railway.json / railway.toml, https://docs.railway.com/reference/config-as-code) as what runs
 * when there is no Procfile: the service's deploy.startCommand (over the image's CMD), preDeployCommand as the release
 * phase, and its replicas (multiRegionConfig's regions summed). Made-up apps:
 *
 * - railway.json, a Dockerfile whose CMD is `node other.js`, startCommand `node server.js` (pg Pool max 5),
 *   preDeployCommand `node migrate.js` (one pg Client), replicas 2 in us-west2 + 1 in us-east4: 3 replicas × 5 = 15; the
 *   release's 1 counts in the deploy peak only (15 + 1 = 16).
 * - a monorepo service configured by apps/api/railway.json whose dockerfilePath is from the repository root
 *   (`apps/api/Dockerfile`: `COPY . .` into /app, WORKDIR /app/apps/api, CMD node server.js, Pool max 4): 4, on 1
 *   replica (the file sets none: Railway's default, assumed).
 * - a railway.toml that holds a Nixpacks plan (`[phases.setup]`), not Railway's config, beside a Dockerfile: not read;
 *   the Dockerfile's CMD is web, as before.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const pool = (max: number): string => `const {Pool} = require('pg')\nconst pool = new Pool({max: ${max}})\nrequire('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n`

describe('a Railway service (railway.json / railway.toml)', () => {
  it('runs deploy.startCommand on each replica, and preDeployCommand once per deploy', () => {
    const dir = app({
      'Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node", "other.js"]\n',
      'migrate.js': "const {Client} = require('pg')\nconst c = new Client()\nc.connect().then(() => c.query('select 1')).then(() => c.end())\n",
      'other.js': pool(9),
      'package.json': '{"name": "larch", "dependencies": {"pg": "^8.13.1"}}\n',
      'railway.json': JSON.stringify({
        $schema: 'https://railway.com/railway.schema.json',
        build: {builder: 'DOCKERFILE'},
        deploy: {multiRegionConfig: {'us-east4-eqdc4a': {numReplicas: 1}, 'us-west2': {numReplicas: 2}}, preDeployCommand: ['node migrate.js'], startCommand: 'node server.js'},
      }, null, 2),
      'server.js': pool(5),
    })
    const r = planJson(join(dir, 'Procfile'))
    expect(r.exit).toBe(0)
    expect(r.type('app')).toMatchObject({command: 'node server.js', connections: 15, connectionsPerDyno: 5, dynos: 3, poolPerProcess: 5})
    expect(r.type('app').sources.dynos.source).toMatchObject({file: 'railway.json', kind: 'file'})
    expect(r.type('release')).toMatchObject({command: 'node migrate.js', connectionsPerDyno: 1})
    expect(r.total).toBe(15)
    expect(r.deployPeak).toBe(16)
  })

  it('finds a monorepo service\'s dockerfilePath from the repository root', () => {
    const dir = app({
      'apps/api/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm install\nWORKDIR /app/apps/api\nCMD ["node", "server.js"]\n',
      'apps/api/package.json': '{"name": "api", "dependencies": {"pg": "^8.13.1"}}\n',
      'apps/api/railway.json': '{\n  "build": {"builder": "DOCKERFILE", "dockerfilePath": "apps/api/Dockerfile"},\n  "deploy": {"healthcheckPath": "/health"}\n}\n',
      'apps/api/server.js': pool(4),
      'package.json': '{"name": "mono", "private": true, "workspaces": ["apps/*"]}\n',
    })
    const r = planJson(join(dir, 'apps/api/railway.json'), ['--root', dir])
    expect(r.exit).toBe(0)
    expect(r.type('app')).toMatchObject({connections: 4, dynos: 1, poolPerProcess: 4})
    expect(r.type('app').sources.dynos.source).toMatchObject({kind: 'assumed'})
  })

  it('takes RAILWAY_ENVIRONMENT_NAME as production, said: Railway sets it, the file does not say to what', () => {
    const dir = app({
      'package.json': '{"name": "sorrel", "dependencies": {"pg": "^8.13.1"}, "scripts": {"start": "node server.js"}}\n',
      'railway.json': '{"deploy": {"startCommand": "node server.js", "numReplicas": 2}}\n',
      'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: process.env.RAILWAY_ENVIRONMENT_NAME === 'production' ? 8 : 2})\nrequire('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
    })
    const r = planJson(join(dir, 'Procfile'))
    expect(r.type('app')).toMatchObject({connections: 16, dynos: 2, poolPerProcess: 8})
    expect(r.diagnostics.some((d) => d.message.includes('RAILWAY_ENVIRONMENT_NAME is taken as production'))).toBe(true)
    expect(planJson(join(dir, 'Procfile'), ['--env', 'RAILWAY_ENVIRONMENT_NAME=staging']).type('app').poolPerProcess).toBe(2)
  })

  it('does not take a Nixpacks plan named railway.toml for Railway\'s config', () => {
    const dir = app({
      'Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node", "server.js"]\n',
      'package.json': '{"name": "plover", "dependencies": {"pg": "^8.13.1"}}\n',
      'railway.toml': "[phases.setup]\n    nixPkgs = ['nodejs', 'python3']\n",
      'server.js': pool(7),
    })
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1'])
    expect(r.processTypes.map((p) => [p.name, p.connections])).toEqual([['web', 7]])
    expect(r.diagnostics.find((d) => d.file === 'railway.toml')?.message).toBe("railway.toml is not read: it has no build, deploy or environments table, so it is not Railway's config as code (a Nixpacks plan, or a file cut short)")
  })
})
