import {describe, expect, it} from 'vitest'

import {budgetProcess, resolveDemand, resolveDemands} from '../../src/budget/budget.js'
import type {Extra, PoolEntry, ProcessModel} from '../../src/model/process.js'
import {assumed, sourced} from '../../src/model/source.js'

const n = (v: number) => sourced(v, assumed('test'))
const pool = (database: string, size: number, server = 'DATABASE_URL'): PoolEntry => ({database, pool: n(size), server})
const extra = (count: number, more: Partial<Extra> = {}): Extra => ({count: n(count), reason: 'test', ...more})

function model(over: Partial<ProcessModel>): ProcessModel {
  return {
    command: 'x',
    dynos: n(2),
    extrasPerDyno: [],
    extrasPerProcess: [],
    language: 'ruby',
    name: 'worker',
    otherServerPools: [],
    pools: [pool('primary', 5)],
    processesPerDyno: n(3),
    role: 'long-running',
    server: 'test',
    threadsPerProcess: n(3),
    ...over,
  }
}

describe('budgetProcess with extras', () => {
  it('an extra outside the pool comes on top of min(pool, threads)', () => {
    const b = budgetProcess(model({extrasPerProcess: [extra(1)]}))
    expect([b.connectionsPerProcess, b.ceilingPerProcess, b.extraPerProcess]).toEqual([3 + 1, 5 + 1, 1])
  })

  it('an extra checked out of the pool is capped by it: min(pool, threads + extra)', () => {
    const fits = budgetProcess(model({extrasPerProcess: [extra(2, {inPool: true})]}))
    expect([fits.connectionsPerProcess, fits.ceilingPerProcess]).toEqual([5, 5])
    const capped = budgetProcess(model({extrasPerProcess: [extra(4, {inPool: true})]}))
    expect([capped.connectionsPerProcess, capped.connectionsPerDyno, capped.connections]).toEqual([5, 15, 30])
  })

  it('an in-pool extra counts against its own database entry only', () => {
    const b = budgetProcess(model({extrasPerProcess: [extra(2, {database: 'queue', inPool: true})], pools: [pool('primary', 5), pool('queue', 5)]}))
    // primary min(5, 3) + queue min(5, 3 + 2)
    expect(b.connectionsPerProcess).toBe(8)
  })

  it('an extra whose database is on another server is not counted, per process or per dyno', () => {
    const m = model({
      extrasPerDyno: [extra(3, {database: 'queue'})],
      extrasPerProcess: [extra(2, {database: 'queue', inPool: true})],
      otherServerPools: [pool('queue', 5, 'QUEUE_DATABASE_URL')],
    })
    const b = budgetProcess(m)
    expect([b.connectionsPerProcess, b.extraPerProcess, b.extraPerDyno, b.connectionsPerDyno]).toEqual([3, 0, 0, 9])
  })

  it('per-dyno extras are added once per dyno', () => {
    const b = budgetProcess(model({extrasPerDyno: [extra(1)]}))
    expect([b.connectionsPerDyno, b.connections, b.ceiling]).toEqual([3 * 3 + 1, 20, 2 * (3 * 5 + 1)])
  })

  it('no pool known: threads + every extra', () => {
    const b = budgetProcess(model({extrasPerProcess: [extra(2, {inPool: true})], pools: []}))
    expect([b.connectionsPerProcess, b.ceilingPerProcess]).toEqual([5, 5])
  })
})

describe('resolveDemand: extras that are processes with pools of their own', () => {
  const demand = (own: number, processes: number, threads: number, more: Partial<Extra> = {}) => extra(processes * (threads + own), {database: 'queue', demand: {own, processes, threads}, ...more})
  const pools = {otherServerPools: [], pools: [pool('primary', 5), pool('queue', 3)]}

  it('processes × Σ min(pool, threads [+ own on its entry]): 2 × (min(5, 4) + min(3, 4 + 2)) = 14', () => {
    const x = resolveDemand(demand(2, 2, 4), pools)
    expect(x.count.value).toBe(2 * (4 + 3))
    expect(x.reason).toBe('test: 2 × (min(5, 4) + min(3, 4 + 2))')
  })

  it('a process with no job threads uses only its own entry: min(3, 3) on queue, nothing on primary', () => {
    expect(resolveDemand(demand(3, 1, 0), pools).count.value).toBe(3)
  })

  it('an eager pool (minOpen) opens at least that many on the entries the process uses', () => {
    const eager = {otherServerPools: [], pools: [pool('primary', 5), {...pool('queue', 10), minOpen: n(4)}]}
    // queue: max(min(10, 2), min(4, 10)) = 4; primary is not touched (threads 0).
    expect(resolveDemand(demand(2, 1, 0), eager).count.value).toBe(4)
  })

  it('its entry not among the pools: its own connections uncapped; no pools at all: left as counted', () => {
    expect(resolveDemand(demand(2, 1, 3, {database: 'jobs'}), pools).count.value).toBe(3 + 3 + 2)
    expect(resolveDemand(demand(2, 3, 4), {otherServerPools: [], pools: []}).count.value).toBe(3 * 6)
  })
})

describe('resolveDemands: a process whose own entry is on another server', () => {
  const away = {otherServerPools: [pool('queue', 5, 'QUEUE_DATABASE_URL')], pools: [pool('primary', 10), pool('cache', 2)]}
  const group = extra(2 * (3 + 2), {database: 'queue', demand: {own: 2, processes: 2, threads: 3}, kind: 'group'})

  it('its job threads count on every pool here, 2 × (min(10, 3) + min(2, 3)) = 10; its own 2 × 2 stay on the other server', () => {
    const [here, there] = resolveDemands([group], away)
    expect([here.count.value, here.database, budgetProcess(model({...away, extrasPerDyno: [here, there]})).extraPerDyno]).toEqual([10, undefined, 10])
    expect([there.count.value, there.database, there.demand]).toEqual([4, 'queue', undefined])
  })

  it('no job threads (a dispatcher), or its entry here: resolved as one extra', () => {
    expect(resolveDemands([extra(3, {database: 'queue', demand: {own: 3, processes: 1, threads: 0}})], away).map((x) => x.count.value)).toEqual([3])
    expect(resolveDemands([group], {otherServerPools: [], pools: [pool('primary', 10), pool('queue', 4)]}).map((x) => x.count.value)).toEqual([2 * (3 + 4)])
  })
})
