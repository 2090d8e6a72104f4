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

// Hooks the master runs around each worker's fork, and `fork { exec "cmd" }` (Kernel#exec replaces the forked child with
// cmd). Puma (lib/puma/cluster.rb spawn_worker): on_worker_fork before each fork, after_worker_fork after it, in the
// master. Unicorn (lib/unicorn/http_server.rb spawn_missing_workers): before_fork in the master before each worker's
// fork, after_fork in the worker. A master hook's `@pid ||= spawn …` starts one for the dyno; a plain one, one per fork.
// Database pool 10 in both fixtures (made up).
describe('processes started around each worker fork', () => {
  it('Puma: on_worker_fork `@x ||= spawn` once, after_worker_fork `fork { exec }` once per worker', () => {
    // 3 workers × min(10, 4) = 12; `sidekiq -c 2 -q mailers` once: 2; `sidekiq -c 1 -q logs` × 3 workers: 3. 17.
    const r = planJson(procfileOf('puma-fork-hooks'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 17, processesPerDyno: 3})
    expect(r.type('web').extras.filter((e) => e.kind === 'script-process').map((e) => e.count)).toEqual([2, 3])
    expect(r.diagnostics.filter((d) => d.message.includes('starts another process'))).toEqual([])
  })

  it('Unicorn: before_fork `||= spawn` once and `fork do exec … end` per fork, after_fork spawn per worker', () => {
    // 2 workers × 1 = 2; `sidekiq -c 3` once: 3; `sidekiq -c 1 -q webhooks` × 2: 2; `sidekiq -c 2 -q reports` × 2: 4. 11.
    const r = planJson(procfileOf('unicorn-fork-hooks'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 11, processesPerDyno: 2})
    expect(r.type('web').extras.filter((e) => e.kind === 'script-process').map((e) => e.count)).toEqual([3, 2, 4])
    expect(r.diagnostics.filter((d) => d.message.includes('starts another process'))).toEqual([])
  })
})
