/**
 * NestJS apps that size TypeORM's pool through @nestjs/config (fixture nest-typeorm-config-service,
 * the shape of brocoders/nestjs-boilerplate):
 * - `TypeOrmModule.forRootAsync({useClass: TypeOrmConfigService})`: the options are what the
 *   class's createTypeOrmOptions() returns (@nestjs/typeorm's TypeOrmOptionsFactory);
 * - `configService.get('database.maxConnections')` reads the `registerAs('database', …)` namespace
 *   loaded by ConfigModule; `configService.get('WORKER_POOL_SIZE', 3)` the env variable, else the
 *   default argument (@nestjs/config lib/config.service.ts get()).
 * - `(databaseConfig() as DatabaseConfig).isDocumentDatabase ? Mongoose… : TypeOrm…`: registerAs
 *   returns its factory, so `databaseConfig()` is the namespace's object, and
 *   `['mongodb'].includes(process.env.DATABASE_TYPE ?? '')` is false with DATABASE_TYPE unset: the
 *   TypeORM branch runs (decided, not the larger branch assumed).
 * TypeORM hands `extra` to pg's Pool, so extra.max is each process's pool.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('NestJS ConfigService and forRootAsync({useClass})', () => {
  const args = ['--plan', 'standard-0', '--scale', 'web=1,worker=1']

  it('reads the pool from registerAs and the get() default: web 25, worker 3 (not pg\'s default 10, assumed)', () => {
    const r = planJson(procfileOf('nest-typeorm-config-service'), args)
    // DATABASE_MAX_CONNECTIONS unset: the ternary's else arm, 25. 1 process × 25 = 25.
    expect(r.type('web')).toMatchObject({connections: 25, poolPerProcess: 25, threadsPerProcess: 25})
    expect(r.type('web').sources['pool.typeorm src/app.module.ts:13']).toMatchObject({source: {file: 'src/database/config/database.config.ts', kind: 'file', line: 15}})
    // WORKER_POOL_SIZE unset: get()'s default argument 3. 1 × 3 = 3.
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('the env variables win when set: DATABASE_MAX_CONNECTIONS=8 → 8, WORKER_POOL_SIZE=2 → 2', () => {
    const r = planJson(procfileOf('nest-typeorm-config-service'), [...args, '--env', 'DATABASE_MAX_CONNECTIONS=8', '--env', 'WORKER_POOL_SIZE=2'])
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 8})
    expect(r.type('worker')).toMatchObject({connections: 2, poolPerProcess: 2})
  })
})
