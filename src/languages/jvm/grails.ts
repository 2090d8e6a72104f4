/**
 * Grails 3+ (a Gradle build applying or depending on `org.grails`, with grails-app/): the DataSource is not Spring Boot's
 * autoconfigured one (DataSourceAutoConfiguration backs off: Grails defines the `dataSource` bean) but the Grails data
 * source plugin's, from Grails 3.3 GORM's, configured by grails-app/conf/application.yml's `dataSource` block with the
 * running environment's `environments.<env>.dataSource` over it.
 *
 * - Grails 3.0–3.2, grails-plugin-datasource DataSourceGrailsPlugin.createDatasource: `pooled` unless `pooled: false`,
 *   and a pooled data source is org.apache.tomcat.jdbc.pool.DataSource (tomcat-jdbc is the plugin's own dependency),
 *   `dataSource.properties` set on it (https://github.com/grails/grails-core/blob/3.0.x/grails-plugin-datasource/src/main/groovy/org/grails/plugins/datasource/DataSourceGrailsPlugin.groovy).
 * - Grails 3.3+, GORM's DataSourceBuilder: the first of tomcat-jdbc, HikariCP, commons-dbcp, dbcp2 on the classpath
 *   ("in that order with Tomcat first"), `dataSource.properties` bound onto it
 *   (https://github.com/grails/grails-data-mapping/blob/master/grails-datastore-gorm-hibernate/src/main/groovy/org/grails/datastore/gorm/jdbc/DataSourceBuilder.java).
 * tomcat-jdbc's pool: maxActive 100, initialSize 10 (PoolProperties); HikariCP's: maximumPoolSize 10, minimumIdle = max.
 * The environment: `-Dgrails.env` (prod, dev, test or a name), else production, as a packaged Grails app runs
 * (grails.util.Environment: "production" when no grails.env is given to a war or jar built for production).
 * grails-app/conf/application.groovy (ConfigSlurper Groovy) is not read: when it configures the data source's pool,
 * the size is an assumption, said.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext} from '../common/types.js'

import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {parseYaml, yamlDocuments} from '../../util/yaml.js'
import {parseProperties} from './properties.js'

const PLUGIN_30 = 'https://github.com/grails/grails-core/blob/3.0.x/grails-plugin-datasource/src/main/groovy/org/grails/plugins/datasource/DataSourceGrailsPlugin.groovy'
const GORM_BUILDER = 'https://github.com/grails/grails-data-mapping/blob/master/grails-datastore-gorm-hibernate/src/main/groovy/org/grails/datastore/gorm/jdbc/DataSourceBuilder.java'
const TOMCAT_JDBC = 'https://github.com/apache/tomcat/blob/9.0.x/modules/jdbc-pool/src/main/java/org/apache/tomcat/jdbc/pool/PoolProperties.java'
const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'
const ENVIRONMENT = 'https://docs.grails.org/latest/guide/conf.html#environments'
const CONFIG = 'grails-app/conf/application.yml'

/** A Grails 3+ app: its Gradle build names org.grails (plugin or dependency) and it has grails-app/. */
export function isGrails(files: AnalyzerContext['files'], builds: {path: string; text: string}[]): boolean {
  return files.folders('').includes('grails-app') && builds.some((b) => /\borg\.grails[.:]/.test(b.text))
}

interface Setting {
  source: Source
  value: unknown
}

/** The Grails environment the command runs in: `-Dgrails.env=` (on the command or in JAVA_OPTS), else production. */
function environment(ctx: AnalyzerContext): {name: string; source: Source} {
  const args = [...ctx.command.argv, ...(ctx.env.get('JAVA_OPTS')?.value.split(/\s+/) ?? [])]
  const flag = args.find((a) => a.startsWith('-Dgrails.env='))
  const named = flag?.slice('-Dgrails.env='.length)
  // grails.util.Environment: the short names prod, dev and test are the standard environments.
  const alias: Record<string, string> = {dev: 'development', prod: 'production', test: 'test'}
  if (flag && named) return {name: alias[named] ?? named, source: fromFlag(flag)}
  return {name: 'production', source: fromDefault('a packaged Grails app runs in the production environment unless -Dgrails.env names another', ENVIRONMENT)}
}

