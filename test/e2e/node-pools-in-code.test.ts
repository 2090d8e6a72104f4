/**
 * Node pools as apps write them (test/fixtures/node-sequelize-jobs, node-config-sequelize):
 * sequelize-cli's models/index.js over config/config.json, node-config's files and env
 * mapping, an `if` on NODE_ENV read once, a replica pool only when its URL is set, and
 * connections held outside the pools (pg-listen, a pg Client kept for LISTEN), pg-boss and
 * graphile-worker pools. The numbers a user sees from `conncalc plan --json`.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const jobs = (...args: string[]) => planJson(procfileOf('node-sequelize-jobs'), ['--scale', 'web=2', 'worker=1', 'jobs=1', ...args])
const nodeConfig = (...args: string[]) => planJson(procfileOf('node-config-sequelize'), ['--scale', 'web=3', ...args])

describe('Sequelize through sequelize-cli and node-config', () => {
  it('models/index.js: require(__dirname + "/../config/config.json")[env], the use_env_variable branch, pool.max 12 of the production section', () => {
    const r = jobs()
    // NODE_ENV=production (Node buildpack) → the "production" section: use_env_variable is set, so only
    // `new Sequelize(process.env[config.use_env_variable], config)` runs, pool.max 12: 2 dynos × 12 = 24.
    expect(r.type('web')).toMatchObject({connections: 24, connectionsPerProcess: 12, poolPerProcess: 12, processesPerDyno: 1})
    expect(r.type('web').databases).toEqual(['sequelize models/index.js:15'])
    expect(r.type('web').sources['pool.sequelize models/index.js:15'].source).toEqual({file: 'config/config.json', kind: 'file', line: 27})
    // The other branch is not counted a second time, and Node has no threads to fall short of.
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('NODE_ENV picks the section: "development" has no pool, so Sequelize\'s default max 5 (connection-manager.js), still one instance', () => {
    const r = jobs('--env', 'NODE_ENV=development')
    // development has no use_env_variable: the else branch, `new Sequelize(database, username, password, config)`, max 5.
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 5})
    expect(r.type('web').databases).toEqual(['sequelize models/index.js:17'])
  })

  it('node-config: production.json over default.json, custom-environment-variables maps DB_POOL_MAX, config.get() in the branch NODE_ENV takes', () => {
    // default.json max 5, production.json max 10 (NODE_ENV=production): 3 dynos × 10 = 30.
    const r = nodeConfig()
    expect(r.type('web')).toMatchObject({connections: 30, poolPerProcess: 10})
    expect(r.type('web').sources['pool.sequelize src/db.js:6'].source).toEqual({file: 'config/production.json', kind: 'file', line: 4})
    // DB_POOL_MAX=7 through custom-environment-variables.json (__format number): 3 × 7 = 21, sourced to the env var.
    const env = nodeConfig('--env', 'DB_POOL_MAX=7')
    expect(env.type('web')).toMatchObject({connections: 21, poolPerProcess: 7})
    expect(env.type('web').sources['pool.sequelize src/db.js:6'].via).toContainEqual(expect.objectContaining({kind: 'env', name: 'DB_POOL_MAX'}))
    // Another NODE_ENV takes the else branch: its own Sequelize with pool max 2 (3 × 2 = 6), the production one not counted.
    const dev = nodeConfig('--env', 'NODE_ENV=development')
    expect(dev.type('web')).toMatchObject({connections: 6, poolPerProcess: 2})
    expect(dev.type('web').databases).toEqual(['sequelize src/db.js:16'])
    expect(dev.codes).not.toContain('unknown-config-value')
  })
})

describe('a second pool only when its URL is set', () => {
  it('if (process.env.DATABASE_REPLICA_URL) new Pool({max: 4}): without the variable, named and not counted', () => {
    const r = jobs()
    expect(r.type('web').poolPerProcess).toBe(12)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'db/replica.js', line: 6}))
    expect(r.diagnostics.find((d) => d.file === 'db/replica.js')!.message).toContain('DATABASE_REPLICA_URL has no value, so it is not counted')
  })

  it('with the variable on another host than DATABASE_URL: listed on that server, not added to this one', () => {
    const r = jobs('--env', 'DATABASE_URL=postgres://u:p@primary.example.com:5432/app', '--env', 'DATABASE_REPLICA_URL=postgres://u:p@follower.example.com:5432/app')
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12})
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({database: 'pg db/replica.js:6', pool: 4, server: 'DATABASE_REPLICA_URL'})])
    expect(r.codes).not.toContain('unresolved-env')
  })

  it('with the variable on the same host and port as DATABASE_URL: counted here, 12 + 4 = 16 per process', () => {
    const r = jobs('--env', 'DATABASE_URL=postgres://u:p@db.example.com:5432/app', '--env', 'DATABASE_REPLICA_URL=postgres://ro:p@db.example.com:5432/app')
    // 2 dynos × (12 + 4) = 32.
    expect(r.type('web')).toMatchObject({connections: 32, poolPerProcess: 16})
  })
})

describe('connections outside the pools, and job libraries\' own pools', () => {
  it('worker: pg-boss max 3 + Sequelize 12, and pg-listen\'s own connection outside both: 16 per process', () => {
    const r = jobs()
    // min(3, 15) + min(12, 15) + 1 (pg-listen's Client) = 16.
    expect(r.type('worker')).toMatchObject({connections: 16, connectionsPerProcess: 16, extraPerProcess: 1, poolPerProcess: 15})
    expect(r.type('worker').extras).toContainEqual(expect.objectContaining({count: 1, reason: 'pg-listen subscriber (worker.js:6)'}))
    expect(r.type('worker').sources['pool.pg-boss worker.js:9'].source).toEqual({file: 'worker.js', kind: 'file', line: 11})
    // pg-boss's pool (3) is below the 15 the process can have out at once: on an event loop that is a queue, not starved threads.
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('jobs: graphile-worker maxPoolSize 7 (its LISTEN client inside it), a pg Client kept for LISTEN outside, Sequelize assumed from config.json', () => {
    const r = jobs()
    // graphile-worker 7 + Sequelize 12 (jobs.js does not load models/: package.json's sequelize with the
    // production section's max, labelled) + 1 Client = 20.
    expect(r.type('jobs')).toMatchObject({connections: 20, extraPerProcess: 1, poolPerProcess: 19})
    expect(r.type('jobs').extras).toContainEqual(expect.objectContaining({count: 1, reason: 'pg Client kept open for LISTEN (jobs.js:15)'}))
    expect(r.type('jobs').sources['pool.graphile-worker jobs.js:6'].source).toEqual({file: 'jobs.js', kind: 'file', line: 9})
    expect(r.type('jobs').sources['pool.sequelize config/config.json'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    // 24 + 16 + 20 = 60.
    expect(r.total).toBe(60)
  })
})

describe('pg-promise connect({direct: true}) (fixture node-pg-promise-direct)', () => {
  it('the direct connection is one of its own beside the Database\'s pool of 4; db.connect() without it is a pooled one', () => {
    // server.js:4 pgp({max: 4}) → 4; server.js:8 db.connect({direct: true}) → 1 outside the pool
    // (https://vitaly-t.github.io/pg-promise/Database.html#connect); server.js:15 db.connect() checks out of the 4.
    // 1 dyno × 1 process × (4 + 1) = 5.
    const r = planJson(procfileOf('node-pg-promise-direct'), ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 5, connectionsPerProcess: 5, poolPerProcess: 4})
    expect(r.type('web').extras).toEqual([expect.objectContaining({count: 1, reason: 'pg-promise direct connection (server.js:8)'})])
  })
})

describe('a pg Client kept for LISTEN on a channel named by a template (render-examples/ravendr event-bus.ts)', () => {
  // createPostgresEventBus(config) makes `new Client(…)` in connectListener() and runs `LISTEN ${channel}` with channel =
  // config.channel ?? "phase_events" (a parameter: not read). The Client is the bus's listener, open for the process's
  // life: 1 beside the pg Pool max 10 = 11. Before: the LISTEN was not seen (the template is not evaluated), so the
  // Client was a helper made in a function, said in an info line and not counted: 10.
  const {app} = tempApps()
  const dir = app({
    Procfile: 'web: node server.js\n',
    'bus.js': [
      "const {Client} = require('pg')",
      'function createBus(config) {',
      "  const channel = config.channel ?? 'phase_events'",
      '  let listener = null',
      '  async function connectListener() {',
      '    const client = new Client({connectionString: config.connectionString})',
      "    client.on('notification', (msg) => console.log(msg.payload))",
      '    await client.connect()',
      '    await client.query(`LISTEN ${channel}`)',
      '    return client',
      '  }',
      '  return {async start() { listener = await connectListener() }}',
      '}',
      'module.exports = {createBus}',
    ].join('\n'),
    'package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}, engines: {node: '22.x'}}, null, 2),
    'server.js': [
      "const {Pool} = require('pg')",
      "const {createBus} = require('./bus')",
      'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 10})',
      'const bus = createBus({connectionString: process.env.DATABASE_URL})',
      "bus.start().then(() => require('http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT))",
    ].join('\n'),
  })

  it('is one connection beside the pool: 10 + 1', () => {
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 11, extraPerProcess: 1, poolPerProcess: 10})
    expect(r.type('web').extras).toContainEqual(expect.objectContaining({count: 1, reason: 'pg Client kept open for LISTEN (bus.js:6)'}))
  })
})
