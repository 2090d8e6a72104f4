/**
 * Spring Boot's externalized configuration, for the few keys that decide
 * connections: application.properties / application.yml in every location
 * Spring Boot searches, the application-{profile} files of the active profiles,
 * `spring.config.import`ed files, `-D` system properties and `--key=value`
 * arguments on the command line or in JAVA_OPTS/JAVA_TOOL_OPTIONS, and env vars
 * by relaxed binding (SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE). `${VAR:default}`
 * placeholders are resolved from the env. Highest wins, in the order of Spring
 * Boot's "Externalized Configuration" (2.4+, StandardConfigDataLocationResolver):
 * the jar's files (classpath root, then classpath:/config/), its profile files,
 * then the files beside it (./ and ./config/; not its subfolders), then theirs; in one
 * location .properties wins over .yml. Profiles come from spring.profiles.active
 * (flag, SPRING_PROFILES_ACTIVE, else the files), with spring.profiles.include
 * and spring.profiles.group.<name> expanded; an imported file wins over the one
 * that imports it.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Source} from '../../model/source.js'

import {fromFile, fromFlag} from '../../model/source.js'
import {parseYaml, yamlDocuments} from '../../util/yaml.js'
import {type Expanded, expandPlaceholders, parseProperties} from './properties.js'
import {append} from '../../util/arrays.js'

export interface SpringValue {
  /** Env vars a `${…}` placeholder read. */
  placeholderVia: Source[]
  source: Source
  /** Undefined when a placeholder has no value and no default. */
  value?: string
  unresolved?: string
}

/** Relaxed binding: `maximum-pool-size`, `maximumPoolSize` and `maximum_pool_size` are one key. */
export const canonical = (key: string): string => key.toLowerCase().replaceAll(/[-_]/g, '')

const DOCS = 'https://docs.spring.io/spring-boot/reference/features/external-config.html'
/** Inside the jar (the classpath: src/main/resources of the module that builds it), then beside it (the dyno's working directory is the app root). */
const jarDirs = (module: string): string[] => [`${module}src/main/resources/`, `${module}src/main/resources/config/`]

/**
 * The folder (`''` the root, else `api/` with its slash) of the Gradle or Maven module whose src/main/resources the
 * jar holds: the root's when it has one; else the module of the jar the command runs (`-jar api/build/libs/x.jar`,
 * `api/target/x.jar`); else, of the modules settings.gradle(.kts) includes or pom.xml lists, the one with an
 * application.* file (of several, the one applying Spring Boot's plugin). `why` says how a module was chosen.
 */
export function resourceModule(files: AnalyzerContext['files'], argv: readonly string[]): {ambiguous?: string[]; dir: string; why?: string} {
  if (files.folders('src/main').includes('resources')) return {dir: ''}
  const hasResources = (m: string): boolean => files.folders(`${m}/src/main`).includes('resources')
  const jar = argv[argv.indexOf('-jar') + 1] ?? ''
  const fromJar = /^(?:\.\/)?([\w.-]+(?:\/[\w.-]+)*)\/(?:build\/libs|target)\/[^/]+\.jar$/.exec(jar)?.[1]
  if (fromJar && hasResources(fromJar)) return {dir: `${fromJar}/`, why: `the jar the command runs, ${jar}, is built by module ${fromJar}`}
  const modules = buildModules(files).filter((m) => hasResources(m) && files.list(`${m}/src/main/resources`).some((n) => /^application(?:-[\w.-]+)?\.(?:properties|ya?ml)$/.test(n)))
  if (modules.length === 0) return {dir: ''}
  const boot = modules.filter((m) => /org\.springframework\.boot|spring-boot-maven-plugin/.test(['build.gradle.kts', 'build.gradle', 'pom.xml'].map((b) => files.read(`${m}/${b}`)?.text ?? '').join('\n')))
  // Several Spring Boot apps in one build (the command picks one through a variable, `-jar $APP_DIR/target/…`): not chosen.
  if (modules.length > 1 && boot.length !== 1) return {ambiguous: modules, dir: ''}
  const chosen = boot.length === 1 ? boot[0] : modules[0]
  const of = modules.length > 1 ? ` (of ${modules.join(', ')}, the one applying Spring Boot)` : ''
  return {dir: `${chosen}/`, why: `the root has no src/main/resources; module ${chosen}${of} holds the application's config`}
}

