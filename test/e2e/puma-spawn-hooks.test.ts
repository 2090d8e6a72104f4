import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// A command config/puma.rb spawns is a process of its own beside Puma: read as that command, once per
// worker from on_worker_boot, once per dyno from before_fork (cluster mode). Plan standard-0, one dyno.
const plan = (args: string[] = []) => planJson(procfileOf('puma-spawn-hooks'), ['--plan', 'standard-0', '--scale', 'web=1', ...args])

describe('Puma config hooks that spawn a command', () => {
  it('counts on_worker_boot spawns per worker and before_fork spawns once per dyno', () => {
    // workers 3 (WEB_CONCURRENCY default), threads 4, pool 10: 3 × min(10, 4) = 12;
    // before_fork `sidekiq -c 6`: one process of 6 threads on pool 10 = 6;
    // on_worker_boot `clockwork clock.rb`: one per worker, 1 connection each = 3. 12 + 6 + 3 = 21.
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 21, processesPerDyno: 3, threadsPerProcess: 4})
    expect(r.total).toBe(21)
    // The two counted spawns are no longer warned as uncounted; on_worker_shutdown's still is.
    const uncounted = r.diagnostics.filter((d) => d.message.includes('starts another process'))
    expect(uncounted.map((d) => d.line)).toEqual([14])
  })

  it('follows the worker count: 2 workers run 2 clockworks', () => {
    // 2 × 4 + 6 + 2 = 16.
    expect(plan(['--env', 'WEB_CONCURRENCY=2']).type('web')).toMatchObject({connections: 16, processesPerDyno: 2})
  })

  it('counts neither hook in single mode, where Puma forks no worker', () => {
    // workers 0: one Puma process, 1 × min(10, 4) = 4; on_worker_boot and before_fork never run.
    const r = plan(['--env', 'WEB_CONCURRENCY=0'])
    expect(r.type('web')).toMatchObject({connections: 4, processesPerDyno: 1})
    // Said as never starting (info), not as an uncounted process (warning).
    const hooks = r.diagnostics.filter((d) => d.line === 6 || d.line === 10)
    expect(hooks.map((d) => [d.line, d.severity])).toEqual([[6, 'info'], [10, 'info']])
    expect(hooks[1].message).toContain('never runs: Puma runs in single mode')
  })
})
