import {describe, expect, it} from 'vitest'

import type {ProcessModel} from '../../src/model/process.js'

import {computeBudget} from '../../src/budget/budget.js'
import {runRules} from '../../src/rules/index.js'
import {fromFlag, sourced} from '../../src/model/source.js'

const flag = (n: number) => sourced(n, fromFlag('--test'))

function proc(name: string, o: {app?: string; dynos: number; perDyno: number; preboot?: boolean; release?: boolean}): ProcessModel {
  return {
    ...(o.app ? {app: o.app} : {}),
    ...(o.preboot ? {deployOverlap: sourced(true, fromFlag('--preboot'))} : {}),
    command: name,
    dynos: flag(o.dynos),
    extrasPerDyno: [],
    extrasPerProcess: [],
    language: 'ruby',
    name,
    otherServerPools: [],
    pools: [],
    processesPerDyno: flag(1),
    role: o.release ? 'release' : 'long-running',
    server: 'test',
    threadsPerProcess: flag(o.perDyno),
  }
}

const budget = (processes: ProcessModel[], limit: number) =>
  computeBudget({diagnostics: [], processes, root: '.'}, {limit: flag(limit), reserve: flag(0), warnAt: 0.8})

describe('deploy moments', () => {
  it('without preboot the peak is the release phase: total + the release dyno', () => {
    const b = budget([proc('web', {dynos: 2, perDyno: 6}), proc('worker', {dynos: 1, perDyno: 5}), proc('release', {dynos: 1, perDyno: 1, release: true})], 20)
    expect(b.total).toBe(17)
    expect(b.deployMoments).toEqual([{app: null, extra: 1, kind: 'release', peak: 18, processTypes: ['release']}])
    expect(b.deployPeak).toBe(18)
  })

  it('preboot and the release phase are different moments: the peak is the larger, not the sum', () => {
    const b = budget([proc('web', {dynos: 2, perDyno: 6, preboot: true}), proc('worker', {dynos: 1, perDyno: 5}), proc('release', {dynos: 1, perDyno: 1, release: true})], 40)
    expect(b.deployMoments.map((m) => [m.kind, m.peak])).toEqual([
      ['release', 18],
      ['preboot', 29],
    ])
    expect(b.deployPeak).toBe(29) // 17 + 12, not 17 + 12 + 1
  })

  it('with nothing beside the formation the deploy peak is the total', () => {
    const b = budget([proc('web', {dynos: 2, perDyno: 6})], 20)
    expect(b.deployMoments).toEqual([])
    expect(b.deployPeak).toBe(12)
  })

  it('apps deploy one at a time: each app has its own moments', () => {
    const b = budget(
      [proc('web', {app: 'a', dynos: 2, perDyno: 6, preboot: true}), proc('release', {app: 'a', dynos: 1, perDyno: 1, release: true}), proc('web', {app: 'b', dynos: 1, perDyno: 10, preboot: true})],
      100,
    )
    expect(b.total).toBe(22)
    expect(b.deployMoments.map((m) => [m.app, m.kind, m.peak])).toEqual([
      ['a', 'release', 23],
      ['a', 'preboot', 34],
      ['b', 'preboot', 32],
    ])
    expect(b.deployPeak).toBe(34)
  })

  it('max dynos keeps the deploy peak within the limit when preboot doubles the type', () => {
    // worker 5 + web 6/dyno, preboot: 5 + 12n ≤ 40 → n = 2 (without preboot it would be 5)
    const b = budget([proc('web', {dynos: 1, perDyno: 6, preboot: true}), proc('worker', {dynos: 1, perDyno: 5})], 40)
    expect(b.processTypes.find((p) => p.name === 'web')!.maxDynos).toBe(2)
    // worker: 6 + 6 (overlap) + 5n ≤ 40 → n = 5
    expect(b.processTypes.find((p) => p.name === 'worker')!.maxDynos).toBe(5)
  })
})

describe('deploy-over-limit', () => {
  it('fires when the formation fits but a deploy does not', () => {
    const b = budget([proc('web', {dynos: 2, perDyno: 6, preboot: true}), proc('worker', {dynos: 1, perDyno: 5})], 20)
    expect(b.status).toBe('warning')
    const ds = runRules({app: {diagnostics: [], processes: [], root: '.'}, budget: b})
    expect(ds).toContainEqual(expect.objectContaining({code: 'deploy-over-limit', severity: 'error'}))
    expect(ds.find((d) => d.code === 'deploy-over-limit')!.message).toContain('a deploy peaks at 29: during the preboot overlap (a second set of web dynos adds 12)')
  })

  it('stays quiet when the deploy fits, and when over-limit already says it', () => {
    const fits = budget([proc('web', {dynos: 2, perDyno: 6, preboot: true})], 24)
    expect(runRules({app: {diagnostics: [], processes: [], root: '.'}, budget: fits}).map((d) => d.code)).not.toContain('deploy-over-limit')
    const over = budget([proc('web', {dynos: 5, perDyno: 6, preboot: true})], 24)
    const codes = runRules({app: {diagnostics: [], processes: [], root: '.'}, budget: over}).map((d) => d.code)
    expect(codes).toContain('over-limit')
    expect(codes).not.toContain('deploy-over-limit')
  })
})

describe('max dynos is arithmetic, and agrees with scaling the row and budgeting again', () => {
  // A deterministic pseudo-random formation generator (LCG), so a failure reproduces.
  function* formations(seed: number, count: number): Generator<ProcessModel[]> {
    let s = seed
    const next = (n: number): number => {
      s = (s * 1_103_515_245 + 12_345) % 2_147_483_648
      return s % n
    }

    for (let i = 0; i < count; i++) {
      const rows: ProcessModel[] = []
      const apps = ['a', 'b', 'c'].slice(0, 1 + next(3))
      for (const app of apps) {
        for (let t = 0; t < 1 + next(4); t++) rows.push(proc(`t${t}`, {app, dynos: next(6), perDyno: next(12), preboot: next(3) === 0}))
        if (next(2) === 0) rows.push(proc('release', {app, dynos: 1, perDyno: 1 + next(3), release: true}))
      }

      yield rows
    }
  }

  it('for every long-running row: d dynos fit and d + 1 do not (by re-budgeting with that count)', () => {
    let checked = 0
    for (const rows of formations(7, 300)) {
      const limit = 40 + (rows.length * 13) % 120
      const b = budget(rows, limit)
      b.processTypes.forEach((p, i) => {
        if (p.role !== 'long-running' || p.connectionsPerDyno === 0) return expect(p.maxDynos).toBeNull()
        const peakWith = (d: number) => budget(rows.map((r, j) => (j === i ? {...r, dynos: flag(d)} : r)), limit).deployPeak
        expect(p.maxDynos).toBeGreaterThanOrEqual(0)
        if (p.maxDynos! > 0) expect(peakWith(p.maxDynos!)).toBeLessThanOrEqual(limit)
        expect(peakWith(p.maxDynos! + 1)).toBeGreaterThan(limit)
        checked++
      })
    }

    expect(checked).toBeGreaterThan(300)
  })

  it('limits far above 2³¹ give a number, not a hang', () => {
    const b = budget([proc('web', {dynos: 1, perDyno: 3})], 10_000_000_000)
    expect(b.processTypes[0].maxDynos).toBe(3_333_333_333)
  })
})
