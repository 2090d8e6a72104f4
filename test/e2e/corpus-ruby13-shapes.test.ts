import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Shapes found in the real-app corpus (session 12), each in a fixture of our own. Plan standard-0, one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

// Sneakers 2.11.0 (jondot/sneakers v2.11.0): Sneakers::Runner forks `workers` processes (runner.rb:72-76, ServerEngine
// worker_type process), each runs every worker class (workergroup.rb:35) with a thread pool of its own of the class's
// `from_queue … threads:` over Sneakers.configure's threads (worker.rb:15-20); defaults workers 4, threads 10
// (configuration.rb:34,41). Fixture `sneakers`: Sneakers.configure(workers: Integer(ENV.fetch("QUEUE_PROCESSES", 2)),
// threads: 3); ReceiptMailer `from_queue "receipts", threads: 2`; InvoiceBuilder `from_queue "invoices"`; database.yml pool 5.
describe('Sneakers workers (Duke-Translational-Bioinformatics/duke-data-service: rake tasks → an app class → Sneakers::Runner)', () => {
  const r = plan('sneakers', ['--scale', 'web=0'])

  it('an app task whose wrapper class starts Sneakers::Runner with one class: workers × that class\'s threads', () => {
    // queues:receipts:run → QueueBoss.new(ReceiptMailer).run; app/services/queue_boss.rb calls Sneakers::Runner.new(@classes).
    // 2 processes × min(pool 5, ReceiptMailer threads 2) = 4. The wrapper passing its argument on is an assumption (starred).
    const t = r.type('receipts')
    expect(t.server).toBe('sneakers')
    expect(t.processesPerDyno).toBe(2)
    expect(t.threadsPerProcess).toBe(2)
    expect(t.connections).toBe(4)
    expect(JSON.stringify(t.sources.threadsPerProcess)).toContain('QueueBoss (app/services/queue_boss.rb:11) hands what it is given to Sneakers::Runner.new')
  })

  it('Sneakers::Runner.new([A, B]) in the task: every class\'s pool in every process, bounded by the ActiveRecord pool', () => {
    // ReceiptMailer 2 + InvoiceBuilder 3 (configure's threads) = 5 threads; 2 × min(5, 5) = 10.
    const t = r.type('both')
    expect(t.threadsPerProcess).toBe(5)
    expect(t.connections).toBe(10)
  })

  it('a class list built in app code is not guessed: the pool is the bound, said with the task\'s line', () => {
    // QueueBoss.pick(ENV.fetch("QUEUES", "")…): unknown classes → 5 threads (pool) assumed; 2 × 5 = 10.
    const t = r.type('picked')
    expect(t.threadsPerProcess).toBe(5)
    expect(t.connections).toBe(10)
    const said = r.diagnostics.find((d) => d.processType === 'picked' && d.code === 'unknown-config-value')
    expect(said?.message).toContain('cannot read which worker classes Sneakers runs (lib/tasks/queues.rake:17')
  })

  it('`sneakers work CLASS` and `rake sneakers:run` (WORKERS, WORKER_COUNT)', () => {
    // invoices: InvoiceBuilder 3 threads × 2 processes = 6. gemtask: WORKER_COUNT=1 (tasks.rb:39) × ReceiptMailer 2 = 2.
    expect(r.type('invoices').connections).toBe(6)
    expect(r.type('gemtask').processesPerDyno).toBe(1)
    expect(r.type('gemtask').connections).toBe(2)
    // A task of the same rake files that does not start Sneakers stays a plain rake task: 1 thread.
    expect(r.type('tidy').server).toBe('rake')
    expect(r.type('tidy').connections).toBe(1)
    // 4 + 10 + 10 + 6 + 2 + 1 = 33
    expect(r.total).toBe(33)
  })

  it('QUEUE_PROCESSES set changes the process count', () => {
    // Integer(ENV.fetch("QUEUE_PROCESSES", 2)) with 3 → 3 × 5 = 15 for `both`.
    expect(plan('sneakers', ['--scale', 'web=0', '--env', 'QUEUE_PROCESSES=3']).type('both').connections).toBe(15)
  })

  it('nothing configured: Sneakers\' defaults, every class that includes Sneakers::Worker', () => {
    // `sneakers work` with no list runs Sneakers::Worker::Classes (AuditConsumer); 4 processes × min(pool 12, 10 threads) = 40.
    const d = plan('sneakers-defaults')
    expect(d.type('consumers').processesPerDyno).toBe(4)
    expect(d.type('consumers').threadsPerProcess).toBe(10)
    expect(d.type('consumers').connections).toBe(40)
  })
})

