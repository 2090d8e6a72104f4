/**
 * A TypeORM 0.3 DataSource connects on initialize() (DataSource.ts: `new DataSource()` only builds the driver object;
 * initialize() calls driver.connect(), which makes the pg Pool). A NestJS app whose TypeOrmModule opens the pool and whose
 * config file also does `export default new DataSource(options)` for the TypeORM CLI holds one pool: the module's. Another
 * package's own `initialize()` (passport's middleware) is not that DataSource's (pools.ts fromCalls, `initializes`).
 * Made-up NestJS app: typeorm.config.ts options with poolSize 5, TypeOrmModule.forRoot(options): 5 per process. Before:
 * passport.initialize() in main.ts was read as the DataSource's, and both were counted: 10.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const json = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

const files = {
  Procfile: 'web: node dist/main.js\n',
  'package.json': JSON.stringify(
    {
      dependencies: {'@nestjs/common': '^11.0.0', '@nestjs/core': '^11.0.0', '@nestjs/platform-express': '^11.0.0', '@nestjs/typeorm': '^11.0.0', passport: '^0.7.0', pg: '^8.13.0', typeorm: '^0.3.20'},
      scripts: {build: 'tsc', start: 'node dist/main.js'},
    },
    null,
    2,
  ),
  'tsconfig.json': JSON.stringify({compilerOptions: {emitDecoratorMetadata: true, experimentalDecorators: true, module: 'commonjs', outDir: './dist', rootDir: './src', target: 'es2022'}}, null, 2),
  'src/typeorm.config.ts': [
    "import {DataSource, DataSourceOptions} from 'typeorm'",
    '',
    'export const typeormConfig: DataSourceOptions = {',
    "  type: 'postgres',",
    '  url: process.env.DATABASE_URL,',
    "  migrations: ['dist/migrations/*.js'],",
    '  poolSize: 5,',
    '}',
    '',
    'export default new DataSource(typeormConfig)',
  ].join('\n'),
  'src/app.module.ts': [
    "import {Module} from '@nestjs/common'",
    "import {TypeOrmModule} from '@nestjs/typeorm'",
    "import {typeormConfig} from './typeorm.config'",
    '',
    '@Module({imports: [TypeOrmModule.forRoot(typeormConfig)]})',
    'export class AppModule {}',
  ].join('\n'),
  'src/main.ts': [
    "import {NestFactory} from '@nestjs/core'",
    "import * as passport from 'passport'",
    "import {AppModule} from './app.module'",
    '',
    'async function bootstrap() {',
    '  const app = await NestFactory.create(AppModule)',
    '  app.use(passport.initialize())',
    '  await app.listen(process.env.PORT ?? 3000)',
    '}',
    'bootstrap()',
  ].join('\n'),
}

describe('a TypeORM DataSource nothing initializes, beside the pool TypeOrmModule opens', () => {
  it("is not counted: passport's initialize() is not the DataSource's", () => {
    const r = json(app(files))
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(5)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'src/typeorm.config.ts', line: 10, message: expect.stringContaining('never initialize()d'), severity: 'info'}))
  })

  it('is counted when the app initializes it itself', () => {
    const seed = ["import dataSource from './typeorm.config'", '', 'export async function warm() {', '  await dataSource.initialize()', '}'].join('\n')
    const main = files['src/main.ts'].replace("import {AppModule} from './app.module'", "import {AppModule} from './app.module'\nimport {warm} from './warm'").replace('bootstrap()', 'warm().then(bootstrap)')
    const r = json(app({...files, 'src/main.ts': main, 'src/warm.ts': seed}))
    // The Nest pool 5 and the app's own DataSource 5.
    expect(r.type('web').connectionsPerDyno).toBe(10)
  })
})

/**
 * Two DataSources, no TypeOrmModule: the app's, which its code initialize()s, and the TypeORM CLI's
 * (`export default new DataSource(options)`) in a file a barrel re-exports (`export *` evaluates it: the DataSource is
 * built, but nothing connects it). Made-up Express app, poolSize 7 in the shared options: 7 per process (before: 14).
 */
