/**
 * `bundle exec unicorn` in an app whose Gemfile.lock has no unicorn gem (a Procfile left from before the app moved to
 * Puma): Bundler stops with "bundler: command not found: unicorn", so the process exits at start. Said as an error
 * (exit 1), the number left as if it ran and starred; a program the bundle has, or one of the app's own files, is not
 * judged.
 *
 * App (temp): Gemfile.lock with rails/railties/activerecord 7.1.3, puma, sidekiq, pg (no unicorn); config/unicorn.rb
 * worker_processes 3; database.yml pool 5. By hand: web 3 unicorn workers × 1 = 3 (if it ran); worker sidekiq -c 4:
 * min(5, 4) = 4, unaffected.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const lock = (extra: string) => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
    connection_pool (2.4.1)
    pg (1.5.6)
    puma (6.4.2)
    rails (7.1.3)
      activerecord (= 7.1.3)
      railties (= 7.1.3)
    railties (7.1.3)
    sidekiq (7.2.4)
      connection_pool (>= 2.3.0)
${extra}
PLATFORMS
  ruby

DEPENDENCIES
  pg
  puma
  rails (~> 7.1.3)
  sidekiq
`
const files = {
  'Gemfile': "source 'https://rubygems.org'\ngem 'rails', '~> 7.1.3'\ngem 'pg'\ngem 'puma'\ngem 'sidekiq'\n",
  'Gemfile.lock': lock(''),
  Procfile: 'web: bundle exec unicorn -c config/unicorn.rb -p $PORT\nworker: bundle exec sidekiq -c 4\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 5\n',
  'config/unicorn.rb': 'worker_processes 3\npreload_app true\n',
}
const args = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']

describe('bundle exec of a program the bundle does not have', () => {
  it('an error at the Procfile line (exit 1); the web number is counted as if it ran, starred', () => {
    const r = planJson(join(app(files), 'Procfile'), args)
    expect(r.exit).toBe(1)
    const d = r.diagnostics.find((x) => x.code === 'missing-config' && x.processType === 'web')!
    expect(d).toMatchObject({file: 'Procfile', line: 1, severity: 'error'})
    expect(d.message).toContain('`bundle exec unicorn`, but Gemfile.lock has no unicorn gem: Bundler stops with "bundler: command not found: unicorn"')
    const web = r.type('web')
    expect([web.server, web.processesPerDyno, web.connections]).toEqual(['unicorn', 3, 3])
    expect(web.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: 'Gemfile.lock has no unicorn gem, so `bundle exec unicorn` stops at start; counted as if it ran'}))
    expect(r.type('worker').connections).toBe(4)
    expect(r.diagnostics.filter((x) => x.processType === 'worker' && x.severity === 'error')).toEqual([])
  })

  it('with unicorn in Gemfile.lock, or an app binstub bin/unicorn, nothing is said and nothing starred', () => {
    const bundled = planJson(join(app({...files, 'Gemfile.lock': lock('    unicorn (6.1.0)\n      raindrops (~> 0.7)\n')}), 'Procfile'), args)
    expect(bundled.exit).toBe(0)
    expect(bundled.diagnostics.some((x) => x.message.includes('command not found'))).toBe(false)
    expect(JSON.stringify(bundled.type('web').sources.processesPerDyno)).not.toContain('assumed')
    expect(bundled.type('web').connections).toBe(3)
    const binstub = planJson(join(app({...files, Procfile: 'web: bundle exec bin/unicorn -c config/unicorn.rb\n', 'bin/unicorn': '#!/usr/bin/env ruby\nload Gem.bin_path("unicorn", "unicorn")\n'}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(binstub.diagnostics.some((x) => x.message.includes('command not found'))).toBe(false)
  })
})
