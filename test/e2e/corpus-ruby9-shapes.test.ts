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

describe('rackup with Rack 3 and no rackup gem (travis-scheduler)', () => {
  it('is an error: Rack 3 no longer ships rackup, so the web process would not start', () => {
    // rack 3.0.9, no rackup gem in Gemfile.lock: `bundle exec rackup` finds no executable. Counted as WEBrick as the
    // error says: 1 × min(12, 100) = 12.
    const r = plan('rack3-without-rackup', ['--scale', 'web=1'])
    expect(r.exit).toBe(1)
    expect(r.type('web')).toMatchObject({connections: 12, server: 'webrick'})
    const error = r.diagnostics.find((d) => d.code === 'missing-config' && d.severity === 'error')
    expect(error?.message).toContain('`rackup` is not in the bundle: Rack 3.0.9 no longer ships it')
  })
})

describe('a variable set from a command\'s output (travis-api: WEB_CONCURRENCY=$(script/web_concurrency))', () => {
  const scale = ['--scale', 'web=1,api=1,admin=1']

  it('reads an app script that only prints a literal, sourced at its line', () => {
    // api: `WEB_CONCURRENCY=$(bin/concurrency) bundle exec puma`; bin/concurrency's one live line is `echo 3`:
    // puma.rb workers Integer(ENV.fetch("WEB_CONCURRENCY") { 2 }) = 3 × threads 5, pool 5 → 3 × min(5, 5) = 15.
    const r = plan('command-output-env', scale)
    expect(r.type('api')).toMatchObject({connections: 15, processesPerDyno: 3})
    expect(JSON.stringify(r.type('api').sources.processesPerDyno)).toContain('"file":"bin/concurrency","kind":"file","line":3')
  })

  it('a script that computes its output, or another program, leaves the variable set to an unknown value: said, never the fallback for unset', () => {
    const r = plan('command-output-env', scale)
    // web: bin/web runs `[ "$WEB_CONCURRENCY" ] || export WEB_CONCURRENCY=$(script/concurrency_for_dyno)`. The test is
    // undecidable here (taken as false, said at bin/web:4); the script cases on `ulimit -u`, so the value is unknown.
    // Before, the variable was dropped and puma.rb's `{ 2 }` fallback gave 2 workers without a word. Now Puma's
    // unreadable-workers default, single mode, is assumed and starred: 1 × min(5, 5) = 5.
    expect(r.type('web')).toMatchObject({connections: 5, processesPerDyno: 1})
    expect(r.type('web').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(true)
    const messages = r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => `${d.file ?? ''}:${d.line ?? ''} ${d.message}`)
    expect(messages).toContain('bin/web:4 web: `[ "$WEB_CONCURRENCY" ]` cannot be decided from the environment here; taken as false, so `export WEB_CONCURRENCY=$(script/concurrency_for_dyno)` runs')
    expect(messages.some((m) => m.startsWith('config/puma.rb:1 ') && m.includes('WEB_CONCURRENCY is set at bin/web:4 to the output of `script/concurrency_for_dyno`, which conncalc does not run (script/concurrency_for_dyno computes what it prints)'))).toBe(true)
    // admin: `WEB_CONCURRENCY=$(nproc)` on the Procfile line: since session 9 the CPU count the dyno reports
    // (procfile/dyno-commands.ts; no size given, so Standard-1X's 8 assumed, starred): 8 × 5 = 40. Before, 1 × 5 = 5.
    expect(r.type('admin')).toMatchObject({connections: 40, processesPerDyno: 8})
    expect(r.type('admin').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(true)
    // 5 + 15 + 40 = 60.
    expect(r.total).toBe(60)
  })

  it('a value given for the variable wins over the script, as `[ "$X" ] ||` says', () => {
    // --env WEB_CONCURRENCY=4: bin/web's test is true, the export does not run: 4 × 5 = 20 (and no warning at bin/web:4).
    // The Procfile lines' own assignments still win on api (3 × 5) and admin ($(nproc) → 8 × 5): 20 + 15 + 40 = 75.
    const r = plan('command-output-env', [...scale, '--env', 'WEB_CONCURRENCY=4'])
    expect(r.type('web')).toMatchObject({connections: 20, processesPerDyno: 4})
    expect(r.diagnostics.some((d) => d.file === 'bin/web')).toBe(false)
    expect(r.total).toBe(75)
  })
})

describe('New Relic in a Sequel app (CocoaPods/trunk.cocoapods.org)', () => {
  it('adds no explain-plan connection: the agent explains through the app\'s own Sequel pool', () => {
    // newrelic_rpm's Sequel extension runs `self[sql].explain` on the app's Sequel::Database (explainer_for), so the
    // EXPLAIN checks a connection out of DB's pool. puma -t 6:6, max_connections DB_POOL or 6: 1 × min(6, 6) + 0 = 6.
    const r = plan('sequel-new-relic', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 6, extraPerProcess: 0, poolPerProcess: 6})
    // The ActiveRecord app beside it still gets its +1 (action-cable-new-relic: fixture-apps and new-relic tests).
  })
})

