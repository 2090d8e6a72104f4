/**
 * Spring Boot on the JVM: one process per dyno; HikariCP's pool is
 * spring.datasource.hikari.maximum-pool-size (default 10, HikariConfig.java)
 * and, with minimum-idle defaulting to the maximum, it is opened at start. Tomcat's
 * request threads wait for a pooled connection, so threads per process = the pool.
 * Spring Boot 1.x uses tomcat-jdbc instead (maxActive 100), unless the app excludes it.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra, PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {apartFromKnownOthers, placeUnknownServers} from '../../model/other-server.js'
import {jvmUrlServer} from './url-server.js'
import {assumed, fromDefault, fromFact, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {filesUnder, onceForFiles, withinDir} from '../../model/files.js'
import {SpringConfig} from './spring.js'
import {isJvm} from '../common/matchers.js'
import {jvmFramework} from './jvm-framework.js'
import {gradleAppliedScripts, productionBuildText} from '../common/database-drivers.js'
import {HoconConfig, type HoconValue} from './hocon.js'
import {clojureMap} from './clojure-map.js'
import {grailsPool, isGrails} from './grails.js'

// c3p0's BasicResourcePool: a checkout waits while maxPoolSize connections are out (C3P0Defaults.CHECKOUT_TIMEOUT 0: no timeout).
const IRONJACAMAR_POOL = 'https://github.com/ironjacamar/ironjacamar/blob/master/core/src/main/java/org/jboss/jca/core/api/connectionmanager/pool/PoolConfiguration.java'
const C3P0_POOL = 'https://github.com/swaldman/c3p0/blob/master/src/com/mchange/v2/resourcepool/BasicResourcePool.java'
const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'

function intProperty(config: SpringConfig, key: string, what: string, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  const v = config.get(key)
  if (!v) return undefined
  const where = v.source.kind === 'file' ? {file: v.source.file, line: v.source.line} : {}
  if (v.unresolved) {
    diagnostics.push({code: 'unresolved-env', ...where, message: `${v.unresolved} is not set anywhere and ${key} reads it without a default, so ${what} is unknown`, severity: 'warning'})
    return undefined
  }

  if (v.value !== undefined && /^\s*\d+\s*$/.test(v.value)) return sourced(Number(v.value), v.source, v.placeholderVia)
  diagnostics.push({code: 'unknown-config-value', ...where, message: `cannot read ${what}: ${key}=${JSON.stringify(v.value)} is not an integer`, severity: 'warning'})
  return undefined
}

// commons-dbcp2 BasicDataSource: `private int maxTotal = GenericObjectPoolConfig.DEFAULT_MAX_TOTAL` (commons-pool2: 8).
const DBCP2 = 'https://github.com/apache/commons-dbcp/blob/master/src/main/java/org/apache/commons/dbcp2/BasicDataSource.java'
const POOL2_MAX_TOTAL = 'https://github.com/apache/commons-pool/blob/master/src/main/java/org/apache/commons/pool2/impl/GenericObjectPoolConfig.java'
const TOMCAT_JDBC = 'https://github.com/apache/tomcat/blob/9.0.x/modules/jdbc-pool/src/main/java/org/apache/tomcat/jdbc/pool/PoolProperties.java'
const BOOT1_POOL = 'https://docs.spring.io/spring-boot/docs/1.5.x/reference/html/boot-features-sql.html#boot-features-connect-to-production-database'

/** The Spring Boot version the build pins (Maven parent or BOM, Gradle plugin or springBootVersion), with where. */
export function springBootVersion(files: AnalyzerContext['files']): {file: string; line: number; version: string} | undefined {
  const patterns: [string, RegExp][] = [
    ['pom.xml', /<artifactId>spring-boot-(?:starter-parent|dependencies)<\/artifactId>\s*<version>\s*([\d.]+[\w.-]*)\s*</],
    ['pom.xml', /<spring-boot\.version>\s*([\d.]+[\w.-]*)\s*</],
    ['build.gradle', /id\s*\(?\s*['"]org\.springframework\.boot['"]\s*\)?\s*version\s*['"]([\d.]+[\w.-]*)['"]|springBootVersion\s*=\s*['"]([\d.]+[\w.-]*)['"]|spring-boot-gradle-plugin:([\d.]+[\w.-]*)/],
    ['build.gradle.kts', /id\s*\(\s*"org\.springframework\.boot"\s*\)\s*version\s*"([\d.]+[\w.-]*)"/],
  ]
  for (const [path, re] of patterns) {
    const file = files.read(path)
    const m = file && re.exec(file.text)
    if (file && m) return {file: file.path, line: file.text.slice(0, m.index).split('\n').length + (m[0].slice(0, m[0].search(/\d/)).split('\n').length - 1), version: m.slice(1).find(Boolean)!}
  }

  return undefined
}

/**
 * Spring Boot 1.x picks tomcat-jdbc whenever it is on the classpath (the jdbc and data-jpa starters bring it), HikariCP
 * only when tomcat-jdbc is excluded or spring.datasource.type names it. tomcat-jdbc's pool: maxActive 100, initialSize 10.
 */
function tomcatJdbcPool(ctx: AnalyzerContext, config: SpringConfig, boot: {file: string; line: number; version: string}, diagnostics: Diagnostic[]): PoolEntry | undefined {
  const type = config.get('spring.datasource.type')?.value ?? ''
  const builds = ['pom.xml', 'build.gradle', 'build.gradle.kts'].map((f) => ctx.files.read(f)?.text ?? '').join('\n')
  const excluded = /<exclusion>\s*<groupId>org\.apache\.tomcat<\/groupId>\s*<artifactId>tomcat-jdbc<\/artifactId>|exclude[^\n]*tomcat-jdbc/.test(builds)
  if (/hikari/i.test(type) || (excluded && /HikariCP/i.test(builds))) return undefined
  const bootSource = fromFile(boot.file, boot.line)
  const chosen = fromDefault(`Spring Boot ${boot.version} prefers the tomcat-jdbc pool (brought by spring-boot-starter-jdbc and -data-jpa) over HikariCP`, BOOT1_POOL)
  const max =
    intProperty(config, 'spring.datasource.tomcat.max-active', 'the tomcat-jdbc pool size', diagnostics) ??
    intProperty(config, 'spring.datasource.max-active', 'the tomcat-jdbc pool size', diagnostics) ??
    sourced(100, fromDefault('tomcat-jdbc default maxActive (PoolProperties.DEFAULT_MAX_ACTIVE)', TOMCAT_JDBC), [chosen, bootSource])
  const initial =
    intProperty(config, 'spring.datasource.tomcat.initial-size', 'the tomcat-jdbc initial size', diagnostics) ??
    intProperty(config, 'spring.datasource.initial-size', 'the tomcat-jdbc initial size', diagnostics) ??
    sourced(10, fromDefault('tomcat-jdbc default initialSize: opened when the pool starts', TOMCAT_JDBC))
  return {database: 'tomcat-jdbc', minOpen: initial.value <= max.value ? initial : max, pool: {...max, via: [...(max.via ?? []), ...(max.via?.includes(chosen) ? [] : [chosen])]}, server: springServer(config, ctx)}
}

/**
 * Drivers of other databases, by class name. spring.datasource.driver-class-name names the driver the pool loads, as given
 * (Spring Boot DataSourceProperties.determineDriverClassName returns it when set: https://github.com/spring-projects/spring-boot/blob/v2.7.18/spring-boot-project/spring-boot-autoconfigure/src/main/java/org/springframework/boot/autoconfigure/jdbc/DataSourceProperties.java),
 * and a JDBC driver accepts only its own
 * URLs: HikariCP refuses to start ("Driver … claims to not accept jdbcUrl"), tomcat-jdbc's connect gets null. So a pool
 * with one of these opens no PostgreSQL connection, whatever URL it is given (the JVM buildpack's SPRING_DATASOURCE_URL too).
 */
const OTHER_DRIVERS: [RegExp, string][] = [
  [/^org\.h2\.Driver$/, 'H2'],
  [/^org\.hsqldb\.(jdbc\.JDBCDriver|jdbcDriver)$/, 'HSQLDB'],
  [/^com\.mysql\.(cj\.)?jdbc\.Driver$/, 'MySQL'],
  [/^org\.mariadb\.jdbc\.Driver$/, 'MariaDB'],
  [/^org\.sqlite\.JDBC$/, 'SQLite'],
  [/^oracle\.jdbc\.(driver\.)?OracleDriver$/, 'Oracle'],
  [/^com\.microsoft\.sqlserver\.jdbc\.SQLServerDriver$/, 'SQL Server'],
  [/^org\.apache\.derby\.jdbc\.(Embedded|Client)Driver$/, 'Derby'],
]

/** The server of Spring Boot's DataSource: another database when driver-class-name names its driver, else the URL's. */
function springServer(config: SpringConfig, ctx: AnalyzerContext): string {
  const driver = config.get('spring.datasource.driver-class-name')
  const name = driver?.value?.trim()
  const other = name === undefined ? undefined : OTHER_DRIVERS.find(([re]) => re.test(name))?.[1]
  if (!other || !driver) return jvmUrlServer(config.get('spring.datasource.url'), ctx.env)
  const at = driver.source.kind === 'file' ? ` at ${driver.source.file}:${driver.source.line}` : driver.source.kind === 'env' ? ` from ${driver.source.name}` : ''
  return `${other} database (spring.datasource.driver-class-name ${name}${at}: the pool connects through that driver, which takes no PostgreSQL URL), not PostgreSQL`
}

const DRIVER_MANAGER = 'https://docs.oracle.com/en/java/javase/21/docs/api/java.sql/java/sql/DriverManager.html#getConnection(java.lang.String)'
const TOMCAT_THREADS = 'https://docs.spring.io/spring-boot/appendix/application-properties/index.html#application-properties.server.server.tomcat.threads.max'

/** The first `DriverManager.getConnection(…)` (Java, Kotlin, Groovy, Scala; Clojure's `DriverManager/getConnection`) in the app's sources. */
function driverManagerCall(files: AnalyzerContext['files']): undefined | {file: string; line: number} {
  const {paths} = filesUnder(files, 'src', (p) => /\.(java|kt|groovy|scala|clj)$/.test(p), {max: 3000})
  for (const path of paths) {
    const text = files.read(path)?.text ?? ''
    const at = text.search(/DriverManager[./]getConnection\s*\(/)
    if (at !== -1) return {file: path, line: text.slice(0, at).split('\n').length}
  }

  return undefined
}

/**
 * Connections the app opens itself with DriverManager.getConnection: no pool bounds them, each request thread
 * running that code holds one more (Tomcat runs up to server.tomcat.threads.max, 200, at once). Counted as 1
 * per process, labelled, with a warning, as database/sql without a cap is in Go.
 */
function unpooled(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Extra[] {
  const call = driverManagerCall(ctx.files)
  if (!call) return []
  diagnostics.push({
    code: 'unbounded-pool',
    file: call.file,
    fix: `open it from the app's DataSource (HikariCP) instead, or tell conncalc how many run at once: --assume ${ctx.processType}.extras=N`,
    line: call.line,
    message: `${ctx.processType}: ${call.file}:${call.line} opens connections with DriverManager.getConnection, outside any pool: every request thread that runs it holds one more (Tomcat allows 200 at once by default), and nothing bounds them; conncalc counts 1 until you give --assume`,
    processType: ctx.processType,
    severity: 'warning',
  })
  const why = assumed(`connections from DriverManager.getConnection (${call.file}:${call.line}) have no pool: as many as the request threads running that code, up to Tomcat's 200; 1 counted`)
  return [{count: sourced(1, fromFile(call.file, call.line), [fromDefault('DriverManager.getConnection opens a new physical connection on every call', DRIVER_MANAGER), fromDefault('Tomcat server.tomcat.threads.max default 200', TOMCAT_THREADS), why]), kind: 'unpooled-jdbc', reason: 'JDBC DriverManager.getConnection outside the pool'}]
}

/** One JVM per dyno whose request threads share one pool: at most the pool's size hold a connection at once. */
function oneJvm(diagnostics: Diagnostic[], pool: PoolEntry, threads: Source, extras: Extra[] = [], server = 'spring-boot'): ServerAnalysis {
  const processesPerDyno = sourced(1, fromFact('one JVM per dyno', server === 'jvm' ? 'https://devcenter.heroku.com/articles/deploying-java' : 'https://devcenter.heroku.com/articles/deploying-spring-boot-apps-to-heroku'))
  // A pool known to be on another database (model/other-server.ts) is listed, not counted: its threads hold none on the plan.
  const apart = apartFromKnownOthers([pool])
  if (apart.pools.length === 0) {
    const why = fromDefault(`its pool (${pool.database}) is on ${pool.server}: this process holds no connection on the plan`, 'https://jdbc.postgresql.org/documentation/use/')
    return {diagnostics, extrasPerProcess: extras, language: extras.length > 0 ? 'java' : 'none', otherServerPools: apart.otherServerPools, pools: [], processesPerDyno, server, threadsPerProcess: sourced(0, why, [pool.pool.source])}
  }

  return {
    diagnostics,
    extrasPerProcess: extras,
    language: 'java',
    pools: [pool],
    processesPerDyno,
    server,
    threadsPerProcess: sourced(pool.pool.value, threads, [pool.pool.source]),
  }
}

/** An analysis of a module's files (read through `inModule`) with the paths it names given from the app root, in place. */
function namedFromRoot(analysis: ServerAnalysis, dir: string, inModule: AnalyzerContext['files']): ServerAnalysis {
  const seen = new Set<object>()
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return
    seen.add(v)
    const o = v as Record<string, unknown>
    if (typeof o.file === 'string' && inModule.exists(o.file)) o.file = `${dir}/${o.file}`
    for (const x of Array.isArray(v) ? v : Object.values(o)) walk(x)
  }

  walk(analysis)
  return analysis
}

/** A Quarkus or Micronaut JVM: its datasources' pools (quarkus-micronaut.ts), request threads bounded by them. */
async function frameworkJvm(ctx: AnalyzerContext, framework: 'micronaut' | 'quarkus'): Promise<ServerAnalysis> {
  const {micronautPools, quarkusPools} = await import('./quarkus-micronaut.js')
  const read = framework === 'quarkus' ? quarkusPools(ctx) : micronautPools(ctx)
  const diagnostics = [...read.diagnostics]
  const extras = unpooled(ctx, diagnostics)
  const processes = sourced(1, fromFact('one JVM per dyno', 'https://devcenter.heroku.com/articles/deploying-java'))
  const name = framework === 'quarkus' ? 'Quarkus' : 'Micronaut'
  if (read.pools.length === 0) {
    if (read.notCounted.length > 0) return {diagnostics, extrasPerProcess: extras, language: 'none', pools: [], processesPerDyno: processes, server: framework, threadsPerProcess: sourced(0, fromDefault(`${name}: its datasources are not PostgreSQL: ${read.notCounted.join(', ')}`, 'https://quarkus.io/guides/datasource'))}
    const why = `${name}: no JDBC datasource is configured in src/main/resources/application.* (nor by -D or env), so no pool is counted`
    diagnostics.push({code: 'unknown-config-value', fix: `if this process uses PostgreSQL, give its pool: --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: ${why}; 1 connection is assumed`, processType: ctx.processType, severity: 'warning'})
    return {diagnostics, extrasPerProcess: extras, language: 'java', pools: [], processesPerDyno: processes, server: framework, threadsPerProcess: sourced(1, assumed(`${why}; 1 connection assumed`))}
  }

  // Which server each datasource is on (model/other-server.ts): the queries at once are the counted pools' total.
  const apart = apartFromKnownOthers(read.pools)
  const placed = placeUnknownServers(apart.pools, apart.otherServerPools)
  const counted = placed.pools ?? []
  const total = counted.reduce((a, p) => a + p.pool.value, 0)
  return {
    diagnostics,
    // Request threads queue for the pools (one per datasource): the queries at once are the pools' total.
    eventLoop: true,
    extrasPerProcess: extras,
    language: 'java',
    otherServerPools: placed.otherServerPools,
    pools: counted,
    processesPerDyno: processes,
    server: framework,
    threadsPerProcess: sourced(total, fromDefault(`${name}'s request threads wait for a pooled connection: at most the pools' size hold one at once`, framework === 'quarkus' ? 'https://quarkus.io/guides/datasource#jdbc-configuration' : HIKARI), counted.map((p) => p.pool.source)),
  }
}

/**
 * The Maven/Gradle build files at the root and one folder down (a multi-module build's modules), each Gradle
 * build followed by the local scripts it applies (`apply from: 'gradle/profile_prod.gradle'`: their dependencies
 * are the project's).
 */
function buildFiles(files: AnalyzerContext['files']): {path: string; text: string}[] {
  return onceForFiles(files, 'jvm-build-files', () =>
    ['', ...files.folders('').filter((f) => !f.startsWith('.') && f !== 'node_modules')].flatMap((dir) =>
      ['pom.xml', 'build.gradle', 'build.gradle.kts'].flatMap((name) => {
        const path = dir ? `${dir}/${name}` : name
        const text = files.read(path)?.text
        if (text === undefined) return []
        const build = {path, text: productionBuildText(name, text)}
        if (name === 'pom.xml') return [build]
        const applied = gradleAppliedScripts(path, text).flatMap((p) => {
          const script = files.read(p)?.text
          return script === undefined ? [] : [{path: p, text: productionBuildText(p, script)}]
        })
        return [build, ...applied]
      }),
    ),
  )
}

const DATASOURCE_AUTOCONFIG = 'https://github.com/spring-projects/spring-boot/blob/v3.3.4/spring-boot-project/spring-boot-autoconfigure/src/main/java/org/springframework/boot/autoconfigure/jdbc/DataSourceAutoConfiguration.java'
/** What puts JDBC (and so a DataSource) or a PostgreSQL driver on a Spring Boot app's classpath. */
const JDBC_ON_CLASSPATH = /spring-boot-starter-(?:jdbc|data-jpa|data-jdbc|jooq|data-r2dbc|batch|quartz)|spring-jdbc|HikariCP|tomcat-jdbc|commons-dbcp|c3p0|postgresql|pgjdbc|r2dbc|mybatis|jdbi|flyway|liquibase|exposed|ebean|querydsl-sql/i

/** A build that lists dependencies (a pom's <dependency>, a Gradle `implementation`/`compile`/`api` line): it says what is on the classpath. */
const listsDependencies = (builds: {text: string}[]): boolean => builds.some((b) => /<dependency>|^\s*(?:implementation|api|compile|runtimeOnly|compileOnly)\b/m.test(b.text))

/** Whether the app's sources use Spring Boot (`org.springframework.boot` imports): a Spring app whatever its build says. */
function springInSources(files: AnalyzerContext['files']): boolean {
  return onceForFiles(files, 'jvm-spring-in-sources', () => {
    const {paths} = filesUnder(files, '', (p) => /(^|\/)src\/main\//.test(p) && /\.(java|kt|groovy|scala)$/.test(p), {max: 3000, maxDepth: 12})
    return paths.some((p) => (files.read(p)?.text ?? '').includes('org.springframework.boot'))
  })
}

const HIKARI_IN_CODE = /\b(?:maximumPoolSize\s*=|setMaximumPoolSize\s*\()\s*([^;)}\n]*)|\bHikariConfig\s*\(\s*"([^"]+\.properties)"\s*\)/
// hikari-cp (Clojure) merges the options given to make-datasource over default-datasource-options:
// {:minimum-idle 10 :maximum-pool-size 10 …} (the same map in every release).
const HIKARI_CP = 'https://github.com/tomekw/hikari-cp/blob/master/src/hikari_cp/core.clj'

interface HikariSetting {
  file: string
  line: number
  /** `(hikari/make-datasource {…})` (Clojure's hikari-cp): a map literal without :maximum-pool-size (hikari-cp's default applies), or options not written where the call is. */
  clojure?: 'map-without-size' | 'options-unread'
  /** `new HikariConfig("hikari.properties")`: the properties file it loads, and where it is in the app if it is. */
  properties?: {found?: string; name: string}
  raw: string
}

/**
 * A Clojure app's hikari-cp pool: the first `(make-datasource …)` call in src/. Its options map written at the call
 * gives :maximum-pool-size (a literal, or the expression there); a map without it keeps hikari-cp's 10; options passed
 * by name (a var, a config read) are not read.
 */
function clojureHikari(files: AnalyzerContext['files']): HikariSetting | undefined {
  const {paths} = filesUnder(files, 'src', (p) => /\.cljc?$/.test(p), {max: 3000})
  for (const path of paths) {
    const text = files.read(path)?.text ?? ''
    for (const m of text.matchAll(/\((?:[\w.-]+\/)?make-datasource\s+/g)) {
      const lineAt = (i: number): number => text.slice(0, i).split('\n').length
      const start = m.index + m[0].length
      if (text[start] !== '{') return {clojure: 'options-unread', file: path, line: lineAt(m.index), raw: /^[^\s)]+/.exec(text.slice(start))?.[0] ?? ''}
      const map = clojureMap(text, start)
      const size = map && /:maximum-pool-size\s+([^\s,}]+)/.exec(map)
      if (!size) return {clojure: 'map-without-size', file: path, line: lineAt(m.index), raw: ''}
      return {file: path, line: lineAt(start + size.index), raw: size[1]}
    }
  }

  return undefined
}

