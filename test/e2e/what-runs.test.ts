/**
 * What the platform really starts and with which env (issue 13): app.json
 * `env`, Fir dyno sizes, apps without a Procfile, scripts in the repo, Node
 * workspaces, Scalingo's postdeploy, granian.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCli} from '../helpers/cli.js'

describe('app.json env is a layer below the user and above the platform', () => {
  const app = procfileOf('app-json-env')

  it('WEB_CONCURRENCY and RAILS_MAX_THREADS from app.json env decide Puma and the pool', () => {
    const r = planJson(app, ['--plan', 'essential-0'])
    // puma.rb: workers ENV.fetch("WEB_CONCURRENCY") { 4 } → app.json "2" (not 4);
    // threads ENV.fetch("RAILS_MAX_THREADS") { 5 } → app.json "3"; pool the same 3.
    // before_fork disconnects, so no master connection: 2 workers × min(3, 3) = 6 per dyno × 2 dynos = 12.
    expect(r.type('web')).toMatchObject({connections: 12, connectionsPerDyno: 6, dynos: 2, poolPerProcess: 3, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({from: 'app.json:8 (env)', kind: 'env', name: 'WEB_CONCURRENCY'})
    // `environments.test.env` (WEB_CONCURRENCY 1) is for CI test runs, not the running app.
    expect(r.type('web').processesPerDyno).not.toBe(1)
  })

  it('a required var with no value stays unset: the number that reads it says so', () => {
    const r = planJson(app, ['--plan', 'essential-0'])
    // sidekiq.yml reads ENV.fetch("SIDEKIQ_CONCURRENCY") with no default; Sidekiq falls back to
    // RAILS_MAX_THREADS (3, from app.json env): 1 process × min(3, 3) = 3. Total 12 + 3 = 15.
    expect(r.type('worker')).toMatchObject({connections: 3, threadsPerProcess: 3})
    expect(r.total).toBe(15)
    const d = r.diagnostics.find((x) => x.code === 'unresolved-env')!
    expect(d.message).toContain('app.json requires SIDEKIQ_CONCURRENCY and gives it no value')
    expect(d.fix).toContain('--env SIDEKIQ_CONCURRENCY=')
  })

  it('--env wins over app.json env', () => {
    // --env WEB_CONCURRENCY=3: 3 workers × 3 = 9 per dyno × 2 = 18.
    expect(planJson(app, ['--env', 'WEB_CONCURRENCY=3']).type('web')).toMatchObject({connections: 18, processesPerDyno: 3})
    // --env SIDEKIQ_CONCURRENCY=8: Sidekiq 8 threads, pool still 3 (RAILS_MAX_THREADS from app.json) → min(3, 8) = 3, and no unresolved-env.
    const r = planJson(app, ['--env', 'SIDEKIQ_CONCURRENCY=8'])
    expect(r.type('worker')).toMatchObject({connections: 3, threadsPerProcess: 8})
    expect(r.codes).not.toContain('unresolved-env')
  })
})

describe('Fir (dyno-*) sizes get the Cloud Native Buildpacks defaults', () => {
  it('Python: the CNB sets no WEB_CONCURRENCY, so gunicorn runs its default 1 worker', () => {
    // flask-gunicorn: `gunicorn "app:create_app()"` with no -w and no config; pool 5, 1 thread.
    // dyno-2c-4gb (Fir): no WEB_CONCURRENCY → 1 worker × min(5, 1) = 1 (the classic formula would give 5).
    const fir = planJson(procfileOf('flask-gunicorn'), ['--scale', 'web=1:dyno-2c-4gb', 'worker=1'])
    expect(fir.type('web')).toMatchObject({connections: 1, processesPerDyno: 1})
    // performance-m (Cedar): the classic buildpack's min(2 × 2 + 1, 2560 ÷ 256) = 5 workers.
    const cedar = planJson(procfileOf('flask-gunicorn'), ['--scale', 'web=1:performance-m', 'worker=1'])
    expect(cedar.type('web')).toMatchObject({connections: 5, processesPerDyno: 5})
  })

  it('Node: memory capped at 129,024 MB, so dyno-16c-128gb runs 63 throng workers', () => {
    // server.js: throng({workers: process.env.WEB_CONCURRENCY || 2}); knex pool max 5.
    // min(131072, 129024) ÷ 2048 = 63 workers × 5 = 315 on one dyno.
    const r = planJson(procfileOf('node-knex-throng'), ['--scale', 'web=1:dyno-16c-128gb', 'worker=1'])
    expect(r.type('web')).toMatchObject({connections: 315, processesPerDyno: 63})
  })
})

describe('no Procfile: the buildpack\'s default web process', () => {
  it('Rails: bin/rails server, with app.json formation (3 standard-2x dynos)', () => {
    const r = planJson(procfileOf('no-procfile-rails'), ['--plan', 'essential-1'])
    // puma.rb: workers WEB_CONCURRENCY || 2, threads RAILS_MAX_THREADS || 3, before_fork disconnects;
    // pool 5 → 2 × min(5, 3) = 6 per dyno × 3 dynos (app.json formation) = 18 of 20: a warning, exit 0.
    expect(r.processTypes.map((p) => [p.name, p.server, p.command])).toEqual([['web', 'puma', 'bin/rails server -p ${PORT:-5000} -e $RAILS_ENV']])
    expect(r.type('web')).toMatchObject({connections: 18, connectionsPerDyno: 6, dynos: 3, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.total).toBe(18)
    const info = r.diagnostics.find((d) => d.code === 'missing-config')!
    expect(info).toMatchObject({processType: 'web', severity: 'info'})
    expect(info.message).toContain("no Procfile: web runs the Ruby buildpack's default web process for Rails 7.2.1, `bin/rails server")
  })

  it('Node: npm start → the start script → server.js and its pg pool', () => {
    // server.js: new Pool({max: 8}); one process; 8 per dyno × 2 dynos = 16.
    const r = planJson(procfileOf('no-procfile-node'), ['--scale', 'web=2'])
    expect(r.type('web')).toMatchObject({command: 'npm start', connections: 16, poolPerProcess: 8, processesPerDyno: 1, server: 'node'})
  })

  it('PHP: heroku-php-apache2, FPM children by dyno size', () => {
    // standard-2x: the buildpack's autotune gives 8 children × 1 connection = 8 per dyno × 2 = 16.
    const r = planJson(procfileOf('no-procfile-php'), ['--scale', 'web=2:standard-2x'])
    expect(r.type('web')).toMatchObject({command: 'heroku-php-apache2', connections: 16, processesPerDyno: 8})
  })

  it('Python declares none: exit 2 with a message that says so', () => {
    const r = runCli(['plan', '--procfile', procfileOf('no-procfile-python')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no Procfile at .*no-procfile-python\/Procfile, and the heroku\/python buildpack declares no default web process/)
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })
})

describe("Scalingo's postdeploy type: once per deploy, like release", () => {
  it('counts only in the deploy peak; with an overlap, beside both sets of web containers', () => {
    // web: 2 workers × min(5, 3) = 6 per dyno × 2 = 12; postdeploy: 1 container × 1 = 1 → deploy peak 13.
    const r = planJson(procfileOf('scalingo-postdeploy'), ['--scale', 'web=2', '--limit', '30'])
    expect(r.total).toBe(12)
    expect(r.type('postdeploy')).toMatchObject({connections: 1, role: 'release', server: 'postdeploy'})
    expect(r.deployPeak).toBe(13)
    // --preboot: the new web containers (12) and the hook (1) run beside the old ones: 12 + 12 + 1 = 25.
    expect(planJson(procfileOf('scalingo-postdeploy'), ['--scale', 'web=2', '--limit', '30', '--preboot']).deployPeak).toBe(25)
  })

  it('a postcompile build hook and a postdeploy script are deploy-time, never long-running types or unknown commands', () => {
    // web 12 as above; postcompile and postdeploy 1 × 1 each, one per deploy moment: peak 12 + 1 = 13.
    const r = planJson(procfileOf('scalingo-postdeploy/Procfile.hooks'), ['--scale', 'web=2', '--limit', '30'])
    expect(r.total).toBe(12)
    expect(r.type('postdeploy')).toMatchObject({connections: 1, role: 'release', server: 'postdeploy'})
    expect(r.type('postcompile')).toMatchObject({connections: 1, role: 'release', server: 'postcompile'})
    expect(r.deployPeak).toBe(13)
    expect(r.codes).not.toContain('unknown-command')
    // Scalingo documents no postcompile type: its one dyno is an assumption, said as such.
    expect(r.type('postcompile').sources.dynos.source).toMatchObject({kind: 'assumed'})
    expect(r.type('postdeploy').sources.dynos.source).toMatchObject({kind: 'default'})
    const text = runCli(['plan', '--procfile', procfileOf('scalingo-postdeploy/Procfile.hooks'), '--scale', 'web=2', '--limit', '30']).stdout
    expect(text).toContain('(n) = postcompile hook, postdeploy hook: counted in the deploy peak only')
  })
})

describe('granian: workers × blocking threads for WSGI, an event loop for ASGI', () => {
  it('WSGI: 2 workers, each on backpressure ÷ 2 blocking threads, bounded by the pool', () => {
    // --workers 2; blocking threads (1024 ÷ 2) ÷ 2 = 256; Flask-SQLAlchemy pool 5 → min(5, 256) = 5 × 2 workers = 10.
    const r = planJson(procfileOf('flask-gunicorn/Procfile.granian'), ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 5, processesPerDyno: 2, server: 'granian', threadsPerProcess: 256})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('ASGI: the event loop can use the whole pool, as under uvicorn', () => {
    // --workers 3; create_async_engine pool 10 (app/core/config.py) → 3 × 10 = 30, the same as `uvicorn --workers 3`.
    const granian = planJson(procfileOf('fastapi-sqlalchemy/Procfile.granian'), ['--scale', 'web=1'])
    const uvicorn = planJson(procfileOf('fastapi-sqlalchemy'), ['--scale', 'web=1'])
    expect(granian.type('web')).toMatchObject({connections: 30, processesPerDyno: 3, server: 'granian', threadsPerProcess: 10})
    expect(granian.type('web').connections).toBe(uvicorn.type('web').connections)
  })
})
