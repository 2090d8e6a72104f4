/**
 * A monorepo root with no Procfile, heroku.yml, render.yaml or fly.toml, whose apps deploy from their own folders
 * (apps/api/fly.toml, apps/web/Procfile): the default web process is counted as before, and the info line names the
 * deploy files one and two folders down and how to count one (node_modules and hidden folders are not looked in).
 * A made-up Node workspace.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('deploy files in subfolders of an app root that has none', () => {
  it('are named in the no-Procfile line, with the --procfile that counts the first', () => {
    const dir = app({
      'apps/api/fly.toml': 'app = "api"\n\n[processes]\n  app = "node server.js"\n',
      'apps/api/server.js': "const {Pool} = require('pg')\nnew Pool({max: 3})\n",
      'apps/web/Procfile': 'web: node web.js\n',
      'node_modules/left-pad/Procfile': 'web: node index.js\n',
      'package.json': '{"name": "root", "private": true, "workspaces": ["apps/*"], "scripts": {"start": "node apps/api/server.js"}}\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--limit', '20'])
    const line = r.diagnostics.find((d) => d.code === 'missing-config' && d.message.startsWith('no Procfile'))
    expect(line?.fix).toBe(
      'add a Procfile (`web: …`) if the app should start something else; apps/api/fly.toml, apps/web/Procfile in subfolders are not read (a monorepo whose apps deploy from their folders?): to count one, pass --procfile apps/api/fly.toml',
    )
  })

  it('a fly.NAME.toml beside the app (fly deploy --config) is named, and --procfile reads it as a fly.toml', () => {
    const dir = app({
      'fly.staging.toml': 'app = "ledger-staging"\n\n[processes]\n  web = "node server.js"\n  jobs = "node jobs.js"\n',
      'jobs.js': "const {Pool} = require('pg')\nnew Pool({max: 2})\n",
      'package.json': '{"name": "ledger", "scripts": {"start": "node server.js"}, "dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const {Pool} = require('pg')\nnew Pool({max: 5})\n",
    })
    const r = planJson(join(dir, 'Procfile'), ['--limit', '20'])
    expect(r.diagnostics.find((d) => d.code === 'missing-config' && d.message.startsWith('no Procfile'))?.fix).toBe(
      'add a Procfile (`web: …`) if the app should start something else; fly.staging.toml beside it is not read (Fly.io configs used with `fly deploy --config`): to count one, pass --procfile fly.staging.toml',
    )
    // --procfile fly.staging.toml: web (1* Machine × pool 5) + jobs (1* × pool 2) = 7.
    const fly = planJson(join(dir, 'fly.staging.toml'), ['--limit', '20'])
    expect(fly.processTypes.map((p) => [p.name, p.connections])).toEqual([
      ['web', 5],
      ['jobs', 2],
    ])
    expect(fly.total).toBe(7)
  })

  it('any other NAME.toml named with --procfile is a Fly config (`fly deploy --config api.toml`), not a Procfile', () => {
    // A Procfile is never TOML; flyctl takes a config of any name. api.toml: [[services]] with no [processes], so the
    // default group app runs the Dockerfile's CMD (`node server.js`): 1* Machine × pool 4 = 4 (before: every line
    // "ignored, not type: command" and no process at all).
    const dir = app({
      'Dockerfile': 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
      'api.toml': 'app = "ledger-api"\n\n[build]\ndockerfile = "Dockerfile"\n\n[[services]]\n  internal_port = 8080\n  processes = ["app"]\n',
      'package.json': '{"name": "ledger", "dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const {Pool} = require('pg')\nnew Pool({max: 4})\n",
    })
    const fly = planJson(join(dir, 'api.toml'), ['--limit', '20'])
    expect(fly.codes).not.toContain('invalid-procfile-line')
    expect(fly.processTypes.map((p) => [p.name, p.connections])).toEqual([['app', 4]])
  })

  it('a fly.toml in a subfolder with no Dockerfile beside it builds the root Dockerfile (`fly deploy -c deploy/fly/fly.toml` from the root)', () => {
    // flyctl builds [build] dockerfile, else the Dockerfile of its working directory (dockerfile_builder.go resolveDockerfile(
    // opts.WorkingDir)): the repository root. deploy/fly/fly.toml has no [processes], so app runs the root Dockerfile's CMD
    // `node server.js` (WORKDIR /srv, COPY . .): pg Pool max 6 -> 6. release_command `node migrate.js`: a Pool max 3 whose
    // three statements run at once (Promise.all) -> 3, in Fly's temporary release Machine. Peak 6 + 3 = 9. Before: the
    // Dockerfile was looked for in deploy/fly only: app 1* ("not in the repository"), release 1*.
    const dir = app({
      'Dockerfile': 'FROM node:20-slim\nWORKDIR /srv\nCOPY . .\nCMD ["node", "server.js"]\n',
      'deploy/fly/fly.toml': 'app = "kiln-staging"\n\n[deploy]\n  release_command = "node /srv/migrate.js"\n\n[[services]]\n  internal_port = 8080\n  processes = ["app"]\n',
      'migrate.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 3})\nPromise.all([pool.query('create table a (id int)'), pool.query('create table b (id int)'), pool.query('create table c (id int)')]).then(() => pool.end())\n",
      'package.json': '{"name": "kiln", "dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 6})\nrequire('http').createServer((q, s) => pool.query('select 1').then(() => s.end())).listen(process.env.PORT)\n",
    })
    const r = planJson(join(dir, 'deploy/fly/fly.toml'), ['--root', dir, '--limit', '20', '--scale', 'app=1'])
    expect(r.exit).toBe(0)
    expect(r.type('app')).toMatchObject({command: 'node server.js', connections: 6})
    expect(r.type('release')).toMatchObject({connectionsPerDyno: 3, role: 'release'})
    expect(r.type('release').sources.dynos.source).toMatchObject({kind: 'default', ref: expect.stringContaining('fly.io/docs/reference/configuration')})
    expect(r.deployPeak).toBe(9)
  })

  it('a fly.toml in a subfolder named with --procfile and --root the repository is read where it is (was exit 2)', () => {
    // `fly deploy -c apps/api/fly.toml` from the root: the config and its Dockerfile sit in apps/api. Before, --root made
    // conncalc look for fly.toml at the root: "fly.toml cannot be read", exit 2.
    const dir = app({
      'apps/api/fly.toml': 'app = "tides-api"\n\n[processes]\n  app = "node server.js"\n  sync = "node sync.js"\n',
      'apps/api/package.json': '{"name": "tides-api", "dependencies": {"pg": "^8.13.1"}}\n',
      'apps/api/server.js': "const {Pool} = require('pg')\nnew Pool({max: 3})\n",
      'apps/api/sync.js': "const {Pool} = require('pg')\nnew Pool({max: 2})\n",
      'package.json': '{"name": "root", "private": true, "workspaces": ["apps/*"]}\n',
    })
    const r = planJson(join(dir, 'apps/api/fly.toml'), ['--root', dir, '--limit', '20', '--scale', 'app=1', 'sync=1'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => p.name)).toEqual(['app', 'sync'])
    expect(r.total).toBe(5)
  })

  it('a container monorepo (no start script, no server.js): npm start stops at start, exit 2 naming its Dockerfiles; one counts with --procfile and --root', () => {
    // The Node.js buildpack's `npm start` with neither: npm's `Missing script: "start"` (npm/cli lib/commands/run-script.js),
    // so no web process stays up. Before: web counted as 1* ("npm runs `node server.js`", which is not there).
    const api = 'FROM node:22-slim\nWORKDIR /app\nCOPY package.json ./\nCOPY apps/api ./apps/api\nWORKDIR /app/apps/api\nCMD ["node", "server.js"]\n'
    const dir = app({
      'apps/api/Dockerfile': api,
      'apps/api/package.json': '{"name": "api", "dependencies": {"pg": "^8.13.1"}}\n',
      'apps/api/server.js': "const {Pool} = require('pg')\nnew Pool({max: 7})\n",
      'apps/worker/Dockerfile.dev': 'FROM node:22-slim\nCMD ["node", "worker.js"]\n',
      'apps/worker/Dockerfile.dev.dockerignore': 'node_modules\n',
      'docker/Dockerfile.prod': 'FROM node:22-slim\nCMD ["node", "apps/worker/worker.js"]\n',
      'package.json': '{"name": "root", "private": true, "workspaces": ["apps/*"], "scripts": {"build": "turbo build"}}\n',
    })
    const r = runCli(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '20'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("package.json has no start script and there is no server.js, so the Node.js buildpack's default web process, `npm start`, stops at start")
    // Development images last; the .dockerignore beside one is not an image.
    expect(r.stderr).toContain("hint: apps/api/Dockerfile, docker/Dockerfile.prod, apps/worker/Dockerfile.dev in subfolders are not read (images the app's services build?): to count what one runs, pass --procfile apps/api/Dockerfile --root .")
    const built = planJson(join(dir, 'apps/api/Dockerfile'), ['--root', dir, '--limit', '20', '--scale', 'web=1'])
    expect(built.exit).toBe(0)
    expect(built.type('web')).toMatchObject({command: 'node server.js', connections: 7})
    // Without --root the Dockerfile's folder is the build context: its `COPY apps/api ./apps/api` is not there but above.
    const alone = planJson(join(dir, 'apps/api/Dockerfile'), ['--limit', '20', '--scale', 'web=1'])
    const said = alone.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('COPY sources'))
    expect(said?.message).toContain('1 of the 2 COPY sources (apps/api) are not in')
    expect(said?.fix).toMatch(/^pass --root \S+ \(the build context: `docker build -f apps\/api\/Dockerfile /)
  })

  it('with none there, the line is as before', () => {
    const r = planJson(join(app({'package.json': '{"name": "root", "scripts": {"start": "node index.js"}}\n', 'index.js': '\n'}), 'Procfile'), ['--limit', '20'])
    expect(r.diagnostics.find((d) => d.code === 'missing-config' && d.message.startsWith('no Procfile'))?.fix).toBe('add a Procfile (`web: …`) if the app should start something else')
  })
})
