import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

/** [app, extra args, total, status, {type: [server, processes, threads, pool, connections]}, diagnostic codes] */
type Case = [string, string[], number, string, Record<string, [string, number, number, null | number, number]>, string[]]

// Fixtures under test/fixtures/real-ruby/ are modelled on the named open-source apps' own
// Procfile and config files (each file names its upstream). Plan standard-0 (limit 120), one dyno each.
const cases: Case[] = [
  // workers ENV.fetch('WEB_CONCURRENCY') { 2 }.to_i, preload_app! with no before_fork: +1 per dyno;
  // the read replica's url is REPLICA_DATABASE_URL: another server, not added in.
  ['mastodon', [], 16, 'ok', {release: ['release', 1, 1, null, 1], web: ['puma', 2, 5, 5, 11], worker: ['sidekiq', 1, 5, 5, 5]}, ['fork-disconnect-missing']],
  // pool: <%= Sidekiq.server? ? ENV.fetch('SIDEKIQ_CONCURRENCY', 10) : ENV.fetch('RAILS_MAX_THREADS', 5) %>: 10 for Sidekiq, 5 for Puma.
  ['chatwoot', [], 15, 'ok', {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 10, 10, 10]}, []],
  ['chatwoot', ['--env', 'SIDEKIQ_CONCURRENCY=20'], 25, 'ok', {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 20, 20, 20]}, []],
  // num_workers = ENV["NUM_WEBS"].to_i > 0 ? ENV["NUM_WEBS"].to_i : 4 → 4 workers of 32 threads on a pool of 5;
  // `-e $RAILS_ENV` has the buildpack's value, `-c $SIDEKIQ_WORKERS` has none.
  ['discourse', [], 26, 'ok', {web: ['puma', 4, 32, 5, 21], worker: ['sidekiq', 1, 10, 5, 5]}, ['pool-below-threads', 'pool-below-threads', 'fork-disconnect-missing', 'unresolved-env']],
  ['discourse', ['--env', 'NUM_WEBS=2', 'SIDEKIQ_WORKERS=5'], 16, 'ok', {web: ['puma', 2, 32, 5, 11], worker: ['sidekiq', 1, 5, 5, 5]}, ['pool-below-threads', 'fork-disconnect-missing']],
  // web behind bin/start-pgbouncer: 2 server connections per dyno whatever the processes.
  ['forem', [], 7, 'ok', {release: ['release', 1, 1, null, 1], web: ['puma', 2, 5, 5, 2], worker: ['sidekiq', 1, 5, 5, 5]}, ['pgbouncer-prepared-statements', 'fork-disconnect-missing']],
  // production_like = %w[production staging].include?(rails_env); workers = processors (8 on the assumed Standard-1X).
  ['rubygems-org', [], 13, 'ok', {jobs: ['good_job', 1, 5, 5, 5], web: ['puma', 8, 1, 5, 8]}, ['pool-below-threads']],
  ['rubygems-org', ['--env', 'WEB_CONCURRENCY=1'], 6, 'ok', {web: ['puma', 1, 1, 5, 1]}, ['pool-below-threads']],
  // -c ${SIDEKIQ_CONCURRENCY:-5}; the initializer's configure_server sits under `unless Rails.env.production?`.
  ['codetriage', [], 10, 'ok', {web: ['puma', 1, 5, 5, 5], worker: ['sidekiq', 1, 5, 5, 5]}, []],
  // Unicorn spawns `rails runner bin/threaded.rb` from its config: said, not counted.
  ['huginn', [], 3, 'ok', {dj: ['delayed_job', 1, 1, 20, 1], web: ['unicorn', 2, 1, 20, 2]}, ['unknown-config-value', 'pool-oversized', 'pool-oversized']],
  // case ENV.fetch("RAILS_ENV", "development") when "production": workers only if WEB_CONCURRENCY > 1.
  ['maybe', [], 6, 'ok', {web: ['puma', 1, 3, 16, 3], worker: ['sidekiq', 1, 3, 16, 3]}, ['oversized-pool', 'oversized-pool']],
  ['maybe', ['--env', 'WEB_CONCURRENCY=3'], 13, 'ok', {web: ['puma', 3, 3, 16, 10]}, ['fork-disconnect-missing', 'oversized-pool', 'oversized-pool']],
  // main + ci, both pools counted on one server; before_fork calls code conncalc cannot read.
  ['gitlab', [], 31, 'ok', {web: ['puma', 3, 16, 10, 31]}, ['pool-below-threads', 'pool-below-threads', 'fork-disconnect-missing', 'database-url-missing']],
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

  it('huginn: names the process the Unicorn config spawns and its line', () => {
    const d = run('huginn', []).json.diagnostics.find((x) => x.code === 'unknown-config-value')
    expect(d).toMatchObject({file: 'deployment/heroku/unicorn.rb', line: 13})
    expect(d?.message).toContain('`spawn("bundle exec rails runner bin/threaded.rb")` starts another process')
  })

  it('gitlab: the before_fork hook calls app code conncalc cannot read, and the warning says so', () => {
    const d = run('gitlab', []).json.diagnostics.find((x) => x.code === 'fork-disconnect-missing')
    expect(d?.message).toContain('shows no disconnect in before_fork')
    expect(d?.message).toContain('`Gitlab::Cluster::LifecycleEvents.do_before_fork`, which conncalc cannot read')
  })

  it('discourse: $SIDEKIQ_WORKERS is the one unset variable ($RAILS_ENV comes from the Ruby buildpack)', () => {
    const d = run('discourse', []).json.diagnostics.filter((x) => x.code === 'unresolved-env')
    expect(d.map((x) => x.message)).toEqual(['worker: $SIDEKIQ_WORKERS is used in the command but has no value anywhere; it expands to nothing'])
  })
})
