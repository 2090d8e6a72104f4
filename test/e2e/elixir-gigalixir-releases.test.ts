/**
 * An Elixir app with no Procfile whose .buildpacks ends with Gigalixir's releases buildpack
 * (test/fixtures/elixir-gigalixir-releases, John-Inzalaco/frayt-elixir's shape): that buildpack's bin/compile runs
 * `mix release` and records `start` as the release's start command, which Gigalixir runs. The web process is the
 * release, so its runtime config, config/releases.exs, sizes the pool: String.to_integer(System.get_env("POOL_SIZE") ||
 * "12") → 12, not prod.exs's 4 that `mix run --no-halt` (the Elixir buildpack's default, when it is last) would use.
 */
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, runJson, type PlanJson} from '../helpers/cli.js'

const plan = (dir: string) => runJson<PlanJson>(['plan', '--plan', 'standard-0', '--scale', 'web=1:standard-1x'], {cwd: dir})

describe('Elixir without a Procfile, built by Gigalixir\'s releases buildpack', () => {
  it('web is the release (`bin/ledger start`), which reads config/releases.exs: pool 12, total 12, said as the default web process', () => {
    const r = plan(fixture('elixir-gigalixir-releases'))
    expect(r.code).toBe(0)
    const web = r.json.processTypes.find((p) => p.name === 'web')!
    expect(web).toMatchObject({command: 'bin/ledger start', connections: 12, poolPerProcess: 12, server: 'elixir-release'})
    expect(web.sources['pool.Ledger.Repo'].source).toEqual({file: 'config/releases.exs', kind: 'file', line: 5})
    expect(r.json.total).toBe(12)
    const said = r.json.diagnostics.find((d) => d.code === 'missing-config')
    expect(said?.message).toContain("the release Gigalixir's releases buildpack builds (.buildpacks:3 names it last")
  })

  it('with the Elixir buildpack last instead, web is `mix run --no-halt`, which never reads releases.exs: prod.exs pool 4', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-gigalixir-'))
    try {
      cpSync(fixture('elixir-gigalixir-releases'), dir, {recursive: true})
      writeFileSync(join(dir, '.buildpacks'), 'https://github.com/gigalixir/gigalixir-buildpack-releases.git\nhttps://github.com/HashNuke/heroku-buildpack-elixir\n')
      const r = plan(dir)
      expect(r.json.processTypes.find((p) => p.name === 'web')).toMatchObject({command: 'mix run --no-halt', connections: 4, poolPerProcess: 4})
      expect(r.json.total).toBe(4)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
