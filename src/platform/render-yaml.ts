/**
 * Render's Blueprint, render.yaml (https://render.com/docs/blueprint-spec): the services Render runs and
 * the config vars it gives them. Pure: text in, data out; procfile/platform-manifest.ts makes process types of it.
 *
 * - `services[]`: `type` web, pserv (private service), worker, cron, keyvalue/redis; `name`; `runtime` (or the
 *   older `env`) node, python, ruby, go, elixir, rust, docker, image, static; `startCommand` (native runtimes),
 *   `dockerCommand`/`dockerfilePath`/`dockerContext` (docker), `preDeployCommand`, `rootDir`,
 *   `numInstances` (default 1) or `scaling: {minInstances, maxInstances}` (autoscaling), `envVars`, `schedule`.
 * - `envVars[]`: `{key, value}` sets a value; `{fromGroup: NAME}` links an `envVarGroups[]` entry; `fromDatabase`,
 *   `fromService`, `generateValue`, `sync: false` give values Render fills in at deploy (none is a number here).
 *   A service's own value wins over its groups' ("If a variable is defined both in an environment group and
 *   directly on a service, the service's value takes precedence", https://render.com/docs/configure-environment-variables).
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {parseYaml, type YamlPath} from '../util/yaml.js'
import {isObject} from '../util/objects.js'

export const RENDER_YAML_REF = 'https://render.com/docs/blueprint-spec'
// "dockerContext — Build context handed to docker build — default: the directory containing the Dockerfile".
export const RENDER_DOCKER_REF = 'https://render.com/tutorials/advanced-blueprint-patterns/docker-and-image-runtimes'

/** A number of instances and where it was written. */
export interface RenderCount {
  line: number
  value: number
}

/** An envVar whose value Render fills from a database (`fromDatabase: {name, property}`). */
export interface RenderDatabaseVar {
  key: string
  line: number
  /** The database's name (a `databases:` entry, or one made in the dashboard). */
  name: string
  /** connectionString, host, port, user, password or database. */
  property: string
}

export interface RenderService {
  /** A Docker runtime: the image built from `dockerfilePath` (default ./Dockerfile in rootDir) runs `dockerCommand` or its CMD. */
  docker?: {command?: {line: number; text: string}; /** `dockerContext`: the build context (default: the Dockerfile's folder). */ context?: string; dockerfile: string}
  /** Its own `{key, value}` envVars. */
  env: EnvEntry[]
  /** Its own envVars that take a value `fromDatabase`. */
  fromDatabase: RenderDatabaseVar[]
  /** `repo:`: the repository the service's code comes from, when the Blueprint names one (default: the Blueprint's own). */
  repo?: {line: number; url: string}
  /** `fromGroup` links, in order. */
  groups: {line: number; name: string}[]
  /** A prebuilt image (`runtime: image`): what it runs is not in the repository, unless the repository's workflow builds it. */
  image?: string
  /** `dockerCommand` of a `runtime: image` service: it replaces the image's CMD. */
  imageCommand?: {line: number; text: string}
  line: number
  name: string
  numInstances?: RenderCount
  /** `plan`: the instance type (starter, standard, pro, …), lower-cased as written. */
  plan?: {line: number; value: string}
  preDeploy?: {line: number; text: string}
  /** `rootDir`: the folder its commands run in ('' the repository root). */
  rootDir: string
  runtime?: string
  scaling?: {line: number; max: number; min: number}
  schedule?: string
  start?: {line: number; text: string}
  type: string
}

/** A `databases[]` entry (Render Postgres): its name and instance type. */
export interface RenderDatabase {
  line: number
  name: string
  plan?: {line: number; value: string}
}

export interface RenderYaml {
  /** Where an envVar DATABASE_URL takes `fromDatabase` a database's connection string: the database's name. */
  databaseUrlFrom: {line: number; name: string}[]
  databases: RenderDatabase[]
  diagnostics: Diagnostic[]
  error?: {line: number; message: string}
  groups: Map<string, {entries: EnvEntry[]; fromDatabase: RenderDatabaseVar[]; line: number}>
  services: RenderService[]
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined)
const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined)

