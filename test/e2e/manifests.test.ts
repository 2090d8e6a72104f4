/**
 * Manifests beside (or instead of) a Procfile: heroku.yml on Heroku's container stack
 * (https://devcenter.heroku.com/articles/build-docker-images-heroku-yml), a lone Dockerfile, and
 * Scalingo's scalingo.json `formation`. Fixtures: heroku-yml-rails, heroku-yml-node,
 * dockerfile-only, scalingo-formation.
 */
import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, type PlanRow, runCliInProcess, runJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

/** `conncalc plan --json` run in the app folder (no --procfile: which file says what runs is conncalc's choice). */
function planIn(dir: string, args: string[] = []): PlanJson & {code: null | number; type: (name: string) => PlanRow} {
  const r = runJson<PlanJson>(['plan', '--plan', 'standard-0', ...args], {cwd: dir})
  if (r.code !== 0 && r.code !== 1) throw new Error(`conncalc plan exited ${r.code}:\n${r.stderr}`)
  return {
    ...r.json,
    code: r.code,
    type(name) {
      const row = r.json.processTypes.find((p) => p.name === name)
      if (!row) throw new Error(`no process type ${name} in ${r.json.processTypes.map((p) => p.name).join(', ')}`)
      return row
    },
  }
}

describe('heroku.yml (Heroku container stack)', () => {
  it("reads run: and each image's Dockerfile ENV, with build: config: feeding its ARGs; the Procfile beside it is not read", () => {
    const r = planIn(fixture('heroku-yml-rails'), ['--scale', 'web=2', 'worker=1'])
    // web: `run: web: bundle exec puma -C config/puma.rb` in the web image. Its ENV: RAILS_ENV=${RAILS_ENV} with the ARG
    // from build: config: (production), so puma.rb's `if ENV["RAILS_ENV"] == "production"` takes `workers WEB_CONCURRENCY`,
    // which is ENV WEB_CONCURRENCY=$WEB_CONCURRENCY ← build config 2; RAILS_MAX_THREADS=3 → threads 3, pool 3.
    // 2 workers × min(pool 3, 3 threads) = 6 per dyno × 2 dynos = 12 (the Puma master holds none: ActiveRecord 7.1).
    expect(r.type('web')).toMatchObject({command: 'bundle exec puma -C config/puma.rb', connections: 12, connectionsPerDyno: 6, poolPerProcess: 3, processesPerDyno: 2, server: 'puma', threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.via).toEqual(expect.arrayContaining([expect.objectContaining({from: 'Dockerfile:27', kind: 'env', name: 'WEB_CONCURRENCY'}), expect.objectContaining({from: 'heroku.yml:15', kind: 'env', name: 'WEB_CONCURRENCY'})]))
    // worker: no run entry, so Dockerfile.worker's CMD (`CMD bundle exec sidekiq`, shell form) with its ENV RAILS_MAX_THREADS=10:
    // Sidekiq 7 concurrency = RAILS_MAX_THREADS = 10, pool 10 → 10 per dyno × 1 dyno.
    expect(r.type('worker')).toMatchObject({command: 'bundle exec sidekiq', connections: 10, server: 'sidekiq', threadsPerProcess: 10})
    // release: `release: command:` in the web image: one dyno, counted in the deploy peak only: 12 + 10 = 22; db:prepare
    // migrates, so the migration's connection + the migrator's advisory-lock connection: peak 22 + 2 = 24.
    expect(r.type('release')).toMatchObject({command: './bin/rails db:prepare', connections: 2, role: 'release'})
    expect(r.total).toBe(22)
    expect(r.deployPeak).toBe(24)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'Procfile', message: expect.stringContaining('heroku.yml is read, not the Procfile')}))
  })

  it("config vars and flags win over the image's ENV: --env RAILS_MAX_THREADS=4 → web 2 × 4, worker 4", () => {
    const r = planIn(fixture('heroku-yml-rails'), ['--scale', 'web=2', 'worker=1', '--env', 'RAILS_MAX_THREADS=4'])
    // web: 2 workers × min(4, 4) = 8 per dyno × 2 = 16; worker: 4 threads, pool 4 = 4.
    expect(r.type('web')).toMatchObject({connections: 16, connectionsPerDyno: 8})
    expect(r.type('worker')).toMatchObject({connections: 4, threadsPerProcess: 4})
  })

  describe('fix texts name the file the process type came from, not always "the Procfile"', () => {
    const {app: railsApp} = tempApps('heroku-yml-rails')
    const smallPool = (): string => railsApp({'config/database.yml': 'production:\n  adapter: postgresql\n  pool: 2\n  url: <%= ENV["DATABASE_URL"] %>\n'})
    const fixOf = (r: PlanJson, type: string): string | undefined => r.diagnostics.find((d) => d.code === 'pool-below-threads' && d.processType === type)?.fix

    it('pool-below-threads: heroku.yml run: for web, the Dockerfile.worker CMD for worker; the Procfile when --procfile names it', () => {
      const dir = smallPool()
      const r = planIn(dir, ['--scale', 'web=1', 'worker=1'])
      // web: Puma max threads 3 (the web image's RAILS_MAX_THREADS=3) > pool 2; worker: Sidekiq concurrency 10 (Dockerfile.worker's ENV) > 2.
      expect(fixOf(r, 'web')).toBe('give web a pool of at least 3: e.g. `web: RAILS_MAX_THREADS=3 …` under run: in heroku.yml, or pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 3 } %> in database.yml')
      expect(fixOf(r, 'worker')).toBe('give worker a pool of at least 10: e.g. `ENV RAILS_MAX_THREADS=10` in Dockerfile.worker (every process type run from that image gets it), or pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 10 } %> in database.yml')
      // The Procfile: `web: bundle exec puma -t 16:16` → 16 threads.
      expect(fixOf(planIn(dir, ['--procfile', 'Procfile']), 'web')).toBe('give web a pool of at least 16: e.g. `web: RAILS_MAX_THREADS=16 …` in the Procfile, or pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 16 } %> in database.yml')
    })

    it('a --scale type that is not there is named against heroku.yml, with its types', () => {
      const r = runCliInProcess(['plan', '--scale', 'clock=1'], {cwd: fixture('heroku-yml-rails')})
      expect(r.code).toBe(2)
      expect(r.stderr).toBe('conncalc: --scale names "clock", which is not in heroku.yml\n  hint: process types in heroku.yml: web, worker, release\n')
    })
  })

  it('--procfile Procfile reads the Procfile instead (an app deployed with buildpacks ignores heroku.yml)', () => {
    const r = planIn(fixture('heroku-yml-rails'), ['--procfile', 'Procfile'])
    // `web: bundle exec puma -t 16:16`, `worker: bundle exec sidekiq -c 25`: no release type there.
    expect(r.type('web')).toMatchObject({server: 'puma', threadsPerProcess: 16})
    expect(r.type('worker')).toMatchObject({threadsPerProcess: 25})
    expect(r.processTypes.map((p) => p.name)).toEqual(['web', 'worker'])
  })

  it("no run section: the Dockerfile's ENTRYPOINT + CMD of the target stage, in its WORKDIR through COPY . DEST", () => {
    const r = planIn(fixture('heroku-yml-node'))
    // web: target `app`: ENTRYPOINT ["tini", "--"] + CMD ["node", "server.js"], ENV PG_POOL_MAX=7 (not the dev stage's 50):
    // `max: Number(process.env.PG_POOL_MAX || 4)` = 7, one Node process → 7.
    expect(r.type('web')).toMatchObject({command: 'tini -- node server.js', connections: 7, poolPerProcess: 7, processesPerDyno: 1})
    expect(r.type('web').sources['pool.pg server.js:5'].via).toContainEqual(expect.objectContaining({from: 'Dockerfile:3', name: 'PG_POOL_MAX'}))
    // jobs: jobs/Dockerfile (build context jobs/), `CMD node /jobs/worker.js` after WORKDIR /jobs and COPY . . → jobs/worker.js, max 3.
    expect(r.type('jobs')).toMatchObject({command: 'node ./worker.js', connections: 3})
    expect(r.total).toBe(10)
  })

  const {app} = tempApps('heroku-yml-node')

  it('an image only other types run in (`image: app`) is a type Heroku scales to 0 dynos unless told', () => {
    const dir = app({'heroku.yml': 'build:\n  docker:\n    app:\n      dockerfile: Dockerfile\n      target: app\nrun:\n  web:\n    command:\n      - node server.js\n    image: app\n'})
    const r = planIn(dir)
    // web: `node server.js` in the app image: PG_POOL_MAX=7 → 7. app: its CMD, but on 0 dynos by default.
    expect(r.type('web')).toMatchObject({command: 'node server.js', connections: 7})
    expect(r.type('app')).toMatchObject({connections: 0, dynos: 0})
    expect(r.total).toBe(7)
    expect(planIn(dir, ['--scale', 'app=1']).total).toBe(14)
  })

  it("absolute paths inside the copied repository are its files: ADD . /code/ makes /code/bin/entry.sh the repo's bin/entry.sh", () => {
    const dir = app({
      'Dockerfile.abs': 'FROM node:20-slim\nWORKDIR /code/\nADD . /code/\nENTRYPOINT ["/code/bin/entry.sh"]\nCMD ["node", "server.js"]\n',
      'bin/entry.sh': '#!/bin/sh\nset -e\nexec "$@"\n',
      'heroku.yml': 'build:\n  docker:\n    web: Dockerfile.abs\n',
    })
    const r = planIn(dir)
    // The entrypoint script execs its arguments: node server.js, with no PG_POOL_MAX in this image → `|| 4` = 4.
    expect(r.type('web')).toMatchObject({command: './bin/entry.sh node server.js', connections: 4, server: 'node'})
  })

  it('invalid YAML: exit 2 naming heroku.yml and its line, no stack trace', () => {
    const dir = app({'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\n  run: [web\n'})
    const r = runCliInProcess(['plan', '--plan', 'standard-0'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/heroku\.yml:\d+: not valid YAML/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('a run: whose entries are not commands (`web: 5`, `worker:` empty): exit 2 naming each entry and its line', () => {
    const dir = app({'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\nrun:\n  web: 5\n  worker:\n'})
    const r = runCliInProcess(['plan', '--plan', 'standard-0'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('heroku.yml declares no process types: heroku.yml:5: run.web is `5`, not a command line or a {command, image} mapping; not used (and 1 more: heroku.yml:6)')
    expect(r.stderr).toContain('hint: give each type under run: a command, e.g. `web: bundle exec puma -C config/puma.rb`')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it("a run: entry that is not a command beside one that is: a warning at its line, and its image's CMD is not run in its place", () => {
    const dir = app({'heroku.yml': 'build:\n  docker:\n    web:\n      dockerfile: Dockerfile\n      target: app\nrun:\n  web: 5\n  worker: node server.js\n'})
    const r = planIn(dir)
    // worker: `node server.js` in the web image (PG_POOL_MAX=7) = 7; web is not counted (its build's CMD would be 7 more).
    expect(r.processTypes.map((p) => p.name)).toEqual(['worker'])
    expect(r.total).toBe(7)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'heroku.yml', line: 7, message: 'heroku.yml: run.web is `5`, not a command line or a {command, image} mapping; not used'}))
  })

  it("a run: with no command beside a Procfile: the Procfile is read, and the heroku.yml entry's warning is still said", () => {
    const dir = app({'Procfile': 'web: node server.js\n', 'heroku.yml': 'run:\n  web: 5\n'})
    const r = planIn(dir)
    expect(r.type('web')).toMatchObject({command: 'node server.js'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'heroku.yml', line: 2}))
  })

  it("a build type whose Dockerfile sets no CMD: an unknown command at the Dockerfile's FROM line (1 × 1, said)", () => {
    const dir = app({'Dockerfile.bare': 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\n', 'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\n    bare: Dockerfile.bare\nrelease:\n  image: bare\n'})
    const r = planIn(dir)
    expect(r.type('bare')).toMatchObject({connections: 1, server: 'unknown'})
    // The release phase in that image is still the release phase: 1, in the deploy peak only. web names no target, so
    // its image is the Dockerfile's last stage (dev: PG_POOL_MAX=50 → 50): web 50 + bare 1 = 51, peak 52.
    expect(r.type('release')).toMatchObject({role: 'release'})
    expect(r.type('web')).toMatchObject({connections: 50})
    expect([r.total, r.deployPeak]).toEqual([51, 52])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-command', file: 'Dockerfile.bare', line: 1, message: expect.stringContaining("sets no CMD or ENTRYPOINT, so the container runs the base image node:20-slim's own")}))
  })

  it('setup: addons that provision only another database (ClearDB): its processes hold 0 on the plan', () => {
    const dir = app({'heroku.yml': 'setup:\n  addons:\n    - plan: cleardb:ignite\nbuild:\n  docker:\n    web:\n      dockerfile: Dockerfile\n      target: app\n'})
    const r = planIn(dir)
    expect(r.type('web')).toMatchObject({connections: 0})
    expect(r.total).toBe(0)
  })
})

describe('a Dockerfile and no Procfile or heroku.yml', () => {
  it("with no language a buildpack detects, web runs the Dockerfile's ENTRYPOINT + CMD, said as an assumption (heroku container:push web)", () => {
    const r = planIn(fixture('dockerfile-only'))
    // `ENTRYPOINT ["node"]` + `CMD ["server.js"]` → node server.js; ENV DB_POOL_SIZE=5 → `max: Number(process.env.DB_POOL_SIZE || 10)` = 5.
    expect(r.type('web')).toMatchObject({command: 'node server.js', connections: 5})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'Dockerfile', line: 9, message: expect.stringContaining('web is assumed to run the Dockerfile'), severity: 'info'}))
    expect(r.diagnostics.find((d) => d.file === 'Dockerfile')?.fix).toContain('Dockerfile.dev not read')
  })

  const {app} = tempApps('dockerfile-only')
  const packageJson = JSON.stringify({dependencies: {pg: '^8.11.5'}, name: 'notes', private: true, scripts: {start: 'node server.js'}})

  it('a Dockerfile with no CMD: exit 2 naming its FROM line', () => {
    const dir = app({Dockerfile: '# base image runs the app\nFROM acme/node-base:20\nWORKDIR /app\nCOPY . .\n'})
    const r = runCliInProcess(['plan', '--plan', 'standard-0'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('no Procfile or heroku.yml, and Dockerfile:2 sets no CMD or ENTRYPOINT')
  })

  it("with a package.json, git push builds with the Node.js buildpack: its default web process runs, not the Dockerfile, and the info says so", () => {
    // Heroku detects Node.js from package.json and starts `npm start` → node server.js; the image's ENV is not
    // there, so DB_POOL_SIZE is unset: `max: Number(undefined || 10)` = 10. (Rails ≥ 7.1 apps all ship a Dockerfile for Kamal.)
    const r = planIn(app({'package.json': packageJson}))
    expect(r.type('web')).toMatchObject({command: 'npm start', connections: 10})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', message: expect.stringContaining('the Dockerfile runs only when the app is deployed as a container'), severity: 'info'}))
    // An app deployed as that image elsewhere (Render, Railway, Kamal) is counted by naming it: the fix says how.
    expect(r.diagnostics.find((d) => d.message.startsWith('no Procfile'))?.fix).toMatch(/if it deploys as a container, count its Dockerfile's CMD as web: pass --procfile \S*Dockerfile$/)
  })

  it("with app.json (a buildpack app's manifest) the buildpack's default web process runs, not the Dockerfile", () => {
    const dir = app({'app.json': '{"name": "notes"}', 'package.json': packageJson})
    const r = planIn(dir)
    // npm start → server.js with no DB_POOL_SIZE set anywhere: the default 10.
    expect(r.type('web')).toMatchObject({command: 'npm start', connections: 10})
  })
})

describe('a Dockerfile beside language files whose buildpack declares no web process', () => {
  // A Gradle build whose Spring Boot plugin sits in a subproject: the Gradle buildpack's default web process is only for
  // a root build.gradle naming org.springframework.boot (default-process.ts), so a `git push` build starts nothing; the
  // image is built from the Dockerfile and released with `heroku container:push web` by the app's own script.
  const {app} = tempApps()
  const files = {
    'Dockerfile': 'FROM eclipse-temurin:17-jre\nCOPY api/build/libs/api.jar app.jar\nENV SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=7\nENTRYPOINT ["java", "-jar", "app.jar"]\n',
    'api/build.gradle.kts': 'plugins {\n  id("org.springframework.boot") version "3.2.0"\n}\ndependencies {\n  implementation("org.springframework.boot:spring-boot-starter-data-jpa")\n  runtimeOnly("org.postgresql:postgresql")\n}\n',
    'build.gradle.kts': 'allprojects {\n  repositories { mavenCentral() }\n}\n',
    'settings.gradle.kts': 'include("api")\n',
  }

  it("the app's script pushes the image: web runs the Dockerfile's command in its image, said (the image's ENV sets Hikari's pool to 7)", () => {
    const r = planIn(app({...files, 'deploy.sh': 'set -e\n./gradlew :api:bootJar\nheroku container:push web -a notes-api\nheroku container:release web -a notes-api\n'}))
    // java -jar app.jar with the image's ENV SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=7 (relaxed binding) → 7 per dyno, 1 dyno.
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'Dockerfile', message: expect.stringContaining('a buildpack deploy would start no web process'), severity: 'info'}))
    expect(r.diagnostics.find((d) => d.file === 'Dockerfile')?.message).toContain('deploy.sh:3 pushes the Dockerfile\'s image')
  })

  it('nothing in the app pushes an image: exit 2, the buildpack starting nothing (as before)', () => {
    const r = runCliInProcess(['plan', '--plan', 'standard-0'], {cwd: app(files)})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('the JVM buildpacks declare a default web process only for Spring Boot apps')
  })
})

describe('scalingo.json formation', () => {
  it('amount is the container count; sizes are Scalingo containers, said, the count used', () => {
    const r = planIn(fixture('scalingo-formation'))
    // web: 2 containers (scalingo.json:8) × 1 Node process × pool 5 = 10; worker: 1 × pool 2 = 2; postdeploy: deploy peak only.
    expect(r.type('web')).toMatchObject({connections: 10, dynos: 2})
    expect(r.type('web').sources.dynos.source).toEqual({file: 'scalingo.json', kind: 'file', line: 8})
    expect(r.type('worker')).toMatchObject({connections: 2, dynos: 1})
    expect(r.total).toBe(12)
    expect(r.deployPeak).toBe(13)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-dyno-size', file: 'scalingo.json', line: 9, message: expect.stringContaining('"L" is a Scalingo container (1024 MB'), severity: 'info'}))
  })

  it('--scale wins over scalingo.json', () => {
    expect(planIn(fixture('scalingo-formation'), ['--scale', 'web=3']).type('web')).toMatchObject({connections: 15, dynos: 3})
  })
})
