import {describe, expect, it} from 'vitest'

import {parseGemfileLock} from '../../src/languages/ruby/gemfile-lock.js'
import {resque} from '../../src/languages/ruby/resque.js'
import {rubyServerFacts} from '../../src/languages/ruby/ruby-server.js'
import {sidekiq} from '../../src/languages/ruby/sidekiq.js'
import {unicorn} from '../../src/languages/ruby/unicorn.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {ctxFor, fixture} from './helpers.js'

function app(name: string) {
  const files = fixture(name)
  const lock = files.read('Gemfile.lock')
  return {files, versions: lock ? parseGemfileLock(lock.text) : {}}
}

describe('sidekiq analyzer', () => {
  it('matches sidekiq commands only', () => {
    const files = memoryFiles({})
    expect(sidekiq.matches(ctxFor('bundle exec sidekiq -C config/sidekiq.yml', {files}).command, ctxFor('x', {files}))).toBe(true)
    expect(sidekiq.matches(ctxFor('bundle exec puma', {files}).command, ctxFor('x', {files}))).toBe(false)
  })

  it('sidekiq.yml.erb: the production section wins over the top level, ERB default used', async () => {
    const a = await sidekiq.analyze(ctxFor('bundle exec sidekiq -C config/sidekiq.yml.erb', app('sidekiq-yml-erb')))
    expect(a.threadsPerProcess).toEqual({source: {file: 'config/sidekiq.yml.erb', kind: 'file', line: 12}, value: 20})
    expect(a.processesPerDyno.value).toBe(1)
    expect(a.diagnostics).toEqual([])
    expect(a.versions).toEqual({sidekiq: '7.3.0'})
  })

  it('sidekiq.yml.erb: SIDEKIQ_CONCURRENCY from the env, in another environment the top level', async () => {
    const a = await sidekiq.analyze(ctxFor('bundle exec sidekiq -C config/sidekiq.yml.erb', {...app('sidekiq-yml-erb'), env: {SIDEKIQ_CONCURRENCY: '8'}}))
    expect(describeSourced(a.threadsPerProcess)).toBe('config/sidekiq.yml.erb:12 ← SIDEKIQ_CONCURRENCY from .env.test:1')
    expect(a.threadsPerProcess.value).toBe(8)
    const staging = await sidekiq.analyze(ctxFor('bundle exec sidekiq -e staging -C config/sidekiq.yml.erb', app('sidekiq-yml-erb')))
    expect(staging.threadsPerProcess).toMatchObject({source: {line: 2}, value: 10})
  })

  it('finds config/sidekiq.yml.erb without -C', async () => {
    const a = await sidekiq.analyze(ctxFor('bundle exec sidekiq', app('sidekiq-yml-erb')))
    expect(a.threadsPerProcess.value).toBe(20)
  })

  it('-c 15 beats the YAML', async () => {
    const a = await sidekiq.analyze(ctxFor('bundle exec sidekiq -c 15 -q critical -q default', app('sidekiq-flag')))
    expect(a.threadsPerProcess).toEqual({source: {flag: '-c 15', kind: 'flag'}, value: 15})
  })

  it('no concurrency in sidekiq.yml: RAILS_MAX_THREADS (here from the Procfile line)', async () => {
    const a = await sidekiq.analyze(ctxFor('bundle exec sidekiq', {...app('sidekiq-rails-max-threads'), env: {RAILS_MAX_THREADS: '12'}}))
    expect(a.threadsPerProcess).toEqual({source: {from: '.env.test:1', kind: 'env', name: 'RAILS_MAX_THREADS'}, value: 12})
  })

  it('defaults by version: 25 before 5.2, 10 from 5.2, 5 from 7.0, 5 as an assumption when unknown', async () => {
    const files = memoryFiles({})
    const at = async (v?: string) => (await sidekiq.analyze(ctxFor('sidekiq', {files, versions: v ? {sidekiq: v} : {}}))).threadsPerProcess
    expect((await at('5.1.3')).value).toBe(25)
    expect((await at('5.2.10')).value).toBe(10)
    expect((await at('6.5.12')).value).toBe(10)
    expect((await at('7.0.0')).value).toBe(5)
    const unknown = await at()
    expect(unknown.value).toBe(5)
    expect(isAssumption(unknown)).toBe(true)
    const real = await sidekiq.analyze(ctxFor('bundle exec sidekiq', app('sidekiq-rails-max-threads')))
    expect(real.threadsPerProcess).toMatchObject({source: {kind: 'default', what: 'Sidekiq 5.2.10 default concurrency'}, value: 10})
  })

  it('ERB reading an env var with no default that is set nowhere: unresolved-env, then the default', async () => {
    const files = memoryFiles({'config/sidekiq.yml': ':queues:\n  - default\n:concurrency: <%= ENV.fetch("SIDEKIQ_CONCURRENCY").to_i %>\n'})
    const a = await sidekiq.analyze(ctxFor('sidekiq', {files, versions: {sidekiq: '7.3.0'}}))
    expect(a.threadsPerProcess.value).toBe(5)
    expect(a.diagnostics).toMatchObject([{code: 'unresolved-env', file: 'config/sidekiq.yml', line: 3}])
    expect(a.diagnostics[0].message).toContain('SIDEKIQ_CONCURRENCY')
  })

  it('invalid YAML: unparsable-config, not a crash', async () => {
    const files = memoryFiles({'config/sidekiq.yml': ':concurrency: [10\n:queues: x\n'})
    const a = await sidekiq.analyze(ctxFor('sidekiq', {files, versions: {sidekiq: '7.3.0'}}))
    expect(a.diagnostics.map((d) => d.code)).toEqual(['unparsable-config'])
    expect(a.threadsPerProcess.value).toBe(5)
  })
})

