/**
 * A settings module's class method that passes a block to a helper of the same module (`from_url_or("pool") do … end`,
 * the helper `found = parsed_url[key] if ENV["DATABASE_URL"]; found || yield`) is read as Ruby runs it: the helper's
 * body with its parameter bound, `yield` being the block's value, a local no path taken assigned being nil; and
 * ActiveRecord's ConnectionUrlResolver#to_hash as the URL's parts and query. The app (test/fixtures/rake-loop-parent:
 * Rails 7.1, Sidekiq 7.3) with its pool from that module; Sidekiq -c 10 holds min(pool, 10).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')
const settings = (helper: string) => `module DbSettings
  class << self
    def pool_size
      from_url_or("pool") do
        Integer(ENV.fetch("DB_POOL", 7))
      end.to_i
    end

    private

${helper}

    def parsed_url
      ActiveRecord::DatabaseConfigurations::ConnectionUrlResolver.new(ENV["DATABASE_URL"]).to_hash.stringify_keys
    end
  end
end
`
const helper = '    def from_url_or(key)\n      found = parsed_url[key] if ENV["DATABASE_URL"]\n      found || yield\n    end'
const files = (h = helper) => ({'config/database.yml': 'production:\n  adapter: postgresql\n  pool: <%= DbSettings.pool_size %>\n', 'lib/db_settings.rb': settings(h), Procfile: 'worker: bundle exec sidekiq -c 10\n'})
const worker = (args: string[] = [], h = helper) => {
  const r = planJson(`${app(files(h))}/Procfile`, ['--scale', 'worker=1', ...args])
  return {pool: r.type('worker').sources['pool.primary'] as {source: {file?: string; kind: string; line?: number}; value: number}, r, row: r.type('worker')}
}

describe('a settings method that yields to a block through a helper of its module', () => {
  it('no DATABASE_URL given: the block runs, pool 7 read from lib/db_settings.rb:4, the method (not assumed); Sidekiq min(7, 10) = 7', () => {
    const {pool, r, row} = worker()
    expect(row.connectionsPerDyno).toBe(7)
    expect(pool.value).toBe(7)
    expect(JSON.stringify(pool)).toContain('"file":"lib/db_settings.rb","kind":"file","line":4')
    expect(JSON.stringify(pool)).not.toContain('assumed')
    expect(r.codes).not.toContain('unknown-config-value')
    expect(worker(['--env', 'DB_POOL=12']).row.connectionsPerDyno).toBe(10)
  })

  it('a DATABASE_URL without ?pool= leaves the block to decide (7); one with ?pool=3 gives 3', () => {
    expect(worker(['--env', 'DATABASE_URL=postgres://app:secret@db.example.com:5432/app']).row.connectionsPerDyno).toBe(7)
    expect(worker(['--env', 'DATABASE_URL=postgres://app:secret@db.example.com:5432/app?pool=3']).row.connectionsPerDyno).toBe(3)
  })

  it('a helper conncalc cannot run (it returns early) leaves the pool unknown: 5 assumed, said at database.yml:3', () => {
    const early = '    def from_url_or(key)\n      return parsed_url[key] if ENV["DATABASE_URL"]\n      yield\n    end'
    const {pool, r} = worker([], early)
    expect(pool.value).toBe(5)
    expect(JSON.stringify(pool)).toContain('assumed')
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')).toMatchObject({file: 'config/database.yml', line: 3})
  })
})
