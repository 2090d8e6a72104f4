import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Ruby shapes found in session 35's blind tests (blind35a), each in a fixture of our own. Plan standard-0, one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe("Puma's minimum threads above its maximum (willcheung/longclaw: threads Integer(ENV['MIN_THREADS'] || 5), Integer(ENV['MAX_THREADS'] || 3))", () => {
  const scale = ['--scale', 'web=1,cli=1,fine=1']

  it('Puma::DSL#threads raises, so the process would not boot: an error at the line, exit 1; the maximum is counted as if it did', () => {
    const r = plan('puma-threads-min-above-max', scale)
    expect(r.exit).toBe(1)
    // config/puma.rb: workers 3 (WEB_CONCURRENCY unset), threads 5, 3 -> 3 x min(pool 10, 3) = 9.
    expect(r.type('web')).toMatchObject({connections: 9, processesPerDyno: 3, threadsPerProcess: 3})
    const web = r.diagnostics.find((d) => d.processType === 'web' && d.code === 'missing-config')
    expect(web).toMatchObject({file: 'config/puma.rb', line: 4, severity: 'error'})
    expect(web?.message).toContain('`threads 5, 3` asks Puma for at least 5 threads and at most 3: Puma 6.4.2 stops at start with "The minimum (5) number of threads must be less than or equal to the max (3)"')
    expect(web?.message).toContain('conncalc counts its 3 threads as if it did')
    expect(web?.fix).toContain('`threads 3, 3`')
    // cli: -C config/cli.rb (workers 2, no threads) -t 6:4: the flag's DSL call raises the same way: 2 x 4 = 8, said at the Procfile line.
    expect(r.type('cli')).toMatchObject({connections: 8, processesPerDyno: 2, threadsPerProcess: 4})
    const cli = r.diagnostics.find((d) => d.processType === 'cli' && d.code === 'missing-config')
    expect(cli).toMatchObject({file: 'Procfile', line: 2, severity: 'error'})
    expect(cli?.message).toContain('`-t 6:4` asks Puma for at least 6 threads and at most 4')
    // fine: -t 2:4 is a valid range: no error for it.
    expect(r.type('fine')).toMatchObject({connections: 8, threadsPerProcess: 4})
    expect(r.diagnostics.filter((d) => d.processType === 'fine' && d.severity === 'error')).toEqual([])
  })

  it('with MIN_THREADS=2 the config asks for 2..3 threads: no error for web, the same 9', () => {
    const r = plan('puma-threads-min-above-max', [...scale, '--env', 'MIN_THREADS=2'])
    expect(r.type('web')).toMatchObject({connections: 9, threadsPerProcess: 3})
    expect(r.diagnostics.filter((d) => d.processType === 'web' && d.severity === 'error')).toEqual([])
  })
})

describe('pool-below-threads for ActiveRecord without Rails names where the pool goes (strychemi/leadgencard-endpoint: Sinatra, establish_connection in configure :production)', () => {
  // Each: puma -t 8:8, single mode; ActiveRecord's default pool 5 (no database.yml): min(5, 8) = 5, and the warning.
  const fixOf = (app: string) => {
    const r = plan(app, ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 5, threadsPerProcess: 8})
    const d = r.diagnostics.find((x) => x.code === 'pool-below-threads')
    expect(d?.message).toContain('pool (5) is below Puma max threads (8) for web')
    expect(d?.fix).not.toContain('RAILS_MAX_THREADS=')
    expect(d?.fix).not.toContain('database.yml')
    return d?.fix
  }

  it("sinatra-activerecord connects with DATABASE_URL: its ?pool= is the place (nothing reads RAILS_MAX_THREADS)", () => {
    expect(fixOf('sinatra-activerecord-pool-url')).toBe("add ?pool=8 to DATABASE_URL, which sinatra-activerecord connects web's app with (no Rails reads RAILS_MAX_THREADS here)")
  })

  it("the app's own establish_connection (a hash with no pool:) replaces that connection: the fix names its line", () => {
    expect(fixOf('sinatra-activerecord-pool-connect')).toBe('pass pool: 8 to the establish_connection at app.rb:9 (no Rails reads RAILS_MAX_THREADS here)')
  })

  it('ActiveRecord alone with a config conncalc cannot read (it may set a pool): the assumed 5*, and the pool that call sets', () => {
    expect(fixOf('activerecord-no-rails-pool-connect')).toBe('raise the pool that lib/db.rb:3 sets for web to at least 8')
  })
})