describe('unicorn analyzer', () => {
  it('worker_processes from config/unicorn.rb, single-threaded, preload and hooks noted', async () => {
    const ctx = ctxFor('bundle exec unicorn -p $PORT -c ./config/unicorn.rb', app('unicorn'))
    expect(unicorn.matches(ctx.command, ctx)).toBe(true)
    const a = await unicorn.analyze(ctx)
    expect(a.processesPerDyno).toEqual({source: {file: 'config/unicorn.rb', kind: 'file', line: 2}, value: 3})
    expect(a.threadsPerProcess.value).toBe(1)
    const facts = rubyServerFacts(a)!
    expect(facts.preloadApp).toEqual({source: {file: 'config/unicorn.rb', kind: 'file', line: 4}, value: true})
    expect(facts.hooks.map((h) => h.name)).toEqual(['before_fork', 'after_fork'])
  })

  it('WEB_CONCURRENCY overrides the 3 in `Integer(ENV["WEB_CONCURRENCY"] || 3)`', async () => {
    const a = await unicorn.analyze(ctxFor('unicorn_rails -c config/unicorn.rb', {...app('unicorn'), env: {WEB_CONCURRENCY: '4'}}))
    expect(a.processesPerDyno.value).toBe(4)
    expect(a.processesPerDyno.via).toEqual([{from: '.env.test:1', kind: 'env', name: 'WEB_CONCURRENCY'}])
  })

  it('a rackup file that is not in the app (`unicorn start -c …`) is said: Unicorn aborts at boot', async () => {
    // bin/unicorn takes ARGV[0] after its options as the rackup file and aborts "rackup file (start) not readable".
    const start = await unicorn.analyze(ctxFor('bundle exec unicorn start -c ./config/unicorn.rb', app('unicorn')))
    expect(start.diagnostics).toEqual([
      {
        code: 'missing-config',
        file: 'start',
        message: '`unicorn` takes `start` as its rackup file, which does not exist: Unicorn aborts with "rackup file (start) not readable" (bin/unicorn) and the process never boots; conncalc counts it as if it did',
        processType: 'web',
        severity: 'error',
      },
    ])
    // Option values are not the rackup file; one that exists (or none: config.ru) says nothing.
    const withValues = await unicorn.analyze(ctxFor('unicorn -p $PORT -E production -c ./config/unicorn.rb', app('unicorn')))
    expect(withValues.diagnostics).toEqual([])
    const named = await unicorn.analyze(ctxFor('unicorn -c config/unicorn.rb config/unicorn.rb', app('unicorn')))
    expect(named.diagnostics).toEqual([])
  })

  it('without -c: default 1, or config/unicorn.rb labelled as an assumption', async () => {
    const none = await unicorn.analyze(ctxFor('unicorn', {files: memoryFiles({})}))
    expect(none.processesPerDyno).toMatchObject({source: {kind: 'default'}, value: 1})
    const implicit = await unicorn.analyze(ctxFor('unicorn', app('unicorn')))
    expect(implicit.processesPerDyno.value).toBe(3)
    expect(isAssumption(implicit.processesPerDyno)).toBe(true)
  })
})

