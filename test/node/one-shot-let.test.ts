/**
 * A one-shot client bound with `let` and assigned inside a `try` whose `finally` closes it (pools.ts beforeTheRest,
 * js.ts noteAssignedClosed): made, used and closed as the process starts, before the server's pool takes the work. With
 * the pool kept for the process's life it is not counted beside it (said); alone (a release script) it is the process's.
 * pg Pool default max 10 (pg-pool); postgres.js `max: 1` as written.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '8.11.0', postgres: '3.4.4'}}, null, 2)
const migrate = [
  "import postgres from 'postgres'",
  'export async function migrate(url) {',
  '  let sql',
  '  try {',
  '    sql = postgres(url, {max: 1})',
  "    await sql`select pg_advisory_lock(1)`",
  '  } finally {',
  '    await sql?.end()',
  '  }',
  '}',
].join('\n')

describe('one-shot clients bound with let', () => {
  it('closed in the finally of the try that assigned it, at start-up: not counted beside the kept pool', async () => {
    const files = {
      'migrate.mjs': migrate,
      'package.json': pkg,
      'server.mjs': ["import pg from 'pg'", "import {migrate} from './migrate.mjs'", 'await migrate(process.env.DATABASE_URL)', 'export const pool = new pg.Pool({connectionString: process.env.DATABASE_URL})'].join('\n'),
    }
    const a = await analyzeWith(node, 'node server.mjs', files, {}, 'standard-1x')
    // 10 (the kept pg Pool), not 10 + 1.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg server.mjs:4', 10]])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({file: 'migrate.mjs', line: 5, message: expect.stringContaining('is closed at migrate.mjs:8 once its work is done')}))
  })

  it('the only client of a release script: counted (1)', async () => {
    const files = {'migrate.mjs': migrate, 'package.json': pkg, 'release.mjs': "import {migrate} from './migrate.mjs'\nawait migrate(process.env.DATABASE_URL)\n"}
    const a = await analyzeWith(node, 'node release.mjs', files, {}, 'standard-1x')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([1])
  })

  it('a try that assigns another name than the one its finally closes: both counted', async () => {
    const files = {
      'package.json': pkg,
      'server.mjs': [
        "import pg from 'pg'",
        "import postgres from 'postgres'",
        'let sql',
        'let other',
        'try {',
        '  sql = postgres(process.env.DATABASE_URL, {max: 2})',
        '} finally {',
        '  await other?.end()',
        '}',
        'export const pool = new pg.Pool({max: 5})',
        'export {sql}',
      ].join('\n'),
    }
    const a = await analyzeWith(node, 'node server.mjs', files, {}, 'standard-1x')
    expect(a.pools?.map((p) => p.pool.value).sort()).toEqual([2, 5])
  })
})
