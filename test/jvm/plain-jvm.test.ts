/**
 * JVM apps that are not Spring Boot, Quarkus, Micronaut or Play (languages/jvm/jvm.ts plainJvm), and Spring Boot
 * apps with no JDBC on the classpath. Fixture ktor-hikari-in-code: a Ktor app (build.gradle.kts: HikariCP,
 * org.postgresql; h2 and sqlite only in comments) whose src/main/kotlin/notes/Database.kt:12 sets
 * `maximumPoolSize = 4` on its HikariConfig.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {jvm} from '../../src/languages/jvm/jvm.js'
import {memoryFiles} from '../../src/model/files.js'
import {ctxFor} from '../analyzers/helpers.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const root = fileURLToPath(new URL('../fixtures/ktor-hikari-in-code/', import.meta.url))
const fixtureFiles = (): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const p of ['build.gradle.kts', 'src/main/kotlin/notes/Database.kt', 'src/main/kotlin/notes/Application.kt']) out[p] = readFileSync(join(root, p), 'utf8')
  return out
}

const analyze = async (files: Record<string, string>) => jvm.analyze(ctxFor('java -jar build/libs/notes-all.jar', {files: memoryFiles(files)}))

describe('a JVM app without Spring Boot (fixture ktor-hikari-in-code)', () => {
  it('HikariConfig maximumPoolSize = 4 in the sources (Database.kt:12): 4 per JVM × 3 dynos = 12, server jvm, no Spring default', () => {
    const r = planJson(procfileOf('ktor-hikari-in-code'), ['--limit', '100', '--scale', 'web=3:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 4, server: 'jvm', threadsPerProcess: 4})
    expect(r.type('web').sources['pool.hikari'].source).toMatchObject({file: 'src/main/kotlin/notes/Database.kt', kind: 'file', line: 12})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a maximumPoolSize conncalc cannot evaluate: HikariCP\'s default 10, assumed and said at its line', async () => {
    const files = fixtureFiles()
    files['src/main/kotlin/notes/Database.kt'] = files['src/main/kotlin/notes/Database.kt'].replace('maximumPoolSize = 4', 'maximumPoolSize = System.getenv("DB_POOL")?.toInt() ?: 4')
    const a = await analyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([10])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/main/kotlin/notes/Database.kt', line: 12}))
    expect(JSON.stringify(a.pools![0].pool)).toContain('"kind":"assumed"')
  })

  it('a HikariConfig in test sources (src/test) is not the app\'s: without one in src/main, HikariCP\'s default 10', async () => {
    const files = fixtureFiles()
    files['src/main/kotlin/notes/Database.kt'] = files['src/main/kotlin/notes/Database.kt'].replace('            maximumPoolSize = 4\n', '')
    files['src/test/kotlin/notes/DatabaseTest.kt'] = 'package notes\n\nval testPool = HikariConfig().apply {\n    maximumPoolSize = 1\n}\n'
    expect((await analyze(files)).pools!.map((p) => p.pool.value)).toEqual([10])
  })

  it('a one-line Kotlin apply block, `HikariConfig().apply { maximumPoolSize = 3 }`, is read: 3', async () => {
    const files = fixtureFiles()
    files['src/main/kotlin/notes/Database.kt'] = files['src/main/kotlin/notes/Database.kt'].replace('            maximumPoolSize = 4\n', '').replace('return Database.connect(', 'val small = HikariConfig().apply { maximumPoolSize = 3 }\n        return Database.connect(')
    expect((await analyze(files)).pools!.map((p) => p.pool.value)).toEqual([3])
  })

  it('a PostgreSQL driver only in a comment is not on the classpath: no PostgreSQL connection (0)', async () => {
    const files = fixtureFiles()
    files['build.gradle.kts'] = files['build.gradle.kts'].replace('    implementation("org.postgresql:postgresql:42.7.3")', '    // implementation("org.postgresql:postgresql:42.7.3")')
    const a = await analyze(files)
    expect(a).toMatchObject({language: 'none', pools: [], server: 'jvm'})
    expect(a.threadsPerProcess.value).toBe(0)
  })

  it('no pool library and no pool in code: 1 assumed, with a warning naming the build', async () => {
    const files = {'pom.xml': '<project><dependencies><dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency><dependency><groupId>io.javalin</groupId><artifactId>javalin</artifactId></dependency></dependencies></project>'}
    const a = await analyze(files)
    expect(a.threadsPerProcess).toMatchObject({source: {kind: 'assumed'}, value: 1})
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('the build (pom.xml) names no Spring Boot, Quarkus, Micronaut or HikariCP')}))
  })
})

describe('Spring Boot with no JDBC on the classpath', () => {
  const pom = (deps: string) => `<project><parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.4</version></parent><dependencies>${deps}</dependencies></project>`
  const dep = (a: string) => `<dependency><groupId>org.springframework.boot</groupId><artifactId>${a}</artifactId></dependency>`

  it('only starter-web and thymeleaf: no DataSource, 0 connections (DataSourceAutoConfiguration needs spring-jdbc)', async () => {
    const a = await analyze({'pom.xml': pom(dep('spring-boot-starter-web') + dep('spring-boot-starter-thymeleaf'))})
    expect(a).toMatchObject({language: 'none', pools: []})
    expect(a.threadsPerProcess.value).toBe(0)
  })

  it('starter-data-jpa (even with the driver commented out of the pom): HikariCP default 10', async () => {
    const a = await analyze({'pom.xml': pom(dep('spring-boot-starter-data-jpa') + '<!-- <dependency><artifactId>postgresql</artifactId></dependency> -->')})
    expect(a.pools!.map((p) => p.pool.value)).toEqual([10])
  })
})

describe('Gradle installDist start scripts and HikariConfig("file.properties")', () => {
  it('`build/install/notes/bin/notes` (Gradle application plugin) is the JVM analyzer\'s in a Gradle app, not elsewhere; its pool is the code\'s 4', async () => {
    const gradle = ctxFor('./build/install/notes/bin/notes', {files: memoryFiles(fixtureFiles())})
    expect(jvm.matches(gradle.command, gradle)).toBe(true)
    expect((await jvm.analyze(gradle)).pools!.map((p) => p.pool.value)).toEqual([4])
    const node = ctxFor('./build/install/notes/bin/notes', {files: memoryFiles({'package.json': '{}'})})
    expect(jvm.matches(node.command, node)).toBe(false)
  })

  const withProps = (props?: string) => {
    const files = fixtureFiles()
    files['src/main/kotlin/notes/Database.kt'] = files['src/main/kotlin/notes/Database.kt'].replace(/val config = HikariConfig\(\)\.apply \{[\s\S]*?\n {8}\}/, 'val config = HikariConfig("/db.properties")')
    if (props !== undefined) files['src/main/resources/db.properties'] = props
    return files
  }

  it('the properties file in src/main/resources sets maximumPoolSize=6 (line 2): 6, sourced there', async () => {
    const a = await analyze(withProps('jdbcUrl=${JDBC_DATABASE_URL}\nmaximumPoolSize=6\n'))
    expect(a.pools!.map((p) => p.pool.value)).toEqual([6])
    expect(a.pools![0].pool.source).toMatchObject({file: 'src/main/resources/db.properties', line: 2})
  })

  it('the properties file is not in the app (gitignored): HikariCP\'s 10, assumed, and a missing-config warning at the HikariConfig line', async () => {
    const a = await analyze(withProps())
    expect(a.pools!.map((p) => p.pool.value)).toEqual([10])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'src/main/kotlin/notes/Database.kt', line: 9}))
    expect(JSON.stringify(a.pools![0].pool)).toContain('loads a file not in the app')
  })
})

/**
 * Fixture clojure-hikari-cp: a Leiningen app (project.clj, no pom or Gradle build; Spring Boot only in a `;;` comment)
 * whose src/ledger/db.clj:9 calls `(hikari/make-datasource {:jdbc-url jdbc-url :connection-timeout 5000})`.
 * resources/config.edn sets :maximum-pool-size 4, but db.clj destructures only :jdbc-url, so hikari-cp merges its
 * default-datasource-options (tomekw/hikari-cp src/hikari_cp/core.clj: :maximum-pool-size 10, :minimum-idle 10).
 */
