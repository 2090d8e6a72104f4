import {describe, expect, it} from 'vitest'

import {loadDynoSizes} from '../../src/platform/dyno-size-table.js'
import {dynoFacts} from '../../src/platform/dyno-sizes.js'
import {node} from '../../src/languages/node/node.js'
import {type FileReader, memoryFiles} from '../../src/model/files.js'
import {fromFlag, sourced} from '../../src/model/source.js'
import {ctxFor} from '../analyzers/helpers.js'

// A made-up app with two process types that require the same library module. lib/db.js makes one pool when it
// loads (max from POOL_SIZE, else 4) and exports a helper each entry calls to make its own (pg: one pool per `new Pool`).
const app: Record<string, string> = {
  'a.js': "const {makePool} = require('./lib/db')\nmakePool(3)\n",
  'b.js': "const {makePool} = require('./lib/db')\nmakePool(7)\nmakePool(2)\n",
  'lib/db.js': [
    "const {Pool} = require('pg')",
    'function makePool(max) {',
    '  return new Pool({max})',
    '}',
    'const shared = new Pool({max: Number(process.env.POOL_SIZE || 4)})',
    'module.exports = {makePool, shared}',
  ].join('\n'),
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}}),
}

async function analyze(files: FileReader, type: string, env: Record<string, string> = {}) {
  const ctx = {...ctxFor(`node ${type}.js`, {env, files}), processType: type}
  ctx.dyno = dynoFacts(loadDynoSizes(), sourced('standard-1x', fromFlag(`--scale ${type}=1:standard-1x`)))
  const a = await node.analyze(ctx)
  return {pools: a.pools?.map((p) => [p.database, p.pool.value]), threads: a.threadsPerProcess.value}
}

// a: the shared pool 4 + makePool(3) called at a.js:2 = 7. b: 4 + makePool(7) at b.js:2 + makePool(2) at b.js:3 = 13.
const expectedA = {pools: [['pg lib/db.js:3 (called at a.js:2)', 3], ['pg lib/db.js:5', 4]], threads: 7}
const expectedB = {pools: [['pg lib/db.js:3 (called at b.js:2)', 7], ['pg lib/db.js:3 (called at b.js:3)', 2], ['pg lib/db.js:5', 4]], threads: 13}

describe('process types of one app that import the same module (evaluated once per run, shared-eval.ts)', () => {
  it("each type counts only the calls its own code makes of a shared module's function, in either order", async () => {
    const files = memoryFiles(app)
    expect(await analyze(files, 'a')).toEqual(expectedA)
    expect(await analyze(files, 'b')).toEqual(expectedB)
    // Read again after b walked lib/db.js's function for its own calls: a still has only its one call site.
    expect(await analyze(files, 'a')).toEqual(expectedA)
    const other = memoryFiles(app)
    expect(await analyze(other, 'b')).toEqual(expectedB)
    expect(await analyze(other, 'a')).toEqual(expectedA)
  })

  it("a type whose env gives the shared module another value reads its own (POOL_SIZE=9 on a's line: 9 + 3 = 12)", async () => {
    const files = memoryFiles(app)
    expect(await analyze(files, 'b')).toEqual(expectedB)
    expect(await analyze(files, 'a', {POOL_SIZE: '9'})).toEqual({pools: [['pg lib/db.js:3 (called at a.js:2)', 3], ['pg lib/db.js:5', 9]], threads: 12})
    expect(await analyze(files, 'b')).toEqual(expectedB)
  })
})

// node-config: config/default.json's pool max 6, config/staging.json's 11 (NODE_ENV=staging), and DB_POOL mapped by
// custom-environment-variables.json. Both types run the same db.js; each type's env decides which files merge.
const configApp: Record<string, string> = {
  'config/custom-environment-variables.json': JSON.stringify({db: {max: {__format: 'number', __name: 'DB_POOL'}}}),
  'config/default.json': JSON.stringify({db: {max: 6}}),
  'config/staging.json': JSON.stringify({db: {max: 11}}),
  'db.js': "const config = require('config')\nconst {Pool} = require('pg')\nmodule.exports = new Pool({max: config.get('db.max')})\n",
  'package.json': JSON.stringify({dependencies: {config: '^3.3.0', pg: '^8.13.0'}}),
}

describe("node-config's merged config, made once per run for the types that read it alike", () => {
  it('default.json (6) for a type without NODE_ENV, staging.json over it (11) for NODE_ENV=staging, DB_POOL over both (3)', async () => {
    const files = memoryFiles(configApp)
    const threads = async (env: Record<string, string>) => (await analyze(files, 'db', env)).threads
    // NODE_ENV unset: node-config reads production.json (none here) over default.json: 6.
    expect(await threads({})).toBe(6)
    expect(await threads({NODE_ENV: 'staging'})).toBe(11)
    expect(await threads({})).toBe(6)
    expect(await threads({DB_POOL: '3', NODE_ENV: 'staging'})).toBe(3)
    expect(await threads({NODE_ENV: 'staging'})).toBe(11)
  })
})