describe('resque analyzer', () => {
  it('rake resque:work: one process, one thread', async () => {
    const ctx = ctxFor('bundle exec rake environment resque:work QUEUE=*', app('resque'))
    expect(resque.matches(ctx.command, ctx)).toBe(true)
    const a = await resque.analyze(ctx)
    expect([a.processesPerDyno.value, a.threadsPerProcess.value]).toEqual([1, 1])
  })

  it('rake resque:workers with COUNT from the Procfile line env', async () => {
    const a = await resque.analyze(ctxFor('bundle exec rake resque:workers', {...app('resque'), env: {COUNT: '3', QUEUE: '*'}}))
    expect(a.processesPerDyno).toEqual({source: {from: '.env.test:1', kind: 'env', name: 'COUNT'}, value: 3})
    const arg = await resque.analyze(ctxFor('rake resque:workers COUNT=4', {files: memoryFiles({})}))
    expect(arg.processesPerDyno).toEqual({source: {flag: 'COUNT=4', kind: 'flag'}, value: 4})
  })

  it('rake resque:workers without COUNT: unresolved-env', async () => {
    const a = await resque.analyze(ctxFor('rake resque:workers', {files: memoryFiles({})}))
    expect(a.processesPerDyno.value).toBe(1)
    expect(a.diagnostics.map((d) => d.code)).toEqual(['unresolved-env'])
    expect(a.diagnostics[0].fix).toBe('Set COUNT for web: `web: COUNT=2 bundle exec rake resque:workers` in the Procfile, or with --env.')
  })

  it('the COUNT fix names the file the command is written in: heroku.yml run:, a Dockerfile CMD', async () => {
    const ctx = ctxFor('rake resque:workers', {files: memoryFiles({})})
    const fix = async (file: string): Promise<string | undefined> => (await resque.analyze({...ctx, origin: {file, line: 3}, processType: 'jobs'})).diagnostics[0].fix
    expect(await fix('heroku.yml')).toBe('Set COUNT for jobs: `jobs: COUNT=2 bundle exec rake resque:workers` under run: in heroku.yml, or with --env.')
    expect(await fix('Dockerfile.jobs')).toBe('Set COUNT for jobs: `ENV COUNT=2` in Dockerfile.jobs (every process type run from that image gets it), or with --env.')
  })

  it('does not match other rake tasks', () => {
    const ctx = ctxFor('bundle exec rake jobs:work', {files: memoryFiles({})})
    expect(resque.matches(ctx.command, ctx)).toBe(false)
  })
})

describe('unicorn fork facts', () => {
  it('preload_app from a config/unicorn.rb not passed with -c is labelled an assumption', async () => {
    const a = await unicorn.analyze(ctxFor('unicorn', app('unicorn')))
    expect(a.fork?.preload.value).toBe(true)
    expect(isAssumption(a.fork!.preload)).toBe(true)
    // The Heroku hooks in the fixture: both found.
    expect(a.fork).toMatchObject({disconnect: {hook: 'before_fork', line: 6}, reconnect: {hook: 'after_fork', line: 16}})
  })
})
