import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

/** [app, extra args, total, status, {type: [server, processes, threads, pool, connections]}, diagnostic codes] */
type Case = [string, string[], number, string, Record<string, [string, number, number, null | number, number]>, string[]]

// Fixtures under test/fixtures/real-ruby/ are modelled on the named open-source apps' own
// Procfile and config files (each file names its upstream). Plan standard-0 (limit 120), one dyno each.
const cases: Case[] = [
  // workers ENV.fetch('WEB_CONCURRENCY') { 2 }.to_i, preload_app! with no before_fork: Rails ≥ 5.2 empties the
  // master's pools after boot (rails/rails#31221), so 2 × 5 with the master in the ceiling only;
  // the read replica's url is REPLICA_DATABASE_URL: another server, not added in.
  // The replica (replica: true, REPLICA_DATABASE_URL unset) is not counted, said in an info line.
  // release `rails db:migrate` (ActiveRecord 7.1.4): its connection + the migrator's advisory-lock connection, 2.
  ['mastodon', [], 15, 'ok', {release: ['release', 1, 1, null, 2], web: ['puma', 2, 5, 5, 10], worker: ['sidekiq', 1, 5, 5, 5]}, ['other-server-pools']],
  // pool: <%= Sidekiq.server? ? ENV.fetch('SIDEKIQ_CONCURRENCY', 10) : ENV.fetch('RAILS_MAX_THREADS', 5) %>: 10 for Sidekiq, 5 for Puma.
  ['chatwoot', [], 15, 'ok', {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 10, 10, 10]}, []],
  ['chatwoot', ['--env', 'SIDEKIQ_CONCURRENCY=20'], 25, 'ok', {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 20, 20, 20]}, []],
  // num_workers = ENV["NUM_WEBS"].to_i > 0 ? ENV["NUM_WEBS"].to_i : 4 → 4 workers of 32 threads on a pool of 5;
  // `-e $RAILS_ENV` has the buildpack's value, `-c $SIDEKIQ_WORKERS` has none.
  // 4 × min(5, 32) = 20: the preloading master holds nothing after boot (Rails ≥ 5.2).
  // Without SIDEKIQ_WORKERS, `-c $SIDEKIQ_WORKERS` leaves a bare `-c`: the number the app sets is unreadable (unknown-config-value).
  ['discourse', [], 25, 'ok', {web: ['puma', 4, 32, 5, 20], worker: ['sidekiq', 1, 10, 5, 5]}, ['pool-below-threads', 'pool-below-threads', 'unknown-config-value', 'unresolved-env']],
  ['discourse', ['--env', 'NUM_WEBS=2', 'SIDEKIQ_WORKERS=5'], 15, 'ok', {web: ['puma', 2, 32, 5, 10], worker: ['sidekiq', 1, 5, 5, 5]}, ['pool-below-threads']],
  // web behind bin/start-pgbouncer: min((1 + 1) × 1 database, 2 × 5 clients) = 2 server connections per dyno.
  // release `rails db:migrate` (ActiveRecord 7.0.8): its connection + the migrator's advisory-lock connection, 2.
  ['forem', [], 7, 'ok', {release: ['release', 1, 1, null, 2], web: ['puma', 2, 5, 5, 2], worker: ['sidekiq', 1, 5, 5, 5]}, ['pgbouncer-prepared-statements']],
  // production_like = %w[production staging].include?(rails_env); workers = processors (8 on the assumed Standard-1X).
  // GoodJob jobs: min(pool 5, 5 threads + 2) + 1 LISTEN connection outside the pool (good_job notifier.rb) = 6.
  // web's workers follow Concurrent.physical_processor_count (8 on a Standard dyno's shared host): cpu-count-default.
  ['rubygems-org', [], 14, 'ok', {jobs: ['good_job', 1, 5, 5, 6], web: ['puma', 8, 1, 5, 8]}, ['pool-below-threads', 'cpu-count-default']],
  ['rubygems-org', ['--env', 'WEB_CONCURRENCY=1'], 7, 'ok', {web: ['puma', 1, 1, 5, 1]}, ['pool-below-threads']],
  // -c ${SIDEKIQ_CONCURRENCY:-5}; the initializer's configure_server sits under `unless Rails.env.production?`.
  ['codetriage', [], 10, 'ok', {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 5, 5, 5]}, []],
  // Unicorn's config starts a thread in the master that spawns `rails runner bin/threaded.rb` when none runs
  // (`if worker_pid.nil?` around `worker_pid = spawn(…)`): one copy per dyno beside the 2 workers: 2 × 1 + 1 = 3.
  // The runner beside them is checked as a type's process is: its pool 20 is far above its one (assumed) thread.
  ['huginn', [], 4, 'ok', {dj: ['delayed_job', 1, 1, 20, 1], web: ['unicorn', 2, 1, 20, 3]}, ['oversized-pool', 'pool-oversized', 'pool-oversized']],
  // case ENV.fetch("RAILS_ENV", "development") when "production": workers only if WEB_CONCURRENCY > 1.
  ['maybe', [], 6, 'ok', {web: ['puma', 1, 3, 16, 3], worker: ['sidekiq', 1, 3, 16, 3]}, ['oversized-pool', 'oversized-pool']],
  ['maybe', ['--env', 'WEB_CONCURRENCY=3'], 12, 'ok', {web: ['puma', 3, 3, 16, 9]}, ['oversized-pool', 'oversized-pool']],
  // main and ci both on host localhost, and no entry is named `primary`: ActiveRecord (6.1+) merges DATABASE_URL into
  // neither (environment_value_for: "primary" only), while Base connects to the first, main. main is the app's own
  // database: counted as if MAIN_DATABASE_URL were set on the platform, starred; ci needs CI_DATABASE_URL: not counted.
  // Both said (database-url-missing). 3 workers × min(5, 16) = 15; before_fork calls code conncalc cannot read, but
  // with no sign of a query after boot the master is in the ceiling only.
  ['gitlab', [], 15, 'ok', {web: ['puma', 3, 16, 5, 15]}, ['pool-below-threads', 'database-url-missing', 'database-url-missing']],
]