/**
 * `maximumPoolSize = 5` (Kotlin) / `config.setMaximumPoolSize(5)` (Java) in the app's sources, or a HikariConfig built
 * from a properties file (`HikariConfig("hikari.properties")`, loaded from the classpath: src/main/resources): the first.
 */
function hikariInCode(files: AnalyzerContext['files']): HikariSetting | undefined {
  return onceForFiles(files, 'jvm-hikari-in-code', () => {
    if (CLOJURE_BUILD_FILES.some((f) => files.exists(f)) && !files.exists('pom.xml')) {
      const clj = clojureHikari(files)
      if (clj) return clj
    }

    const {paths} = filesUnder(files, '', (p) => /(^|\/)src\/main\//.test(p) && /\.(java|kt|groovy|scala)$/.test(p), {max: 3000, maxDepth: 12})
    for (const path of paths) {
      const text = files.read(path)?.text ?? ''
      const m = HIKARI_IN_CODE.exec(text)
      if (!m) continue
      const line = text.slice(0, m.index).split('\n').length
      if (m[1] !== undefined) return {file: path, line, raw: m[1].trim()}
      const name = m[2].replace(/^\/+/, '')
      const found = [`src/main/resources/${name}`, name].find((p) => files.exists(p))
      const value = found && /^\s*maximumPoolSize\s*[=:]\s*(\S+)/m.exec(files.read(found)?.text ?? '')
      return value ? {file: found!, line: (files.read(found!)?.text ?? '').slice(0, value.index).split('\n').length, raw: value[1]} : {file: path, line, properties: {found, name}, raw: ''}
    }

    return undefined
  })
}

/**
 * A JVM app whose build names no Spring Boot (nor Quarkus, Micronaut or Play): Ktor, Javalin, Dropwizard, a
 * framework of the team's own. Its pool is built in code: a HikariCP maximumPoolSize literal there is read;
 * HikariCP without one keeps its default, 10; anything else is not read and said. No PostgreSQL driver in the
 * build at all: the process holds no connection.
 */
async function plainJvm(ctx: AnalyzerContext, builds: {path: string; text: string}[]): Promise<ServerAnalysis> {
  const diagnostics: Diagnostic[] = []
  const processes = sourced(1, fromFact('one JVM per dyno', 'https://devcenter.heroku.com/articles/deploying-java'))
  const all = builds.map((b) => b.text).join('\n')
  const names = builds.map((b) => b.path).join(', ')
  if (!/postgresql|pgjdbc|vertx-pg-client|r2dbc-postgres/i.test(all)) {
    return {diagnostics, language: 'none', pools: [], processesPerDyno: processes, server: 'jvm', threadsPerProcess: sourced(0, fromDefault(`the build (${names}) lists no PostgreSQL driver (org.postgresql:postgresql): this process opens no PostgreSQL connection`, 'https://jdbc.postgresql.org/documentation/use/'))}
  }

  const inCode = hikariInCode(ctx.files)
  const notSpring = fromDefault(`the build (${names}) names no Spring Boot, Quarkus or Micronaut: the app builds its pool in code`, 'https://github.com/brettwooldridge/HikariCP#gear-configuration-knobs-baby')
  if (inCode && /^\d+$/.test(inCode.raw)) {
    const pool = sourced(Number(inCode.raw), fromFile(inCode.file, inCode.line), [notSpring])
    return oneJvm(diagnostics, {database: 'hikari', minOpen: pool, pool, server: 'DATABASE_URL'}, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), [], 'jvm')
  }

  const fromConf = inCode && !inCode.clojure && !inCode.properties ? await configuredSize(ctx, inCode, diagnostics) : undefined
  if (fromConf) {
    const pool = sourced(fromConf.value, fromConf.source, [...(fromConf.via ?? []), notSpring])
    return oneJvm(diagnostics, {database: 'hikari', minOpen: pool, pool, server: 'DATABASE_URL'}, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), unpooled(ctx, diagnostics), 'jvm')
  }

  const fromHikariCp = (why: Source): Sourced<number> => sourced(10, fromDefault("hikari-cp's default-datasource-options :maximum-pool-size 10 (:minimum-idle 10: filled at start)", HIKARI_CP), [notSpring, why])
  if (inCode?.clojure === 'map-without-size') {
    const pool = fromHikariCp(fromFile(inCode.file, inCode.line))
    return oneJvm(diagnostics, {database: 'hikari-cp', minOpen: pool, pool, server: 'DATABASE_URL'}, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), unpooled(ctx, diagnostics), 'jvm')
  }

  if (inCode?.clojure === 'options-unread') {
    diagnostics.push({code: 'unknown-config-value', file: inCode.file, fix: `tell conncalc the pool: --assume ${ctx.processType}=1:N:N`, line: inCode.line, message: `${ctx.processType}: ${inCode.file}:${inCode.line} builds its hikari-cp pool from \`${inCode.raw}\`, options conncalc does not follow; hikari-cp's default, 10, is counted`, processType: ctx.processType, severity: 'warning'})
    const pool = fromHikariCp(assumed(`make-datasource's options (\`${inCode.raw}\` at ${inCode.file}:${inCode.line}) are not read; hikari-cp's default counted`))
    return oneJvm(diagnostics, {database: 'hikari-cp', minOpen: pool, pool, server: 'DATABASE_URL'}, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), unpooled(ctx, diagnostics), 'jvm')
  }

  if (!inCode && /c3p0/i.test(all)) {
    const {c3p0InCode} = await import('./c3p0.js')
    const c3p0 = c3p0InCode(ctx, builds.every((b) => CLOJURE_BUILD_FILES.includes(b.path)))
    if (c3p0) {
      diagnostics.push(...c3p0.diagnostics)
      const pool = sourced(c3p0.pool.value, c3p0.pool.source, [...(c3p0.pool.via ?? []), notSpring])
      return oneJvm(diagnostics, {database: 'c3p0', minOpen: c3p0.minOpen, pool, server: 'DATABASE_URL'}, fromDefault("request threads wait for one of c3p0's connections (checkoutTimeout 0: they wait); at most maxPoolSize hold one at once", C3P0_POOL), unpooled(ctx, diagnostics), 'jvm')
    }
  }

  if (!inCode && /org\.wildfly\.swarm|io\.thorntail/.test(all)) {
    const {swarmDatasources} = await import('./wildfly-swarm.js')
    const swarm = swarmDatasources(ctx)
    if (swarm) {
      diagnostics.push(...swarm.diagnostics)
      const pool = sourced(swarm.pool.value, swarm.pool.source, [...(swarm.pool.via ?? []), notSpring])
      return oneJvm(diagnostics, {database: `datasource ${swarm.names.join(', ')}`, minOpen: sourced(0, fromDefault("IronJacamar's default min-pool-size 0 (connections opened on demand)", IRONJACAMAR_POOL)), pool, server: 'DATABASE_URL'}, fromDefault("Undertow's request threads (io-threads × 8) wait for one of the datasource's connections; at most max-pool-size hold one at once", IRONJACAMAR_POOL), unpooled(ctx, diagnostics), 'jvm')
    }
  }

  const props = inCode?.properties
  if (props && !props.found) {
    diagnostics.push({code: 'missing-config', file: inCode.file, fix: `if it sets maximumPoolSize, tell conncalc: --assume ${ctx.processType}=1:N:N`, line: inCode.line, message: `${ctx.processType}: ${inCode.file}:${inCode.line} builds its HikariConfig from ${props.name}, which is not in the app (made where it runs, often gitignored): its maximumPoolSize is not read; HikariCP's default, 10, is counted`, processType: ctx.processType, severity: 'warning'})
  } else if (inCode && !props) {
    diagnostics.push({code: 'unknown-config-value', file: inCode.file, fix: `tell conncalc the pool: --assume ${ctx.processType}=1:N:N`, line: inCode.line, message: `${ctx.processType}: cannot read the HikariCP pool size: maximumPoolSize is set to \`${inCode.raw}\`, which conncalc does not evaluate; HikariCP's default, 10, is counted`, processType: ctx.processType, severity: 'warning'})
  }

  if (inCode || /HikariCP|hikari-cp/i.test(all)) {
    const why = props
      ? props.found
        ? fromDefault(`${props.found} (HikariConfig("${props.name}") at ${inCode!.file}:${inCode!.line}) sets no maximumPoolSize`, HIKARI)
        : assumed(`HikariConfig("${props.name}") at ${inCode!.file}:${inCode!.line} loads a file not in the app, which may set maximumPoolSize; HikariCP's default counted`)
      : inCode
        ? assumed(`maximumPoolSize is \`${inCode.raw}\` at ${inCode.file}:${inCode.line}, not read; HikariCP's default counted`)
        : fromDefault('HikariCP is in the build and no maximumPoolSize is set in the sources', HIKARI)
    const pool = sourced(10, fromDefault('HikariCP default maximumPoolSize', HIKARI), [notSpring, why])
    return oneJvm(diagnostics, {database: 'hikari', minOpen: pool, pool, server: 'DATABASE_URL'}, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), unpooled(ctx, diagnostics), 'jvm')
  }

  const why = `the build (${names}) names no Spring Boot, Quarkus, Micronaut or HikariCP: the app's connections are made in code or a library conncalc does not read`
  diagnostics.push({code: 'unknown-config-value', file: builds[0].path, fix: `tell conncalc the pool: --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: ${why}; 1 connection is assumed`, processType: ctx.processType, severity: 'warning'})
  return {diagnostics, extrasPerProcess: unpooled(ctx, diagnostics), language: 'java', pools: [], processesPerDyno: processes, server: 'jvm', threadsPerProcess: sourced(1, assumed(`${why}; 1 connection assumed`))}
}