/** The modules settings.gradle(.kts) includes (`include("a", ":b:c")`, `include 'a'`) or pom.xml lists (`<module>a</module>`), as folders. */
function buildModules(files: AnalyzerContext['files']): string[] {
  const out: string[] = []
  const settings = files.read('settings.gradle.kts')?.text ?? files.read('settings.gradle')?.text ?? ''
  for (const m of settings.matchAll(/^\s*include\s*\(?([^)\n]*)\)?/gm)) {
    for (const q of m[1].matchAll(/["']:?([\w.:-]+)["']/g)) out.push(q[1].replaceAll(':', '/'))
  }

  for (const m of (files.read('pom.xml')?.text ?? '').matchAll(/<module>\s*([\w./-]+?)\s*<\/module>/g)) out.push(m[1].replace(/^\.\//, ''))
  return [...new Set(out)].filter((m) => !m.includes('..'))
}
/** Lowest first: in one location a .properties file wins over .yml (external-config.html, "Application Properties Files"). */
const EXTS = ['yaml', 'yml', 'properties']

/** `${VAR}` / `${VAR:default}`: the env, as Spring's relaxed binding names a property (`spring.x-y` → SPRING_X_Y). */
const placeholders = (raw: string, ctx: AnalyzerContext): Expanded => expandPlaceholders(raw, ctx.env, (name) => name.toUpperCase().replaceAll(/[.-]/g, '_'))

function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else out.push([prefix, value])
}

function yamlDocs(text: string, file: string, profiles: string[], put: (key: string, raw: string, source: Source) => void, diagnostics: Diagnostic[]): void {
  for (const doc of yamlDocuments(text)) {
    const y = parseYaml(doc.text, file)
    if (y.diagnostics.length > 0) {
      append(diagnostics, y.diagnostics.map((d) => ({...d, line: d.line === undefined ? undefined : d.line + doc.start})))
      continue
    }

    const flat: [string, unknown][] = []
    flatten(y.value, '', flat)
    const on = flat.find(([k]) => canonical(k) === canonical('spring.config.activate.on-profile') || canonical(k) === 'spring.profiles')
    if (on && !profiles.includes(String(on[1]))) continue
    for (const [key, v] of flat) {
      if (v === null || v === undefined || typeof v === 'object') continue
      put(key, String(v), fromFile(file, (y.lineOf(key.split('.')) ?? 0) + doc.start))
    }
  }
}

/** `classpath:db.properties` → src/main/resources/db.properties; `file:./x.yml`, `optional:` prefixes; undefined for anything else (configtree:, URLs). */
function importPath(raw: string, module: string): string | undefined {
  const spec = raw.replace(/^optional:/, '')
  const m = /^(classpath:|file:)?\/?(?:\.\/)?([\w./-]+\.(?:properties|ya?ml))$/.exec(spec)
  if (!m || m[2].includes('..')) return undefined
  return m[1] === 'classpath:' ? `${module}src/main/resources/${m[2]}` : m[2]
}

export class SpringConfig {
  readonly diagnostics: Diagnostic[] = []
  private readonly values = new Map<string, SpringValue>()

  /** The module whose src/main/resources is the jar's classpath (resourceModule). */
  readonly module: {ambiguous?: string[]; dir: string; why?: string}

  constructor(private readonly ctx: AnalyzerContext, argv: readonly string[]) {
    this.module = resourceModule(ctx.files, argv)
    const JAR_DIRS = jarDirs(this.module.dir)
    const args = [...argv, ...(ctx.env.get('JAVA_OPTS')?.value.split(/\s+/) ?? []), ...(ctx.env.get('JAVA_TOOL_OPTIONS')?.value.split(/\s+/) ?? [])]
    const sysProps = new Map<string, {source: Source; value: string}>()
    for (const a of args) {
      const m = /^(?:-D|--)([\w.\-[\]]+)=(.*)$/.exec(a)
      if (m) sysProps.set(canonical(m[1]), {source: fromFlag(a), value: m[2]})
    }

    const outside = ['', 'config/']
    const fromArgs = sysProps.get(canonical('spring.profiles.active'))?.value ?? ctx.env.get('SPRING_PROFILES_ACTIVE')?.value
    // The profiles the files themselves name are read with the files' non-profile values first.
    this.loadAll([...JAR_DIRS, ...outside], [], [])
    const fromFiles = this.values.get(canonical('spring.profiles.active'))?.value
    const listed = (v: string | undefined): string[] => (v ?? '').split(',').map((p) => p.trim()).filter(Boolean)
    const profiles = this.expandProfiles([...listed(fromArgs ?? fromFiles), ...listed(this.values.get(canonical('spring.profiles.include'))?.value)])
    this.values.clear()
    this.diagnostics.length = 0
    this.loadAll(JAR_DIRS, outside, profiles)
    this.profiles = profiles
    if (this.module.ambiguous) {
      const shown = this.module.ambiguous.length > 4 ? `${this.module.ambiguous.slice(0, 4).join(', ')} and ${this.module.ambiguous.length - 4} more` : this.module.ambiguous.join(', ')
      this.diagnostics.push({
        code: 'unknown-config-value',
        fix: `run conncalc with the jar's path resolved (e.g. --env for the variable the command's -jar path uses), or --assume ${ctx.processType}=1:N:N`,
        message: `${ctx.processType}: the root has no src/main/resources and ${this.module.ambiguous.length} modules hold Spring Boot application files (${shown}); which one the jar is built from is not known, so none of their settings is read`,
        processType: ctx.processType,
        severity: 'warning',
      })
    } else if (this.module.why) {
      this.diagnostics.push({code: 'missing-config', file: `${this.module.dir}src/main/resources`, message: `${ctx.processType}: Spring Boot's application files are read from ${this.module.dir}src/main/resources, the jar's classpath: ${this.module.why}`, processType: ctx.processType, severity: 'info'})
    }

    this.envBinding = (key) => {
      const name = key.toUpperCase().replaceAll('.', '_').replaceAll('-', '')
      return ctx.env.get(name)
    }

    this.overrides = sysProps
  }

  private envBinding: (key: string) => {source: Source; value: string} | undefined
  private overrides: Map<string, {source: Source; value: string}>
  /** The active profiles, groups expanded, in the order their files are applied. */
  profiles: string[] = []

  /** spring.profiles.group.<p> adds its members right after p (SpringApplication profile groups). */
  private expandProfiles(active: string[]): string[] {
    const out: string[] = []
    const add = (p: string, depth: number): void => {
      if (out.includes(p) || depth > 10) return
      out.push(p)
      const group = this.values.get(canonical(`spring.profiles.group.${p}`))?.value
      for (const member of (group ?? '').split(',').map((x) => x.trim()).filter(Boolean)) add(member, depth + 1)
    }

    for (const p of active) add(p, 0)
    return out
  }

  /** Lowest first: the jar's application files, its profile files, then the same for the files beside it. */
  private loadAll(jar: string[], outside: string[], profiles: string[]): void {
    for (const dirs of [jar, outside]) {
      for (const dir of dirs) this.loadName(dir, 'application', profiles)
      for (const p of profiles) for (const dir of dirs) this.loadName(dir, `application-${p}`, profiles)
    }
  }

  private loadName(dir: string, name: string, profiles: string[]): void {
    for (const ext of EXTS) this.loadFile(`${dir}${name}.${ext}`, profiles, 0)
  }

  /** One file, then what it imports (spring.config.import), which wins over it. */
  private loadFile(path: string, profiles: string[], depth: number): void {
    const file = this.ctx.files.read(path)
    if (!file || depth > 5) return
    const before = this.values.get(canonical('spring.config.import'))
    this.values.delete(canonical('spring.config.import'))
    const put = (key: string, raw: string, source: Source): void => this.set(key, raw, source)
    if (path.endsWith('.properties')) {
      const parsed = parseProperties(file.text, path)
      append(this.diagnostics, parsed.diagnostics)
      for (const p of parsed.properties) put(p.key, p.value, fromFile(path, p.line))
    } else yamlDocs(file.text, path, profiles, put, this.diagnostics)
    const imports = this.values.get(canonical('spring.config.import'))
    if (before) this.values.set(canonical('spring.config.import'), before)
    if (!imports?.value) return
    for (const raw of imports.value.split(',').map((x) => x.trim()).filter(Boolean)) {
      const target = importPath(raw, this.module.dir)
      if (!target) {
        this.diagnostics.push({code: 'unknown-config-value', ...(imports.source.kind === 'file' ? {file: imports.source.file, line: imports.source.line} : {}), message: `spring.config.import \`${raw}\` is not a file conncalc reads (${DOCS}); what it sets is not seen`, severity: 'warning'})
        continue
      }

      if (!this.ctx.files.exists(target) && !raw.startsWith('optional:')) {
        this.diagnostics.push({code: 'missing-config', ...(imports.source.kind === 'file' ? {file: imports.source.file, line: imports.source.line} : {}), message: `spring.config.import names ${target}, which does not exist: Spring Boot would fail to start`, severity: 'warning'})
      }

      this.loadFile(target, profiles, depth + 1)
    }
  }

  private set(key: string, raw: string, source: Source): void {
    const r = placeholders(raw, this.ctx)
    this.values.set(canonical(key), {placeholderVia: r.via, source, unresolved: r.unresolved, value: r.value})
  }

  /** The effective value of a property, highest source first. */
  get(key: string): SpringValue | undefined {
    const o = this.overrides.get(canonical(key))
    if (o) return {placeholderVia: [], source: o.source, value: o.value}
    const e = this.envBinding(key)
    if (e) return {placeholderVia: [], source: e.source, value: e.value}
    return this.values.get(canonical(key))
  }
}
