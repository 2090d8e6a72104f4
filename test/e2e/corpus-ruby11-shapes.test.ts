import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Shapes found in the real-app corpus (session 10), each in a fixture of our own. Plan standard-0.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])
const undecided = (r: ReturnType<typeof plan>) => r.diagnostics.filter((d) => d.code === 'unknown-config-value')

describe('Puma.jruby? / Puma.windows? / RUBY_PLATFORM in puma.rb (fatfreecrm/fat_free_crm config/puma.rb)', () => {
  it('on MRI the `unless Puma.jruby? || Puma.windows?` arm is taken: its workers count', () => {
    // Gemfile.lock: RUBY VERSION ruby 3.0.6 (MRI). Puma's detect.rb: jruby? is JRUBY_VERSION being defined, windows? is
    // RUBY_PLATFORM =~ /mswin|ming|cygwin/: both false on a Linux dyno running MRI, so `workers Integer(ENV['WEB_CONCURRENCY'] || 3)`
    // applies: web 3 workers × min(pool 4, threads 4) = 12. Before: the condition was undecided, single mode, 4.
    // api: `if RUBY_PLATFORM =~ /java/ … elsif RUBY_ENGINE == 'ruby'; workers 2`: 2 × min(4, threads 2) = 4.
    const r = plan('puma-platform-checks', ['--scale', 'web=1,api=1'])
    expect(r.type('web')).toMatchObject({connections: 12, processesPerDyno: 3, threadsPerProcess: 4})
    expect(r.type('api')).toMatchObject({connections: 4, processesPerDyno: 2, threadsPerProcess: 2})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'config/puma.rb', kind: 'file', line: 8})
    expect(undecided(r)).toEqual([])
    expect(r.total).toBe(16)
  })

  it('on JRuby (Gemfile.lock `ruby 2.6.8p0 (jruby 9.3.10.0)`) the same files run single mode', () => {
    // Puma.jruby? true: the workers arm is skipped → 1 process × min(4, 4) = 4; api: RUBY_PLATFORM is "java" → workers 0 → 1 × 2 = 2.
    const r = plan('puma-platform-checks/jruby', ['--scale', 'web=1,api=1'])
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 1})
    expect(r.type('api')).toMatchObject({connections: 2, processesPerDyno: 1})
    expect(undecided(r)).toEqual([])
    expect(r.total).toBe(6)
  })
})

describe('processor counts in ERB (thredded/thredded spec/dummy/config/database.yml `Etc.nprocessors`)', () => {
  it('Etc.nprocessors in database.yml and Concurrent.processor_count in sidekiq.yml read the dyno\'s nproc, starred', () => {
    // database.yml:6 pool = RAILS_MAX_THREADS (5) + Etc.nprocessors; sidekiq.yml:1 concurrency = Concurrent.processor_count.
    // standard-1x (assumed): nproc 8 → pool 13; web 1 × min(13, 5) = 5; worker 1 × min(13, 8) = 8. Before, the pool was the
    // default 5 with "`Etc.nprocessors` is not something conncalc evaluates".
    const r = plan('erb-processor-count', ['--scale', 'web=1,worker=1'])
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 13})
    expect(r.type('worker')).toMatchObject({connections: 8, poolPerProcess: 13, threadsPerProcess: 8})
    expect(r.type('web').sources['pool.primary'].via?.some((s) => s.kind === 'assumed')).toBe(true)
    expect(undecided(r)).toEqual([])
    // performance-m: nproc 2 → pool 5 + 2 = 7; web min(7, 5) = 5; worker concurrency 2 → min(7, 2) = 2.
    const m = plan('erb-processor-count', ['--scale', 'web=1:performance-m,worker=1:performance-m'])
    expect(m.type('web')).toMatchObject({connections: 5, poolPerProcess: 7})
    expect(m.type('worker')).toMatchObject({connections: 2, poolPerProcess: 7, threadsPerProcess: 2})
    expect(m.total).toBe(7)
  })
})
