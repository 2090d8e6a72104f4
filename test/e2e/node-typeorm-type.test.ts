/**
 * TypeORM connects to the database its options' `type` names (typeorm src/driver/DriverFactory.ts: `switch (type)`, the
 * postgres driver only for "postgres"/"cockroachdb"/"aurora-postgres"). Apps that support several databases pick the
 * type at run time (the shapes of Fallenbagel/jellyseerr's server/datasource.ts, `process.env.DB_TYPE === 'postgres' ?
 * postgresProdConfig : prodConfig` with a sqlite prodConfig, and ohmyform/api's src/app.imports.ts,
 * `configService.get('DATABASE_DRIVER', 'sqlite')` in a forRootAsync factory). Made-up apps, one process each:
 * - type written out as sqlite: the pool is on sqlite, listed, not counted: 0.
 * - type sqlite only because DB_TYPE / DATABASE_DRIVER is unset: a deploy on PostgreSQL sets it, so the pool is counted,
 *   starred, and the variable named (unresolved-env): 10* (pg's default max, no poolSize) and 7* (extra.max 7).
 * - with the variable given (--env): postgres counts 10 / 7 unstarred; mysql lists the pool on MySQL: 0.
 * Before: the type was not read: 10 and 7 with nothing said in every case.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {type PlanRow, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const plan = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])
const starred = (t: PlanRow) => (t.sources.threadsPerProcess.via ?? []).some((v) => v.kind === 'assumed')

const dataSource = (options: string) =>
  app({
    Procfile: 'web: node src/server.js\n',
    'package.json': JSON.stringify({dependencies: {pg: '^8.11.0', sqlite3: '^5.1.7', typeorm: '^0.3.20'}, engines: {node: '20.x'}}, null, 2),
    'src/datasource.js': [
      "const {DataSource} = require('typeorm')",
      "const sqlite = {type: 'sqlite', database: 'config/db.sqlite3', entities: []}",
      "const postgres = {type: 'postgres', url: process.env.DATABASE_URL, entities: []}",
      "const isPg = process.env.DB_TYPE === 'postgres'",
      `const dataSource = new DataSource(${options})`,
      'module.exports = {dataSource}',
    ].join('\n'),
    'src/server.js': [
      "const http = require('node:http')",
      "const {dataSource} = require('./datasource')",
      'dataSource.initialize().then(() => {',
      "  http.createServer(async (req, res) => res.end(JSON.stringify(await dataSource.query('select 1')))).listen(process.env.PORT)",
      '})',
    ].join('\n'),
  })

const nest = () =>
  app({
    Procfile: 'web: node dist/main.js\n',
    'package.json': JSON.stringify({dependencies: {'@nestjs/common': '^10.0.0', '@nestjs/config': '^3.0.0', '@nestjs/core': '^10.0.0', '@nestjs/typeorm': '^10.0.0', mysql2: '^3.0.0', pg: '^8.11.0', sqlite3: '^5.1.7', typeorm: '^0.3.20'}, scripts: {build: 'tsc', start: 'node dist/main.js'}}, null, 2),
    'tsconfig.json': JSON.stringify({compilerOptions: {emitDecoratorMetadata: true, experimentalDecorators: true, module: 'commonjs', outDir: './dist', rootDir: './src', target: 'es2019'}}, null, 2),
    'src/app.module.ts': [
      "import {Module} from '@nestjs/common'",
      "import {ConfigModule, ConfigService} from '@nestjs/config'",
      "import {TypeOrmModule} from '@nestjs/typeorm'",
      '',
      '@Module({',
      '  imports: [',
      '    ConfigModule.forRoot(),',
      '    TypeOrmModule.forRootAsync({',
      '      imports: [ConfigModule],',
      '      inject: [ConfigService],',
      '      useFactory: (configService: ConfigService) => ({',
      "        type: configService.get<string>('DATABASE_DRIVER', 'sqlite') as any,",
      "        url: configService.get<string>('DATABASE_URL'),",
      '        extra: {max: 7},',
      '      }),',
      '    }),',
      '  ],',
      '})',
      'export class AppModule {}',
    ].join('\n'),
    'src/main.ts': ["import {NestFactory} from '@nestjs/core'", "import {AppModule} from './app.module'", '', 'async function bootstrap() {', '  const app = await NestFactory.create(AppModule)', '  await app.listen(process.env.PORT)', '}', 'bootstrap()'].join('\n'),
  })

describe("TypeORM's type decides the database", () => {
  it('type sqlite written out: listed on sqlite, not counted: 0', () => {
    const r = plan(dataSource('sqlite'))
    expect(r.total).toBe(0)
    expect(r.type('web').databases).toEqual([])
  })

  it('type sqlite because DB_TYPE is unset: 10*, the variable named; DB_TYPE=postgres: 10; DB_TYPE=sqlite: 0', () => {
    const dir = dataSource('isPg ? postgres : sqlite')
    const unset = plan(dir)
    expect(unset.total).toBe(10)
    expect(starred(unset.type('web'))).toBe(true)
    expect(unset.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'src/datasource.js', line: 5, message: expect.stringContaining('DB_TYPE')}))
    const pg = plan(dir, ['DB_TYPE=postgres'])
    expect(pg.total).toBe(10)
    expect(starred(pg.type('web'))).toBe(false)
    expect(pg.codes).not.toContain('unresolved-env')
    expect(plan(dir, ['DB_TYPE=sqlite']).total).toBe(0)
  })

  it("Nest forRootAsync, configService.get('DATABASE_DRIVER', 'sqlite'), extra.max 7: 7* unset; 7 on postgres; 0 on mysql", () => {
    const dir = nest()
    const unset = plan(dir)
    expect(unset.total).toBe(7)
    expect(starred(unset.type('web'))).toBe(true)
    expect(unset.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', message: expect.stringContaining('DATABASE_DRIVER')}))
    const pg = plan(dir, ['DATABASE_DRIVER=postgres'])
    expect(pg.total).toBe(7)
    expect(starred(pg.type('web'))).toBe(false)
    expect(plan(dir, ['DATABASE_DRIVER=mysql']).total).toBe(0)
  })
})
