/**
 * Cloud Foundry's app manifest, manifest.yml (`cf push` reads it from the app's folder, or `-f FILE`;
 * https://docs.cloudfoundry.org/devguide/deploy-apps/manifest-attributes.html): `applications[]`, each with
 * `name`, `command` (the start command, in place of the buildpack's or the Procfile's web), `instances`
 * ("By default, cf push deploys one instance"), `memory`, `env` (its environment variables), `buildpacks`
 * (or the older `buildpack`), `path` (the app's folder), `docker.image`, and CAPI v3 `processes[]`
 * (`type`, `command`, `instances`, `memory`: one process type each,
 * https://docs.cloudfoundry.org/devguide/multiple-processes.html). cf CLI 6 also took these attributes at
 * the top level for every application; they are read as such. `((name))` is a variable `cf push --var`/
 * `--vars-file` fills in: unknown here. Pure: text in, data out; procfile/platform-manifest.ts makes process types of it.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {parseYaml, type YamlPath} from '../util/yaml.js'
import {isObject} from '../util/objects.js'

export const CF_MANIFEST_REF = 'https://docs.cloudfoundry.org/devguide/deploy-apps/manifest-attributes.html'
export const CF_PROCESSES_REF = 'https://docs.cloudfoundry.org/devguide/multiple-processes.html'

export interface CfValue<T> {
  line: number
  value: T
}

export interface CfProcess {
  command?: CfValue<string>
  instances?: CfValue<number>
  /** `instances: ((n))` or another value that is not a whole number. */
  instancesUnknown?: CfValue<string>
  line: number
  memory?: CfValue<string>
  type: string
}

export interface CfApplication {
  buildpacks: string[]
  /** The app's web process, and any other process types `processes:` lists. */
  processes: CfProcess[]
  docker?: string
  env: EnvEntry[]
  /** Env values conncalc cannot know (`((var))`): names. */
  envUnknown: string[]
  line: number
  name: string
  /** `path:`: the app's folder, from the manifest's ('' the same). */
  path: string
}

export interface CfManifest {
  applications: CfApplication[]
  diagnostics: Diagnostic[]
  error?: {line: number; message: string}
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined)
const VARIABLE = /\(\([\w.-]+\)\)/

/**
 * A YAML text whose top level lists `applications`: a Cloud Foundry manifest (a Render Blueprint lists `services`). The
 * top level is the indentation of the first key: YAML lets a document indent its whole mapping (`---` then
 * `  applications:`, as GSA-TTS/all_sorns's .cloud-gov manifests do), and cf push reads it the same.
 */
