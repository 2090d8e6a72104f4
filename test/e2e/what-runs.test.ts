/**
 * What the platform really starts and with which env (issue 13): app.json
 * `env`, Fir dyno sizes, apps without a Procfile, scripts in the repo, Node
 * workspaces, Scalingo's postdeploy, granian.
 */
import {describe, expect, it} from 'vitest'

import {readFileSync} from 'node:fs'

import {fixture, planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

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
    // The reason says why it is 1 on Fir, not only gunicorn's own default.
    expect(fir.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'default', ref: 'https://devcenter.heroku.com/articles/python-concurrency', what: 'the heroku/python Cloud Native Buildpack sets no WEB_CONCURRENCY on Fir dynos (dyno-2c-4gb), so gunicorn runs its default 1 worker'})
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

  it("Scala (sbt): the start script sbt-native-packager stages, named after build.sbt's name; Play's pool from conf/application.conf", () => {
    // name := "Shop Front" → target/universal/stage/bin/shop-front -Dhttp.port=$PORT. db.default.url = ${JDBC_DATABASE_URL}
    // (the JVM buildpack sets it); play.db.prototype.hikaricp.maximumPoolSize = 6 → 6 per JVM × 2 dynos = 12.
    const r = planJson(procfileOf('no-procfile-play'), ['--scale', 'web=2', '--env', 'JDBC_DATABASE_URL=jdbc:postgresql://db.example.com/shop'])
    expect(r.type('web')).toMatchObject({command: 'target/universal/stage/bin/shop-front -Dhttp.port=$PORT', connections: 12, poolPerProcess: 6, processesPerDyno: 1, server: 'play'})
  })

  it("PHP with a build-only package.json (no start script, no server.js): npm start would run nothing, so heroku/php's default is taken, said", () => {
    // Heroku's detection tries heroku/nodejs before heroku/php; its `npm start` has nothing to run here, so the app must be
    // deployed with heroku/php last: heroku-php-apache2, 4 FPM children on standard-1x × 1 connection × 2 dynos = 8, assumed.
    const r = planJson(procfileOf('no-procfile-php-assets'), ['--scale', 'web=2:standard-1x'])
    expect(r.type('web')).toMatchObject({command: 'heroku-php-apache2', connections: 8, processesPerDyno: 4, server: 'heroku-php-apache2'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', message: expect.stringContaining('package.json has no start script and there is no server.js, so heroku/nodejs')}))
    // Dynos and size come from the flag, but the 4 FPM children rest on conncalc's pick of heroku/php: marked *.
    expect(r.type('web').sources.dynos.source).toMatchObject({kind: 'flag'})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('taken to be deployed with heroku/php as its last buildpack')}))
    const text = runCliInProcess(['plan', '--procfile', procfileOf('no-procfile-php-assets'), '--plan', 'standard-0', '--scale', 'web=2:standard-1x'])
    expect(text.stdout).toMatch(/^web +heroku-php-apache2 +2 +4\* /m)
  })

  it('Python declares none: exit 2 with a message that says so', () => {
    const r = runCliInProcess(['plan', '--procfile', procfileOf('no-procfile-python')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no Procfile or heroku\.yml in \S*no-procfile-python, and the heroku\/python buildpack declares no default web process/)
    expect(r.stderr).toContain('hint: run conncalc in the app folder, or pass --procfile PATH (a Procfile, or a heroku.yml: --procfile heroku.yml)')
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  it("a Clever Cloud Python app (clevercloud/python.json, no Procfile): exit 2, and the hint names Clever Cloud's file and its WSGI module", () => {
    // The shape of gip-inclusion/le-marche: clevercloud/python.json deploy.module, a policy JSON beside it (not a runtime file).
    const r = runCliInProcess(['plan', '--procfile', procfileOf('clevercloud-python')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/the heroku\/python buildpack declares no default web process/)
    expect(r.stderr).toContain("hint: clevercloud/python.json is Clever Cloud's deploy file, which conncalc does not read (https://www.clever-cloud.com/developers/doc/applications/python/): write the command Clever Cloud runs as a Procfile line, e.g. `web: gunicorn harbour.wsgi:application` with the workers its CC_* env vars give, and pass --procfile")
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})

describe("fix texts for an app with no Procfile: the Procfile to add", () => {
  const {app} = tempApps('no-procfile-rails')
  it("pool-below-threads: a Procfile with `web: RAILS_MAX_THREADS=N …`, since the buildpack's default web process runs now", () => {
    const dir = app({'config/database.yml': 'production:\n  adapter: postgresql\n  pool: 2\n  url: <%= ENV["DATABASE_URL"] %>\n'})
    const r = planJson(`${dir}/Procfile`)
    // bin/rails server runs Puma with config/puma.rb: 3 threads (Rails' generated default) > pool 2.
    expect(r.diagnostics.find((d) => d.code === 'pool-below-threads')?.fix).toBe(
      "give web a pool of at least 3: e.g. a Procfile with `web: RAILS_MAX_THREADS=3 …` (the app has none: the buildpack's default web process runs now), or pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 3 } %> in database.yml",
    )
  })

  it('conncalc scale with a type the app does not run names the argument as typed, and the default web process it runs', () => {
    const r = runCliInProcess(['scale', 'worker=2', '--procfile', procfileOf('no-procfile-rails')])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('conncalc: worker=2: no process type worker in the app (no Procfile: the heroku/ruby default web process)\n  hint: process types in the app (no Procfile: the heroku/ruby default web process): web\n')
  })
})

describe('--procfile naming what is not there', () => {
  it('a folder that does not exist: exit 2 naming the folder', () => {
    const r = runCliInProcess(['plan', '--procfile', 'no/such/Procfile'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('conncalc: no Procfile at no/such/Procfile: the folder no/such does not exist\n  hint: run conncalc in the app folder, or pass --procfile PATH (a Procfile, or a heroku.yml: --procfile heroku.yml)\n')
  })

  it('a file other than Procfile that is not there (Procfile.prod, heroku.yml) is an error, not the default web process; the hint names what the folder has', () => {
    const dir = procfileOf('no-procfile-rails-dev').replace(/\/Procfile$/, '')
    for (const name of ['Procfile.prod', 'heroku.yml']) {
      const r = runCliInProcess(['plan', '--procfile', `${dir}/${name}`])
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`^conncalc: \\S*no-procfile-rails-dev/${name.replace('.', '\\.')}: no such file\n {2}hint: \\S*no-procfile-rails-dev has Procfile\\.dev: pass --procfile \\S*no-procfile-rails-dev/Procfile\\.dev\n$`))
    }
  })

  it('a folder given as the Procfile: the hint names the Procfile inside it', () => {
    const dir = procfileOf('no-procfile-rails-dev').replace(/\/Procfile$/, '')
    const r = runCliInProcess(['plan', '--procfile', dir])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`conncalc: ${dir} is a directory, not a Procfile\n  hint: to read the app in that folder, pass --procfile ${dir}/Procfile (or run conncalc there)\n`)
  })
})

describe("a Procfile with no web type: the buildpack's default web process runs beside its types", () => {
  it('Rails: release and worker only → web is bin/rails server (Puma from config/puma.rb), 1 dyno assumed', () => {
    // web: puma.rb workers WEB_CONCURRENCY || 2, threads RAILS_MAX_THREADS || 3, pool 5 → 2 × min(5, 3) = 6;
    // worker: sidekiq -c 4 → min(5, 4) = 4; total 6 + 4 = 10; the release dyno (`bin/rails db:migrate`, ActiveRecord 7.2.1:
    // the migration's connection + the migrator's advisory-lock connection) adds 2 to the deploy peak: 12.
    const r = planJson(procfileOf('procfile-without-web/rails'), ['--limit', '100'])
    expect(r.processTypes.map((p) => [p.name, p.server])).toEqual([['web', 'puma'], ['release', 'release'], ['worker', 'sidekiq']])
    expect(r.type('web')).toMatchObject({command: 'bin/rails server -p ${PORT:-5000} -e $RAILS_ENV', connections: 6, dynos: 1, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.type('web').sources.dynos.source).toMatchObject({kind: 'assumed'})
    expect(r.total).toBe(10)
    expect(r.deployPeak).toBe(12)
    const info = r.diagnostics.find((d) => d.code === 'default-web-process')!
    expect(info).toMatchObject({processType: 'web', severity: 'info'})
    expect(info.message).toContain("the Procfile declares no web type, so web runs `bin/rails server -p ${PORT:-5000} -e $RAILS_ENV`: the Ruby buildpack's default web process for Rails 7.2.1")
    // Scaled to 0, as a worker-only app does: 4.
    expect(planJson(procfileOf('procfile-without-web/rails'), ['--limit', '100', '--scale', 'web=0']).total).toBe(4)
  })

  it('another type serves HTTP (custom_web: puma): the default web is not counted, and the info says why', () => {
    // custom_web 2 × min(5, 3) = 6 + worker 4 = 10, no web.
    const r = planJson(procfileOf('procfile-without-web/rails/Procfile.custom-web'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['custom_web', 'worker'])
    expect(r.total).toBe(10)
    expect(r.diagnostics.find((d) => d.code === 'default-web-process')).toMatchObject({line: 1, processType: 'custom_web', severity: 'info'})
  })

  it("PHP on Scalingo (cron.json): web is Scalingo's bin/run, PHP-FPM sized for an M container", () => {
    // bin/run: PHP-FPM children max(3, floor(512M / 196M) + 2) = 4 (CONTAINER_SIZE unset: M assumed) × 1 connection;
    // messenger:consume 1; total 4 + 1 = 5.
    const r = planJson(procfileOf('procfile-without-web/scalingo-php'), ['--limit', '100'])
    expect(r.type('web')).toMatchObject({command: 'bin/run', connections: 4, processesPerDyno: 4, server: 'php-fpm'})
    expect(r.type('worker')).toMatchObject({connections: 1, server: 'symfony-messenger'})
    expect(r.total).toBe(5)
    expect(r.diagnostics.find((d) => d.code === 'default-web-process')!.message).toContain("Scalingo's PHP buildpack's default web process, bin/run (PHP-FPM beside nginx); the app is on Scalingo: cron.json")
  })

  it('Node with no start script and no server.js: npm start has nothing to run, so only the worker counts', () => {
    const r = planJson(procfileOf('procfile-without-web/node-bot'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['worker'])
    expect(r.total).toBe(3) // new Pool({max: 3})
    expect(r.codes).not.toContain('default-web-process')
  })

  it('Elastic Beanstalk (.ebextensions/): the platform runs the Procfile as it is, with no buildpack default web beside the worker', () => {
    // worker.js: new Pool({max: 2}) → 2. Heroku would add `npm start` (server.js, max 4) → 6; Elastic Beanstalk runs
    // only what the Procfile lists (a worker environment's bundle has no web).
    const r = planJson(procfileOf('procfile-without-web/beanstalk-node'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['worker'])
    expect(r.total).toBe(2)
    expect(r.diagnostics.find((d) => d.code === 'default-web-process')).toMatchObject({message: expect.stringContaining('AWS Elastic Beanstalk (.ebextensions/01-environment.config)'), severity: 'info'})
  })
})

describe("Scalingo's postdeploy type: once per deploy, like release", () => {
  it('counts only in the deploy peak; with an overlap, beside both sets of web containers', () => {
    // web: 2 workers × min(5, 3) = 6 per dyno × 2 = 12; postdeploy `rake db:migrate` (ActiveRecord 7.2.1): 1 container ×
    // (the migration's connection + the migrator's advisory-lock connection) = 2 → deploy peak 14.
    const r = planJson(procfileOf('scalingo-postdeploy'), ['--scale', 'web=2', '--limit', '30'])
    expect(r.total).toBe(12)
    expect(r.type('postdeploy')).toMatchObject({connections: 2, role: 'release', server: 'postdeploy'})
    expect(r.deployPeak).toBe(14)
    // --preboot: the new web containers (12) and the hook (2) run beside the old ones: 12 + 12 + 2 = 26.
    expect(planJson(procfileOf('scalingo-postdeploy'), ['--scale', 'web=2', '--limit', '30', '--preboot']).deployPeak).toBe(26)
  })

  it('a postcompile build hook and a postdeploy script are deploy-time, never long-running types or unknown commands', () => {
    // web 12 as above; postcompile (bin/build_assets.sh: rake assets:precompile) 1 × 1; postdeploy reads its script,
    // bin/post_deploy.sh: `bundle exec rake db:migrate` on ActiveRecord 7.2.1 holds the migration's connection and the
    // Migrator's advisory-lock one (release.ts): 2. One deploy moment at a time: peak 12 + 2 = 14.
    const r = planJson(procfileOf('scalingo-postdeploy/Procfile.hooks'), ['--scale', 'web=2', '--limit', '30'])
    expect(r.total).toBe(12)
    expect(r.type('postdeploy')).toMatchObject({connections: 2, extraPerProcess: 1, role: 'release', server: 'postdeploy'})
    expect(r.type('postcompile')).toMatchObject({connections: 1, role: 'release', server: 'postcompile'})
    expect(r.deployPeak).toBe(14)
    expect(r.codes).not.toContain('unknown-command')
    // Scalingo documents no postcompile type: its one dyno is an assumption, said as such.
    expect(r.type('postcompile').sources.dynos.source).toMatchObject({kind: 'assumed'})
    expect(r.type('postdeploy').sources.dynos.source).toMatchObject({kind: 'default'})
    const text = runCliInProcess(['plan', '--procfile', procfileOf('scalingo-postdeploy/Procfile.hooks'), '--scale', 'web=2', '--limit', '30']).stdout
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

  // WSGI blocking threads by the pinned version (a Django app, one connection per thread: each thread counts).
  // Backpressure = max(128, backlog 1024) ÷ 2 workers = 512 in every version that has it.
  const {app: granianApp} = tempApps('django-granian-pinned')
  const lockWith = (version: string): string => `[[package]]\nname = "granian"\nversion = "${version}"\ndescription = "A Rust HTTP server for Python applications"\n`
  it('WSGI, granian 1.4-1.7 pinned in the root poetry.lock of a `cd src &&` line: as many blocking threads as the backpressure', () => {
    // granian/server.py v1.6.3:123-129: blocking_threads = backpressure for WSGI → 512 per worker × 2 workers = 1024.
    const r = planJson(procfileOf('django-granian-pinned'), ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 1024, processesPerDyno: 2, server: 'granian', threadsPerProcess: 512})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining('granian 1.6.3 (poetry.lock:21)')})
  })

  it('WSGI, granian 2.x pinned: backpressure ÷ 2; 1.0-1.3: --blocking-threads default 1; before 1.0: --threads', () => {
    // server/common.py v2.0.0:131-135: 512 ÷ 2 = 256 per worker × 2 = 512.
    const two = planJson(`${granianApp({'poetry.lock': lockWith('2.5.0')})}/Procfile`, ['--scale', 'web=1'])
    expect(two.type('web')).toMatchObject({connections: 512, threadsPerProcess: 256})
    // cli.py v1.3.2:67-72: --blocking-threads default 1 → 1 × 2 workers = 2.
    const one = planJson(`${granianApp({'poetry.lock': lockWith('1.3.2')})}/Procfile`, ['--scale', 'web=1'])
    expect(one.type('web')).toMatchObject({connections: 2, threadsPerProcess: 1})
    // cli.py v0.7.6:31,75-76: --threads (here 4) is also the Python threads (pthreads) → 4 × 2 = 8.
    const zero = granianApp({
      Procfile: 'web: cd src && granian --interface wsgi config.wsgi:application --workers 2 --threads 4 --port=$PORT\n',
      'poetry.lock': lockWith('0.7.6'),
    })
    expect(planJson(`${zero}/Procfile`, ['--scale', 'web=1']).type('web')).toMatchObject({connections: 8, threadsPerProcess: 4})
    // A flag wins over any version's default: --blocking-threads 3 → 3 × 2 = 6.
    const flag = granianApp({Procfile: 'web: cd src && granian --interface wsgi --blocking-threads 3 --workers 2 config.wsgi:application\n'})
    expect(planJson(`${flag}/Procfile`, ['--scale', 'web=1']).type('web')).toMatchObject({connections: 6, threadsPerProcess: 3})
  })

  it('ASGI: the event loop can use the whole pool, as under uvicorn', () => {
    // --workers 3; create_async_engine pool 10 (app/core/config.py) → 3 × 10 = 30, the same as `uvicorn --workers 3`.
    const granian = planJson(procfileOf('fastapi-sqlalchemy/Procfile.granian'), ['--scale', 'web=1'])
    const uvicorn = planJson(procfileOf('fastapi-sqlalchemy'), ['--scale', 'web=1'])
    expect(granian.type('web')).toMatchObject({connections: 30, processesPerDyno: 3, server: 'granian', threadsPerProcess: 10})
    expect(granian.type('web').connections).toBe(uvicorn.type('web').connections)
  })
})

describe('shell scripts in the Procfile: what they leave running', () => {
  const app = procfileOf('django-start-scripts')

  it('jobs sent to the background, then `wait -n` and `pkill -P $$`: the jobs are the processes, pkill (it signals and exits) is none', () => {
    // The shape of suitenumerique/docs' bin/buildpack_start.sh: every server `&`, a trap, `wait -n`, then `pkill -P $$`
    // stops the others once one exits. gunicorn: WEB_CONCURRENCY 2 (heroku/python on standard-1x) × 2 threads
    // (GUNICORN_THREADS exported, read by gunicorn.conf.py:6) = 4; celery --concurrency 2 prefork = 2. 4 + 2 = 6.
    const {app: scriptApp} = tempApps('django-start-scripts')
    const dir = scriptApp({
      'bin/start.sh': '#!/bin/bash\nexport GUNICORN_THREADS=2\ngunicorn shop.wsgi:application --log-file - &\ncelery -A shop worker --concurrency 2 &\ntrap "pkill SIGTERM -P $$" SIGTERM\nwait -n\npkill -P $$\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1:standard-1x', 'worker=0'])
    expect(r.type('web')).toMatchObject({connections: 6, connectionsPerDyno: 6, processesPerDyno: 2, threadsPerProcess: 2})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('a foreground command before the `&` jobs returned before they started: a setup step, not one of the processes', () => {
    // suitenumerique/drive's bin/scalingo_run_web: `python manage.py trigger_wopi_configuration` (a command of the app's
    // that conncalc does not know), then `gunicorn … &`, `bin/run &` and `wait -n`. bash starts each job only once the
    // command before it has returned, so the command holds nothing while the dyno runs: the same 4 + 2 = 6 as above
    // (before: the command was taken for the dyno's process, 1* more, server django-command).
    const {app: scriptApp} = tempApps('django-start-scripts')
    const dir = scriptApp({
      'bin/start.sh': '#!/bin/bash\nexport GUNICORN_THREADS=2\npython manage.py sync_wopi_hosts\ngunicorn shop.wsgi:application --log-file - &\ncelery -A shop worker --concurrency 2 &\ntrap "pkill SIGTERM -P $$" SIGTERM\nwait -n\npkill -P $$\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1:standard-1x', 'worker=0'])
    expect(r.type('web')).toMatchObject({connections: 6, connectionsPerDyno: 6, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 2})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('bash bin/start.sh: the exec at the end is the server, with the env the script exports; each & job adds its connections to the dyno', () => {
    const r = planJson(app, ['--scale', 'web=2:standard-2x', 'worker=1', '--env', 'CELERY_IN_WEB=true'])
    // gunicorn: WEB_CONCURRENCY 4 (heroku/python on standard-2x: min(8 × 2 + 1, 1024 ÷ 256) = 4) workers ×
    // GUNICORN_THREADS 2 (exported by bin/start.sh:8, read by gunicorn.conf.py:6); Django one connection per thread → 2.
    // `celery … --concurrency 2 &` (bin/start.sh:11, CELERY_IN_WEB=true): 2 prefork processes × 1 = 2 more per dyno.
    // 4 × 2 + 2 = 10 per dyno × 2 dynos = 20.
    expect(r.type('web')).toMatchObject({connections: 20, connectionsPerDyno: 10, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 2})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({from: 'bin/start.sh:8', kind: 'env', name: 'GUNICORN_THREADS'})
    // bin/worker.sh sources bin/celery-env.sh (CELERY_CONCURRENCY=3); DYNO is worker.1, so `case` takes `worker.*)`: 3 × 1 = 3.
    expect(r.type('worker')).toMatchObject({connections: 3, processesPerDyno: 3, server: 'celery'})
    // postdeploy (bash bin/post_deploy.sh) is Scalingo's hook: deploy peak only. Total 20 + 3 = 23, peak 23 + 1 = 24.
    expect(r.total).toBe(23)
    expect(r.deployPeak).toBe(24)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('an if the env does not decide: each way is budgeted, the larger counted, labelled, and --env decides it', () => {
    const r = planJson(app, ['--scale', 'web=2:standard-2x', 'worker=1'])
    // CELERY_IN_WEB unset: the way with the celery job holds more (10 per dyno against 8), so it counts (20, as above), starred.
    expect(r.type('web').connections).toBe(20)
    const d = r.diagnostics.find((x) => x.code === 'unknown-config-value')!
    expect(d).toMatchObject({file: 'bin/start.sh', line: 10, processType: 'web'})
    // Each way is budgeted on one dyno: gunicorn 4 × 2 with the celery job's 2 = 10, or gunicorn alone 8; the larger counted.
    expect(d.message).toBe('web: `if [ "$CELERY_IN_WEB" = "true" ]` (bin/start.sh:10) cannot be decided from the environment here: `gunicorn shop.wsgi:application --log-file -` + `celery -A shop worker --concurrency 2 …` & (10); `gunicorn shop.wsgi:application --log-file -` (8); the largest is counted')
    expect(r.type('web').extras).toContainEqual(expect.objectContaining({count: 2, kind: 'script-process', source: expect.objectContaining({via: expect.arrayContaining([expect.objectContaining({kind: 'assumed'})])})}))
    // CELERY_IN_WEB=false: no celery job: 4 × 2 = 8 per dyno × 2 = 16.
    expect(planJson(app, ['--scale', 'web=2:standard-2x', 'worker=1', '--env', 'CELERY_IN_WEB=false']).type('web')).toMatchObject({connections: 16, connectionsPerDyno: 8})
  })

  it('an if whose arms each start a different server: the one holding the most connections is counted, starred, and --env decides it', () => {
    const branches = procfileOf('script-undecided-branches')
    const r = planJson(branches, ['--plan', 'essential-0', '--scale', 'web=2', 'worker=1'])
    // bin/web: USE_ANYCABLE is set in no file, so either arm may run. anycable: not recognised, 1 process × 1 = 1 per dyno.
    // puma -C config/puma.rb: workers 2, threads 3, pool 5 → 2 × min(3, 5) = 6 per dyno. The larger, 6, counts: 2 dynos × 6 = 12.
    expect(r.type('web')).toMatchObject({connections: 12, connectionsPerDyno: 6, processesPerDyno: 2, server: 'puma', threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('bin/web:3: `if [ "$USE_ANYCABLE" == "true" ]` cannot be decided from the environment here; its branches start different processes, and the one holding the most connections is assumed: `anycable --server-command=anycable-go` (1), `puma -C config/puma.rb` (6); `puma -C config/puma.rb` (6) is counted')}))
    // Worker: sidekiq -c 4, pool 5 → 4. Total 12 + 4 = 16.
    expect(r.total).toBe(16)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 3, processType: 'web'}))
    // The anycable arm's own warning is not said: with the larger arm counted, it does not run.
    expect(r.codes).not.toContain('unknown-command')
    // Said with --env: that arm, and nothing assumed about the branch.
    const cable = planJson(branches, ['--plan', 'essential-0', '--scale', 'web=2', 'worker=1', '--env', 'USE_ANYCABLE=true'])
    expect(cable.type('web')).toMatchObject({connections: 2, connectionsPerDyno: 1})
    expect(cable.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
    const puma = planJson(branches, ['--plan', 'essential-0', '--scale', 'web=2', 'worker=1', '--env', 'USE_ANYCABLE=false'])
    expect(puma.type('web')).toMatchObject({connections: 12, processesPerDyno: 2})
    expect(puma.type('web').sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
  })

  it('a variable set in an if the env does not decide: each way is budgeted, the larger counted, starred', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({
      'bin/web': '#!/bin/bash\nif [ -n "$SMALL" ]; then\n  export WEB_CONCURRENCY=1\nfi\nexec bundle exec puma -C config/puma.rb\n',
      'config/puma.rb': 'workers ENV.fetch("WEB_CONCURRENCY") { 3 }\nthreads 3, 3\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // SMALL is set nowhere: with the first branch WEB_CONCURRENCY=1 → 1 Puma process × min(3, pool 5) = 3; without it
    // puma.rb's fallback 3 workers × 3 = 9. The larger, 9, is counted, starred, naming the if and the line that sets it.
    expect(r.type('web')).toMatchObject({connections: 9, processesPerDyno: 3})
    const note = 'bin/web:2: `if [ -n "$SMALL" ]` (bin/web:2) cannot be decided from the environment here: with WEB_CONCURRENCY=1 (bin/web:3) (3); with WEB_CONCURRENCY unset (9); the largest is counted'
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({kind: 'assumed', why: note})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2, processType: 'web'}))
    // --env SMALL= decides it: puma.rb's fallback 3 workers × 3 = 9, nothing assumed; SMALL=1: 1 × 3 = 3, nothing assumed.
    const said = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'SMALL='])
    expect(said.type('web')).toMatchObject({connections: 9, processesPerDyno: 3})
    expect(said.type('web').sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    const small = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'SMALL=1'])
    expect(small.type('web')).toMatchObject({connections: 3, processesPerDyno: 1})
    expect(small.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it("`export $(grep -v '^#' config/web.env | xargs)`: Puma's workers and threads from the file the app ships; unknown and starred when the file is not in the repo", () => {
    const {app: exportApp} = tempApps('script-undecided-branches')
    const files = {
      'bin/web': "#!/bin/bash\nexport $(grep -v '^#' config/web.env | xargs)\nexec bundle exec puma -C config/puma.rb\n",
      'config/puma.rb': 'workers ENV.fetch("WEB_CONCURRENCY") { 2 }\nthreads_count = ENV.fetch("RAILS_MAX_THREADS") { 3 }\nthreads threads_count, threads_count\n',
      'config/web.env': '# web dyno\nWEB_CONCURRENCY=4\nRAILS_MAX_THREADS=4\n',
    }
    const r = planJson(`${exportApp(files)}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // web.env gives WEB_CONCURRENCY=4, RAILS_MAX_THREADS=4: 4 workers × min(4 threads, pool 5) = 16 (was 2 × 3 = 6, silently).
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 16, processesPerDyno: 4, threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({from: 'config/web.env:2', kind: 'env', name: 'WEB_CONCURRENCY'}))
    // Without the file (kept out of git): puma.rb's fallbacks, 2 × 3 = 6, starred, naming the line.
    const {'config/web.env': _gone, ...rest} = files
    const missing = planJson(`${exportApp(rest)}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    expect(missing.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 2})
    expect(missing.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('bin/web:2: `export $(grep -v \'^#\' config/web.env | xargs)` exports the variables its command prints, which are not known here (config/web.env is not in the repo)')}))
    expect(missing.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2, processType: 'web'}))
  })

  it('a variable set only in the branch not taken: the number read from it is starred too', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({
      'bin/web': '#!/bin/bash\nif [ -n "$BIG_DYNO" ]; then\n  echo "big dyno"\nelse\n  export WEB_CONCURRENCY=1\nfi\nexec bundle exec puma -C config/puma.rb\n',
      'config/puma.rb': 'workers ENV.fetch("WEB_CONCURRENCY") { 3 }\nthreads 3, 3\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // The first branch (echo) leaves WEB_CONCURRENCY unset: 3 workers × min(3, 5) = 9; the else branch sets it to 1: 1 × 3 = 3.
    // 9 counted, starred, naming the else branch's line. Worker sidekiq -c 4 → 4; total 9 + 4 = 13.
    expect(r.type('web')).toMatchObject({connections: 9, processesPerDyno: 3})
    expect(r.total).toBe(13)
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('with WEB_CONCURRENCY unset (9); with WEB_CONCURRENCY=1 (bin/web:5) (3)')}))
    // A value given before the if that the untaken branch would replace carries the assumption where it is read.
    const given = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'WEB_CONCURRENCY=2'])
    // WEB_CONCURRENCY=2: 2 × 3 = 6; the else branch: 1 × 3 = 3. 6 counted, starred (the else branch could make it 3).
    expect(given.type('web')).toMatchObject({connections: 6, processesPerDyno: 2})
    expect(given.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringMatching(/^bin\/web:2: `if \[ -n "\$BIG_DYNO" \]`/)}))
  })

  it('exec in a branch ends the script there; exit in a guard is not a way the app runs', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({
      'bin/web': '#!/bin/bash\n[ -n "$DATABASE_URL" ] || { echo "DATABASE_URL is missing"; exit 1; }\nif [ -n "$JOBS_IN_WEB" ]; then\n  exec bundle exec sidekiq -c 2\nfi\nexec bundle exec puma -C config/puma.rb\n',
      'config/puma.rb': 'workers 1\nthreads 3, 3\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // JOBS_IN_WEB set: sidekiq -c 2 → min(2, pool 5) = 2, and the script ends there; unset: puma 1 worker × min(3, 5) = 3.
    // The larger, puma's 3, is counted, starred. The DATABASE_URL guard exits: nothing assumed about it.
    expect(r.type('web')).toMatchObject({connections: 3, server: 'puma'})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('`sidekiq -c 2` (2); `puma -C config/puma.rb` (3); the largest is counted')}))
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => d.line)).toEqual([3])
    // JOBS_IN_WEB=1: sidekiq and nothing after its exec: 2, nothing assumed.
    const jobs = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'JOBS_IN_WEB=1'])
    expect(jobs.type('web')).toMatchObject({connections: 2, server: 'sidekiq'})
    expect(jobs.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('ways that differ in a background job: each way budgeted as a whole, the largest counted, starred', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({
      'bin/web': '#!/bin/bash\nif [ -n "$JOBS_IN_WEB" ]; then\n  bundle exec sidekiq -c 2 &\nfi\nexec bundle exec puma -C config/puma.rb\n',
      'config/puma.rb': 'workers 1\nthreads 3, 3\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // JOBS_IN_WEB set: puma 1 worker × min(3, pool 5) = 3, and sidekiq -c 2 beside it, min(2, 5) = 2: 5 per dyno.
    // Unset: puma alone, 3. The larger way, 5, is counted and starred; worker sidekiq -c 4 → 4; total 5 + 4 = 9.
    expect(r.type('web')).toMatchObject({connections: 5, connectionsPerDyno: 5, server: 'puma'})
    expect(r.total).toBe(9)
    const told = '`if [ -n "$JOBS_IN_WEB" ]` (bin/web:2) cannot be decided from the environment here: `puma -C config/puma.rb` + `sidekiq -c 2` & (5); `puma -C config/puma.rb` (3); the largest is counted'
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2, message: `web: ${told}`, processType: 'web'}))
    expect(r.type('web').extras).toContainEqual(expect.objectContaining({count: 2, kind: 'script-process', source: expect.objectContaining({via: expect.arrayContaining([{kind: 'assumed', why: `bin/web:2: ${told}`}])})}))
    // --env JOBS_IN_WEB= decides it: puma alone, 3, nothing assumed.
    const web = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'JOBS_IN_WEB='])
    expect(web.type('web')).toMatchObject({connections: 3, connectionsPerDyno: 3})
    expect(web.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('ways that differ in a background job while the server runs in a loop: each way budgeted, the largest counted, starred', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({
      'bin/web': '#!/bin/bash\nif [ -z "$JOBS_IN_WEB" ]; then\n  echo "web only"\nelse\n  bundle exec sidekiq -c 2 &\nfi\nwhile true; do\n  bundle exec puma -C config/puma.rb\n  bundle exec rake cleanup\ndone\n',
      'config/puma.rb': 'workers 1\nthreads 3, 3\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // The loop runs puma (1 worker × min(3, pool 5) = 3) and rake (1) in turn: 3. JOBS_IN_WEB unset: that alone, 3;
    // set: sidekiq -c 2 beside it, min(2, 5) = 2: 5. The larger, 5, is counted and starred (was 3, silently: the first
    // branch's way, whose assumption no running process carried). Worker sidekiq -c 4 → 4; total 5 + 4 = 9.
    expect(r.type('web')).toMatchObject({connections: 5, connectionsPerDyno: 5, server: 'puma'})
    expect(r.total).toBe(9)
    const told = '`if [ -z "$JOBS_IN_WEB" ]` (bin/web:2) cannot be decided from the environment here: `puma -C config/puma.rb` (3); `puma -C config/puma.rb` + `sidekiq -c 2` & (5); the largest is counted'
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/web', line: 2, message: `web: ${told}`, processType: 'web'}))
    // --env JOBS_IN_WEB= decides it: the loop alone, 3, nothing assumed about the if.
    const web = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'JOBS_IN_WEB='])
    expect(web.type('web')).toMatchObject({connections: 3, connectionsPerDyno: 3})
    expect(web.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('a for loop starting a job in the background on each turn: each copy counts beside the server', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({
      'bin/web': '#!/bin/bash\nfor q in mail default low; do\n  bundle exec sidekiq -c 2 -q $q &\ndone\nexec bundle exec puma -C config/puma.rb\n',
      'config/puma.rb': 'workers 1\nthreads 3, 3\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // puma 1 × min(3, pool 5) = 3; three sidekiq jobs (one per queue word), each min(2, 5) = 2: 3 + 3 × 2 = 9 per dyno.
    // Worker sidekiq -c 4 → 4; total 9 + 4 = 13. Nothing assumed: the loop's word list is in the file.
    expect(r.type('web')).toMatchObject({connections: 9, connectionsPerDyno: 9, server: 'puma'})
    expect(r.total).toBe(13)
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it("`bash -c 'cd api && exec puma'` on the Procfile line: the cd moves where puma reads its config", () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const lock = readFileSync(`${fixture('script-undecided-branches')}/Gemfile.lock`, 'utf8')
    const dir = branchApp({
      Procfile: "web: bash -c 'cd api && exec bundle exec puma -C config/puma.rb'\nworker: bundle exec sidekiq -c 4\n",
      'api/Gemfile.lock': lock,
      'api/config/database.yml': 'production:\n  adapter: postgresql\n  pool: 5\n',
      'api/config/puma.rb': 'workers 4\nthreads 2, 2\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // api/config/puma.rb: 4 workers × min(2 threads, pool 5) = 8 (the root's config/puma.rb, 2 × 3 = 6, is not what runs).
    // Worker sidekiq -c 4 → 4; total 8 + 4 = 12. Nothing assumed.
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 4, server: 'puma', threadsPerProcess: 2})
    expect(r.total).toBe(12)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a Procfile naming /app/bin/web (Heroku unpacks the slug into /app): `cd /app/api` and `cd /app` are the app\'s folders', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const lock = readFileSync(`${fixture('script-undecided-branches')}/Gemfile.lock`, 'utf8')
    const dir = branchApp({
      Procfile: 'web: /app/bin/web\nworker: /app/bin/worker\n',
      'api/Gemfile.lock': lock,
      'api/config/database.yml': 'production:\n  adapter: postgresql\n  pool: 5\n',
      'api/config/puma.rb': 'workers 4\nthreads 2, 2\n',
      'bin/web': '#!/bin/bash\ncd /app/api\nexec bundle exec puma -C config/puma.rb\n',
      'bin/worker': '#!/bin/bash\ncd api\ncd /app\nexec bundle exec sidekiq -c 4\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // web: api/config/puma.rb, 4 workers × min(2 threads, pool 5) = 8 (before: the root's, 2 × 3 = 6, with
    // "/app/bin/web is outside the app folder"). worker: `cd /app` is the root again: sidekiq -c 4, min(4, 5) = 4.
    // Total 8 + 4 = 12, nothing unknown, no file said to be outside the app.
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 4, server: 'puma', threadsPerProcess: 2})
    expect(r.type('worker')).toMatchObject({connections: 4, server: 'sidekiq'})
    expect(r.total).toBe(12)
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.diagnostics.filter((d) => d.message.includes('outside the app folder'))).toEqual([])
  })

  it('${ROLE,,} in a case: the value lower-cased as bash does, so --env ROLE=JOBS takes the jobs arm', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({'bin/web': '#!/bin/bash\ncase "${PROCESS_ROLE,,}" in\n  jobs) exec bundle exec sidekiq -c 2 ;;\n  *) exec bundle exec puma -C config/puma.rb ;;\nesac\n'})
    // PROCESS_ROLE=JOBS → "jobs" → sidekiq -c 2: min(2, pool 5) = 2 (before: "JOBS" matched only `*)`, puma's 2 × 3 = 6).
    // Worker 4; total 2 + 4 = 6.
    const jobs = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'PROCESS_ROLE=JOBS'])
    expect(jobs.type('web')).toMatchObject({connections: 2, server: 'sidekiq'})
    expect(jobs.total).toBe(6)
    expect(jobs.codes).not.toContain('unknown-config-value')
    const web = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1', '--env', 'PROCESS_ROLE=Web'])
    expect(web.type('web')).toMatchObject({connections: 6, server: 'puma'})
  })

  it('an undecided if inside an arm of another: every process of every way is weighed, the largest counted', () => {
    const {app: branchApp} = tempApps('script-undecided-branches')
    const dir = branchApp({'bin/web': '#!/bin/bash\nif [ -n "$JOBS" ]; then\n  if [ -n "$SMALL" ]; then exec bundle exec sidekiq -c 1; else exec bundle exec sidekiq -c 2; fi\nelse\n  exec bundle exec puma -C config/puma.rb\nfi\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'essential-0', '--scale', 'web=1', 'worker=1'])
    // JOBS and SMALL are set nowhere: sidekiq -c 1 → 1, sidekiq -c 2 → 2, or puma 2 workers × min(3, pool 5) = 6. The
    // largest, 6, is counted, starred (before: the outer if took its first branch, 2, and puma was never weighed).
    // Worker sidekiq -c 4 → 4; total 6 + 4 = 10.
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 2, server: 'puma'})
    expect(r.total).toBe(10)
    const said = r.diagnostics.filter((d) => d.code === 'unknown-config-value')
    expect(said.map((d) => d.line).sort()).toEqual([2, 3])
    expect(said.find((d) => d.line === 2)!.message).toBe('web: `if [ -n "$JOBS" ]` (bin/web:2) cannot be decided from the environment here: `sidekiq -c 1` (1); `sidekiq -c 2` (2); `puma -C config/puma.rb` (6); the largest is counted')
  })

  it('--explain names the script line of every process it counts', () => {
    const r = runCliInProcess(['plan', '--procfile', app, '--scale', 'web=2:standard-2x', 'worker=1', '--env', 'CELERY_IN_WEB=true', '--explain'])
    expect(r.stdout).toMatch(/\+ per dyno\s+2\s+`celery -A shop worker --concurrency 2 --loglevel info &` runs beside it in each dyno \(celery: 2 × 1\): bin\/start\.sh:11/)
    expect(r.stdout).toContain('connections per dyno = 4 × 2 + 2 = 10')
  })
})
