/**
 * A pool option set by a ternary whose condition conncalc cannot decide (`poolSize: config().envId === 'test' ? 10 : 100`,
 * the config read by a function conncalc does not evaluate): the arms do not both run, so the larger is counted, as an
 * assumption said at the ternary with both values — as an `if` conncalc cannot decide counts the larger branch's pools.
 * Before, the library default was assumed (TypeORM's pg max 10), a value the app never gives in production.
 * A comparison with what a library call returns (`config.get('env') === 'production'`, `hostname() === 'ci'`) is such a
 * condition: at run time the call may return that string. Before, it was decided false (an object is never a string), and
 * the else arm taken silently: 5 unstarred for `config.get('env') === 'production' ? 50 : 5`.
 * Made-up apps; the libraries' defaults are pg's max 10 (pg-pool index.js) and TypeORM's poolSize → pg max.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '8.11.0', typeorm: '0.3.20'}}, null, 2)
const run = (poolSize: string) => {
  const source = [
    "import {hostname} from 'node:os'",
    "import {DataSource} from 'typeorm'",
    '',
    "const onTestBox = hostname() === 'ci'",
    `export const db = new DataSource({type: 'postgres', url: process.env.DATABASE_URL, poolSize: ${poolSize}})`,
    'await db.initialize()',
  ].join('\n')
  return analyzeWith(node, 'node server.mjs', {'package.json': pkg, 'server.mjs': source}, {}, 'standard-1x')
}

describe('a pool size chosen by a condition conncalc cannot decide', () => {
  it('counts the larger arm, starred, and names both at the ternary', async () => {
    const a = await run("onTestBox ? 10 : 100")
    expect(a.pools?.map((p) => p.pool.value)).toEqual([100])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption')
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'server.mjs', line: 5, message: expect.stringContaining('TypeORM poolSize is 10 or 100'), severity: 'warning'}))
  })

  it('the larger arm whichever side it is on, the ternary kept in a name first', async () => {
    const a = await run("(() => { const size = onTestBox ? 40 : 4; return size })()")
    expect(a.pools?.map((p) => p.pool.value)).toEqual([40])
  })

  it('a value computed from the ternary is not one of its arms: the default, assumed', async () => {
    const a = await run('(onTestBox ? 5 : 8) * 2')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(describeSourced(a.pools![0].pool)).toContain('the default 10 is assumed')
  })

  it("a library call's result compared with a string is not decided false: the larger arm, starred", async () => {
    const source = [
      "import config from 'config'",
      "import {DataSource} from 'typeorm'",
      '',
      "export const db = new DataSource({type: 'postgres', url: process.env.DATABASE_URL, poolSize: config.get('env') === 'production' ? 50 : 5})",
      'await db.initialize()',
    ].join('\n')
    const deps = JSON.stringify({dependencies: {config: '3.3.12', pg: '8.11.0', typeorm: '0.3.20'}}, null, 2)
    const a = await analyzeWith(node, 'node server.mjs', {'package.json': deps, 'server.mjs': source}, {}, 'standard-1x')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([50])
    expect(describeSourced(a.pools![0].pool)).toContain("compares what `config.get()` returns")
  })

  it('a condition conncalc decides takes its arm, unstarred (an env var unset here is falsy)', async () => {
    const a = await run('process.env.BIG_POOL ? 30 : 6')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(describeSourced(a.pools![0].pool)).not.toContain('assumption')
  })
})