export function looksLikeCfManifest(text: string): boolean {
  const indent = /^(?![ \t]*(?:#|---|\.\.\.|%|$))([ ]*)\S/m.exec(text)?.[1] ?? ''
  const topKey = (key: string): boolean => text.split('\n').some((line) => line.startsWith(`${indent}${key}`) && /^\s*:/.test(line.slice(indent.length + key.length)))
  return topKey('applications') && !topKey('services')
}

export function parseCfManifest(text: string, path = 'manifest.yml'): CfManifest {
  const yaml = parseYaml(text, path)
  const none: CfManifest = {applications: [], diagnostics: []}
  if (yaml.errors.length > 0) return {...none, error: {line: yaml.errors[0].line, message: `not valid YAML (${yaml.errors[0].message})`}}
  if (!isObject(yaml.value) || !Array.isArray(yaml.value.applications)) return {...none, error: {line: 1, message: 'not a Cloud Foundry manifest: it has no `applications:` list'}}
  const top = yaml.value
  const at = (p: YamlPath, fallback = 1): number => yaml.lineOf(p) ?? fallback
  const diagnostics: Diagnostic[] = []
  const applications: CfApplication[] = []
  // An attribute of the application, else the manifest's top level (cf CLI 6).
  const attr = (app: Record<string, unknown>, base: YamlPath, key: string): {line: number; value: unknown} | undefined => {
    if (app[key] !== undefined) return {line: at([...base, key]), value: app[key]}
    if (top[key] !== undefined) return {line: at([key]), value: top[key]}
    return undefined
  }

  const text_ = (v: {line: number; value: unknown} | undefined): CfValue<string> | undefined => {
    const s = scalar(v?.value)
    return v && s !== undefined && s.trim() !== '' ? {line: v.line, value: s.trim()} : undefined
  }

  const count = (v: {line: number; value: unknown} | undefined): Pick<CfProcess, 'instances' | 'instancesUnknown'> => {
    if (!v) return {}
    if (typeof v.value === 'number' && Number.isInteger(v.value) && v.value >= 0) return {instances: {line: v.line, value: v.value}}
    if (typeof v.value === 'string' && /^\d+$/.test(v.value.trim())) return {instances: {line: v.line, value: Number(v.value)}}
    return {instancesUnknown: {line: v.line, value: scalar(v.value) ?? String(v.value)}}
  }

  for (const [i, app] of yaml.value.applications.entries()) {
    const base: YamlPath = ['applications', i]
    if (!isObject(app)) continue
    const line = at(base)
    const name = scalar(app.name)?.trim() || `application ${i + 1}`
    const env: EnvEntry[] = []
    const envUnknown: string[] = []
    for (const [from, envBase] of [[top.env, ['env']], [app.env, [...base, 'env']]] as const) {
      if (!isObject(from)) continue
      for (const [key, raw] of Object.entries(from)) {
        const value = scalar(raw)
        if (value === undefined) continue
        const idx = env.findIndex((e) => e.name === key)
        if (idx !== -1) env.splice(idx, 1)
        if (VARIABLE.test(value)) envUnknown.push(key)
        else env.push({name: key, source: fromEnv(key, `${path}:${at([...envBase, key])} (${name} env)`), value})
      }
    }

    const buildpacks = [app.buildpacks ?? top.buildpacks, app.buildpack ?? top.buildpack].flatMap((b) => (Array.isArray(b) ? b : b === undefined ? [] : [b])).map((b) => scalar(b) ?? '').filter(Boolean)
    const docker = isObject(app.docker) ? scalar(app.docker.image) : undefined
    const processes: CfProcess[] = []
    if (Array.isArray(app.processes)) {
      for (const [j, p] of app.processes.entries()) {
        const pBase: YamlPath = [...base, 'processes', j]
        if (!isObject(p) || !scalar(p.type)) continue
        const command = text_(p.command === undefined ? undefined : {line: at([...pBase, 'command']), value: p.command})
        const memory = text_(p.memory === undefined ? undefined : {line: at([...pBase, 'memory']), value: p.memory})
        processes.push({line: at(pBase), type: scalar(p.type)!.trim(), ...(command ? {command} : {}), ...(memory ? {memory} : {}), ...count(p.instances === undefined ? undefined : {line: at([...pBase, 'instances']), value: p.instances})})
      }
    }

    // The application's own attributes are its web process's (`processes` may list web with more).
    const webAt = processes.findIndex((p) => p.type === 'web')
    const command = text_(attr(app, base, 'command'))
    const memory = text_(attr(app, base, 'memory'))
    const web: CfProcess = {line, type: 'web', ...(command ? {command} : {}), ...(memory ? {memory} : {}), ...count(attr(app, base, 'instances'))}
    if (webAt === -1) processes.unshift(web)
    else processes[webAt] = {...web, ...processes[webAt]}
    applications.push({buildpacks, ...(docker ? {docker} : {}), env, envUnknown, line, name, path: (scalar(app.path) ?? '').replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, ''), processes})
  }

  if (top.inherit !== undefined) diagnostics.push({code: 'missing-config', file: path, line: at(['inherit']), message: `${path}: inherit: is not read (cf CLI 6 only; cf CLI 7 and later refuse it): what the parent manifest sets is not known here`, severity: 'warning'})
  return {applications, diagnostics}
}
