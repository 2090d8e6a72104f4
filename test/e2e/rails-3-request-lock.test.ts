/**
 * Rails before 4.0 puts Rack::Lock in front of the app unless it opts in (railties 3.2 lib/rails/application.rb
 * default_middleware_stack: `::Rack::Lock unless config.allow_concurrency`; `config.threadsafe!` sets allow_concurrency):
 * one request at a time in each server process, on the one connection ActiveRecord takes back when the request ends.
 * austinthecoder/pinger (Rails 3.2, `rails server`) was counted at WEBrick's threads, capped by the pool: 5, not 1.
 * Fixture rails-3-request-lock (made up): Rails 3.2, puma -t 8:16 -w 2, pool 5, `# config.threadsafe!` commented out.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const PRODUCTION = (line: string) => `Gazette::Application.configure do\n  config.cache_classes = true\n  ${line}\nend\n`

describe('Rails 3.x serves one request at a time unless config.threadsafe!', () => {
  const temp = tempApps('rails-3-request-lock')
  const web = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1']).type('web')

  it('no threadsafe!: 2 workers × 1 locked request = 2 (was 2 × min(pool 5, 16) = 10), Rack::Lock cited', () => {
    const row = planJson(procfileOf('rails-3-request-lock'), ['--plan', 'standard-0', '--scale', 'web=1']).type('web')
    expect(row).toMatchObject({connections: 2, processesPerDyno: 2, threadsPerProcess: 1})
    expect(JSON.stringify(row.sources.threadsPerProcess)).toContain('https://github.com/rails/rails/blob/v3.2.22.5/railties/lib/rails/application.rb')
  })

  it('config.threadsafe! in production.rb: the server\'s 16 threads, capped by the pool: 2 × 5 = 10', () => {
    expect(web(temp.app({'config/environments/production.rb': PRODUCTION('config.threadsafe!')})).connections).toBe(10)
  })

  it('config.allow_concurrency = true does the same; false keeps the lock', () => {
    expect(web(temp.app({'config/environments/production.rb': PRODUCTION('config.allow_concurrency = true')})).connections).toBe(10)
    expect(web(temp.app({'config/environments/production.rb': PRODUCTION('config.allow_concurrency = false')})).connections).toBe(2)
  })

  it('Rails 4.0 has no lock in production: 2 × 5 = 10', () => {
    const lock = (v: string) => `GEM\n  remote: https://rubygems.org/\n  specs:\n    activerecord (${v})\n    pg (0.18.4)\n    puma (2.16.0)\n    rails (${v})\n      activerecord (= ${v})\n      railties (= ${v})\n    railties (${v})\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  pg\n  puma\n  rails (= ${v})\n`
    expect(web(temp.app({'Gemfile.lock': lock('4.0.13')})).connections).toBe(10)
  })
})