// Ktor reads src/main/resources/application.conf (HOCON) into environment.config: `config.property("a.b").getString()`,
// `propertyOrNull("a.b")?.getString()`, `tryGetString("a.b")`; Lightbend Config's ConfigFactory.load() reads the same
// file (`getInt("a.b")`). A `?: N` after a propertyOrNull is the code's own fallback when the key is not set.
const KTOR_CONFIG = 'https://ktor.io/docs/server-configuration-file.html'
const APPLICATION_CONF = 'src/main/resources/application.conf'

/**
 * `maximumPoolSize = config.property("db.maxPoolSize").getString().toInt()`: the key's value in application.conf
 * (its `${?ENV}` overrides applied), else the line's `?: N` fallback; undefined when neither reads (the caller says so).
 */
async function configuredSize(ctx: AnalyzerContext, inCode: HikariSetting, diagnostics: Diagnostic[]): Promise<Sourced<number> | undefined> {
  const lines = (ctx.files.read(inCode.file)?.text ?? '').split('\n')
  let lineText = lines[inCode.line - 1] ?? ''
  // `maximumPoolSize = poolSize` with `val poolSize = config.property("poolSize")…` above it: that line.
  const named = /(?:maximumPoolSize\s*=|setMaximumPoolSize\s*\()\s*(\w+)\s*\)?\s*;?\s*$/.exec(lineText)?.[1]
  const given = named && !/^\d+$/.test(named) ? definitionLine(lines, named, inCode.line - 1) : undefined
  if (given !== undefined) lineText = lines[given]
  const key = configKey(lines, lineText, given ?? inCode.line - 1)
  if (!key) return undefined
  const at = fromFile(inCode.file, inCode.line)
  // The resources of the module the code is in (backend/src/main/kotlin/… reads backend/src/main/resources/application.conf).
  const module = /^(.*?)src\/main\//.exec(inCode.file)?.[1] ?? ''
  let conf = `${module}${APPLICATION_CONF}`
  const hocon = new HoconConfig(ctx.files, ctx.env, `${module}src/main/resources/`)
  const yaml = hocon.load(conf) ? undefined : await ktorYamlLoad(ctx, `${module}src/main/resources/`)
  const v = yaml ? yaml.get(key) : hocon.get(key)
  if (yaml) conf = yaml.file
  if (v?.unresolved) {
    diagnostics.push({code: 'unresolved-env', file: v.file, line: v.line, message: `${ctx.processType}: ${v.unresolved} is not set anywhere and ${key} (read at ${inCode.file}:${inCode.line} for HikariCP's maximumPoolSize) reads it without a default, so the pool size is not known`, processType: ctx.processType, severity: 'warning'})
    return undefined
  }

  if (typeof v?.value === 'string' && /^\s*\d+\s*$/.test(v.value)) {
    return sourced(Number(v.value), fromFile(v.file, v.line), [...v.via, fromDefault(`${inCode.file}:${inCode.line} sets HikariCP's maximumPoolSize from ${key} in ${conf}`, KTOR_CONFIG)])
  }

  const fallback = v === undefined ? /\?:\s*(\d+)\s*\)?\s*$/.exec(lineText)?.[1] : undefined
  if (fallback) return sourced(Number(fallback), at, [fromDefault(`${key} is not set in ${conf}: the code's \`?: ${fallback}\` applies`, KTOR_CONFIG)])
  return undefined
}

