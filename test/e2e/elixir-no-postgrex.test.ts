/**
 * An Elixir app that installs no PostgreSQL driver (test/fixtures/elixir-no-postgrex: plug_cowboy and libcluster, no
 * postgrex in mix.lock, no Ecto repo in config/): nothing it runs can connect to PostgreSQL (Ecto's Postgres adapter
 * and every Elixir client connect through postgrex), so each process holds 0, said once — not 1 assumed per process.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Elixir without postgrex', () => {
  it('web and gossip (`mix run --no-halt`) hold 0 each: total 0, one not-postgresql line naming mix.lock, no unknown-command', () => {
    const r = planJson(procfileOf('elixir-no-postgrex'), ['--scale', 'web=2', 'gossip=1'])
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('gossip')).toMatchObject({connections: 0})
    expect(r.total).toBe(0)
    expect(r.exit).toBe(0)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics.filter((d) => d.code === 'not-postgresql')).toContainEqual(expect.objectContaining({file: 'mix.lock', message: expect.stringContaining('mix.lock installs no postgrex')}))
    expect(r.type('web').sources.threadsPerProcess.source).toEqual({file: 'mix.lock', kind: 'file', line: 1})
  })
})
