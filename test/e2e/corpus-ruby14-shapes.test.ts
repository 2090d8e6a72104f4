import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

// Shapes from the Ruby known gaps (session 13), each in a fixture of our own. Plan standard-0.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

// `rails server` with no server named hands `server: nil` to Rails::Server (a ::Rack::Server; rails/rails@00f944e5
// railties/lib/rails/commands/server/server_command.rb), whose #server falls back to Rack::Handler.default: RACK_HANDLER,
// else the first of rack 2.0's [puma, thin, webrick] that loads (rack/rack@2.0.0 lib/rack/handler.rb:55).
// Fixture rails-server-no-puma: Rails 5.2.8.1, rack 2.0.9.4, thin 1.8.2 and no puma in Gemfile.lock, Ruby 2.6.10;
// database.yml production pool DB_POOL‖8.
describe('`rails server` runs Rack\'s default handler, not always Puma', () => {
  const r = plan('rails-server-no-puma', ['--scale', 'web=1,admin=1'])
  const noLock = tempApps('rails-server-no-puma')

  it('thin before webrick when the lock has no puma: one reactor thread', () => {
    // Thin through Rack's handler is not --threaded: 1 thread; min(pool 8, 1) = 1.
    const web = r.type('web')
    expect(web.server).toBe('thin')
    expect(web.threadsPerProcess).toBe(1)
    expect(web.connections).toBe(1)
    expect(JSON.stringify(web.sources.processesPerDyno)).toContain("`rails server` runs Rack's default handler: the first of puma, thin, webrick in Gemfile.lock")
  })

  it('`rails s -u webrick`: WEBrick from Ruby 2.6\'s standard library, its threads bounded by the pool', () => {
    // WEBrick :MaxClients 100 threads; min(pool 8, 100) = 8.
    const admin = r.type('admin')
    expect(admin.server).toBe('webrick')
    expect(admin.threadsPerProcess).toBe(100)
    expect(admin.connections).toBe(8)
    expect(JSON.stringify(admin.sources.processesPerDyno)).toContain('`rails server` is told to run WEBrick')
    // 1 + 8 = 9
    expect(r.total).toBe(9)
  })

  it('no Gemfile.lock (the bundle is a base image\'s, render-examples/mastodon): Puma, as before, not a guess at WEBrick', () => {
    const dir = noLock.app({})
    rmSync(join(dir, 'Gemfile.lock'))
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,admin=0'])
    expect(r.type('web').server).toBe('puma')
    expect(r.codes).not.toContain('missing-config')
  })

  it('no server gem on Ruby 3 without the webrick gem: the app\'s own `rails server` line is an error, the buildpack\'s default web a warning', () => {
    // travis-ci/travis-tasks shape: a worker-only Procfile in a Rails bundle with no server gem; rack 2.0 tries puma, thin,
    // then WEBrick, which Ruby 3.2 does not ship (ruby v3_0_0 NEWS) → Rack::Handler.pick raises LoadError and Rails'
    // `serveable?` is false: the process would not serve. Counted as WEBrick: min(pool 8, 100) = 8.
    const lock = readFileSync(`${fixture('rails-server-no-puma')}/Gemfile.lock`, 'utf8')
      .replace(/^ {4}thin \(1\.8\.2\)\n(?: {6}.*\n)*/m, '')
      .replace(/^ {2}thin\n/m, '')
      .replace('ruby 2.6.10p210', 'ruby 3.2.5p208')
    const gemfile = 'source "https://rubygems.org"\n\nruby "3.2.5"\n\ngem "rails", "~> 5.2.8"\ngem "pg", "~> 1.1"\n'
    const declared = noLock.app({Gemfile: gemfile, 'Gemfile.lock': lock})
    const own = planJson(`${declared}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,admin=0'])
    expect(own.type('web')).toMatchObject({connections: 8, server: 'webrick'})
    expect(own.diagnostics.find((d) => d.processType === 'web' && d.code === 'missing-config')?.severity).toBe('error')
    expect(own.exit).toBe(1)
    const buildpack = noLock.app({Gemfile: gemfile, 'Gemfile.lock': lock, Procfile: 'release: bundle exec rails db:migrate\n', 'bin/rails': '#!/usr/bin/env ruby\n'})
    const r = planJson(`${buildpack}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connections: 8, server: 'webrick'})
    const said = r.diagnostics.find((d) => d.processType === 'web' && d.code === 'missing-config')
    expect(said?.severity).toBe('warning')
    expect(said?.message).toContain("the Procfile has no web type: it is the buildpack's default")
    expect(r.exit).toBe(0)
  })

  it('RACK_HANDLER names the server Rack\'s default handler returns', () => {
    // RACK_HANDLER=webrick: web is WEBrick too, 8; total 8 + 8 = 16.
    const e = plan('rails-server-no-puma', ['--scale', 'web=1,admin=1', '--env', 'RACK_HANDLER=webrick'])
    expect(e.type('web').server).toBe('webrick')
    expect(e.total).toBe(16)
  })
})