const run = (app: string, args: string[]) => runJson<PlanJson>(['plan', '--procfile', fixture(`real-ruby/${app}/Procfile`), '--plan', 'standard-0', ...args])

describe('real Ruby apps end to end (conncalc plan --json)', () => {
  for (const [app, args, total, status, types, codes] of cases) {
    it(`${app} ${args.join(' ')}`.trim(), () => {
      const r = run(app, args)
      expect(r.code).toBe(0)
      expect(r.json.total).toBe(total)
      expect(r.json.status).toBe(status)
      for (const [name, [server, processes, threads, pool, connections]] of Object.entries(types)) {
        const row = r.json.processTypes.find((p) => p.name === name)
        expect(row, name).toMatchObject({connections, poolPerProcess: pool, processesPerDyno: processes, server, threadsPerProcess: threads})
      }

      expect(r.json.diagnostics.map((d) => d.code)).toEqual(codes)
    })
  }

  it('huginn: counts the process the Unicorn config supervises, with its line', () => {
    const web = run('huginn', []).json.processTypes.find((p) => p.name === 'web')!
    expect(web.extras).toMatchObject([{count: 1, kind: 'script-process', per: 'dyno', source: {source: {file: 'deployment/heroku/unicorn.rb', line: 13}}}])
    expect(web.extras[0].reason).toContain('`rails runner bin/threaded.rb` runs beside it in each dyno')
  })

  it('gitlab: the master holds nothing after boot on Rails ≥ 5.2: its boot connection is in the ceiling only', () => {
    const web = run('gitlab', []).json.processTypes.find((p) => p.name === 'web')!
    expect(web.extras).toMatchObject([{ceilingOnly: true, count: 1, kind: 'forking-parent', per: 'dyno'}])
    // 3 workers × pool 5 (main) + 1 = 16.
    expect(web.ceiling).toBe(16)
    expect(web.fork?.parentHookCalls).toEqual(['Gitlab::Cluster::LifecycleEvents.do_before_fork'])
  })

  it('discourse: $SIDEKIQ_WORKERS is the one unset variable ($RAILS_ENV comes from the Ruby buildpack)', () => {
    const d = run('discourse', []).json.diagnostics.filter((x) => x.code === 'unresolved-env')
    expect(d.map((x) => x.message)).toEqual(['worker: $SIDEKIQ_WORKERS is used in the command but has no value anywhere; it expands to nothing'])
  })
})
