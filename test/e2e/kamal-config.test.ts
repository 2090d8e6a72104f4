/**
 * Kamal's config/deploy.yml (Rails 7.1+ generates it; https://kamal-deploy.org/docs/configuration/roles/). Each role of
 * `servers:` is a process type, with one container per host it lists (basecamp/kamal configuration/role.rb: hosts are the
 * keys of tagged_hosts, so a host written twice is one), running its `cmd:` as the arguments of the image's exec-form
 * ENTRYPOINT, else the image's CMD; `env: clear:` (top level, the role's over it) is their config vars; `secret:` names are
 * set from .kamal/secrets. `kamal deploy -d staging` deep-merges config/deploy.staging.yml over config/deploy.yml
 * (configuration.rb load_config_files). Each role's new container starts before its old one stops (cli/app/boot.rb).
 *
 * Fixture rails-8-kamal (Rails 8.1, Puma 7.1 single mode, Solid Queue 1.2, Solid Cache as the cache store; database.yml's
 * primary, cache, queue and cable all on DATABASE_URL, `max_connections: RAILS_MAX_THREADS || 5`; queue.yml: 1
 * dispatcher, workers of 3 threads × JOB_CONCURRENCY processes; recurring.yml: 1 task), deployed by config/deploy.yml:
 * web on 10.0.0.11, 10.0.0.12 (and 10.0.0.11 again, tagged), job (`cmd: bin/jobs`, JOB_CONCURRENCY 2) on 10.0.0.21,
 * RAILS_MAX_THREADS 4. By hand:
 *
 * - web: 2 hosts × 1 Puma process × (min(4, 4) on primary, cache and queue, min(4, 4 + 1 Solid Cable listener) on cable)
 *   = 2 × 16 = 32;
 * - job: 1 host × (2 processes × (min(4, 3) on primary, cache and cable + min(4, 3 + 2 polling/heartbeat) on queue = 13)
 *   + dispatcher min(4, 3) + scheduler min(4, 1 + 1) + supervisor min(4, 2)) = 26 + 7 = 33;
 * - total 65; a deploy starts every role's new containers beside the old ones: 130.
 *
 * config/deploy.staging.yml puts web and job on 10.1.0.11 and RAILS_MAX_THREADS 2 (JOB_CONCURRENCY stays 2, from the
 * base's job env, merged): web 1 × (2 × 3 + min(2, 3)) = 8; job 2 × (2 × 3 + min(2, 5)) + 2 + 2 + 2 = 22; total 30.
 */
