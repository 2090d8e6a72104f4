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
