/**
 * Quarkus (Agroal) and Micronaut (HikariCP) apps run as jars (languages/jvm/quarkus-micronaut.ts).
 * Fixture quarkus-agroal: application.properties sets max-size 30, %prod (a jar's profile) ${DB_MAX_POOL:12},
 * %worker 2; the `reports` datasource is MySQL. Fixture micronaut-hikari: application.yml sets the default
 * datasource's maximumPoolSize 6 (url ${JDBC_DATABASE_URL}), `analytics` is MySQL; application-worker.yml sets 2.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
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

  // Agroal's default by the pinned Quarkus version: DataSourceJdbcRuntimeConfig.maxSize @WithDefault("20") up to 3.30,
  // @WithDefault("50") from 3.31 (quarkusio/quarkus#51169). The pom below pins nothing unless a test adds it.
  const agroal = async (version?: string) => {
    const pom = `${version ? `<properties><quarkus.platform.version>${version}</quarkus.platform.version></properties>\n` : ''}<dependency><groupId>io.quarkus</groupId><artifactId>quarkus-jdbc-postgresql</artifactId></dependency>`
    const files = memoryFiles({'pom.xml': pom, 'src/main/resources/application.properties': 'quarkus.datasource.db-kind=postgresql\n'})
    return (await jvm.analyze(ctxFor('java -jar target/quarkus-app/quarkus-run.jar', {files}))) as ServerAnalysis & {pools: PoolEntry[]}
  }

  it('max-size set nowhere, Quarkus 3.30.2 pinned: the Agroal default, 20 (pom.xml:1 named)', async () => {
    const a = await agroal('3.30.2')
    expect(a.pools.map((p) => p.pool.value)).toEqual([20])
    expect(a.pools[0].pool.source).toMatchObject({kind: 'default', what: 'Quarkus 3.30.2: quarkus.datasource.jdbc.max-size default (20 up to 3.30)'})
    expect(a.pools[0].pool.via).toEqual([{file: 'pom.xml', kind: 'file', line: 1}])
    expect(a.threadsPerProcess.value).toBe(20)
  })

  it('max-size set nowhere, Quarkus 3.31.1 (or 4.x) pinned: 50 (quarkusio/quarkus#51169), not assumed', async () => {
    for (const v of ['3.31.1', '4.0.0.Alpha1']) {
      const a = await agroal(v)
      expect(a.pools.map((p) => p.pool.value)).toEqual([50])
      expect(a.threadsPerProcess.value).toBe(50)
      expect(JSON.stringify(a.pools[0].pool)).toContain('quarkus/pull/51169')
      expect(JSON.stringify(a.pools[0].pool)).not.toContain('"assumed"')
    }
  })

  it('max-size set nowhere and no version read: 50, marked assumed and naming 3.30\'s 20', async () => {
    const a = await agroal()
    expect(a.pools.map((p) => p.pool.value)).toEqual([50])
    expect(JSON.stringify(a.pools[0].pool)).toContain("the build's Quarkus version is not read; up to Quarkus 3.30 the Agroal pool's default was 20")
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

/**
 * Fixture quarkus-reactive-yaml: Quarkus 2.13.3.Final (pom.xml:10) with quarkus-reactive-pg-client and quarkus-config-yaml,
 * no JDBC extension. application.properties (ordinal 250) sets reactive.max-size 30; application.yaml (255) sets 12,
 * and 3 only under %dev.
 */
describe('Micronaut: an application.yml of several documents (`---`)', () => {
  it("each document is read, a later one's keys over an earlier's (YamlPropertySourceLoader.processInput: loadAll, then processMap each): 8, not unparsable", async () => {
    const root = fileURLToPath(new URL('../fixtures/micronaut-hikari/', import.meta.url))
    const yml = ['micronaut:', '  application:', '    name: inventory', '---', 'datasources:', '  default:', '    url: ${JDBC_DATABASE_URL}', '    driverClassName: org.postgresql.Driver', '    maximumPoolSize: 6', '---', 'datasources:', '  default:', '    maximumPoolSize: 8', ''].join('\n')
    const files = {'build.gradle': readFileSync(join(root, 'build.gradle'), 'utf8'), 'src/main/resources/application.yml': yml}
    const a = await jvm.analyze(ctxFor('java -jar build/libs/inventory-0.1-all.jar', {files: memoryFiles(files)}))
    // Before: the yaml package's one-document parse refused the stream (unparsable-config) and Hikari's default 10 was used.
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unparsable-config')
    expect(a.pools!.map((p) => p.pool.value)).toEqual([8])
    expect(a.pools![0].pool.source).toMatchObject({file: 'src/main/resources/application.yml', kind: 'file', line: 13})
  })
})