describe('a Clojure app with hikari-cp (fixture clojure-hikari-cp)', () => {
  const croot = fileURLToPath(new URL('../fixtures/clojure-hikari-cp/', import.meta.url))
  const cfiles = (): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const p of ['project.clj', 'resources/config.edn', 'src/ledger/db.clj']) out[p] = readFileSync(join(croot, p), 'utf8')
    return out
  }

  const canalyze = async (files: Record<string, string>) => jvm.analyze(ctxFor('java -jar target/uberjar/ledger.jar', {files: memoryFiles(files)}))

  it('make-datasource with a map that has no :maximum-pool-size: hikari-cp\'s 10 × 2 dynos = 20, server jvm (not spring-boot), sourced at db.clj:9', () => {
    const r = planJson(procfileOf('clojure-hikari-cp'), ['--limit', '100', '--scale', 'web=2:standard-1x'])
    // 1 JVM per dyno; request threads wait for the pool: min(10, 10) = 10 per JVM; 2 × 10 = 20.
    expect(r.type('web')).toMatchObject({connections: 20, poolPerProcess: 10, server: 'jvm', threadsPerProcess: 10})
    const pool = JSON.stringify(r.type('web').sources['pool.hikari-cp'])
    expect(pool).toContain("hikari-cp's default-datasource-options :maximum-pool-size 10")
    expect(pool).toContain('"file":"src/ledger/db.clj","kind":"file","line":9')
    expect(pool).not.toContain('HikariCP default maximumPoolSize')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('a :maximum-pool-size literal in the map at the call is the pool: 3, from its line', async () => {
    const files = cfiles()
    files['src/ledger/db.clj'] = files['src/ledger/db.clj'].replace(':connection-timeout 5000}', ':connection-timeout 5000\n                           :maximum-pool-size 3}')
    const a = await canalyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([3])
    expect(a.pools![0].pool.source).toEqual({file: 'src/ledger/db.clj', kind: 'file', line: 11})
  })

  it('options passed by name are not followed: 10 assumed, with an unknown-config-value at the call', async () => {
    const files = cfiles()
    files['src/ledger/db.clj'] = files['src/ledger/db.clj'].replace('[_ {:keys [jdbc-url]}]', '[_ opts]').replace(/\(hikari\/make-datasource \{[^}]*\}\)/, '(hikari/make-datasource opts)')
    const a = await canalyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([10])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/ledger/db.clj', line: 9}))
    expect(JSON.stringify(a.pools![0].pool)).toContain('"kind":"assumed"')
  })

  it('no PostgreSQL driver in project.clj: no PostgreSQL connection (0)', async () => {
    const files = cfiles()
    files['project.clj'] = files['project.clj'].replace('[org.postgresql/postgresql "42.7.1"]', '')
    const a = await canalyze(files)
    expect(a.threadsPerProcess.value).toBe(0)
    expect(a.pools).toEqual([])
  })
})


