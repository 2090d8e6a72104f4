import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Shapes found in the real-app corpus (test/corpus/summary.md), each in a fixture of our own.
// Plan standard-0 (limit 120), one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('shapes from the real-app corpus', () => {
  it('database.yml with an ERB tag on its own lines inserting another file: that tag is unknown, the rest is read', () => {
    // production: pool 7 (config/database.yml:20); Puma threads 7, 7 in single mode: 1 × min(7, 7) = 7.
    const r = plan('rails-erb-inserted-yaml')
    expect(r.total).toBe(7)
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7, processesPerDyno: 1, server: 'puma', threadsPerProcess: 7})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({file: 'config/database.yml', kind: 'file', line: 20})
    expect(r.codes).not.toContain('unparsable-config')
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')).toMatchObject({file: 'config/database.yml', line: 8})
  })
})

describe('workers and clocks from the real-app corpus', () => {
  it('Laravel: Horizon runs its production supervisors\' 10 + 5 worker processes, schedule:work one, the release phase apart', () => {
    // queues: Σ maxProcesses (supervisor-1 10, supervisor-media processes env(…, 5)) = 15 × 1 job each = 15;
    // scheduler: 1 × 1; web: PHP-FPM children on standard-1x, whatever they are, not unknown.
    const r = plan('laravel-horizon', ['--scale', 'web=1', 'queues=1', 'scheduler=1'])
    expect(r.type('queues')).toMatchObject({connections: 15, processesPerDyno: 15, server: 'horizon', threadsPerProcess: 1})
    expect(r.type('scheduler')).toMatchObject({connections: 1, server: 'artisan-schedule'})
    expect(r.codes).not.toContain('unknown-command')
    expect(plan('laravel-horizon', ['--scale', 'web=1', 'queues=2', 'scheduler=1', '--env', 'HORIZON_MEDIA_PROCESSES=2']).type('queues')).toMatchObject({connections: 24, processesPerDyno: 12})
  })

  it('Symfony: messenger:consume inside `bash -c "while true; do …; done"` is one process with one connection', () => {
    const r = plan('symfony-messenger', ['--scale', 'web=1', 'worker=2'])
    expect(r.type('worker')).toMatchObject({connections: 2, processesPerDyno: 1, server: 'symfony-messenger', threadsPerProcess: 1})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('Go with godep (no go.mod): the bare binary the buildpack installs is the Go app, database/sql unbounded until --assume', () => {
    const r = plan('go-godep', ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 1, processesPerDyno: 1, server: 'go'})
    expect(r.codes).toEqual(['unbounded-pool'])
  })
})