export function parseRenderYaml(text: string, path = 'render.yaml'): RenderYaml {
  const yaml = parseYaml(text, path)
  const none: RenderYaml = {databases: [], databaseUrlFrom: [], diagnostics: [], groups: new Map(), services: []}
  if (yaml.errors.length > 0) return {...none, error: {line: yaml.errors[0].line, message: `not valid YAML (${yaml.errors[0].message})`}}
  if (yaml.value === undefined || yaml.value === null) return none
  if (!isObject(yaml.value)) return {...none, error: {line: 1, message: 'not a Blueprint: the file is not a mapping of services, databases and envVarGroups'}}
  const at = (p: YamlPath, fallback = 1): number => yaml.lineOf(p) ?? fallback
  const diagnostics: Diagnostic[] = []
  const databaseUrlFrom: RenderYaml['databaseUrlFrom'] = []
  const envEntries = (list: unknown, base: YamlPath, label: string): {entries: EnvEntry[]; fromDatabase: RenderDatabaseVar[]; groups: {line: number; name: string}[]} => {
    const entries: EnvEntry[] = []
    const fromDatabase: RenderDatabaseVar[] = []
    const groups: {line: number; name: string}[] = []
    if (!Array.isArray(list)) return {entries, fromDatabase, groups}
    for (const [i, item] of list.entries()) {
      if (!isObject(item)) continue
      const line = at([...base, i])
      if (typeof item.fromGroup === 'string') groups.push({line, name: item.fromGroup})
      if (item.key === 'DATABASE_URL' && isObject(item.fromDatabase) && typeof item.fromDatabase.name === 'string') databaseUrlFrom.push({line, name: item.fromDatabase.name})
      if (typeof item.key === 'string' && isObject(item.fromDatabase) && typeof item.fromDatabase.name === 'string') {
        fromDatabase.push({key: item.key, line, name: item.fromDatabase.name, property: scalar(item.fromDatabase.property) ?? ''})
      }

      const value = scalar(item.value)
      if (typeof item.key === 'string' && value !== undefined) entries.push({name: item.key, source: fromEnv(item.key, `${path}:${at([...base, i, 'value'], line)} (${label})`), value})
    }

    return {entries, fromDatabase, groups}
  }

  // The top level, and each `projects[].environments[]` (a Blueprint's projects: each environment lists its own
  // services, databases and envVarGroups, https://render.com/docs/blueprint-spec#projects-and-environments).
  const scopes: {base: YamlPath; node: Record<string, unknown>}[] = [{base: [], node: yaml.value}]
  if (Array.isArray(yaml.value.projects)) {
    for (const [i, project] of yaml.value.projects.entries()) {
      if (!isObject(project) || !Array.isArray(project.environments)) continue
      for (const [j, environment] of project.environments.entries()) if (isObject(environment)) scopes.push({base: ['projects', i, 'environments', j], node: environment})
    }
  }

  const groups: RenderYaml['groups'] = new Map()
  for (const scope of scopes) {
    if (!Array.isArray(scope.node.envVarGroups)) continue
    for (const [i, g] of scope.node.envVarGroups.entries()) {
      if (!isObject(g) || typeof g.name !== 'string') continue
      const read = envEntries(g.envVars, [...scope.base, 'envVarGroups', i, 'envVars'], `envVarGroup ${g.name}`)
      groups.set(g.name, {entries: read.entries, fromDatabase: read.fromDatabase, line: at([...scope.base, 'envVarGroups', i])})
    }
  }

  const services: RenderService[] = []
  for (const scope of scopes) {
    const list = scope.node.services
    if (list !== undefined && !Array.isArray(list)) return {...none, error: {line: at([...scope.base, 'services']), message: '`services` is not a list'}}
  }
  for (const {base: scopeBase, i, s} of scopes.flatMap((scope) => (Array.isArray(scope.node.services) ? scope.node.services : []).map((s: unknown, i: number) => ({base: scope.base, i, s})))) {
    const base = [...scopeBase, 'services', i]
    if (!isObject(s)) continue
    const line = at(base)
    const type = scalar(s.type)
    const name = scalar(s.name)
    if (!type || !name) {
      diagnostics.push({code: 'unparsable-config', file: path, line, message: `${path}: service ${i + 1} has no ${type ? 'name' : 'type'}; not read`, severity: 'warning'})
      continue
    }

    if (services.some((x) => x.name === name)) {
      // Another environment of the project (Staging beside Production) naming the same service: one deploy's is read.
      diagnostics.push({code: 'unparsable-config', file: path, line, message: `${path}: service ${name} is declared again (another environment of the project); only the first, line ${services.find((x) => x.name === name)!.line}, is read`, severity: 'warning'})
      continue
    }

    const runtime = scalar(s.runtime) ?? scalar(s.env)
    const text = (key: string): {line: number; text: string} | undefined => {
      const v = scalar(s[key])
      return v === undefined || v.trim() === '' ? undefined : {line: at([...base, key], line), text: v}
    }

    const {entries, fromDatabase, groups: linked} = envEntries(s.envVars, [...base, 'envVars'], `service ${name} envVars`)
    const service: RenderService = {env: entries, fromDatabase, groups: linked, line, name, rootDir: (scalar(s.rootDir) ?? '').replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, ''), type}
    if (runtime) service.runtime = runtime
    const repo = scalar(s.repo)?.trim()
    if (repo) service.repo = {line: at([...base, 'repo'], line), url: repo}
    const plan = scalar(s.plan)
    if (plan?.trim()) service.plan = {line: at([...base, 'plan'], line), value: plan.trim().toLowerCase()}
    const start = text('startCommand')
    if (start) service.start = start
    const pre = text('preDeployCommand')
    if (pre) service.preDeploy = pre
    if (runtime === 'docker') {
      const command = text('dockerCommand')
      // dockerContext: the build context handed to docker build, default the Dockerfile's folder (RENDER_DOCKER_REF).
      const context = scalar(s.dockerContext)?.trim()
      service.docker = {dockerfile: scalar(s.dockerfilePath) ?? './Dockerfile', ...(command ? {command} : {}), ...(context ? {context} : {})}
    }

    if (runtime === 'image') {
      service.image = isObject(s.image) ? (scalar(s.image.url) ?? 'an image') : 'an image'
      const command = text('dockerCommand')
      if (command) service.imageCommand = command
    }
    const n = count(s.numInstances)
    if (n !== undefined) service.numInstances = {line: at([...base, 'numInstances'], line), value: n}
    else if (s.numInstances !== undefined) diagnostics.push({code: 'unparsable-config', file: path, line: at([...base, 'numInstances'], line), message: `${path}: service ${name}: numInstances is not a whole number; Render's default 1 is used`, severity: 'warning'})
    if (isObject(s.scaling)) {
      const min = count(s.scaling.minInstances)
      const max = count(s.scaling.maxInstances)
      if (max !== undefined) service.scaling = {line: at([...base, 'scaling', 'maxInstances'], line), max, min: Math.min(min ?? 1, max)}
    }

    const schedule = scalar(s.schedule)
    if (schedule) service.schedule = schedule
    services.push(service)
  }

  const databases: RenderDatabase[] = []
  for (const scope of scopes) {
    if (!Array.isArray(scope.node.databases)) continue
    for (const [i, d] of scope.node.databases.entries()) {
      if (!isObject(d) || typeof d.name !== 'string') continue
      const db: RenderDatabase = {line: at([...scope.base, 'databases', i]), name: d.name}
      const plan = scalar(d.plan)
      if (plan?.trim()) db.plan = {line: at([...scope.base, 'databases', i, 'plan'], db.line), value: plan.trim().toLowerCase()}
      databases.push(db)
    }
  }

  return {databases, databaseUrlFrom, diagnostics, groups, services}
}

