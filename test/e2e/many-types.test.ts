import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {maxOf} from '../../src/util/numbers.js'
import {runCliInProcess} from '../helpers/cli.js'

describe('many process types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-many-'))
  afterAll(() => rmSync(dir, {force: true, recursive: true}))

  it('the bar and its legend name the 10 largest types and group the rest, with the total unchanged', () => {
    // 14 types: tN runs Sidekiq with concurrency N + 1 against ActiveRecord's default pool of 5,
    // so t0 … t3 open 1 … 4 and t4 … t13 open min(5, N + 1) = 5 each: 10 + 10 × 5 = 60.
    const lines = Array.from({length: 14}, (_, i) => `t${i}: bundle exec sidekiq -c ${i + 1}`)
    writeFileSync(join(dir, 'Procfile'), `${lines.join('\n')}\n`)
    const r = runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '500'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('total 60 of 500')
    // The four smallest (1 + 2 + 3 + 4 = 10) share one segment.
    expect(r.stdout).toContain('4 other types 10')
    expect(r.stdout).toContain('t13 5')
    expect(r.stdout).not.toMatch(/t0 1\b/)
  })

  it('among types with equal connections, the earlier Procfile lines are the ones named', () => {
    // 12 types, each Puma with its defaults: 5 threads, ActiveRecord's pool 5 → 5 connections. The bar names
    // 10 (p0 … p9, in Procfile order) and groups p10 and p11: 2 other types 10; total 12 × 5 = 60.
    const lines = Array.from({length: 12}, (_, i) => `p${i}: puma`)
    writeFileSync(join(dir, 'Procfile'), `${lines.join('\n')}\n`)
    const r = runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '500'])
    expect(r.stdout).toContain('total 60 of 500')
    expect(r.stdout).toContain('p9 5')
    expect(r.stdout).toContain('2 other types 10')
    expect(r.stdout).not.toMatch(/p1[01] 5/)
  })

  it('5,000 process types budget in one pass', () => {
    // Each is Puma with its defaults: 5 threads and ActiveRecord's pool of 5 → 5 connections, 1 dyno each.
    const lines = Array.from({length: 5000}, (_, i) => `${i.toString(36)}:puma`)
    writeFileSync(join(dir, 'Procfile'), `${lines.join('\n')}\n`)
    const r = runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), '--limit', '262143', '--json'])
    expect(r.code).toBe(0) // 25,000 ≤ 262,143
    const json = JSON.parse(r.stdout) as {processTypes: unknown[]; total: number}
    expect(json.processTypes).toHaveLength(5000)
    expect(json.total).toBe(25_000)
  }, 120_000)

  it('maxOf does not spread its input', () => {
    expect(maxOf(Array.from({length: 300_000}, (_, i) => i))).toBe(299_999)
    expect(maxOf([], 7)).toBe(7)
  })
})
