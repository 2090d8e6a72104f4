import {describe, expect, it} from 'vitest'

import type {ProcessModel} from '../src/model/process.js'

import {computeBudget, statusFor} from '../src/budget/budget.js'
import {assumed, fromFile, fromFlag, sourced} from '../src/model/source.js'

const s = (n: number) => sourced(n, assumed('test'))

function model(name: string, o: {dynos: number; pool?: number; pools?: number[]; processes: number; role?: 'long-running' | 'release'; threads: number; extra?: number; perDyno?: number}): ProcessModel {
  const pools = o.pools ?? (o.pool === undefined ? [] : [o.pool])
  return {
    command: `run ${name}`,
    dynos: sourced(o.dynos, fromFlag(`--scale ${name}=${o.dynos}`)),
    extrasPerDyno: o.perDyno ? [{count: s(o.perDyno), reason: 'master'}] : [],
    extrasPerProcess: o.extra ? [{count: s(o.extra), reason: 'listener'}] : [],
    language: 'ruby',
    name,
    otherServerPools: [],
    pools: pools.map((p, i) => ({database: `db${i}`, pool: sourced(p, fromFile('config/database.yml', 3)), server: 'DATABASE_URL'})),
    processesPerDyno: s(o.processes),
    role: o.role ?? 'long-running',
    server: 'puma',
    threadsPerProcess: s(o.threads),
  }
}

const options = (limit: null | number, reserve = 0) => ({
  limit: limit === null ? null : sourced(limit, fromFlag(`--limit ${limit}`)),
  reserve: sourced(reserve, fromFlag('--reserve')),
  warnAt: 0.8,
})

describe('budget arithmetic (DESIGN.md)', () => {
  it('Unicorn with 3 workers on 6 dynos is 18 of 20: a warning', () => {
    const b = computeBudget({diagnostics: [], processes: [model('web', {dynos: 6, pool: 5, processes: 3, threads: 1})], root: '.'}, options(20))
    expect(b.total).toBe(18)
    expect(b.status).toBe('warning')
    expect(b.utilization).toBeCloseTo(0.9)
  })

  it('with pool 5, a 3-worker dyno could hold as many as 15', () => {
    const b = computeBudget({diagnostics: [], processes: [model('web', {dynos: 1, pool: 5, processes: 3, threads: 1})], root: '.'}, options(20))
    expect(b.processTypes[0].ceilingPerDyno).toBe(15)
    expect(b.processTypes[0].connectionsPerDyno).toBe(3)
    expect(b.ceiling).toBe(15)
  })

  it('a 5-connection dyno fits four dynos into 20', () => {
    const b = computeBudget({diagnostics: [], processes: [model('web', {dynos: 1, pool: 5, processes: 1, threads: 5})], root: '.'}, options(20))
    expect(b.processTypes[0].connectionsPerDyno).toBe(5)
    expect(b.processTypes[0].maxDynos).toBe(4)
  })

  it('Puma with 16 threads and pool 16 needs 16 connections per process', () => {
    const b = computeBudget({diagnostics: [], processes: [model('web', {dynos: 1, pool: 16, processes: 1, threads: 16})], root: '.'}, options(120))
    expect(b.processTypes[0].connectionsPerProcess).toBe(16)
  })

  it('a process cannot hold more connections than threads asking: min(pool, threads) + extras', () => {
    const b = computeBudget({diagnostics: [], processes: [model('web', {dynos: 2, extra: 1, perDyno: 1, pool: 10, processes: 2, threads: 3})], root: '.'}, options(null))
    const p = b.processTypes[0]
    expect(p.connectionsPerProcess).toBe(4) // min(10, 3) + 1
    expect(p.ceilingPerProcess).toBe(11) // 10 + 1
    expect(p.connectionsPerDyno).toBe(9) // 2 × 4 + 1
    expect(p.connections).toBe(18)
    expect(b.status).toBe('unknown')
    expect(b.utilization).toBeNull()
    expect(p.maxDynos).toBeNull()
  })

  it('sums min(pool, threads) over several databases on the same server', () => {
    const b = computeBudget({diagnostics: [], processes: [model('web', {dynos: 1, pools: [5, 5, 2, 5], processes: 1, threads: 3})], root: '.'}, options(100))
    expect(b.processTypes[0].connectionsPerProcess).toBe(3 + 3 + 2 + 3)
    expect(b.processTypes[0].poolPerProcess).toBe(17)
  })

  it('no pool known: one connection per thread', () => {
    const b = computeBudget({diagnostics: [], processes: [model('clock', {dynos: 1, processes: 1, threads: 1})], root: '.'}, options(20))
    expect(b.processTypes[0].poolPerProcess).toBeNull()
    expect(b.total).toBe(1)
  })

  it('counts the release type only in the deploy peak, and the reserve in the total', () => {
    const b = computeBudget(
      {
        diagnostics: [],
        processes: [
          model('release', {dynos: 1, processes: 1, role: 'release', threads: 1}),
          model('web', {dynos: 3, pool: 5, processes: 2, threads: 3}),
        ],
        root: '.',
      },
      options(120, 5),
    )
    expect(b.total).toBe(3 * 2 * 3 + 5)
    expect(b.deployPeak).toBe(b.total + 1)
    expect(b.processTypes[0].maxDynos).toBeNull()
  })

  it('maxDynos holds every other type where it is', () => {
    const b = computeBudget(
      {
        diagnostics: [],
        processes: [model('web', {dynos: 2, pool: 5, processes: 2, threads: 5}), model('worker', {dynos: 1, pool: 10, processes: 1, threads: 10})],
        root: '.',
      },
      options(120),
    )
    expect(b.total).toBe(2 * 2 * 5 + 10)
    expect(b.processTypes[0].maxDynos).toBe(11) // (120 - 10) / 10 per dyno
    expect(b.processTypes[1].maxDynos).toBe(10) // (120 - 20) / 10 per dyno
  })

  it('a type scaled to 0 counts nothing', () => {
    const b = computeBudget({diagnostics: [], processes: [model('worker', {dynos: 0, pool: 5, processes: 1, threads: 5})], root: '.'}, options(20))
    expect(b.total).toBe(0)
  })

  it('status: over above the limit, warning from warnAt × limit', () => {
    expect(statusFor(21, 20, 0.8)).toBe('over')
    expect(statusFor(20, 20, 0.8)).toBe('warning')
    expect(statusFor(16, 20, 0.8)).toBe('warning')
    expect(statusFor(15, 20, 0.8)).toBe('ok')
    expect(statusFor(15, null, 0.8)).toBe('unknown')
  })
})
