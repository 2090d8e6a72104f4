import {describe, expect, it} from 'vitest'

import {Chalk} from 'chalk'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {renderTable} from '../../src/render/table.js'
import {planFixture} from './helpers.js'

const explain = (r: Awaited<ReturnType<typeof planFixture>>) => renderTable(r.report, {chalk: new Chalk({level: 0}), explain: true, procfile: 'Procfile'})

describe('Action Cable and New Relic', () => {
  it('postgresql cable adapter: +1 per Puma process; New Relic explain plans: +1 per process in web and worker', async () => {
    const r = await planFixture('action-cable-new-relic', {scale: ['web=3', 'worker=2'], env: ['RAILS_MAX_THREADS=10']})
    const web = r.type('web')
    expect(web.extras.map((x) => [x.kind, x.count, x.per, x.inPool])).toEqual([
      ['action-cable', 1, 'process', false],
      ['new-relic-explain', 1, 'process', false],
    ])
    // 2 workers × (min(10, 10) + 1 cable + 1 explain) = 24 per dyno; before_fork disconnects, so no master extra.
    expect([web.processesPerDyno, web.connectionsPerProcess, web.connectionsPerDyno, web.connections]).toEqual([2, 12, 24, 72])
    const worker = r.type('worker')
    expect(worker.extras.map((x) => x.kind)).toEqual(['new-relic-explain'])
    expect([worker.connectionsPerProcess, worker.connections]).toEqual([11, 22])
    expect(web.extras[0].source.source).toEqual({file: 'config/cable.yml', kind: 'file', line: 8})
    // explain_enabled, written under `common` and merged into production, with the version caveat as an assumption.
    expect(web.extras[1].source.source).toEqual({file: 'config/newrelic.yml', kind: 'file', line: 11})
    expect(web.extras[1].source.via?.[0]).toMatchObject({kind: 'assumed'})
    expect(web.versions).toMatchObject({actioncable: '6.1.7.8', newrelic_rpm: '9.12.0'})
    const text = explain(r)
    expect(text).toContain('Action Cable PostgreSQL LISTEN connection (one per puma process): config/cable.yml:8')
    expect(text).toContain('newrelic_rpm 9.12.0: explain plans use a connection of their own before Rails 7.2')
    expect(text).toMatch(/web +puma +3 +2 +10 +10 +2\* +12 +24 +72/)
  })

  it('New Relic off by env (explain plans disabled) or in another environment (monitor_mode false): no extra', async () => {
    const off = await planFixture('action-cable-new-relic', {env: ['NEW_RELIC_TRANSACTION_TRACER_EXPLAIN_ENABLED=false']})
    expect(off.type('worker').extras).toEqual([])
    const dev = await planFixture('action-cable-new-relic', {appEnv: 'development'})
    expect(dev.type('worker').extras).toEqual([])
    // ...and the development cable adapter is async: no LISTEN connection either.
    expect(dev.type('web').extras).toEqual([])
  })

  it('no newrelic_rpm or no postgresql adapter: no LISTEN connection, no explain plans', async () => {
    const r = await planFixture('rails-8-solid-queue')
    expect(r.type('web').extras.map((x) => x.kind)).toEqual(['solid-cable'])
  })

  // solid_cable v4.0.0 lib/action_cable/subscription_adapter/solid_cable.rb: the listener thread polls inside
  // `Rails.application.executor.run!`, so it checks a connection out of SolidCable::Record's pool.
  it('solid_cable adapter: its listener takes one connection per Puma process from the cable pool', async () => {
    const r = await planFixture('rails-8-solid-queue', {scale: ['web=2']})
    const web = r.type('web')
    expect(web.extras.map((x) => [x.kind, x.count, x.per, x.database, x.inPool])).toEqual([['solid-cable', 1, 'process', 'cable', true]])
    // primary, cache, queue: min(5, 3); cable: min(5, 3 request threads + 1 listener) = 13 per process.
    expect([web.connectionsPerProcess, web.connectionsPerDyno]).toEqual([3 + 3 + 3 + 4, 13])
    expect(describeSourced(web.extras[0].source)).toContain('config/cable.yml:12')
    // The jobs process serves no WebSockets: no listener there.
    expect(r.type('jobs').extras.map((x) => x.kind)).not.toContain('solid-cable')
  })
})

