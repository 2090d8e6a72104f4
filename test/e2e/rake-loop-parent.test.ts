/**
 * A Rake task of the app that opens its own connection (a model query in its actions) and then runs another command
 * in an endless loop (`loop do system("bundle exec rake batches:one"); sleep 10 end`): Kernel#loop runs the body
 * until something breaks out of it, Kernel#system waits for the child, so one child runs at a time, again and again,
 * and nothing after the loop runs. The dyno holds the child's connections and the rake process's own
 * (test/fixtures/rake-loop-parent).
 *
 * The app: ActiveRecord 7.1.4, database.yml pool 8.
 * - ActiveRecord before 7.2 leases a query's connection to the calling thread until the thread ends
 *   (ConnectionPool#connection, v7.1.0 connection_pool.rb): the waiting rake process keeps it.
 * - 7.2+ checks it back in after the query (ConnectionPool#with_connection: `release_connection(lease) unless
 *   lease.sticky`, v7.2.0), and the pool keeps it open, idle, until the reaper closes it after idle_timeout (300 s).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')

describe('a rake task that queries, then runs a command again and again in an endless loop', () => {
  const r = planJson(procfileOf('rake-loop-parent'), ['--plan', 'standard-0'])

  it('supervise: the child `rake batches:one` (1 thread, min(8, 1) = 1) + the parent\'s leased connection (ActiveRecord 7.1: 1) = 2', () => {
    const row = r.type('supervise')
    expect(row).toMatchObject({connectionsPerDyno: 2, server: 'rake', threadsPerProcess: 1})
    expect(row.extras).toEqual([expect.objectContaining({count: 1, kind: 'launcher-connection'})])
    expect(row.extras[0].ceilingOnly).toBeFalsy()
    const why = JSON.stringify(row.sources)
    expect(why).toContain('which runs `bundle exec rake batches:one` (lib/tasks/batches.rake:7) again and again, one at a time, in the endless loop at lib/tasks/batches.rake:6')
    expect(JSON.stringify(row.extras[0].source)).toContain('ActiveRecord 7.1.4 (before 7.2) leases the connection of `Supervisor.create!(host: Socket.gethostname, pi...` at lib/tasks/batches.rake:4')
    // Was an unknown command (the loop read as "may not run"): no warning for it now.
    expect(r.diagnostics.filter((d) => d.processType === 'supervise' && d.code === 'unknown-command')).toEqual([])
  })

  it('plain: `loop { sh "bundle exec sidekiq -c 4" }` with no query: Sidekiq min(8, 4) = 4, nothing for the parent', () => {
    expect(r.type('plain')).toMatchObject({connectionsPerDyno: 4, server: 'sidekiq', threadsPerProcess: 4})
    expect(r.type('plain').extras).toEqual([])
  })

  it('drain: `while true` runs the child (1); the query under `if ENV[...]` counts in the ceiling only (8 + 1 = 9)', () => {
    const row = r.type('drain')
    expect(row).toMatchObject({ceiling: 9, connectionsPerDyno: 1, server: 'rake'})
    expect(row.extras).toEqual([expect.objectContaining({ceilingOnly: true, count: 1, kind: 'launcher-connection'})])
  })

  it('turns (two commands in the loop) and stoppable (a `break`) stay unknown commands, 1* each; the total is 2 + 2 + 4 + 1 + 1 + 1 = 11', () => {
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-command').map((d) => d.processType).sort()
    expect(unknown).toEqual(['stoppable', 'turns'])
    expect(r.type('turns').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.total).toBe(11)
  })

  it('ActiveRecord 7.2: the parent\'s connection is back in the pool after its query: ceiling only (supervise 1); a query on every turn of the loop keeps it open: 2*', () => {
    const dir = app({
      'Gemfile.lock': LOCK_72,
      'lib/tasks/beat.rake': `namespace :batches do
  task beat: :environment do
    loop do
      Supervisor.where(host: Socket.gethostname).update_all(seen_at: Time.now)
      system "bundle exec rake batches:one"
    end
  end
end
`,
      Procfile: 'supervise: bin/rails batches:supervise\nbeat: bin/rails batches:beat\nweb: bundle exec puma -t 2:2\n',
    })
    const r72 = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    const supervise = r72.type('supervise')
    expect(supervise).toMatchObject({ceiling: 9, connectionsPerDyno: 1})
    expect(supervise.extras).toEqual([expect.objectContaining({ceilingOnly: true, count: 1, kind: 'launcher-connection'})])
    const beat = r72.type('beat')
    expect(beat).toMatchObject({connectionsPerDyno: 2})
    expect(beat.extras).toEqual([expect.objectContaining({count: 1, kind: 'launcher-connection'})])
    expect(beat.extras[0].source.source.kind).toBe('assumed')
    expect(r72.total).toBe(1 + 2 + 2)
  })
})

const LOCK_72 = `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.2.1)
      activesupport (= 7.2.1)
    activesupport (7.2.1)
    pg (1.5.8)
    puma (6.4.3)
    rails (7.2.1)
      activerecord (= 7.2.1)
      railties (= 7.2.1)
    railties (7.2.1)
    rake (13.2.1)
    sidekiq (7.3.2)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  pg
  puma
  rails (~> 7.2.1)
  sidekiq

BUNDLED WITH
   2.5.18
`
