/**
 * Sequel's max_connections set where conncalc cannot read it: in an options hash written by index
 * (`opts[:max_connections] ||= Integer(ENV.fetch("DB_POOL", 8))`, fixture ruby-sequel-options-hash) or passed to
 * Sequel.connect as a `**splat` (fixture ruby-sequel-connect-splat). Before, both were read as "the app passes none"
 * (Sequel's default 4, not starred). Now: said with the line, the pool starred; counted with Sequel's default 4
 * (lib/sequel/connection_pool/threaded.rb `Integer(opts[:max_connections] || 4)`). A splat of the app's own method whose
 * returned hash sets the key (`**Shop::DB.options`, the options-hash fixture) is read through that method.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Sequel max_connections the app sets unreadably', () => {
  it('ruby-sequel-connect-splat: said at lib/shop/models.rb:4, the pool 4 starred: web 2 × min(4, 3) = 6, worker min(4, 8) = 4', () => {
    const r = planJson(procfileOf('ruby-sequel-connect-splat'), ['--limit', '40'])
    const at = 'lib/shop/models.rb:4'
    const said = r.diagnostics.filter((d) => d.code === 'unknown-config-value')
    expect(said.map((d) => [d.processType, `${d.file}:${d.line}`])).toEqual([['web', at], ['worker', at]])
    expect(said[0].message).toContain('`Sequel.connect` passes `**Shop::DB.options`')
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 4})
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({kind: 'assumed'})
    expect(r.total).toBe(10)
  })

  it('ruby-sequel-options-hash: the splatted method\'s `opts[:max_connections] ||= Integer(ENV.fetch("DB_POOL", 8))` is read: web 2 × min(8, 3) = 6, worker min(8, 8) = 8', () => {
    // `Sequel.connect(url, **Shop::DB.options)`; Shop::DB.options starts from {test: false} and sets the key with ||=.
    const r = planJson(procfileOf('ruby-sequel-options-hash'), ['--limit', '40'])
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 8})
    expect(r.type('worker')).toMatchObject({connections: 8, poolPerProcess: 8})
    expect(r.type('web').sources['pool.primary'].source).toEqual({file: 'lib/shop/db.rb', kind: 'file', line: 5})
    expect(r.total).toBe(14)
  })

  it('a readable max_connections keyword is still read (fixture roda-sequel): no such warning', () => {
    const r = planJson(procfileOf('roda-sequel'), ['--limit', '40'])
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value' && d.message.includes('max_connections'))).toEqual([])
  })
})
