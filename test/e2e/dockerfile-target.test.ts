/**
 * Which stage of a multi-stage Dockerfile is the image that runs. `docker build` with no --target builds the last stage;
 * a deploy file may name another (fly.toml `[build] build-target`, flyctl's DockerBuildTarget; heroku.yml
 * `build: docker: web: {dockerfile, target}`), and an image built elsewhere (CI, then Dokku's git:from-image) is chosen with
 * --docker-target / dockerTarget. fly.toml's `[build.args]` are the Dockerfile's ARGs (flyctl passes them as build args).
 *
 * App (temp, made up): services/api and services/jobs, each with server.js (pg max 7 / 3) and worker.js (pg max 2 / 1);
 * Dockerfile `base` copies services/${SERVICE} (ARG SERVICE=jobs), then stages `web` (node server.js) and `worker`
 * (node worker.js, the last).
 *   fly.toml with build-target web and [build.args] SERVICE=api: services/api/server.js, 7.
 *   fly.toml alone: the last stage, worker, of services/jobs: 1; with --docker-target web: services/jobs/server.js, 3.
 *   --docker-target nope: an error naming the stages (exit 1).
 * Dokku (app.json healthchecks, root Dockerfile, Procfile `web: node server.js`): stages web-prod (ENV PG_POOL_MAX=9)
 * and worker-prod (the last, no ENV); server.js `max: Number(process.env.PG_POOL_MAX || 4)`: 4 as built with no target;
 * 9 with --docker-target web-prod or `dockerTarget: web-prod` in conncalc.yml.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const node = (file: string, max: string, serve: boolean): string =>
  [
    "const {Pool} = require('pg')",
    `const pool = new Pool({connectionString: process.env.DATABASE_URL, max: ${max}})`,
    serve ? "require('node:http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)" : "setInterval(() => pool.query('select 1'), 1000)",
    '',
  ].join('\n')

const pkg = '{"name": "svc", "dependencies": {"pg": "^8.13.1"}}\n'
const services = {
  Dockerfile: ['FROM node:20-slim AS base', 'ARG SERVICE=jobs', 'WORKDIR /app', 'COPY services/${SERVICE}/ .', 'RUN npm install --omit=dev', '', 'FROM base AS web', 'CMD ["node", "server.js"]', '', 'FROM base AS worker', 'CMD ["node", "worker.js"]', ''].join('\n'),
  'services/api/package.json': pkg,
  'services/api/server.js': node('server.js', '7', true),
  'services/api/worker.js': node('worker.js', '2', false),
  'services/jobs/package.json': pkg,
  'services/jobs/server.js': node('server.js', '3', true),
  'services/jobs/worker.js': node('worker.js', '1', false),
}

describe('the Dockerfile stage that is built', () => {
  it("fly.toml's build-target and [build.args]: stage web of services/api, 7", () => {
    const dir = app({...services, 'fly.toml': 'app = "ledger"\n\n[build]\n  build-target = "web"\n\n[build.args]\n  SERVICE = "api"\n'})
    expect(planJson(join(dir, 'fly.toml'), ['--limit', '100']).type('app')).toMatchObject({connections: 7, poolPerProcess: 7})
  })

  it('no target: the last stage (worker of services/jobs, 1), said with the flag that chooses another; --docker-target web: 3', () => {
    const dir = app({...services, 'fly.toml': 'app = "ledger"\n'})
    const last = planJson(join(dir, 'fly.toml'), ['--limit', '100'])
    expect(last.type('app')).toMatchObject({connections: 1})
    expect(last.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', fix: expect.stringContaining('--docker-target web'), line: 10}))
    const web = planJson(join(dir, 'fly.toml'), ['--limit', '100', '--docker-target', 'web'])
    expect(web.type('app')).toMatchObject({connections: 3})
    expect(web.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', line: 7, message: 'Dockerfile: the image is built with --target web (--docker-target web), so stage web is read, not the last stage'}))
  })

  it('--docker-target naming no stage: an error with the stages there are, exit 1', () => {
    const dir = app({...services, 'fly.toml': 'app = "ledger"\n'})
    const r = planJson(join(dir, 'fly.toml'), ['--limit', '100', '--docker-target', 'nope'])
    expect(r.exit).toBe(1)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({message: 'Dockerfile has no stage named nope (--docker-target nope; its stages: base, web, worker): the image that runs is not known', severity: 'error'}))
  })

  it('Dokku: the last stage (worker-prod) gives web 4; --docker-target web-prod or dockerTarget in conncalc.yml: its ENV, 9', () => {
    const dir = app({
      Dockerfile: ['FROM node:20-slim AS base', 'WORKDIR /app', 'COPY . .', '', 'FROM base AS web-prod', 'ENV PG_POOL_MAX=9', 'CMD ["node", "server.js"]', '', 'FROM base AS worker-prod', 'CMD ["node", "server.js"]', ''].join('\n'),
      Procfile: 'web: node server.js\n',
      'app.json': '{"name": "ledger", "healthchecks": {"web": [{"type": "startup", "path": "/"}]}}\n',
      'package.json': pkg,
      'server.js': node('server.js', 'Number(process.env.PG_POOL_MAX || 4)', true),
    })
    expect(planJson(join(dir, 'Procfile'), ['--limit', '100']).type('web')).toMatchObject({connections: 4})
    expect(planJson(join(dir, 'Procfile'), ['--limit', '100', '--docker-target', 'web-prod']).type('web')).toMatchObject({connections: 9})
    writeFileSync(join(dir, 'conncalc.yml'), 'dockerTarget: web-prod\n')
    const r = planJson(join(dir, 'Procfile'), ['--limit', '100', '--config', join(dir, 'conncalc.yml')])
    expect(r.type('web')).toMatchObject({connections: 9})
    expect(r.diagnostics.find((d) => d.message.startsWith('Dockerfile: the image is built with --target web-prod'))?.message).toMatch(/\(\S*conncalc\.yml:1\)/)
  })
  it('--docker-target that picks nothing is said: a Procfile app with no image (web still 4), and a fly.toml build-target that wins', () => {
    const buildpack = app({Procfile: 'web: node server.js\n', 'package.json': pkg, 'server.js': node('server.js', '4', true)})
    const r = planJson(join(buildpack, 'Procfile'), ['--limit', '100', '--docker-target', 'web-prod'])
    expect(r.type('web')).toMatchObject({connections: 4})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({message: '--docker-target web-prod is not used: no Dockerfile is read for what runs here (the processes come from a Procfile, not an image)', severity: 'warning'}))
    const fly = app({...services, 'fly.toml': 'app = "ledger"\n\n[build]\n  build-target = "web"\n'})
    const f = planJson(join(fly, 'fly.toml'), ['--limit', '100', '--docker-target', 'worker'])
    // fly.toml's build-target wins: stage web of services/jobs (ARG SERVICE=jobs), server.js max 3.
    expect(f.type('app')).toMatchObject({connections: 3})
    expect(f.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringMatching(/^--docker-target worker is not used: .*names its own target/)}))
    const used = planJson(join(fly, 'fly.toml'), ['--limit', '100'])
    expect(used.diagnostics.some((d) => d.message.includes('is not used'))).toBe(false)
  })
})