describe('config that calls the app\'s own constants (interagent/pliny-template: Config.puma_max_threads)', () => {
  it('reads a pliny config module the config requires, and a class method of a constant Zeitwerk would autoload', () => {
    // config/puma.rb requires config/settings.rb, a pliny CastingConfigHelpers module: `override :web_workers, 2, int` is
    // ENV.fetch("WEB_WORKERS", 2).to_i = 2 workers, max_threads 8 (pliny lib/pliny/config_helpers.rb). db.rb passes
    // max_connections: AppLimits.db_pool, `def self.db_pool = Integer(ENV.fetch("DB_POOL", 6))` in lib/app_limits.rb = 6.
    // 2 × min(6, 8) = 12. Before, all three were unknown: single mode 1*, Puma's default threads 5*, Sequel's 4*.
    const r = plan('ruby-app-constants', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, processesPerDyno: 2, threadsPerProcess: 8})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({file: 'config/settings.rb', kind: 'file', line: 7})
    expect(r.type('web').sources['pool.primary'].via).toContainEqual({file: 'lib/app_limits.rb', kind: 'file', line: 2})
    expect(r.codes).not.toContain('unknown-config-value')
    // 8 threads share 6 Sequel connections: Sequel's own timeout and fix, though the pool was read, not defaulted.
    const below = r.diagnostics.find((d) => d.code === 'pool-below-threads')
    expect(below?.message).toContain('Sequel::PoolTimeout')
    expect(below?.fix).toBe('raise the pool that db.rb:3 sets for web to at least 8')
  })

  it('the settings follow the environment variables they read', () => {
    // WEB_WORKERS=3, MAX_THREADS=4, DB_POOL=3: 3 × min(3, 4) = 9.
    const r = plan('ruby-app-constants', ['--scale', 'web=1', '--env', 'WEB_WORKERS=3', '--env', 'MAX_THREADS=4', '--env', 'DB_POOL=3'])
    expect(r.type('web')).toMatchObject({connections: 9, processesPerDyno: 3, threadsPerProcess: 4})
  })
})

describe('an app Ruby script that runs Puma in its own process (rubygems/bundler-api: Puma::InstrumentedCLI)', () => {
  it('is puma with the arguments the script hands Puma::CLI, its own first', () => {
    // bin/web: App::ServerCLI (lib/app/server_cli.rb, `< Puma::CLI`).new(ARGV + %w[--config config/puma.rb]).run.
    // web: `puma --config config/puma.rb`: workers WEB_CONCURRENCY or 2, threads 4, Sequel max_connections DB_POOL or 4:
    // 2 × min(4, 4) = 8. api: `bin/web -w 3` → `puma -w 3 --config config/puma.rb`, the flag over the file: 3 × 4 = 12.
    // Before, both were a ruby-script whose Thread.new made the pool the thread count: 1 × 4* each.
    const r = plan('ruby-puma-cli-script', ['--scale', 'web=1,api=1'])
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 2, server: 'puma', threadsPerProcess: 4})
    expect(r.type('api')).toMatchObject({connections: 12, processesPerDyno: 3, server: 'puma'})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toContain('bin/web runs Puma in its own process (bin/web:8), as `puma --config config/puma.rb`')
    expect(r.total).toBe(20)
  })
})

describe('Sinatra apps started by a Ruby script (brandur/rocket-rides-atomic: ruby api.rb, API.run!)', () => {
  const scale = ['--scale', 'api=1,classic=1,worker=1']

  it('a script that starts Sinatra\'s built-in server runs the server Sinatra picks; a guarded run! in a required file is not', () => {
    const r = plan('sinatra-script-server', scale)
    // api: `Api.run!` (inside `if __FILE__ == $0`, and api.rb is the file Ruby runs) with `set :server, %w[puma]` (api.rb:5),
    // puma 6.5.0 in the lock: Puma's Rack handler with no config/puma.rb, Puma 6 default max threads 5 on MRI; the Sequel
    // pool (max_connections 7) → min(7, 5) = 5. (Session 9: 7*, bounded by the pool; before that 1, no word.)
    expect(r.type('api')).toMatchObject({connections: 5, server: 'puma', threadsPerProcess: 5})
    // classic: `require "sinatra"` in the file Ruby runs starts Sinatra::Application's server at exit; Sinatra 4.1.1's list
    // puma, falcon, thin, webrick (sinatra v4.1.1 base.rb:1972-1997) → puma, the same 5.
    expect(r.type('classic')).toMatchObject({connections: 5, server: 'puma', threadsPerProcess: 5})
    // worker: requires api.rb, whose run! is guarded by `if __FILE__ == $0` (false there); its loop is the main thread: 1.
    expect(r.type('worker')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(11)
  })

  it('no web type and no config.ru: the Ruby buildpack\'s default rackup would stop at start, so no web is counted, said', () => {
    // heroku-buildpack-ruby rack.rb declares `bundle exec rackup config.ru -p $PORT` for any bundle with rack; this app
    // has no config.ru, so rackup stops ("configuration config.ru not found"): no web type, and a warning.
    const r = plan('sinatra-script-server', scale)
    expect(r.processTypes.map((p) => p.name)).not.toContain('web')
    expect(r.diagnostics.find((d) => d.code === 'default-web-process')).toMatchObject({severity: 'warning'})
    expect(r.diagnostics.find((d) => d.code === 'default-web-process')?.message).toContain('the app has no config.ru: it would stop at start')
  })
})