describe('Rails multi-database', () => {
  it('Rails 8.1, four databases on one server: Σ min(pool, threads) per process, the report names them', async () => {
    const r = await planFixture('rails-8-solid-queue', {scale: ['web=2', 'jobs=1'], plan: 'essential-2'})
    const web = r.type('web')
    expect(web.databases).toEqual(['primary', 'cache', 'queue', 'cable'])
    expect(web.otherServerPools).toEqual([])
    // min(5, 3) × 3 + min(5, 3 + 1 Solid Cable listener) on cable = 13.
    expect([web.poolPerProcess, web.connectionsPerProcess, web.connections, web.ceiling]).toEqual([20, 13, 26, 40])
    expect(Object.keys(web.sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.primary', 'pool.cache', 'pool.queue', 'pool.cable'])
    // Inherited url: <%= ENV["DATABASE_URL"] %> keeps every entry on one server: no database-url-missing.
    expect(r.codes).not.toContain('database-url-missing')
    // jobs: 14 + dispatcher 3 + scheduler 2 + supervisor 2 (solid_queue v1.5.0 source, see job-systems.test.ts).
    expect(r.json.total).toBe(26 + 21)
    expect(r.json.status).toBe('over')
    expect(r.exit).toBe(1)
    const text = explain(r)
    expect(text).toContain('databases            4  counted on this server: primary, cache, queue, cable')
    expect(text).toContain('connections per process = min(5, 3) + min(5, 3) + min(5, 3) + min(5, 3 + 1 extra in the pool) + 0 extra outside the pool = 13')
  })

  it('no config/database.yml but a template of it (config/database.yml.example): the default pool is starred and the template named', async () => {
    // Fixture rails-database-yml-template: Puma 2 workers × 8 threads; the real database.yml is gitignored, its template
    // says pool 8. On Heroku ActiveRecord reads DATABASE_URL alone (Rails 4.1+, no database.yml needed): pool 5, so
    // 2 × min(5, 8) = 10; a deploy that copies the template would hold 2 × 8. Which runs is not in the repository.
    // (openHPI/codeocean's shape: its example also names the cable and queue databases Solid Cable and Solid Queue use.)
    const r = await planFixture('rails-database-yml-template')
    const web = r.type('web')
    expect([web.processesPerDyno, web.poolPerProcess, web.connections]).toEqual([2, 5, 10])
    expect(isAssumption(web.sources['pool.primary'])).toBe(true)
    const said = r.diagnostics.find((d) => d.file === 'config/database.yml.example')
    expect(said).toMatchObject({code: 'unknown-config-value', severity: 'warning'})
    expect(said?.message).toContain('no config/database.yml in the repository, but config/database.yml.example')
    // DATABASE_URL's own pool= is what ActiveRecord reads wherever it runs: used, not starred, the template not said.
    const url = await planFixture('rails-database-yml-template', {env: ['DATABASE_URL=postgres://u@db.example.com/shop?pool=8']})
    expect(url.type('web').connections).toBe(16)
    expect(isAssumption(url.type('web').sources['pool.primary'])).toBe(false)
    expect(url.diagnostics.some((d) => d.file === 'config/database.yml.example')).toBe(false)
  })

  it("a database.yml whose test section holds a quoted string Psych reads (under-indented continuation lines) is read", async () => {
    // Fixture rails-database-yml-quoted-continuation (department-of-veterans-affairs/caseflow's shape: an Oracle
    // `database: "(DESCRIPTION=` closing `    )"` at its key's column). production's pool 8: 2 Puma workers × min(8, 8) = 16.
    // Was: the whole file "not valid YAML", defaults: 2 × min(5*, 8) = 10, starred.
    const r = await planFixture('rails-database-yml-quoted-continuation')
    expect([r.type('web').poolPerProcess, r.type('web').connections]).toEqual([8, 16])
    expect(r.codes).not.toContain('unparsable-config')
  })

  it('the cache on a second server (CACHE_DATABASE_URL): reported, not added in', async () => {
    const r = await planFixture('rails-8-cache-second-server', {scale: ['web=2', 'jobs=1']})
    const web = r.type('web')
    expect(web.databases).toEqual(['primary', 'queue', 'cable'])
    // CACHE_DATABASE_URL has no value here: its server is unknown, and listed as such (issue 12), not taken for the primary's.
    expect(web.otherServerPools).toMatchObject([{database: 'cache', pool: 5, server: 'unknown server: CACHE_DATABASE_URL has no value'}])
    // min(5, 3) on primary and queue + min(5, 3 + 1 Solid Cable listener) on cable = 10.
    expect([web.poolPerProcess, web.connectionsPerProcess, web.connections]).toEqual([15, 10, 20])
    expect(r.type('jobs').connectionsPerProcess).toBe(3 + 5 + 3)
    expect(explain(r)).toContain('databases            3  counted on this server: primary, queue, cable; not counted: cache (unknown server: CACHE_DATABASE_URL has no value)')
    expect(explain(r)).toContain('on an unknown server (CACHE_DATABASE_URL has no value)')
  })

  it('CACHE_DATABASE_URL on the same host as DATABASE_URL is the same server; the password never shows', async () => {
    const env = ['DATABASE_URL=postgres://u:hunter2@ec2-1.compute.amazonaws.com:5432/d1', 'CACHE_DATABASE_URL=postgres://u:hunter2@ec2-1.compute.amazonaws.com:5432/d2']
    const r = await planFixture('rails-8-cache-second-server', {env})
    expect(r.type('web').databases).toEqual(['primary', 'cache', 'queue', 'cable'])
    const other = await planFixture('rails-8-cache-second-server', {env: [env[0], 'CACHE_DATABASE_URL=postgres://u:hunter2@ec2-2.compute.amazonaws.com:5432/d2']})
    expect(other.type('web').otherServerPools.map((e) => e.server)).toEqual(['CACHE_DATABASE_URL'])
    expect(JSON.stringify(r.json) + explain(r)).not.toContain('hunter2')
  })

  it('the generated Rails 8 database.yml (no url on cache/queue/cable): they reach no server on the platform, each said once', async () => {
    const r = await planFixture('rails-8-1')
    const said = r.diagnostics.filter((x) => x.code === 'database-url-missing')
    expect(said.map((d) => [d.file, d.line, d.severity])).toEqual([
      ['config/database.yml', 56, 'warning'],
      ['config/database.yml', 60, 'warning'],
      ['config/database.yml', 64, 'warning'],
    ])
    expect(said[0].message).toMatch(/^`cache` in the production section has no url, host or CACHE_DATABASE_URL/)
    expect(r.type('web').databases).toEqual(['primary'])
    expect(r.type('web').otherServerPools.map((e) => e.database)).toEqual(['cache', 'queue', 'cable'])
    // QUEUE_DATABASE_URL set on another host than DATABASE_URL: ActiveRecord merges it into `queue`, which then lives
    // elsewhere; cache and cable are still said.
    const queueUrl = 'QUEUE_DATABASE_URL=postgres://u:p@queue.example.com/q'
    const q = await planFixture('rails-8-1', {env: ['DATABASE_URL=postgres://u:p@db.example.com/app', queueUrl]})
    expect(q.type('jobs').otherServerPools.map((e) => [e.database, e.server])).toEqual([
      ['cache', 'no server: no url, host or CACHE_DATABASE_URL'],
      ['queue', 'QUEUE_DATABASE_URL'],
      ['cable', 'no server: no url, host or CABLE_DATABASE_URL'],
    ])
    expect(q.diagnostics.filter((x) => x.code === 'database-url-missing').map((d) => d.line)).toEqual([56, 64])
    // QUEUE_DATABASE_URL alone: nothing tells its server apart from DATABASE_URL's (model/other-server.ts), so `queue`
    // is on the plan, starred, the variable named. Nothing sets `config.solid_queue.connects_to` in this app, so Solid
    // Queue runs on the primary (solid_queue app/models/solid_queue/record.rb) and the entry's pool is ceiling only.
    const alone = await planFixture('rails-8-1', {env: [queueUrl]})
    expect(alone.type('jobs').databases).toEqual(['primary'])
    const idle = alone.type('jobs').extras.find((x) => x.kind === 'unused-database-pool' && x.reason.includes('queue'))
    expect(JSON.stringify(idle)).toContain('QUEUE_DATABASE_URL is set (host queue.example.com:5432) but DATABASE_URL has no value here to compare it with')
    expect(JSON.stringify(idle)).toContain('`config.solid_queue.connects_to` is not set, so Solid Queue uses the primary database')
  })
})

// Rails 8.1 connection_pool.rb: min_connections "minimum number of connections the pool will open and maintain";
// `prepopulate` fills the pool to it once activated, `flush` keeps that many past idle_timeout.
describe('Rails 8.1 min_connections', () => {
  it('a process that uses its pool keeps min_connections open whatever its threads', async () => {
    const r = await planFixture('rails-8-1-min-connections', {scale: ['web=1', 'worker=1']})
    // web: 2 Puma workers × max(min(10, 3), 4) = 8; worker: Sidekiq -c 2: max(min(10, 2), 4) = 4.
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno]).toEqual([4, 8])
    expect(r.type('worker').connectionsPerProcess).toBe(4)
    expect(r.json.total).toBe(8 + 4)
    // The idle ones are named: 1 per web process × 2, 2 in the worker.
    const oversized = r.diagnostics.filter((d) => d.code === 'oversized-pool').map((d) => d.message)
    expect(oversized).toEqual([
      expect.stringContaining('web: the pool opens 4 connections per process at start, but only 3 thread(s) can use them; 2 connections sit idle'),
      expect.stringContaining('worker: the pool opens 4 connections per process at start, but only 2 thread(s) can use them; 2 connections sit idle'),
    ])
    expect(explain(r)).toContain('connections per process = max(min(10, 3), 4 kept open) + 0 extra outside the pool = 4')
  })
})

