import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify(
  {
    dependencies: {'@nestjs/config': '3.2.0', '@nestjs/core': '10.3.0', joi: '17.12.0', pg: '8.11.3', sequelize: '6.37.1', 'sequelize-typescript': '2.1.6'},
    scripts: {'start:prod': 'node dist/main', 'start:worker': 'IS_WORKER=true node dist/main', 'start:jobs': 'cross-env IS_WORKER=true DB_MAX_WORKER=4 node dist/main'},
  },
  null,
  2,
)

// The factory returns an object validated by Joi.attempt (which returns it); the pool's max is read from it by ConfigService.get.
const configuration = [
  "import * as Joi from 'joi'",
  '',
  'export default () => {',
  "  const isWorker = process.env.IS_WORKER === 'true'",
  '  const configuration = {',
  '    database: {',
  '      url: process.env.DATABASE_URL,',
  "      maxConnections: isWorker ? process.env.DB_MAX_WORKER || '3' : process.env.DB_MAX_WEB || '7',",
  '    },',
  '  }',
  '  return Joi.attempt(configuration, Joi.object())',
  '}',
].join('\n')

// The provider module comes first in main.ts's imports, before the module that calls ConfigModule.forRoot.
const files = {
  'package.json': pkg,
  'src/app.module.ts': [
    "import { Module } from '@nestjs/common'",
    "import { ConfigModule } from '@nestjs/config'",
    "import { providers } from './db/providers'",
    "import configuration from './config/configuration'",
    '',
    '@Module({',
    '  imports: [ConfigModule.forRoot({ cache: true, load: [configuration] })],',
    '  providers: [...providers],',
    '})',
    'export class AppModule {}',
  ].join('\n'),
  'src/config/configuration.ts': configuration,
  'src/db/providers.ts': [
    "import { ConfigService } from '@nestjs/config'",
    "import { Sequelize } from 'sequelize-typescript'",
    '',
    'export const providers = [',
    '  {',
    "    provide: 'SEQUELIZE',",
    '    inject: [ConfigService],',
    '    useFactory: async (configService: ConfigService) => {',
    "      return new Sequelize(configService.get('database.url'), {",
    "        pool: { max: Number(configService.get('database.maxConnections')) },",
    '      })',
    '    },',
    '  },',
    ']',
  ].join('\n'),
  'src/main.ts': [
    "import { NestFactory } from '@nestjs/core'",
    "import { providers } from './db/providers'",
    "import { AppModule } from './app.module'",
    '',
    'async function bootstrap() {',
    '  const app = await NestFactory.create(AppModule)',
    '  await app.listen(process.env.PORT)',
    '}',
    'bootstrap()',
  ].join('\n'),
}

const pools = async (command: string, env: Record<string, string> = {}) => {
  const a = await analyzeWith(node, command, files, env, 'standard-1x')
  return a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])
}

describe('NestJS ConfigModule.forRoot({load: [factory]}) read by ConfigService.get', () => {
  it('reads the factory\'s object at the root of the config, whatever order the modules load in', async () => {
    // web: IS_WORKER unset → isWorker false → DB_MAX_WEB unset → '7' (configuration.ts:8) → Number → 7 (was Sequelize's 5, assumed).
    expect(await pools('npm run start:prod')).toEqual([['sequelize src/db/providers.ts:9', 7, false]])
    const a = await analyzeWith(node, 'npm run start:prod', files, {}, 'standard-1x')
    const via = JSON.stringify(a.pools?.[0].pool)
    expect(via).toContain('src/config/configuration.ts')
    expect(via).toContain('ConfigModule.forRoot (src/app.module.ts:7)')
  })

  it('a package.json script\'s own assignments are in the process\'s env (`IS_WORKER=true node …`, cross-env)', async () => {
    // worker: IS_WORKER=true from the script (package.json) → DB_MAX_WORKER unset → '3' → 3.
    expect(await pools('npm run start:worker')).toEqual([['sequelize src/db/providers.ts:9', 3, false]])
    // cross-env sets IS_WORKER=true and DB_MAX_WORKER=4 → 4.
    expect(await pools('npm run start:jobs')).toEqual([['sequelize src/db/providers.ts:9', 4, false]])
    // The app's config var still wins over the factory's fallback: DB_MAX_WEB=12 → 12.
    expect(await pools('npm run start:prod', {DB_MAX_WEB: '12'})).toEqual([['sequelize src/db/providers.ts:9', 12, false]])
  })

  it('a key no load factory or registerAs namespace has stays unknown, and says both were looked for', async () => {
    const other = {...files, 'src/db/providers.ts': files['src/db/providers.ts'].replace("get('database.maxConnections')", "get('db.max')")}
    const a = await analyzeWith(node, 'npm run start:prod', other, {}, 'standard-1x')
    // Sequelize's default 5 (https://github.com/sequelize/sequelize/blob/v6/src/dialects/abstract/connection-manager.js), assumed.
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[5, true]])
    expect(a.diagnostics.map((d) => d.message)).toContainEqual(expect.stringContaining("no registerAs('db', …) or ConfigModule.forRoot({load}) factory with 'db' was read"))
  })
})