/**
 * Render's instance types for services (web, private service, background worker): CPU share and memory.
 * starter … pro_ultra: https://render.com/docs/workflows-limits#instance-types-compute-specs (the compute
 * instance types, the same as services' at https://render.com/pricing); free: 0.1 CPU, 512 MB
 * (https://render.com/pricing, not re-checked here: either way it rounds up to 1 CPU).
 */
export const RENDER_INSTANCES_REF = 'https://render.com/docs/workflows-limits#instance-types-compute-specs'
const INSTANCE_TYPES: Record<string, {cpu: number; memoryMb: number}> = {
  free: {cpu: 0.1, memoryMb: 512},
  pro: {cpu: 2, memoryMb: 4096},
  pro_max: {cpu: 4, memoryMb: 16_384},
  pro_plus: {cpu: 4, memoryMb: 8192},
  pro_ultra: {cpu: 8, memoryMb: 32_768},
  standard: {cpu: 1, memoryMb: 2048},
  starter: {cpu: 0.5, memoryMb: 512},
}

/** A service's instance type as written (`pro plus`, `Pro_Plus`, `pro-plus`): its CPU share and memory, or undefined for one conncalc does not know. */
export const renderInstanceType = (plan: string): undefined | {cpu: number; memoryMb: number; name: string} => {
  const name = plan.trim().toLowerCase().replaceAll(/[\s-]+/g, '_')
  const found = Object.hasOwn(INSTANCE_TYPES, name) ? INSTANCE_TYPES[name] : undefined
  return found ? {...found, name} : undefined
}

/**
 * Render Postgres' connection limit, which follows the instance's memory: under 8 GB 100, 8 to 16 GB 200,
 * 16 to 32 GB 400, 32 GB and more 500, for the current instance types; the legacy ones (starter, standard,
 * pro, pro plus, …) have lower limits (97 / 197 / 397) that the page does not match to names.
 */
export const RENDER_POSTGRES_LIMITS_REF = 'https://render.com/tutorials/postgres-on-render/connection-limits-and-pooling'

/**
 * The connection limit of a Render Postgres instance type: the current types carry their memory in
 * their name (`basic-256mb`, `pro-8gb`, `accelerated-64gb`); `free` is under 8 GB. Anything else (a
 * legacy type) has no limit here, and why.
 */
export function renderPostgresLimit(plan: string): {limit: number; memory: string} | {why: string} {
  const name = plan.trim().toLowerCase()
  if (name === 'free') return {limit: 100, memory: 'under 8 GB'}
  const m = /^(?:basic|pro|accelerated)[-_](\d+)(mb|gb)$/.exec(name)
  if (!m) {
    return {why: `${plan} is not a current Render Postgres instance type (basic-256mb, pro-8gb, accelerated-64gb, …): a legacy type's limit is one of 97, 197 or 397, and Render's page does not say which`}
  }

  const gb = Number(m[1]) / (m[2] === 'mb' ? 1024 : 1)
  const limit = gb < 8 ? 100 : gb < 16 ? 200 : gb < 32 ? 400 : 500
  return {limit, memory: `${m[1]} ${m[2].toUpperCase()}`}
}
