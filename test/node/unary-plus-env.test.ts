/**
 * `+process.env.X || n`: unary plus converts as Number() does (https://tc39.es/ecma262/#sec-unary-plus-operator), so
 * with X unset it is +undefined, NaN, which is falsy, and the app's fallback n is the pool size (salesforce/refocus's
 * config.js: `max: +pe.DB_CONNECTION_POOL_MAX || DEFAULT_DB_CONNECTION_POOL.max`). Before, `+` of an unset variable was
 * a value conncalc could not read: the fallback was assumed, starred. Set, the variable's number is used.
 */
import {describe, expect, it} from 'vitest'

import {describeSourced} from '../../src/model/source.js'
import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '^8.11.0'}, engines: {node: '20.x'}, name: 'x'}, null, 2)
const db = [
  "const {Pool} = require('pg')",
  'const pe = process.env',
  'const pool = new Pool({connectionString: pe.DATABASE_URL, max: +pe.PG_POOL_MAX || 3})',
  'module.exports = pool',
].join('\n')
const run = (env: Record<string, string>) => analyzeWith(node, 'node db.js', {'db.js': db, 'package.json': pkg}, env, 'standard-1x')

describe('unary plus of an env var', () => {
  it('unset: NaN, so the fallback after || is the pool, unstarred', async () => {
    const a = await run({})
    const pool = a.pools!.find((p) => p.database === 'pg db.js:3')!.pool
    expect(pool.value).toBe(3)
    expect(pool.via?.some((s) => s.kind === 'assumed')).toBe(false)
    expect(describeSourced(pool)).toContain('PG_POOL_MAX has no value here')
  })

  it('set: its number', async () => {
    const a = await run({PG_POOL_MAX: '8'})
    expect(a.pools!.find((p) => p.database === 'pg db.js:3')!.pool.value).toBe(8)
  })
})
