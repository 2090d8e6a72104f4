/**
 * A server or worker run in the foreground and waited for never returns, so nothing after it starts: on a Procfile
 * line (`a; b`, bash -c runs a list left to right, each waited for), in a script, and in a rake task (`sh` waits:
 * rake file_utils.rb; a task defined twice appends the second body after the first: task_manager.rb enhance).
 * The app (test/fixtures/rake-loop-parent): Rails 7.1, Sidekiq 7.3, database.yml pool 8; Sidekiq -c 3 holds
 * min(8, 3) = 3, Delayed Job's `rake jobs:work` 1, `rake batches:one` (a query) 1.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')
const worker = (files: Record<string, string>) => planJson(`${app(files)}/Procfile`, ['--scale', 'worker=1']).type('worker')

describe('a foreground server or worker ends what runs it', () => {
  it('Procfile list: `sidekiq -c 3; rake jobs:work` is Sidekiq (3), the DJ worker never starts; `rake db:migrate; sidekiq -c 3` is Sidekiq too', () => {
    expect(worker({Procfile: 'worker: bundle exec sidekiq -c 3; bundle exec rake jobs:work\n'})).toMatchObject({connectionsPerDyno: 3, server: 'sidekiq', threadsPerProcess: 3})
    expect(worker({Procfile: 'worker: bundle exec rake db:migrate; bundle exec sidekiq -c 3\n'})).toMatchObject({connectionsPerDyno: 3, server: 'sidekiq'})
  })

  it('the commands after it are said (info at the line): `sidekiq -c 3; rake jobs:work; echo done` names both; an escaped quote splitting an argument at `;` shows as such', () => {
    const r = planJson(`${app({Procfile: 'worker: bundle exec sidekiq -c 3; bundle exec rake jobs:work; echo done\n'})}/Procfile`, ['--scale', 'worker=1'])
    const said = r.diagnostics.find((d) => d.code === 'never-runs')
    expect(said).toMatchObject({file: 'Procfile', line: 1, processType: 'worker', severity: 'info'})
    expect(said!.message).toBe('worker: `bundle exec sidekiq -c 3` runs in the foreground and never returns, so `bundle exec rake jobs:work`, `echo done` after it never run')
    const quoted = planJson(`${app({Procfile: 'worker: bundle exec sidekiq -q \\"a;b\\"\n'})}/Procfile`, ['--scale', 'worker=1'])
    expect(quoted.diagnostics.find((d) => d.message.includes('never return'))!.message).toContain('so `b"` after it never runs')
    // Nothing after it: nothing said.
    expect(planJson(`${app({Procfile: 'worker: bundle exec rake db:migrate; bundle exec sidekiq -c 3\n'})}/Procfile`, ['--scale', 'worker=1']).diagnostics.some((d) => d.message.includes('never return'))).toBe(false)
  })

  it('a daemonizing flag returns at once: `sidekiq -d -c 3; bundle exec rake jobs:work` is the DJ worker (1), with the daemon still running beside it (3): 4', () => {
    expect(worker({Procfile: 'worker: bundle exec sidekiq -d -c 3; bundle exec rake jobs:work\n'})).toMatchObject({connectionsPerDyno: 4, server: 'delayed_job'})
  })

  it('a script: Sidekiq then `rake jobs:work` is Sidekiq (3); nothing after it starts, not even a job sent to the background', () => {
    const script = '#!/bin/bash\nbundle exec sidekiq -c 3\nbundle exec rake jobs:work &\nbundle exec rake jobs:work\n'
    const row = worker({'bin/worker.sh': script, Procfile: 'worker: bash bin/worker.sh\n'})
    expect(row).toMatchObject({connectionsPerDyno: 3, server: 'sidekiq'})
  })

  it('a rake task: `sh "bundle exec sidekiq -c 3"` then `sh "bundle exec rake jobs:work"` is Sidekiq (3); the same with the second run in a second definition of the task', () => {
    const one = 'task :work do\n  sh "bundle exec sidekiq -c 3"\n  sh "bundle exec rake jobs:work"\nend\n'
    expect(worker({'lib/tasks/work.rake': one, Procfile: 'worker: bundle exec rake work\n'})).toMatchObject({connectionsPerDyno: 3, server: 'sidekiq'})
    const twice = 'task :work do\n  sh "bundle exec sidekiq -c 3"\nend\n\ntask :work do\n  sh "bundle exec rake jobs:work"\nend\n'
    expect(worker({'lib/tasks/work.rake': twice, Procfile: 'worker: bundle exec rake work\n'})).toMatchObject({connectionsPerDyno: 3, server: 'sidekiq'})
    // A command that finishes (migrations) before the worker: the worker is the process, as before.
    const migrate = 'task :work do\n  sh "bundle exec rake db:migrate"\n  sh "bundle exec rake jobs:work"\nend\n'
    expect(worker({'lib/tasks/work.rake': migrate, Procfile: 'worker: bundle exec rake work\n'})).toMatchObject({connectionsPerDyno: 1, server: 'delayed_job'})
  })
})
