import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {BUILTIN_DYNO_SIZES_FILE, loadDynoSizes} from '../../src/platform/dyno-size-table.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced, fromFlag, isAssumption, sourced} from '../../src/model/source.js'
import {buildpackWebConcurrency, classicWebConcurrency, dynoFacts, dynoSizeTableSchema, findDynoSize} from '../../src/platform/dyno-sizes.js'
import {platformLayer} from '../../src/platform/env-layer.js'
import {autotuneChildren} from '../../src/languages/php/fpm-memory-limit.js'
import {detectLanguage} from '../../src/platform/language.js'

const table = loadDynoSizes()

describe('plans/dyno-sizes.json', () => {
  it('matches the schema', async () => {
    const schema = await dynoSizeTableSchema()
    const result = schema.safeParse(JSON.parse(readFileSync(new URL(`../../${BUILTIN_DYNO_SIZES_FILE}`, import.meta.url), 'utf8')))
    expect(result.success ? [] : result.error.issues).toEqual([])
  })

  // The buildpacks' own formulas (domain-facts §2.2, audit §2.3), recomputed for every row.
  it.each(table.sizes.map((s) => [s.name, s] as const))('%s: WEB_CONCURRENCY agrees with each buildpack formula', (_name, s) => {
    const fir = s.generation === 'fir'
    const python = Math.min(s.nproc * 2 + 1, Math.floor(s.memoryMb / 256))
    // The Node CNB (web_env.rs) caps memory at MAX_AVAILABLE_MEMORY_MB = 129_024 and has no "> 200 → 1" rule.
    const memory = fir ? Math.min(s.memoryMb, 129_024) : s.memoryMb
    const perWeb = memory > 16_384 ? 2048 : 512
    const node = Math.max(1, Math.floor(memory / perWeb))
    const ratio = s.memoryMb / 128
    const php = Math.min(Math.floor(ratio), Math.floor(Math.ceil(Math.log2(ratio)) * s.nproc * 2))
    // Python's CNB sets no WEB_CONCURRENCY on Fir (Dev Center, python-concurrency).
    expect(s.webConcurrency).toEqual(fir ? {nodejs: node, php} : {nodejs: node > 200 ? 1 : node, php, python})
    // The PHP analyzer's autotune (used when the app sets another memory_limit) gives the row's count at 128M.
    expect(autotuneChildren(s.memoryMb, s.nproc, 128 * 1024 ** 2)).toBe(php)
  })

  it('marks exactly the dyno-* sizes as Fir', () => {
    expect(table.sizes.filter((s) => s.generation === 'fir').map((s) => s.name)).toEqual(table.sizes.filter((s) => s.name.startsWith('dyno-')).map((s) => s.name))
  })

  it('names each size once: no name or alias is used twice', () => {
    const all = table.sizes.flatMap((s) => [s.name, ...(s.aliases ?? [])])
    expect(all.filter((n, i) => all.indexOf(n) !== i)).toEqual([])
    expect(findDynoSize(table, table.default)).toBeDefined()
  })

  // domain-facts §2.1 (the dyno-types page, and the R15 limits of dyno-memory-behavior for Private/Shield).
  it('gives Common Runtime, Private and Shield sizes the memory of the dyno-types page, confirmed', () => {
    const gb: Record<string, number> = {'2xl': 126, basic: 0.5, eco: 0.5, l: 14, 'l-ram': 30, m: 2.5, s: 1, 'standard-1x': 0.5, 'standard-2x': 1, xl: 62}
    for (const s of table.sizes.filter((r) => !r.name.startsWith('dyno-') && !r.name.includes('-memory-'))) {
      const key = /^(performance|private|shield)-(.+)$/.exec(s.name)?.[2] ?? s.name
      expect([s.name, s.memoryMb, s.memoryConfidence]).toEqual([s.name, gb[key] * 1024, 'confirmed'])
    }
  })

  it('has every Private/Shield size for both tiers, with the same hardware', () => {
    const tier = (t: string) =>
      table.sizes
        .filter((s) => s.name.startsWith(`${t}-`))
        .map((s) => [s.name.slice(t.length + 1), s.memoryMb, s.memoryConfidence, s.nproc, s.nprocConfidence, s.webConcurrency])
    expect(tier('private').map(([n]) => n)).toEqual(['s', 'm', 'l', 'l-ram', 'xl', '2xl', 'memory-l', 'memory-xl', 'memory-2xl'])
    expect(tier('shield')).toEqual(tier('private'))
  })

  it('Private/Shield M, L, L-RAM, XL, 2XL nproc confirmed by the Python buildpack (WEB_CONCURRENCY.sh: 2, 8, 4, 8, 16 cores); S stays assumed', () => {
    const nproc = (n: string) => table.sizes.find((s) => s.name === n)!
    for (const t of ['private', 'shield']) {
      expect(['m', 'l', 'l-ram', 'xl', '2xl'].map((k) => [nproc(`${t}-${k}`).nproc, nproc(`${t}-${k}`).nprocConfidence])).toEqual([
        [2, 'confirmed'],
        [8, 'confirmed'],
        [4, 'confirmed'],
        [8, 'confirmed'],
        [16, 'confirmed'],
      ])
      expect(nproc(`${t}-s`).nprocConfidence).toBe('unconfirmed')
    }
  })

  it('labels what it could not confirm: *-memory-* memory, Fir memory and nproc (taken from the size name)', () => {
    for (const s of table.sizes.filter((r) => r.name.includes('-memory-'))) expect(s.memoryConfidence).toBe('unconfirmed')
    const fir = table.sizes.filter((r) => r.name.startsWith('dyno-'))
    expect(fir).toHaveLength(17)
    for (const s of fir) {
      const [, cpu, gb] = /^dyno-(\d+)c-([\d.]+)gb$/.exec(s.name)!
      expect([s.name, s.memoryMb, s.nproc, s.memoryConfidence, s.nprocConfidence]).toEqual([s.name, Number(gb) * 1024, Number(cpu), 'unconfirmed', 'unconfirmed'])
    }
  })

  it('keeps the values Heroku tests confirm', () => {
    const wc = (name: string) => table.sizes.find((s) => s.name === name)!.webConcurrency
    expect(wc('standard-1x')).toEqual({nodejs: 1, php: 4, python: 2})
    expect(wc('standard-2x').python).toBe(4)
    expect(wc('performance-l')).toEqual({nodejs: 28, php: 112, python: 17})
  })

  it('has the classic buildpacks\' formulas worked out on every Cedar row (classicWebConcurrency, used on a Render instance)', () => {
    for (const s of table.sizes.filter((x) => x.generation !== 'fir')) expect([s.name, classicWebConcurrency(s.memoryMb, s.nproc)]).toEqual([s.name, s.webConcurrency])
    // A Render starter instance: 512 MB, 1 CPU: min(3, 2) = 2; 512 / 512 = 1; min(4, ⌈log2 4⌉ × 1 × 2 = 4) = 4.
    expect(classicWebConcurrency(512, 1)).toEqual({nodejs: 1, php: 4, python: 2})
    // Render standard: 2 GB, 1 CPU: min(3, 8) = 3; 4; min(16, 4 × 1 × 2 = 8) = 8.
    expect(classicWebConcurrency(2048, 1)).toEqual({nodejs: 4, php: 8, python: 3})
  })
})

