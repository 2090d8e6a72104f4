import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Falcon (`falcon serve`, `falcon host`): instances × what one reactor thread's fibers hold.
// Plan standard-0 (limit 120), one dyno of each type, standard-1x (nproc 8) unless said.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('Falcon', () => {
  it('isolation_level :fiber: every request fiber leases its own connection, so the pool is what each process holds', () => {
    // web: `falcon serve --count 3` → 3 forked processes; config/application.rb:7 isolation_level :fiber,
    // pool 12 (database.yml:8): 3 × min(12, 12) = 36.
    // worker: `--threaded -n 4` → one process of 4 threads; their fibers share the one pool: 1 × 12 = 12.
    const r = plan('falcon-fiber', ['--scale', 'web=1,worker=1'])
    expect(r.type('web')).toMatchObject({connections: 36, processesPerDyno: 3, server: 'falcon', threadsPerProcess: 12})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({flag: '--count 3', kind: 'flag'})
    expect(r.type('worker')).toMatchObject({connections: 12, processesPerDyno: 1, threadsPerProcess: 12})
    expect(r.total).toBe(48)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('`falcon host` with no count: Async::Container.processor_count instances, the dyno\'s CPU count, starred and said', () => {
    // falcon.rb's service sets no `count`: Etc.nprocessors, 8 on a standard-1x (an assumption); Rails'
    // default isolation :thread: the fibers of a process share its thread's one connection: 8 × min(5, 1) = 8.
    const r = plan('falcon-host', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 8, threadsPerProcess: 1, server: 'falcon'})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'assumed'})
    expect(r.diagnostics.find((d) => d.code === 'cpu-count-default')?.message).toContain('Falcon instances is 8')
    // ASYNC_CONTAINER_PROCESSOR_COUNT is what processor_count reads first: 2 × 1 = 2, no warning.
    const set = plan('falcon-host', ['--scale', 'web=1', '--env', 'ASYNC_CONTAINER_PROCESSOR_COUNT=2'])
    expect(set.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(set.codes).not.toContain('cpu-count-default')
    // A performance dyno is not a shared host: its CPU count is its own, no warning.
    expect(plan('falcon-host', ['--scale', 'web=1:performance-l']).codes).not.toContain('cpu-count-default')
  })

  it('`count` in falcon.rb\'s service block is the process count, read with its env default', () => {
    // falcon.rb:7 `count ENV.fetch("FALCON_COUNT", 2).to_i`: 2 processes × 1 = 2; FALCON_COUNT=4 → 4.
    expect(plan('falcon-host-count', ['--scale', 'web=1']).type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(plan('falcon-host-count', ['--scale', 'web=1', '--env', 'FALCON_COUNT=4']).type('web')).toMatchObject({connections: 4, processesPerDyno: 4})
  })
})
