/**
 * Rails 8's generated production section on Heroku or Render: `cache` and `queue` inherit `*primary_production` with
 * another `database:` and no url or host. ActiveRecord merges `<NAME>_DATABASE_URL` into the entry NAME and
 * DATABASE_URL into the entry named `primary` only (DatabaseConfigurations#environment_value_for, rails/rails v8.0.2
 * activerecord/lib/active_record/database_configurations.rb), so with only DATABASE_URL set those entries connect to a
 * local socket: they reach no server on the platform. Fixtures (made up): rails-8-platform-databases (only
 * DATABASE_URL), rails-8-platform-databases-app-json (app.json gives CACHE_DATABASE_URL and QUEUE_DATABASE_URL),
 * rails-8-render-databases (render.yaml fills CACHE_DATABASE_URL fromDatabase the database DATABASE_URL comes from,
 * and no QUEUE_DATABASE_URL). Every app: puma.rb threads 3, pool RAILS_MAX_THREADS or 5, bin/jobs Solid Queue with no
 * queue.yml (one worker of 3 threads, one dispatcher), production.rb `config.solid_queue.connects_to` queue.
 */
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {analyzeDatabaseYml} from '../../src/languages/ruby/database-yml.js'
import {memoryFiles} from '../../src/model/files.js'
import {isAssumption} from '../../src/model/source.js'
import {ctxFor} from '../analyzers/helpers.js'
import {fixture, planJson, procfileOf} from '../helpers/cli.js'

const SAME_HOST = 'DATABASE_URL=postgres://ledger@db.internal:5432/ledger_production'

describe('database.yml entries with no url or host on the platform (Rails >= 6.1)', () => {
  it('only DATABASE_URL: cache and queue reach no server, each said on its line; web 3 + jobs 3, starred', () => {
    const r = planJson(procfileOf('rails-8-platform-databases'), ['--limit', '40'])
    // web: Puma single mode, min(5, 3) on the primary. jobs: the worker's 3 threads run app code on the primary,
    // min(5, 3); its polling, heartbeat, dispatcher and supervisor are on queue, which reaches no server: not counted.
    expect([r.type('web').connections, r.type('jobs').connections, r.total]).toEqual([3, 3, 6])
    for (const type of ['web', 'jobs']) {
      expect(r.type(type).databases).toEqual(['primary'])
      expect(r.type(type).otherServerPools.map((e) => [e.database, e.server])).toEqual([
        ['cache', 'no server: no url, host or CACHE_DATABASE_URL'],
        ['queue', 'no server: no url, host or QUEUE_DATABASE_URL'],
      ])
      expect(isAssumption(r.type(type).sources['pool.primary'] as never)).toBe(true)
    }

    const said = r.diagnostics.filter((d) => d.code === 'database-url-missing')
    expect(said.map((d) => [d.file, d.line, d.severity])).toEqual([
      ['config/database.yml', 14, 'warning'],
      ['config/database.yml', 18, 'warning'],
    ])
    expect(said[1].message).toContain('`queue` in the production section has no url, host or QUEUE_DATABASE_URL: ActiveRecord merges DATABASE_URL into the entry named `primary` only')
    expect(said[1].message).toContain('connects to a local socket, where no PostgreSQL server runs')
    expect(said[1].fix).toContain('QUEUE_DATABASE_URL')
  })

  it('app.json gives CACHE_DATABASE_URL and QUEUE_DATABASE_URL on DATABASE_URL\'s host: all counted, web 9 + jobs 16, nothing said', () => {
    const r = planJson(procfileOf('rails-8-platform-databases-app-json'), ['--limit', '40', '--env', SAME_HOST])
    // web: min(5, 3) × 3 pools = 9. jobs: primary 3 + cache 3 + queue min(5, 3 + 2 polling/heartbeat) = 11,
    // + dispatcher min(5, 3) + supervisor min(5, 2) = 16.
    expect([r.type('web').connections, r.type('jobs').connections, r.total]).toEqual([9, 16, 25])
    expect(r.type('jobs').databases).toEqual(['primary', 'cache', 'queue'])
    expect(r.codes).not.toContain('database-url-missing')
    expect(isAssumption(r.type('web').sources['pool.primary'] as never)).toBe(false)
  })

  it('app.json\'s URLs on another host than DATABASE_URL: listed on their servers, not counted, and not said to reach none', () => {
    const r = planJson(procfileOf('rails-8-platform-databases-app-json'), ['--limit', '40', '--env', 'DATABASE_URL=postgres://ledger@elsewhere.internal:5432/ledger_production'])
    expect(r.total).toBe(6)
    expect(r.type('web').otherServerPools.map((e) => e.server)).toEqual(['CACHE_DATABASE_URL', 'QUEUE_DATABASE_URL'])
    expect(r.codes).not.toContain('database-url-missing')
  })

  it('render.yaml fills CACHE_DATABASE_URL from DATABASE_URL\'s database: cache counted (starred, the line named), queue reaches none', () => {
    const r = planJson(join(fixture('rails-8-render-databases'), 'render.yaml'), ['--limit', '40'])
    // Each service: min(5, 3) on primary and on cache = 6.
    expect([r.type('ledger-web').connections, r.type('ledger-jobs').connections, r.total]).toEqual([6, 6, 12])
    expect(r.type('ledger-web').databases).toEqual(['primary', 'cache'])
    expect(JSON.stringify(r.type('ledger-web').sources['pool.cache'])).toContain('render.yaml:16 gives CACHE_DATABASE_URL DATABASE_URL\'s database (ledger-db) through fromDatabase')
    expect(r.diagnostics.filter((d) => d.code === 'database-url-missing').map((d) => d.line)).toEqual([18])
  })
})

