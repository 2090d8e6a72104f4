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

describe('a primary entry whose url reads another variable than DATABASE_URL (hackclub/hackatime POOL_DATABASE_URL)', () => {
  // ActiveRecord merges DATABASE_URL only into an entry that is not a UrlConfig: an entry with `url:` connects where that url
  // points (rails/rails v8.0.2 activerecord/lib/active_record/database_configurations.rb, merge_db_environment_variables).
  const bouncer = 'postgres://app:pw@bouncer.internal:6432/app'
  const direct = 'postgres://app:pw@db.internal:5432/app'

  it('unset, beside an entry that reads DATABASE_URL directly: counted on DATABASE_URL\'s server, starred and said', () => {
    // primary: url PGBOUNCER_DATABASE_URL (no value), pool 5; direct: url DATABASE_URL, pool 3. Puma 2 workers × 5 threads:
    // 2 × (min(5, 5) + min(3, 5)) = 16, as before, but the primary's pool is now an assumption with a warning at database.yml:15.
    const r = plan('rails-pooler-url', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 16, databases: ['primary', 'direct']})
    expect(r.type('web').sources['pool.primary'].source.kind).toBe('assumed')
    const said = undecided(r).filter((d) => d.line === 15)
    expect(said).toHaveLength(1)
    expect(said[0].message).toContain('the primary entry connects where PGBOUNCER_DATABASE_URL points (config/database.yml:15), not to DATABASE_URL')
    expect(said[0].message).toContain('while `direct` reads DATABASE_URL directly')
    expect(said[0].message).toContain("these are the pooler's client connections")
  })

  it('set to another host (the pooler): the primary\'s connections are not this database\'s; the direct entry\'s are', () => {
    // 2 workers × min(3, 5) = 6; the primary (5) is listed on another server, not counted. No password is printed.
    const r = plan('rails-pooler-url', ['--scale', 'web=1', '--env', `PGBOUNCER_DATABASE_URL=${bouncer}`, '--env', `DATABASE_URL=${direct}`])
    expect(r.type('web')).toMatchObject({connections: 6, databases: ['direct']})
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({database: 'primary', pool: 5, server: 'PGBOUNCER_DATABASE_URL (bouncer.internal:6432)'})])
    expect(undecided(r)).toEqual([])
    expect(JSON.stringify(r)).not.toContain(':pw@')
  })

  it('set to DATABASE_URL\'s host and port: the same server, counted, not starred', () => {
    const r = plan('rails-pooler-url', ['--scale', 'web=1', '--env', `PGBOUNCER_DATABASE_URL=${direct}`, '--env', `DATABASE_URL=${direct}`])
    expect(r.type('web')).toMatchObject({connections: 16})
    expect(r.type('web').sources['pool.primary'].source.kind).toBe('file')
  })

  it('the app\'s only URL (nothing else reads DATABASE_URL) is the database being budgeted, with a note', () => {
    // production: url ENV["POSTGRES_URL"] (no value, nothing else reads DATABASE_URL), pool 5: 2 × min(5, 5) = 10, not starred.
    const r = plan('rails-primary-url-var', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 10})
    const pool = r.type('web').sources['pool.primary']
    expect(pool.source).toEqual({file: 'config/database.yml', kind: 'file', line: 4})
    expect(JSON.stringify(pool.via)).toContain('the primary entry connects where POSTGRES_URL points (config/database.yml:16)')
    expect(undecided(r)).toEqual([])
  })

  it('DATABASE_CONNECTION_POOL_URL (Heroku\'s server-side pool) is said, with --pooled as the fix', () => {
    const r = plan('rails-primary-url-var', ['--scale', 'web=1', '--env', 'RAILS_ENV=staging'])
    expect(r.type('web')).toMatchObject({connections: 10})
    expect(r.type('web').sources['pool.primary'].source.kind).toBe('assumed')
    const said = undecided(r)
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'config/database.yml', fix: expect.stringContaining('`--pooled web`'), line: 12})
    // With --pooled the type counts against the pooler: its clients (10) are not this plan's connections directly.
    const pooled = plan('rails-primary-url-var', ['--scale', 'web=1', '--env', 'RAILS_ENV=staging', '--pooled', 'web'])
    expect(pooled.type('web').pooled).toBe(true)
  })

  it('a url that falls back to DATABASE_URL (`ENV["DATABASE_CONNECTION_POOL_URL"] || ENV["DATABASE_URL"]`, keygen-sh/keygen-api) is DATABASE_URL while the other is unset', () => {
    // review section: the pool variable unset → the url is DATABASE_URL, as the file says: counted, not starred, nothing to say.
    const r = plan('rails-primary-url-var', ['--scale', 'web=1', '--env', 'RAILS_ENV=review'])
    expect(r.type('web')).toMatchObject({connections: 10})
    expect(r.type('web').sources['pool.primary'].source).toEqual({file: 'config/database.yml', kind: 'file', line: 4})
    expect(undecided(r)).toEqual([])
  })
})

describe('a Unicorn config handed to a gem (alphagov/account-api `GovukUnicorn.configure(self)`)', () => {
  it('the default worker_processes it then uses is starred, as Puma\'s is', () => {
    // config/unicorn.rb only calls AcmeUnicorn.configure(self) (a gem's code): Unicorn's default of 1 worker is used for
    // 1 × min(pool 12, 1 thread) = 1, now an assumption naming config/unicorn.rb:2. (GovukUnicorn sets 2 workers.)
    const r = plan('unicorn-handed-config', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 1, processesPerDyno: 1})
    const processes = r.type('web').sources.processesPerDyno
    expect(processes.source).toMatchObject({kind: 'assumed', why: expect.stringContaining('config/unicorn.rb:2 hands the config to code conncalc cannot read')})
  })
})
