/**
 * Quarkus (Agroal) and Micronaut (HikariCP) apps run as jars (languages/jvm/quarkus-micronaut.ts).
 * Fixture quarkus-agroal: application.properties sets max-size 30, %prod (a jar's profile) ${DB_MAX_POOL:12},
 * %worker 2; the `reports` datasource is MySQL. Fixture micronaut-hikari: application.yml sets the default
 * datasource's maximumPoolSize 6 (url ${JDBC_DATABASE_URL}), `analytics` is MySQL; application-worker.yml sets 2.
 */
import {describe, expect, it} from 'vitest'

import type {ServerAnalysis} from '../../src/languages/common/types.js'
import type {PoolEntry} from '../../src/model/process.js'

import {jvm} from '../../src/languages/jvm/jvm.js'
import {memoryFiles} from '../../src/model/files.js'
import {ctxFor} from '../analyzers/helpers.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (app: string, ...env: string[]) => planJson(procfileOf(app), ['--limit', '100', '--scale', 'web=2:standard-1x', 'worker=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('Quarkus: quarkus.datasource.jdbc.max-size (fixture quarkus-agroal)', () => {
  it('the prod profile wins in the file: ${DB_MAX_POOL:12} → 12 a JVM × 2 dynos = 24; the worker runs profile worker: 2; MySQL not counted', () => {
    const r = plan('quarkus-agroal')
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, processesPerDyno: 1, server: 'quarkus', threadsPerProcess: 12})
    expect(r.type('web').sources['pool.quarkus.datasource'].source).toMatchObject({file: 'src/main/resources/application.properties', kind: 'file', line: 6})
    expect(r.type('worker')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.total).toBe(26)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('DB_MAX_POOL fills the expression; QUARKUS_DATASOURCE_JDBC_MAX_SIZE (env, ordinal 300) wins over the file', () => {
    expect(plan('quarkus-agroal', 'DB_MAX_POOL=25').type('web')).toMatchObject({poolPerProcess: 25})
    const r = plan('quarkus-agroal', 'QUARKUS_DATASOURCE_JDBC_MAX_SIZE=7')
    expect(r.type('web')).toMatchObject({connections: 14, poolPerProcess: 7})
    expect(r.type('worker')).toMatchObject({poolPerProcess: 7})
  })

  it('a profile with no %key of its own reads the plain key (-Dquarkus.profile in JAVA_OPTS): 30', () => {
    expect(plan('quarkus-agroal', 'JAVA_OPTS=-Dquarkus.profile=staging').type('web')).toMatchObject({poolPerProcess: 30})
  })

  it('max-size set nowhere: the Agroal default, 20 (DataSourceJdbcRuntimeConfig.maxSize @WithDefault("20"))', async () => {
    const files = memoryFiles({'pom.xml': '<dependency><groupId>io.quarkus</groupId><artifactId>quarkus-jdbc-postgresql</artifactId></dependency>', 'src/main/resources/application.properties': 'quarkus.datasource.db-kind=postgresql\n'})
    const a = (await jvm.analyze(ctxFor('java -jar target/quarkus-app/quarkus-run.jar', {files}))) as ServerAnalysis & {pools: PoolEntry[]}
    expect(a.pools.map((p) => p.pool.value)).toEqual([20])
    expect(a.pools[0].pool.source).toMatchObject({kind: 'default', what: 'Quarkus (Agroal) quarkus.datasource.jdbc.max-size default'})
    expect(a.threadsPerProcess.value).toBe(20)
  })
})

describe('Micronaut: datasources.NAME.maximum-pool-size (fixture micronaut-hikari)', () => {
  it('maximumPoolSize 6 (camelCase binds to maximum-pool-size) × 2 dynos = 12; application-worker.yml: 2; MySQL not counted', () => {
    const r = plan('micronaut-hikari')
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, server: 'micronaut'})
    expect(r.type('web').sources['pool.datasources.default'].source).toMatchObject({file: 'src/main/resources/application.yml', line: 8})
    expect(r.type('worker')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.total).toBe(14)
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
  })

  it('DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE (env) wins over the files', () => {
    const r = plan('micronaut-hikari', 'DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE=9')
    expect(r.type('web')).toMatchObject({poolPerProcess: 9})
    expect(r.type('worker')).toMatchObject({poolPerProcess: 9})
  })
})
