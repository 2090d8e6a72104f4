/**
 * fly deploy's Docker build context is its working directory, not the Dockerfile's folder: `fly deploy -c
 * apps/api/fly.toml` from the repository root sends the repository, and `[build] dockerfile = "docker/Dockerfile"`
 * in a root fly.toml builds from the root too (flyctl internal/command/deploy/deploy_build.go: ImageOptions.WorkingDir
 * is the working directory; the Dockerfile path is joined to the config's folder). Made-up apps:
 *
 * - a monorepo whose apps/api/Dockerfile copies `apps/api/package.json` and then the whole context to /app, its
 *   processes `node apps/api/server.js` (pg Pool max 3) and `node apps/api/jobs.js` (max 2): 3 + 2 = 5. Before, the
 *   context was apps/api/, so the commands looked for apps/api/apps/api/*.js and, finding neither, read the package's
 *   usual entry server.js for both: 3 + 3 = 6.
 * - a root fly.toml building docker/Dockerfile (`COPY . /srv`, WORKDIR /srv, CMD node server.js; Pool max 6): 6.
 *   Before: /srv was docker/, server.js not found, 1*.
 * - the same with `dockerfile = "/docker/Dockerfile"` (a leading slash, as epicweb-dev/epic-stack writes
 *   "/other/Dockerfile"): flyctl joins it to the config's folder with Go's filepath.Join, which keeps it below that
 *   folder: docker/Dockerfile, 6. Before: "/docker/Dockerfile is not in the repository", 1*.
 * - services/worker/fly.toml (`[build] dockerfile = "Dockerfile"`, beside it; CMD node services/worker/run.js, pg Pool
 *   max 4) in a repository whose root has its own fly.toml and Dockerfile for the web app (Pool max 9): the worker is 4.
 *   Before: the root fly.toml was read in its place (a file of the same name at the root won), 9.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('the build context of fly deploy', () => {
  it('is the working directory when the config and Dockerfile sit in a subfolder', () => {
    const dir = app({
      'apps/api/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY apps/api/package.json apps/api/\nRUN npm install\nCOPY . .\nCMD ["node", "apps/api/server.js"]\n',
      'apps/api/fly.toml': 'app = "harbor-api"\n\n[processes]\n  app = "node apps/api/server.js"\n  worker = "node apps/api/jobs.js"\n',
      'apps/api/jobs.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 2})\nsetInterval(() => pool.query('select 1'), 5000)\n",
      'apps/api/package.json': '{"name": "harbor-api", "dependencies": {"pg": "^8.13.1"}}\n',
      'apps/api/server.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 3})\nrequire('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(8080)\n",
      'package.json': '{"name": "harbor", "private": true, "workspaces": ["apps/*"]}\n',
    })
    const r = planJson(join(dir, 'apps/api/fly.toml'), ['--root', dir, '--scale', 'app=1', 'worker=1'])
    expect(r.processTypes.map((p) => [p.name, p.connections])).toEqual([
      ['app', 3],
      ['worker', 2],
    ])
    expect(r.type('app').databases).toEqual(['pg apps/api/server.js:2'])
    expect(r.total).toBe(5)
  })

  it('is the working directory when [build] dockerfile points into a subfolder', () => {
    const dir = app({
      'docker/Dockerfile': 'FROM node:22-slim\nWORKDIR /srv\nCOPY . /srv\nRUN npm install\nCMD ["node", "server.js"]\n',
      'fly.toml': 'app = "tern"\n\n[build]\n  dockerfile = "docker/Dockerfile"\n\n[http_service]\n  internal_port = 8080\n',
      'package.json': '{"name": "tern", "dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 6})\nrequire('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(8080)\n",
    })
    const r = planJson(join(dir, 'fly.toml'), ['--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.type('app').databases).toEqual(['pg server.js:2'])
  })

  it('reads [build] dockerfile written with a leading slash from the config\'s folder', () => {
    const dir = app({
      'docker/Dockerfile': 'FROM node:22-slim\nWORKDIR /srv\nCOPY . /srv\nRUN npm install\nCMD ["node", "server.js"]\n',
      'fly.toml': 'app = "tern"\n\n[build]\n  dockerfile = "/docker/Dockerfile"\n\n[http_service]\n  internal_port = 8080\n',
      'package.json': '{"name": "tern", "dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 6})\nrequire('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(8080)\n",
    })
    const r = planJson(join(dir, 'fly.toml'), ['--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('reads the subfolder fly.toml named, not a root fly.toml of the same name', () => {
    const dir = app({
      'Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node", "web.js"]\n',
      'fly.toml': 'app = "quill-web"\n\n[http_service]\n  internal_port = 8080\n',
      'package.json': '{"name": "quill", "private": true, "workspaces": ["services/*"], "dependencies": {"pg": "^8.13.1"}}\n',
      'services/worker/Dockerfile': 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY services/worker services/worker\nRUN npm install\nCMD ["node", "services/worker/run.js"]\n',
      'services/worker/fly.toml': 'app = "quill-worker"\n\n[build]\n  dockerfile = "Dockerfile"\n',
      'services/worker/package.json': '{"name": "quill-worker", "dependencies": {"pg": "^8.13.1"}}\n',
      'services/worker/run.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 4})\nsetInterval(() => pool.query('select 1'), 5000)\n",
      'web.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 9})\nrequire('http').createServer(async (_q, s) => s.end(String((await pool.query('select 1')).rowCount))).listen(8080)\n",
    })
    const r = planJson(join(dir, 'services/worker/fly.toml'), ['--root', dir, '--scale', 'app=1'])
    expect(r.processTypes.map((p) => [p.name, p.connections])).toEqual([['app', 4]])
    expect(r.type('app').databases).toEqual(['pg services/worker/run.js:2'])
  })
})
