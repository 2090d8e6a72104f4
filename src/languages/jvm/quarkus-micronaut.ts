/**
 * Quarkus and Micronaut apps run as a jar (`java -jar target/quarkus-app/quarkus-run.jar`,
 * `java -jar build/libs/app-all.jar`): one JVM per dyno whose request threads wait for a pooled
 * connection, so threads per process = the pool, as for Spring Boot (jvm.ts).
 *
 * Quarkus (the Agroal extension): `quarkus.datasource.jdbc.max-size`, default 20, for the default
 * datasource and each named one (`quarkus.datasource."name".jdbc.max-size`); `db-kind` other than
 * postgresql is another database. Config, highest first (SmallRye Config ordinals): `-D` system
 * properties (400), env vars (300, the key upper-cased, other characters → `_`), config/
 * application.properties in the working directory (260), src/main/resources/application.properties
 * (250); `%prod.key` (the profile a jar runs in, unless quarkus.profile / QUARKUS_PROFILE says
 * another) wins over `key` in the same file. `${VAR:default}` expressions read the env.
 *
 * Micronaut (micronaut-jdbc-hikari): `datasources.NAME.maximum-pool-size` (HikariConfig's
 * maximumPoolSize, default 10); minimum-idle defaults to it. Config, highest first: `-D`
 * properties, env vars (DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE), then application-ENV files of the
 * environments MICRONAUT_ENVIRONMENTS / -Dmicronaut.environments names, then application.yml /
 * .yaml / .properties in src/main/resources.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext} from '../common/types.js'

import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {parseYaml} from '../../util/yaml.js'
import {type Expanded, expandPlaceholders, parseProperties} from './properties.js'
import {append} from '../../util/arrays.js'

// quarkusio/quarkus@1d7fc55f9e23: DataSourceJdbcRuntimeConfig.maxSize() @WithDefault("20"), minSize() @WithDefault("0").
const AGROAL = 'https://github.com/quarkusio/quarkus/blob/1d7fc55f9e23e5c29b54b0aa05cb663b74027935/extensions/agroal/runtime/src/main/java/io/quarkus/agroal/runtime/DataSourceJdbcRuntimeConfig.java'
const HIKARI = 'https://github.com/brettwooldridge/HikariCP/blob/dev/src/main/java/com/zaxxer/hikari/HikariConfig.java'
const MICRONAUT_JDBC = 'https://micronaut-projects.github.io/micronaut-sql/latest/guide/#jdbc'

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
  load(path: string, profile?: string): void {
    const file = this.ctx.files.read(path)
    if (!file) return
    const plain = new Map<string, Value>()
    const profiled = new Map<string, Value>()
    const put = (key: string, raw: string, source: Source): void => {
      const m = /^%([\w,-]+)\.(.+)$/.exec(key)
      if (m && !(profile && m[1].split(',').includes(profile))) return
      const v = expand(raw, this.ctx)
      ;(m ? profiled : plain).set(this.normalize(m ? m[2] : key), {...v, source})
    }

    if (path.endsWith('.properties')) {
      const parsed = parseProperties(file.text, path)
      append(this.diagnostics, parsed.diagnostics)
      for (const p of parsed.properties) put(p.key, p.value, fromFile(path, p.line))
    } else {
      const y = parseYaml(file.text, path)
      append(this.diagnostics, y.diagnostics)
      const walk = (v: unknown, at: string[]): void => {
        if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, [...at, k])
        else if (v !== null && v !== undefined && typeof v !== 'object') put(at.join('.'), String(v), fromFile(path, y.lineOf(at) ?? 1))
      }

      walk(y.value, [])
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

export function quarkusPools(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; notCounted: string[]; pools: PoolEntry[]} {
  const layers = new Layers(ctx, (k) => k)
  layers.systemProperties(javaWords(ctx))
  const profile = layers.prop('quarkus.profile') ?? ctx.env.get('QUARKUS_PROFILE')?.value ?? 'prod'
  layers.load('src/main/resources/application.properties', profile)
  layers.load('config/application.properties', profile)
  const diagnostics = [...layers.diagnostics]
  const pools: PoolEntry[] = []
  const notCounted: string[] = []
  const named = new Set(layers.keys('quarkus.datasource').flatMap((k) => /^("[^"]+"|[\w-]+)\.(jdbc|db-kind|username)\b/.exec(k)?.[1] ?? []).filter((n) => !['jdbc', 'reactive', 'db-kind', 'username', 'password', 'devservices', 'health', 'metrics', 'db-version', 'active'].includes(n)))
  for (const name of [undefined, ...named]) {
    const base = name === undefined ? 'quarkus.datasource' : `quarkus.datasource.${name}`
    const what = name === undefined ? 'the default datasource' : `datasource ${name.replaceAll('"', '')}`
    const get = (k: string): undefined | Value => layers.get(`${base}.${k}`, quarkusEnv(`${base}.${k}`))
    const kind = get('db-kind')?.value
    if (get('jdbc')?.value === 'false') continue
    if (name === undefined && !kind && !get('jdbc.url') && !/quarkus-jdbc-postgresql|quarkus-agroal/.test(['pom.xml', 'build.gradle', 'build.gradle.kts'].map((f) => ctx.files.read(f)?.text ?? '').join('\n'))) continue
    if (kind && !/^(postgres(ql)?|pgsql|pg)$/i.test(kind)) {
      notCounted.push(`${what} (db-kind ${kind})`)
      continue
    }

    const key = `${base}.jdbc.max-size`
    const max = intValue(get('jdbc.max-size'), key, `${what}'s pool size`, diagnostics, ctx.processType) ?? sourced(20, fromDefault('Quarkus (Agroal) quarkus.datasource.jdbc.max-size default', AGROAL))
    const initial = intValue(get('jdbc.initial-size'), `${base}.jdbc.initial-size`, `${what}'s initial size`, diagnostics, ctx.processType)
    pools.push({database: name === undefined ? 'quarkus.datasource' : `quarkus.datasource.${name.replaceAll('"', '')}`, ...(initial && initial.value <= max.value ? {minOpen: initial} : {}), pool: max, server: 'DATABASE_URL'})
  }

  return {diagnostics, notCounted, pools}
}

/** Micronaut binds kebab-case, camelCase and env-var forms to one key. */
const micronautKey = (k: string): string => k.toLowerCase().replaceAll(/[-_]/g, '')

export function micronautPools(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; notCounted: string[]; pools: PoolEntry[]} {
  const layers = new Layers(ctx, (k) => k.split('.').map(micronautKey).join('.'))
  layers.systemProperties(javaWords(ctx))
  const envs = (layers.prop('micronaut.environments') ?? ctx.env.get('MICRONAUT_ENVIRONMENTS')?.value ?? '').split(',').map((e) => e.trim()).filter(Boolean)
  for (const name of ['application', ...envs.map((e) => `application-${e}`)]) for (const ext of ['yml', 'yaml', 'properties']) layers.load(`src/main/resources/${name}.${ext}`)
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
    pools.push({database: `datasources.${name}`, minOpen, pool: via.length > 0 ? sourced(max.value, max.source, [...via, ...(max.via ?? [])]) : max, server: 'DATABASE_URL'})
  }

  return {diagnostics, notCounted, pools}
}
