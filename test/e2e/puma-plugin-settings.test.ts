import {readFileSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

// `plugin :heroku` (the puma-heroku gem) writes Puma settings after the config file has loaded (lib/puma/dsl.rb
// `_load_from` → `_offer_plugins`), so they override the file's. Fixture rails-puma-heroku-plugin (made up): Rails 5.2,
// puma 3.12, puma-heroku 1.0.0, config/puma/production.rb sets `threads 1, 1` and then `plugin :heroku`; pool DB_POOL‖4.
// puma/puma-heroku v1.0.0 lib/puma/plugin/heroku.rb: threads MAX_THREADS‖5 (both), preload_app!, workers
// WEB_CONCURRENCY‖2, on_worker_boot establish_connection; v1.1.0: threads RAILS_MAX_THREADS‖MAX_THREADS‖5, and only
// when WEB_CONCURRENCY‖1 > 1 preload_app! + workers (+ fork hooks on Rails < 5.2); v2.0.0: the port only.
describe('a Puma plugin that writes settings (puma-heroku)', () => {
  const temp = tempApps('rails-puma-heroku-plugin')
  const lockAt = (version: string, rails = '5.2.4') =>
    readFileSync(`${fixture('rails-puma-heroku-plugin')}/Gemfile.lock`, 'utf8').replace('puma-heroku (1.0.0)', `puma-heroku (${version})`).replaceAll('5.2.4', rails)
  const web = (dir: string, args: string[] = []) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', ...args])

  it('1.0.0: 2 workers of 5 threads over the file\'s `threads 1, 1`, the plugin cited', () => {
    const r = planJson(procfileOf('rails-puma-heroku-plugin'), ['--plan', 'standard-0', '--scale', 'web=1'])
    const row = r.type('web')
    // 2 workers × min(pool 4, 5 threads) = 8 (was 1 process × min(4, 1) = 1: the plugin was not read)
    expect(row.processesPerDyno).toBe(2)
    expect(row.threadsPerProcess).toBe(5)
    expect(row.connections).toBe(8)
    expect(JSON.stringify(row.sources.processesPerDyno)).toContain('https://github.com/puma/puma-heroku/blob/v1.0.0/lib/puma/plugin/heroku.rb')
    expect(r.exit).toBe(0)
  })

  it('1.0.0 reads MAX_THREADS and WEB_CONCURRENCY', () => {
    const row = web(temp.app({}), ['--env', 'MAX_THREADS=3', '--env', 'WEB_CONCURRENCY=4']).type('web')
    // 4 workers × min(4, 3) = 12
    expect(row.connections).toBe(12)
  })

  it('1.1.0 on Rails 4.2: cluster only when WEB_CONCURRENCY > 1, with its own fork hooks (no reconnect error)', () => {
    const dir = temp.app({'Gemfile.lock': lockAt('1.1.0', '4.2.11')})
    // WEB_CONCURRENCY unset: 1 → no workers → single mode: 1 × min(4, RAILS_MAX_THREADS 2) = 2
    expect(web(dir, ['--env', 'RAILS_MAX_THREADS=2']).type('web').connections).toBe(2)
    const r = web(dir, ['--env', 'RAILS_MAX_THREADS=2', '--env', 'WEB_CONCURRENCY=3'])
    // 3 workers × min(4, 2) = 6; the plugin's on_worker_boot reconnects, so Rails 4.2 raises no fork error
    expect(r.type('web').connections).toBe(6)
    expect(r.codes).not.toContain('fork-reconnect-missing')
  })

  it('2.0.0 sets the port only: the file\'s own settings stand', () => {
    const row = web(temp.app({'Gemfile.lock': lockAt('2.0.0')})).type('web')
    // threads 1, workers default 0 (Puma 3.12): 1 × min(4, 1) = 1
    expect(row.connections).toBe(1)
  })

  it('a release conncalc does not know is said at the plugin line', () => {
    const r = web(temp.app({'Gemfile.lock': lockAt('3.0.0')}))
    const d = r.diagnostics.find((x) => x.code === 'unknown-config-value' && x.message.includes('`plugin :heroku` (puma-heroku 3.0.0)'))
    expect(d?.line).toBe(8)
  })
})
