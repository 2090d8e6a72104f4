import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

// Ruby shapes found in the real-app corpus (session 6: travis-logs, ubicloud, chart_cyanvas), each in a
// fixture of our own. Plan standard-0 (limit 120), one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('Ruby shapes from the real-app corpus (session 6)', () => {
  it('wrapper scripts (`main "${@}"`, `: ${VAR:=default}`), the jemalloc gem\'s `je`, `unless Gem.win_platform?` and Sequel\'s `max_connections:` shorthand', () => {
    // web: bin/pgbouncer-exec runs `main "${@}"` whose function execs "${@}" = bin/server; bin/server gives
    // PUMA_MAX_THREADS its default with `: ${PUMA_MAX_THREADS:=6}` and execs `je -v puma -C config/puma.rb -t 2:6`.
    // config/puma.rb: `workers ENV.fetch("WEB_CONCURRENCY", 2) unless Gem.win_platform?` = 2 on a Linux dyno.
    // db.rb: max_connections ||= Integer(ENV.fetch("DB_POOL", 8)) - 1 = 7, passed as `max_connections:`.
    // web: 2 × min(7, 6) = 12 (no preload: the master never connects); worker: `je -v sidekiq -c 3`: min(7, 3) = 3.
    const r = plan('sinatra-sequel-scripts', ['--scale', 'web=1,worker=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 7, processesPerDyno: 2, server: 'puma', threadsPerProcess: 6})
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 7, server: 'sidekiq', threadsPerProcess: 3})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({file: 'db.rb', kind: 'file', line: 10})
    expect(r.type('web').sources['pool.primary'].via).toContainEqual({file: 'db.rb', kind: 'file', line: 8})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'config/puma.rb', kind: 'file', line: 1})
    // --explain: `threads 6  flag -t 2:6 ← … ← PUMA_MAX_THREADS from bin/server:5` (the `:=` line).
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({from: 'bin/server:5', kind: 'env', name: 'PUMA_MAX_THREADS'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('unknown-config-value')
    expect(JSON.stringify([r.type('web').sources, r.type('worker').sources])).not.toContain('"assumed"')

    // DB_POOL=3: max_connections 2. web 2 × min(2, 6) = 4, worker min(2, 3) = 2, and the fix names Sequel's option.
    const small = plan('sinatra-sequel-scripts', ['--scale', 'web=1,worker=1', '--env', 'DB_POOL=3'])
    expect(small.type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2})
    expect(small.type('worker')).toMatchObject({connections: 2})
    expect(small.diagnostics.find((d) => d.code === 'pool-below-threads' && d.processType === 'web')?.fix).toContain('raise the pool that db.rb:10 sets for web to at least 6')

    // PUMA_MAX_THREADS given: `:=` leaves it as it is: 2 × min(7, 4) = 8.
    expect(plan('sinatra-sequel-scripts', ['--scale', 'web=1', '--env', 'PUMA_MAX_THREADS=4']).type('web')).toMatchObject({connectionsPerDyno: 8, threadsPerProcess: 4})
  })
})

describe('resque-pool (kuis221/rails_api)', () => {
  it('forks the workers its YAML lists, the environment\'s section merged over the top level, each one Resque worker', () => {
    // resque-pool's file_or_hash_loader.rb: the -c file (else config/resque-pool.yml), ERB then YAML,
    // config.merge!(config[environment]) then every Hash value dropped. Each worker runs one job at a time
    // in a forked child: 1 connection per worker (pool 5 > 1 thread).
    // worker: all.yml `"*": <%= ENV.fetch("WORKERS_ALL", 2) %>` = 2 workers → 2.
    // big_jobs: big.yml export 1 + upload `<%= UPLOAD_WORKERS %>` = 2. The constant is config/initializers/resque_pool.rb's
    // `Integer(ENV["UPLOAD_WORKERS"] || 1)` = 1: resque-pool's master evaluates the ERB after `resque:setup` (=> :environment
    // in lib/tasks/resque.rake) has run the initializers.
    // default_pool: `rake resque:pool` reads config/resque-pool.yml: default 1 and "mailers,low" 1, production's
    // default 3 over the first; staging's section dropped: 3 + 1 = 4.
    const r = plan('resque-pool', ['--scale', 'worker=1,big_jobs=1,default_pool=1'])
    expect(r.type('worker')).toMatchObject({connections: 2, processesPerDyno: 2, server: 'resque', threadsPerProcess: 1})
    expect(r.type('big_jobs')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('big_jobs').sources.processesPerDyno.via).toContainEqual({file: 'config/resque_pool/big.yml', kind: 'file', line: 2})
    expect(JSON.stringify(r.type('big_jobs').sources.processesPerDyno)).not.toContain('"assumed"')
    expect(r.codes).not.toContain('unknown-config-value')
    // UPLOAD_WORKERS=3: export 1 + upload 3 = 4 workers.
    expect(plan('resque-pool', ['--scale', 'big_jobs=1', '--env', 'UPLOAD_WORKERS=3']).type('big_jobs')).toMatchObject({connections: 4, processesPerDyno: 4})
    expect(r.type('default_pool')).toMatchObject({connections: 4, processesPerDyno: 4})
    expect(r.type('default_pool').sources.processesPerDyno.source).toMatchObject({file: 'config/resque-pool.yml', kind: 'file', line: 5})
    // Rails 4.2 keeps a forked child on its parent's connection unless something reconnects: lib/tasks/resque.rake
    // disconnects in `task "resque:pool:setup"` and reconnects in Resque::Pool.after_prefork, so neither fork rule fires.
    expect(r.codes).not.toContain('fork-reconnect-missing')
    expect(r.codes).not.toContain('fork-disconnect-missing')
    expect(r.type('worker').fork).toMatchObject({disconnect: {file: 'lib/tasks/resque.rake'}, reconnect: {file: 'lib/tasks/resque.rake'}})
    expect(r.codes).not.toContain('unknown-command')

    // WORKERS_ALL=4 → 4 workers; RACK_ENV=staging → staging's default 5 + "mailers,low" 1 = 6.
    expect(plan('resque-pool', ['--scale', 'worker=1', '--env', 'WORKERS_ALL=4']).type('worker')).toMatchObject({connections: 4})
    expect(plan('resque-pool', ['--scale', 'default_pool=1', '--env', 'RACK_ENV=staging']).type('default_pool')).toMatchObject({connections: 6})
  })
})