describe("a rackup file that loads the app and runs only Sidekiq's dashboard (vrtsev/Telegrammer: sidekiqui: rackup apps/sidekiqui/config.ru)", () => {
  it('Sequel connects when the app loads and keeps it: 1, though Puma has 5 threads; a file that mounts the app beside it is the app (5)', () => {
    const r = plan('ruby-sidekiq-web-rackup', ['--scale', 'web=1,dash=1,mixed=1'])
    // db.rb: Sequel max_connections 8; puma -t 5:5 single mode: web min(8, 5) = 5.
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 8, threadsPerProcess: 5})
    // sidekiq.ru: require './app' (Sequel connects), use Rack::Session::Cookie, run Sidekiq::Web: the one boot connection.
    expect(r.type('dash')).toMatchObject({connections: 1, poolPerProcess: 8, threadsPerProcess: 1})
    expect(r.type('dash').sources.threadsPerProcess.source).toMatchObject({file: 'sidekiq.ru', kind: 'file', line: 5})
    expect(JSON.stringify(r.type('dash').sources.threadsPerProcess)).toContain('sidekiq.ru:5 runs Sidekiq::Web alone, which reads Redis only: the puma threads never check a database connection out; the process keeps the one connection its boot opened')
    expect(r.diagnostics.filter((d) => d.processType === 'dash' && d.code === 'pool-below-threads')).toEqual([])
    // mixed.ru maps the app beside the dashboard: its threads query, min(8, 5) = 5.
    expect(r.type('mixed')).toMatchObject({connections: 5, threadsPerProcess: 5})
    expect(r.total).toBe(11)
  })

  it('a Rails app: ActiveRecord connects on a checkout only and nothing at boot checks one out: 0', () => {
    const r = plan('rails-sidekiq-web-rackup', ['--scale', 'web=1,dash=1'])
    expect(r.type('web')).toMatchObject({connections: 5, threadsPerProcess: 5})
    expect(r.type('dash')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(JSON.stringify(r.type('dash').sources.threadsPerProcess)).toContain('nothing its boot runs checks one out (ActiveRecord connects on a checkout only), so it holds none')
  })
})

describe("Judoscale's database job adapter: the reporter thread's queue-latency SQL (judoscale sample-apps/delayed_job-sample)", () => {
  const scale = ['--scale', 'web=1,worker=1']

  it('without api_base_url (JUDOSCALE_URL unset, no initializer) the reporter does not start: nothing added, one info', () => {
    const r = plan('rails-judoscale-delayed-job', scale)
    // puma 2 workers x min(5, 3) = 6; rake jobs:work 1.
    expect(r.type('web')).toMatchObject({connections: 6, extraPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 1})
    const info = r.diagnostics.filter((d) => d.message.includes('judoscale-delayed_job 1.12.2 reports queue latency with SQL'))
    expect(info).toHaveLength(1)
    expect(info[0]).toMatchObject({code: 'unknown-config-value', severity: 'info'})
  })

  it("with the add-on's JUDOSCALE_URL: one more in-pool thread per process, and the preloading master's own", () => {
    const r = plan('rails-judoscale-delayed-job', [...scale, '--env', 'JUDOSCALE_URL=https://adapter.judoscale.com/api/abc'])
    // web: 2 x min(5, 3 + 1) + the Puma master's reporter 1 = 9; worker: min(5, 1 + 1) = 2.
    expect(r.type('web')).toMatchObject({connections: 9, connectionsPerProcess: 4})
    expect(r.type('worker')).toMatchObject({connections: 2, connectionsPerProcess: 2})
    expect(r.total).toBe(11)
    const extra = r.type('worker').extras.find((x) => x.kind === 'judoscale-reporter')
    expect(extra).toMatchObject({count: 1, inPool: true, per: 'process'})
    expect(r.type('web').extras.find((x) => x.kind === 'judoscale-reporter-master')).toMatchObject({count: 1, per: 'dyno'})
    expect(JSON.stringify(extra)).toContain('only on the first dyno of a type (JobMetricsCollector.collect?: not redundant_instance?), counted here on every dyno')
  })

  it("an initializer's config.api_base_url = … starts it as well (the DJ sample's shape)", () => {
    const r = plan('rails-judoscale-initializer', scale)
    expect(r.type('web').connections).toBe(9)
    expect(r.type('worker').connections).toBe(2)
  })
})

describe('rufus-scheduler jobs scheduled in a loop (how many is not read)', () => {
  it('the pool bounds the process, as before: min(4, 4*) = 4', () => {
    const r = plan('ruby-rufus-scheduler-loop', ['--scale', 'clock=1'])
    expect(r.type('clock')).toMatchObject({connections: 4, poolPerProcess: 4, threadsPerProcess: 4})
    expect(r.type('clock').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'clock')?.message).toContain('counting 4 (its pool) as using the database at once')
  })
})