/**
 * Fixture ktor-application-conf: a Ktor 2 app (build.gradle.kts: Exposed, HikariCP, org.postgresql; Gradle installDist
 * start script) whose src/main/kotlin/tasks/DatabaseFactory.kt:13 sets
 * `maximumPoolSize = config.property("storage.maxPoolSize").getString().toInt()`; Ktor reads it from
 * src/main/resources/application.conf (HOCON): `maxPoolSize = 6` (line 15), then `maxPoolSize = ${?DB_POOL_SIZE}`.
 */
describe('Ktor: HikariCP sized from application.conf (fixture ktor-application-conf)', () => {
  const kroot = fileURLToPath(new URL('../fixtures/ktor-application-conf/', import.meta.url))
  const kfiles = (): Record<string, string> => {
    const out: Record<string, string> = {}
    for (const p of ['build.gradle.kts', 'src/main/resources/application.conf', 'src/main/kotlin/tasks/DatabaseFactory.kt', 'src/main/kotlin/tasks/Application.kt']) out[p] = readFileSync(join(kroot, p), 'utf8')
    return out
  }

  const kanalyze = async (files: Record<string, string>, env: Record<string, string> = {}) => jvm.analyze(ctxFor('./build/install/tasks/bin/tasks', {env, files: memoryFiles(files)}))
  const factory = 'src/main/kotlin/tasks/DatabaseFactory.kt'

  it('storage.maxPoolSize = 6 in application.conf:15: 6 per JVM × 2 dynos = 12, sourced there, nothing assumed', () => {
    const r = planJson(procfileOf('ktor-application-conf'), ['--limit', '100', '--scale', 'web=2:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, server: 'jvm', threadsPerProcess: 6})
    expect(r.type('web').sources['pool.hikari'].source).toMatchObject({file: 'src/main/resources/application.conf', kind: 'file', line: 15})
    expect(r.codes).not.toContain('unknown-config-value')
    expect(JSON.stringify(r.type('web').sources['pool.hikari'])).not.toContain('"assumed"')
  })

  it('DB_POOL_SIZE set: `maxPoolSize = ${?DB_POOL_SIZE}` replaces it: 9 × 2 = 18', () => {
    const r = planJson(procfileOf('ktor-application-conf'), ['--limit', '100', '--scale', 'web=2:standard-1x', '--env', 'DB_POOL_SIZE=9'])
    expect(r.type('web')).toMatchObject({connections: 18, poolPerProcess: 9})
  })

  it("propertyOrNull(…)?.getString()?.toInt() ?: 3 with the key not in application.conf: the code's 3", async () => {
    const files = kfiles()
    files[factory] = files[factory].replace('config.property("storage.maxPoolSize").getString().toInt()', 'config.propertyOrNull("storage.poolSize")?.getString()?.toInt() ?: 3')
    const a = await kanalyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([3])
    expect(a.pools![0].pool.source).toEqual({file: factory, kind: 'file', line: 13})
  })

  it('Lightbend Config, ConfigFactory.load().getInt("storage.maxPoolSize"), reads the same file: 6', async () => {
    const files = kfiles()
    files[factory] = files[factory].replace('config.property("storage.maxPoolSize").getString().toInt()', 'ConfigFactory.load().getInt("storage.maxPoolSize")')
    expect((await kanalyze(files)).pools!.map((p) => p.pool.value)).toEqual([6])
  })

  it('a section read through config("storage") (inline, or a variable given it above) and a size read into a val first: 6; DB_POOL_SIZE=9: 9', async () => {
    const files = kfiles()
    files[factory] = files[factory]
      .replace('    fun init(config: ApplicationConfig) {\n', '    fun init(config: ApplicationConfig) {\n        val storage = config.config("storage")\n        val poolSize = storage.property("maxPoolSize").getString().toInt()\n')
      .replace('config.property("storage.maxPoolSize").getString().toInt()', 'poolSize')
    expect((await kanalyze(files)).pools!.map((p) => p.pool.value)).toEqual([6])
    expect((await kanalyze(files, {DB_POOL_SIZE: '9'})).pools!.map((p) => p.pool.value)).toEqual([9])
    const inline = kfiles()
    inline[factory] = inline[factory].replace('config.property("storage.maxPoolSize")', 'config.config("storage").property("maxPoolSize")')
    expect((await kanalyze(inline)).pools!.map((p) => p.pool.value)).toEqual([6])
  })

  it('the Kotlin code and application.conf in a module folder (api/src/main/…): that module\'s application.conf, 6', async () => {
    const files = Object.fromEntries(Object.entries(kfiles()).map(([p, t]) => [p === 'build.gradle.kts' ? p : `api/${p}`, t]))
    const a = await jvm.analyze(ctxFor('java -jar api/build/libs/api-all.jar', {files: memoryFiles({...files, 'api/build.gradle.kts': files['build.gradle.kts'], 'settings.gradle.kts': 'include("api")\n'})}))
    expect(a.pools!.map((p) => p.pool.value)).toEqual([6])
    expect(a.pools![0].pool.source).toMatchObject({file: 'api/src/main/resources/application.conf', line: 15})
  })

  // JetBrains/kotlinconf-app's shape: application.yaml instead of application.conf, a section read into a val, `$ENV:default` values.
  const yamlFiles = (pool: string): Record<string, string> => {
    const files = kfiles()
    delete files['src/main/resources/application.conf']
    files['src/main/resources/application.yaml'] = ['ktor:', '  deployment:', '    port: 8080', 'database:', '  host: "$DB0_HOST:"', `  poolSize: ${pool}`, '  maxPool: "$database.poolSize"', ''].join('\n')
    files[factory] = files[factory]
      .replace('    fun init(config: ApplicationConfig) {\n', '    fun init(config: ApplicationConfig) {\n        val dbConfig = config.config("database")\n        val dbPoolSize = dbConfig.property("poolSize").getString().toInt()\n')
      .replace('config.property("storage.maxPoolSize").getString().toInt()', 'dbPoolSize')
    return files
  }

  it('application.yaml (Ktor\'s YAML config): database.poolSize 5 at line 6; `$DB_POOL:7` is the env var, else 7; `$KEY` without a default and unset: unresolved', async () => {
    const a = await kanalyze(yamlFiles('5'))
    expect(a.pools!.map((p) => p.pool.value)).toEqual([5])
    expect(a.pools![0].pool.source).toEqual({file: 'src/main/resources/application.yaml', kind: 'file', line: 6})
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
    expect((await kanalyze(yamlFiles('"$DB_POOL:7"'))).pools!.map((p) => p.pool.value)).toEqual([7])
    expect((await kanalyze(yamlFiles('"$DB_POOL:7"'), {DB_POOL: '12'})).pools!.map((p) => p.pool.value)).toEqual([12])
    const required = await kanalyze(yamlFiles('"$DB_POOL"'))
    expect(required.pools!.map((p) => p.pool.value)).toEqual([10])
    expect(required.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', message: expect.stringContaining('DB_POOL is not set anywhere')}))
  })

  it('a `$path` value is another key of the file (Ktor resolves it before the env): database.maxPool → database.poolSize, 5', async () => {
    const files = yamlFiles('5')
    files[factory] = files[factory].replace('dbConfig.property("poolSize")', 'dbConfig.property("maxPool")')
    expect((await kanalyze(files)).pools!.map((p) => p.pool.value)).toEqual([5])
  })

  it('a key application.conf does not set, without a fallback: HikariCP\'s 10, assumed, unknown-config-value at the code line', async () => {
    const files = kfiles()
    files[factory] = files[factory].replace('storage.maxPoolSize', 'storage.poolMax')
    const a = await kanalyze(files)
    expect(a.pools!.map((p) => p.pool.value)).toEqual([10])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: factory, line: 13}))
    expect(JSON.stringify(a.pools![0].pool)).toContain('"kind":"assumed"')
  })
})
