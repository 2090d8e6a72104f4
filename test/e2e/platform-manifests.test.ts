/**
 * Process types declared by another Heroku-style platform when the app has no Procfile: Render's render.yaml
 * services and Fly.io's fly.toml process groups (src/procfile/platform-manifest.ts). Before, conncalc exited 2
 * ("no Procfile or heroku.yml … no default web process") or counted the buildpack's default web process alone.
 *
 * Fixture render-yaml-rails (Rails 7.2, Puma 6.4.3, Sidekiq 7.3.5): config/puma.rb workers WEB_CONCURRENCY
 * (default 3), threads RAILS_MAX_THREADS (default 5); database.yml pool RAILS_MAX_THREADS; sidekiq.yml concurrency
 * SIDEKIQ_CONCURRENCY. render.yaml: web `shop` (numInstances 2, envVars RAILS_MAX_THREADS 8, group shop-settings,
 * preDeployCommand), worker `jobs` (scaling 1..3, group shop-settings: SIDEKIQ_CONCURRENCY 10, RAILS_MAX_THREADS 10),
 * cron nightly-report, static site docs. app.json (Heroku's, stale) sets WEB_CONCURRENCY 1 and web × 5: not read.
 *
 * Fixture fly-toml-rails: same config; Dockerfile ENV RAILS_MAX_THREADS 6; fly.toml [env] WEB_CONCURRENCY "2",
 * SIDEKIQ_CONCURRENCY 7; [processes] web (puma), worker (an argument array); [http_service] processes ["web"],
 * min_machines_running 2; [deploy] release_command.
 */
import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const RENDER = procfileOf('render-yaml-rails')
const FLY = procfileOf('fly-toml-rails')

describe('render.yaml: the services are the process types when there is no Procfile', () => {
  it('shop 2 × 3 × 8 = 48, jobs at its max 3 × 10 = 30, release 2 in the deploy peak; total 78', () => {
    const r = planJson(RENDER, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    // shop: numInstances 2 (render.yaml:10); Puma workers = puma.rb's default 3 (Render sets no WEB_CONCURRENCY, and
    // app.json's 1 is Heroku's); threads = RAILS_MAX_THREADS 8 (its own envVars win over the group's 10);
    // pool 8 → min(8, 8) = 8 per process; 2 × 3 × 8 = 48.
    const shop = r.type('shop')
    expect(shop.dynos).toBe(2)
    expect(shop.sources.dynos.source).toEqual({file: 'render.yaml', kind: 'file', line: 10})
    expect(shop.processesPerDyno).toBe(3)
    expect(shop.threadsPerProcess).toBe(8)
    expect(shop.sources.threadsPerProcess.via).toContainEqual({from: 'render.yaml:13 (service shop envVars)', kind: 'env', name: 'RAILS_MAX_THREADS'})
    expect(shop.connections).toBe(48)
    // jobs: scaling maxInstances 3 (render.yaml:28), budgeted at the max; Sidekiq 10 threads from the group, pool 10 → 10; 3 × 10 = 30.
    const jobs = r.type('jobs')
    expect(jobs.dynos).toBe(3)
    expect(jobs.dynoRange).toEqual({max: 3, min: 1})
    expect(jobs.sources.dynos.source).toEqual({file: 'render.yaml', kind: 'file', line: 28})
    expect(jobs.threadsPerProcess).toBe(10)
    expect(jobs.sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({from: 'render.yaml:52 (envVarGroup shop-settings)', name: 'SIDEKIQ_CONCURRENCY'}))
    expect(jobs.connections).toBe(30)
    // preDeployCommand `rails db:migrate` (ActiveRecord 7.2.2): once per deploy, deploy peak only: the migration's connection
    // and the migrator's advisory-lock connection, 2. The cron job and the static site are not types.
    expect(r.type('release').connections).toBe(2)
    expect(r.processTypes.map((t) => t.name)).toEqual(['shop', 'jobs', 'release'])
    expect(r.total).toBe(78)
    expect(r.deployPeak).toBe(80)
  })

  it('says where the types came from, what is not counted, and that app.json is not read', () => {
    const r = planJson(RENDER, ['--plan', 'standard-0'])
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({code: 'missing-config', file: 'render.yaml', message: expect.stringContaining("no Procfile: the process types are render.yaml's services (web shop, worker jobs, release = preDeployCommand), run by Render; no Heroku buildpack runs"), severity: 'info'}),
    )
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'render.yaml', line: 36, message: expect.stringContaining('cron job nightly-report (0 3 * * *) runs `bundle exec rails reports:nightly` in an instance of its own on its schedule: not a process type, not in the total')}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'app.json', message: "app.json is not read: the app runs on Render (render.yaml): app.json's env and formation are Heroku's"}))
  })

  it('--scale overrides numInstances: shop=1 → 24 + 30 = 54', () => {
    const r = planJson(RENDER, ['--plan', 'standard-0', '--scale', 'shop=1'])
    expect(r.type('shop').connections).toBe(24)
    expect(r.type('shop').sources.dynos.source).toEqual({flag: '--scale shop=1', kind: 'flag'})
    expect(r.total).toBe(54)
  })

  it('the table and --explain name render.yaml', () => {
    const r = runCliInProcess(['plan', '--procfile', RENDER, '--plan', 'standard-0', '--explain'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^conncalc plan .*render-yaml-rails\/render\.yaml · plan standard-0/)
    // Every type is a Render service: the explain's labels say instances, not dynos.
    expect(r.stdout).toMatch(/\n {2}instances +2 {2}render\.yaml:10\n/)
    expect(r.stdout).toContain('  connections per instance = 3 × 8 = 24')
    expect(r.stdout).toContain('RAILS_MAX_THREADS from render.yaml:13 (service shop envVars)')
  })

  it('a narrow terminal: the short names and their key say instances too', () => {
    const r = runCliInProcess(['plan', '--procfile', RENDER, '--plan', 'standard-0'], {env: {OCLIF_COLUMNS: '80'}})
    expect(r.stdout).toMatch(/^type +server +instances +proc +thr +pool +extra +c\/proc +conns +max$/m)
    expect(r.stdout).toContain('proc = processes per instance')
    expect(r.stdout).toContain('max = max instances')
    expect(r.stdout).toContain('not shown at this width: conn/instance')
  })
})

