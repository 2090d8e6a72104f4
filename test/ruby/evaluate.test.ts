import {describe, expect, it} from 'vitest'

import {asInteger, evaluateRubyConfig, evaluateRubySnippet, lastCall} from '../../src/languages/ruby/evaluate.js'
import {envOf} from '../analyzers/helpers.js'

const file = (text: string) => ({path: 'config/puma.rb', text})

async function value(code: string, env: Record<string, string> = {}, appEnv = 'production') {
  const {value} = await evaluateRubySnippet(code, {appEnv, env: envOf(env), file: 'config/x.rb'})
  return value
}

describe('evaluateRubySnippet', () => {
  it.each([
    ['5', 5],
    ['"abc"', 'abc'],
    ['nil', null],
    ['true && false', false],
    ['(2 + 3) * 4', 20],
    ['7 / 2', 3],
    ['-7 / 2', -4],
    ['Integer("12")', 12],
    ['"8abc".to_i', 8],
    ['ENV.fetch("X") { 5 }', 5],
    ['ENV.fetch("X", 5)', 5],
    ['ENV["X"] || 5', 5],
    ['ENV.fetch("X", nil) || 2', 2],
    ['ENV["X"] == "y" ? 1 : 2', 2],
    ['Rails.env.production? ? 4 : 1', 4],
    ['[ENV.fetch("X", 3).to_i, 2].max', 3],
    ['x = 2; x * 3', 6],
    ['"a#{1 + 1}b"', 'a2b'],
    ['(8 * 0.666).ceil', 6],
    ['(8 * 0.666).floor', 5],
    ['2.5.round', 3],
    ['-2.5.round', -3],
  ])('%s → %j', async (code, expected) => {
    const v = await value(code)
    expect(v.kind).toBe('known')
    expect(v.kind === 'known' && v.value).toEqual(expected)
  })

  it('reads env values and says which entry they came from', async () => {
    const v = await value('Integer(ENV.fetch("RAILS_MAX_THREADS") { 5 })', {RAILS_MAX_THREADS: '8'})
    expect(v).toMatchObject({kind: 'known', line: 1, value: 8})
    expect(v.kind === 'known' && v.via).toEqual([{from: '.env.test:1', kind: 'env', name: 'RAILS_MAX_THREADS'}])
  })

  it('reads RAILS_ENV as the app environment when no layer sets it', async () => {
    expect(await value('ENV["RAILS_ENV"] == "production"')).toMatchObject({value: true})
    expect(await value('ENV.fetch("RAILS_ENV", "development")', {}, 'staging')).toMatchObject({value: 'staging'})
  })

  it('reports an env var read without a default as missing', async () => {
    const v = await value('ENV.fetch("WEB_CONCURRENCY")')
    expect(v.kind).toBe('unknown')
    expect(v.missingEnv).toEqual([{line: 1, name: 'WEB_CONCURRENCY'}])
    // A bare read of an unset variable is nil and stays listed, so a number from it reads as unresolved.
    expect(await value('ENV["WEB_CONCURRENCY"]')).toMatchObject({kind: 'known', missingEnv: [{line: 1, name: 'WEB_CONCURRENCY'}], value: null})
  })

  it('gives an unset variable Ruby\'s nil semantics through .to_i, .to_f, .to_s and ||, and says so', async () => {
    // ENV["X"] is nil when X is set nowhere: nil.to_i is 0, so `+ 2` is 2 (an initializer's pool = REDIS_SIZE.to_i + 2).
    const v = await value('ENV["REDIS_SIZE"].to_i + 2')
    expect(v).toMatchObject({kind: 'known', value: 2})
    expect(v.missingEnv).toBeUndefined()
    expect(v.kind === 'known' && v.via).toEqual([expect.objectContaining({kind: 'default', what: 'REDIS_SIZE is unset: nil.to_i is 0'})])
    expect(await value('ENV["RATIO"].to_f * 3')).toMatchObject({kind: 'known', value: 0})
    const s = await value('ENV["SUFFIX"].to_s + "x"')
    expect(s).toMatchObject({kind: 'known', value: 'x'})
    expect(s.kind === 'known' && s.via).toEqual([expect.objectContaining({what: 'SUFFIX is unset: nil.to_s is ""'})])
    expect(await value('Integer(ENV["N"] || "5")')).toMatchObject({kind: 'known', value: 5})
    // Integer(nil) raises: that stays unresolved.
    expect(await value('Integer(ENV["N"])')).toMatchObject({kind: 'unknown', missingEnv: [{line: 1, name: 'N'}]})
    // Given a value, the value counts.
    expect(await value('ENV["REDIS_SIZE"].to_i + 2', {REDIS_SIZE: '8'})).toMatchObject({kind: 'known', value: 10})
  })

  it('keeps a variable the platform sets without a value here unknown through .to_i (app.json required)', async () => {
    const {value: v} = await evaluateRubySnippet('ENV["REDIS_SIZE"].to_i + 2', {appEnv: 'production', env: envOf({}), file: 'config/x.rb', presentEnv: new Set(['REDIS_SIZE'])})
    expect(v.kind).toBe('unknown')
  })

  it('decides a comparison on an unset variable read with .to_i (Discourse: `ENV["NUM_WEBS"].to_i > 0 ? … : 4`)', async () => {
    const v = await value('ENV["NUM_WEBS"].to_i > 0 ? ENV["NUM_WEBS"].to_i : 4')
    expect(v).toMatchObject({kind: 'known', value: 4})
    expect(v.missingEnv).toBeUndefined()
    expect(await value('ENV["NUM_WEBS"].to_i > 0 ? ENV["NUM_WEBS"].to_i : 4', {NUM_WEBS: '3'})).toMatchObject({value: 3})
  })

  it('reads Array#include? and String#include? (`%w[production staging].include?(rails_env)`)', async () => {
    expect(await value('%w[production staging].include?(ENV.fetch("RAILS_ENV") { "development" })')).toMatchObject({kind: 'known', value: true})
    expect(await value('%w[production staging].include?("development")')).toMatchObject({value: false})
    expect(await value('ENV.fetch("DYNO", "web.1").include?("web")')).toMatchObject({value: true})
  })

  it('warns when the config hands itself to other code (`GovukPuma.configure_rails(self)`)', async () => {
    const c = await evaluateRubyConfig(file('require "govuk_app_config/govuk_puma"\nGovukPuma.configure_rails(self)\n'), envOf({}), 'production')
    expect(c.diagnostics).toMatchObject([{code: 'unknown-config-value', line: 2, severity: 'warning'}])
    expect(c.diagnostics[0].message).toContain('hands this config to code conncalc cannot read')
    // The library it comes from is named (a gem's code, not the app's): the require whose last part is the constant's.
    expect(c.diagnostics[0].message).toContain('(from `require "govuk_app_config/govuk_puma"` at config/puma.rb:1, the govuk_app_config gem\'s code)')
    const other = await evaluateRubyConfig(file('require "json"\nAcmePuma.setup(self)\n'), envOf({}), 'production')
    expect(other.diagnostics[0].message).not.toContain('gem\'s code')
  })

  it('does not take `self` inside a method or class body for the config (an initializer defining a controller method)', async () => {
    // Inside `def`, `class` and `module` bodies `self` is that object, not the config file's: danbooru's
    // config/initializers/good_job.rb defines `def authorize_user; authorize(self, …) end` in an on_load block.
    const src = [
      'GoodJob.preserve_job_records = true',
      'ActiveSupport.on_load(:good_job_application_controller) do',
      '  def authorize_user',
      '    authorize(self, :can_view_good_job_dashboard?)',
      '  end',
      'end',
      'class Helper',
      '  register(self)',
      'end',
      'module Hooks',
      '  class << self',
      '    def install = Registry.add(self)',
      '  end',
      'end',
      'Setup.apply(self)',
    ].join('\n')
    const c = await evaluateRubyConfig(file(src), envOf({}), 'production')
    expect(c.diagnostics).toMatchObject([{code: 'unknown-config-value', line: 15}])
  })

  it('leaves method calls it does not know as unknown, naming the code', async () => {
    const v = await value('Concurrent.physical_processor_count')
    expect(v).toMatchObject({kind: 'unknown', line: 1})
    expect(v.kind === 'unknown' && v.reason).toContain('Concurrent.physical_processor_count')
    expect(await value('Integer("abc")')).toMatchObject({kind: 'unknown'})
    expect(await value('`nproc`.to_i')).toMatchObject({kind: 'unknown'})
  })
})