/** application.yml's dataSource settings for the environment: `dataSource.x`, with `environments.<env>.dataSource.x` over it. */
function dataSourceSettings(ctx: AnalyzerContext, env: string, diagnostics: Diagnostic[]): Map<string, Setting> {
  const out = new Map<string, Setting>()
  const text = ctx.files.read(CONFIG)?.text
  if (text === undefined) return out
  const flat = (value: unknown, path: string[], put: (path: string[], v: unknown) => void): void => {
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) flat(v, [...path, k], put)
    else put(path, value)
  }

  const overrides: [string, Setting][] = []
  for (const doc of yamlDocuments(text)) {
    const y = parseYaml(doc.text, CONFIG)
    if (y.diagnostics.length > 0) {
      diagnostics.push(...y.diagnostics.map((d) => ({...d, line: d.line === undefined ? undefined : d.line + doc.start})))
      continue
    }

    flat(y.value, [], (path, v) => {
      const at = (): Source => fromFile(CONFIG, (y.lineOf(path) ?? 0) + doc.start)
      if (path[0] === 'dataSource' && path.length > 1) out.set(path.slice(1).join('.'), {source: at(), value: v})
      else if (path[0] === 'environments' && path[1] === env && path[2] === 'dataSource' && path.length > 3) overrides.push([path.slice(3).join('.'), {source: at(), value: v}])
    })
  }

  for (const [k, s] of overrides) out.set(k, s)
  return out
}

/** An integer setting, else undefined with a diagnostic when it is set to something else. */
function intSetting(settings: Map<string, Setting>, key: string, what: string, diagnostics: Diagnostic[]): Sourced<number> | undefined {
  const s = settings.get(key)
  if (!s) return undefined
  if (typeof s.value === 'number' && Number.isInteger(s.value)) return sourced(s.value, s.source)
  if (typeof s.value === 'string' && /^\s*\d+\s*$/.test(s.value)) return sourced(Number(s.value), s.source)
  const where = s.source.kind === 'file' ? {file: s.source.file, line: s.source.line} : {}
  diagnostics.push({code: 'unknown-config-value', ...where, message: `cannot read ${what}: dataSource.${key} is ${JSON.stringify(s.value)}, not an integer; the pool's default is counted`, severity: 'warning'})
  return undefined
}

/** The pool's server: another database when dataSource.url is a JDBC URL of another driver (H2 by default in dev), else DATABASE_URL's. */
function urlServer(url: Setting | undefined): string {
  const value = typeof url?.value === 'string' ? url.value.trim() : ''
  const driver = /^jdbc:(\w+):/.exec(value)?.[1]
  if (!url || !driver || driver === 'postgresql' || value.includes('${')) return 'DATABASE_URL'
  const at = url.source.kind === 'file' ? ` at ${url.source.file}:${url.source.line}` : ''
  return `${driver} database (dataSource.url ${value.split(/[;?]/)[0]}${at}), not PostgreSQL`
}

/** The Grails version gradle.properties pins (`grailsVersion=3.0.1`). */
function grailsVersion(files: AnalyzerContext['files']): {line: number; version: string} | undefined {
  const text = files.read('gradle.properties')?.text
  if (text === undefined) return undefined
  const p = parseProperties(text, 'gradle.properties').properties.find((q) => q.key === 'grailsVersion')
  return p && /^\d/.test(p.value) ? {line: p.line, version: p.value.trim()} : undefined
}

/** application.groovy / runtime.groovy lines that may configure the data source's pool (the file is Groovy, not read). */
function groovyDataSource(files: AnalyzerContext['files']): undefined | {file: string; line: number} {
  for (const file of ['grails-app/conf/application.groovy', 'grails-app/conf/runtime.groovy']) {
    const text = files.read(file)?.text
    if (text === undefined || !/\bdataSource\b/.test(text)) continue
    const at = text.search(/\b(?:properties|pooled|maxActive|maxTotal|maximumPoolSize|initialSize|minimumIdle|jndiName|type)\b/)
    if (at !== -1) return {file, line: text.slice(0, at).split('\n').length}
  }

  return undefined
}

/**
 * The Grails app's pool: tomcat-jdbc (Grails 3.0–3.2, or tomcat-jdbc in the build) or HikariCP (3.3+ with HikariCP and
 * no tomcat-jdbc in the build), sized by application.yml's dataSource.properties; a build that names neither on 3.3+ is
 * read as tomcat-jdbc, said (GORM takes it first when it is on the classpath).
 */
