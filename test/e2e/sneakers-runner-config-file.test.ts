/**
 * Sneakers' runner_config_file (fixture sneakers-runner-config): Sneakers.configure(workers: 6, threads: 2,
 * runner_config_file: "config/sneakers_runner.rb"), and that file says `workers 3`. RunnerConfig#reload_config!
 * instance_evals the file, whose `workers` sets @conf[:workers] over the runner's opts (WORKER_COUNT for rake
 * sneakers:run) and Sneakers::CONFIG (sneakers runner.rb make_serverengine_config), so 3 processes fork in both types.
 * Each runs its worker class with 2 threads (pool 5): 3 × 2 = 6 per type.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Sneakers runner_config_file (fixture sneakers-runner-config)', () => {
  const r = planJson(procfileOf('sneakers-runner-config'), ['--scale', 'web=0', '--limit', '40'])

  it('`workers 3` in the runner file wins over Sneakers.configure(workers: 6) and WORKER_COUNT=5: 3 × 2 = 6 each', () => {
    for (const type of ['invoices', 'gemtask']) {
      expect(r.type(type)).toMatchObject({connections: 6, processesPerDyno: 3, threadsPerProcess: 2})
      expect(r.type(type).sources.processesPerDyno.source).toMatchObject({file: 'config/sneakers_runner.rb', line: 1})
    }
  })

  it('a runner_config_file that is not in the app is said (Sneakers logs and runs without it): Sneakers.configure\'s 6 × 2 = 12', () => {
    const out = planJson(procfileOf('sneakers-runner-config-missing'), ['--scale', 'web=0', '--limit', '40'])
    expect(out.type('invoices')).toMatchObject({connections: 12, processesPerDyno: 6})
    const said = out.diagnostics.filter((d) => d.code === 'missing-config')
    expect(said.map((d) => `${d.file}:${d.line}`)).toEqual(['config/initializers/sneakers.rb:5'])
    expect(said[0].message).toContain('config/sneakers_runner.rb')
  })
})