describe('evaluateRubyConfig', () => {
  it('collects DSL calls in order with evaluated arguments and lines', async () => {
    const config = await evaluateRubyConfig(
      file(`max = ENV.fetch("RAILS_MAX_THREADS") { 5 }
min = ENV.fetch("RAILS_MIN_THREADS") { max }
threads min, max
workers ENV.fetch("WEB_CONCURRENCY") { 2 }
preload_app!
on_worker_boot do
  ActiveRecord::Base.establish_connection
end
`),
      envOf({WEB_CONCURRENCY: '3'}),
      'production',
    )
    expect(config.parsed).toBe(true)
    expect(config.calls.map((c) => c.name)).toEqual(['threads', 'workers', 'preload_app!', 'on_worker_boot'])
    const threads = lastCall(config, 'threads')!
    expect(threads.line).toBe(3)
    expect(threads.args.map((a) => asInteger(a))).toEqual([5, 5])
    expect(threads.args[1].line).toBe(1) // where the value was written
    const workers = lastCall(config, 'workers')!
    expect(asInteger(workers.args[0])).toBe(3)
    expect(workers.args[0].kind === 'known' && workers.args[0].via).toEqual([
      {from: '.env.test:1', kind: 'env', name: 'WEB_CONCURRENCY'},
    ])
    const hook = lastCall(config, 'on_worker_boot')!
    expect(hook.blockBody).toMatchObject([{line: 7, name: 'establish_connection', receiver: 'ActiveRecord::Base'}])
  })

  it('follows if/unless/case branches it can decide and flags the others', async () => {
    const config = await evaluateRubyConfig(
      file(`if ENV["RAILS_ENV"] == "production"
  workers 4
else
  workers 0
end
threads 1, 1 unless Rails.env.production?
case ENV.fetch("RAILS_ENV", "development")
when "production" then preload_app!
when "development" then worker_timeout 3600
end
if defined?(Foo)
  threads 9, 9
end
`),
      envOf({}),
      'production',
    )
    expect(config.calls.map((c) => [c.name, c.line, c.conditional])).toEqual([
      ['workers', 2, false],
      ['preload_app!', 8, false],
      ['threads', 12, true],
    ])
  })

  it('ranges: case/when on (2..), (..1), 1...3 and 2..4 picks by the value, as Range#=== does', async () => {
    const puma = (n: string) => `case workers_count = Integer(ENV.fetch("WEB_CONCURRENCY", ${n}))
when (2..)
  workers workers_count
when 1...2
  threads 3, 3
when (..0)
  threads 1, 1
end
`
    const calls = async (n: string) => (await evaluateRubyConfig(file(puma(n)), envOf({}), 'production')).calls.map((c) => [c.name, c.conditional, c.args.map((a) => (a.kind === 'known' ? a.value : '?'))])
    // 2 is in (2..): `workers 2`, decided (not conditional); 1 in 1...2; 0 in (..0).
    expect(await calls('2')).toEqual([['workers', false, [2]]])
    expect(await calls('1')).toEqual([['threads', false, [3, 3]]])
    expect(await calls('0')).toEqual([['threads', false, [1, 1]]])
  })

  it.each([
    ['(2..).cover?(5)', true],
    ['(2..4).include?(4)', true],
    ['(2...4).include?(4)', false],
    ['(..4).member?(-1)', true],
    ['(2..) === 1', false],
    ['(1..3) === "a"', false],
    ['("a".."c").cover?("b")', true],
  ])('range method %s is %s', async (code, expected) => {
    expect(await value(code)).toMatchObject({kind: 'known', value: expected})
  })

  it('returns unparsable files as a diagnostic, not a crash', async () => {
    const config = await evaluateRubyConfig(file('threads 5, 5\nworkers (2\n'), envOf({}), 'production')
    expect(config.parsed).toBe(false)
    expect(config.calls).toEqual([])
    expect(config.diagnostics).toMatchObject([{code: 'unparsable-config', file: 'config/puma.rb', severity: 'warning'}])
  })

  it('counts lines in UTF-8 text correctly (prism offsets are bytes)', async () => {
    const config = await evaluateRubyConfig(file('# Paramètres — été\n# ✓\nworkers 2\n'), envOf({}), 'production')
    expect(lastCall(config, 'workers')!.line).toBe(3)
  })
})

