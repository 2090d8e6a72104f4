import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Ruby shapes found in the real-app corpus (session 8: travis-scheduler's rackup without a server gem, travis-api's
// WEB_CONCURRENCY=$(script/web_concurrency), …), each in a fixture of our own. Plan standard-0, one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('rackup with no server gem in the bundle (travis-scheduler)', () => {
  it('runs WEBrick: one process, a thread per connection up to MaxClients 100, bounded by the pool', () => {
    // Rack 2.2.8 tries puma, thin, falcon, then webrick (rack@2.2.0 lib/rack/handler.rb:48); the lock has none of the
    // three, and Ruby 2.7.8 (Gemfile.lock RUBY VERSION) still ships WEBrick. WEBrick: 1 process × up to 100 threads
    // (webrick config.rb MaxClients); database.yml pool DB_POOL or 12 → min(12, 100) = 12.
    const r = plan('rackup-webrick', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 12, processesPerDyno: 1, server: 'webrick', threadsPerProcess: 100})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('missing-config')
    // 100 threads share 12 connections: said.
    expect(r.codes).toContain('pool-below-threads')
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toContain("WEBrick from Ruby 2.7.8's standard library")
  })

  it('RACKUP_HANDLER or RACK_HANDLER names the server rackup runs', () => {
    // rack-servers: rack 3.1.7 with the rackup 2.1.0 gem, puma in the bundle: `rackup config.ru` is Puma (2 × 5 from its
    // config/puma.rb, as fixture-apps.test.ts says). rackup 2's Handler.default reads RACKUP_HANDLER, then the deprecated
    // RACK_HANDLER, before picking (rack/rackup lib/rackup/handler.rb): thin instead, one reactor thread → 1 × min(5, 1) = 1.
    for (const env of ['RACKUP_HANDLER=thin', 'RACK_HANDLER=thin']) {
      expect(plan('rack-servers', ['--scale', 'web=1', '--env', env]).type('web')).toMatchObject({connections: 1, server: 'thin', threadsPerProcess: 1})
    }

    expect(plan('rack-servers', ['--scale', 'web=1']).type('web')).toMatchObject({server: 'puma'})
  })

  it('on Ruby 3 without the webrick gem the default web process would not boot: an error, counted as WEBrick', () => {
    // No Procfile: the Ruby buildpack's default web process for a Rack app, `bundle exec rackup config.ru -p $PORT`.
    // Gemfile `ruby "~> 3.1.4"`: WEBrick left the standard library in Ruby 3.0 and the lock has no webrick gem, so
    // rackup stops with "Couldn't find handler"; conncalc still counts WEBrick (1 × min(12, 100) = 12) and says so.
    const r = plan('rackup-webrick-ruby3/Procfile', ['--scale', 'web=1'])
    expect(r.exit).toBe(1)
    expect(r.type('web')).toMatchObject({connections: 12, server: 'webrick', threadsPerProcess: 100})
    const error = r.diagnostics.find((d) => d.code === 'missing-config' && d.severity === 'error')
    expect(error).toMatchObject({file: 'Gemfile', line: 3})
    expect(error?.message).toContain('finds none of puma, thin, falcon, webrick in Gemfile.lock, and Ruby 3.1.4 (Gemfile:3) has no WEBrick')
  })
})