// Ktor's YAML config (ktor-server-config-yaml YamlConfig.kt, resolveValue): a value `$KEY:default` is the env var KEY, else
// the default; `$path` is another key of the file, else the env var (`$?KEY`: optional); else Ktor stops at start.
const KTOR_YAML = 'https://github.com/ktor/ktor/blob/main/ktor-server/ktor-server-config-yaml/jvm/src/io/ktor/server/config/yaml/YamlConfig.kt'

/** application.yaml (or .yml) in the resources, read as Ktor's YamlConfig reads it, when the module has no application.conf. */
async function ktorYamlLoad(ctx: AnalyzerContext, dir: string): Promise<undefined | {file: string; get(key: string): HoconValue | undefined}> {
  const file = [`${dir}application.yaml`, `${dir}application.yml`].find((f) => ctx.files.exists(f))
  const text = file ? ctx.files.read(file)?.text : undefined
  if (!file || text === undefined) return undefined
  const {parseYaml} = await import('../../util/yaml.js')
  const y = parseYaml(text, file)
  if (y.errors.length > 0) return undefined
  const at = (key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined), y.value)
  const get = (key: string, depth = 0): HoconValue | undefined => {
    const raw = at(key)
    const line = y.lineOf(key.split('.')) ?? 1
    if (raw === undefined || (raw !== null && typeof raw === 'object')) return undefined
    if (raw === null) return {file, line, value: null, via: []}
    const value = String(raw)
    if (!value.startsWith('$')) return {file, line, value, via: []}
    const ref = value.slice(1)
    const sep = ref.indexOf(':')
    if (sep !== -1) {
      const e = ctx.env.get(ref.slice(0, sep))
      return e ? {file, line, value: e.value, via: [e.source]} : {file, line, value: ref.slice(sep + 1), via: [fromDefault(`${ref.slice(0, sep)} is unset: ${key}'s \`${value}\` gives the default after the colon`, KTOR_YAML)]}
    }

    const self = depth < 4 ? get(ref, depth + 1) : undefined
    if (self) return self
    const name = ref.replace(/^\?/, '')
    const e = ctx.env.get(name)
    return e ? {file, line, value: e.value, via: [e.source]} : {file, line, unresolved: name, value: undefined, via: []}
  }

  return {file, get: (key) => get(key)}
}

