/**
 * Processes a launcher or a script starts beside the type's own (`web: foreman start -f Procfile.web` running puma
 * and a Resque worker; a script that runs sidekiq in the background and then puma) are checked by the same
 * per-process rules as a type's own process (rules/beside.ts): fork safety and pool sizing.
 * The app (test/fixtures/beside-process-rules): Rails 4.2 (ActiveRecord < 5.2 keeps a forked child's inherited
 * connection), database.yml pool RAILS_MAX_THREADS or 5, Resque 1.27 with `task "resque:setup" => :environment`.
 * By hand: puma -t 3:3 single mode min(5, 3) = 3; the Resque worker's job child 1; Sidekiq -c 10 min(5, 10) = 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('beside-process-rules')
const plan = (files: Record<string, string> = {}) => planJson(`${app(files)}/Procfile`, ['--scale', 'web=1'])

describe('the rules check processes that run beside a type\'s own', () => {
  it('foreman in the web dyno running a Resque worker on ActiveRecord 4.2 with no after_fork reconnect: fork-reconnect-missing on web (exit 1), 3 + 1 = 4', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, server: 'puma', threadsPerProcess: 3})
    expect(r.exit).toBe(1)
    const fork = r.diagnostics.find((d) => d.code === 'fork-reconnect-missing')
    expect(fork).toMatchObject({file: 'lib/tasks/resque.rake', processType: 'web', severity: 'error'})
    expect(fork!.message).toContain("web's `QUEUE=* bundle exec rake resque:work`: the Resque worker loads the app with ActiveRecord 4.2.11.3")
    const pool = r.diagnostics.find((d) => d.code === 'pool-oversized')
    expect(pool).toMatchObject({file: 'config/database.yml', line: 3, processType: 'web', severity: 'info'})
    expect(pool!.fix).toContain('Procfile.web')
  })

  it('the same worker with Resque.after_fork establish_connection: no error (exit 0), the numbers as before', () => {
    const hooks = 'require "resque/tasks"\n\ntask "resque:setup" => :environment do\n  Resque.after_fork = Proc.new { ActiveRecord::Base.establish_connection }\nend\n'
    const r = plan({'lib/tasks/resque.rake': hooks})
    expect(r.type('web').connectionsPerDyno).toBe(4)
    expect(r.exit).toBe(0)
    expect(r.codes).not.toContain('fork-reconnect-missing')
  })

  it('as a Procfile type of its own the worker gets the same error (the rule as it was)', () => {
    const r = planJson(`${app({Procfile: 'worker: QUEUE=* bundle exec rake resque:work\n'})}/Procfile`, ['--scale', 'worker=1'])
    expect(r.diagnostics.find((d) => d.code === 'fork-reconnect-missing')).toMatchObject({processType: 'worker'})
  })

  it('a script running Sidekiq -c 10 in the background and then puma: pool 5 is below its 10 threads (pool-below-threads on web), 3 + 5 = 8', () => {
    const r = plan({'bin/web': '#!/bin/sh\nbundle exec sidekiq -c 10 &\nexec bundle exec puma -t 3:3\n', Procfile: 'web: bin/web\n'})
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, server: 'puma'})
    const below = r.diagnostics.filter((d) => d.code === 'pool-below-threads')
    expect(below).toHaveLength(1)
    expect(below[0]).toMatchObject({file: 'config/database.yml', line: 3, processType: 'web', severity: 'warning'})
    expect(below[0].message).toContain("pool (5) is below Sidekiq concurrency (10) for web's `bundle exec sidekiq -c 10`")
    // With RAILS_MAX_THREADS=10 the pool holds Sidekiq's threads: nothing to say.
    const roomy = planJson(`${app({'bin/web': '#!/bin/sh\nbundle exec sidekiq -c 10 &\nexec bundle exec puma -t 3:3\n', Procfile: 'web: bin/web\n'})}/Procfile`, ['--scale', 'web=1', '--env', 'RAILS_MAX_THREADS=10'])
    expect(roomy.codes).not.toContain('pool-below-threads')
    expect(roomy.type('web').connectionsPerDyno).toBe(13)
  })
})
