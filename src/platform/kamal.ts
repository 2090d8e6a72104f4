/**
 * Kamal's deploy config, `config/deploy.yml` (Rails 7.1+ generates it in every new app; `kamal deploy` reads it from the
 * folder it runs in, or `-c FILE`; `-d NAME` deep-merges `config/deploy.NAME.yml` over it). What decides the connections
 * (basecamp/kamal lib/kamal/configuration.rb, configuration/role.rb, configuration/env.rb; https://kamal-deploy.org/docs/configuration/):
 *
 * - `servers:` a list of hosts (the `web` role), or roles, each a list of hosts or `{hosts:, cmd:, env:}`. Kamal runs one
 *   container of each role on each of its hosts (a host written twice, or with tags, `- 1.2.3.4: [tag]`, is one host);
 * - a role's `cmd:` is passed to `docker run` after the image, in place of its CMD (an exec-form ENTRYPOINT still runs
 *   first); without one the image's CMD runs;
 * - `env:` (top level and per role, merged, the role's on top): `clear:` values are set; `secret:` names are set from
 *   .kamal/secrets (`NAME` or `NAME:ALIAS`), whose values are not in the repository; a map without `clear`/`secret`/`tags`
 *   is all clear;
 * - `builder:` `dockerfile` (default Dockerfile), `context` (default a clone of the repository: its root), `target`,
 *   `args` (build args).
 *
 * Kamal renders the file as ERB before reading the YAML: a value holding `<%` is not known here. Pure: text in, data out;
 * procfile/platform-manifest.ts makes process types of it. Loaded with import() only when a file is Kamal's (issue 19).
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {isObject} from '../util/objects.js'
import {parseYaml, type YamlPath} from '../util/yaml.js'

export const KAMAL_REF = {
  config: 'https://kamal-deploy.org/docs/configuration/overview/',
  env: 'https://kamal-deploy.org/docs/configuration/environment-variables/',
  roles: 'https://kamal-deploy.org/docs/configuration/roles/',
  source: 'https://github.com/basecamp/kamal/blob/main/lib/kamal/configuration/role.rb',
}

export interface KamalValue<T> {
  file: string
  line: number
  value: T
}

export interface KamalRole {
  cmd?: KamalValue<string>
  /** The role's clear env over the top level's. */
  env: EnvEntry[]
  /** Env names whose values are ERB (`<%= ENV['X'] %>`), not known here. */
  envUnknown: string[]
  file: string
  /** Distinct hosts; a host that is ERB counts one, said in `unknownHosts`. */
  hosts: number
  line: number
  name: string
  /** Secret names (from .kamal/secrets): set, values unknown. */
  secrets: string[]
  /** `options: cpus:` (docker run --cpus: a CFS quota) and `options: cpuset-cpus:` (the CPUs the container may run on). */
  cpus?: KamalValue<string>
  cpuset?: KamalValue<string>
  /** Hosts given by ERB or tags that set env per host: said. */
  notes: string[]
}

/** An accessory running a PostgreSQL image (`accessories: db: image: postgres:16`): a PostgreSQL server Kamal runs itself. */
export interface KamalPostgres {
  file: string
  /** Its host, when written plainly (not ERB). */
  host?: string
  image: string
  line: number
  /** `cmd: postgres -c max_connections=N` (or --max_connections=N): the server's limit, when set there. */
  maxConnections?: KamalValue<number>
  name: string
}

export interface KamalConfig {
  /** Accessories that run a PostgreSQL image. */
  postgres: KamalPostgres[]
  builder: {args: EnvEntry[]; context?: KamalValue<string>; dockerfile?: KamalValue<string>; target?: KamalValue<string>}
  diagnostics: Diagnostic[]
  error?: {file: string; line: number; message: string}
  image?: string
  roles: KamalRole[]
  service?: string
}

const TOP_KEY = (key: string): RegExp => new RegExp(`^${key}[ \\t]*:`, 'm')

/** A YAML text whose top level has Kamal's `service:` and `servers:` (a Render Blueprint has `services:`, a CF manifest `applications:`). */
export function looksLikeKamalConfig(text: string): boolean {
  return TOP_KEY('service').test(text) && TOP_KEY('servers').test(text)
}

/**
 * Whether a Kamal config is the generator's, unedited: `image: your-user/APP` or `registry: username: your-user` (Rails'
 * and `kamal init`'s placeholder), or every host the template's 192.168.0.1. Such a file is not a deployment.
 */