/** The line (0-based, at or before `before`) that gives `name` its value: `val name = …`, `var name: Int = …`, `name = …`. */
function definitionLine(lines: string[], name: string, before: number): number | undefined {
  const def = new RegExp(`^\\s*(?:(?:val|var|final|int|Integer|long)\\s+)?${name}\\s*(?::\\s*[\\w<>?]+\\s*)?=(?!=)`)
  for (let i = before; i >= 0; i--) if (def.test(lines[i])) return i
  return undefined
}

/**
 * The HOCON path a line reads: `property("a.b")`, with the `config("x")` sections before it (Ktor's ApplicationConfig.config
 * gives a section: `environment.config.config("database").property("poolSize")` reads database.poolSize), also through a
 * variable given the section above (`val config = environment.config.config("database")`, then `config.property("poolSize")`).
 */
function configKey(lines: string[], lineText: string, at: number, depth = 0): string | undefined {
  const m = /(?:\b(\w+)\s*\.\s*)?((?:config\s*\(\s*"[\w.-]+"\s*\)\s*\??\.\s*)*)(?:property|propertyOrNull|tryGetString|getInt|getString|getLong)\s*\(\s*"([\w.-]+)"\s*\)/.exec(lineText)
  if (!m) return undefined
  const sections = [...m[2].matchAll(/config\s*\(\s*"([\w.-]+)"\s*\)/g)].map((x) => x[1])
  const receiver = m[1]
  let outer: string[] = []
  // A receiver that is a local section (`val config = application.environment.config.config("database")`): its sections first.
  if (receiver && depth < 3 && !['environment', 'application', 'ConfigFactory'].includes(receiver)) {
    const def = definitionLine(lines, receiver, at - 1)
    const chain = def === undefined ? undefined : /=\s*(.*)$/.exec(lines[def])?.[1]
    if (chain) outer = [...chain.matchAll(/config\s*\(\s*"([\w.-]+)"\s*\)/g)].map((x) => x[1])
  }

  return [...outer, ...sections, m[3]].join('.')
}

// DataSourceAutoConfiguration's pooled DataSource is @ConditionalOnMissingBean(DataSource.class): an app's own
// DataSource @Bean replaces it, and spring.datasource.hikari.* bind only through @ConfigurationProperties on that bean.
const DATASOURCE_BEAN = 'https://docs.spring.io/spring-boot/how-to/data-access.html#howto.data-access.configure-custom-datasource'
const PROFILE_DOCS = 'https://docs.spring.io/spring-framework/reference/core/beans/environment.html#beans-definition-profiles-java'

interface DataSourceBean {
  file: string
  line: number
  /** The class's @Profile expressions, when it has one. */
  profiles?: string[]
  /** maximumPoolSize set in the file: its text and line. */
  size?: {line: number; raw: string}
  /** A DataSourceBuilder bean bound with @ConfigurationProperties("PREFIX") (not spring.datasource*): PREFIX.maximum-pool-size sizes it. */
  prefix?: {line: number; name: string}
  /** A DataSourceBuilder bean whose .type(X) names another pool than HikariCP (dbcp2, tomcat-jdbc…): not read. */
  otherPool?: string
}

/** Whether a @Profile's expressions match the active profiles (`!p` negates; none active means "default"). */
function profileActive(expressions: string[], active: string[]): boolean {
  const on = active.length > 0 ? active : ['default']
  return expressions.some((e) => (e.startsWith('!') ? !on.includes(e.slice(1)) : on.includes(e)))
}

/**
 * The DataSources the app builds itself in @Beans (`new HikariDataSource(config)`, Kotlin `HikariDataSource(config)`),
 * in classes whose @Profile, if any, is active: they replace Spring Boot's. Each is its own HikariCP pool (an app with a
 * primary and a secondary DataSource has two), sized by the maximumPoolSize set in its own @Bean method (the text from
 * the `@Bean` before it to the next one). One bound to spring.datasource.* with @ConfigurationProperties is still
 * sized by those properties, so it is not taken here.
 */
