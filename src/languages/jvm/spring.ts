/**
 * Spring Boot's externalized configuration, for the few keys that decide
 * connections: application.properties / application.yml (and the
 * application-{profile} files for SPRING_PROFILES_ACTIVE), `-D` system
 * properties and `--key=value` arguments on the command line or in
 * JAVA_OPTS/JAVA_TOOL_OPTIONS, and env vars by relaxed binding
 * (SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE). `${VAR:default}` placeholders
 * are resolved from the env. Highest wins, as in Spring Boot's
 * "Externalized Configuration" order.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Source} from '../../model/source.js'

import {fromFile, fromFlag} from '../../model/source.js'
import {parseYaml} from '../../util/yaml.js'
import {parseProperties} from './properties.js'

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

const DIRS = ['src/main/resources/', '', 'config/']

function placeholders(raw: string, ctx: AnalyzerContext): {unresolved?: string; value?: string; via: Source[]} {
  const via: Source[] = []
  let unresolved: string | undefined
  const value = raw.replaceAll(/\$\{([^}:]+)(?::([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => {
    const e = ctx.env.get(name) ?? ctx.env.get(name.toUpperCase().replaceAll(/[.-]/g, '_'))
    if (e) {
      via.push(e.source)
      return e.value
    }

    if (dflt !== undefined) return dflt
    unresolved = name
    return ''
  })
  return unresolved ? {unresolved, via} : {value, via}
}

function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else out.push([prefix, value])
}

function yamlDocs(text: string, file: string, profiles: string[], put: (key: string, raw: string, source: Source) => void, diagnostics: Diagnostic[]): void {
  const lines = text.split('\n')
  const docs: {start: number; text: string}[] = []
  let start = 0
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---\s*$/.test(lines[i])) {
      docs.push({start, text: lines.slice(start, i).join('\n')})
      start = i + 1
    }
  }

  for (const doc of docs) {
    const y = parseYaml(doc.text, file)
    if (y.diagnostics.length > 0) {
      diagnostics.push(...y.diagnostics.map((d) => ({...d, line: d.line === undefined ? undefined : d.line + doc.start})))
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

export class SpringConfig {
  readonly diagnostics: Diagnostic[] = []
  private readonly values = new Map<string, SpringValue>()

  constructor(private readonly ctx: AnalyzerContext, argv: readonly string[]) {
    const args = [...argv, ...(ctx.env.get('JAVA_OPTS')?.value.split(/\s+/) ?? []), ...(ctx.env.get('JAVA_TOOL_OPTIONS')?.value.split(/\s+/) ?? [])]
    const sysProps = new Map<string, {source: Source; value: string}>()
    for (const a of args) {
      const m = /^(?:-D|--)([\w.\-[\]]+)=(.*)$/.exec(a)
      if (m) sysProps.set(canonical(m[1]), {source: fromFlag(a), value: m[2]})
    }

    const profileArg = sysProps.get(canonical('spring.profiles.active'))?.value ?? ctx.env.get('SPRING_PROFILES_ACTIVE')?.value ?? ''
    const profiles = profileArg.split(',').map((p) => p.trim()).filter(Boolean)
    // Lowest first: application file, then each profile file, then env, then -D / --args.
    for (const name of ['application', ...profiles.map((p) => `application-${p}`)]) {
      for (const dir of DIRS) {
        for (const ext of ['properties', 'yml', 'yaml']) {
          const path = `${dir}${name}.${ext}`
          const file = ctx.files.read(path)
          if (!file) continue
          const put = (key: string, raw: string, source: Source): void => this.set(key, raw, source)
          if (ext === 'properties') {
            const parsed = parseProperties(file.text, path)
            this.diagnostics.push(...parsed.diagnostics)
            for (const p of parsed.properties) put(p.key, p.value, fromFile(path, p.line))
          } else yamlDocs(file.text, path, profiles, put, this.diagnostics)
        }
      }
    }

    this.envBinding = (key) => {
      const name = key.toUpperCase().replaceAll('.', '_').replaceAll('-', '')
      return ctx.env.get(name)
    }

    this.overrides = sysProps
  }

  private envBinding: (key: string) => {source: Source; value: string} | undefined
  private overrides: Map<string, {source: Source; value: string}>

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
