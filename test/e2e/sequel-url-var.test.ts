/**
 * Sequel connected through an env var of the app's own (DCL-Metrics/dcl-metrics-be's
 * `FAT_BOY_DATABASE = Sequel.connect(ENV['FAT_BOY_DATABASE_URL'])`, fixture ruby-sequel-url-var's METRICS_DATABASE_URL):
 * the pool is on the server that var names. With no value for it, and nothing else in the process on DATABASE_URL, it
 * is taken as the app's own database: counted on the plan, starred, the var named (model/other-server.ts). Was: counted
 * on the plan as if it read DATABASE_URL, unstarred. A connect under an `if` that is false here (`RACK_ENV == "test"`)
 * and a block-form connect (closed at the block's end) are not the app's pool. When both URLs are given and the hosts
 * differ, the process's only pool is on another server: it holds none here (was: one per thread, "no pool known").
 * Sequel's pool: max_connections (lib/sequel/connection_pool/threaded.rb `Integer(opts[:max_connections] || 4)`).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const procfile = procfileOf('ruby-sequel-url-var')

describe('Sequel.connect(ENV["METRICS_DATABASE_URL"])', () => {
  it('no value for the var: counted on the plan, starred, naming it: web min(8, 5) + worker min(8, 6) = 11', () => {
    const r = planJson(procfile, ['--limit', '40'])
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 8})
    expect(r.type('worker')).toMatchObject({connections: 6, poolPerProcess: 8})
    expect(r.total).toBe(11)
    const via = JSON.stringify(r.type('web').sources['pool.primary'])
    expect(via).toContain('METRICS_DATABASE_URL')
    expect(via).toContain('"kind":"assumed"')
  })

  it('the var on DATABASE_URL\'s host: counted, not starred; on another host: none here', () => {
    const same = planJson(procfile, ['--limit', '40', '--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/app', '--env', 'METRICS_DATABASE_URL=postgres://u:p@db.example.com:5432/metrics'])
    expect(same.total).toBe(11)
    expect(JSON.stringify(same.type('web').sources['pool.primary'])).not.toContain('"kind":"assumed"')
    const other = planJson(procfile, ['--limit', '40', '--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/app', '--env', 'METRICS_DATABASE_URL=postgres://u:p@metrics.example.com:5432/metrics'])
    expect(other.type('web')).toMatchObject({connections: 0, connectionsPerProcess: 0})
    expect(other.type('worker')).toMatchObject({connections: 0, ceiling: 0})
    expect(other.total).toBe(0)
  })
})
