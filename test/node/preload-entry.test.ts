/**
 * Which file a Node process runs when its command names only a preloaded module: `node -r ./dist/main.js`.
 *
 * Node loads each `-r`/`--require`/`--import` module before the script; with no script it then reads one from stdin,
 * which is empty on a dyno (https://nodejs.org/api/cli.html#-r---require-module), so the app's own preloaded file is the
 * code that runs: its pools are the process's. Before, no file was found ("conncalc read no code for this process") and
 * the dependency's default was assumed (pg's 10*) where the code set 4. A preload that is a package (`-r dotenv/config`)
 * is not the app's code: beside a script the script runs, alone nothing is read, as before.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.1'}, scripts: {build: 'tsc', start: 'node -r ./dist/main.js'}}, null, 2),
  'src/main.ts': "import {Pool} from 'pg'\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 4})\n",
  'src/reports.ts': "import {Pool} from 'pg'\nexport const reports = new Pool({connectionString: process.env.DATABASE_URL, max: 3})\n",
  'tsconfig.json': JSON.stringify({compilerOptions: {outDir: 'dist', rootDir: 'src'}}),
}
const run = (command: string) => analyzeWith(node, command, files, {}, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.pool.value, p.pool.via?.some((s) => s.kind === 'assumed') ?? false])

describe('a preloaded module and no script', () => {
  it('`npm start` running `node -r ./dist/main.js`: dist/main.js (built from src/main.ts) is the code, its pool 4', async () => {
    expect(pools(await run('npm start'))).toEqual([[4, false]])
  })

  it('--require and --import the same; with a script, the script is the file (3), the preload aside', async () => {
    expect(pools(await run('node --require ./dist/main.js'))).toEqual([[4, false]])
    expect(pools(await run('node --import ./dist/main.js'))).toEqual([[4, false]])
    expect(pools(await run('node -r ./dist/main.js dist/reports.js'))).toEqual([[3, false]])
  })

  it('a package preload alone is not the app: no file, the dependency default assumed as before', async () => {
    expect(pools(await run('node -r dotenv/config'))).toEqual([[10, true]])
  })
})