describe('render.yaml beside a Procfile, and named with --procfile', () => {
  const {app} = tempApps('render-yaml-rails')

  it('a Procfile wins (what Heroku, Scalingo and Dokku run); render.yaml is said not read, with how to count it', () => {
    const dir = app({Procfile: 'web: bundle exec puma -C config/puma.rb\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    // Heroku's Procfile: web on app.json's 5 dynos × 1 worker (app.json WEB_CONCURRENCY 1) × 5 threads (puma.rb default) = 25.
    expect(r.processTypes.map((t) => t.name)).toEqual(['web'])
    expect(r.type('web').connections).toBe(25)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'render.yaml', fix: 'to count what Render runs, pass --procfile render.yaml', message: expect.stringContaining('render.yaml is not read: the Procfile says what runs'), severity: 'info'}))
  })

  it('--procfile render.yaml counts the Render services even with a Procfile there', () => {
    const dir = app({Procfile: 'web: bundle exec puma -C config/puma.rb\n'})
    const r = planJson(`${dir}/render.yaml`, ['--plan', 'standard-0'])
    expect(r.total).toBe(78)
  })

  it('invalid render.yaml: exit 2 naming the line', () => {
    const dir = app({'render.yaml': 'services:\n  - type: web\n    name: [oops\n'})
    const r = runCliInProcess(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/render\.yaml:\d+: not valid YAML/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('a private service whose runtime names a database (postgres, redis) runs no app process: not a type', () => {
    const dir = app({'render.yaml': 'services:\n  - type: pserv\n    name: db\n    runtime: postgres\n  - type: web\n    name: shop\n    runtime: ruby\n    startCommand: bundle exec puma -C config/puma.rb\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    // shop: 1 instance × 3 workers × min(pool 5, threads 5) = 15 (puma.rb and database.yml defaults: no envVars).
    expect(r.processTypes.map((t) => t.name)).toEqual(['shop'])
    expect(r.total).toBe(15)
  })

  it('a docker service runs its dockerCommand in the image rootDir/Dockerfile builds, with its ENV', () => {
    const dir = app({
      'render.yaml': 'services:\n  - type: web\n    name: api\n    runtime: docker\n    dockerCommand: bundle exec puma -C config/puma.rb\n',
      Dockerfile: 'FROM ruby:3.3\nWORKDIR /app\nENV WEB_CONCURRENCY=2 RAILS_MAX_THREADS=4\nCOPY . .\nCMD ["bin/rails", "server"]\n',
    })
    // 1 instance (Render's default) × 2 workers × min(pool 4, threads 4) = 8.
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('api').processesPerDyno).toBe(2)
    expect(r.type('api').connections).toBe(8)
    expect(r.type('api').sources.dynos.source).toEqual(expect.objectContaining({kind: 'default', what: 'Render runs 1 instance of api: render.yaml sets no numInstances'}))
  })
})

describe('fly.toml: the [processes] groups are the process types when there is no Procfile', () => {
  it('web 2* × 2 × 6 = 24, worker 1* × 6 = 6; release in the deploy peak; counts are assumptions', () => {
    const r = planJson(FLY, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    // web: min_machines_running 2 (fly.toml:23) → 2 Machines assumed; workers WEB_CONCURRENCY "2" ([env], fly.toml:11);
    // threads and pool RAILS_MAX_THREADS 6 (the Dockerfile's ENV); 2 × 2 × 6 = 24.
    const web = r.type('web')
    expect(web.dynos).toBe(2)
    expect(web.sources.dynos.source.kind).toBe('assumed')
    expect(web.sources.dynos.source.why).toContain('fly.toml does not say how many Machines run web (`fly scale count` sets it); min_machines_running 2 (fly.toml:23) keeps at least that many running, so 2 assumed')
    expect(web.sources.processesPerDyno.via).toContainEqual({from: 'fly.toml:11 ([env])', kind: 'env', name: 'WEB_CONCURRENCY'})
    expect(web.connections).toBe(24)
    // worker: the command is an argument array; SIDEKIQ_CONCURRENCY 7 (an integer in [env]) on pool 6 → 6; 1 Machine assumed.
    const worker = r.type('worker')
    expect(worker.command).toBe('bundle exec sidekiq -C config/sidekiq.yml')
    expect(worker.dynos).toBe(1)
    expect(worker.sources.dynos.source.why).toContain('1 assumed (say --scale worker=N)')
    expect(worker.threadsPerProcess).toBe(7)
    expect(worker.connections).toBe(6)
    expect(r.codes).toContain('pool-below-threads')
    expect(r.diagnostics.find((d) => d.code === 'pool-below-threads')?.fix).toContain('`worker = "env RAILS_MAX_THREADS=7 …"` under [processes] in fly.toml')
    expect(r.type('release').command).toBe('./bin/rails db:migrate')
    expect(r.total).toBe(30)
    // release_command `rails db:migrate` (ActiveRecord 7.2.2): its connection + the migrator's advisory-lock connection
    expect(r.deployPeak).toBe(32)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'fly.toml', message: expect.stringContaining("no Procfile: the process types are fly.toml's [processes] (web, worker) and release = [deploy] release_command, run by Fly.io in the image Dockerfile builds")}))
  })

  it('--scale web=3 worker=2: 3 × 12 + 2 × 6 = 48', () => {
    const r = planJson(FLY, ['--plan', 'standard-0', '--scale', 'web=3', 'worker=2'])
    expect(r.total).toBe(48)
  })
})

describe('fly.toml without [processes], beside a Procfile, invalid', () => {
  const {app} = tempApps('fly-toml-rails')

  it("no [processes]: the default group app runs the image's CMD; 1 Machine assumed, said with Fly's first-deploy redundancy", () => {
    const dir = app({'fly.toml': 'app = "shop-fly"\n\n[env]\n  WEB_CONCURRENCY = "3"\n\n[http_service]\n  internal_port = 3000\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    // app: the Dockerfile's CMD (puma -C config/puma.rb), 3 workers × min(pool 6, threads 6) = 18 on 1 Machine.
    expect(r.processTypes.map((t) => t.name)).toEqual(['app'])
    const t = r.type('app')
    expect(t.command).toBe('bundle exec puma -C config/puma.rb')
    expect(t.connections).toBe(18)
    expect(t.sources.dynos.source.why).toContain('1 assumed; a first `fly deploy` gives a group with a service and no volume 2 Machines (redundancy by default)')
  })

  it('a Procfile wins; fly.toml is said not read', () => {
    const dir = app({Procfile: 'web: bundle exec puma -C config/puma.rb\n'})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.processTypes.map((t) => t.name)).toEqual(['web'])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'fly.toml', fix: 'to count what Fly.io runs, pass --procfile fly.toml', message: expect.stringContaining('fly.toml is not read: the Procfile says what runs')}))
  })

  it('invalid TOML: exit 2 naming the line, no stack trace', () => {
    const dir = app({'fly.toml': 'app = "x"\n[processes]\nweb = "bundle exec puma\n'})
    const r = runCliInProcess(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/fly\.toml:3: not valid TOML/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})

/**
 * Fixture fly-toml-prisma (Prisma 5.22, no connection_limit in DATABASE_URL): Prisma's default pool is physical
 * CPUs × 2 + 1 (prisma-engines quaint/src/pooled.rs). fly.toml [[vm]] size "shared-cpu-2x" for every group
 * (fly.toml:17), a second [[vm]] for worker: size "performance-2x" but cpus = 4 (fly.toml:22), which wins.
 * shared-cpu-Nx / performance-Nx have N vCPUs (https://fly.io/docs/about/pricing/#machines).
 */
describe('fly.toml [[vm]]: a CPU-count default follows the group\'s Machine size, not a Heroku dyno\'s 8', () => {
  const PRISMA = `${procfileOf('fly-toml-prisma').replace(/Procfile$/, '')}fly.toml`
  const {app} = tempApps('fly-toml-prisma')
  const POOL = 'pool.prisma src/db.ts:4'

  it('web on shared-cpu-2x: 2 × 2 + 1 = 5; worker cpus = 4: 4 × 2 + 1 = 9; total 14 (was 17 + 17 = 34 on standard-1x\'s 8)', () => {
    const r = planJson(PRISMA, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    const web = r.type('web')
    expect(web.poolPerProcess).toBe(5)
    expect(web.connections).toBe(5)
    expect(web.sources[POOL].via).toContainEqual({file: 'fly.toml', kind: 'file', line: 17})
    expect(web.sources[POOL].via).toContainEqual({kind: 'default', ref: 'https://fly.io/docs/about/pricing/#machines', what: 'a shared-cpu-2x Machine has 2 vCPUs'})
    const worker = r.type('worker')
    expect(worker.connections).toBe(9)
    expect(worker.sources[POOL].via).toContainEqual({file: 'fly.toml', kind: 'file', line: 22})
    expect(r.total).toBe(14)
  })

  it('no [[vm]]: shared-cpu-1x assumed (Fly\'s default for a new app), 1 × 2 + 1 = 3 per group, starred and said', () => {
    const text = readFileSync(PRISMA, 'utf8').replace(/\[\[vm\]\][\s\S]*$/, '')
    const dir = app({'fly.toml': text})
    const r = planJson(`${dir}/fly.toml`, ['--plan', 'standard-0'])
    const web = r.type('web')
    expect(web.connections).toBe(3)
    expect(r.type('worker').connections).toBe(3)
    expect(web.sources[POOL].via).toContainEqual({kind: 'assumed', why: "fly.toml has no [[vm]] for web: a new app's Machines are shared-cpu-1x (1 vCPU), assumed (`fly deploy` keeps an existing Machine's size; https://fly.io/docs/apps/scale-machine/)"})
    expect(r.total).toBe(6)
  })

  it('--scale with a dyno size sizes the group as that Heroku dyno instead: standard-2x reports 8 CPUs, 8 × 2 + 1 = 17', () => {
    const r = planJson(PRISMA, ['--plan', 'standard-0', '--scale', 'web=1:standard-2x'])
    expect(r.type('web').connections).toBe(17)
    expect(r.type('worker').connections).toBe(9)
  })
})

/**
 * Fixture render-yaml-prisma (Prisma 5.22, no connection_limit in DATABASE_URL: physical CPUs × 2 + 1,
 * prisma-engines quaint/src/pooled.rs). render.yaml `plan:` per service: api `pro` (2 CPU, 4 GB), mailer
 * `starter` (0.5 CPU, 512 MB), exports `Standard Plus` (a legacy type conncalc does not know)
 * (https://render.com/docs/workflows-limits#instance-types-compute-specs). Render gives a CPU share; what a
 * process counting CPUs sees is not documented, so the count is the share rounded up, starred.
 * databases: bookings-db `pro-16gb` (render.yaml:5), which every service's DATABASE_URL comes from, and
 * analytics-db basic-1gb. Render Postgres: 16 GB ≤ memory < 32 GB → 400 connections
 * (https://render.com/tutorials/postgres-on-render/connection-limits-and-pooling).
 */
describe("render.yaml plan: a CPU-count default follows the service's instance type; databases: give the limit", () => {
  const PRISMA = `${procfileOf('render-yaml-prisma').replace(/Procfile$/, '')}render.yaml`
  const {app} = tempApps('render-yaml-prisma')
  const POOL = 'pool.prisma src/db.ts:4'

  it('api pro 2 × (2 × 2 + 1) = 10, mailer starter 1 × 2 + 1 = 3, exports unknown type 8 × 2 + 1 = 17; total 30 of 400', () => {
    const r = planJson(PRISMA)
    expect(r.exit).toBe(0)
    const api = r.type('api')
    expect(api.poolPerProcess).toBe(5)
    expect(api.connections).toBe(10)
    expect(api.sources[POOL].via).toContainEqual({file: 'render.yaml', kind: 'file', line: 13})
    expect(api.sources[POOL].via).toContainEqual({kind: 'default', ref: 'https://render.com/docs/workflows-limits#instance-types-compute-specs', what: "Render's pro instance type has 2 CPU and 4 GB"})
    // starter: 0.5 CPU rounded up to 1.
    expect(r.type('mailer').connections).toBe(3)
    expect(r.type('mailer').sources[POOL].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("render.yaml:27: Render's starter instance type has 0.5 CPU and 512 MB; what a process counting CPUs sees in it is not documented: 1 assumed (the share rounded up)")}))
    expect(r.type('exports').connections).toBe(17)
    expect(r.type('exports').sources[POOL].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('render.yaml:38: instance type "standard plus" is not one conncalc knows')}))
    // Not Heroku's shared-host warning: a Render instance is not a standard-1x dyno.
    expect(r.codes).not.toContain('cpu-count-default')
    expect(r.limit).toBe(400)
    expect(r.limitSource?.source).toEqual({file: 'render.yaml', kind: 'file', line: 5})
    expect(r.total).toBe(30)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'database-plan-from-manifest', file: 'render.yaml', line: 5, message: expect.stringContaining('the limit is 400: Render Postgres pro-16gb (16 GB of memory) allows 400 connections, the database bookings-db render.yaml gives DATABASE_URL'), severity: 'info'}))
  })

  it('the plain output says what a dyno is here', () => {
    const r = runCliInProcess(['plan', '--procfile', PRISMA])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('instances = Render instances: each is counted as a Heroku dyno is')
    // The table's columns use Render's word.
    expect(r.stdout).toMatch(/^type +server +instances +proc\/instance +threads +pool +extra +conn\/proc +conn\/instance +connections +max instances$/m)
    expect(r.stdout).toMatch(/^conncalc plan .*render\.yaml · limit 400$/m)
  })

  it('--limit and --plan win over the database plan', () => {
    expect(planJson(PRISMA, ['--limit', '25']).limit).toBe(25)
    expect(planJson(PRISMA, ['--plan', 'standard-0']).limit).toBe(120)
  })

  it('no plan: 1 CPU assumed (free or starter), 1 × 2 + 1 = 3', () => {
    const text = readFileSync(PRISMA, 'utf8').replace('    plan: pro\n', '')
    const r = planJson(`${app({'render.yaml': text})}/render.yaml`)
    expect(r.type('api').connections).toBe(6) // 2 instances × 3
    expect(r.type('api').sources[POOL].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('render.yaml sets no plan for api')}))
  })

  it('a legacy database type, or two databases and no fromDatabase: no limit, and why', () => {
    const legacy = readFileSync(PRISMA, 'utf8').replace('plan: pro-16gb', 'plan: standard')
    const a = planJson(`${app({'render.yaml': legacy})}/render.yaml`)
    expect(a.limit).toBeNull()
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'database-plan-from-manifest', line: 5, message: expect.stringContaining("database bookings-db's standard is not a current Render Postgres instance type")}))
    const unlinked = readFileSync(PRISMA, 'utf8').replaceAll(/ {6}- key: DATABASE_URL\n {8}fromDatabase:\n {10}name: bookings-db\n {10}property: connectionString\n/g, '')
    const b = planJson(`${app({'render.yaml': unlinked})}/render.yaml`)
    expect(b.limit).toBeNull()
    expect(b.diagnostics).toContainEqual(expect.objectContaining({code: 'database-plan-from-manifest', message: expect.stringContaining('it declares 2 databases and no DATABASE_URL fromDatabase says which one the app uses')}))
  })
})

