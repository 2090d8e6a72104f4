/**
 * Bun running a source file: `bun run src/index.ts`, `bun src/index.ts` (https://bun.com/docs/runtime, "Run a file":
 * `bun run index.ts`; "you can omit the run keyword ... it behaves identically"). Before, the file's path was taken as
 * the name of a package.json script, none was found, and no code was read: the process got 1* ("no database pool
 * found") or the dependency's default, where the file makes a postgres.js pool of 6 (the worker file one of 2).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'package.json': JSON.stringify({dependencies: {postgres: '^3.4.7'}, scripts: {start: 'bun run src/index.ts', worker: 'bun src/worker.ts'}}, null, 2),
  'src/db.ts': "import postgres from 'postgres'\nexport const sql = postgres(process.env.DATABASE_URL!, {max: 6})\n",
  'src/index.ts': "import {sql} from './db'\nBun.serve({fetch: async () => Response.json(await sql`select 1`)})\n",
  'src/worker.ts': "import postgres from 'postgres'\nexport const jobs = postgres(process.env.DATABASE_URL!, {max: 2})\n",
}
const run = (command: string) => analyzeWith(node, command, files, {}, 'standard-1x')
const sizes = async (command: string) => (await run(command)).pools?.map((p) => p.pool.value)

describe('bun running a file', () => {
  it('bun run FILE and bun FILE read the file: 6; the worker file: 2', async () => {
    expect(await sizes('bun run src/index.ts')).toEqual([6])
    expect(await sizes('bun src/index.ts')).toEqual([6])
    expect(await sizes('bun src/worker.ts')).toEqual([2])
    // Bun's own flags before `run` (--smol) are skipped.
    expect(await sizes('bun --smol run src/index.ts')).toEqual([6])
  })

  it('a script name is still a script: bun start and bun run worker run what package.json says', async () => {
    expect(await sizes('bun start')).toEqual([6])
    expect(await sizes('bun run worker')).toEqual([2])
  })
})