export function isKamalTemplate(text: string): boolean {
  if (/^image:\s*["']?your-user\//m.test(text) || /^\s+username:\s*["']?your-user["']?\s*$/m.test(text)) return true
  const hosts = [...text.matchAll(/^\s+-\s*["']?(\d+\.\d+\.\d+\.\d+)/gm)].map((m) => m[1])
  return hosts.length > 0 && hosts.every((h) => h === '192.168.0.1')
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined)
const ERB = /<%/

/**
 * The text with each ERB tag that writes nothing blanked, as Kamal's ERB render leaves it: a statement (`<% require
 * "dotenv"; Dotenv.load(".env") %>`, the line Kamal's docs put atop deploy.yml to read .env) or a comment (`<%# … %>`).
 * Spaces of the same length, newlines kept, so every line and column stays put. A tag that opens, continues or closes
 * control flow (`if`, `unless`, `elsif`, `else`, `end`, a `do`/`{` block) decides which text is written: kept, so the
 * YAML error (and its ERB note) still says the file cannot be read without rendering it. What the statement does (the
 * ENV that Dotenv.load sets) reaches only `<%= … %>` values, which stay unknown.
 */
function silentErbOut(text: string): string {
  if (!text.includes('<%')) return text
  return text.replaceAll(/<%(?!=|%)(#?)([\s\S]*?)-?%>/g, (tag, comment: string, code: string) => {
    const c = code.replace(/^-/, '').trim()
    const control = !comment && (/^(if|unless|elsif|else|end|when|case|while|until|for|begin|rescue|ensure)\b/.test(c) || /\bdo(\s*\|[^|]*\|)?$/.test(c) || /\{(\s*\|[^|]*\|)?$/.test(c) || /^\}/.test(c))
    return control ? tag : tag.replaceAll(/[^\n]/g, ' ')
  })
}

/** ActiveSupport's Hash#deep_merge!: maps merged key by key, anything else replaced by the later value. */
function deepMerge(a: unknown, b: unknown): unknown {
  if (!isObject(a) || !isObject(b)) return b === undefined ? a : b
  const out: Record<string, unknown> = {...a}
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? deepMerge(a[k], v) : v
  return out
}

const has = (v: unknown, path: YamlPath): boolean => {
  let at = v
  for (const k of path) {
    if (isObject(at) && typeof k === 'string' && k in at) at = at[k]
    else if (Array.isArray(at) && typeof k === 'number' && k < at.length) at = at[k]
    else return false
  }

  return true
}

/**
 * Read `base` (config/deploy.yml), with `destination` (config/deploy.NAME.yml) deep-merged over it as `kamal -d NAME`
 * does. Each value's file and line is the file that gave it.
 */
export function parseKamalConfig(base: {path: string; text: string}, destination?: {path: string; text: string}): KamalConfig {
  const config: KamalConfig = {builder: {args: []}, diagnostics: [], postgres: [], roles: []}
  const docs = [base, ...(destination ? [destination] : [])].map((f) => ({...f, yaml: parseYaml(silentErbOut(f.text), f.path)}))
  for (const d of docs) {
    const e = d.yaml.errors[0]
    if (e) return {...config, error: {file: d.path, line: e.line, message: `not valid YAML (${e.message})${ERB.test(d.text) ? '; Kamal renders the file as ERB first, which conncalc does not' : ''}`}}
    if (!isObject(d.yaml.value)) return {...config, error: {file: d.path, line: 1, message: 'not a Kamal config (its top level is not a map of settings)'}}
  }

  const top = docs.map((d) => d.yaml.value).reduce((a, b) => deepMerge(a, b)) as Record<string, unknown>
  // The file and line a path's value comes from: the last file that has it (deep_merge!'s later file wins).
  const at = (path: YamlPath): {file: string; line: number} => {
    const d = docs.toReversed().find((x) => has(x.yaml.value, path)) ?? docs[0]
    return {file: d.path, line: d.yaml.lineOf(path) ?? 1}
  }

  const value = <T>(v: T, path: YamlPath): KamalValue<T> => ({...at(path), value: v})
  config.service = scalar(top.service)
  config.image = scalar(top.image)
  if (top.servers === undefined || top.servers === null) return {...config, error: {...at(['servers']), message: 'servers: is empty: Kamal refuses a config with no servers ("Missing required configuration for servers")'}}

  const env = readEnv(top.env, ['env'], at)
  const builder = isObject(top.builder) ? top.builder : {}
  for (const key of ['dockerfile', 'context', 'target'] as const) {
    const s = scalar(builder[key])
    if (s !== undefined && s.trim() !== '') config.builder[key] = value(s.trim(), ['builder', key])
  }

  if (isObject(builder.args)) {
    for (const [name, raw] of Object.entries(builder.args)) {
      const s = scalar(raw)
      if (s !== undefined && !ERB.test(s)) config.builder.args.push({name, source: fromEnv(name, `${at(['builder', 'args', name]).file}:${at(['builder', 'args', name]).line} (builder args)`), value: s})
    }
  }

  const roles: [string, unknown, YamlPath][] = Array.isArray(top.servers) ? [['web', top.servers, ['servers']]] : isObject(top.servers) ? Object.entries(top.servers).map(([n, v]) => [n, v, ['servers', n]]) : []
  if (roles.length === 0) return {...config, error: {...at(['servers']), message: 'servers: is neither a list of hosts nor a map of roles'}}
  for (const [name, spec, path] of roles) {
    const hostList = Array.isArray(spec) ? spec : isObject(spec) ? (Array.isArray(spec.hosts) ? spec.hosts : spec.hosts === undefined || spec.hosts === null ? [] : [spec.hosts]) : spec === undefined || spec === null ? [] : [spec]
    const hosts = new Set<string>()
    const notes: string[] = []
    let erb = 0
    let tagged = 0
    for (const h of hostList) {
      const host = isObject(h) ? Object.keys(h)[0] : scalar(h)
      if (host === undefined) continue
      if (isObject(h)) tagged++
      if (ERB.test(host)) erb++
      hosts.add(host)
    }

    if (erb > 0) notes.push(`${erb === 1 ? 'a host is' : `${erb} hosts are`} ERB (\`<%= … %>\`), rendered by Kamal: counted as one host each`)
    if (tagged > 0 && isObject(top.env) && top.env.tags !== undefined) notes.push('its tagged hosts take env.tags values of their own, not read')
    const own = isObject(spec) ? readEnv(spec.env, [...path, 'env'], at) : {clear: [], secrets: [], unknown: []}
    const clear = new Map(env.clear.map((e) => [e.name, e]))
    for (const e of own.clear) clear.set(e.name, e)
    const cmd = isObject(spec) ? scalar(spec.cmd) : undefined
    // A role's `options:` become `docker run --KEY VALUE` (kamal configuration/role.rb option_args).
    const options = isObject(spec) && isObject(spec.options) ? spec.options : {}
    const cpus = scalar(options.cpus)
    const cpuset = scalar(options['cpuset-cpus'])
    config.roles.push({
      ...(cpus !== undefined && !ERB.test(cpus) ? {cpus: value(cpus.trim(), [...path, 'options', 'cpus'])} : {}),
      ...(cpuset !== undefined && !ERB.test(cpuset) ? {cpuset: value(cpuset.trim(), [...path, 'options', 'cpuset-cpus'])} : {}),
      ...(cmd !== undefined && cmd.trim() !== '' ? {cmd: value(cmd.trim(), [...path, 'cmd'])} : {}),
      env: [...clear.values()].filter((e) => !own.secrets.includes(e.name)),
      envUnknown: [...new Set([...env.unknown, ...own.unknown])],
      ...at(path),
      hosts: hosts.size,
      name,
      notes,
      secrets: [...new Set([...env.secrets, ...own.secrets])],
    })
  }

  // Accessories (kamal configuration/accessory.rb): containers Kamal runs beside the app from an image of their own.
  if (isObject(top.accessories)) {
    for (const [name, spec] of Object.entries(top.accessories)) {
      const image = isObject(spec) ? scalar(spec.image) : undefined
      if (image === undefined || !POSTGRES_IMAGE.test(image.trim())) continue
      const host = isObject(spec) ? scalar(spec.host) : undefined
      const cmd = isObject(spec) ? scalar(spec.cmd) : undefined
      const max = cmd === undefined ? undefined : /(?:-c\s*|--)max[_-]connections=(\d+)\b/.exec(cmd)
      config.postgres.push({
        ...at(['accessories', name]),
        ...(host !== undefined && !ERB.test(host) ? {host} : {}),
        image: image.trim(),
        ...(max ? {maxConnections: value(Number(max[1]), ['accessories', name, 'cmd'])} : {}),
        name,
      })
    }
  }

  return config
}

/** PostgreSQL server images: the official one and the common builds of it (pgvector, PostGIS, TimescaleDB, Supabase's, Bitnami's). */
const POSTGRES_IMAGE = /^(?:[\w.-]+(?::\d+)?\/)?(?:library\/)?(?:postgres|(?:pgvector|ankane)\/pgvector|postgis\/postgis|timescale\/timescaledb(?:-ha)?|supabase\/postgres|bitnami\/postgresql|paradedb\/paradedb)(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?$/

/** An `env:` map: `clear:` and `secret:`, or (with neither, nor `tags:`) all clear (Kamal::Configuration::Env#initialize). */
function readEnv(raw: unknown, path: YamlPath, at: (p: YamlPath) => {file: string; line: number}): {clear: EnvEntry[]; secrets: string[]; unknown: string[]} {
  const out = {clear: [] as EnvEntry[], secrets: [] as string[], unknown: [] as string[]}
  if (!isObject(raw)) return out
  const split = 'clear' in raw || 'secret' in raw || 'tags' in raw
  const clear = split ? raw.clear : raw
  const clearPath = split ? [...path, 'clear'] : path
  if (isObject(clear)) {
    for (const [name, v] of Object.entries(clear)) {
      const s = scalar(v)
      if (s === undefined) continue
      if (ERB.test(s)) {
        out.unknown.push(name)
        continue
      }

      const where = at([...clearPath, name])
      out.clear.push({name, source: fromEnv(name, `${where.file}:${where.line} (Kamal env clear)`), value: s})
    }
  }

  if (split && Array.isArray(raw.secret)) for (const s of raw.secret) if (typeof s === 'string') out.secrets.push(s.split(':')[0].trim())
  return out
}
