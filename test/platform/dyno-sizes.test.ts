import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {BUILTIN_DYNO_SIZES_FILE, loadDynoSizes} from '../../src/io/dyno-sizes.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced, fromFlag, isAssumption, sourced} from '../../src/model/source.js'
import {buildpackWebConcurrency, dynoFacts, dynoSizeTableSchema} from '../../src/platform/dyno-sizes.js'
import {platformLayer} from '../../src/platform/env-layer.js'
import {detectLanguage} from '../../src/platform/language.js'

const table = loadDynoSizes()

describe('plans/dyno-sizes.json', () => {
  it('matches the schema', async () => {
    const schema = await dynoSizeTableSchema()
    const result = schema.safeParse(JSON.parse(readFileSync(new URL(`../../${BUILTIN_DYNO_SIZES_FILE}`, import.meta.url), 'utf8')))
    expect(result.success ? [] : result.error.issues).toEqual([])
  })

  // The buildpacks' own formulas (domain-facts §2.2), recomputed for every row.
  it.each(table.sizes.map((s) => [s.name, s] as const))('%s: WEB_CONCURRENCY agrees with each buildpack formula', (_name, s) => {
    const python = Math.min(s.nproc * 2 + 1, Math.floor(s.memoryMb / 256))
    const perWeb = s.memoryMb > 16_384 ? 2048 : 512
    const node = Math.max(1, Math.floor(s.memoryMb / perWeb))
    const ratio = s.memoryMb / 128
    const php = Math.min(Math.floor(ratio), Math.floor(Math.ceil(Math.log2(ratio)) * s.nproc * 2))
    expect(s.webConcurrency).toEqual({nodejs: node > 200 ? 1 : node, php, python})
  })

  it('keeps the values Heroku tests confirm', () => {
    const wc = (name: string) => table.sizes.find((s) => s.name === name)!.webConcurrency
    expect(wc('standard-1x')).toEqual({nodejs: 1, php: 4, python: 2})
    expect(wc('standard-2x').python).toBe(4)
    expect(wc('performance-l')).toEqual({nodejs: 28, php: 112, python: 17})
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

  it('labels an unknown size as an assumption instead of failing', () => {
    const d = dynoFacts(table, sourced('mega-9x', fromFlag('--scale web=1:mega-9x')))
    expect(d.name).toBe('standard-1x')
    expect(describeSourced(d.size)).toContain('"mega-9x" is not in plans/dyno-sizes.json')
  })

  it('cites the buildpack formula for WEB_CONCURRENCY', () => {
    const wc = buildpackWebConcurrency(table, 'python', dynoFacts(table, sourced('performance-m', fromFlag('--scale'))))
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

  it('sets nothing for Ruby, PHP, Java and Go apps', () => {
    for (const file of ['Gemfile', 'composer.json', 'pom.xml', 'go.mod']) {
      const detected = detectLanguage(memoryFiles({[file]: ''}))
      expect(platformLayer(table, detected, dynoFacts(table, undefined))).toBeUndefined()
    }
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
    const detected = detectLanguage(memoryFiles({'package.json': '{}', 'requirements.txt': ''}))
    expect(detected.language).toBe('nodejs')
    expect(detected.source?.kind).toBe('assumed')
  })
})
