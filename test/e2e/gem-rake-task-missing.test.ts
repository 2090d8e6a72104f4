/**
 * `rake jobs:work` in an app whose Gemfile.lock has no delayed_job (DFE-Digital/claim-additional-payments-for-teaching:
 * its 2019 Procfile's worker line, left after the app moved to Solid Queue): no gem defines the task, so Rake stops with
 * "Don't know how to build task 'jobs:work'" (ruby/rake lib/rake/task_manager.rb) and the worker exits at start. Said
 * as an error at the Procfile line (exit 1), counted as if it ran (1 × 1, the Delayed Job worker), starred; with the
 * gem in the lock, or a lib/tasks file of the app's own in that namespace, nothing is said.
 *
 * App (temp): Rails 7.1 with Puma and Solid Queue, pool 5; Procfile web `bundle exec puma -t 5:5`, worker
 * `bundle exec rake jobs:work`. By hand: web min(5, 5) = 5; worker 1 (if it ran).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const lock = (extra: string) => `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.3)
${extra}    pg (1.5.6)
    puma (6.4.2)
    rails (7.1.3)
      activerecord (= 7.1.3)
      railties (= 7.1.3)
    railties (7.1.3)
    solid_queue (1.1.0)

PLATFORMS
  ruby

DEPENDENCIES
  pg
  puma
  rails (~> 7.1.3)
  solid_queue
`
const files = {
  Gemfile: "source 'https://rubygems.org'\ngem 'rails', '~> 7.1.3'\ngem 'pg'\ngem 'puma'\ngem 'solid_queue'\n",
  'Gemfile.lock': lock(''),
  Procfile: 'web: bundle exec puma -t 5:5\nworker: bundle exec rake jobs:work\n',
  Rakefile: 'require_relative "config/application"\nRails.application.load_tasks\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  pool: 5\n',
}
const args = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']

describe('a job system\'s rake task whose gem is not in the bundle', () => {
  it('is an error at the Procfile line (exit 1); the worker is counted as if it ran, starred', () => {
    const r = planJson(join(app(files), 'Procfile'), args)
    expect(r.exit).toBe(1)
    const d = r.diagnostics.find((x) => x.code === 'missing-config' && x.processType === 'worker')!
    expect(d).toMatchObject({file: 'Procfile', line: 2, severity: 'error'})
    expect(d.message).toContain("worker: `rake jobs:work`, but Gemfile.lock has no delayed_job gem, which defines `jobs:work`, and the app's Rakefile and lib/tasks do not define it: Rake stops with \"Don't know how to build task 'jobs:work'\"")
    const worker = r.type('worker')
    expect([worker.server, worker.processesPerDyno, worker.connections]).toEqual(['delayed_job', 1, 1])
    expect(worker.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('so `bundle exec rake jobs:work` stops at start; counted as if it ran')}))
    expect(r.type('web').connections).toBe(5)
    expect(r.total).toBe(6)
  })

  it('with delayed_job in the lock, or the app\'s own jobs namespace in lib/tasks, nothing is said and nothing starred', () => {
    const bundled = planJson(join(app({...files, 'Gemfile.lock': lock('    delayed_job (4.1.11)\n      activesupport (>= 3.0, < 8.0)\n')}), 'Procfile'), args)
    expect(bundled.exit).toBe(0)
    expect(bundled.diagnostics.some((x) => x.message.includes("Don't know how to build task"))).toBe(false)
    expect(JSON.stringify(bundled.type('worker').sources.processesPerDyno)).not.toContain('assumed')
    const own = planJson(join(app({...files, 'lib/tasks/jobs.rake': 'namespace :jobs do\n  task work: :environment do\n    MyQueue.run\n  end\nend\n'}), 'Procfile'), args)
    expect(own.diagnostics.some((x) => x.message.includes("Don't know how to build task"))).toBe(false)
  })
})
