/**
 * `node node_modules/.bin/X args`: node runs the package's bin script, which is the program X (npm links each
 * package's `bin` there: https://docs.npmjs.com/cli/configuring-npm/package-json#bin), so the command is read as
 * `X args`. Apps in the shape of safe-global/safe-client-gateway (`"start": "node --env-file=.env
 * node_modules/.bin/nest start"`), whose code was not read (one assumed pool of 10 instead of its two pools).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'package.json': JSON.stringify({dependencies: {pg: '^8.11.0', postgres: '^3.4.0'}, devDependencies: {'ts-node': '^10.9.0'}}, null, 2),
  'src/server.ts': [
    "import {Pool} from 'pg'",
    "import postgres from 'postgres'",
    'export const pool = new Pool({max: 4})',
    'export const sql = postgres(process.env.DATABASE_URL, {max: 3})',
  ].join('\n'),
}
const pools = (a: Awaited<ReturnType<typeof analyzeWith>>) => a.pools?.map((p) => [p.database, p.pool.value])

describe('node node_modules/.bin/X', () => {
  it.each([
    'node node_modules/.bin/ts-node src/server.ts',
    'node --env-file=.env ./node_modules/.bin/ts-node src/server.ts',
  ])('%s reads the file X runs', async (command) => {
    const a = await analyzeWith(node, command, files, {DATABASE_URL: 'postgres://u:p@db.example.com:5432/app'}, 'standard-1x')
    // pg Pool max 4 + postgres.js max 3.
    expect(pools(a)).toEqual([
      ['pg src/server.ts:3', 4],
      ['postgres.js src/server.ts:4', 3],
    ])
    expect(a.threadsPerProcess.value).toBe(7)
  })
})
