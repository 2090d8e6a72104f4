import {describe, expect, it} from 'vitest'

import {parseGemfileLock} from '../../src/languages/ruby/gemfile-lock.js'
import {puma} from '../../src/languages/ruby/puma.js'
import {rubyServerFacts} from '../../src/languages/ruby/ruby-server.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {ctxFor, fixture} from './helpers.js'

function app(name: string) {
  const files = fixture(name)
  const lock = files.read('Gemfile.lock')
  return {files, versions: lock ? parseGemfileLock(lock.text) : {}}
}

describe('puma analyzer', () => {
  it('matches puma and rails server commands', () => {
    const m = (cmd: string) => puma.matches(ctxFor(cmd, {files: memoryFiles({})}).command, ctxFor(cmd, {files: memoryFiles({})}))
    expect(m('bundle exec puma -C config/puma.rb')).toBe(true)
    expect(m('bin/rails server -p $PORT')).toBe(true)
    expect(m('rails s')).toBe(true)
    expect(m('bin/rails db:migrate')).toBe(false)
    expect(m('bundle exec sidekiq')).toBe(false)
  })

  it('single mode from the default workers is one shared, frozen value per version; from WEB_CONCURRENCY=0 it cites the variable', async () => {
    const files = memoryFiles({})
    const [a, b] = [await puma.analyze(ctxFor('puma', {files, versions: {puma: '6.4.3'}})), await puma.analyze(ctxFor('puma', {files, versions: {puma: '6.4.3'}}))]
    // Puma 6 defaults to workers 0 (single mode): 1 process, the launcher's Puma::Single, via the default.
    expect(describeSourced(a.processesPerDyno)).toBe('default: Puma single mode (workers 0): the app runs in the one Puma process, no master (https://github.com/puma/puma/blob/master/lib/puma/launcher.rb) ← default: Puma 6.4.3 default workers (single mode) (https://github.com/puma/puma/blob/master/lib/puma/configuration.rb)')
    expect(a.fork?.forks.value).toBe(false)
    // Every type of that version cites the same default: one value, frozen, not a copy per type.
    expect(b.processesPerDyno).toBe(a.processesPerDyno)
    expect(b.fork?.forks).toBe(a.fork?.forks)
    expect(Object.isFrozen(a.processesPerDyno) && Object.isFrozen(a.processesPerDyno.via)).toBe(true)
    const env = await puma.analyze(ctxFor('puma', {env: {WEB_CONCURRENCY: '0'}, files, versions: {puma: '6.4.3'}}))
    expect(env.processesPerDyno.value).toBe(1)
    expect(describeSourced(env.processesPerDyno)).toBe('default: Puma single mode (workers 0): the app runs in the one Puma process, no master (https://github.com/puma/puma/blob/master/lib/puma/launcher.rb) ← WEB_CONCURRENCY from .env.test:1')
    expect(env.processesPerDyno).not.toBe(a.processesPerDyno)
  })

  it('Rails 7.2 generated puma.rb: 3 threads, single mode', async () => {
    const a = await puma.analyze(ctxFor('bin/rails server', app('rails-7-2')))
    expect(a.threadsPerProcess.value).toBe(3)
    expect(a.threadsPerProcess.source).toEqual({file: 'config/puma.rb', kind: 'file', line: 24})
    expect(a.threadsPerProcess.via).toEqual([{file: 'config/puma.rb', kind: 'file', line: 23}])
    expect(a.processesPerDyno.value).toBe(1)
    expect(a.processesPerDyno.source.kind).toBe('default')
    expect(a.versions).toEqual({puma: '6.4.3'})
    expect(a.diagnostics).toEqual([])
  })

  it('RAILS_MAX_THREADS and WEB_CONCURRENCY from the env are followed and named', async () => {
    const a = await puma.analyze(ctxFor('bin/rails server', {...app('rails-7-2'), env: {RAILS_MAX_THREADS: '6', WEB_CONCURRENCY: '3'}}))
    expect(a.threadsPerProcess.value).toBe(6)
    expect(describeSourced(a.threadsPerProcess)).toBe('config/puma.rb:24 ← config/puma.rb:23 ← RAILS_MAX_THREADS from .env.test:1')
    // The 7.2 template has no `workers` line: Puma 5+ reads WEB_CONCURRENCY itself.
    expect(a.processesPerDyno.value).toBe(3)
    expect(a.processesPerDyno.source).toEqual({from: '.env.test:2', kind: 'env', name: 'WEB_CONCURRENCY'})
  })

  it('Rails 7.1 puma.rb: workers from WEB_CONCURRENCY inside `if ENV["RAILS_ENV"] == "production"`', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {...app('rails-7-1'), env: {WEB_CONCURRENCY: '4'}}))
    expect(a.processesPerDyno.value).toBe(4)
    expect(a.processesPerDyno.source).toEqual({file: 'config/puma.rb', kind: 'file', line: 18})
    expect(a.threadsPerProcess).toMatchObject({source: {file: 'config/puma.rb', line: 12}, value: 5})
    // Puma 5-6 decide the preload default from the WEB_CONCURRENCY env var before reading the config file
    // (v6.4.3 lib/puma/configuration.rb, Configuration#initialize: `(@options[:workers] > 1) && Puma.forkable?`): 4 > 1.
    expect(rubyServerFacts(a)?.preloadApp.value).toBe(true)
  })

  it('Rails 7.1 puma.rb without WEB_CONCURRENCY: physical_processor_count is the dyno nproc, labelled an assumption', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', app('rails-7-1')))
    expect(a.processesPerDyno.value).toBe(8)
    expect(a.processesPerDyno.source).toEqual({file: 'config/puma.rb', kind: 'file', line: 18})
    expect(a.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('8 processors, as a Standard dyno reports')}))
    expect(a.diagnostics).toEqual([])
    const small = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {...app('rails-7-1'), dynoSize: 'performance-m'}))
    expect(small.processesPerDyno.value).toBe(2)
  })

  it('Rails 7.1 puma.rb with WEB_CONCURRENCY=1: single mode (the template only calls workers when > 1)', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {...app('rails-7-1'), env: {WEB_CONCURRENCY: '1'}}))
    expect(a.processesPerDyno.value).toBe(1)
  })

  it('Rails 5.2 puma.rb with Puma 3: 5 threads, the commented-out workers line is ignored', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {...app('rails-5-2'), env: {WEB_CONCURRENCY: '3'}}))
    expect(a.threadsPerProcess.value).toBe(5)
    // Puma < 5 does not read WEB_CONCURRENCY: single mode.
    expect(a.processesPerDyno.value).toBe(1)
    expect(a.processesPerDyno.source).toMatchObject({kind: 'default', ref: 'https://github.com/puma/puma/blob/master/lib/puma/launcher.rb'})
    expect(a.processesPerDyno.via).toEqual([expect.objectContaining({kind: 'default', what: 'Puma 3.12.6 default workers (single mode)'})])
  })

  it('single mode is Puma\'s documented default, not an assumption; a workers value conncalc cannot read stays one', async () => {
    // Rails 7.2 template: no workers call, no WEB_CONCURRENCY: Puma's default 0 workers, so Puma::Single, one process.
    const plain = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', app('rails-7-2')))
    expect(plain.processesPerDyno.value).toBe(1)
    expect(isAssumption(plain.processesPerDyno)).toBe(false)
    // `workers compute_workers` cannot be read: the 0 it falls back to (so one process) is labelled.
    const unread = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {...app('rails-7-2'), files: memoryFiles({'config/puma.rb': 'threads 3, 3\nworkers compute_workers\n'})}))
    expect(unread.processesPerDyno.value).toBe(1)
    expect(isAssumption(unread.processesPerDyno)).toBe(true)
  })

  it('constants the config assigns at its top level are read where the DSL uses them (openstax/accounts: workers NUM_WORKERS)', async () => {
    // puma-config-constants/config/puma.rb: NUM_WORKERS = ENV.fetch('WEB_CONCURRENCY') { 3 }.to_i; MAX_THREADS = Integer(ENV['RAILS_MAX_THREADS'] || 4).
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', app('puma-config-constants')))
    expect(a.processesPerDyno.value).toBe(3)
    expect(a.threadsPerProcess.value).toBe(4)
    expect(isAssumption(a.processesPerDyno) || isAssumption(a.threadsPerProcess)).toBe(false)
    expect(describeSourced(a.processesPerDyno)).toBe('config/puma.rb:11 ← config/puma.rb:7')
    expect(a.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
    // The env the constant reads is followed.
    const env = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {...app('puma-config-constants'), env: {RAILS_MAX_THREADS: '2', WEB_CONCURRENCY: '5'}}))
    expect([env.processesPerDyno.value, env.threadsPerProcess.value]).toEqual([5, 2])
    // A constant assigned under a condition conncalc cannot decide, or read before it is assigned, stays unknown (labelled).
    const files = (text: string) => ({...app('puma-config-constants'), files: memoryFiles({'config/puma.rb': text})})
    const undecided = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', files('W = 4 if File.exist?("/etc/big")\nthreads 3, 3\nworkers W\n')))
    expect(undecided.processesPerDyno.value).toBe(1)
    expect(isAssumption(undecided.processesPerDyno)).toBe(true)
    const early = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', files('workers W\nW = 4\nthreads 3, 3\n')))
    expect(isAssumption(early.processesPerDyno)).toBe(true)
  })

  it('a backtick shell command that counts CPUs is the dyno\'s processor count (Coursemology: workers `cat /proc/cpuinfo | grep processor | wc -l`.to_i)', async () => {
    const files = (text: string) => ({...app('puma-config-constants'), dynoSize: 'standard-2x', files: memoryFiles({'config/puma.rb': text})})
    // A Standard-2X dyno reports 8 CPUs (plans/dyno-sizes.json nproc): 8 workers, following the dyno size given.
    const cpuinfo = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', files('workers `cat /proc/cpuinfo | grep processor | wc -l`.to_i\nthreads 1, 5\n')))
    expect(cpuinfo.processesPerDyno.value).toBe(8)
    expect(describeSourced(cpuinfo.processesPerDyno)).toContain('config/puma.rb:1')
    const nproc = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', files('workers Integer(`nproc`)\nthreads 1, 5\n')))
    expect(nproc.processesPerDyno.value).toBe(8)
    // Another command's output is not known: the workers stay unread (labelled), as before.
    const other = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', files('workers `cat /etc/workers`.to_i\nthreads 1, 5\n')))
    expect(isAssumption(other.processesPerDyno)).toBe(true)
    expect(other.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('the output of the shell command `cat /etc/workers`')
  })

  it('explicit threads 16,16 and workers with hooks and preload_app!', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', app('puma-16-threads')))
    expect(a.threadsPerProcess).toEqual({source: {file: 'config/puma.rb', kind: 'file', line: 2}, value: 16})
    expect(a.processesPerDyno).toMatchObject({source: {file: 'config/puma.rb', line: 4}, value: 2})
    const facts = rubyServerFacts(a)!
    expect(facts.preloadApp).toEqual({source: {file: 'config/puma.rb', kind: 'file', line: 6}, value: true})
    expect(facts.hooks.map((h) => [h.name, h.line])).toEqual([
      ['before_fork', 8],
      ['on_worker_boot', 12],
    ])
    expect(facts.hooks[1].body[0]).toMatchObject({name: 'establish_connection', receiver: 'ActiveRecord::Base'})
  })

  it('command-line flags beat the config file', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb -t 2:8 -w 4', app('puma-16-threads')))
    expect(a.threadsPerProcess).toEqual({source: {flag: '-t 2:8', kind: 'flag'}, value: 8})
    expect(a.processesPerDyno).toEqual({source: {flag: '-w 4', kind: 'flag'}, value: 4})
    const b = await puma.analyze(ctxFor('puma --threads=6 --workers=0', {files: memoryFiles({})}))
    expect(b.threadsPerProcess.value).toBe(6)
    expect(b.processesPerDyno.value).toBe(1)
  })

  it('-t N: with nothing after the colon is N:N, as Puma splits it (rubytoolbox: --threads 4:$RAILS_MAX_THREADS unset)', async () => {
    // lib/puma/cli.rb: `min, max = arg.split(":")` → ["4"] (Ruby drops the trailing empty field) → threads 4, 4.
    const a = await puma.analyze(ctxFor('puma -C config/puma.rb --threads 4:', app('puma-16-threads')))
    expect(a.threadsPerProcess).toEqual({source: {flag: '--threads 4:', kind: 'flag'}, value: 4})
    // `-t :8` is min "", max 8.
    expect((await puma.analyze(ctxFor('puma -t :8', {files: memoryFiles({})}))).threadsPerProcess.value).toBe(8)
  })

  it('defaults by Puma version, and labels an unknown version as an assumption', async () => {
    const files = memoryFiles({})
    const old = await puma.analyze(ctxFor('puma', {files, versions: {puma: '4.3.12'}}))
    expect([old.threadsPerProcess.value, old.processesPerDyno.value]).toEqual([16, 1])
    const v6 = await puma.analyze(ctxFor('puma', {env: {MAX_THREADS: '7'}, files, versions: {puma: '6.4.2'}}))
    expect(v6.threadsPerProcess).toEqual({source: {from: '.env.test:1', kind: 'env', name: 'MAX_THREADS'}, value: 7})
    const unknown = await puma.analyze(ctxFor('puma', {files}))
    expect(unknown.threadsPerProcess.value).toBe(5)
    expect(isAssumption(unknown.threadsPerProcess)).toBe(true)
  })

  it('loads config/puma/<env>.rb instead of config/puma.rb when it exists', async () => {
    const files = memoryFiles({'config/puma.rb': 'threads 1, 1\n', 'config/puma/production.rb': '# prod\nthreads 4, 4\n'})
    const a = await puma.analyze(ctxFor('puma', {files, versions: {puma: '6.4.2'}}))
    expect(a.threadsPerProcess.source).toEqual({file: 'config/puma/production.rb', kind: 'file', line: 2})
    const staging = await puma.analyze(ctxFor('puma -e staging', {files, versions: {puma: '6.4.2'}}))
    expect(staging.threadsPerProcess.source).toEqual({file: 'config/puma.rb', kind: 'file', line: 1})
  })

  it('workers :auto uses the dyno processor count, as an assumption', async () => {
    const files = memoryFiles({'config/puma.rb': 'workers :auto\n'})
    const ctx = ctxFor('puma', {dynoSize: 'performance-m', files, versions: {puma: '7.2.0'}})
    const a = await puma.analyze(ctx)
    expect(a.processesPerDyno.value).toBe(2)
    expect(isAssumption(a.processesPerDyno)).toBe(true)
  })

  it('a config with a syntax error: unparsable-config, defaults used, no crash', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {files: fixture('ruby-unparsable'), versions: {puma: '6.4.2'}}))
    expect(a.diagnostics).toMatchObject([{code: 'unparsable-config', file: 'config/puma.rb', severity: 'warning'}])
    expect(a.threadsPerProcess).toMatchObject({source: {kind: 'default'}, value: 5})
    expect(a.processesPerDyno.value).toBe(1)
  })

  it('a value it cannot compute (workers compute_workers()): diagnostic with the line, default used', async () => {
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {files: fixture('ruby-unknown-construct'), versions: {puma: '6.4.2'}}))
    expect(a.threadsPerProcess).toMatchObject({source: {file: 'config/puma.rb', line: 8}, value: 5})
    expect(a.diagnostics).toHaveLength(1)
    expect(a.diagnostics[0]).toMatchObject({code: 'unknown-config-value', file: 'config/puma.rb', line: 10})
    expect(a.diagnostics[0].message).toContain('compute_workers()')
    expect(a.diagnostics[0].message).toContain('using 0')
  })

  it('an env var read without a default and set nowhere: unresolved-env', async () => {
    const files = memoryFiles({'config/puma.rb': 'workers Integer(ENV.fetch("WEB_CONCURRENCY"))\n'})
    const a = await puma.analyze(ctxFor('puma', {files, versions: {puma: '6.4.2'}}))
    expect(a.diagnostics).toMatchObject([{code: 'unresolved-env', file: 'config/puma.rb', line: 1, severity: 'warning'}])
    expect(a.diagnostics[0].message).toContain('WEB_CONCURRENCY')
    expect(a.processesPerDyno.value).toBe(1)
  })

  it('-C naming a file that does not exist', async () => {
    const a = await puma.analyze(ctxFor('puma -C config/missing.rb', {files: memoryFiles({})}))
    expect(a.diagnostics).toMatchObject([{code: 'missing-config', file: 'config/missing.rb'}])
  })
  // Puma 7 Configuration#set_conditional_default_options: preload_app = !prune_bundler && workers > 1.
  it('Puma 7: prune_bundler turns the default preload off; preload_app! still wins', async () => {
    const lock = parseGemfileLock('GEM\n  specs:\n    puma (7.1.0)\n')
    const run = (rb: string) => puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {files: memoryFiles({'config/puma.rb': rb}), versions: lock}))
    expect(rubyServerFacts(await run('workers 3\nthreads 5, 5\n'))?.preloadApp.value).toBe(true)
    const pruned = rubyServerFacts(await run('workers 3\nthreads 5, 5\nprune_bundler\n'))!.preloadApp
    expect(pruned).toMatchObject({source: {file: 'config/puma.rb', kind: 'file', line: 3}, value: false})
    expect(rubyServerFacts(await run('workers 3\nprune_bundler false\n'))?.preloadApp.value).toBe(true)
    expect(rubyServerFacts(await run('workers 3\nprune_bundler\npreload_app!\n'))?.preloadApp.value).toBe(true)
  })

  // Puma 8 max_io_threads: IO-bound requests may run beyond max threads, up to max + max_io_threads (thread_pool.rb).
  it('Puma 8: threads per process = max threads + max_io_threads', async () => {
    const lock = parseGemfileLock('GEM\n  specs:\n    puma (8.0.2)\n')
    const a = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {files: memoryFiles({'config/puma.rb': 'threads 5\nmax_io_threads ENV.fetch("PUMA_IO_THREADS", 3)\n'}), versions: lock}))
    // 5 + 3 = 8.
    expect(a.threadsPerProcess.value).toBe(8)
    expect(a.threadsPerProcess.via).toEqual([{file: 'config/puma.rb', kind: 'file', line: 1}, {file: 'config/puma.rb', kind: 'file', line: 2}])
    const none = await puma.analyze(ctxFor('bundle exec puma -C config/puma.rb', {files: memoryFiles({'config/puma.rb': 'threads 5\nmax_io_threads 0\n'}), versions: lock}))
    expect(none.threadsPerProcess).toMatchObject({source: {file: 'config/puma.rb', line: 1}, value: 5})
  })
})