import {describe, expect, it} from 'vitest'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {fixture, planJson, runJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-8-kamal')

describe('a Kamal deploy (config/deploy.yml)', () => {
  it('counts each role on each of its hosts, with the config\'s env, when there is no Procfile', () => {
    const r = planJson(join(fixture('rails-8-kamal'), 'Procfile'), ['--plan', 'standard-2'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 2, 32], ['job', 1, 33]])
    expect(r.type('web').command).toBe('./bin/docker-entrypoint ./bin/thrust ./bin/rails server')
    expect(r.type('job').command).toBe('./bin/docker-entrypoint bin/jobs')
    expect(r.type('web').sources.dynos.source).toMatchObject({file: 'config/deploy.yml', kind: 'file', line: 7})
    expect(r.type('web').sources.threadsPerProcess.via?.at(-1)).toMatchObject({from: 'config/deploy.yml:33 (Kamal env clear)', kind: 'env', name: 'RAILS_MAX_THREADS'})
    expect(r.type('job').processesPerDyno).toBe(2)
    expect(r.total).toBe(65)
    expect(r.deployPeak).toBe(130)
    const info = r.diagnostics.find((d) => d.file === 'config/deploy.yml' && d.message.includes("roles (web × 2 hosts, job × 1 host)"))
    expect(info?.message).toContain('env secret RAILS_MASTER_KEY, DATABASE_URL are set from .kamal/secrets, not read')
  })

  it('merges a destination\'s file over config/deploy.yml (`kamal deploy -d staging`)', () => {
    const dir = fixture('rails-8-kamal')
    const r = planJson(join(dir, 'config/deploy.staging.yml'), ['--plan', 'standard-2'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 1, 8], ['job', 1, 22]])
    expect(r.type('web').sources.dynos.source).toMatchObject({file: 'config/deploy.staging.yml', kind: 'file'})
    expect(r.total).toBe(30)
  })

  it('reads the Procfile when there is one, and says config/deploy.yml is not read', () => {
    const dir = app({'Procfile': 'web: bundle exec puma -C config/puma.rb\n'})
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-2', '--scale', 'web=1'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    const said = r.diagnostics.find((d) => d.file === 'config/deploy.yml')
    expect(said?.message).toContain("config/deploy.yml is not read: the Procfile says what runs")
    expect(said?.fix).toBe('to count what Kamal runs, pass --procfile config/deploy.yml')
  })

  it('does not take the generator\'s unedited template for a deploy', () => {
    const dir = app({'config/deploy.yml': 'service: harbor\nimage: your-user/harbor\nservers:\n  web:\n    - 192.168.0.1\nregistry:\n  username: your-user\n  password:\n    - KAMAL_REGISTRY_PASSWORD\n'})
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-2'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.type('web').command).not.toContain('docker-entrypoint')
    expect(r.diagnostics.some((d) => d.file === 'config/deploy.yml')).toBe(false)
  })

  // Kamal renders deploy.yml as ERB before reading the YAML (configuration.rb load_config_file: ERB.new(IO.read(file)).result);
  // Kamal's docs open it with `<% require "dotenv"; Dotenv.load(".env") %>`, which writes nothing (rubyevents/rubyevents
  // does): the file is read as that render leaves it, the same roles and numbers as without the line (web 32, job 33).
  // Before, the tag was read as YAML text: exit 2, "not valid YAML". A tag that decides which text is written (`<% if %>`)
  // still cannot be read without rendering: said, exit 2.
  it('reads a file whose ERB statements write nothing (`<% require "dotenv"; Dotenv.load(".env") %>`, `<%# … %>`)', () => {
    const base = readFileSync(join(fixture('rails-8-kamal'), 'config/deploy.yml'), 'utf8')
    const dir = app({'config/deploy.yml': `<% require "dotenv"; Dotenv.load(".env") %>\n${base.replace('servers:\n', 'servers:\n  <%# the hosts are ours %>\n')}`})
    const r = planJson(join(dir, 'config/deploy.yml'), ['--plan', 'standard-2'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 2, 32], ['job', 1, 33]])
    // One line more above it: the same value, one line down.
    expect(r.type('web').sources.threadsPerProcess.via?.at(-1)).toMatchObject({from: 'config/deploy.yml:35 (Kamal env clear)', name: 'RAILS_MAX_THREADS'})

    const branched = app({'config/deploy.yml': base.replace('servers:\n', '<% if ENV["CANARY"] %>\nservers:\n').replace('proxy:', '<% end %>\nproxy:')})
    const e = runJson<{error: {message: string}}>(['plan', '--procfile', join(branched, 'config/deploy.yml'), '--plan', 'standard-2'])
    expect(e.code).toBe(2)
    expect(e.json.error.message).toContain('Kamal renders the file as ERB first, which conncalc does not')
  })

  it('runs the image\'s CMD for a role with no cmd, and counts a role with no host as 1, starred', () => {
    const dir = app({'config/deploy.yml': 'service: harbor\nimage: harbor-co/harbor\nservers:\n  web:\n    hosts: []\n  jobs:\n    hosts:\n      - 10.0.0.5\n    cmd: bin/jobs\n'})
    const r = planJson(join(dir, 'config/deploy.yml'), ['--plan', 'standard-2'])
    expect(r.type('web').sources.dynos.source).toMatchObject({kind: 'assumed'})
    expect(r.type('web').dynos).toBe(1)
    expect(r.type('jobs').command).toBe('./bin/docker-entrypoint bin/jobs')
  })
})

