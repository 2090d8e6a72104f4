/**
 * `TypeOrmModule.forRoot()` with no options, or with options that name no `type` (`forRoot({autoLoadEntities: true})`):
 * @nestjs/typeorm ≤ 8 calls TypeORM 0.2's `createConnection()` with no options, which reads the app's ormconfig
 * (typeorm-core.module.ts createConnectionFactory: `if (!options.type) return createTypeormConnection()`; typeorm 0.2
 * ConnectionOptionsReader). Made-up NestJS apps (@nestjs/typeorm 8, typeorm 0.2), one process each:
 * - forRoot() and ormconfig.js with extra.max 7: PostgresDriver makes pg's Pool with max: poolSize, then extra's keys
 *   over it: 7. Before: forRoot's options were read as absent, pg's default 10.
 * - forRoot({autoLoadEntities: true, keepConnectionAlive: true}) and ormconfig.json with poolSize 3: 3. Before: 10.
 * - forRoot({type: 'postgres', url, extra: {max: 4}}): the options given are the pool's, ormconfig.json (poolSize 3) is
 *   not read: 4.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const json = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

const nest = (forRoot: string, more: Record<string, string>) =>
  app({
    Procfile: 'web: node dist/main.js\n',
    'package.json': JSON.stringify({dependencies: {'@nestjs/common': '^8.4.0', '@nestjs/core': '^8.4.0', '@nestjs/typeorm': '^8.1.0', pg: '^8.7.0', typeorm: '^0.2.45'}, scripts: {build: 'tsc', start: 'node dist/main.js'}}, null, 2),
    'tsconfig.json': JSON.stringify({compilerOptions: {emitDecoratorMetadata: true, experimentalDecorators: true, module: 'commonjs', outDir: './dist', rootDir: './src', target: 'es2019'}}, null, 2),
    'src/app.module.ts': ["import {Module} from '@nestjs/common'", "import {TypeOrmModule} from '@nestjs/typeorm'", '', `@Module({imports: [${forRoot}]})`, 'export class AppModule {}'].join('\n'),
    'src/main.ts': ["import {NestFactory} from '@nestjs/core'", "import {AppModule} from './app.module'", '', 'async function bootstrap() {', '  const app = await NestFactory.create(AppModule)', '  await app.listen(process.env.PORT)', '}', 'bootstrap()'].join('\n'),
    ...more,
  })

describe('TypeOrmModule.forRoot() without a type reads ormconfig', () => {
  it('forRoot() and ormconfig.js extra.max 7: 7', () => {
    const ormconfig = ['module.exports = {', "  type: 'postgres',", '  url: process.env.DATABASE_URL,', "  entities: ['dist/entities/*.js'],", '  extra: {max: 7},', '}'].join('\n')
    const t = json(nest('TypeOrmModule.forRoot()', {'ormconfig.js': ormconfig})).type('web')
    expect(t.connections).toBe(7)
    expect(t.sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'ormconfig.js', line: 5}))
  })

  it('forRoot({autoLoadEntities}) with no type and ormconfig.json poolSize 3: 3', () => {
    const t = json(nest('TypeOrmModule.forRoot({autoLoadEntities: true, keepConnectionAlive: true})', {'ormconfig.json': '{\n  "type": "postgres",\n  "url": "postgres://localhost/app",\n  "poolSize": 3\n}\n'})).type('web')
    expect(t.connections).toBe(3)
  })

  it('forRoot with a type uses its own options, not ormconfig.json: 4', () => {
    const t = json(nest("TypeOrmModule.forRoot({type: 'postgres', url: process.env.DATABASE_URL, extra: {max: 4}})", {'ormconfig.json': '{"type": "postgres", "poolSize": 3}\n'})).type('web')
    expect(t.connections).toBe(4)
  })
})
