import {cpSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, ROOT, runCliInProcess, runJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

interface JsonReport {
  deployMoments: {app: null | string; kind: string; peak: number}[]
  deployPeak: number
  diagnostics: {code: string; file?: string; message: string}[]
  limit: number
  processTypes: {app: null | string; connections: number; dynos: number; maxDynos: null | number; name: string; sources: Record<string, {source: {file?: string; line?: number}}>}[]
  status: string
  total: number
}

const cwd = fixture('capacity/shared-db')
const {emptyDir} = tempApps('capacity/shared-db')
const row = (r: JsonReport, app: string, name: string) => r.processTypes.find((p) => p.app === app && p.name === name)!

describe('several apps, one database', () => {
  it('budgets the sum, with a row per app and type', () => {
    const {code, json} = runJson<JsonReport>(['plan'], {cwd})
    expect(code).toBe(0)
    expect(json.processTypes.map((p) => [p.app, p.name, p.connections])).toEqual([
      // release `rails db:migrate`: the migration's connection + the migrator's advisory-lock connection
      ['storefront', 'release', 2],
      ['storefront', 'web', 48],
      ['storefront', 'worker', 15],
      ['admin', 'web', 20],
    ])
    expect(json).toMatchObject({limit: 120, status: 'ok', total: 83})
    // Each app's env is its own: admin's RAILS_MAX_THREADS=5 does not reach storefront.
    expect(row(json, 'admin', 'web').connections / row(json, 'admin', 'web').dynos).toBe(10)
    expect(row(json, 'storefront', 'web').connections / row(json, 'storefront', 'web').dynos).toBe(6)
    // Room to scale is shared: storefront web may grow until the sum (and its release phase's 2) fills 120:
    // (120 − 15 − 20 − 2) ÷ 6 = 13.
    expect(row(json, 'storefront', 'web').maxDynos).toBe(13)
    expect(json.deployMoments).toEqual([expect.objectContaining({app: 'storefront', kind: 'release', peak: 85})])
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
      ['storefront', 'release', 85],
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

  it('apps that share one Procfile each get their own numbers, sources and warnings', () => {
    // Three apps of one codebase (examples/rails copied to shop/), one of them with its own env; the
    // folder holds a binary initializer, which every app reads.
    const dir = emptyDir()
    cpSync(join(ROOT, 'examples/rails'), join(dir, 'shop'), {recursive: true})
    mkdirSync(join(dir, 'shop/config/initializers'))
    writeFileSync(join(dir, 'shop/config/initializers/blob.rb'), 'x\0y')
    const app = (name: string, web: number, extra = ''): string => `  - name: ${name}\n    procfile: shop/Procfile\n    scale: {web: ${web}, worker: 1}\n${extra}`
    writeFileSync(join(dir, 'conncalc.yml'), `plan: standard-0\napps:\n${app('eu', 2)}${app('us', 3, '    env: {RAILS_MAX_THREADS: 8}\n')}${app('asia', 2)}`)
    const {code, json} = runJson<JsonReport>(['plan'], {cwd: dir})
    expect(code).toBe(0)
    // web: puma.rb's `workers ENV.fetch("WEB_CONCURRENCY", 2)` × `threads_count = ENV.fetch("RAILS_MAX_THREADS", 3)`
    // (pool 5 from database.yml's ENV.fetch("RAILS_MAX_THREADS") { 5 } caps nothing): eu and asia 2 dynos × 2 × 3 = 12;
    // us sets RAILS_MAX_THREADS=8 (threads and pool 8): 3 × 2 × 8 = 48. worker: sidekiq's concurrency 5 (the Procfile
    // line sets RAILS_MAX_THREADS from SIDEKIQ_CONCURRENCY:-5), 1 × 5 = 5 for each app. Total 12 + 5 + 48 + 5 + 12 + 5 = 87.
    expect(json.processTypes.filter((p) => p.name !== 'release').map((p) => [p.app, p.name, p.connections])).toEqual([
      ['eu', 'web', 12],
      ['eu', 'worker', 5],
      ['us', 'web', 48],
      ['us', 'worker', 5],
      ['asia', 'web', 12],
      ['asia', 'worker', 5],
    ])
    expect(json.total).toBe(87)
    // Each app's dynos come from its own lines of conncalc.yml; each app's files are named once from the config's folder.
    expect([row(json, 'eu', 'web'), row(json, 'asia', 'web')].map((r) => r.sources.dynos.source.line)).toEqual([5, 12])
    for (const name of ['eu', 'us', 'asia']) expect(row(json, name, 'web').sources.processesPerDyno.source.file).toBe('shop/config/puma.rb')
    // The binary file is named for every app that reads it, not only the first.
    const blob = json.diagnostics.filter((d) => d.code === 'unparsable-config').map((d) => d.message).sort()
    expect(blob).toEqual(['asia', 'eu', 'us'].map((a) => `${a}: config/initializers/blob.rb cannot be read (not a text file: it holds NUL bytes); the values it may set are assumptions (*), not defaults`))
  })
})