/**
 * Destinations (https://kamal-deploy.org/docs/configuration/overview/#destinations): `kamal deploy -d NAME` reads
 * config/deploy.NAME.yml deep-merged over config/deploy.yml (configuration.rb load_config_files), and checks the merged
 * config, so the base may hold only the shared keys and each destination its servers; `require_destination: true` makes
 * `kamal deploy` without -d fail ("You must specify a destination"). The shape of dorianmariecom/code (deploy.yml `--- {}`)
 * and TelosLabs/rails-world (shared keys + require_destination, servers per destination).
 *
 * Same app and numbers as the fixture's: production puts web on 10.0.0.11, 10.0.0.12 and job (bin/jobs, JOB_CONCURRENCY 2)
 * on 10.0.0.21, with the base's RAILS_MAX_THREADS 4: web 2 × 16 = 32, job 33, total 65. Staging (web and job on
 * 10.1.0.11, RAILS_MAX_THREADS 2, JOB_CONCURRENCY 2): web 8 + job 22 = 30, as in the fixture's staging.
 */
describe('a Kamal deploy whose servers are in its destinations (config/deploy.NAME.yml)', () => {
  const shared = 'service: harbor\nimage: harbor-co/harbor\nregistry:\n  username: harbor-co\n  password:\n    - KAMAL_REGISTRY_PASSWORD\nenv:\n  secret:\n    - RAILS_MASTER_KEY\n    - DATABASE_URL\n  clear:\n    RAILS_MAX_THREADS: 4\nbuilder:\n  arch: amd64\nrequire_destination: true\n'
  const production = 'servers:\n  web:\n    - 10.0.0.11\n    - 10.0.0.12\n  job:\n    hosts:\n      - 10.0.0.21\n    cmd: bin/jobs\n    env:\n      clear:\n        JOB_CONCURRENCY: 2\nproxy:\n  host: harbor.example.com\n'
  const staging = 'servers:\n  web:\n    - 10.1.0.11\n  job:\n    hosts:\n      - 10.1.0.11\n    cmd: bin/jobs\n    env:\n      clear:\n        JOB_CONCURRENCY: 2\nenv:\n  clear:\n    RAILS_MAX_THREADS: 2\n'
  const split = app({'config/deploy.production.yml': production, 'config/deploy.staging.yml': staging, 'config/deploy.yml': shared})

  it('reads the production destination over the shared config when there is no Procfile, and names the others', () => {
    const r = planJson(join(split, 'Procfile'), ['--plan', 'standard-2'])
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 2, 32], ['job', 1, 33]])
    expect(r.total).toBe(65)
    expect(r.type('web').sources.dynos.source).toMatchObject({file: 'config/deploy.production.yml', kind: 'file', line: 2})
    expect(r.type('web').sources.threadsPerProcess.via?.at(-1)).toMatchObject({from: 'config/deploy.yml:12 (Kamal env clear)', name: 'RAILS_MAX_THREADS'})
    const said = r.diagnostics.find((d) => d.message.startsWith('no Procfile:'))
    expect(said?.message).toBe('no Procfile: config/deploy.yml sets no servers, so config/deploy.production.yml is read over it, a destination Kamal deep-merges over config/deploy.yml (`kamal deploy -d production`); config/deploy.staging.yml is a destination (`kamal deploy -d NAME` merges one over config/deploy.yml), not read')
    expect(said?.fix).toContain('to count another destination, pass --procfile config/deploy.staging.yml')
  })

  it('reads a destination named with --procfile over the base that holds its service and image', () => {
    const r = planJson(join(split, 'config/deploy.staging.yml'), ['--plan', 'standard-2'])
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 1, 8], ['job', 1, 22]])
    expect(r.total).toBe(30)
  })

  it('reads the destination when --procfile names the base, which cannot deploy alone', () => {
    const r = planJson(join(split, 'config/deploy.yml'), ['--plan', 'standard-2'])
    expect(r.total).toBe(65)
    expect(r.diagnostics.find((d) => d.file === 'config/deploy.yml' && d.message.includes('needs a destination'))?.message).toBe(
      'config/deploy.yml sets no servers, so `kamal deploy` needs a destination (-d NAME): config/deploy.production.yml is read over it; config/deploy.staging.yml is another destination, not read',
    )
  })

  it('reads the one destination of an empty base (`--- {}`), and not a destination that does not complete it', () => {
    const dir = app({'config/deploy.production.yml': `${shared.replace('require_destination: true\n', '')}${production}`, 'config/deploy.staging.yml': '--- {}\n', 'config/deploy.yml': '--- {}\n'})
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-2'])
    expect(r.total).toBe(65)
    const said = r.diagnostics.find((d) => d.message.startsWith('no Procfile:'))
    expect(said?.message).toBe('no Procfile: config/deploy.yml sets no servers, so config/deploy.production.yml is read over it, a destination Kamal deep-merges over config/deploy.yml (`kamal deploy -d production`)')
  })

  it('keeps reading a whole config/deploy.yml without -d, naming its destinations', () => {
    const r = planJson(join(fixture('rails-8-kamal'), 'Procfile'), ['--plan', 'standard-2'])
    expect(r.total).toBe(65)
    expect(r.diagnostics.find((d) => d.message.startsWith('no Procfile:'))?.message).toContain('config/deploy.staging.yml is a destination (`kamal deploy -d NAME` merges one over config/deploy.yml), not read')
  })
})

