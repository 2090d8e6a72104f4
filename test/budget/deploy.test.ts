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
