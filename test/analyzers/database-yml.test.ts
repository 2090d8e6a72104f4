import {describe, expect, it} from 'vitest'

import {analyzeDatabaseYml} from '../../src/languages/ruby/database-yml.js'
import {parseGemfileLock} from '../../src/languages/ruby/gemfile-lock.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {ctxFor, fixture} from './helpers.js'

function app(name: string, env: Record<string, string> = {}) {
  const files = fixture(name)
  const lock = files.read('Gemfile.lock')
  return ctxFor('bundle exec puma', {env, files, versions: lock ? parseGemfileLock(lock.text) : {}})
}

const yml = (text: string, env: Record<string, string> = {}, versions: Record<string, string> = {}) =>
  ctxFor('bundle exec puma', {env, files: memoryFiles({'config/database.yml': text}), versions})

describe('analyzeDatabaseYml', () => {
  it('no database.yml: ActiveRecord\'s default 5 on DATABASE_URL, one frozen entry every type shares; a DATABASE_URL pool its own', async () => {
    const none = () => ctxFor('bundle exec puma', {files: memoryFiles({})})
    const [a, b] = [await analyzeDatabaseYml(none()), await analyzeDatabaseYml(none())]
    expect(a.pools).toEqual([{database: 'primary', pool: {source: expect.objectContaining({kind: 'default', what: 'ActiveRecord default pool size'}), value: 5}, server: 'DATABASE_URL'}])
    expect(b.pools[0]).toBe(a.pools[0])
    expect(Object.isFrozen(a.pools[0])).toBe(true)
    const url = await analyzeDatabaseYml(ctxFor('bundle exec puma', {env: {DATABASE_URL: 'postgres://u:p@h/d?pool=12'}, files: memoryFiles({})}))
    expect(url.pools[0].pool.value).toBe(12)
    expect(url.pools[0]).not.toBe(a.pools[0])
  })

  it('Rails 7.1 database.yml: pool from RAILS_MAX_THREADS, inherited from `default` via the merge key', async () => {
    const r = await analyzeDatabaseYml(app('rails-7-1', {RAILS_MAX_THREADS: '8'}))
    expect(r.pools).toHaveLength(1)
    expect(r.pools[0]).toMatchObject({database: 'primary', pool: {value: 8}, server: 'DATABASE_URL'})
    expect(describeSourced(r.pools[0].pool)).toBe('config/database.yml:20 ← RAILS_MAX_THREADS from .env.test:1')
    expect(r.otherServerPools).toEqual([])
    expect(r.diagnostics).toEqual([])
  })

  it('an entry an ERB loop names (`<%= tenant %>:`) is shown as its tag and line, never as a placeholder', async () => {
    // The keys come from a YAML file read at boot: unknown here. The one rendered entry keeps a readable name.
    const r = await analyzeDatabaseYml(
      yml('default: &default\n  adapter: sqlite3\n  pool: 4\nproduction:\n  queue:\n    <<: *default\n    database: q.sqlite3\n  <% Tenants.names.each do |tenant| %>\n  <%= tenant %>:\n    <<: *default\n    database: storage/<%= tenant %>.sqlite3\n  <% end %>\n'),
    )
    const names = [...r.pools, ...r.otherServerPools].map((p) => p.database)
    expect(names.some((n) => n.includes('__conncalc'))).toBe(false)
    expect(names).toContain('<%= tenant %> (config/database.yml:9)')
  })

  it('entries with a SQLite or MySQL adapter are not on the PostgreSQL server; the primary gets DATABASE_URL merged in', async () => {
    const r = await analyzeDatabaseYml(
      yml('default: &default\n  adapter: sqlite3\n  pool: 10\nproduction:\n  primary:\n    <<: *default\n  queue:\n    <<: *default\n    database: q.sqlite3\n  legacy:\n    adapter: mysql2\n    host: db.internal\n'),
    )
    expect(r.pools.map((p) => p.database)).toEqual(['primary'])
    expect(r.otherServerPools.map((p) => [p.database, p.server])).toEqual([
      ['queue', 'sqlite3 database, not PostgreSQL'],
      ['legacy', 'mysql2 database, not PostgreSQL'],
    ])
    expect(r.diagnostics.map((d) => d.code)).not.toContain('database-url-missing')
  })

  it('Rails 5.2 database.yml without the env var: the ERB default 5 at its line', async () => {
    const r = await analyzeDatabaseYml(app('rails-5-2'))
    expect(r.pools[0].pool).toEqual({source: {file: 'config/database.yml', kind: 'file', line: 16}, value: 5})
  })

  it('Rails 8.1 multi-database: one pool per entry from max_connections; with no url or host only the primary takes DATABASE_URL', async () => {
    const r = await analyzeDatabaseYml(app('rails-8-1', {DATABASE_URL: 'postgres://u:s3cret@ec2.example.com:5432/d1'}))
    expect(r.pools.map((p) => [p.database, p.pool.value, p.server])).toEqual([['primary', 5, 'DATABASE_URL']])
    expect(r.otherServerPools.map((p) => [p.database, p.pool.value, p.server])).toEqual([
      ['cache', 5, 'no server: no url, host or CACHE_DATABASE_URL'],
      ['queue', 5, 'no server: no url, host or QUEUE_DATABASE_URL'],
      ['cable', 5, 'no server: no url, host or CABLE_DATABASE_URL'],
    ])
    expect(r.otherServerPools[2].pool.source).toEqual({file: 'config/database.yml', kind: 'file', line: 20})
    expect(JSON.stringify(r)).not.toContain('s3cret')
  })

  it('max_connections wins over pool on Rails 8.1, and is ignored (with a warning) before', async () => {
    const text = 'production:\n  adapter: postgresql\n  pool: 10\n  max_connections: 7\n'
    expect((await analyzeDatabaseYml(yml(text, {}, {rails: '8.1.0'}))).pools[0].pool.value).toBe(7)
    const old = await analyzeDatabaseYml(yml(text, {}, {rails: '7.2.1'}))
    expect(old.pools[0].pool).toMatchObject({source: {line: 3}, value: 10})
    expect(old.diagnostics).toMatchObject([{code: 'unknown-config-value', line: 4}])
  })

  // Rails 8.1 connection_pool.rb: "+min_connections+: minimum number of connections the pool will open and
  // maintain (default 0)" — prepopulated once the pool is activated, kept past idle_timeout.
  it('min_connections (Rails 8.1) is the minimum a pool keeps open; before 8.1 it is ignored with a warning', async () => {
    const text = 'production:\n  adapter: postgresql\n  max_connections: 10\n  min_connections: <%= ENV.fetch("DB_MIN", 4) %>\n  idle_timeout: 0\n'
    const r = await analyzeDatabaseYml(yml(text, {}, {rails: '8.1.1'}))
    expect(r.pools[0]).toMatchObject({minOpen: {source: {file: 'config/database.yml', line: 4}, value: 4}, pool: {value: 10}})
    expect(r.diagnostics).toEqual([])
    const zero = await analyzeDatabaseYml(yml(text, {DB_MIN: '0'}, {rails: '8.1.1'}))
    expect(zero.pools[0].minOpen).toBeUndefined()
    const old = await analyzeDatabaseYml(yml('production:\n  adapter: postgresql\n  pool: 10\n  min_connections: 4\n', {}, {rails: '8.0.2'}))
    expect(old.pools[0].minOpen).toBeUndefined()
    expect(old.diagnostics).toMatchObject([{code: 'unknown-config-value', line: 4, message: '`min_connections` is read from Rails 8.1; ActiveRecord 8.0.2 ignores it'}])
  })

  it('an entry whose host is localhost: on the platform nothing listens there, and database-url-missing says so instead of "no host"', async () => {
    const text = 'production:\n  primary:\n    adapter: postgresql\n    host: localhost\n    database: app\n  cache:\n    adapter: postgresql\n    host: localhost\n    database: app_cache\n'
    const r = await analyzeDatabaseYml(yml(text))
    // The primary takes DATABASE_URL on the platform (ActiveRecord merges it over host); cache stays on localhost: no server.
    expect(r.pools.map((p) => [p.database, p.server])).toEqual([['primary', 'DATABASE_URL']])
    expect(r.otherServerPools.map((p) => [p.database, p.server])).toEqual([['cache', 'no server: host localhost is this machine; no url or CACHE_DATABASE_URL']])
    expect(r.diagnostics).toMatchObject([{code: 'database-url-missing', line: 6, severity: 'warning'}])
    expect(r.diagnostics[0].message).toMatch(/^`cache` in the production section names host localhost \(this machine\) and has no url or CACHE_DATABASE_URL: ActiveRecord merges DATABASE_URL into the entry named `primary` only .*, so on the platform it connects to this dyno, where no PostgreSQL server runs/)
    // The primary's pool is starred: the count is that of the app as configured.
    expect(isAssumption(r.pools[0].pool)).toBe(true)
  })

  it('DATABASE_URL query pool= overrides the file, sourced to the env var, password never shown', async () => {
    const r = await analyzeDatabaseYml(app('rails-7-1', {DATABASE_URL: 'postgres://app:hunter2@db.example.com/app?pool=15&sslmode=require'}))
    expect(r.pools[0].pool).toEqual({source: {from: '.env.test:1', kind: 'env', name: 'DATABASE_URL'}, value: 15})
    expect(JSON.stringify(r)).not.toContain('hunter2')
  })

  it('a url with pool= in the file', async () => {
    const r = await analyzeDatabaseYml(yml('production:\n  adapter: postgresql\n  url: postgres://localhost/app?pool=12\n  pool: 5\n'))
    expect(r.pools[0].pool).toEqual({source: {file: 'config/database.yml', kind: 'file', line: 3}, value: 12})
  })

  it('an entry on another server (its own env var URL) goes to otherServerPools', async () => {
    const text = `production:
  primary:
    adapter: postgresql
    url: <%= ENV["DATABASE_URL"] %>
    pool: <%= ENV.fetch("RAILS_MAX_THREADS", 5) %>
  primary_replica:
    adapter: postgresql
    url: <%= ENV["HEROKU_POSTGRESQL_CYAN_URL"] %>
    replica: true
    pool: 3
  analytics:
    adapter: postgresql
    url: postgres://reader:pw@analytics.example.com/warehouse
    database_tasks: false
`
    const r = await analyzeDatabaseYml(yml(text, {DATABASE_URL: 'postgres://a:b@h/d', HEROKU_POSTGRESQL_CYAN_URL: 'postgres://a:b@f/d'}))
    expect(r.pools.map((p) => [p.database, p.pool.value])).toEqual([['primary', 5]])
    expect(r.otherServerPools.map((p) => [p.database, p.pool.value, p.server])).toEqual([
      ['primary_replica', 3, 'HEROKU_POSTGRESQL_CYAN_URL'],
      ['analytics', 5, 'host=analytics.example.com:5432'],
    ])
    expect(JSON.stringify(r)).not.toContain(':pw@')
  })

  it('no database.yml: ActiveRecord default 5 with its reference', async () => {
    const r = await analyzeDatabaseYml(ctxFor('puma', {files: memoryFiles({})}))
    expect(r.pools).toEqual([
      {database: 'primary', pool: {source: {kind: 'default', ref: expect.stringContaining('hash_config.rb'), what: 'ActiveRecord default pool size'}, value: 5}, server: 'DATABASE_URL'},
    ])
  })

  it('no section for the app environment: default, with an info diagnostic', async () => {
    const r = await analyzeDatabaseYml(yml('development:\n  adapter: postgresql\n  pool: 2\n'))
    expect(r.pools[0].pool.value).toBe(5)
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['missing-config', 'info']])
  })

  it('pool from an env var without a default: unresolved-env and the default', async () => {
    const r = await analyzeDatabaseYml(yml('production:\n  adapter: postgresql\n  pool: <%= ENV.fetch("DB_POOL") %>\n'))
    expect(r.pools[0].pool.value).toBe(5)
    expect(r.diagnostics).toMatchObject([{code: 'unresolved-env', file: 'config/database.yml', line: 3}])
    expect(r.diagnostics[0].message).toContain('DB_POOL')
  })

  it('unparsable YAML: a diagnostic and the default', async () => {
    const r = await analyzeDatabaseYml(yml('production:\n  pool: [5\n  adapter: postgresql\n'))
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unparsable-config'])
    expect(r.pools[0].pool.value).toBe(5)
  })
})