describe('dynoFacts', () => {
  it('reads a size given with --scale, case-insensitively, with aliases', () => {
    const d = dynoFacts(table, sourced('Standard-2X', fromFlag('--scale web=2:Standard-2X')))
    expect(d.name).toBe('standard-2x')
    expect(d.memoryMb.value).toBe(1024)
    expect(d.nproc.value).toBe(8)
    expect(isAssumption(d.nproc)).toBe(false)
    expect(dynoFacts(table, sourced('2X', fromFlag('--scale'))).name).toBe('standard-2x')
  })

  it('assumes a 512 MB dyno when no size is given, and says so', () => {
    const d = dynoFacts(table, undefined)
    expect(d.name).toBe('standard-1x')
    expect(isAssumption(d.memoryMb)).toBe(true)
    expect(describeSourced(d.size)).toMatch(/^assumption: no dyno size in --scale or app.json; a 512 MB standard-1x dyno assumed/)
  })

  it('reads a 30 GB Private-L-RAM as 30 GB, not as an assumed 512 MB dyno', () => {
    const d = dynoFacts(table, sourced('private-l-ram', fromFlag('--scale web=2:private-l-ram')))
    expect(d.name).toBe('private-l-ram')
    expect(d.memoryMb.value).toBe(30_720)
    expect(isAssumption(d.memoryMb)).toBe(false)
    // Confirmed by heroku-buildpack-python vendor/WEB_CONCURRENCY.sh ("Performance-L-RAM / Private-L-RAM / Shield-L-RAM: 9 (based on the 4 CPU cores)").
    expect(describeSourced(d.nproc)).toContain('default: nproc inside a private-l-ram dyno (nproc 4: heroku-buildpack-python vendor/WEB_CONCURRENCY.sh lists Performance-L-RAM / Private-L-RAM / Shield-L-RAM on 4 CPU cores)')
    const python = buildpackWebConcurrency(table, 'python', d)!
    expect(python.value).toBe(9)
    expect(isAssumption(python)).toBe(false)
    const node = buildpackWebConcurrency(table, 'nodejs', d)!
    expect(node.value).toBe(15)
    expect(isAssumption(node)).toBe(false)
  })

  it('labels an undocumented memory as an assumption, and the WEB_CONCURRENCY computed from it', () => {
    const d = dynoFacts(table, sourced('dyno-2c-1gb', fromFlag('--scale web=1:dyno-2c-1gb')))
    expect(d.memoryMb.value).toBe(1024)
    expect(describeSourced(d.memoryMb)).toMatch(/^assumption: memory 1024 MB on dyno-2c-1gb \(Fir: memory taken from the size name/)
    const node = buildpackWebConcurrency(table, 'nodejs', d)!
    expect(node.value).toBe(2)
    expect(isAssumption(node)).toBe(true)
    const e = platformLayer(table, detectLanguage(memoryFiles({'package.json': '{}'})), d)!.vars.get('WEB_CONCURRENCY')!
    expect(e.source.kind).toBe('assumed')
    expect(e.source.kind === 'assumed' && e.source.why).toContain('memory 1024 MB on dyno-2c-1gb')
  })

  it('labels an unknown size as an assumption instead of failing', () => {
    const d = dynoFacts(table, sourced('mega-9x', fromFlag('--scale web=1:mega-9x')))
    expect(d.name).toBe('standard-1x')
    expect(describeSourced(d.size)).toContain('"mega-9x" is not in plans/dyno-sizes.json')
  })

  it('on Fir: Python sets no WEB_CONCURRENCY; Node caps memory at 129,024 MB (dyno-16c-128gb → 63)', () => {
    const big = dynoFacts(table, sourced('dyno-16c-128gb', fromFlag('--scale web=1:dyno-16c-128gb')))
    expect(buildpackWebConcurrency(table, 'python', big)).toBeUndefined()
    // min(131072, 129024) = 129024 MB, above 16384 → ÷ 2048 = 63 (the classic table would give 131072 ÷ 2048 = 64).
    const node = buildpackWebConcurrency(table, 'nodejs', big)!
    expect(node.value).toBe(63)
    expect(describeSourced(node)).toContain('heroku/nodejs (CNB) buildpack sets WEB_CONCURRENCY=63 on dyno-16c-128gb')
    const python = detectLanguage(memoryFiles({'requirements.txt': 'gunicorn\n'}))
    expect(platformLayer(table, python, dynoFacts(table, sourced('dyno-2c-4gb', fromFlag('--scale'))))).toBeUndefined()
    // The same app on a Cedar size gets the classic buildpack's value.
    expect(platformLayer(table, python, dynoFacts(table, sourced('performance-m', fromFlag('--scale'))))!.vars.get('WEB_CONCURRENCY')!.value).toBe('5')
  })

  it('cites the buildpack formula for WEB_CONCURRENCY', () => {
    const wc = buildpackWebConcurrency(table, 'python', dynoFacts(table, sourced('performance-m', fromFlag('--scale'))))!
    expect(wc.value).toBe(5)
    expect(describeSourced(wc)).toContain('heroku/python buildpack sets WEB_CONCURRENCY=5 on performance-m: min(nproc × 2 + 1, memory MB ÷ 256)')
  })
})

describe('detectLanguage and the platform layer', () => {
  it('detects Python from requirements.txt and sets WEB_CONCURRENCY by size', () => {
    const detected = detectLanguage(memoryFiles({'requirements.txt': 'gunicorn\n'}))
    expect(detected.language).toBe('python')
    const l = platformLayer(table, detected, dynoFacts(table, sourced('standard-2x', fromFlag('--scale web=1:standard-2x'))))!
    const e = l.vars.get('WEB_CONCURRENCY')!
    expect(e.value).toBe('4')
    expect(e.source.kind).toBe('default')
  })

  it('labels WEB_CONCURRENCY an assumption when the dyno size is not known', () => {
    const detected = detectLanguage(memoryFiles({'package.json': '{}'}))
    const e = platformLayer(table, detected, dynoFacts(table, undefined))!.vars.get('WEB_CONCURRENCY')!
    expect(e.value).toBe('1')
    expect(e.source.kind).toBe('assumed')
  })

  it('detects .NET as heroku/dotnet does: a solution, project or C# file in the root, not deeper', () => {
    for (const file of ['App.sln', 'App.slnx', 'App.csproj', 'App.vbproj', 'App.fsproj', 'app.cs']) {
      expect(detectLanguage(memoryFiles({[file]: ''}))).toMatchObject({language: 'dotnet', source: {kind: 'default', what: `heroku/dotnet buildpack detected from ${file}`}})
    }

    expect(detectLanguage(memoryFiles({'src/Api/Api.csproj': ''})).language).toBeUndefined()
  })

  it('sets nothing for Ruby, PHP, Java, Go and .NET apps', () => {
    for (const file of ['Gemfile', 'composer.json', 'pom.xml', 'go.mod', 'Api.csproj', 'mix.exs']) {
      const detected = detectLanguage(memoryFiles({[file]: ''}))
      expect(platformLayer(table, detected, dynoFacts(table, undefined))).toBeUndefined()
    }
  })

  it('no Procfile, package.json with nothing for npm start beside composer.json: heroku/php, assumed; with a start script (or server.js) heroku/nodejs', () => {
    const assets = detectLanguage(memoryFiles({'composer.json': '{}', 'package.json': '{"devDependencies": {"gulp": "4"}}'}))
    expect(assets).toMatchObject({all: ['nodejs', 'php'], language: 'php', source: {kind: 'assumed', why: expect.stringContaining('composer.json is there')}})
    expect(detectLanguage(memoryFiles({'composer.json': '{}', 'package.json': '{"scripts": {"start": "node app.js"}}'})).language).toBe('nodejs')
    expect(detectLanguage(memoryFiles({'composer.json': '{}', 'package.json': '{}', 'server.js': ''})).language).toBe('nodejs')
    // With a Procfile the processes decide (a web that runs node keeps heroku/nodejs).
    expect(detectLanguage(memoryFiles({'composer.json': '{}', 'package.json': '{}'}), undefined, [{command: 'node worker.js', file: 'Procfile', line: 1, name: 'web'}]).language).toBe('nodejs')
  })

  it('lets app.json buildpacks decide: the last one writes WEB_CONCURRENCY', () => {
    const files = memoryFiles({
      'app.json': JSON.stringify({buildpacks: [{url: 'heroku/nodejs'}, {url: 'heroku/python'}]}, null, 2),
      'package.json': '{}',
      'requirements.txt': '',
    })
    const detected = detectLanguage(files)
    expect(detected.language).toBe('python')
    expect(detected.source).toEqual({file: 'app.json', kind: 'file', line: 2})
  })

  it('follows Heroku detection order when several languages are present, labelled', () => {
    // (package.json starts something: one that starts nothing, with no Procfile, is the case above.)
    const detected = detectLanguage(memoryFiles({'package.json': '{"scripts": {"start": "node index.js"}}', 'requirements.txt': ''}))
    expect(detected.language).toBe('nodejs')
    expect(detected.source?.kind).toBe('assumed')
  })
})