// newrelic_rpm 9.10.0 (newrelic/newrelic-ruby-agent PR #2623) added Rails::Command::RunnerCommand to
// autostart.denylisted_constants: in `rails runner` (Rails >= 5.1) the agent does not start, so no explain connection.
describe('New Relic in `rails runner`', () => {
  it('agent 9.12 on Rails 7.1: web +1, a runner loop none, a runner with NEW_RELIC_AGENT_ENABLED=true +1', async () => {
    const r = await planFixture('new-relic-rails-runner', {scale: ['web=1', 'poller=1', 'traced=1']})
    expect(r.type('web').extras.map((x) => x.kind)).toEqual(['new-relic-explain'])
    expect(r.type('web').connectionsPerProcess).toBe(4)
    expect(r.type('poller').extras).toEqual([])
    expect(r.type('poller').connectionsPerProcess).toBe(1)
    expect(r.type('traced').extras.map((x) => x.kind)).toEqual(['new-relic-explain'])
    expect(r.type('traced').connectionsPerProcess).toBe(2)
    // The app's own denylist without RunnerCommand: the agent starts in the runner.
    const own = await planFixture('new-relic-rails-runner', {env: ['NEW_RELIC_AUTOSTART_DENYLISTED_CONSTANTS=Rails::Console'], scale: ['web=0', 'poller=1', 'traced=0']})
    expect(own.type('poller').connectionsPerProcess).toBe(2)
  })
})
