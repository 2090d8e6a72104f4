/**
 * Real-world Node, JVM and PHP app shapes (test/fixtures/real-node/, each modelled on an
 * upstream repository named at the top of its files): the numbers, statuses and diagnostic
 * codes a user sees from `conncalc plan --json`.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'

const plan = (app: string, ...args: string[]) => planJson(procfileOf(`real-node/${app}`), args)
const codes = (r: {codes: string[]}) => r.codes

describe('real Node apps', () => {
  it('Strapi: `strapi start`, config/env/production/database.js over config/database.ts, env.int("DATABASE_POOL_MAX", 5)', () => {
    const r = plan('strapi', '--scale', 'web=2', '--plan', 'essential-0')
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 5, processesPerDyno: 1, server: 'strapi', threadsPerProcess: 5})
    expect(r.type('web').sources['pool.strapi config/env/production/database.js'].source).toEqual({file: 'config/env/production/database.js', kind: 'file', line: 18})
    expect(r.status).toBe('ok')
    expect(codes(r)).not.toContain('unknown-config-value')
    const env = plan('strapi', '--scale', 'web=1', '--env', 'DATABASE_POOL_MAX=3')
    expect(env.type('web')).toMatchObject({poolPerProcess: 3})
    expect(env.type('web').sources['pool.strapi config/env/production/database.js'].via).toContainEqual(expect.objectContaining({kind: 'env', name: 'DATABASE_POOL_MAX'}))
    // Another NODE_ENV reads config/database.ts: the sqlite client unless DATABASE_CLIENT says postgres.
    const dev = plan('strapi', '--env', 'NODE_ENV=staging')
    expect(dev.type('web')).toMatchObject({poolPerProcess: 10})
    expect(dev.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'config/database.ts'}))
    const pg = plan('strapi', '--env', 'NODE_ENV=staging', '--env', 'DATABASE_CLIENT=postgres', '--env', 'DATABASE_POOL_MAX=7')
    expect(pg.type('web')).toMatchObject({poolPerProcess: 7})
    expect(codes(pg)).not.toContain('unknown-config-value')
  })

  it('NestJS + TypeORM: decorators before `export class` parse; forRootAsync useFactory extra.max from parseInt(env ?? "20")', () => {
    const r = plan('nestjs-typeorm', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 20, processesPerDyno: 1, server: 'node'})
    expect(r.type('web').sources['pool.typeorm src/app.module.ts:10'].source).toEqual({file: 'src/app.module.ts', kind: 'file', line: 19})
    expect(codes(r)).not.toContain('unparsable-config')
    expect(plan('nestjs-typeorm', '--env', 'DB_POOL_MAX=6').type('web')).toMatchObject({poolPerProcess: 6})
  })

  it('pm2-runtime ecosystem file: instances from WEB_CONCURRENCY, the app script is followed; Number(env) || 4', () => {
    const r = plan('pm2-ecosystem', '--scale', 'web=1:performance-m')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 4, processesPerDyno: 5})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'ecosystem.config.js', kind: 'file', line: 7})
    expect(r.type('web').sources['pool.pg app.js:4'].source).toEqual({file: 'app.js', kind: 'file', line: 7})
    // instances "max" without WEB_CONCURRENCY: one per CPU.
    const max = plan('pm2-ecosystem', '--env', 'WEB_CONCURRENCY=max')
    expect(max.type('web')).toMatchObject({processesPerDyno: 8})
    expect(codes(max)).toContain('cpu-count-default')
  })

  it('heroku/node-js-getting-started with throng and pg: WEB_CONCURRENCY workers × pg default 10', () => {
    const r = plan('getting-started', '--scale', 'web=2:standard-2x', '--plan', 'essential-2')
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 10, processesPerDyno: 2})
    expect(r.status).toBe('warning')
  })

  it('n8n run from its package: DB_POSTGRESDB_POOL_SIZE (default 2) for main and queue worker', () => {
    const r = plan('n8n', '--env-file', `${fixture('real-node/n8n')}/.env.heroku`, '--scale', 'web=1', 'worker=2')
    expect(r.type('web')).toMatchObject({connections: 2, poolPerProcess: 2, server: 'n8n'})
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 2, server: 'n8n'})
    expect(plan('n8n', '--env', 'DB_POSTGRESDB_POOL_SIZE=8').type('web')).toMatchObject({poolPerProcess: 8})
  })

  it('Outline: build/server/index.js read from server/index.ts; an env object it cannot read is said, never guessed', () => {
    const r = plan('outline', '--scale', 'web=2:standard-2x', 'worker=1')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 5, processesPerDyno: 2})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('worker')).toMatchObject({connections: 5, processesPerDyno: 1})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'server/index.ts', line: 11}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'server/storage/database.ts'}))
  })

  it('Payload 3 on `cross-env … next start`: the postgres adapter in src/payload.config.ts is a pg Pool (max 10)', () => {
    const r = plan('payload', '--scale', 'web=3')
    expect(r.type('web')).toMatchObject({connections: 30, poolPerProcess: 10, server: 'next'})
    expect(r.type('web').sources['pool.pg src/payload.config.ts:17'].source).toEqual({file: 'src/payload.config.ts', kind: 'file', line: 17})
  })
})

describe('real JVM and PHP apps', () => {
  it('spring-petclinic with the postgres profile: HikariCP 10 per JVM', () => {
    const r = plan('spring-petclinic', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 10, processesPerDyno: 1, server: 'spring-boot'})
    expect(plan('spring-petclinic', '--env', 'SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=4').type('web')).toMatchObject({poolPerProcess: 4})
  })

  it('Laravel: heroku-php-apache2 FPM children by dyno size, queue:work one connection, migrate in release', () => {
    const r = plan('laravel', '--scale', 'web=2:standard-2x', 'worker=1')
    expect(r.type('web')).toMatchObject({connections: 16, processesPerDyno: 8, server: 'heroku-php-apache2'})
    expect(r.type('worker')).toMatchObject({connections: 1, server: 'artisan-queue'})
    expect(r.total).toBe(17)
  })
})
