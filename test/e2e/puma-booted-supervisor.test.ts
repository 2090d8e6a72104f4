/**
 * A Puma config that supervises a job process of its own from `on_booted` (Puma 6.2+ DSL; `after_booted` from 7.0):
 * the hook runs once per dyno when Puma has booted, in single and cluster mode (lib/puma/single.rb and cluster.rb fire
 * it). Inside, a thread loops: `unless pid` it starts `pid = spawn(env, *words, chdir: dir)` with `words` a top-level
 * `%w[...]` array and `env` a top-level hash: one copy at a time. The app (test/fixtures/rake-loop-parent, pool 8,
 * Sidekiq 7.3): Puma 2 threads; the supervised Sidekiq -c 3 holds min(8, 3) = 3 → web 2 + 3 = 5 per dyno;
 * with `workers 2` 2 × 2 + 3 = 7 (still one Sidekiq per dyno).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')
const supervisor = (hook: string, guard: string) => `job_command = %w[bundle exec sidekiq -c 3]
job_env = { "RAILS_ENV" => "production" }
job_pid = nil

threads 2, 2

${hook} do
  Thread.new do
    loop do
      ${guard}
        job_pid = spawn(job_env, *job_command, chdir: Dir.pwd)
      end
      sleep 30
    end
  end
end
`
const web = (puma: string) => {
  const p = planJson(`${app({'config/puma.rb': puma, Procfile: 'web: bundle exec puma -C config/puma.rb\n'})}/Procfile`, ['--scale', 'web=1'])
  return {p, row: p.type('web'), warned: p.diagnostics.some((d) => d.message.includes('starts another process'))}
}

describe('a process a Puma config supervises from on_booted', () => {
  it('single mode: on_booted runs; `unless job_pid` starts one Sidekiq (3) beside Puma (2): 5, no warning', () => {
    const {row, warned} = web(supervisor('on_booted', 'unless job_pid'))
    expect(row).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 1})
    expect(warned).toBe(false)
  })

  it('cluster mode (`workers 2`, after_booted, `if job_pid.nil?`): still one Sidekiq per dyno: 2 × 2 + 3 = 7', () => {
    const {row} = web(`workers 2\n${supervisor('after_booted', 'if job_pid.nil?')}`)
    expect(row).toMatchObject({connectionsPerDyno: 7, processesPerDyno: 2})
  })

  it('a guard on something else (`if rand > 0.5`) is a condition conncalc does not decide: not counted, the warning stays', () => {
    const {row, warned} = web(supervisor('on_booted', 'if rand > 0.5'))
    expect(row.connectionsPerDyno).toBe(2)
    expect(warned).toBe(true)
  })
})
