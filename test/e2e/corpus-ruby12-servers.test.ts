import {rmSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'
import {gemGroups} from '../../src/languages/ruby/unicorn.js'

// Which server a Ruby command starts, found in the real-app corpus (session 11), each in a fixture of our own.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('the unicorn-rails gem makes `rails server` Unicorn (devonzuegel/isostamp-web-v2)', () => {
  const {app} = tempApps('rails-unicorn-rails')

  it('`rails server` runs Unicorn with config/unicorn.rb; `rails s -u puma` still runs Puma', () => {
    // unicorn-rails 2.2.1 (lib/unicorn_rails.rb:17-24): no config/unicorn/production.rb, so config/unicorn.rb:
    // worker_processes WEB_CONCURRENCY‖3 → 3 single-threaded workers, before_fork disconnect → web 3 × min(8, 1) = 3
    // (was Puma: 1 × min(8, 4) = 4). admin names puma: config/puma.rb threads 4 → 4. Total 7.
    const r = plan('rails-unicorn-rails', ['--scale', 'web=1,admin=1'])
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3, server: 'unicorn', threadsPerProcess: 1})
    expect(r.type('web').sources.processesPerDyno.via?.some((s) => s.kind === 'default' && (s.what ?? '').includes('unicorn-rails gem 2.2.1'))).toBe(true)
    expect(r.type('admin')).toMatchObject({connections: 4, server: 'puma'})
    expect(r.total).toBe(7)
  })

  it('with no Unicorn config file the handler runs UNICORN_WORKERS‖1 workers; a file that sets none gets Unicorn\'s 1', () => {
    // No config/unicorn.rb, no config/unicorn/production.rb: unicorn-rails 2.x passes worker_processes UNICORN_WORKERS‖1
    // → UNICORN_WORKERS=2 gives 2 × 1 = 2, unset 1 × 1 = 1.
    const none = app({})
    rmSync(join(none, 'config/unicorn.rb'))
    const args = ['--plan', 'standard-0', '--scale', 'web=1,admin=0']
    expect(planJson(`${none}/Procfile`, [...args, '--env', 'UNICORN_WORKERS=2']).type('web')).toMatchObject({connections: 2, processesPerDyno: 2, server: 'unicorn'})
    expect(planJson(`${none}/Procfile`, args).type('web')).toMatchObject({connections: 1, processesPerDyno: 1, server: 'unicorn'})
    // A config/unicorn.rb that sets no worker_processes: 2.x passes the file only, so Unicorn's default 1 even with UNICORN_WORKERS=2.
    const empty = app({'config/unicorn.rb': 'timeout 15\n'})
    expect(planJson(`${empty}/Procfile`, [...args, '--env', 'UNICORN_WORKERS=2']).type('web')).toMatchObject({connections: 1, processesPerDyno: 1})
  })

  it('only in the development group it is not installed on Heroku: `rails server` is Puma', () => {
    const gemfile = 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngem "puma"\n\ngroup :development do\n  gem "unicorn-rails"\nend\n'
    const dir = app({Gemfile: gemfile})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,admin=0'])
    expect(r.type('web')).toMatchObject({connections: 4, server: 'puma'})
  })

  it('reads Gemfile groups', () => {
    expect(gemGroups('gem "unicorn-rails"\n', 'unicorn-rails')).toEqual([])
    expect(gemGroups('group :development, :test do\n  gem "unicorn-rails"\nend\n', 'unicorn-rails')).toEqual(['development', 'test'])
    expect(gemGroups('gem "unicorn-rails", group: :production\n', 'unicorn-rails')).toEqual(['production'])
    expect(gemGroups('gem "unicorn"\n', 'unicorn-rails')).toBeUndefined()
  })
})

describe('Sinatra\'s built-in server: `set :server`, `set :threaded` and the version\'s server list (brandur/rocket-rides-atomic)', () => {
  const {app} = tempApps('sinatra-script-server')
  const scale = ['--plan', 'standard-0', '--scale', 'api=1,classic=1,worker=1']
  // A Sinatra 2.2.4 bundle with both thin and puma (and sequel, pg): Sinatra 2.2's MRI list is thin, puma, reel, HTTP,
  // webrick (sinatra v2.2.4 base.rb:1850-1864), so classic runs Thin; api says `set :server, %w[puma]` and runs Puma.
  const lock2 = [
    'GEM', '  remote: https://rubygems.org/', '  specs:', '    daemons (1.4.1)', '    eventmachine (1.2.7)', '    pg (1.5.9)',
    '    puma (5.6.9)', '    rack (2.2.9)', '    sequel (5.87.0)', '    sinatra (2.2.4)', '    thin (1.8.2)', '',
    'PLATFORMS', '  x86_64-linux', '', 'DEPENDENCIES', '  pg', '  puma', '  sequel', '  sinatra', '  thin', '',
  ].join('\n')

  it('Sinatra 2.2 picks Thin first: threaded by default → EventMachine\'s 20 threads, bounded by the pool', () => {
    const dir = app({'Gemfile.lock': lock2})
    const r = planJson(`${dir}/Procfile`, scale)
    // classic: thin, threaded (Sinatra's default `set :threaded, true`) → 20 threads; Sequel max_connections 7 → min(7, 20) = 7.
    expect(r.type('classic')).toMatchObject({connections: 7, server: 'thin', threadsPerProcess: 20})
    // api: `set :server, %w[puma]`, puma 5.6.9: Rack handler, no config/puma.rb, Puma 5's default max threads on MRI 5
    // (puma.ts defaults) → min(7, 5) = 5. worker 1. Total 7 + 5 + 1 = 13.
    expect(r.type('api')).toMatchObject({connections: 5, server: 'puma', threadsPerProcess: 5})
    expect(r.total).toBe(13)
  })

  it('`set :threaded, false` on Thin: one request at a time; a `configure :development` block does not apply in production', () => {
    const classic = 'require "sinatra"\nrequire_relative "db"\n\nset :threaded, false\n\nconfigure :development do\n  set :threaded, true\n  set :server, "puma"\nend\n\nget "/health" do\n  DB.test_connection ? "ok" : "down"\nend\n'
    const dir = app({'Gemfile.lock': lock2, 'classic.rb': classic})
    const r = planJson(`${dir}/Procfile`, scale)
    // thin (first of Sinatra 2.2's list), threaded false (classic.rb:4; the development block is skipped) → 1 × min(7, 1) = 1.
    expect(r.type('classic')).toMatchObject({connections: 1, server: 'thin', threadsPerProcess: 1})
  })

  it('a server list none of whose gems is in the bundle stays bounded by the pool, and says which list it tried', () => {
    const api = 'require "sinatra/base"\nrequire_relative "db"\n\nclass Api < Sinatra::Base\n  set :server, %w[falcon]\nend\n\nif __FILE__ == $0\n  Api.run!\nend\n'
    const dir = app({'api.rb': api})
    const r = planJson(`${dir}/Procfile`, scale)
    expect(r.type('api')).toMatchObject({connections: 7, threadsPerProcess: 7})
    expect(r.type('api').sources.threadsPerProcess.source.kind).toBe('assumed')
    const said = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'api')?.message
    expect(said).toContain('none of `set :server` at api.rb:5 (falcon) is in Gemfile.lock')
  })
})
