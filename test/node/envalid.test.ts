import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)
const run = (files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, 'node server.js', files, env, 'standard-1x')

// An Express app whose pg pools take their sizes from envalid's cleaned env object.
// envalid@5.0.0 src/envalidWithoutDotenv.js cleanEnv: an unset variable gets the validator's `devDefault` only when
// NODE_ENV !== 'production' (Heroku sets production), else its `default`; num() is `+input`.
const app = {
  'config.js': [
    "const envalid = require('envalid')",
    'const {num, str, bool} = envalid',
    'const validators = {',
    '  API_MAX_POOL: num({desc: "web pool", default: 6, devDefault: 1}),',
    '  JOBS_MAX_POOL: num({default: "3"}),',
    '  SSL: bool({default: false}),',
    '  MODE: str({default: "web"}),',
    '}',
    'const config = envalid.cleanEnv(process.env, validators, {strict: true})',
    'module.exports = {config}',
  ].join('\n'),
  'package.json': pkg({envalid: '^5.0.0', express: '^4.18.0', pg: '^8.11.0'}),
  'server.js': [
    "const express = require('express')",
    "const {Pool} = require('pg')",
    "const {config} = require('./config')",
    'const api = new Pool({connectionString: process.env.DATABASE_URL, max: config.API_MAX_POOL})',
    'const jobs = new Pool({connectionString: process.env.DATABASE_URL, max: config.JOBS_MAX_POOL})',
    'express().get("/", async (req, res) => res.json(await api.query("select 1"))).listen(process.env.PORT)',
    'module.exports = {api, jobs}',
  ].join('\n'),
}

describe("envalid's cleanEnv()", () => {
  it('gives each unset variable its validator default (devDefault does not apply in production)', async () => {
    const a = await run(app)
    // API_MAX_POOL unset → default 6 (not devDefault 1: NODE_ENV unset reads as production on Heroku);
    // JOBS_MAX_POOL unset → default "3" parsed by num() → 3. 6 + 3 = 9 connections per process, none assumed.
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([
      ['pg server.js:4', 6, false],
      ['pg server.js:5', 3, false],
    ])
    expect(a.threadsPerProcess.value).toBe(9)
  })

  it('a set variable wins, parsed as a number; devDefault applies when NODE_ENV is not production', async () => {
    const set = await run(app, {API_MAX_POOL: '15'})
    // API_MAX_POOL=15 → num('15') = 15; JOBS 3: 15 + 3 = 18.
    expect(set.threadsPerProcess.value).toBe(18)
    const dev = await run(app, {NODE_ENV: 'development'})
    // devDefault 1 for API_MAX_POOL; JOBS_MAX_POOL has no devDefault → default 3: 1 + 3 = 4.
    expect(dev.threadsPerProcess.value).toBe(4)
  })

  it('a value num() cannot parse leaves that pool unknown, with the reason', async () => {
    const a = await run(app, {API_MAX_POOL: 'ten'})
    const api = a.pools?.find((p) => p.database === 'pg server.js:4')
    expect(isAssumption(api!.pool)).toBe(true)
    expect(JSON.stringify(api!.pool)).toContain('API_MAX_POOL=\\"ten\\" is not a number')
  })

  it('`import {config} from "./config"` of that CommonJS module reads module.exports.config', async () => {
    const a = await analyzeWith(node, 'node server.ts', {
      ...app,
      'server.ts': "import {Pool} from 'pg'\nimport {config} from './config'\nexport const pool = new Pool({max: config.JOBS_MAX_POOL})\n",
    }, {}, 'standard-1x')
    // JOBS_MAX_POOL unset → default "3" → 3 (was pg's default 10, assumed: `config` not read as an export).
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[3, false]])
  })

  it('reads `import {cleanEnv, num} from "envalid"` the same way', async () => {
    const a = await run({
      'env.mjs': "import {cleanEnv, num} from 'envalid'\nexport const env = cleanEnv(process.env, {DB_POOL: num({default: 4})})\n",
      'package.json': pkg({envalid: '^6.0.0', pg: '^8.11.0'}),
      'server.js': "import pg from 'pg'\nimport {env} from './env.mjs'\nexport const pool = new pg.Pool({max: env.DB_POOL})\n",
    })
    // DB_POOL unset → 4.
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[4, false]])
  })
})

describe("require(path.join(__dirname, '/../config/config.json'))", () => {
  it('reads the file: path.join concatenates a segment that starts with /', async () => {
    const a = await run({
      'config/config.json': JSON.stringify({production: {pool: {max: 7}, use_env_variable: 'DATABASE_URL'}}),
      'package.json': pkg({pg: '^8.11.0', sequelize: '^6.37.0'}),
      'server.js': [
        "const path = require('path')",
        "const {Sequelize} = require('sequelize')",
        "const config = require(path.join(__dirname, '/config/config.json'))['production']",
        'module.exports = new Sequelize(process.env.DATABASE_URL, config)',
      ].join('\n'),
    })
    // config.json production pool.max 7 (Sequelize's default 5 would apply only if the file were not read).
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[7, false]])
  })
})

describe("a string joined with `+` (`process.env.DATABASE_URL + '?ssl=true'`)", () => {
  it('is read: the Sequelize URL is known, so its default pool is a documented default, not an assumption', async () => {
    const a = await run({
      'package.json': pkg({pg: '^8.11.0', sequelize: '^6.37.0'}),
      'server.js': "const {Sequelize} = require('sequelize')\nmodule.exports = new Sequelize(process.env.DATABASE_URL + '?ssl=true')\n",
    })
    // Sequelize's default pool max 5, unstarred (was starred: the `+` was not evaluated).
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[5, false]])
  })
})
