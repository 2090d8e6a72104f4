/**
 * Lazily made singletons and the factory they call.
 *
 * A factory that keeps its own singleton (`function getPool(max) { if (!pool) pool = postgres(url, {max}); return pool }`)
 * makes one pool however many places call it: the first caller's arguments. Two singletons that each call a plain
 * factory once (`if (!_db) _db = connect(8)`, `if (!_admin) _admin = connect(2)`, also inside Proxy getters) are two pools.
 * Before, every call made under any lazy guard was folded into the first: the second singleton's 2 was dropped without a
 * word (8 counted, unstarred, where the process opens 10). postgres.js's max is read from the options (pools.ts).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {postgres: '^3.4.7'}, type: 'module'}, null, 2)
const connect = ['import postgres from "postgres"', 'function connect(max) {', '  return postgres(process.env.DATABASE_URL, {max, idle_timeout: 20})', '}'].join('\n')
const run = (files: Record<string, string>) => analyzeWith(node, 'node src/index.js', {'package.json': pkg, ...files}, {}, 'standard-1x')
const sizes = async (files: Record<string, string>) => (await run(files)).pools?.map((p) => p.pool.value)

describe('lazy singletons', () => {
  it('two getters, each a singleton over one factory: 8 + 2', async () => {
    const db = [connect, 'let _db, _admin', 'export function db() { if (!_db) _db = connect(8); return _db }', 'export function admin() { if (!_admin) _admin = connect(2); return _admin }'].join('\n')
    expect(await sizes({'src/db.js': db, 'src/index.js': 'import {db, admin} from "./db.js"\nexport const a = () => db()`select 1`\nexport const b = () => admin()`select 1`\n'})).toEqual([8, 2])
  })

  it('the same in Proxy getters (`new Proxy({}, {get() { if (!_db) _db = connect(8); … }})`): 8 + 2', async () => {
    const db = [
      connect,
      'let _db, _admin',
      'export const db = new Proxy({}, {get(_t, prop) { if (!_db) _db = connect(8); return _db[prop] }})',
      'export const admin = new Proxy({}, {get(_t, prop) { if (!_admin) _admin = connect(2); return _admin[prop] }})',
    ].join('\n')
    expect(await sizes({'src/db.js': db, 'src/index.js': 'import {db, admin} from "./db.js"\nexport const a = () => db.unsafe("select 1")\nexport const b = () => admin.unsafe("select 1")\n'})).toEqual([8, 2])
  })

  it('one singleton inside the factory, called from two places: one pool, the first caller\'s 5', async () => {
    const db = ['import postgres from "postgres"', 'let pool', 'export function getPool(max) {', '  if (!pool) pool = postgres(process.env.DATABASE_URL, {max})', '  return pool', '}'].join('\n')
    const files = {'src/a.js': 'import {getPool} from "./db.js"\nexport const a = getPool(5)\n', 'src/b.js': 'import {getPool} from "./db.js"\nexport const b = getPool(9)\n', 'src/db.js': db, 'src/index.js': 'import "./a.js"\nimport "./b.js"\n'}
    expect(await sizes(files)).toEqual([5])
  })
})
