/**
 * Sucker Punch runs jobs on a thread pool per job class inside the process that enqueues them (sucker_punch
 * lib/sucker_punch/job.rb: num_workers 2 unless `workers N`; queue.rb: min = max threads = num_workers). A made-up
 * Rails 7.1 app, Puma `workers 2`, `threads 3, 3`, database.yml pool 10:
 *   app/jobs/receipt_job.rb  include SuckerPunch::Job; workers 4   → 4 threads
 *   app/jobs/cleanup_job.rb  include SuckerPunch::Job              → 2 threads
 * By hand, per Puma worker min(10, 3 + 4 + 2) = 9, 2 workers: 18 (was 6: the job threads were not counted).
 * With `config.active_job.queue_adapter = :sucker_punch` (ActiveJob's JobWrapper, 2 more): min(10, 11) = 10, 20.
 * Sucker Punch not in the bundle: 2 × 3 = 6. The Sidekiq type does not run them (its own jobs are Sidekiq's): 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const lock = (sp: boolean): string => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.4)
    pg (1.5.8)
    puma (6.4.3)
    rails (7.1.4)
      activerecord (= 7.1.4)
    sidekiq (7.3.2)
${sp ? '    sucker_punch (3.2.0)\n' : ''}
PLATFORMS
  x86_64-linux

DEPENDENCIES
  pg
  puma
  rails
  sidekiq
${sp ? '  sucker_punch\n' : ''}`

const files = (sp: boolean, extra: Record<string, string> = {}): Record<string, string> => ({
  'Gemfile': `source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngem "puma"\ngem "sidekiq"\n${sp ? 'gem "sucker_punch"\n' : ''}`,
  'Gemfile.lock': lock(sp),
  'Procfile': 'web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq -c 5\n',
  'app/jobs/cleanup_job.rb': 'class CleanupJob\n  include SuckerPunch::Job\n\n  def perform(id)\n    Upload.where(id: id).delete_all\n  end\nend\n',
  'app/jobs/receipt_job.rb': 'class ReceiptJob\n  include SuckerPunch::Job\n  workers 4\n\n  def perform(order_id)\n    Order.find(order_id).send_receipt\n  end\nend\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 10\n',
  'config/puma.rb': 'workers 2\nthreads 3, 3\n',
  ...extra,
})

const plan = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])

describe('Sucker Punch job threads in the web processes', () => {
  it('each job class\'s pool (workers 4, default 2) counts beside Puma\'s threads: 2 × min(10, 9) = 18', () => {
    const r = plan(app(files(true)))
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno, r.type('worker').connectionsPerDyno]).toEqual([9, 18, 5])
    const x = r.type('web').extras.find((e) => e.kind === 'sucker-punch-threads')
    expect(x).toMatchObject({count: 6, inPool: true})
    expect(JSON.stringify(x?.source)).toContain('app/jobs/receipt_job.rb')
  })

  it('the ActiveJob :sucker_punch adapter adds its wrapper\'s 2: 2 × min(10, 11) = 20', () => {
    const r = plan(app(files(true, {'config/environments/production.rb': 'Rails.application.configure do\n  config.active_job.queue_adapter = :sucker_punch\nend\n'})))
    expect(r.type('web').connectionsPerDyno).toBe(20)
  })

  it('no sucker_punch in the bundle: the classes cannot run, 2 × 3 = 6', () => {
    expect(plan(app(files(false))).type('web').connectionsPerDyno).toBe(6)
  })

  // Active Job's :async adapter (rails activejob/lib/active_job/queue_adapters/async_adapter.rb: one
  // Concurrent::ThreadPoolExecutor per process, max_threads Concurrent.processor_count): jobs enqueued by a request run
  // in that Puma worker and take connections from its pool. standard-1x: nproc 8 (assumed as Ruby's processor count),
  // so per worker min(10, 3 + 8) = 10, 2 workers: 20 (was 6: the job threads were not counted). The Sidekiq type: 5.
  it('config.active_job.queue_adapter = :async: up to the processor count of job threads per web process, 2 × min(10, 3 + 8*) = 20', () => {
    const r = plan(app(files(false, {'config/environments/production.rb': 'Rails.application.configure do\n  config.active_job.queue_adapter = :async\nend\n'})))
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno, r.type('worker').connectionsPerDyno]).toEqual([10, 20, 5])
    const x = r.type('web').extras.find((e) => e.kind === 'active-job-async-threads')
    expect(x).toMatchObject({count: 8, inPool: true})
    expect(x?.source).toMatchObject({source: {file: 'config/environments/production.rb', kind: 'file', line: 2}, value: 8})
    expect(JSON.stringify(x?.source)).toContain("Ruby's processor count on a standard-1x")
    // Only in production's config (development.rb is not the app's environment here): not counted.
    expect(plan(app(files(false, {'config/environments/development.rb': 'Rails.application.configure do\n  config.active_job.queue_adapter = :async\nend\n'}))).type('web').connectionsPerDyno).toBe(6)
  })

  // Both: the SuckerPunch::Job classes (4 + 2) run on their own pools whatever Active Job's adapter is, and the :async
  // adapter's executor (8*) beside them. database.yml pool 20 so the cap does not hide either: per worker
  // min(20, 3 + 8 + 6) = 17, 2 workers: 34.
  it('the :async adapter beside SuckerPunch::Job classes: both counted, 2 × min(20, 3 + 8* + 6) = 34', () => {
    const r = plan(app(files(true, {'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 20\n', 'config/environments/production.rb': 'Rails.application.configure do\n  config.active_job.queue_adapter = :async\nend\n'})))
    expect(r.type('web').extras.map((e) => [e.kind, e.count])).toEqual(expect.arrayContaining([['active-job-async-threads', 8], ['sucker-punch-threads', 6]]))
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno]).toEqual([17, 34])
  })

  // Rails' default adapter: Active Job's QueueAdapter sets `self.queue_adapter = :async` (activejob/lib/active_job/
  // queue_adapter.rb, Rails 5.0 on; :inline before). An app that sets none and enqueues jobs runs them on the :async
  // executor of the web process that enqueues them: per worker min(10, 3 + 8*) = 10, 2 workers: 20. Setting any adapter
  // (an initializer, ApplicationJob), enqueuing nothing, or Rails 4.2: 2 × 3 = 6.
  const job = {'app/jobs/application_job.rb': 'class ApplicationJob < ActiveJob::Base\nend\n', 'app/jobs/receipt_job.rb': 'class ReceiptJob < ApplicationJob\n  def perform(order_id)\n    Order.find(order_id).send_receipt\n  end\nend\n'}
  it("no adapter set and an ApplicationJob subclass: Rails' default :async, 2 × min(10, 3 + 8*) = 20", () => {
    const r = plan(app(files(false, {...job, 'config/environments/test.rb': 'Rails.application.configure do\n  config.active_job.queue_adapter = :test\nend\n'})))
    expect([r.type('web').connectionsPerProcess, r.type('web').connectionsPerDyno, r.type('worker').connectionsPerDyno]).toEqual([10, 20, 5])
    const x = r.type('web').extras.find((e) => e.kind === 'active-job-async-threads')
    expect(x).toMatchObject({count: 8, inPool: true})
    expect(x?.source.source).toMatchObject({kind: 'default', what: expect.stringContaining("the app sets no Active Job adapter (config.active_job.queue_adapter) and enqueues jobs (`class ReceiptJob < ApplicationJob`, app/jobs/receipt_job.rb:1): Rails' default, :async")})
  })

  it('no adapter set and a mailer delivered later from a controller: 20 too', () => {
    const r = plan(app(files(false, {'app/controllers/orders_controller.rb': 'class OrdersController < ApplicationController\n  def create\n    # deliver_later in a comment is not a call\n    OrderMailer.receipt(Order.create!).deliver_later\n  end\nend\n'})))
    expect(r.type('web').connectionsPerDyno).toBe(20)
    expect(JSON.stringify(r.type('web').extras)).toContain('app/controllers/orders_controller.rb:4')
  })

  it('an adapter set in an initializer or in ApplicationJob, Rails 4.2 (whose default is :inline), or no Active Job class: 6', () => {
    expect(plan(app(files(false, {...job, 'config/initializers/sidekiq.rb': 'Rails.application.config.active_job.queue_adapter = :sidekiq\n'}))).type('web').connectionsPerDyno).toBe(6)
    expect(plan(app(files(false, {...job, 'app/jobs/application_job.rb': 'class ApplicationJob < ActiveJob::Base\n  self.queue_adapter = :sidekiq\nend\n'}))).type('web').connectionsPerDyno).toBe(6)
    expect(plan(app(files(false, {...job, 'Gemfile.lock': lock(false).replaceAll('7.1.4', '4.2.11')}))).type('web').connectionsPerDyno).toBe(6)
    // An ApplicationJob that is a Sidekiq worker (houndci/hound, alphagov/account-api): its subclasses are not Active Jobs.
    expect(plan(app(files(false, {...job, 'app/jobs/application_job.rb': 'class ApplicationJob\n  include Sidekiq::Worker\nend\n'}))).type('web').connectionsPerDyno).toBe(6)
  })

  // `ActiveJob::QueueAdapters::AsyncAdapter.new(max_threads: 2)` (the adapter's documented sizing): per worker
  // min(10, 3 + 2) = 5, 2 workers: 10.
  it('AsyncAdapter.new(max_threads: 2): 2 × min(10, 3 + 2) = 10', () => {
    const r = plan(app(files(false, {'config/application.rb': 'module Shop\n  class Application < Rails::Application\n    config.active_job.queue_adapter = ActiveJob::QueueAdapters::AsyncAdapter.new(min_threads: 1, max_threads: 2, idletime: 600.seconds)\n  end\nend\n'})))
    expect(r.type('web').connectionsPerDyno).toBe(10)
    expect(r.type('web').extras.find((e) => e.kind === 'active-job-async-threads')?.source.source).toMatchObject({file: 'config/application.rb', kind: 'file', line: 3})
    // max_threads an expression conncalc does not read: the adapter's default (the processor count, 8*), said.
    const unread = plan(app(files(false, {'config/application.rb': 'module Shop\n  class Application < Rails::Application\n    config.active_job.queue_adapter = ActiveJob::QueueAdapters::AsyncAdapter.new(max_threads: 2 * Concurrent.processor_count)\n  end\nend\n'})))
    expect(unread.type('web').connectionsPerDyno).toBe(20)
    expect(unread.type('web').extras.find((e) => e.kind === 'active-job-async-threads')?.source.source).toMatchObject({kind: 'assumed'})
    expect(unread.diagnostics.find((d) => d.code === 'unknown-config-value' && d.file === 'config/application.rb')?.message).toContain("AsyncAdapter.new's max_threads is not a number conncalc reads")
  })
})