describe('evaluateRubyConfig: hooks and config as real files write them', () => {
  const config = (text: string, env: Record<string, string> = {}) => evaluateRubyConfig(file(text), envOf(env), 'production')

  it('`defined?(X) and call` inside a hook: the call is kept, marked conditional', async () => {
    const c = await config('after_fork do |server, worker|\n  defined?(ActiveRecord::Base) and\n    ActiveRecord::Base.establish_connection\nend\n')
    expect(c.calls[0].blockBody).toMatchObject([{conditional: true, line: 3, name: 'establish_connection', receiver: 'ActiveRecord::Base'}])
  })

  it('`a or b` with a decided left side, and `x rescue nil`', async () => {
    const c = await config('true or skipped_call\nfalse || kept_call(1)\nActiveRecord::Base.connection.disconnect! rescue nil\n')
    expect(c.calls.map((x) => [x.name, x.conditional])).toEqual([
      ['kept_call', false],
      ['disconnect!', false],
    ])
  })

  it('a hook assigned as a proc (`Resque.after_fork = Proc.new { … }`, `-> { … }`) keeps its body', async () => {
    const c = await config('Resque.after_fork = Proc.new do |job|\n  ActiveRecord::Base.establish_connection\nend\nResque.before_fork = -> { ActiveRecord::Base.connection.disconnect! }\n')
    expect(c.calls.map((x) => [x.receiver, x.name, x.blockBody?.[0]?.name])).toEqual([
      ['Resque', 'after_fork=', 'establish_connection'],
      ['Resque', 'before_fork=', 'disconnect!'],
    ])
  })

  it('calls inside module/class bodies (config/application.rb) and literal hashes', async () => {
    const c = await config(
      'module Shop\n  class Application < Rails::Application\n    config.load_defaults 7.2\n    config.good_job = {execution_mode: :async, max_threads: ENV.fetch("GJ", 4).to_i}\n    config.solid_queue.connects_to = {database: {writing: :queue}}\n  end\nend\n',
    )
    const gj = c.calls.find((x) => x.name === 'good_job=')!
    expect(gj.receiver).toBe('config')
    expect(gj.kwargs.execution_mode).toMatchObject({kind: 'known', value: {symbol: 'async'}})
    expect(asInteger(gj.kwargs.max_threads)).toBe(4)
    const sq = c.calls.find((x) => x.name === 'connects_to=')!
    expect(sq.args[0]).toMatchObject({kind: 'known', value: {hash: {database: {hash: {writing: {symbol: 'queue'}}}}}})
  })

  it('a hash with a value it cannot read is unknown, not a crash', async () => {
    const c = await config('config.good_job = {max_threads: IdentityConfig.store.good_job_max_threads}\n')
    expect(c.calls[0].kwargs.max_threads).toMatchObject({kind: 'unknown'})
    expect(c.calls[0].args[0]).toMatchObject({kind: 'unknown'})
  })
})
