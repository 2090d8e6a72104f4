/**
 * Quarkus and Micronaut apps run as a jar (`java -jar target/quarkus-app/quarkus-run.jar`,
 * `java -jar build/libs/app-all.jar`): one JVM per dyno whose request threads wait for a pooled
 * connection, so threads per process = the pool, as for Spring Boot (jvm.ts).
 *
 * Quarkus (the Agroal extension): `quarkus.datasource.jdbc.max-size`, default 20 (50 from Quarkus 3.31), for the default
 * datasource and each named one (`quarkus.datasource."name".jdbc.max-size`); `db-kind` other than
 * postgresql is another database. Config, highest first (SmallRye Config ordinals): `-D` system
 * properties (400), env vars (300, the key upper-cased, other characters → `_`), config/
 * application.properties in the working directory (260), src/main/resources/application.properties
 * (250); with quarkus-config-yaml, application.yaml / .yml beside each (265 in config/, 255 in
 * src/main/resources); `%prod.key` (the profile a jar runs in, unless quarkus.profile /
 * QUARKUS_PROFILE says another) wins over `key` in the same file. `${VAR:default}` expressions read
 * the env. With a reactive client (quarkus-reactive-pg-client) each datasource also has a Vert.x
 * pool, `quarkus.datasource.reactive.max-size`, whose default depends on the Quarkus version.
 *
 * Micronaut (micronaut-jdbc-hikari): `datasources.NAME.maximum-pool-size` (HikariConfig's
 * maximumPoolSize, default 10); minimum-idle defaults to it. Config, highest first: `-D`
 * properties, env vars (DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE), then application-ENV files of the
 * environments MICRONAUT_ENVIRONMENTS / -Dmicronaut.environments names, then those Micronaut deduces
 * (on a Heroku dyno `heroku` and `cloud`, from the DYNO variable), then application.yml / .yaml /
 * .properties in src/main/resources.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext} from '../common/types.js'

import {jvmUrlServer} from './url-server.js'
import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {filesUnder} from '../../model/files.js'
import {parseYaml, yamlDocuments} from '../../util/yaml.js'
import {type Expanded, expandPlaceholders, parseProperties} from './properties.js'
import {append} from '../../util/arrays.js'

// quarkusio/quarkus@1d7fc55f9e23: DataSourceJdbcRuntimeConfig.maxSize() @WithDefault("20"), minSize() @WithDefault("0")
// (the 1.x/2.x class form at quarkusio/quarkus@c207989391f1 has `@ConfigItem(defaultValue = "20") maxSize` too).
const AGROAL = 'https://github.com/quarkusio/quarkus/blob/1d7fc55f9e23e5c29b54b0aa05cb663b74027935/extensions/agroal/runtime/src/main/java/io/quarkus/agroal/runtime/DataSourceJdbcRuntimeConfig.java'
// quarkusio/quarkus#51169 "Upgrade the default maximum datasource size to 50" (opened 2025-11-21, approved 2025-11-24, merged
// on main after 3.30 had branched): maxSize() @WithDefault("50") (seen in a fork of main, spieps/quarkus@1d2264a4fc8e, same
// file). 3.31 is the first minor cut from that main; 3.30.x and older keep 20.
const AGROAL_50 = 'https://github.com/quarkusio/quarkus/pull/51169'
const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'
const MICRONAUT_JDBC = 'https://micronaut-projects.github.io/micronaut-sql/latest/guide/#jdbc'
// quarkusio/quarkus@0eb4b3a9e04b extensions/config-yaml/runtime/…/ApplicationYamlConfigSourceLoader.java: application.yaml
// and application.yml on the classpath at ordinal 255, in config/ at 265 (application.properties: 250 and 260).
const QUARKUS_YAML = 'https://github.com/quarkusio/quarkus/blob/0eb4b3a9e04b6cdebfb4f43ae3c5aa2fd6525003/extensions/config-yaml/runtime/src/main/java/io/quarkus/config/yaml/runtime/ApplicationYamlConfigSourceLoader.java'
// Reactive pools: Quarkus 3.0 made quarkus.datasource.reactive.max-size default to 20 (quarkusio/quarkus#30801, merged
// 2023-02-02 for 3.0: DataSourceReactiveRuntimeConfig.maxSize @WithDefault("20")); before, Quarkus left it unset and
// Vert.x's PoolOptions.DEFAULT_MAX_SIZE, 4, applied.
const QUARKUS_REACTIVE_20 = 'https://github.com/quarkusio/quarkus/pull/30801'
const VERTX_POOL = 'https://github.com/eclipse-vertx/vertx-sql-client/blob/4.x/vertx-sql-client/src/main/java/io/vertx/sqlclient/PoolOptions.java'
// micronaut-projects/micronaut-core@v4.0.0 inject/src/main/java/io/micronaut/context/env/DefaultEnvironment.java:726-728
// (the same since v1.x, e.g. v1.3.0 :729-730): `if DYNO is set: environments.add(HEROKU); environments.add(CLOUD)`,
// unless environment deduction is off (MICRONAUT_ENV_DEDUCTION / micronaut.env.deduction, :359-380, or the builder's
// deduceEnvironment(false)); deduced environments come before the ones named (:157-164), which win over them.
const MICRONAUT_HEROKU = 'https://github.com/micronaut-projects/micronaut-core/blob/v4.0.0/inject/src/main/java/io/micronaut/context/env/DefaultEnvironment.java#L726-L728'

interface Value {
  source: Source
  unresolved?: string
  value?: string
  via: Source[]
}

/** `${VAR}` / `${VAR:default}` from the env (both frameworks' expression syntax); a name's env form has every other character as `_`. */
const expand = (raw: string, ctx: AnalyzerContext): Expanded => expandPlaceholders(raw, ctx.env, (name) => name.toUpperCase().replaceAll(/[^A-Z0-9]/gi, '_'))

