/**
 * `cd packages/api/dist && node index.js`: the folder the file runs in is a build's output with no package.json; Node
 * resolves the file's imports from the folders above (https://nodejs.org/api/modules.html#loading-from-node_modules-folders),
 * so the file is packages/api/dist/index.js, of the package packages/api: tsconfig's outDir ./dist from rootDir ./src
 * maps it to src/index.ts (src/languages/node/node.ts: a Procfile's `cd` into a folder the build makes, as entry.ts does
 * for a package.json script's). Made-up workspace: src/index.ts imports db.ts,
 * whose knex config has pool.max 7: 7 per process. Before: index.js was not mapped back, no code was read: 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: 'web: cd packages/api/dist && node index.js\n',
  'package.json': JSON.stringify({name: 'notes', private: true, workspaces: ['packages/*'], scripts: {postinstall: 'npm run build --workspace packages/api'}}, null, 2),
  'packages/api/package.json': JSON.stringify({name: '@notes/api', main: 'dist/index.js', scripts: {build: 'tsc -b'}, dependencies: {express: '^4.21.0', knex: '^3.1.0', pg: '^8.13.0'}, devDependencies: {typescript: '^5.6.0'}}, null, 2),
  'packages/api/tsconfig.json': JSON.stringify({compilerOptions: {module: 'commonjs', outDir: './dist', rootDir: './src', strict: true, target: 'es2022'}, include: ['./src/**/*.ts']}, null, 2),
  'packages/api/src/db.ts': ["import knex from 'knex'", '', "export const db = knex({client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 7}})"].join('\n'),
  'packages/api/src/index.ts': ["import express from 'express'", "import {db} from './db'", '', 'const app = express()', "app.get('/', async (req, res) => res.json(await db('notes').select()))", 'app.listen(process.env.PORT)'].join('\n'),
}

describe('a file run from a build folder that has no package.json', () => {
  it('is read from the package above it: its source and its pool', () => {
    const r = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(7)
    expect(JSON.stringify(r.type('web'))).toContain('packages/api/src/db.ts')
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