describe('a pool put in DATABASE_URL from an unset variable (catarse)', () => {
  it('`establish_connection("#{database_url}?pool=#{ENV[\'DB_POOL\']}")` names DB_POOL, and reads it when given', () => {
    // DB_POOL unset: the URL ends `?pool=`; the pool is not knowable, so ActiveRecord's 5 is assumed (starred)
    // and the diagnostic names the variable instead of "not a number". Sidekiq -c 10: min(5, 10) = 5.
    const r = plan('sidekiq-url-pool-env', ['--scale', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connections: 5, poolPerProcess: 5, threadsPerProcess: 10})
    expect(r.type('worker').sources['pool.primary'].source.kind).toBe('assumed')
    expect(r.diagnostics.find((d) => d.code === 'unresolved-env')).toMatchObject({file: 'config/initializers/sidekiq.rb', line: 4})
    expect(r.diagnostics.find((d) => d.code === 'unresolved-env')?.message).toContain('DB_POOL is not set anywhere')
    // DB_POOL=8: pool 8 from the URL: min(8, 10) = 8.
    expect(plan('sidekiq-url-pool-env', ['--scale', 'worker=1', '--env', 'DB_POOL=8']).type('worker')).toMatchObject({connections: 8, poolPerProcess: 8})
  })
})

describe('no Procfile, a Procfile.dev (shore, flavortown)', () => {
  it('counts the buildpack\'s default web process only, and says what Procfile.dev lists and how to count it', () => {
    // As no-procfile-rails: 3 standard-2x dynos (app.json) × 2 workers × min(5, 3) = 18. Procfile.dev is foreman's
    // file for bin/dev; Heroku never reads it, so its jobs type is not counted, but it is named.
    const r = plan('no-procfile-rails-dev')
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.total).toBe(18)
    expect(r.diagnostics.find((d) => d.code === 'missing-config')?.fix).toContain('Procfile.dev (web, jobs, css) is not read: Heroku runs only Procfile; to count those processes, pass --procfile Procfile.dev')
  })
})

describe('an undecided ERB condition in another environment\'s section of database.yml (bullet_train)', () => {
  it('is not reported: that section is never read; one in the production section still is', () => {
    // development has `<% if RUBY_PLATFORM =~ /darwin/ %>` (line 8) and no &anchor, so nothing merges it anywhere;
    // production's `<% if File.exist?(…) %>` (line 12) is read as written and said. web: min(pool 6, threads 4) = 4.
    const r = plan('database-yml-erb-other-env', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 6})
    const erb = r.diagnostics.filter((d) => d.message.startsWith('cannot decide the ERB condition'))
    expect(erb.map((d) => [d.file, d.line])).toEqual([['config/database.yml', 12]])
  })
})

// ruby-no-kai/sponsor-app: development's `<% unless docker_port.empty? %>` sits at the margin (not indented under a key), its
// `<% end %>` before `test:`: the whole block lies inside development, never read in production. A margin block whose end
// reaches another section may open or close sections, so it is still said.
describe('a margin ERB block wholly inside another environment\'s section of database.yml', () => {
  const temp = tempApps('database-yml-erb-other-env')
  const erbLines = (yml: string) =>
    planJson(`${temp.app({'config/database.yml': yml})}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1']).diagnostics.filter((d) => d.message.startsWith('cannot decide the ERB condition')).map((d) => d.line)
  const head = 'default: &default\n  adapter: postgresql\n  pool: 6\n\ndevelopment:\n  <<: *default\n  database: app_development\n'

  it('is not reported when its <% end %> comes before the next section', () => {
    expect(erbLines(`${head}<% unless File.exist?("/.dockerenv") %>\n  port: 5433\n<% end %>\n\nproduction:\n  <<: *default\n`)).toEqual([])
  })

  it('is reported when the block runs into the production section', () => {
    expect(erbLines(`${head}<% unless File.exist?("/.dockerenv") %>\n  port: 5433\n\nproduction:\n  <<: *default\n<% end %>\n`)).toEqual([8])
  })
})
