import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, env, 'standard-2x')

const pool = (max: number) => `const {Pool} = require('pg')\nmodule.exports = new Pool({connectionString: process.env.DATABASE_URL, max: ${max}})\n`

describe('NODE_PATH module resolution', () => {
  it('a bare require is found in a NODE_PATH folder set by the package.json script, the Procfile line or the env', async () => {
    const files = {
      'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.13.0'}, scripts: {start: 'NODE_PATH=./src node src/index.js'}}, null, 2),
      'src/index.js': "const db = require('lib/db')\nrequire('express')().get('/', async (req, res) => res.json(await db.query('select 1'))).listen(process.env.PORT)\n",
      'src/lib/db.js': pool(7),
    }
    // src/index.js → 'lib/db' on NODE_PATH ./src → src/lib/db.js: pg Pool max 7 (was pg's dependency default 10, assumed).
    const viaScript = await run('npm start', files)
    expect(viaScript.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg src/lib/db.js:2', 7]])
    const procfile = {...files, 'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.13.0'}}, null, 2)}
    // The same app run as `node src/index.js` with NODE_PATH from the process env (a Procfile prefix or a config var).
    expect((await run('node src/index.js', procfile, {NODE_PATH: 'src'})).pools?.map((p) => p.pool.value)).toEqual([7])
    // Without NODE_PATH Node cannot find 'lib/db': conncalc does not guess, and falls back to pg's default, labelled.
    const without = await run('node src/index.js', procfile)
    expect(without.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg', 10]])
  })

  it('NODE_PATH naming a folder built at deploy reads the sources tsc compiles into it; node_modules wins over NODE_PATH', async () => {
    const files = {
      'package.json': JSON.stringify(
        {dependencies: {config: '^3.3.12', pg: '^8.13.0'}, devDependencies: {typescript: '^5.6.0'}, scripts: {build: 'tsc', start: 'cross-env NODE_PATH=./build node build/main.js'}},
        null,
        2,
      ),
      'src/config/index.ts': 'export default {}\n',
      'src/main.ts': "import config from 'config'\nimport {reports} from 'db/reports'\nimport {pool} from 'db/main'\nexport default {config, pool, reports}\n",
      'src/db/main.ts': pool(4).replace('module.exports =', 'export const pool ='),
      'src/db/reports.ts': pool(2).replace('module.exports =', 'export const reports ='),
      'tsconfig.json': JSON.stringify({compilerOptions: {outDir: 'build', rootDir: 'src'}}),
    }
    const a = await run('npm start', files)
    // build/main.js ← src/main.ts (tsc outDir build, rootDir src); 'db/main' and 'db/reports' on NODE_PATH ./build are
    // build/db/*.js ← src/db/*.ts: 4 + 2 = 6. 'config' is the npm package (a dependency), not src/config.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['pg src/db/reports.ts:2', 2],
      ['pg src/db/main.ts:2', 4],
    ])
    expect(a.threadsPerProcess.value).toBe(6)
  })

  it('`require(\'./dist/server\').start()` into a folder built at deploy reads its source', async () => {
    const files = {
      'init.js': "const start = () => require('./dist/server/app').start()\nif (process.env.WATCH) require('./watch')(start)\nelse start()\n",
      'package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}, scripts: {'build-server': 'tsc -p tsconfig.server.json', start: 'node init.js'}}, null, 2),
      'server/app.ts': "import {pool} from './db'\nexport const start = () => pool.query('select 1')\n",
      'server/db.ts': pool(12).replace('module.exports =', 'export const pool ='),
      'tsconfig.server.json': JSON.stringify({compilerOptions: {outDir: 'dist/server'}, include: ['server/**/*', 'types/**/*']}),
    }
    // dist/server/app.js ← server/app.ts (tsconfig.server.json outDir dist/server, common root of server/ and types/ is the app): 12.
    const a = await run('npm start', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg server/db.ts:2', 12]])
  })
})