describe('Quarkus: reactive pools and application.yaml (fixture quarkus-reactive-yaml)', () => {
  const fixtureFiles = (): Record<string, string> => {
    const root = fileURLToPath(new URL('../fixtures/quarkus-reactive-yaml/', import.meta.url))
    const out: Record<string, string> = {}
    for (const p of ['pom.xml', 'src/main/resources/application.properties', 'src/main/resources/application.yaml']) out[p] = readFileSync(join(root, p), 'utf8')
    return out
  }

  const jar = 'java -jar target/quarkus-app/quarkus-run.jar'
  const pools = async (change: (files: Record<string, string>) => void = () => {}) => {
    const files = fixtureFiles()
    change(files)
    const a = await jvm.analyze(ctxFor(jar, {files: memoryFiles(files)}))
    return a.pools!.map((p) => [p.database, p.pool.value])
  }

  it('application.yaml (255) wins over application.properties (250): one Vert.x pool of 12, no Agroal pool (no JDBC extension); 2 dynos × 12 = 24', () => {
    const r = planJson(procfileOf('quarkus-reactive-yaml'), ['--limit', '100', '--scale', 'web=2:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, server: 'quarkus', threadsPerProcess: 12})
    expect(r.type('web').sources['pool.quarkus.datasource.reactive'].source).toMatchObject({file: 'src/main/resources/application.yaml', line: 8})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.quarkus.datasource.reactive'])
  })

  it('without quarkus-config-yaml the YAML is not read: application.properties\'s 30', async () => {
    expect(await pools((f) => (f['pom.xml'] = f['pom.xml'].replace('quarkus-config-yaml', 'quarkus-arc')))).toEqual([['quarkus.datasource.reactive', 30]])
  })

  it('max-size set nowhere: Quarkus 2.13 leaves it to Vert.x (4); 3.x defaults it to 20 (quarkusio/quarkus#30801); no version read: 20, assumed', async () => {
    const unset = (f: Record<string, string>) => {
      f['src/main/resources/application.properties'] = 'quarkus.datasource.db-kind=postgresql\n'
      f['src/main/resources/application.yaml'] = f['src/main/resources/application.yaml'].replace('      max-size: 12\n', '')
    }

    expect(await pools(unset)).toEqual([['quarkus.datasource.reactive', 4]])
    expect(
      await pools((f) => {
        unset(f)
        f['pom.xml'] = f['pom.xml'].replace('2.13.3.Final', '3.8.4')
      }),
    ).toEqual([['quarkus.datasource.reactive', 20]])
    const files = fixtureFiles()
    unset(files)
    files['pom.xml'] = files['pom.xml'].replace(/<quarkus\.platform\.version>.*\n/, '')
    const a = await jvm.analyze(ctxFor(jar, {files: memoryFiles(files)}))
    expect(a.pools!.map((p) => p.pool.value)).toEqual([20])
    expect(JSON.stringify(a.pools![0].pool)).toContain("the build's Quarkus version is not read")
  })

  it('with a JDBC extension as well, both pools count: Agroal 20 + reactive 12', async () => {
    expect(await pools((f) => (f['pom.xml'] = f['pom.xml'].replace('quarkus-config-yaml</artifactId>', 'quarkus-config-yaml</artifactId></dependency><dependency><artifactId>quarkus-jdbc-postgresql</artifactId>')))).toEqual([
      ['quarkus.datasource', 20],
      ['quarkus.datasource.reactive', 12],
    ])
  })
})

/**
 * Fixture micronaut-heroku-env: application.yml maximum-pool-size 15 (a local URL), application-heroku.yml 5 with
 * ${JDBC_DATABASE_URL}, application-worker.yml 2. On a dyno Micronaut deduces the heroku (and cloud) environment from DYNO.
 */
describe('Micronaut: the heroku environment it deduces on a dyno (fixture micronaut-heroku-env)', () => {
  const plan = (...env: string[]) => planJson(procfileOf('micronaut-heroku-env'), ['--limit', '100', '--scale', 'web=2:standard-1x', 'worker=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

  it('application-heroku.yml wins over application.yml: web 5 × 2 dynos = 10; the worker names worker, which wins over heroku: 2; total 12', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 5, server: 'micronaut'})
    const pool = r.type('web').sources['pool.datasources.default']
    expect(pool.source).toMatchObject({file: 'src/main/resources/application-heroku.yml', line: 4})
    expect(JSON.stringify(pool)).toContain('Micronaut adds the heroku and cloud environments on a Heroku dyno')
    expect(r.type('worker')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.total).toBe(12)
  })

  it('MICRONAUT_ENV_DEDUCTION=false: no heroku environment, application.yml\'s 15 (15 × 2 + 2 = 32)', () => {
    const r = plan('MICRONAUT_ENV_DEDUCTION=false')
    expect(r.type('web')).toMatchObject({connections: 30, poolPerProcess: 15})
    expect(r.total).toBe(32)
  })

  it('the app turning deduction off in code (deduceEnvironment(false)) reads application.yml too', async () => {
    const root = fileURLToPath(new URL('../fixtures/micronaut-heroku-env/', import.meta.url))
    const files: Record<string, string> = {}
    for (const p of ['build.gradle.kts', 'src/main/resources/application.yml', 'src/main/resources/application-heroku.yml']) files[p] = readFileSync(join(root, p), 'utf8')
    files['src/main/kotlin/shop/Application.kt'] = 'package shop\n\nimport io.micronaut.runtime.Micronaut\n\nfun main(args: Array<String>) {\n    Micronaut.build(*args).deduceEnvironment(false).start()\n}\n'
    const a = await jvm.analyze(ctxFor('java -jar build/libs/shop-0.1-all.jar', {files: memoryFiles(files)}))
    expect(a.pools!.map((p) => p.pool.value)).toEqual([15])
  })
})

/**
 * A multi-module Maven build whose root pom names no framework: the one module that names Quarkus is the app
 * (Athou/commafeed: commafeed-client builds the web UI, commafeed-server is the Quarkus app the image's quarkus-run.jar
 * comes from). Before, only the root's pom.xml was looked at: "names no Spring Boot, Quarkus, Micronaut", 1 assumed.
 */
describe('Quarkus in one module of a multi-module build', () => {
  const files = (props: string): Record<string, string> => ({
    'feeds-client/pom.xml': '<project><artifactId>feeds-client</artifactId><packaging>jar</packaging></project>\n',
    'feeds-server/pom.xml': [
      '<project>',
      '  <artifactId>feeds-server</artifactId>',
      '  <properties>',
      '    <quarkus.version>3.20.1</quarkus.version>',
      '  </properties>',
      '  <dependencies>',
      '    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-hibernate-orm</artifactId></dependency>',
      '    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-jdbc-postgresql</artifactId></dependency>',
      '  </dependencies>',
      '</project>',
      '',
    ].join('\n'),
    'feeds-server/src/main/resources/application.properties': props,
    'pom.xml': '<project><artifactId>feeds</artifactId><packaging>pom</packaging><modules><module>feeds-client</module><module>feeds-server</module></modules></project>\n',
  })

  it('the module\'s %prod max-size (16); with none, Quarkus 3.20\'s Agroal default 20 from the module\'s pom', async () => {
    const set = await jvm.analyze(ctxFor('java -jar quarkus-run.jar', {files: memoryFiles(files('quarkus.http.port=8082\n%prod.quarkus.datasource.jdbc.max-size=16\n'))}))
    expect(set.server).toBe('quarkus')
    expect(set.pools!.map((p) => p.pool.value)).toEqual([16])
    const unset = await jvm.analyze(ctxFor('java -jar quarkus-run.jar', {files: memoryFiles(files('quarkus.http.port=8082\n'))}))
    expect(unset.pools!.map((p) => p.pool.value)).toEqual([20])
    // The source names the module's file from the app root.
    expect(set.pools![0].pool.source).toMatchObject({file: 'feeds-server/src/main/resources/application.properties', line: 2})
  })

  it('a %prod JDBC URL of another database (`jdbc:h2:./data/db`, commafeed\'s default build) is no PostgreSQL pool: 0; the env\'s PostgreSQL URL is: 20', async () => {
    const props = 'quarkus.http.port=8082\n%prod.quarkus.datasource.jdbc.url=jdbc:h2:./data/db;DEFRAG_ALWAYS=TRUE\n'
    const h2 = await jvm.analyze(ctxFor('java -jar quarkus-run.jar', {files: memoryFiles(files(props))}))
    expect(h2.pools).toEqual([])
    expect(h2.threadsPerProcess.value).toBe(0)
    const pg = await jvm.analyze(ctxFor('java -jar quarkus-run.jar', {env: {QUARKUS_DATASOURCE_JDBC_URL: 'jdbc:postgresql://db:5432/feeds'}, files: memoryFiles(files(props))}))
    expect(pg.pools!.map((p) => p.pool.value)).toEqual([20])
  })
})
