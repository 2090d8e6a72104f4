import {describe, expect, it} from 'vitest'

import {analyzeApp} from '../../src/app/analyze-app.js'
import {memoryFiles} from '../../src/model/files.js'

const LOCK = `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.2.1)
    good_job (4.5.1)
    newrelic_rpm (9.16.0)
    puma (6.4.3)
    que (2.4.1)
    rails (7.2.1)
    sidekiq (7.3.0)
    solid_queue (1.2.4)

PLATFORMS
  ruby
`

const PROCFILE = `web: bundle exec puma -C config/puma.rb
jobs: bin/jobs
gj: bundle exec good_job --queues=";;mice:x;*"
sk: bundle exec sidekiq
que: bundle exec que
`

/** Every config file in a shape its tool would reject, or conncalc cannot read: diagnostics, never a crash. */
const ODD: Record<string, string>[] = [
  {
    'config/cable.yml': 'production: [1, 2]\n',
    'config/database.yml': 'production:\n  primary: 5\n  cache: [1]\n',
    'config/newrelic.yml': 'production: 5\n',
    'config/queue.yml': 'production:\n  workers: nope\n  dispatchers: [1, "x"]\n',
    'config/recurring.yml': 'production: ~\n',
    'config/sidekiq.yml': ':capsules: [1, 2]\n:concurrency: many\n',
  },
  {
    'config/cable.yml': ': : :\n',
    'config/database.yml': '<%= if true %>\nproduction:\n  url: <%= raise "x" %>\n',
    'config/environments/production.rb': 'Rails.application.configure do\n  config.good_job = {max_threads: compute, queues: 5}\n  config.solid_queue.connects_to = 7\n',
    'config/initializers/sidekiq.rb': 'Sidekiq.configure_server do |config|\n  config.capsule(name) { |c| c.concurrency = nil }\n  config.concurrency = "x"\nend\n',
    'config/newrelic.yml': 'production:\n  transaction_tracer: yes please\n',
    'config/puma.rb': 'workers 2\npreload_app!\nplugin :solid_queue\nbefore_fork do\n  ActiveRecord::Base.establish_connection(\nend\n',
    'config/queue.yml': 'production:\n  workers:\n    - threads: -1\n      processes: <%= ENV.fetch("NOPE") %>\n',
  },
]

describe('odd shapes in the files issue 3 reads', () => {
  for (const [i, files] of ODD.entries()) {
    it(`set ${i + 1}: every process type still gets numbers`, async () => {
      const app = await analyzeApp({
        envLayers: [],
        files: memoryFiles({'Gemfile.lock': LOCK, ...files}),
        formation: new Map(),
        procfile: {path: 'Procfile', text: PROCFILE},
      })
      expect(app.processes.map((p) => p.name)).toEqual(['web', 'jobs', 'gj', 'sk', 'que'])
      for (const p of app.processes) {
        expect(Number.isInteger(p.processesPerDyno.value), p.name).toBe(true)
        expect(Number.isInteger(p.threadsPerProcess.value), p.name).toBe(true)
        for (const x of [...p.extrasPerProcess, ...p.extrasPerDyno]) expect(Number.isInteger(x.count.value)).toBe(true)
      }

      expect(app.diagnostics.length).toBeGreaterThan(0)
      expect(app.processes.every((p) => p.threadsPerProcess.value >= 0 && p.processesPerDyno.value >= 0)).toBe(true)
    })
  }
})