/** One framework's layered properties: a key's value, highest source first. */
class Layers {
  readonly diagnostics: Diagnostic[] = []
  /** Lowest first; later files win. */
  private readonly files: Map<string, Value>[] = []

  constructor(
    private readonly ctx: AnalyzerContext,
    private readonly normalize: (key: string) => string,
    /** The framework reads every document of a YAML stream (Micronaut). */
    private readonly multiDocument = false,
  ) {}

  private readonly props = new Map<string, {source: Source; value: string}>()

  systemProperties(words: readonly string[]): void {
    for (const w of words) {
      const m = /^-D([\w.\-"%]+)=(.*)$/.exec(w)
      if (m) this.props.set(this.normalize(m[1]), {source: fromFlag(w), value: m[2]})
    }
  }

  prop(key: string): string | undefined {
    return this.props.get(this.normalize(key))?.value
  }

  /** A properties or YAML file; `profile` keeps only `%profile.` keys of the active profile (Quarkus), which win in it. */
  load(path: string, profile?: string, why?: Source): void {
    const file = this.ctx.files.read(path)
    if (!file) return
    const plain = new Map<string, Value>()
    const profiled = new Map<string, Value>()
    const put = (key: string, raw: string, source: Source): void => {
      const m = /^%([\w,-]+)\.(.+)$/.exec(key)
      if (m && !(profile && m[1].split(',').includes(profile))) return
      const v = expand(raw, this.ctx)
      ;(m ? profiled : plain).set(this.normalize(m ? m[2] : key), {...v, source, via: why ? [why, ...v.via] : v.via})
    }

    if (path.endsWith('.properties')) {
      const parsed = parseProperties(file.text, path)
      append(this.diagnostics, parsed.diagnostics)
      for (const p of parsed.properties) put(p.key, p.value, fromFile(path, p.line))
    } else {
      // A stream of several documents (`---`): each is read in turn, a later one's keys over an earlier's, as Micronaut's
      // YamlPropertySourceLoader.processInput does (`yaml.loadAll(input)`, then processMap of each Map into one;
      // micronaut-core inject/src/main/java/io/micronaut/context/env/yaml/YamlPropertySourceLoader.java).
      for (const doc of this.multiDocument ? yamlDocuments(file.text) : [{start: 0, text: file.text}]) {
        const y = parseYaml(doc.text, path)
        append(this.diagnostics, y.diagnostics.map((d) => ({...d, line: d.line === undefined ? undefined : d.line + doc.start})))
        const walk = (v: unknown, at: string[]): void => {
          if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, [...at, k])
          else if (v !== null && v !== undefined && typeof v !== 'object') put(at.join('.'), String(v), fromFile(path, (y.lineOf(at) ?? 1) + doc.start))
        }

        walk(y.value, [])
      }
    }

    this.files.push(new Map([...plain, ...profiled]))
  }

  get(key: string, envName: string): undefined | Value {
    const k = this.normalize(key)
    const p = this.props.get(k)
    if (p) return {source: p.source, value: p.value, via: []}
    const e = this.ctx.env.get(envName)
    if (e) return {source: e.source, value: e.value, via: []}
    for (const f of this.files.toReversed()) {
      const v = f.get(k)
      if (v) return v
    }

    return undefined
  }

  /** Keys below a prefix in any file (normalized). */
  keys(prefix: string): string[] {
    const p = `${this.normalize(prefix)}.`
    return [...new Set([...this.files.flatMap((f) => [...f.keys()]), ...this.props.keys()].filter((k) => k.startsWith(p)).map((k) => k.slice(p.length)))]
  }
}

function intValue(v: undefined | Value, key: string, what: string, diagnostics: Diagnostic[], processType: string): Sourced<number> | undefined {
  if (!v) return undefined
  const where = v.source.kind === 'file' ? {file: v.source.file, line: v.source.line} : {}
  if (v.unresolved) {
    diagnostics.push({code: 'unresolved-env', ...where, message: `${processType}: ${v.unresolved} is not set anywhere and ${key} reads it without a default, so ${what} is not known`, processType, severity: 'warning'})
    return undefined
  }

  if (/^\s*\d+\s*$/.test(v.value ?? '')) return sourced(Number(v.value), v.source, v.via)
  diagnostics.push({code: 'unknown-config-value', ...where, message: `${processType}: cannot read ${what}: ${key}=${JSON.stringify(v.value)} is not an integer`, processType, severity: 'warning'})
  return undefined
}

const javaWords = (ctx: AnalyzerContext): string[] => [...ctx.command.argv.slice(1), ...(ctx.env.get('JAVA_OPTS')?.value.split(/\s+/) ?? []), ...(ctx.env.get('JAVA_TOOL_OPTIONS')?.value.split(/\s+/) ?? [])]

/** Quarkus's env var for a key (QUARKUS_DATASOURCE_JDBC_MAX_SIZE): upper case, every other character `_`. */
const quarkusEnv = (key: string): string => key.replaceAll('"', '').toUpperCase().replaceAll(/[^A-Z0-9]/g, '_')

const BUILD_FILES = ['pom.xml', 'build.gradle', 'build.gradle.kts', 'gradle.properties']

/** The Quarkus version the build pins (Maven property or BOM, Gradle plugin or gradle.properties), with where. */
export function quarkusVersion(files: AnalyzerContext['files']): undefined | {file: string; line: number; major: number; minor: number; version: string} {
  const patterns: [string, RegExp][] = [
    ['pom.xml', /<(?:quarkus\.platform\.version|quarkus\.version|quarkus-plugin\.version|version\.quarkus)>\s*(\d+)\.[\w.-]*\s*</],
    ['pom.xml', /<artifactId>quarkus-(?:bom|universe-bom|maven-plugin)<\/artifactId>\s*<version>\s*(\d+)\.[\w.-]*\s*</],
    ['gradle.properties', /^\s*quarkus(?:Platform|Plugin)?Version\s*=\s*(\d+)\.[\w.-]*/m],
    ['build.gradle', /id\s*\(?\s*['"]io\.quarkus['"]\s*\)?\s*version\s*['"](\d+)\.[\w.-]*['"]/],
    ['build.gradle.kts', /id\s*\(\s*"io\.quarkus"\s*\)\s*version\s*"(\d+)\.[\w.-]*"/],
  ]
  for (const [path, re] of patterns) {
    const file = files.read(path)
    const m = file && re.exec(file.text)
    if (!file || !m) continue
    const at = m.index + m[0].indexOf(m[1])
    const version = /^[\d.]+[\w.-]*/.exec(file.text.slice(at))![0].replace(/\.$/, '')
    return {file: path, line: file.text.slice(0, at).split('\n').length, major: Number(m[1]), minor: Number(/^\d+\.(\d+)/.exec(version)?.[1] ?? 0), version}
  }

  return undefined
}

/** quarkus.datasource[.name].reactive.max-size when nothing sets it: 20 from Quarkus 3.0, Vert.x's 4 before. */
function reactiveDefault(version: ReturnType<typeof quarkusVersion>): Sourced<number> {
  if (!version) return sourced(20, fromDefault("Quarkus 3.x's quarkus.datasource.reactive.max-size default", QUARKUS_REACTIVE_20), [assumed("the build's Quarkus version is not read; before Quarkus 3.0 the reactive pool's default was Vert.x's 4")])
  const pinned = fromFile(version.file, version.line)
  return version.major >= 3
    ? sourced(20, fromDefault(`Quarkus ${version.version}: quarkus.datasource.reactive.max-size default (3.0 and later)`, QUARKUS_REACTIVE_20), [pinned])
    : sourced(4, fromDefault(`Quarkus ${version.version} sets no reactive max-size: Vert.x PoolOptions.DEFAULT_MAX_SIZE`, VERTX_POOL), [pinned])
}

/** quarkus.datasource[.name].jdbc.max-size when nothing sets it: 20 up to Quarkus 3.30, 50 from 3.31 (#51169); no version read: 50, assumed. */
function agroalDefault(version: ReturnType<typeof quarkusVersion>): Sourced<number> {
  if (!version) return sourced(50, fromDefault('Quarkus (Agroal) quarkus.datasource.jdbc.max-size default since 3.31', AGROAL_50), [assumed("the build's Quarkus version is not read; up to Quarkus 3.30 the Agroal pool's default was 20")])
  const pinned = fromFile(version.file, version.line)
  return version.major > 3 || (version.major === 3 && version.minor >= 31)
    ? sourced(50, fromDefault(`Quarkus ${version.version}: quarkus.datasource.jdbc.max-size default (50 from 3.31)`, AGROAL_50), [pinned])
    : sourced(20, fromDefault(`Quarkus ${version.version}: quarkus.datasource.jdbc.max-size default (20 up to 3.30)`, AGROAL), [pinned])
}

export function quarkusPools(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; notCounted: string[]; pools: PoolEntry[]} {
  const layers = new Layers(ctx, (k) => k)
  layers.systemProperties(javaWords(ctx))
  const profile = layers.prop('quarkus.profile') ?? ctx.env.get('QUARKUS_PROFILE')?.value ?? 'prod'
  const build = BUILD_FILES.map((f) => ctx.files.read(f)?.text ?? '').join('\n')
  const yaml = /quarkus-config-yaml/.test(build)
  // Lowest ordinal first: classpath properties 250, classpath YAML 255, config/ properties 260, config/ YAML 265.
  for (const dir of ['src/main/resources', 'config']) {
    layers.load(`${dir}/application.properties`, profile)
    if (yaml) for (const ext of ['yml', 'yaml']) layers.load(`${dir}/application.${ext}`, profile, fromDefault(`quarkus-config-yaml reads ${dir === 'config' ? 'config/' : 'the classpath\'s '}application.${ext} (ordinal ${dir === 'config' ? 265 : 255})`, QUARKUS_YAML))
  }

  const diagnostics = [...layers.diagnostics]
  const pools: PoolEntry[] = []
  const notCounted: string[] = []
  const jdbcExtension = /quarkus-jdbc-|quarkus-agroal/.test(build)
  const reactiveExtension = /quarkus-reactive-pg-client|quarkus-reactive-postgresql-client/.test(build)
  const buildRead = build.trim() !== ''
  const named = new Set(layers.keys('quarkus.datasource').flatMap((k) => /^("[^"]+"|[\w-]+)\.(jdbc|reactive|db-kind|username)\b/.exec(k)?.[1] ?? []).filter((n) => !['jdbc', 'reactive', 'db-kind', 'username', 'password', 'devservices', 'health', 'metrics', 'db-version', 'active'].includes(n)))
  const version = quarkusVersion(ctx.files)
  for (const name of [undefined, ...named]) {
    const base = name === undefined ? 'quarkus.datasource' : `quarkus.datasource.${name}`
    const what = name === undefined ? 'the default datasource' : `datasource ${name.replaceAll('"', '')}`
    const get = (k: string): undefined | Value => layers.get(`${base}.${k}`, quarkusEnv(`${base}.${k}`))
    const kind = get('db-kind')?.value
    if (name === undefined && !kind && !get('jdbc.url') && !get('reactive.url') && !jdbcExtension && !reactiveExtension) continue
    if (kind && !/^(postgres(ql)?|pgsql|pg)$/i.test(kind)) {
      notCounted.push(`${what} (db-kind ${kind})`)
      continue
    }

    // No db-kind read, but a JDBC URL of another database (`%prod.quarkus.datasource.jdbc.url=jdbc:h2:./data/db`,
    // Athou/commafeed, whose db-kind the build sets): Quarkus infers the kind from the URL's driver.
    const scheme = kind ? undefined : /^jdbc:([a-z0-9]+):/i.exec(get('jdbc.url')?.value ?? '')?.[1]
    if (scheme && scheme.toLowerCase() !== 'postgresql') {
      notCounted.push(`${what} (${base}.jdbc.url is jdbc:${scheme})`)
      continue
    }

    const database = name === undefined ? 'quarkus.datasource' : `quarkus.datasource.${name.replaceAll('"', '')}`
    // A JDBC pool needs a JDBC driver extension (Agroal); without a readable build, a datasource is taken as JDBC.
    const jdbc = get('jdbc')?.value !== 'false' && (jdbcExtension || get('jdbc.url') !== undefined || (!buildRead && !reactiveExtension))
    if (jdbc) {
      const key = `${base}.jdbc.max-size`
      const max = intValue(get('jdbc.max-size'), key, `${what}'s pool size`, diagnostics, ctx.processType) ?? agroalDefault(version)
      const initial = intValue(get('jdbc.initial-size'), `${base}.jdbc.initial-size`, `${what}'s initial size`, diagnostics, ctx.processType)
      pools.push({database, ...(initial && initial.value <= max.value ? {minOpen: initial} : {}), pool: max, server: jvmUrlServer(get('jdbc.url'), ctx.env)})
    }

    if (reactiveExtension && get('reactive')?.value !== 'false') {
      const key = `${base}.reactive.max-size`
      const max = intValue(get('reactive.max-size'), key, `${what}'s reactive pool size`, diagnostics, ctx.processType) ?? reactiveDefault(version)
      // Vert.x opens a reactive pool's connections on demand: none are held at start.
      pools.push({database: `${database}.reactive`, minOpen: sourced(0, fromDefault('a Vert.x SQL pool connects on demand', VERTX_POOL)), pool: max, server: jvmUrlServer(get('reactive.url'), ctx.env)})
    }
  }

  return {diagnostics, notCounted, pools}
}

/** Micronaut binds kebab-case, camelCase and env-var forms to one key. */
const micronautKey = (k: string): string => k.toLowerCase().replaceAll(/[-_]/g, '')

/** Micronaut's environment deduction: on unless MICRONAUT_ENV_DEDUCTION / -Dmicronaut.env.deduction say false or the app's main builds the context with deduceEnvironment(false). */
function deducesEnvironments(ctx: AnalyzerContext, layers: Layers): boolean {
  const flag = ctx.env.get('MICRONAUT_ENV_DEDUCTION')?.value ?? layers.prop('micronaut.env.deduction')
  if (flag !== undefined && flag !== '') return flag.trim().toLowerCase() === 'true'
  const {paths} = filesUnder(ctx.files, 'src/main', (p) => /\.(java|kt|groovy)$/.test(p), {max: 2000})
  return !paths.some((p) => /\.deduceEnvironment\s*\(\s*false\s*\)/.test(ctx.files.read(p)?.text ?? ''))
}

export function micronautPools(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; notCounted: string[]; pools: PoolEntry[]} {
  const layers = new Layers(ctx, (k) => k.split('.').map(micronautKey).join('.'), true)
  layers.systemProperties(javaWords(ctx))
  const named = (layers.prop('micronaut.environments') ?? ctx.env.get('MICRONAUT_ENVIRONMENTS')?.value ?? '').split(',').map((e) => e.trim()).filter(Boolean)
  const deduced = deducesEnvironments(ctx, layers) ? ['heroku', 'cloud'].filter((e) => !named.includes(e)) : []
  const why = fromDefault('Micronaut adds the heroku and cloud environments on a Heroku dyno (DYNO is set), unless environment deduction is off', MICRONAUT_HEROKU)
  // Lowest first: application.*, then the deduced environments' files, then the named ones' (which win).
  for (const env of [undefined, ...deduced, ...named]) {
    for (const ext of ['yml', 'yaml', 'properties']) layers.load(`src/main/resources/application${env ? `-${env}` : ''}.${ext}`, undefined, env && deduced.includes(env) ? why : undefined)
  }

  const diagnostics = [...layers.diagnostics]
  const pools: PoolEntry[] = []
  const notCounted: string[] = []
  for (const name of new Set(layers.keys('datasources').map((k) => k.split('.')[0]))) {
    const get = (k: string): undefined | Value => layers.get(`datasources.${name}.${k}`, `DATASOURCES_${name.toUpperCase()}_${k.toUpperCase().replaceAll('-', '_')}`)
    const url = get('url')?.value ?? ''
    const scheme = /^jdbc:([a-z0-9]+):/i.exec(url)?.[1]
    if (scheme && scheme !== 'postgresql') {
      notCounted.push(`datasources.${name} (${scheme})`)
      continue
    }

    const key = `datasources.${name}.maximum-pool-size`
    const max = intValue(get('maximum-pool-size'), key, `datasources.${name}'s pool size`, diagnostics, ctx.processType) ?? sourced(10, fromDefault('HikariCP default maximumPoolSize (micronaut-jdbc-hikari)', HIKARI), [fromDefault('Micronaut datasources are HikariCP pools', MICRONAUT_JDBC)])
    const minIdle = intValue(get('minimum-idle'), `datasources.${name}.minimum-idle`, 'HikariCP minimum-idle', diagnostics, ctx.processType)
    const minOpen = minIdle && minIdle.value >= 0 && minIdle.value <= max.value ? minIdle : sourced(max.value, fromDefault('HikariCP minimumIdle defaults to maximumPoolSize: the pool is filled at start', HIKARI), [max.source])
    const u = get('url')
    const platform = u?.unresolved && /^(JDBC_)?DATABASE_URL$/.test(u.unresolved) ? u.unresolved : undefined
    const via: Source[] = scheme
      ? []
      : platform
        ? [fromDefault(`datasources.${name}.url is \${${platform}}, which the platform sets to the PostgreSQL add-on's URL`, 'https://devcenter.heroku.com/articles/connecting-heroku-postgres#connecting-in-java')]
        : [assumed(`datasources.${name}.url is not read here (${url || 'unset'}); the platform's PostgreSQL is assumed`)]
    pools.push({database: `datasources.${name}`, minOpen, pool: via.length > 0 ? sourced(max.value, max.source, [...via, ...(max.via ?? [])]) : max, server: jvmUrlServer(u, ctx.env)})
  }

  return {diagnostics, notCounted, pools}
}
