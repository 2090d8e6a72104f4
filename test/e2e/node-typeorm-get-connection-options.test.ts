/**
 * TypeORM options built on `await getConnectionOptions()`: it returns ConnectionOptionsReader.get(name) — the
 * connection of that name (default 'default') in the app's ormconfig — and the app's keys are set over them
 * (`Object.assign(await getConnectionOptions(), {name})`, the Rocketseat "GoBarber" shape; `{...opts, extra}`;
 * NestJS's forRootAsync useFactory). typeorm 0.2.45 src/index.ts getConnectionOptions →
 * src/connection/ConnectionOptionsReader.ts. Made-up Express apps (typeorm 0.2, pg), ormconfig.js with poolSize 6:
 * - web: createConnection(Object.assign(await getConnectionOptions(), {name: 'default'})): the ormconfig's poolSize, 6
 *   (PostgresDriver: pg's Pool with max: poolSize). Before: 10*, "Object.assign() onto a value conncalc cannot read".
 * - worker: createConnection({...(await getConnectionOptions()), extra: {max: 2}}): extra's keys over poolSize, 2.
 * - reports: getConnectionOptions('reports'), a named connection conncalc does not read: pg's default 10, starred.
 * - NestJS forRootAsync({useFactory: async () => Object.assign(await getConnectionOptions(), {autoLoadEntities: true})}): 6.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const ormconfig = ['module.exports = {', "  type: 'postgres',", '  url: process.env.DATABASE_URL,', "  entities: ['dist/entities/*.js'],", '  poolSize: 6,', '}'].join('\n')
const connect = (options: string) => ["const {createConnection, getConnectionOptions} = require('typeorm')", '', 'async function connect() {', `  return createConnection(${options})`, '}', '', 'connect()'].join('\n')

describe('getConnectionOptions() reads the ormconfig', () => {
  const dir = app({
    Procfile: 'web: node src/web.js\nworker: node src/worker.js\nreports: node src/reports.js\n',
    'ormconfig.js': ormconfig,
    'package.json': JSON.stringify({dependencies: {express: '^4.17.1', pg: '^8.7.0', typeorm: '^0.2.45'}}, null, 2),
    'src/reports.js': connect("{...(await getConnectionOptions('reports')), name: 'reports'}"),
    'src/web.js': connect("Object.assign(await getConnectionOptions(), {name: 'default'})"),
    'src/worker.js': connect('{...(await getConnectionOptions()), extra: {max: 2}}'),
  })
  const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--scale', 'worker=1:standard-1x', '--scale', 'reports=1:standard-1x'])

  it("Object.assign onto it: the ormconfig's poolSize 6, from ormconfig.js, not starred", () => {
    expect(r.type('web').connections).toBe(6)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'ormconfig.js', line: 5}))
    expect(r.diagnostics.filter((d) => d.file === 'src/web.js')).toEqual([])
  })

  it("spread with extra beside it: extra.max 2 over the ormconfig's poolSize", () => {
    expect(r.type('worker').connections).toBe(2)
  })

  it('a named connection is not read: 10, starred and said', () => {
    expect(r.type('reports').connections).toBe(10)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'src/reports.js', message: expect.stringContaining("getConnectionOptions('reports')")}))
  })
})

describe('NestJS forRootAsync with getConnectionOptions()', () => {
  it('useFactory returns Object.assign(await getConnectionOptions(), {autoLoadEntities}): 6', () => {
    const dir = app({
      Procfile: 'web: node dist/main.js\n',
      'ormconfig.js': ormconfig,
      'package.json': JSON.stringify({dependencies: {'@nestjs/common': '^8.4.0', '@nestjs/core': '^8.4.0', '@nestjs/typeorm': '^8.1.0', pg: '^8.7.0', typeorm: '^0.2.45'}, scripts: {build: 'tsc', start: 'node dist/main.js'}}, null, 2),
      'src/app.module.ts': ["import {Module} from '@nestjs/common'", "import {TypeOrmModule} from '@nestjs/typeorm'", "import {getConnectionOptions} from 'typeorm'", '', '@Module({imports: [TypeOrmModule.forRootAsync({useFactory: async () => Object.assign(await getConnectionOptions(), {autoLoadEntities: true})})]})', 'export class AppModule {}'].join('\n'),
      'src/main.ts': ["import {NestFactory} from '@nestjs/core'", "import {AppModule} from './app.module'", '', 'async function bootstrap() {', '  const app = await NestFactory.create(AppModule)', '  await app.listen(process.env.PORT)', '}', 'bootstrap()'].join('\n'),
      'tsconfig.json': JSON.stringify({compilerOptions: {emitDecoratorMetadata: true, experimentalDecorators: true, module: 'commonjs', outDir: './dist', rootDir: './src', target: 'es2019'}}, null, 2),
    })
    const t = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']).type('web')
    expect(t.connections).toBe(6)
  })
})