const plain = {
  Procfile: 'web: node src/main.js\n',
  'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.13.0', typeorm: '^0.3.20'}}, null, 2),
  'src/db/options.js': "exports.options = {type: 'postgres', url: process.env.DATABASE_URL, poolSize: 7}\n",
  'src/db/app-data-source.js': "const {DataSource} = require('typeorm')\nconst {options} = require('./options')\n\nexports.appDataSource = new DataSource(options)\n",
  'src/db/cli-data-source.js': "const {DataSource} = require('typeorm')\nconst {options} = require('./options')\n\nmodule.exports = new DataSource(options)\n",
  'src/db/index.js': "module.exports = {...require('./app-data-source'), cli: require('./cli-data-source')}\n",
  'src/main.js': [
    "const express = require('express')",
    "const {appDataSource} = require('./db')",
    '',
    'appDataSource.initialize().then(() => express().listen(process.env.PORT))',
  ].join('\n'),
}

describe('two TypeORM DataSources, one initialize()d by the app', () => {
  it('counts the one initialized, not the CLI one beside it', () => {
    const r = json(app(plain))
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(7)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'src/db/cli-data-source.js', line: 4, message: expect.stringContaining('src/db/app-data-source.js:4 is the one that opens a pool'), severity: 'info'}))
  })

  it('counts both when an initialize() is on a value conncalc cannot trace to its DataSource', () => {
    const main = [
      "const express = require('express')",
      "const db = require('./db')",
      '',
      "const pick = (name) => db[name]",
      "pick(process.env.DS).initialize().then(() => express().listen(process.env.PORT))",
      'db.appDataSource.initialize()',
    ].join('\n')
    const r = json(app({...plain, 'src/main.js': main}))
    expect(r.type('web').connectionsPerDyno).toBe(14)
  })
})

/**
 * The app's DataSource held in a class's static field and initialized through it (Giveth/impact-graph src/orm.ts:
 * `static async initialize() { if (!AppDataSource.datasource) { AppDataSource.datasource = new DataSource({…});
 * await AppDataSource.datasource.initialize() } }`, called as `AppDataSource.initialize()`), beside the TypeORM CLI's
 * `export const cliDataSource = new DataSource(options)` that the app also loads. The static field's initialize() traces
 * to the construction assigned to it (JsCall.assignedTo); the class's own static initialize() is no DataSource's.
 * Before: the receiver of `AppDataSource.datasource.initialize()` was not traced, so both were counted (6 + 4 = 10).
 */
const statics = {
  Procfile: 'web: node src/main.ts\n',
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.0', typeorm: '^0.3.20'}, type: 'module'}, null, 2),
  'src/ormconfig.ts': ["import {DataSource} from 'typeorm'", '', "export const cliDataSource = new DataSource({type: 'postgres', url: process.env.DATABASE_URL, poolSize: 4})", ''].join('\n'),
  'src/orm.ts': [
    "import {DataSource} from 'typeorm'",
    "import {cliDataSource} from './ormconfig.ts'",
    '',
    'export class AppDataSource {',
    '  private static datasource: DataSource',
    '',
    '  static async initialize() {',
    '    if (!AppDataSource.datasource) {',
    "      AppDataSource.datasource = new DataSource({type: 'postgres', url: process.env.DATABASE_URL, poolSize: 6})",
    '      await AppDataSource.datasource.initialize()',
    '    }',
    '  }',
    '}',
    '',
    'export const migrations = cliDataSource.migrations',
    '',
  ].join('\n'),
  'src/main.ts': ["import http from 'node:http'", "import {AppDataSource} from './orm.ts'", '', 'await AppDataSource.initialize()', 'http.createServer((_req, res) => res.end()).listen(process.env.PORT)', ''].join('\n'),
}

describe('the app DataSource in a static class field', () => {
  it("counts it (6), not the CLI's DataSource beside it", () => {
    const r = json(app(statics))
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'src/ormconfig.ts', line: 3, message: expect.stringContaining('src/orm.ts:9 is the one that opens a pool'), severity: 'info'}))
  })
})