export function grailsPool(ctx: AnalyzerContext, builds: {path: string; text: string}[], diagnostics: Diagnostic[]): {entry: PoolEntry; threads: Source} {
  const env = environment(ctx)
  const settings = dataSourceSettings(ctx, env.name, diagnostics)
  const server = urlServer(settings.get('url'))
  const version = grailsVersion(ctx.files)
  const text = builds.map((b) => b.text).join('\n')
  const tomcatListed = /tomcat-jdbc/.test(text)
  const hikariListed = /HikariCP/i.test(text)
  const before33 = version !== undefined && /^3\.[0-2](?:\.|$)/.test(version.version)
  const versionSource = version ? [fromFile('gradle.properties', version.line)] : []
  const unsaid: Source[] = []
  let kind: 'hikari' | 'tomcat'
  let chosen: Source
  if (before33) {
    kind = 'tomcat'
    chosen = fromDefault(`Grails ${version.version}'s data source plugin makes a pooled dataSource an org.apache.tomcat.jdbc.pool.DataSource`, PLUGIN_30)
  } else if (tomcatListed || !hikariListed) {
    kind = 'tomcat'
    chosen = fromDefault("GORM's DataSourceBuilder takes tomcat-jdbc first when it is on the classpath", GORM_BUILDER)
    if (!tomcatListed) unsaid.push(assumed('the build lists neither tomcat-jdbc nor HikariCP: tomcat-jdbc is assumed on the classpath (Grails app templates list it)'))
  } else {
    kind = 'hikari'
    chosen = fromDefault("GORM's DataSourceBuilder takes HikariCP when tomcat-jdbc is not on the classpath", GORM_BUILDER)
  }

  const groovy = groovyDataSource(ctx.files)
  if (groovy) {
    unsaid.push(assumed(`${groovy.file}:${groovy.line} configures the data source in Groovy, which conncalc does not read: the pool size there, if any, is not counted`))
    diagnostics.push({code: 'unknown-config-value', file: groovy.file, fix: `give the pool size: --assume ${ctx.processType}=1:N:N`, line: groovy.line, message: `${ctx.processType}: the Grails data source is also configured in ${groovy.file} (Groovy, not read): a pool size set there is not counted`, processType: ctx.processType, severity: 'warning'})
  }

  const pooled = settings.get('pooled')
  if (pooled && pooled.value === false) {
    // DriverManagerDataSource: a new connection per use, as many as the threads using it.
    const why = assumed(`dataSource.pooled is false (${pooled.source.kind === 'file' ? `${pooled.source.file}:${pooled.source.line}` : 'set'}): Spring's DriverManagerDataSource opens a connection per use, bounded only by the request threads; Tomcat's default 200 counted`)
    return {entry: {database: 'grails (unpooled)', pool: sourced(200, why), server}, threads: why}
  }

  const envNote = env.source
  if (kind === 'tomcat') {
    const max = intSetting(settings, 'properties.maxActive', 'the tomcat-jdbc pool size', diagnostics) ?? sourced(100, fromDefault('tomcat-jdbc default maxActive (PoolProperties.DEFAULT_MAX_ACTIVE)', TOMCAT_JDBC), [chosen, ...versionSource, envNote, ...unsaid])
    const initial = intSetting(settings, 'properties.initialSize', 'the tomcat-jdbc initial size', diagnostics) ?? sourced(10, fromDefault('tomcat-jdbc default initialSize: opened when the pool starts', TOMCAT_JDBC))
    const pool = max.via?.includes(chosen) ? max : {...max, via: [...(max.via ?? []), chosen, ...versionSource, envNote, ...unsaid]}
    return {entry: {database: 'grails tomcat-jdbc', minOpen: initial.value <= max.value ? initial : max, pool, server}, threads: fromDefault("request threads wait for one of tomcat-jdbc's connections; at most maxActive hold one at once", TOMCAT_JDBC)}
  }

  const max = intSetting(settings, 'properties.maximumPoolSize', 'the HikariCP pool size', diagnostics) ?? sourced(10, fromDefault('HikariCP default maximumPoolSize', HIKARI), [chosen, ...versionSource, envNote, ...unsaid])
  const minIdle = intSetting(settings, 'properties.minimumIdle', 'HikariCP minimumIdle', diagnostics)
  const pool = max.via?.includes(chosen) ? max : {...max, via: [...(max.via ?? []), chosen, ...versionSource, envNote, ...unsaid]}
  const minOpen = minIdle && minIdle.value >= 0 && minIdle.value <= max.value ? minIdle : sourced(max.value, fromDefault('HikariCP minimumIdle defaults to maximumPoolSize: the pool is filled at start', HIKARI), [max.source])
  return {entry: {database: 'grails hikari', minOpen, pool, server}, threads: fromDefault("request threads wait for one of HikariCP's connections; at most the pool size hold one at once", HIKARI)}
}
