/**
 * A rackup file of its own that loads none of the app's code (fixture rails-standalone-rackup, made up; Rails 7.1, Puma,
 * pool 5): push.ru requires only gems (bundler/setup, faye) and runs a Faye server; it never loads Rails, ActiveRecord or
 * an app file, so the `push` process opens no database connection: 0. cable.ru requires config/environment: the app's
 * pool, as any Rails process (puma reads config/puma.rb: 5 threads, min(5, 5) = 5). web 5 + push 0 + ws 5 = 10.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-standalone-rackup')

describe('a rackup file that loads none of the app', () => {
  const r = planJson(procfileOf('rails-standalone-rackup'), ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'push=1', '--scale', 'ws=1'])

  it('holds 0 for push.ru, the app\'s pool for cable.ru: 5 + 0 + 5 = 10', () => {
    expect(r.type('push')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('ws').connections).toBe(5)
    expect(r.total).toBe(10)
  })

  it('says why, naming the file and the gems it requires', () => {
    expect(JSON.stringify(r.type('push').sources.threadsPerProcess)).toContain('push.ru requires only gems (bundler/setup, faye)')
  })
})

describe('Sidekiq\'s dashboard in a rackup file of its own (geobtaa/geoportal: `sidekiq_web: bundle exec puma sidekiq.ru`)', () => {
  it('holds 0: Sidekiq::Web reads Redis, and the file loads neither Rails nor the app', () => {
    const sidekiqRu = "require 'sidekiq'\n\nSidekiq.configure_client do |config|\n  config.redis = { :size => 1 }\nend\n\nrequire 'sidekiq/web'\nrun Sidekiq::Web\n"
    const dir = app({'Procfile': 'web: bundle exec puma -C config/puma.rb\nsidekiq_web: bundle exec puma sidekiq.ru\n', 'sidekiq.ru': sidekiqRu})
    const s = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'sidekiq_web=1'])
    expect(s.type('sidekiq_web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(JSON.stringify(s.type('sidekiq_web').sources.threadsPerProcess)).toContain('sidekiq.ru requires only gems (sidekiq, sidekiq/web)')
    expect(s.total).toBe(5)
    // The same dashboard with the app loaded first: still only Sidekiq::Web serves, which never checks a connection out,
    // and Rails 7.1's boot opens none it keeps (languages/ruby/rackup-file.ts dashboardRackup): 0, said (was the app's pool, 5).
    const booted = app({'Procfile': 'web: bundle exec puma -C config/puma.rb\nsidekiq_web: bundle exec puma sidekiq.ru\n', 'sidekiq.ru': `require_relative 'config/environment'\n${sidekiqRu}`})
    const b = planJson(`${booted}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'sidekiq_web=1']).type('sidekiq_web')
    expect(b).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(JSON.stringify(b.sources.threadsPerProcess)).toContain('sidekiq.ru:9 runs Sidekiq::Web alone, which reads Redis only')
  })
})