/**
 * Accessories (kamal configuration/accessory.rb) running a PostgreSQL image are a server Kamal runs itself: its limit is its
 * max_connections (PostgreSQL's default 100, runtime-config-connection; `-c max_connections=N` in its cmd), not a Heroku
 * plan's. A role's `options: cpuset-cpus` (docker run --cpuset-cpus) is the CPU count programs read (Etc.nprocessors,
 * sched_getaffinity); `options: cpus` (--cpus, a CFS quota) is not. Puma here runs `workers Etc.nprocessors`, RAILS_MAX_THREADS 4:
 * web pinned to CPUs 0-1 on 2 hosts runs 2 workers × 16 = 32 per host, 64; api (cpus 2) on 1 host runs the 8 assumed
 * CPUs' workers × 16 = 128; job 33; total 225.
 */
describe('a Kamal deploy with a PostgreSQL accessory and role CPU options', () => {
  const dir = app({
    'config/deploy.yml': 'service: harbor\nimage: harbor-co/harbor\nservers:\n  web:\n    hosts:\n      - 10.0.0.11\n      - 10.0.0.12\n    options:\n      cpuset-cpus: "0-1"\n  api:\n    hosts:\n      - 10.0.0.13\n    options:\n      cpus: 2\n  job:\n    hosts:\n      - 10.0.0.21\n    cmd: bin/jobs\n    options:\n      cpus: 2\n    env:\n      clear:\n        JOB_CONCURRENCY: 2\nenv:\n  secret:\n    - DATABASE_URL\n  clear:\n    RAILS_MAX_THREADS: 4\naccessories:\n  db:\n    image: pgvector/pgvector:pg16\n    host: 10.0.0.31\n    cmd: postgres -c max_connections=200 -c shared_buffers=1GB\n  cache:\n    image: redis:7\n    host: 10.0.0.31\n',
    'config/deploy.staging.yml': '--- {}\n',
    'config/puma.rb': 'threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)\nthreads threads_count, threads_count\nworkers Etc.nprocessors\n',
  })

  it('counts the pinned CPUs of a role, and says the accessory is a PostgreSQL with its own limit', () => {
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-2'])
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.processesPerDyno, p.connections])).toEqual([['web', 2, 2, 64], ['api', 1, 8, 128], ['job', 1, 2, 33]])
    expect(r.total).toBe(225)
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({file: 'config/deploy.yml', kind: 'file', line: 9})
    expect(r.type('api').sources.processesPerDyno.via?.[0]).toEqual({kind: 'assumed', why: "Ruby's processor count on a Kamal host taken as its nproc"})
    expect(r.type('api').sources.processesPerDyno.via?.[1]).toMatchObject({kind: 'assumed', why: expect.stringContaining('its options cpus 2 (config/deploy.yml:14, docker run --cpus) caps CPU time, not the CPU count programs read')})
    const db = r.diagnostics.find((d) => d.message.startsWith('accessory db'))
    expect(db).toMatchObject({file: 'config/deploy.yml', line: 30})
    expect(db?.message).toContain("accessory db runs pgvector/pgvector:pg16 on 10.0.0.31, a PostgreSQL server Kamal runs itself: if the app's database is this one, the limit is 200, its cmd's max_connections (config/deploy.yml:33)")
    expect(db?.fix).toContain('pass --limit 200')
    expect(r.diagnostics.some((d) => d.message.startsWith('accessory cache'))).toBe(false)
  })
})