describe('fly.toml: the plain output names Machines, not dynos', () => {
  it('the legend and the release Machine', () => {
    const r = runCliInProcess(['plan', '--procfile', `${procfileOf('fly-toml-prisma').replace(/Procfile$/, '')}fly.toml`])
    expect(r.stdout).toContain('Machines = Fly.io Machines: each is counted as a Heroku dyno is')
    expect(r.stdout).toMatch(/^type +server +Machines +proc\/Machine +threads +pool +extra +conn\/proc +conn\/Machine +connections +max Machines$/m)
    expect(r.stdout).toContain('deploy peak 15 during the release phase (the release Machine adds 1)')
    // No limit given, and a Fly.io app does not buy a Heroku Postgres plan: none is offered (a Procfile app's is: plan.test.ts).
    expect(r.stdout).not.toContain('smallest plan that fits')
    const json = runCliInProcess(['plan', '--procfile', `${procfileOf('fly-toml-prisma').replace(/Procfile$/, '')}fly.toml`, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({smallestFittingPlan: null})
  })
})

/**
 * Fixture fly-toml-phoenix-release: a `mix phx.gen.release --docker` image. The builder stage copies rel/ and runs
 * `mix release`; the final stage copies /app/_build/${MIX_ENV}/rel/hello to /app, so /app/bin/server and
 * /app/bin/migrate are the repository's rel/overlays/bin/server and bin/migrate (Mix copies rel/overlays into the
 * release's root: elixir v1.17.3 lib/mix/lib/mix/tasks/release.ex ":overlays"), and /app/bin/hello is the start
 * script Mix generates. fly.toml: [processes] app = /app/bin/server, jobs = /app/bin/hello start; [env] POOL_SIZE 8;
 * release_command /app/bin/migrate. config/runtime.exs:36 pool_size POOL_SIZE || 10; Oban's Postgres notifier +1.
 */
describe('fly.toml with a Mix release image: the release scripts are read as the release, not as files outside the app', () => {
  it('app 8 + 1 = 9, jobs 9, release 2 (Ecto.Migrator); no "outside the app folder" warning', () => {
    const r = planJson(`${procfileOf('fly-toml-phoenix-release').replace(/Procfile$/, '')}fly.toml`, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    expect(r.type('app').server).toBe('elixir-release')
    expect(r.type('app').command).toBe('./rel/overlays/bin/server')
    expect(r.type('app').connections).toBe(9)
    expect(r.type('jobs').command).toBe('/app/bin/hello start')
    expect(r.type('jobs').connections).toBe(9)
    expect(r.type('release').command).toBe('./rel/overlays/bin/migrate')
    // bin/migrate execs `./hello eval Hello.Release.migrate` beside the release's start script (mix.exs app: :hello):
    // Ecto.Migrator.with_repo starts Hello.Repo with pool_size 2, so the deploy peak is 18 + 2.
    expect(r.type('release')).toMatchObject({connections: 2, server: 'ecto-migrator'})
    expect(r.total).toBe(18)
    expect(r.deployPeak).toBe(20)
    expect(r.codes).not.toContain('unparsable-config')
  })
})