// danbooru/danbooru (app/models/pool_version.rb:17 `establish_connection database_url if enabled?`, enabled? reading a
// config method whose default body is empty): a guard decided by a method with an empty body, which Ruby returns nil for.
describe('a pool opened only when a method with an empty body says so', () => {
  it('reads the empty body as nil, Zeitwerk-style from app/<folder>/, and leaves the pool out', () => {
    // app/lib/site_settings.rb `def self.archive_database_url; end` → nil → ArchivedComment.enabled? (`.present?`) false →
    // app/models/archived_comment.rb:6 does not run. ReportRow: `unless SiteSettings.reporting_database_url.nil?` (nil →
    // skipped); `if legacy_url.nil?` (its own empty class method → true) → a pool of its own on DATABASE_URL, 5.
    // Puma 4 threads: min(primary 6, 4) + min(ReportRow 5, 4) = 8 (was 12, ArchivedComment's 5 counted as an assumption).
    const r = plan('rails-empty-method-guard')
    const web = r.type('web')
    expect(web.connections).toBe(8)
    expect(web.poolPerProcess).toBe(11)
    expect(Object.keys(web.sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.primary', 'pool.ReportRow'])
    expect(r.codes).not.toContain('unknown-config-value')
  })
})

// catarse/catarse (config/initializers/sidekiq.rb:10 `establish_connection("#{database_url}?pool=#{ENV['DB_POOL']}")`):
// the pool-below-threads fix named database.yml and RAILS_MAX_THREADS, which that app does not use for its pool.
describe('pool-below-threads when an initializer sets the pool to a value conncalc cannot read', () => {
  it('the fix names the line that sets the pool', () => {
    // sidekiq -c 10; DB_POOL unset → `pool=` empty → ActiveRecord's 5 assumed; 10 > 5 → warned, fix at the initializer's line.
    const r = plan('sidekiq-url-pool-env', ['--scale', 'worker=1'])
    const d = r.diagnostics.find((x) => x.code === 'pool-below-threads')
    expect(d?.fix).toBe('raise the pool that config/initializers/sidekiq.rb:4 sets for worker to at least 10')
  })
})

// alphagov/places-manager (config/puma.rb: `GovukPuma.configure_rails(self)`, govuk_app_config 9.25.1): the gem's method
// writes threads RAILS_MIN_THREADS‖RAILS_MAX_THREADS‖5 : RAILS_MAX_THREADS‖5, workers WEB_CONCURRENCY‖2 and preload_app!
// (alphagov/govuk_app_config v9.25.1 lib/govuk_app_config/govuk_puma.rb:22-32, the same from v4.1.0).
describe('Puma settings written by a pinned gem the config hands itself to', () => {
  it('govuk_app_config 9.25.1: its settings at the call\'s line, from the env they read', () => {
    // 2 workers × min(pool 12, 5 threads) = 10, nothing assumed (was 1* × 5* = 5 with a warning).
    const r = plan('rails-govuk-puma')
    const web = r.type('web')
    expect(web.processesPerDyno).toBe(2)
    expect(web.threadsPerProcess).toBe(5)
    expect(web.connections).toBe(10)
    expect(r.codes).not.toContain('unknown-config-value')
    expect(JSON.stringify(web.sources.processesPerDyno)).toContain('`GovukPuma.configure_rails(self)` (govuk_app_config 9.25.1 in Gemfile.lock) sets')
    // WEB_CONCURRENCY=3, RAILS_MAX_THREADS=4: 3 × min(12, 4) = 12.
    expect(plan('rails-govuk-puma', ['--env', 'WEB_CONCURRENCY=3', '--env', 'RAILS_MAX_THREADS=4']).type('web').connections).toBe(12)
  })

  it('a version before the settings were checked (4.0.1) stays a warning with the defaults starred', () => {
    // Puma 6.4.2 defaults: single mode, 5 threads → 1 × 5 = 5, both starred.
    const r = plan('rails-govuk-puma-old')
    expect(r.type('web').connections).toBe(5)
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('`GovukPuma.configure_rails(self)` hands this config to code conncalc cannot read')
  })
})
