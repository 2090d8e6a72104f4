/**
 * Sequelize read replication, postgres.js `sql.listen()` and node-config YAML files
 * (test/fixtures/node-replication-listen): the numbers `conncalc plan --json` shows.
 * Sequelize v6 connection-manager.js initPools: with `replication`, a read pool and a
 * write pool, each `max: config.pool.max`; reads opened round-robin over the read entries.
 * postgres.js src/index.js listen(): one extra connection per instance (max 1, no idle timeout).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const app = procfileOf('node-replication-listen')
const LEADER = 'DATABASE_URL=postgres://u:p@leader.example.com:5432/routes'

describe('Sequelize replication: a write pool and a read pool, each pool.max', () => {
  it('pool.max from config/production.yml (8, over default.yml\'s 5); followers with no host value are listed on unknown servers', () => {
    const r = planJson(app)
    // web: write pool 8 on DATABASE_URL = 8. postgres.js is imported only by src/worker.js, which the "worker" script
    // (and the Procfile's worker) runs: not web's (was its default 10, labelled assumed: 18). The read pool (8) is split
    // round-robin over 2 entries: ceil(8 × 1 / 2) = 4 on each follower, whose host vars have no value: listed, not counted here.
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 8})
    expect(r.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining('postgres is imported only by src/worker.js, which the package.json script "worker" (package.json:11) runs as a process of its own'))
    expect(r.type('web').sources['pool.sequelize write src/db.js:5'].source).toEqual({file: 'config/production.yml', kind: 'file', line: 3})
    expect(r.type('web').otherServerPools).toEqual([
      expect.objectContaining({database: 'sequelize read-1 src/db.js:5', pool: 4, server: 'unknown server: FOLLOWER_1_HOST has no value'}),
      expect.objectContaining({database: 'sequelize read-2 src/db.js:5', pool: 4, server: 'unknown server: FOLLOWER_2_HOST has no value'}),
    ])
    // worker: postgres.js max 3 + write 8 = 11, + 1 for listen() = 12. Total 8 + 12 = 20.
    expect(r.type('worker')).toMatchObject({connections: 12, extraPerProcess: 1, poolPerProcess: 11})
    expect(r.total).toBe(20)
    // The YAML files are read: no "not read" warning for them. The followers not counted are said, one line per server (model/other-server.ts).
    expect(r.diagnostics.filter((d) => d.file?.startsWith('config/') && d.code !== 'other-server-pools')).toEqual([])
    expect(r.diagnostics.filter((d) => d.code === 'other-server-pools').map((d) => [d.severity, d.message])).toEqual([
      ['warning', 'not counted in the total, on an unknown server (FOLLOWER_1_HOST has no value): sequelize read-1 src/db.js:5 (pool 4; web, worker)'],
      ['warning', 'not counted in the total, on an unknown server (FOLLOWER_2_HOST has no value): sequelize read-2 src/db.js:5 (pool 4; web, worker)'],
    ])
  })

  it('one follower on the leader\'s host counts there; DB_POOL_MAX through custom-environment-variables.yml sets both pools', () => {
    const r = planJson(app, ['--env', LEADER, 'FOLLOWER_1_HOST=follower.example.com', 'FOLLOWER_2_HOST=leader.example.com', 'DB_POOL_MAX=6'])
    // pool.max 6 (__format number): write 6; read ceil(6 × 1 / 2) = 3 on the leader, 3 on FOLLOWER_1_HOST's server.
    // web 6 + 3 = 9; worker 3 + 6 + 3 + 1 = 13. Total 22.
    expect(r.type('web')).toMatchObject({connections: 9, poolPerProcess: 9})
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({pool: 3, server: 'FOLLOWER_1_HOST'})])
    expect(r.type('web').sources['pool.sequelize read-2 src/db.js:5'].via).toContainEqual(expect.objectContaining({kind: 'env', name: 'DB_POOL_MAX'}))
    expect(r.type('worker')).toMatchObject({connections: 13, poolPerProcess: 12})
    expect(r.total).toBe(22)
  })

  it('both followers on the leader\'s host: the whole read pool (8) is on it, 8 + 8 per process', () => {
    const r = planJson(app, ['--env', LEADER, 'FOLLOWER_1_HOST=leader.example.com', 'FOLLOWER_2_HOST=leader.example.com'])
    // One server for both read entries: one read pool entry of ceil(8 × 2 / 2) = 8. web 8 + 8 = 16.
    expect(r.type('web')).toMatchObject({connections: 16, poolPerProcess: 16})
    expect(r.type('web').databases).toContain('sequelize read src/db.js:5')
  })
})

describe('postgres.js listen(): one connection of its own per instance', () => {
  it('two listen() calls on one instance hold one connection, outside the pool, with its source', () => {
    const r = planJson(app)
    expect(r.type('worker').extras).toEqual([
      expect.objectContaining({count: 1, inPool: false, reason: 'postgres.js listen (src/worker.js:13)'}),
    ])
    expect(r.type('worker').extras[0].source.via).toContainEqual(expect.objectContaining({kind: 'default', ref: 'https://github.com/porsager/postgres/blob/master/src/index.js'}))
    // web never calls listen().
    expect(r.type('web').extras).toEqual([])
  })
})