function dataSourceBeans(files: AnalyzerContext['files'], active: string[]): DataSourceBean[] {
  const {paths} = filesUnder(files, 'src/main', (p) => /\.(java|kt)$/.test(p), {max: 3000})
  const out: DataSourceBean[] = []
  for (const path of paths) {
    const text = files.read(path)?.text ?? ''
    if (!text.includes('@Bean') || !/\bHikariDataSource\s*\(|\bDataSourceBuilder\s*\.\s*create\s*\(/.test(text)) continue
    const profile = /@Profile\s*\(\s*(?:value\s*=\s*)?(?:\{|\[)?([^)}\]]*)/.exec(text)
    const profiles = profile ? [...profile[1].matchAll(/"([^"]+)"/g)].map((m) => m[1].trim()) : undefined
    if (profiles && profiles.length > 0 && !profileActive(profiles, active)) continue
    const lineOf = (i: number): number => text.slice(0, i).split('\n').length
    const beans = [...text.matchAll(/@Bean\b/g)].map((m) => m.index)
    // DataSourceBuilder.create() builds HikariCP's HikariDataSource when it is on the classpath (its first choice) unless
    // .type(…) names another pool: only those are read here.
    const found = [...text.matchAll(/\b(?:new\s+)?HikariDataSource\s*\(|\bDataSourceBuilder\s*\.\s*create\s*\(\s*\)((?:\s*\.\s*\w+\s*\([^;]*?\))*)/g)]
    const other = new Map(found.flatMap((m) => {
      const t = /\.\s*type\s*\(\s*([\w.]+?)(?:\.class|::class(?:\.java)?)?\s*\)/.exec(m[1] ?? '')?.[1]
      return t && !/(^|\.)HikariDataSource$/.test(t) ? [[m.index, t] as const] : []
    }))
    const made = found.map((m) => m.index)
    // The @Bean methods that make one (a file whose only @Bean is elsewhere: the whole file, as before).
    const segments = new Map<number, number>()
    for (const at of made) {
      const start = beans.filter((b) => b < at).at(-1) ?? 0
      if (!segments.has(start)) segments.set(start, at)
    }

    for (const [start, at] of segments) {
      const end = beans.find((b) => b > start) ?? text.length
      const segment = text.slice(start, end === start ? text.length : end)
      const bound = /@ConfigurationProperties\s*\(\s*(?:(?:prefix|value)\s*=\s*)?"spring\.datasource/
      if (bound.test(segment) || (segments.size === 1 && bound.test(text))) continue
      if (missingClassPresent(files, segment)) continue
      const custom = /@ConfigurationProperties\s*\(\s*(?:(?:prefix|value)\s*=\s*)?"([\w.-]+)"/.exec(segment)
      const SIZE = /\b(?:maximumPoolSize\s*=|setMaximumPoolSize\s*\()\s*([^;)}\n]*)/
      const inSegment = SIZE.exec(segment)
      // One bean in the file: its size may be set outside the @Bean method (a helper, a field), as before.
      const inFile = inSegment || segments.size > 1 ? null : SIZE.exec(text)
      const size = inSegment ?? inFile
      const sizeAt = inSegment ? start + inSegment.index : (inFile?.index ?? 0)
      out.push({file: path, line: lineOf(at), ...(profiles && profiles.length > 0 ? {profiles} : {}), ...(size ? {size: {line: lineOf(sizeAt), raw: size[1].trim()}} : {}), ...(custom ? {prefix: {line: lineOf(start + custom.index), name: custom[1]}} : {}), ...(other.has(at) ? {otherPool: other.get(at)} : {})})
    }
  }

  return out
}

// OnClassCondition: @ConditionalOnMissingClass matches only when none of the named classes is on the classpath
// (https://docs.spring.io/spring-boot/api/java/org/springframework/boot/autoconfigure/condition/ConditionalOnMissingClass.html).

/**
 * A @Bean method under `@ConditionalOnMissingClass("com.acme.HerokuDataSourceConfig")` (name = / value = too) naming a class the
 * app itself has (src/main/java|kotlin/com/acme/HerokuDataSourceConfig.java|.kt): the condition fails, the bean is not made
 * (OnClassCondition, above). A class conncalc cannot see (a library's) is not judged.
 */
function missingClassPresent(files: AnalyzerContext['files'], segment: string): boolean {
  const m = /@ConditionalOnMissingClass\s*\(([^)]*)\)/.exec(segment)
  if (!m) return false
  const names = [...m[1].matchAll(/"([\w.$]+)"/g)].map((x) => x[1])
  return names.some((n) => ['java', 'kotlin'].some((dir) => ['java', 'kt'].some((ext) => files.read(`src/main/${dir}/${n.replaceAll('.', '/')}.${ext}`) !== undefined)))
}

/** The pool of one of the app's own DataSource beans: its maximumPoolSize literal, else HikariCP's default (said when the size cannot be read). */
function beanEntry(ctx: AnalyzerContext, bean: DataSourceBean, diagnostics: Diagnostic[], several: string | undefined, config: SpringConfig): PoolEntry {
  const why = fromDefault(
    `${bean.file}:${bean.line} builds the app's own HikariDataSource in a @Bean${bean.profiles ? ` (@Profile ${bean.profiles.map((p) => `"${p}"`).join(', ')}, active)` : ''}: it replaces Spring Boot's DataSource, so spring.datasource.hikari.* do not size it`,
    bean.profiles ? PROFILE_DOCS : DATASOURCE_BEAN,
  )
  const also = several ? [assumed(several)] : []
  let pool: Sourced<number>
  // @ConfigurationProperties("app.db") on the bean: Spring binds app.db.maximum-pool-size onto the HikariDataSource.
  const bound = bean.prefix ? (intProperty(config, `${bean.prefix.name}.maximum-pool-size`, `${bean.prefix.name}.maximum-pool-size`, diagnostics) ?? intProperty(config, `${bean.prefix.name}.maximumPoolSize`, `${bean.prefix.name}.maximumPoolSize`, diagnostics)) : undefined
  const other = bean.otherPool ? otherPoolDefault(ctx, bean) : undefined
  if (other) {
    // DataSourceBuilder.type(BasicDataSource / tomcat-jdbc DataSource): that pool's own size, bound from the prefix when set.
    const key = bean.prefix ? `${bean.prefix.name}.${other.key}` : undefined
    const set = key ? intProperty(config, key, key, diagnostics) : undefined
    pool = set ? sourced(set.value, set.source, [...(set.via ?? []), fromFile(bean.file, bean.prefix!.line), ...also]) : sourced(other.size, fromDefault(other.what, other.ref), [fromFile(bean.file, bean.line), ...(other.via ? [other.via] : []), ...also])
  } else if (bean.otherPool) {
    diagnostics.push({code: 'unknown-config-value', file: bean.file, fix: `tell conncalc the pool: --assume ${ctx.processType}=1:N:N`, line: bean.line, message: `${ctx.processType}: the DataSource bean is built as ${bean.otherPool} (DataSourceBuilder .type), a pool whose size conncalc does not read; 10 is counted until you say`, processType: ctx.processType, severity: 'warning'})
    pool = sourced(10, fromFile(bean.file, bean.line), [assumed(`${bean.file}:${bean.line} builds a ${bean.otherPool} pool, not HikariCP; its size is not read, 10 assumed`), ...also])
  } else if (bound) pool = sourced(bound.value, bound.source, [...(bound.via ?? []), fromFile(bean.file, bean.prefix!.line), why, ...also])
  else if (bean.size && /^\d+$/.test(bean.size.raw)) pool = sourced(Number(bean.size.raw), fromFile(bean.file, bean.size.line), [why, ...also])
  else if (bean.size) {
    diagnostics.push({code: 'unknown-config-value', file: bean.file, fix: `tell conncalc the pool: --assume ${ctx.processType}=1:N:N`, line: bean.size.line, message: `${ctx.processType}: cannot read the HikariCP pool size: the DataSource bean sets maximumPoolSize to \`${bean.size.raw}\`, which conncalc does not evaluate; HikariCP's default, 10, is counted`, processType: ctx.processType, severity: 'warning'})
    pool = sourced(10, fromDefault('HikariCP default maximumPoolSize', HIKARI), [why, assumed(`maximumPoolSize is \`${bean.size.raw}\` at ${bean.file}:${bean.size.line}, not read; HikariCP's default counted`), ...also])
  } else pool = sourced(10, fromDefault('HikariCP default maximumPoolSize (the bean sets none)', HIKARI), [why, ...also])
  const url = bean.prefix ? (config.get(`${bean.prefix.name}.url`) ?? config.get(`${bean.prefix.name}.jdbc-url`)) : undefined
  const name = other ? other.name : 'hikari'
  return {database: several ? `${name} ${bean.file}:${bean.line}` : name, minOpen: pool, pool, server: jvmUrlServer(url, ctx.env)}
}

/**
 * The size a DataSourceBuilder `.type(…)` pool has when nothing sets it: commons-dbcp2's BasicDataSource maxTotal
 * (GenericObjectPoolConfig.DEFAULT_MAX_TOTAL, 8), tomcat-jdbc's DataSource maxActive (PoolProperties.DEFAULT_MAX_ACTIVE,
 * 100); with the property a @ConfigurationProperties prefix binds onto it. A bare `DataSource` is tomcat-jdbc's only
 * when the file imports org.apache.tomcat.jdbc.pool.DataSource. Any other type: undefined (its size is not read).
 */
function otherPoolDefault(ctx: AnalyzerContext, bean: DataSourceBean): undefined | {key: string; name: string; ref: string; size: number; via?: Source; what: string} {
  const type = bean.otherPool ?? ''
  const text = ctx.files.read(bean.file)?.text ?? ''
  if (/(^|\.)BasicDataSource$/.test(type) && (type.includes('.') ? /dbcp2/.test(type) : /import\s+org\.apache\.commons\.dbcp2\.BasicDataSource\b/.test(text))) {
    return {key: 'max-total', name: 'dbcp2', ref: DBCP2, size: 8, via: fromDefault('commons-pool2 GenericObjectPoolConfig.DEFAULT_MAX_TOTAL = 8', POOL2_MAX_TOTAL), what: 'commons-dbcp2 BasicDataSource default maxTotal'}
  }

  if (type === 'org.apache.tomcat.jdbc.pool.DataSource' || (type === 'DataSource' && /import\s+org\.apache\.tomcat\.jdbc\.pool\.DataSource\b/.test(text))) {
    return {key: 'max-active', name: 'tomcat-jdbc', ref: TOMCAT_JDBC, size: 100, what: 'tomcat-jdbc default maxActive (PoolProperties.DEFAULT_MAX_ACTIVE)'}
  }

  return undefined
}

/** The pools of the app's own DataSource beans: one HikariCP pool each, request threads bounded by them all. */
function beanPool(ctx: AnalyzerContext, beans: DataSourceBean[], diagnostics: Diagnostic[], config: SpringConfig): ServerAnalysis {
  const threads = fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI)
  const several = beans.length > 1 ? `the app builds ${beans.length} HikariDataSource beans (${beans.map((b) => `${b.file}:${b.line}`).join(', ')}), each its own pool; one whose URL conncalc does not read is counted on DATABASE_URL's database` : undefined
  const built = beans.map((b) => beanEntry(ctx, b, diagnostics, several, config))
  const extras = unpooled(ctx, diagnostics)
  if (built.length === 1) return oneJvm(diagnostics, built[0], threads, extras)
  // Which server each bean's pool is on (model/other-server.ts): the request threads' queries at once are the counted pools'.
  const apart = apartFromKnownOthers(built)
  const placed = placeUnknownServers(apart.pools, apart.otherServerPools)
  const entries = placed.pools ?? []
  const single = oneJvm(diagnostics, entries[0] ?? built[0], threads, extras)
  const total = entries.reduce((a, e) => a + e.pool.value, 0)
  return {...single, otherServerPools: placed.otherServerPools, pools: entries, threadsPerProcess: sourced(total, threads, entries.map((e) => e.pool.source))}
}

/** The build files the JVM buildpacks (Maven, Gradle, sbt, Leiningen/Clojure CLI) build an app from. */
const JVM_BUILD_FILES = ['pom.xml', 'build.gradle', 'build.gradle.kts', 'build.sbt', 'project.clj', 'deps.edn', 'mvnw', 'gradlew']
/** Leiningen and the Clojure CLI: the Clojure buildpack builds the app from these. */
const CLOJURE_BUILD_FILES = ['project.clj', 'deps.edn']

/** project.clj / deps.edn without their `;` comments (a commented-out dependency is not on the classpath). */
function clojureBuilds(files: AnalyzerContext['files']): {path: string; text: string}[] {
  return CLOJURE_BUILD_FILES.flatMap((path) => {
    const text = files.read(path)?.text
    return text === undefined ? [] : [{path, text: withoutClojureComments(text)}]
  })
}

/** Clojure text without its `;` comments (a `;` inside a string is kept). */
function withoutClojureComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') {
        out += c + (text[i + 1] ?? '')
        i++
        continue
      }

      if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
      continue
    }

    out += c
  }

  return out
}

