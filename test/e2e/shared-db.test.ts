import {describe, expect, it} from 'vitest'

import {fixture, runCliInProcess, runJson} from '../helpers/cli.js'

interface JsonReport {
  deployMoments: {app: null | string; kind: string; peak: number}[]
  deployPeak: number
  diagnostics: {code: string; file?: string; message: string}[]
  limit: number
  processTypes: {app: null | string; connections: number; dynos: number; maxDynos: null | number; name: string; sources: Record<string, {source: {file?: string}}>}[]
  status: string
  total: number
}

const cwd = fixture('capacity/shared-db')
const row = (r: JsonReport, app: string, name: string) => r.processTypes.find((p) => p.app === app && p.name === name)!

describe('several apps, one database', () => {
  it('budgets the sum, with a row per app and type', () => {
    const {code, json} = runJson<JsonReport>(['plan'], {cwd})
    expect(code).toBe(0)
    expect(json.processTypes.map((p) => [p.app, p.name, p.connections])).toEqual([
      ['storefront', 'release', 1],
      ['storefront', 'web', 48],
      ['storefront', 'worker', 15],
      ['admin', 'web', 20],
    ])
    expect(json).toMatchObject({limit: 120, status: 'ok', total: 83})
    // Each app's env is its own: admin's RAILS_MAX_THREADS=5 does not reach storefront.
    expect(row(json, 'admin', 'web').connections / row(json, 'admin', 'web').dynos).toBe(10)
    expect(row(json, 'storefront', 'web').connections / row(json, 'storefront', 'web').dynos).toBe(6)
    // Room to scale is shared: storefront web may grow until the sum (and its release phase) fills 120.
    expect(row(json, 'storefront', 'web').maxDynos).toBe(14)
    expect(json.deployMoments).toEqual([expect.objectContaining({app: 'storefront', kind: 'release', peak: 84})])
  })

  it('paths are relative to the config file, in sources and the table', () => {
    const {json} = runJson<JsonReport>(['plan'], {cwd})
    expect(row(json, 'admin', 'web').sources.processesPerDyno.source).toMatchObject({file: 'admin/config/puma.rb', line: 19})
    expect(row(json, 'storefront', 'web').sources.dynos.source).toMatchObject({file: 'conncalc.yml', line: 8})
    const text = runCliInProcess(['plan'], {cwd})
    expect(text.stdout).toContain('conncalc plan conncalc.yml (2 apps) · plan standard-0 (limit 120)')
    expect(text.stdout).toMatch(/^app\s+type\s+server\s+dynos/m)
    expect(text.stdout).toMatch(/^admin\s+web\s+puma\s+2\s+2\s+5\s+5\s+0\s+5\s+10\s+20\s+5$/m)
    expect(text.stdout).toContain('█ storefront web 48  ▓ storefront worker 15  ▒ admin web 20  ░ free 37')
  })

  it('the exit code covers the sum: one app scaling up fails the shared budget', () => {
    const r = runJson<JsonReport>(['plan', '--config-app', 'storefront', '--scale', 'web=15'], {cwd})
    expect(r.code).toBe(1)
    expect(r.json).toMatchObject({status: 'over', total: 125})
    expect(r.json.diagnostics.map((d) => d.code)).toContain('over-limit')
    expect(runCliInProcess(['plan', '--config-app', 'admin', '--scale', 'web=4'], {cwd}).code).toBe(0) // 103 of 120: a warning
    expect(runCliInProcess(['plan', '--config-app', 'admin', '--scale', 'web=4', '--fail-on', 'warning'], {cwd}).code).toBe(1)
  })

  it('--preboot applies to every app; the deploy peak is the largest app deploy', () => {
    const {json} = runJson<JsonReport>(['plan', '--preboot'], {cwd})
    expect(json.deployMoments.map((m) => [m.app, m.kind, m.peak])).toEqual([
      ['storefront', 'release', 84],
      ['storefront', 'preboot', 131],
      ['admin', 'preboot', 103],
    ])
    expect(json.deployPeak).toBe(131)
    expect(json.diagnostics.map((d) => d.code)).toContain('deploy-over-limit')
  })

  it('--config-app needs a config that lists apps', () => {
    const r = runCliInProcess(['plan', '--procfile', 'examples/rails/Procfile', '--config-app', 'x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--config-app needs a config file that lists apps')
  })
})