describe('the same section in the analyzer', () => {
  const section = (primaryExtra: string) =>
    `default: &default\n  adapter: postgresql\n  pool: 4\n\nproduction:\n  primary: &primary_production\n    <<: *default\n${primaryExtra}    database: app\n  cache:\n    <<: *primary_production\n    database: app_cache\n  queue:\n    <<: *primary_production\n    database: app_queue\n`
  const read = (text: string, rails: string) =>
    analyzeDatabaseYml(ctxFor('bundle exec puma', {env: {}, files: memoryFiles({'config/database.yml': text}), versions: {activerecord: rails, rails}}))

  it('`url: <%= ENV["DATABASE_URL"] %>` in the entry they inherit: every entry a url config on DATABASE_URL, counted as before', async () => {
    const r = await read(section('    url: <%= ENV["DATABASE_URL"] %>\n'), '8.0.3')
    expect(r.pools.map((p) => [p.database, p.pool.value, p.server])).toEqual([
      ['primary', 4, 'DATABASE_URL'],
      ['cache', 4, 'DATABASE_URL'],
      ['queue', 4, 'DATABASE_URL'],
    ])
    expect(r.otherServerPools).toEqual([])
    expect(r.diagnostics).toEqual([])
    expect(r.pools.some((p) => isAssumption(p.pool))).toBe(false)
  })

  it('a host of its own (not this machine) is a server of its own, as before; no url and no host reaches none', async () => {
    const r = await read(section('    host: pg.internal\n'), '8.0.3')
    expect(r.pools.map((p) => p.database)).toEqual(['primary'])
    expect(r.otherServerPools.map((p) => [p.database, p.server])).toEqual([
      ['cache', 'host=pg.internal:5432'],
      ['queue', 'host=pg.internal:5432'],
    ])
    expect(r.diagnostics).toEqual([])
  })

  it('a host that is the fallback of an unset var (`ENV.fetch("DB_HOST") { "localhost" }`) names the var; set on DATABASE_URL\'s host, counted', async () => {
    const text = `default: &default\n  adapter: postgresql\n  pool: 4\n  host: <%= ENV.fetch("DB_HOST") { "localhost" } %>\n\nproduction:\n  primary:\n    <<: *default\n    database: app\n  audit:\n    <<: *default\n    database: app_audit\n`
    const files = memoryFiles({'config/database.yml': text})
    const versions = {activerecord: '7.2.2', rails: '7.2.2'}
    const r = await analyzeDatabaseYml(ctxFor('bundle exec puma', {env: {}, files, versions}))
    expect(r.otherServerPools.map((p) => [p.database, p.server])).toEqual([['audit', 'no server: host localhost is this machine; no url or AUDIT_DATABASE_URL']])
    expect(r.diagnostics[0].message).toContain('`audit` in the production section names host localhost (this machine, the fallback of DB_HOST, which has no value here)')
    expect(r.diagnostics[0].fix).toContain('set DB_HOST to the database\'s host')
    const env = {DATABASE_URL: 'postgres://u@pg.example.com:5432/app', DB_HOST: 'pg.example.com'}
    const set = await analyzeDatabaseYml(ctxFor('bundle exec puma', {env, files, versions}))
    expect(set.pools.map((p) => [p.database, p.server])).toEqual([['primary', 'DATABASE_URL'], ['audit', 'DATABASE_URL']])
    expect(set.diagnostics).toEqual([])
  })

  it('Rails 6.0 merged DATABASE_URL into every entry of the environment (build_url_config): counted, nothing said', async () => {
    const r = await read(section(''), '6.0.6')
    expect(r.pools.map((p) => [p.database, p.server])).toEqual([
      ['primary', 'DATABASE_URL'],
      ['cache', 'DATABASE_URL'],
      ['queue', 'DATABASE_URL'],
    ])
    expect(r.diagnostics).toEqual([])
    const modern = await read(section(''), '6.1.7')
    expect(modern.pools.map((p) => p.database)).toEqual(['primary'])
    expect(modern.diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['database-url-missing', 9],
      ['database-url-missing', 12],
    ])
  })
})