/**
 * `java -jar X.jar` in a repository that builds no JVM code (no pom.xml, build.gradle, build.sbt, project.clj, …):
 * the jar comes from elsewhere (a buildpack or script downloads a released application, as Metabase's does), so
 * which framework and pool it runs cannot be read here. Spring Boot's HikariCP default is still the count, as an
 * assumption that names the jar, with a warning; --assume gives the real numbers.
 */
function notBuiltHere(ctx: AnalyzerContext, analysis: ServerAnalysis): ServerAnalysis {
  if (JVM_BUILD_FILES.some((f) => ctx.files.exists(f)) || buildFiles(ctx.files).length > 0 || springBootVersion(ctx.files)) return analysis
  const argv = ctx.command.argv
  const jar = argv[argv.indexOf('-jar') + 1] ?? argv.find((a) => a.endsWith('.jar'))
  const what = jar ? `${jar} is not built from this repository (no pom.xml, build.gradle, build.sbt, project.clj or deps.edn)` : `the JVM command runs code this repository does not build (no pom.xml, build.gradle, build.sbt, project.clj or deps.edn)`
  const note = assumed(`${what}: conncalc cannot read which framework or pool it runs; a Spring Boot app's HikariCP default is assumed`)
  const at = ctx.origin
  analysis.diagnostics.push({
    code: 'unknown-config-value',
    ...(at ? {file: at.file, line: at.line} : {}),
    fix: `give the process's real pool: --assume ${ctx.processType}=1:N:N (see the application's own documentation for its database pool setting)`,
    message: `${ctx.processType}: ${what}; its pool is assumed to be HikariCP's default`,
    processType: ctx.processType,
    severity: 'warning',
  })
  const mark = <T>(v: Sourced<T>): Sourced<T> => ({...v, via: [...(v.via ?? []), note]})
  // Not `spring-boot`: nothing here says it is one.
  return {...analysis, pools: analysis.pools?.map((p) => ({...p, pool: mark(p.pool)})), server: 'java', threadsPerProcess: mark(analysis.threadsPerProcess)}
}

/**
 * Spring Boot with R2DBC (spring-boot-starter-data-r2dbc and an R2DBC driver in the build): R2dbcAutoConfiguration's
 * ConnectionFactory is the app's database, and DataSourceAutoConfiguration backs off when one exists
 * (`@ConditionalOnMissingBean(type = "io.r2dbc.spi.ConnectionFactory")`), so no HikariCP pool is made even with
 * spring-jdbc on the classpath (Flyway, Liquibase). Its pool is r2dbc-pool's: spring.r2dbc.pool.max-size and
 * initial-size (R2dbcProperties.Pool: 10 and 10) — or, when spring.r2dbc.url names the pool itself
 * (`r2dbc:pool:postgresql://…?maxSize=20`), the URL's options (r2dbc-pool: initialSize and maxSize default 10), Boot's
 * pool properties then unused (ConnectionFactoryConfigurations.PooledConnectionFactoryCondition). The URL's driver names
 * the database (`r2dbc:h2:file:…` is H2); with no URL Boot falls back to an embedded H2 when r2dbc-h2 is on the
 * classpath (EmbeddedDatabaseConnection), and the JVM buildpack sets SPRING_DATASOURCE_URL, not spring.r2dbc.url.
 */
