/**
 * tsc without rootDir or `include`: its inputs are every TypeScript file below the tsconfig's folder but node_modules and
 * outDir (https://www.typescriptlang.org/tsconfig/#include, #exclude), and rootDir is their longest common folder
 * (https://www.typescriptlang.org/tsconfig/#rootDir), so dist/ mirrors src/ when the sources are all in src/ (a
 * declaration file beside them, types.d.ts, is not an input that is emitted). src/languages/node/built.ts rootDirs.
 * Made-up Fastify app: dist/index.js is committed (a stale build: a pg Pool max 2), package.json's build is `tsc` and the
 * Node buildpack runs it at deploy, so what runs is src/index.ts's build: its pg Pool max 6. Before: the package folder
 * was taken as rootDir, index.ts was not there, and the committed dist/index.js was read: 2.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: 'web: npm start\n',
  'package.json': JSON.stringify({dependencies: {fastify: '^4.28.0', pg: '^8.13.0'}, devDependencies: {typescript: '^5.6.0'}, main: 'dist/index.js', scripts: {build: 'tsc -p tsconfig.json', start: 'node ./dist/index.js'}}, null, 2),
  'tsconfig.json': JSON.stringify({compilerOptions: {esModuleInterop: true, outDir: 'dist', sourceMap: true, strict: true}}, null, 2),
  'types.d.ts': "declare module 'fastify' {\n  interface FastifyInstance {\n    db: unknown\n  }\n}\n",
  'dist/index.js': ['"use strict";', 'const pg = require("pg");', 'const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });', 'require("fastify")().get("/", () => pool.query("select 1")).listen({ port: Number(process.env.PORT) });'].join('\n'),
  'src/db.ts': "import pg from 'pg'\n\nexport const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 6})\n",
  'src/index.ts': ["import Fastify from 'fastify'", "import {pool} from './db'", '', 'const app = Fastify()', "app.get('/', () => pool.query('select 1'))", 'app.listen({port: Number(process.env.PORT)})'].join('\n'),
}

describe('a committed build of a tsconfig with neither rootDir nor include', () => {
  it('reads the sources tsc compiles again at deploy: dist/ mirrors src/, their common folder', () => {
    const r = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain('whose outDir dist/ mirrors src/')
  })
})