/**
 * The deploy's own PostgreSQL as a database entry's host: rails-8-kamal with its cache, queue and cable entries on
 * `host: <%= ENV.fetch("DB_HOST") %>` (the primary keeps `url: DATABASE_URL`, a Kamal secret with no value here) and
 * DB_HOST harbor-db in env clear. An accessory `db` running postgres:16 is reached from the app's containers at its
 * container name, `<service>-<name>` = harbor-db (kamal configuration/accessory.rb service_name). So the four entries are
 * most likely one server: counted on the plan as in the all-DATABASE_URL fixture (web 32, job 33: 65), each starred,
 * naming the accessory. A host that is no accessory of the deploy stays on another server, and so does harbor-db once
 * DATABASE_URL's value names another host.
 */
describe('a database entry on the deploy\'s own PostgreSQL accessory', () => {
  const hostEntries = 'production:\n  primary:\n    adapter: postgresql\n    max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n    url: <%= ENV["DATABASE_URL"] %>\n  cache: &own\n    adapter: postgresql\n    max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n    host: <%= ENV.fetch("DB_HOST") { "localhost" } %>\n    database: harbor_cache\n  queue:\n    <<: *own\n    database: harbor_queue\n  cable:\n    <<: *own\n    database: harbor_cable\n'
  const deploy = (dbHost: string): string => `service: harbor\nimage: harbor-co/harbor\nservers:\n  web:\n    - 10.0.0.11\n    - 10.0.0.12\n  job:\n    hosts:\n      - 10.0.0.21\n    cmd: bin/jobs\n    env:\n      clear:\n        JOB_CONCURRENCY: 2\nenv:\n  secret:\n    - RAILS_MASTER_KEY\n    - DATABASE_URL\n  clear:\n    RAILS_MAX_THREADS: 4\n    DB_HOST: ${dbHost}\naccessories:\n  db:\n    image: postgres:16\n    host: 10.0.0.31\n`
  const plan = (dbHost: string, args: string[] = []) => planJson(join(app({'config/database.yml': hostEntries, 'config/deploy.yml': deploy(dbHost)}), 'Procfile'), ['--plan', 'standard-2', ...args])

  it('counts them on the plan\'s server, starred, naming the accessory (65, as with every entry on DATABASE_URL)', () => {
    const r = plan('harbor-db')
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 2, 32], ['job', 1, 33]])
    expect(r.total).toBe(65)
    expect(r.type('web').databases).toEqual(['primary', 'cache', 'queue', 'cable'])
    const cache = JSON.stringify(r.type('web').sources['pool.cache'])
    expect(cache).toContain('"kind":"assumed"')
    expect(cache).toContain('the cache entry\'s host harbor-db is a PostgreSQL server the deploy runs itself (accessory db (config/deploy.yml:22) runs postgres:16, reachable as harbor-db on Kamal\'s network), and DATABASE_URL has no value here to compare it with')
  })

  it('leaves a host that is no accessory, or one DATABASE_URL\'s value sets apart, on another server', () => {
    for (const r of [plan('db.internal.example'), plan('harbor-db', ['--env', 'DATABASE_URL=postgres://u:pw@managed.example.com/harbor'])]) {
      expect(r.type('web').databases).toEqual(['primary'])
      // web 2 × min(4, 4) on primary; job 2 × min(4, 3) on primary: 8 + 6.
      expect(r.total).toBe(14)
    }
  })
})
