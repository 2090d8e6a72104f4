/**
 * Action Cable's listener (Solid Cable's polling thread, the PostgreSQL adapter's LISTEN connection) is made on
 * the first subscription: both adapters create it in `listener` (`@listener ||= Listener.new(…)`), which only
 * `subscribe` calls (solid_cable v4.0.0 lib/action_cable/subscription_adapter/solid_cable.rb; actioncable
 * subscription_adapter/postgresql.rb), and a client can subscribe only to a channel class the server has. An app
 * whose app/channels holds only the generated application_cable/ files, with no gem that brings a channel, never
 * makes it: the listener is in the ceiling only. Falcon runs the Rails app, Action Cable included, in each process.
 *
 * The app (made up here): Rails 8.0, database.yml pool 5, config/puma.rb workers 2, threads 3 (Rails ≥ 5.2 empties
 * the preloading master's pool). Solid Cable on the primary checks its connection out of the pool:
 * per Puma worker min(5, 3 + 1) = 4 with a channel, min(5, 3) = 3 without.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const lock = (extra: string[] = []) => `GEM
  remote: https://rubygems.org/
  specs:
    actioncable (8.0.2)
    activerecord (8.0.2)
    falcon (0.51.1)
    pg (1.5.9)
    puma (6.6.0)
    rails (8.0.2)
      actioncable (= 8.0.2)
      activerecord (= 8.0.2)
    solid_cable (3.0.8)
${extra.map((g) => `    ${g}\n`).join('')}
PLATFORMS
  x86_64-linux

DEPENDENCIES
  falcon
  pg
  puma
  rails (~> 8.0.2)
  solid_cable

BUNDLED WITH
   2.6.2
`
const base = (adapter: string, extra: Record<string, string> = {}, gems: string[] = []) => ({
  'Gemfile.lock': lock(gems),
  Procfile: 'web: bundle exec puma -C config/puma.rb\nfast: bundle exec falcon serve --count 2\n',
  'app/channels/application_cable/channel.rb': 'module ApplicationCable\n  class Channel < ActionCable::Channel::Base\n  end\nend\n',
  'app/channels/application_cable/connection.rb': 'module ApplicationCable\n  class Connection < ActionCable::Connection::Base\n  end\nend\n',
  'config/application.rb': 'require_relative "boot"\nrequire "rails/all"\n\nmodule Lantern\n  class Application < Rails::Application\n    config.load_defaults 8.0\n  end\nend\n',
  'config/cable.yml': `production:\n  adapter: ${adapter}\n`,
  'config/database.yml': 'production:\n  adapter: postgresql\n  pool: 5\n  url: <%= ENV["DATABASE_URL"] %>\n',
  'config/puma.rb': 'workers 2\nthreads 3, 3\npreload_app!\n',
  ...extra,
})
const CHANNEL = {'app/channels/board_channel.rb': 'class BoardChannel < ApplicationCable::Channel\n  def subscribed\n    stream_from "board"\n  end\nend\n'}
const plan = (files: Record<string, string>) => planJson(`${app(files)}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', '--scale', 'fast=1'])

describe('Action Cable listeners are made on the first subscription', () => {
  it('solid_cable with a channel: Puma 2 × min(5, 3 + 1) = 8; Falcon 2 processes × min(5, 1 + 1) = 4', () => {
    const r = plan(base('solid_cable', CHANNEL))
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8})
    expect(r.type('fast')).toMatchObject({connectionsPerDyno: 4, server: 'falcon'})
    expect(r.type('fast').extras.map((x) => x.kind)).toContain('solid-cable')
  })

  it('solid_cable, no channel beside application_cable/: Puma 2 × 3 = 6, Falcon 2 × 1 = 2; the listener in the ceiling only, saying why', () => {
    const r = plan(base('solid_cable'))
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6})
    expect(r.type('fast')).toMatchObject({connectionsPerDyno: 2})
    const cable = r.type('web').extras.find((x) => x.kind === 'solid-cable')!
    expect(cable.ceilingOnly).toBe(true)
    expect(JSON.stringify(cable.source)).toContain('no channel the server could subscribe a client to')
  })

  it('turbo-rails: only a page that uses turbo_stream_from subscribes (Turbo::StreamsChannel): 6 without, 8 with', () => {
    expect(plan(base('solid_cable', {}, ['turbo-rails (2.0.11)'])).type('web')).toMatchObject({connectionsPerDyno: 6})
    const page = {'app/views/boards/show.html.erb': '<%= turbo_stream_from @board %>\n<div id="cards"></div>\n'}
    expect(plan(base('solid_cable', page, ['turbo-rails (2.0.11)'])).type('web')).toMatchObject({connectionsPerDyno: 8})
    // The same page without turbo-rails in the bundle subscribes to nothing the server has.
    expect(plan(base('solid_cable', page)).type('web')).toMatchObject({connectionsPerDyno: 6})
  })

  it('postgresql adapter: its LISTEN connection is outside the pool, 2 × (3 + 1) = 8 with a channel, 2 × 3 = 6 without; StimulusReflex brings its own', () => {
    expect(plan(base('postgresql', CHANNEL)).type('web')).toMatchObject({connectionsPerDyno: 8})
    expect(plan(base('postgresql')).type('web')).toMatchObject({ceiling: 2 * 5 + 2 + 1, connectionsPerDyno: 6})
    expect(plan(base('postgresql', {}, ['stimulus_reflex (3.5.3)'])).type('web')).toMatchObject({connectionsPerDyno: 8})
  })
})
