/**
 * node-postgres's native bindings: `require('pg').native` (or `import {native} from 'pg'`) is the same
 * module object built on pg-native's Client, and its `Pool` is pg-pool with that Client: the same
 * `max` (default 10). pg lib/index.js: `module.exports.native` getter returns `new PG(require('./native'))`,
 * and `PG` sets `this.Pool = class BoundPool extends Pool { constructor(options) { super(options, clientConstructor) } }`;
 * pg-pool index.js `this.options.max = this.options.max || this.options.poolSize || 10`.
 * Apps in the shape of compdemocracy/polis (server/src/db/pg-query.ts: a read-write and a read pool,
 * `new pgnative.Pool(config)`), which were counted as one assumed pool of 10.
 * Also: a class field with no initializer (`id: number`) in a call's arguments made the walk crash
 * (exit 3 on langfuse/langfuse).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)
const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value])

describe('pg native bindings', () => {
  it('new native.Pool(config) (import {native} from pg) and new pg.native.Pool(): pg pools of their max', async () => {
    const files = {
      'db.ts': [
        "import {native as pgnative} from 'pg'",
        "import pg from 'pg'",
        "import {parse} from 'pg-connection-string'",
        'const write = Object.assign(parse(process.env.DATABASE_URL), {max: 12})',
        'export const readWritePool = new pgnative.Pool(write)',
        'export const readPool = new pg.native.Pool({connectionString: process.env.DATABASE_URL})',
      ].join('\n'),
      'package.json': pkg({pg: '^8.11.0', 'pg-native': '^3.0.1', 'pg-connection-string': '^2.6.0'}),
      'server.ts': "import {readPool, readWritePool} from './db'\nreadPool.query('select 1')\nreadWritePool.query('select 1')\n",
    }
    const a = await run('node server.ts', files, {DATABASE_URL: 'postgres://u:p@db.example.com:5432/app'})
    // 12 (the read-write pool's max) + 10 (pg-pool's default max): 22 per process.
    expect(pools(a)).toEqual([
      ['pg db.ts:5', 12],
      ['pg db.ts:6', 10],
    ])
    expect(a.threadsPerProcess.value).toBe(22)
  })

  it('require("pg").native.Pool', async () => {
    const files = {
      'package.json': pkg({pg: '^8.11.0', 'pg-native': '^3.0.1'}),
      'server.js': "const pg = require('pg').native\nconst pool = new pg.Pool({max: 4})\nmodule.exports = pool\n",
    }
    const a = await run('node server.js', files)
    expect(pools(a)).toEqual([['pg server.js:2', 4]])
  })

  it('a class field with no initializer in the arguments of a call inside a function is read, not a crash', async () => {
    const files = {
      'package.json': pkg({pg: '^8.11.0'}),
      'server.ts': [
        "import {Pool} from 'pg'",
        'function setup() {',
        '  return register(class Entity { id: number; name = label })',
        '}',
        "const label = 'x'",
        'export const pool = new Pool({max: 4})',
        'setup()',
      ].join('\n'),
    }
    const a = await run('node server.ts', files)
    expect(pools(a)).toEqual([['pg server.ts:6', 4]])
  })
})