/**
 * A section with no entry named `primary` (rails-no-primary-entry: `main` and `animals`, pool 4, Rails 7.1.3; Puma
 * single mode, 3 threads). ActiveRecord merges DATABASE_URL into the name "primary" only
 * (`url ||= ENV["DATABASE_URL"] if name == "primary"`, DatabaseConfigurations#environment_value_for, 6.1 to 8.1), and
 * ActiveRecord::Base connects to the first entry of the environment (`main`).
 */
describe('a section with no entry named primary (Rails >= 6.1)', () => {
  const run = (env: string[] = []) => planJson(procfileOf('rails-no-primary-entry'), ['--limit', '40', ...env.flatMap((e) => ['--env', e])])

  it('only DATABASE_URL: main (Base\'s) counted as if MAIN_DATABASE_URL were set, starred; animals reaches no server; both said', () => {
    const r = run()
    // min(4, 3) on main; animals not counted.
    expect([r.type('web').connections, r.total]).toEqual([3, 3])
    expect(r.type('web').databases).toEqual(['main'])
    expect(r.type('web').otherServerPools.map((e) => [e.database, e.server])).toEqual([['animals', 'no server: no url, host or ANIMALS_DATABASE_URL']])
    expect(isAssumption(r.type('web').sources['pool.main'] as never)).toBe(true)
    const said = r.diagnostics.filter((d) => d.code === 'database-url-missing')
    expect(said.map((d) => d.line)).toEqual([15, 18])
    expect(said[0].message).toContain('no entry of the section is named `primary`')
    expect(said[0].message).toContain('unless MAIN_DATABASE_URL is set on the platform')
    expect(said[0].fix).toContain('name the entry `primary`')
  })

  it('MAIN_ and ANIMALS_DATABASE_URL given while DATABASE_URL is not: both counted on the plan, starred', () => {
    const r = run(['MAIN_DATABASE_URL=postgres://u@db.internal:5432/atlas', 'ANIMALS_DATABASE_URL=postgres://u@db.internal:5432/animals'])
    // min(4, 3) + min(4, 3) = 6: nothing tells their server apart from DATABASE_URL's.
    expect(r.total).toBe(6)
    expect(isAssumption(r.type('web').sources['pool.main'] as never)).toBe(true)
    expect(JSON.stringify(r.type('web').sources['pool.animals'])).toContain('ANIMALS_DATABASE_URL is set (host db.internal:5432) but DATABASE_URL has no value here to compare it with')
    expect(r.codes).not.toContain('database-url-missing')
  })

  it('with DATABASE_URL: main on its host is counted plainly, animals on another host is not', () => {
    const r = run(['DATABASE_URL=postgres://u@db.internal:5432/atlas', 'MAIN_DATABASE_URL=postgres://u@db.internal:5432/atlas', 'ANIMALS_DATABASE_URL=postgres://u@other.internal:5432/animals'])
    expect(r.total).toBe(3)
    expect(isAssumption(r.type('web').sources['pool.main'] as never)).toBe(false)
    expect(r.type('web').otherServerPools.map((e) => e.server)).toEqual(['ANIMALS_DATABASE_URL'])
  })
})

describe('an initializer that replaces the primary pool keeps the section\'s star', () => {
  it('establish_connection with ?pool=8 (rails-initializer-pool-databases): pool 8, starred for `reports`, which reaches no server', () => {
    const r = planJson(procfileOf('rails-initializer-pool-databases'), ['--limit', '40'])
    // Puma single mode, 3 threads: min(8, 3) = 3; reports (no url, host or REPORTS_DATABASE_URL) not counted.
    expect([r.type('web').connections, r.type('web').poolPerProcess]).toEqual([3, 8])
    expect(JSON.stringify(r.type('web').sources['pool.primary'])).toContain('config/initializers/database_pool.rb')
    expect(isAssumption(r.type('web').sources['pool.primary'] as never)).toBe(true)
  })
})
