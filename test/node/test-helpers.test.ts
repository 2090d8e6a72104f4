import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (command: string, files: Record<string, string>) => analyzeWith(node, command, files, {}, 'standard-2x')

// A library-style server that re-exports a constant from its own test helpers; the helper's function makes a pool for each test.
const files = (helper: string) => ({
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}}, null, 2),
  'src/db.ts': "import {Pool} from 'pg'\nexport function createPool(max: number) {\n  return new Pool({connectionString: process.env.DATABASE_URL, max})\n}\n",
  'src/server.ts': "import {createPool} from './db'\nimport {testPrefix} from './test/helpers/setup'\nexport const pool = createPool(8)\nexport {testPrefix}\n",
  [helper]: [
    "import {createPool} from '../../db'",
    "export const testPrefix = 'unleash_test'",
    'export async function setupDb() {',
    '  if (!process.env.TEST_TEMPLATE) {',
    "    throw new Error('TEST_TEMPLATE is not set')",
    '  }',
    '  return createPool(30)',
    '}',
  ].join('\n'),
})

describe('call sites in test code', () => {
  it('a pool function called from a test helper that production imports is counted for its production call only, with no warning about the helper', async () => {
    const a = await run('node src/server.ts', files('src/test/helpers/setup.ts'))
    // createPool(8) at src/server.ts:3 → pg Pool max 8; the helper's createPool(30) runs in tests (was: a warning that it
    // needs TEST_TEMPLATE, and with TEST_TEMPLATE set it counted 8 + 30 = 38).
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg src/db.ts:3 (called at src/server.ts:3)', 8]])
    expect(a.diagnostics.map((d) => d.message).join('\n')).not.toContain('TEST_TEMPLATE')
  })

  it('the same helper outside a test folder is production code: its call site stays, behind its guard', async () => {
    const files2 = files('src/test/helpers/setup.ts')
    const moved = Object.fromEntries(Object.entries(files2).map(([k, v]) => [k.replace('src/test/helpers/setup.ts', 'src/boot/setup.ts'), v.replace("'./test/helpers/setup'", "'./boot/setup'").replace("'../../db'", "'../db'")]))
    const a = await run('node src/server.ts', moved)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([8])
    expect(a.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n')).toMatch(/unresolved-env .*TEST_TEMPLATE/)
  })
})
