import {cpSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {configJsonSchema} from '../../src/model/config.js'
import {fixture, ROOT, runCli, runCliInProcess, runJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

interface JsonReport {
  diagnostics: {code: string}[]
  limit: null | number
  plan: null | {name: string}
  processTypes: {dynoRange: null | {max: number; min: number}; dynos: number; name: string; poolPerProcess: null | number; sources: Record<string, {source: unknown; via?: unknown[]}>; threadsPerProcess: number}[]
  reserve: number
  status: string
  total: number
  warnAt: number
}

const type = (r: JsonReport, name: string) => r.processTypes.find((p) => p.name === name)!
/** Copies of the storefront fixture app with `files` written into them. */
const {app, emptyDir} = tempApps('capacity/storefront')

describe('config file: found in the app root, flags override it', () => {
  it('conncalc.yml next to the Procfile: plan, scale (a range), reserve, warnAt, env, preboot', () => {
    const {code, json} = runJson<JsonReport>(['plan', '--procfile', fixture('capacity/shop/Procfile')])
    expect(code).toBe(0)
    expect(json).toMatchObject({limit: 120, plan: {name: 'standard-0'}, reserve: 5, status: 'ok', total: 61, warnAt: 0.75})
    expect(type(json, 'web')).toMatchObject({dynoRange: {max: 6, min: 2}, dynos: 6})
    expect(type(json, 'worker')).toMatchObject({dynos: 2, poolPerProcess: 10, threadsPerProcess: 10})
    // Every number from the file is sourced to its line.
    const shop = 'test/fixtures/capacity/shop/conncalc.yml'
    expect(type(json, 'web').sources.dynos.source).toEqual({file: shop, kind: 'file', line: 8})
    expect(type(json, 'worker').sources.threadsPerProcess.via).toContainEqual({from: `${shop}:11`, kind: 'env', name: 'SIDEKIQ_CONCURRENCY'})
  })

  it('found from the working directory too (conncalc run in the app folder)', () => {
    expect(runJson<JsonReport>(['plan'], {cwd: fixture('capacity/shop')}).json.total).toBe(61)
  })

  it('flags win: --plan, --scale (type by type), --reserve, --warn-at, --env', () => {
    const args = ['plan', '--procfile', fixture('capacity/shop/Procfile'), '--plan', 'standard-2', '--scale', 'web=1', '--reserve', '0', '--warn-at', '0.9', '--env', 'SIDEKIQ_CONCURRENCY=4']
    const {json} = runJson<JsonReport>(args)
    expect(json).toMatchObject({limit: 400, reserve: 0, warnAt: 0.9})
    expect(type(json, 'web')).toMatchObject({dynoRange: null, dynos: 1})
    expect(type(json, 'worker')).toMatchObject({dynos: 2, threadsPerProcess: 4}) // worker=2 still from the file
    expect(json.total).toBe(6 + 8)
  })

  it('.conncalc.yml works the same', () => {
    const dir = app({'.conncalc.yml': 'plan: essential-0\nscale:\n  web: 1\n  worker: 1\n'})
    expect(runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile')]).json).toMatchObject({limit: 20, total: 11})
  })

  it('the "conncalc" key of package.json (a Rails app with jsbundling)', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', fixture('capacity/pkg/Procfile')])
    expect(json).toMatchObject({limit: 20, plan: {name: 'essential-0'}, total: 6})
  })

  it('a package.json without the key is not a config file', () => {
    const dir = app({'package.json': '{"name": "assets", "private": true}\n'})
    expect(runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile')]).json.limit).toBeNull()
  })

  it('--config names a file elsewhere; its paths are relative to it', () => {
    const dir = emptyDir()
    // Paths in a config file stay inside its folder (a password file elsewhere must not be read as a
    // Procfile): the app sits beside it.
    cpSync(fixture('capacity/storefront'), join(dir, 'storefront'), {recursive: true})
    writeFileSync(join(dir, 'capacity.yml'), 'procfile: storefront/Procfile\nplan: essential-2\nscale: {web: 3, worker: 1}\nenvFiles: [prod.env]\n')
    writeFileSync(join(dir, 'prod.env'), 'RAILS_MAX_THREADS=2\n')
    const {json} = runJson<JsonReport>(['plan', '--config', join(dir, 'capacity.yml')])
    expect(json).toMatchObject({limit: 40})
    expect(type(json, 'web')).toMatchObject({dynos: 3, threadsPerProcess: 2})
  })

  it('assumptions replace what conncalc read, sourced to the file', () => {
    const dir = app({'conncalc.yml': 'plan: standard-0\nscale: {web: 2, worker: 1}\nassumptions:\n  web:\n    processes: 4\n    threads: 2\n'})
    const {json} = runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile')])
    expect(type(json, 'web')).toMatchObject({threadsPerProcess: 2})
    expect(json.total).toBe(2 * 4 * 2 + 5)
    expect(runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--explain']).stdout).toMatch(/processes per dyno\s+4\s+\S*conncalc\.yml:5/)
  })

  it('extras replace what conncalc found or assumed outside the pools, sourced to their line', () => {
    // examples/rails with an assumed Puma master connection (a query after boot, no before_fork), then said to be 0.
    const puma = 'threads 3, 3\nworkers 2\npreload_app!\n'
    const warm = 'Rails.application.config.after_initialize { Plan.first }\n'
    const without = app({'config/initializers/warm.rb': warm, 'config/puma.rb': puma})
    const assumed = runJson<JsonReport>(['plan', '--procfile', join(without, 'Procfile'), '--scale', 'web=2', 'worker=1'])
    // 2 workers × min(5, 3) + 1 master = 7.
    expect(type(assumed.json, 'web')).toMatchObject({connectionsPerDyno: 7, extraPerDyno: 1})
    expect(assumed.json.diagnostics.map((d) => d.code)).toContain('fork-disconnect-missing')

    const dir = app({'config/initializers/warm.rb': warm, 'config/puma.rb': puma, 'conncalc.yml': 'assumptions:\n  web:\n    extrasPerDyno: 0\n    extrasPerProcess: 1\n'})
    const {json} = runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile'), '--scale', 'web=2', 'worker=1'])
    expect(type(json, 'web')).toMatchObject({connectionsPerDyno: 8, connectionsPerProcess: 4, extraPerDyno: 0, extraPerProcess: 1})
    expect(json.diagnostics.map((d) => d.code)).not.toContain('fork-disconnect-missing')
    expect(runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--explain']).stdout).toMatch(/\+ per process\s+1\s+connections outside the pool, as given: \S*conncalc\.yml:4/)
    // The flag form, and the flag wins over the file.
    const flag = runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile'), '--scale', 'web=2', 'worker=1', '--assume', 'web.extras=0:2'])
    expect(type(flag.json, 'web')).toMatchObject({connectionsPerDyno: 8, extraPerDyno: 2, extraPerProcess: 0})
  })
})

describe('config file errors point at the file, line and key, and exit 2', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an unknown key, with the closest known one', {'conncalc.yml': 'plan: standard-0\nwarn-at: 0.9\n'}, /invalid config file conncalc\.yml:\n {2}conncalc\.yml:2: warn-at: unknown key; did you mean warnAt\?/],
    ['a value out of range', {'conncalc.yml': 'plan: standard-0\nwarnAt: 2\n'}, /conncalc\.yml:2: warnAt: Too big: expected number to be <=1/],
    ['a scale value that is not a dyno count', {'conncalc.yml': 'scale:\n  web: lots\n'}, /conncalc\.yml:2: scale\.web: use a dyno count \(2\), a range \(2\.\.10\) or a count and size/],
    ['a negative dyno count', {'conncalc.yml': 'scale:\n  web: -1\n'}, /conncalc\.yml:2: scale\.web: a dyno count cannot be negative/],
    ['an unknown dyno size', {'conncalc.yml': 'scale:\n  worker: "2:huge"\n'}, /conncalc\.yml:2: scale\.worker: unknown dyno size "huge"/],
    ['a scale type not in the Procfile', {'conncalc.yml': 'plan: standard-0\nscale:\n  clock: 1\n'}, /conncalc\.yml:3: scale\.clock: "clock" is not a process type in .*Procfile[\s\S]*hint: process types in .*: release, web, worker/],
    ['an assumption for a type not in the Procfile', {'conncalc.yml': 'assumptions:\n  wrker:\n    threads: 2\n'}, /conncalc\.yml:2: assumptions\.wrker: "wrker" is not a process type/],
    ['an unknown assumption key', {'conncalc.yml': 'assumptions:\n  web:\n    thread: 2\n'}, /conncalc\.yml:3: assumptions\.web\.thread: unknown key; did you mean threads\?/],
    ['a wrong type', {'conncalc.yml': 'envFiles: .env.production\n'}, /conncalc\.yml:1: envFiles: Invalid input: expected array, received string/],
    ['invalid YAML', {'conncalc.yml': 'plan: standard-0\nscale: [web\n'}, /conncalc\.yml:3:1: config file is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]/],
    ['apps with a top-level scale', {'conncalc.yml': 'scale: {web: 1}\napps:\n  - name: a\n    procfile: Procfile\n'}, /conncalc\.yml:1: scale: with apps, scale belongs in each app entry/],
    ['two apps with one name', {'conncalc.yml': 'apps:\n  - name: a\n    procfile: Procfile\n  - name: a\n    procfile: Procfile\n'}, /conncalc\.yml:4: apps\[1\]\.name: the app name "a" appears twice/],
    ['an app without a procfile', {'conncalc.yml': 'apps:\n  - name: a\n'}, /conncalc\.yml:2: apps\[0\]\.procfile: missing \(a string\)\n/],
    ['an assumed count above any server\'s connection slots', {'conncalc.yml': 'assumptions:\n  web:\n    processes: 1000000\n'}, /conncalc\.yml:3: assumptions\.web\.processes: processes above 262143 \(PostgreSQL's most connection slots\) is a typo\n/],
    ['an empty list of apps', {'conncalc.yml': 'apps: []\n'}, /conncalc\.yml:1: apps: empty; give at least one\n/],
    ['a list where the settings go', {'conncalc.yml': '- plan: standard-0\n'}, /conncalc\.yml:1: \(top level\): the file holds a list; a config file is a mapping of settings \(conncalc schema prints them\)\n/],
    ['a missing env file named in the config', {'conncalc.yml': 'envFiles: [nope.env]\n'}, /env file not found: .*nope\.env/],
    ['a bad key in package.json', {'package.json': '{\n  "name": "x",\n  "conncalc": {\n    "plan": "standard-0",\n    "reserve": "five"\n  }\n}\n'}, /package\.json:5: conncalc\.reserve: Invalid input: expected number, received string/],
  ]

  for (const [what, files, message] of cases) {
    it(what, () => {
      const dir = app(files)
      const r = runCliInProcess(['plan'], {cwd: dir})
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stdout).toBe('')
    })
  }

  it('--config naming a missing file', () => {
    const r = runCli(['plan', '--config', 'nope.yml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('config file not found: nope.yml')
  })

  it('under --json the error is JSON', () => {
    const dir = app({'conncalc.yml': 'reserve: -1\n'})
    const r = runCli(['plan', '--json'], {cwd: dir})
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({error: {exitCode: 2, message: expect.stringContaining('conncalc.yml:1: reserve: Too small')}})
  })

  it('a password in a config env value never reaches the output', () => {
    const dir = app({'conncalc.yml': 'plan: standard-0\nscale: {web: 1, worker: 1}\nenv:\n  DATABASE_URL: postgres://shop:hunter2@db.example.com:5432/shop\n  RAILS_MAX_THREADS: lots\n'})
    for (const format of ['table', 'markdown', 'json', 'github', 'svg']) {
      const r = runCliInProcess(['plan', '--format', format, '--explain'], {cwd: dir, env: {GITHUB_ACTIONS: 'true'}})
      expect(r.stdout + r.stderr, format).not.toContain('hunter2')
    }
  })
})

describe('conncalc schema', () => {
  it('prints the JSON Schema generated from the zod schema', () => {
    const r = runCli(['schema'])
    expect(r.code).toBe(0)
    const schema = JSON.parse(r.stdout) as {properties: Record<string, unknown>; title: string}
    expect(schema.title).toContain('conncalc.yml')
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['apps', 'assumptions', 'env', 'envFiles', 'plan', 'preboot', 'reserve', 'scale', 'warnAt']))
  })

  it('--json prints the same schema; with a stray argument, the error as JSON', () => {
    const r = runCli(['schema', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(runCli(['schema']).stdout))
    const wrong = runCli(['schema', '--json', 'x'])
    expect(wrong.code).toBe(2)
    expect(JSON.parse(wrong.stdout)).toMatchObject({error: {exitCode: 2}})
  })

  it('the committed plans/conncalc.schema.json is what the zod schema gives (run `conncalc schema > plans/conncalc.schema.json` after changing it)', async () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'plans', 'conncalc.schema.json'), 'utf8')) as unknown
    expect(committed).toEqual(await configJsonSchema())
  })
})

describe('start-up stays fast: zod loads only when a config file exists', () => {
  it('dist/main.js does not import the zod chunk statically', () => {
    const dist = join(ROOT, 'dist')
    const seen = new Set<string>()
    const walk = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const text = readFileSync(join(dist, file), 'utf8')
      for (const m of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)"/gm)) walk(m[1])
      for (const m of text.matchAll(/^import\s*"\.\/([^"]+)"/gm)) walk(m[1])
    }

    walk('main.js')
    const zod = readdirSync(dist).filter((f) => /^zod-/.test(f))
    expect(zod.length).toBe(1)
    expect([...seen]).not.toContain(zod[0])
  })
})

