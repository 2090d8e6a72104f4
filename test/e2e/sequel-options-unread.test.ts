/**
 * Sequel's max_connections set where conncalc cannot read it: in an options hash written by index
 * (`opts[:max_connections] ||= Integer(ENV.fetch("DB_POOL", 8))`, fixture ruby-sequel-options-hash) or passed to
 * Sequel.connect as a `**splat` (fixture ruby-sequel-connect-splat). Before, both were read as "the app passes none"
 * (Sequel's default 4, not starred). Now: said with the line, the pool starred; counted with Sequel's default 4
 * (lib/sequel/connection_pool/threaded.rb `Integer(opts[:max_connections] || 4)`).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Sequel max_connections the app sets unreadably', () => {
  for (const [app, at, what] of [
    ['ruby-sequel-options-hash', 'lib/shop/db.rb:5', '`opts[:max_connections] ||= Integer(ENV.fetch("DB_POOL", 8))` sets max_connections in an options hash'],
    ['ruby-sequel-connect-splat', 'lib/shop/models.rb:4', '`Sequel.connect` passes `**Shop::DB.options`'],
  ] as const) {
    it(`${app}: said at ${at}, the pool 4 starred: web 2 × min(4, 3) = 6, worker min(4, 8) = 4`, () => {
      const r = planJson(procfileOf(app), ['--limit', '40'])
      const said = r.diagnostics.filter((d) => d.code === 'unknown-config-value')
      expect(said.map((d) => [d.processType, `${d.file}:${d.line}`])).toEqual([['web', at], ['worker', at]])
      expect(said[0].message).toContain(what)
      expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 4})
      expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4})
      expect(r.type('web').sources['pool.primary'].source).toMatchObject({kind: 'assumed'})
      expect(r.total).toBe(10)
    })
  }

  it('a readable max_connections keyword is still read (fixture roda-sequel): no such warning', () => {
    const r = planJson(procfileOf('roda-sequel'), ['--limit', '40'])
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value' && d.message.includes('max_connections'))).toEqual([])
  })
})