function r2dbcPool(ctx: AnalyzerContext, builds: {path: string; text: string}[], config: SpringConfig, diagnostics: Diagnostic[]): undefined | {entry: PoolEntry; threads: Source} {
  const all = builds.map((b) => b.text).join('\n')
  if (!/spring-boot-starter-(?:data-)?r2dbc\b/.test(all) || !/\br2dbc-(?:postgresql|h2|mysql|mariadb|mssql)\b|oracle-r2dbc/.test(all)) return undefined
  const PROPS = 'https://github.com/spring-projects/spring-boot/blob/v3.3.4/spring-boot-project/spring-boot-autoconfigure/src/main/java/org/springframework/boot/autoconfigure/r2dbc/R2dbcProperties.java'
  const POOL_URL = 'https://github.com/r2dbc/r2dbc-pool#readme'
  const backsOff = fromDefault('an R2DBC ConnectionFactory is configured (spring-boot-starter-data-r2dbc and a driver in the build): Spring Boot makes no JDBC DataSource beside it (DataSourceAutoConfiguration is @ConditionalOnMissingBean(type = "io.r2dbc.spi.ConnectionFactory"))', DATASOURCE_AUTOCONFIG)
  const url = config.get('spring.r2dbc.url')
  const raw = url?.value?.trim()
  const parts = raw === undefined ? undefined : /^r2dbc:(?:(pool):)?([\w-]+):/i.exec(raw)
  const driver = parts?.[2]?.toLowerCase()
  const at = url?.source.kind === 'file' ? ` at ${url.source.file}:${url.source.line}` : url?.source.kind === 'env' ? ` from ${url.source.name}` : ''
  const names: Record<string, string> = {h2: 'H2', mariadb: 'MariaDB', mssql: 'SQL Server', mysql: 'MySQL', oracle: 'Oracle', sqlserver: 'SQL Server'}
  let server: string
  const serverVia: Source[] = []
  if (driver !== undefined && !/^postgres(?:ql)?$/.test(driver)) {
    server = `${names[driver] ?? driver} database (spring.r2dbc.url r2dbc:${parts?.[1] ? 'pool:' : ''}${driver}:…${at}; give SPRING_R2DBC_URL where it runs on PostgreSQL), not PostgreSQL`
  } else if (url === undefined && /\br2dbc-h2\b/.test(all)) {
    server = 'H2 database (no spring.r2dbc.url is set and r2dbc-h2 is in the build: Spring Boot starts an embedded H2; give SPRING_R2DBC_URL where it runs on PostgreSQL), not PostgreSQL'
  } else {
    server = jvmUrlServer(url, ctx.env)
    if (url === undefined) serverVia.push(assumed('spring.r2dbc.url is set nowhere conncalc reads (the JVM buildpack sets SPRING_DATASOURCE_URL, not it): the deploy must give it (SPRING_R2DBC_URL); counted on the plan\'s server'))
  }

  const threads = fromDefault("reactive handlers wait for one of the R2DBC pool's connections: at most the pool's size hold one at once", POOL_URL)
  if (parts?.[1] && url) {
    // `?maxSize=20&initialSize=5` on the URL (r2dbc-pool's ConnectionFactory discovery options).
    const option = (name: string): number | undefined => {
      const m = new RegExp(`[?&]${name}=(\\d+)(?:&|$)`).exec(raw ?? '')
      return m ? Number(m[1]) : undefined
    }
    const given = option('maxSize')
    const max = sourced(given ?? 10, given === undefined ? fromDefault('r2dbc-pool maxSize default 10 (the URL names the pool and sets no maxSize)', POOL_URL) : url.source, [...(given === undefined ? [url.source] : []), ...url.placeholderVia, backsOff, ...serverVia])
    const initial = option('initialSize') ?? 10
    const minOpen = sourced(Math.min(initial, max.value), fromDefault(`r2dbc-pool keeps initialSize (${initial}) connections, up to maxSize`, POOL_URL))
    return {entry: {database: 'r2dbc-pool', minOpen, pool: max, server}, threads}
  }

  if (/^false$/i.test(config.get('spring.r2dbc.pool.enabled')?.value?.trim() ?? '')) {
    const why = 'spring.r2dbc.pool.enabled is false: every ConnectionFactory.create() opens a connection of its own, and nothing bounds them but the requests in flight'
    diagnostics.push({code: 'unbounded-pool', fix: `enable the pool (spring.r2dbc.pool.enabled=true) and tell conncalc: --assume ${ctx.processType}=1:N:N`, message: `${ctx.processType}: ${why}; conncalc counts 1 until you give --assume`, processType: ctx.processType, severity: 'warning'})
    return {entry: {database: 'r2dbc (no pool)', pool: sourced(1, assumed(`${why}; 1 counted`), [backsOff, ...serverVia]), server}, threads}
  }

  const max = intProperty(config, 'spring.r2dbc.pool.max-size', 'the R2DBC pool size', diagnostics) ?? sourced(10, fromDefault('Spring Boot spring.r2dbc.pool.max-size default 10 (R2dbcProperties.Pool)', PROPS))
  const initial = intProperty(config, 'spring.r2dbc.pool.initial-size', 'the R2DBC pool initial size', diagnostics) ?? sourced(10, fromDefault('Spring Boot spring.r2dbc.pool.initial-size default 10 (R2dbcProperties.Pool)', PROPS))
  const minOpen = initial.value <= max.value ? initial : max
  return {entry: {database: 'r2dbc-pool', minOpen, pool: {...max, via: [...(max.via ?? []), backsOff, ...serverVia]}, server}, threads}
}

export const jvm: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    return notBuiltHere(ctx, await springOrFramework(ctx))
  },
  id: 'jvm',
  matches: isJvm,
}

async function springOrFramework(ctx: AnalyzerContext): Promise<ServerAnalysis> {
  const framework = jvmFramework(ctx.files)
  if (framework) return frameworkJvm(ctx, framework)
  // A multi-module build whose root names no framework and whose one Quarkus or Micronaut module is the app
  // (Athou/commafeed: pom.xml lists commafeed-client and commafeed-server, the Quarkus one): that module's build and config.
  const modules = ctx.files.folders('').filter((f) => !f.startsWith('.') && f !== 'node_modules').flatMap((dir) => {
    const named = jvmFramework(withinDir(ctx.files, dir))
    return named ? [{dir, framework: named}] : []
  })
  if (modules.length === 1 && !buildFiles(ctx.files).some((b) => /spring-boot|org\.springframework\.boot/.test(b.text))) {
    const inModule = withinDir(ctx.files, modules[0].dir)
    return namedFromRoot(await frameworkJvm({...ctx, files: inModule}, modules[0].framework), modules[0].dir, inModule)
  }

  const builds = buildFiles(ctx.files)
  // A Leiningen / Clojure CLI app (no Maven or Gradle build): not Spring Boot; its pool is built in code (hikari-cp).
  const clojure = builds.length === 0 ? clojureBuilds(ctx.files) : []
  if (clojure.length > 0 && !clojure.some((b) => /spring-boot/.test(b.text))) return plainJvm(ctx, clojure)
  // An sbt app started with `java -jar …` (sbt-assembly) or `java -cp …`: its pools are Play's or Slick's, read as the
  // staged start script's are (play.ts); only a build that names Spring Boot is one.
  if (builds.length === 0 && clojure.length === 0 && ctx.files.exists('build.sbt') && !/spring-boot|org\.springframework\.boot/.test(ctx.files.read('build.sbt')?.text ?? '')) {
    const {play} = await import('./play.js')
    return play.analyze(ctx)
  }

  // Grails: its own data source (the Grails plugin's, GORM's), configured in grails-app/conf/application.yml (grails.ts).
  if (isGrails(ctx.files, builds)) {
    const diagnostics: Diagnostic[] = []
    const grails = grailsPool(ctx, builds, diagnostics)
    return oneJvm(diagnostics, grails.entry, grails.threads, unpooled(ctx, diagnostics), 'grails')
  }

  if (builds.length > 0 && !builds.some((b) => /spring-boot|org\.springframework\.boot/.test(b.text)) && listsDependencies(builds) && !springInSources(ctx.files)) return plainJvm(ctx, builds)
  // Only a build that lists its starters can say none brings JDBC (a stub build says nothing).
  if (builds.some((b) => /spring-boot-starter/.test(b.text)) && !builds.some((b) => JDBC_ON_CLASSPATH.test(b.text))) {
    // DataSourceAutoConfiguration is @ConditionalOnClass({DataSource.class, EmbeddedDatabaseType.class}): no spring-jdbc, no pool.
    const names = builds.map((b) => b.path).join(', ')
    return {diagnostics: [], language: 'none', pools: [], processesPerDyno: sourced(1, fromFact('one JVM per dyno', 'https://devcenter.heroku.com/articles/deploying-spring-boot-apps-to-heroku')), server: 'spring-boot', threadsPerProcess: sourced(0, fromDefault(`the build (${names}) lists no JDBC starter, spring-jdbc, pool or PostgreSQL driver: Spring Boot configures no DataSource and this process opens no connection`, DATASOURCE_AUTOCONFIG))}
  }

  const config = new SpringConfig(ctx, ctx.command.argv)
  const diagnostics: Diagnostic[] = [...config.diagnostics]
  const beans = dataSourceBeans(ctx.files, config.profiles)
  if (beans.length > 0) return beanPool(ctx, beans, diagnostics, config)
  const boot = springBootVersion(ctx.files)
  const tomcat = boot && /^1\./.test(boot.version) ? tomcatJdbcPool(ctx, config, boot, diagnostics) : undefined
  const extras = unpooled(ctx, diagnostics)
  const reactive = r2dbcPool(ctx, builds, config, diagnostics)
  if (reactive) return oneJvm(diagnostics, reactive.entry, reactive.threads, extras)
  if (tomcat) return oneJvm(diagnostics, tomcat, fromDefault("request threads wait for one of tomcat-jdbc's connections; at most maxActive hold one at once", TOMCAT_JDBC), extras)
  // With the application's module unknown (several Spring Boot modules), the default is a guess: its settings were not read.
  const unread = config.module.ambiguous ? [assumed(`the Spring Boot module the jar is built from is not known (${config.module.ambiguous.length} hold application files): their pool settings are not read`)] : undefined
  const max = intProperty(config, 'spring.datasource.hikari.maximum-pool-size', 'the HikariCP pool size', diagnostics) ?? sourced(10, fromDefault('HikariCP default maximumPoolSize', HIKARI), unread)
  const minIdle = intProperty(config, 'spring.datasource.hikari.minimum-idle', 'HikariCP minimum-idle', diagnostics)
  // minimumIdle < 0 or > maximumPoolSize means "= maximumPoolSize" (HikariConfig.validateNumerics).
  const minOpen: Sourced<number> =
    minIdle && minIdle.value >= 0 && minIdle.value <= max.value ? minIdle : sourced(max.value, fromDefault('HikariCP minimumIdle defaults to maximumPoolSize: the pool is filled at start', HIKARI), [max.source])
  return oneJvm(diagnostics, {database: 'hikari', minOpen, pool: max, server: springServer(config, ctx)}, fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI), extras)
}
