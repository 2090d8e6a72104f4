/**
 * A .js file holding type annotations (Flow, or TypeScript that Babel's preset strips at build: MoveOn/Spoke's shape,
 * `function makePool(max: number): Pool`, `type Settings = {…}`): JavaScript's grammar rejects it, TypeScript's takes
 * it (js.ts parseJs), so its pool is read instead of the file being dropped. A .js file with a real syntax error
 * stays unreadable, said.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '^8.11.0'}, scripts: {start: 'node server.js'}}, null, 2)
const run = (files: Record<string, string>) => analyzeWith(node, 'node server.js', files, {}, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value])

describe('type annotations in a .js file', () => {
  it('`// @flow` annotations around `new Pool({max})`: the pool, 7', async () => {
    const db = [
      '// @flow',
      "import {Pool} from 'pg'",
      '',
      'type Settings = {max: number, url: string}',
      '',
      'function makePool(settings: Settings): Pool {',
      '  return new Pool({connectionString: settings.url, max: settings.max})',
      '}',
      '',
      'export const pool: Pool = makePool({max: 7, url: process.env.DATABASE_URL || ""})',
    ].join('\n')
    const a = await run({'db.js': db, 'package.json': pkg, 'server.js': "import {pool} from './db'\npool.query('select 1')\n"})
    expect(pools(a)).toEqual([['pg db.js:7 (called at db.js:10)', 7]])
    expect(a.diagnostics.filter((d) => d.code === 'unparsable-config')).toEqual([])
  })

  it('a .js file with a syntax error no grammar takes: unparsable, said, and its pool not read', async () => {
    const a = await run({'db.js': "import {Pool} from 'pg'\nexport const pool = new Pool({max: 7)\n", 'package.json': pkg, 'server.js': "import {pool} from './db'\npool.query('select 1')\n"})
    const said = a.diagnostics.filter((d) => d.code === 'unparsable-config')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'db.js', line: 2})
    expect(said[0].message).toMatch(/^not valid JavaScript/)
  })
})
