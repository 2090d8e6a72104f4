/**
 * An Elixir 1.9/1.10 release's runtime configuration is config/releases.exs (test/fixtures/elixir-releases-exs):
 * `mix release` copies it into the release and evaluates it at boot, after config.exs/prod.exs (Mix.Tasks.Release,
 * "Runtime configuration"); `mix run` never reads it. prod.exs says pool_size 4; releases.exs says
 * String.to_integer(System.get_env("POOL_SIZE") || "12").
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('elixir-releases-exs'), ['--scale', 'web=2', 'importer=1', ...args])

describe('Elixir: config/releases.exs in a release', () => {
  it('web (bin/ledger start) reads releases.exs: POOL_SIZE unset → 12, 2 dynos × 12 = 24; importer (mix run) keeps prod.exs 4; total 28', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, server: 'elixir-release'})
    expect(r.type('web').sources['pool.Ledger.Repo'].source).toEqual({file: 'config/releases.exs', kind: 'file', line: 5})
    expect(r.type('importer')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.total).toBe(28)
  })

  it('POOL_SIZE=7 → web 2 × 7 = 14, importer still 4; total 18', () => {
    const r = plan('--env', 'POOL_SIZE=7')
    expect(r.type('web')).toMatchObject({connections: 14, poolPerProcess: 7})
    expect(r.type('importer').poolPerProcess).toBe(4)
    expect(r.total).toBe(18)
  })
})