describe('Sinatra\'s run! on WEBrick', () => {
  const {app} = tempApps('sinatra-script-server')

  it('a Sinatra 2.2 bundle with neither thin nor puma but the webrick gem: WEBrick, its 100 threads bounded by the pool', () => {
    // Sinatra 2.2.4's MRI list thin, puma, reel, HTTP, webrick (sinatra v2.2.4 base.rb:1850-1864): only webrick loads (the
    // webrick 1.8.1 gem). WEBrick :MaxClients 100 threads; db.rb Sequel max_connections 7 → classic min(7, 100) = 7, read
    // (not assumed), and no unknown-command warning.
    const lock = [
      'GEM', '  remote: https://rubygems.org/', '  specs:', '    pg (1.5.9)', '    rack (2.2.9)', '    sequel (5.87.0)', '    sinatra (2.2.4)',
      '    webrick (1.8.1)', '', 'PLATFORMS', '  x86_64-linux', '', 'DEPENDENCIES', '  pg', '  sequel', '  sinatra', '  webrick', '',
    ].join('\n')
    const r = planJson(`${app({'Gemfile.lock': lock})}/Procfile`, ['--plan', 'standard-0', '--scale', 'api=0,classic=1,worker=0'])
    expect(r.type('classic')).toMatchObject({connections: 7, server: 'webrick', threadsPerProcess: 100})
    expect(r.type('classic').sources.threadsPerProcess.source.kind).toBe('default')
    expect(r.diagnostics.filter((d) => d.processType === 'classic' && d.code === 'unknown-command')).toEqual([])
    expect(JSON.stringify(r.type('classic').sources.processesPerDyno)).toContain("Sinatra's run! starts webrick")
  })
})

// Hanami 2's `hanami server` starts Rackup::Server with no server named (hanami/cli@036f01b lib/hanami/cli/server.rb), so
// Rack's default handler runs: rack 2.2.10 with rackup 1.0.1 tries puma, thin, falcon before webrick → puma 6.5.0 in the
// lock, as its Rack handler, reading config/puma.rb. Fixture hanami2-server: threads HANAMI_MAX_THREADS‖3, workers
// HANAMI_WEB_CONCURRENCY‖0; hanami-db passes no max_connections → Sequel 5.87's default 4.
describe('`hanami server` runs Rack\'s default handler (usetrmnl/byos_hanami-style Procfiles)', () => {
  it('Puma as the Rack handler with config/puma.rb: min(Sequel 4, 3 threads) = 3 (was 1*, an unknown command)', () => {
    const r = plan('hanami2-server', ['--scale', 'web=1'])
    const web = r.type('web')
    expect(web.server).toBe('puma')
    expect(web.processesPerDyno).toBe(1)
    expect(web.threadsPerProcess).toBe(3)
    expect(web.connections).toBe(3)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('HANAMI_WEB_CONCURRENCY=2: cluster mode, 2 workers × 3 = 6', () => {
    expect(plan('hanami2-server', ['--scale', 'web=1', '--env', 'HANAMI_WEB_CONCURRENCY=2']).type('web').connections).toBe(6)
  })
})

// brandur/que-degradation-test shape: per-process scripts that each connect Sequel themselves, one of them starting Que
// 0.x's worker pool in-process (`Que.mode = :async`: Que.worker_count threads, que-rb/que CHANGELOG 0.x). Fixture
// sequel-que-scripts: bin/que-worker `Sequel.connect(url, max_connections: Integer(ENV.fetch("JOB_POOL", 6)))`, worker_count 5,
// mode :async, then polls on the main thread; bin/enqueuer `Sequel.connect(url)` (Sequel's default 4), mode :off, one thread.
describe('a script\'s own Sequel.connect, and Que\'s in-process workers', () => {
  const r = plan('sequel-que-scripts', ['--scale', 'jobs=1,enqueuer=1'])

  it('bin/que-worker: its own max_connections (6), Que.worker_count 5 + the main thread that polls DB = 6, read (was 6*, then 1)', () => {
    // 5 Que workers + the main thread's `DB[:que_jobs].count` after the mode = 6 by hand, within max_connections 6.
    const jobs = r.type('jobs')
    expect(jobs.poolPerProcess).toBe(6)
    expect(jobs.threadsPerProcess).toBe(6)
    expect(jobs.connections).toBe(6)
    expect(JSON.stringify(jobs.sources.threadsPerProcess)).not.toContain('assumed')
    expect(JSON.stringify(jobs.sources.threadsPerProcess)).toContain('5 Que worker threads + the script\'s main thread')
    expect(r.diagnostics.some((d) => d.processType === 'jobs' && d.code === 'unknown-command')).toBe(false)
  })

  it('bin/enqueuer: one thread on Sequel\'s default pool; total 6 + 1 = 7', () => {
    expect(r.type('enqueuer')).toMatchObject({connections: 1, poolPerProcess: 4, threadsPerProcess: 1})
    expect(r.total).toBe(7)
  })
})
