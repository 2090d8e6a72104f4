/**
 * Fly.io's app configuration, fly.toml (https://fly.io/docs/reference/configuration/): the process groups
 * Fly runs and the env it gives them. Pure: text in, data out; procfile/platform-manifest.ts makes process
 * types of it.
 *
 * - `[processes]`: group name → command; without it every Machine is the default group `app`, running the
 *   image's CMD (or `[experimental] cmd`) (https://fly.io/docs/apps/processes/).
 * - `[env]`: plain env vars, given to every group.
 * - `[deploy] release_command`: run once per deploy in a temporary Machine.
 * - `[build]`: `dockerfile` (default Dockerfile), `image` (prebuilt), `builder`/`buildpacks`.
 * - How many Machines run is not in the file: `fly scale count` sets it. `[http_service]` /
 *   `[[services]]` `min_machines_running` is how many Fly keeps running when it stops idle ones.
 * - `[[vm]]` (or the older single `[vm]`): the Machine size, `size` (a preset: shared-cpu-Nx has N shared
 *   vCPUs, performance-Nx N dedicated ones, https://fly.io/docs/about/pricing/#machines) and/or `cpus`,
 *   for the groups in its `processes` (none: every group; a later section wins). Without one, `fly deploy`
 *   keeps an existing Machine's size and a new app's Machines are shared-cpu-1x (FLY_VM_REF).
 *
 * TOML is parsed with smol-toml (a TOML 1.0 parser), loaded only when an app has a fly.toml. Lines come
 * from `tomlKeyLine`, which finds where a key the parser returned was written.
 */
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {isObject} from '../util/objects.js'

export const FLY_TOML_REF = 'https://fly.io/docs/reference/configuration/'
export const FLY_PROCESSES_REF = 'https://fly.io/docs/apps/processes/'
/** "Machine size configuration precedence": [[vm]] in fly.toml, else existing Machines' size, else shared-cpu-1x. */
export const FLY_VM_REF = 'https://fly.io/docs/apps/scale-machine/'
/** The Machine presets: shared-cpu-Nx and performance-Nx have N vCPUs. */
export const FLY_SIZES_REF = 'https://fly.io/docs/about/pricing/#machines'

/** One `[[vm]]` section: the size it sets, for which groups. */
export interface FlyVm {
  cpus?: {line: number; value: number}
  line: number
  /** Undefined: every group. */
  processes?: string[]
  size?: {line: number; value: string}
}

export interface FlyToml {
  /** [build]: `build-target` is the Dockerfile stage built (flyctl's DockerBuildTarget), `[build.args]` its build args. */
  build: {args: EnvEntry[]; builder?: string; dockerfile?: string; image?: string; target?: string}
  /** `[experimental] cmd`: the default group's command instead of the image's CMD. */
  cmd?: {line: number; text: string}
  env: EnvEntry[]
  error?: {line: number; message: string}
  /** min_machines_running per group, from `[http_service]` and `[[services]]` (their `processes`, default ["app"]). */
  minRunning: Map<string, {line: number; value: number}>
  processes: {command: string; line: number; name: string}[]
  release?: {line: number; text: string}
  /** Groups with a service (Fly's first deploy gives each 2 Machines for redundancy when it has no volume). */
  served: Set<string>
  /** `[[vm]]` sections in file order (a single `[vm]` table is one). */
  vms: FlyVm[]
}

const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : undefined)
/** A command written as a string, or as an array of arguments (`["bin/rails", "server"]`). */
const commandOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && v.every((a) => typeof a === 'string') ? v.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ') : undefined

export async function parseFlyToml(text: string, path = 'fly.toml'): Promise<FlyToml> {
  const empty: FlyToml = {build: {args: []}, env: [], minRunning: new Map(), processes: [], served: new Set(), vms: []}
  let data: unknown
  try {
    const {parse} = await import('smol-toml')
    data = parse(text)
  } catch (error) {
    const e = error as {line?: number; message?: string}
    return {...empty, error: {line: typeof e.line === 'number' ? e.line : 1, message: `not valid TOML (${(e.message ?? String(error)).split('\n')[0]})`}}
  }

  if (!isObject(data)) return empty
  const line = (table: string, key?: string): number => tomlKeyLine(text, table, key)
  const fly: FlyToml = {...empty, minRunning: new Map(), served: new Set(), vms: []}
  if (isObject(data.build)) {
    for (const k of ['builder', 'dockerfile', 'image'] as const) {
      const v = scalar(data.build[k])
      if (v) fly.build[k] = v
    }

    const target = scalar(data.build['build-target'])?.trim()
    if (target) fly.build.target = target
    if (isObject(data.build.args)) {
      for (const [name, v] of Object.entries(data.build.args)) {
        const value = scalar(v)
        if (value !== undefined) fly.build.args.push({name, source: fromEnv(name, `${path}:${tomlKeyLine(text, 'build.args', name)} ([build.args])`), value})
      }
    }
  }

  if (isObject(data.env)) {
    for (const [name, v] of Object.entries(data.env)) {
      const value = scalar(v)
      if (value !== undefined) fly.env.push({name, source: fromEnv(name, `${path}:${line('env', name)} ([env])`), value})
    }
  }

  if (isObject(data.processes)) {
    for (const [name, v] of Object.entries(data.processes)) {
      const command = commandOf(v)
      if (command !== undefined) fly.processes.push({command, line: line('processes', name), name})
    }
  }

  const cmd = isObject(data.experimental) ? commandOf(data.experimental.cmd) : undefined
  if (cmd) fly.cmd = {line: line('experimental', 'cmd'), text: cmd}
  const release = isObject(data.deploy) ? scalar(data.deploy.release_command) : undefined
  if (release?.trim()) fly.release = {line: line('deploy', 'release_command'), text: release}
  const services: [string, unknown][] = [['http_service', data.http_service], ...(Array.isArray(data.services) ? data.services.map((s): [string, unknown] => ['services', s]) : [])]
  for (const [table, s] of services) {
    if (!isObject(s)) continue
    const groups = Array.isArray(s.processes) ? s.processes.filter((p): p is string => typeof p === 'string') : ['app']
    const min = s.min_machines_running
    for (const g of groups) {
      fly.served.add(g)
      if (typeof min === 'number' || typeof min === 'bigint') {
        const value = Number(min)
        if (value > (fly.minRunning.get(g)?.value ?? -1)) fly.minRunning.set(g, {line: line(table, 'min_machines_running'), value})
      }
    }
  }

  const vms = Array.isArray(data.vm) ? data.vm : data.vm === undefined ? [] : [data.vm]
  for (const [i, v] of vms.entries()) {
    if (!isObject(v)) continue
    const vm: FlyVm = {line: tomlKeyLine(text, 'vm', undefined, i)}
    if (typeof v.size === 'string' && v.size.trim()) vm.size = {line: tomlKeyLine(text, 'vm', 'size', i), value: v.size.trim().toLowerCase()}
    const cpus = typeof v.cpus === 'bigint' ? Number(v.cpus) : v.cpus
    if (typeof cpus === 'number' && Number.isInteger(cpus) && cpus > 0) vm.cpus = {line: tomlKeyLine(text, 'vm', 'cpus', i), value: cpus}
    if (Array.isArray(v.processes)) vm.processes = v.processes.filter((p): p is string => typeof p === 'string')
    fly.vms.push(vm)
  }

  return fly
}

/** shared-cpu-Nx, performance-Nx: N vCPUs (FLY_SIZES_REF). */
export const flyPresetCpus = (size: string): number | undefined => {
  const m = /^(?:shared-cpu|performance)-(\d+)x$/.exec(size)
  return m ? Number(m[1]) : undefined
}

/**
 * The Machine size fly.toml gives `group`: each key from the last `[[vm]]` that names the group or names
 * none (flyctl applies a section with no `processes` to every group, one with `processes` to those).
 */
export function flyVmOf(fly: FlyToml, group: string): {cpus?: FlyVm['cpus']; size?: FlyVm['size']} | undefined {
  let found: {cpus?: FlyVm['cpus']; size?: FlyVm['size']} | undefined
  for (const vm of fly.vms) {
    if (vm.processes && !vm.processes.includes(group)) continue
    found = {...found, ...(vm.size ? {size: vm.size} : {}), ...(vm.cpus ? {cpus: vm.cpus} : {})}
  }

  return found
}

/**
 * The 1-based line where `key` is set in `[table]` (or `[[table]]`), else where the table starts, else 1.
 * Reads TOML's line structure only: table headers, `key =` (bare or quoted), `table.key =` at the top,
 * and skips multi-line strings. The values themselves come from the parser.
 */
export function tomlKeyLine(text: string, table: string, key?: string, index?: number): number {
  const lines = text.split(/\r?\n/)
  let current = ''
  let header: number | undefined
  // Which `[[table]]` this is (0 the first): with an index, keys are looked for in that one only.
  let seen = -1
  let inString: string | undefined
  const quoted = (k: string): string => `(?:${k.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}|"${k}"|'${k}')`
  const keyAt = key === undefined ? undefined : new RegExp(`^\\s*${quoted(key)}\\s*=`)
  const dotted = key === undefined ? undefined : new RegExp(`^\\s*${quoted(table)}\\s*\\.\\s*${quoted(key)}\\s*=`)
  for (const [i, raw] of lines.entries()) {
    if (inString) {
      if (raw.includes(inString)) inString = undefined
      continue
    }

    const h = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(raw)
    if (h) {
      current = h[1].replaceAll(/["']/g, '')
      if (current === table) seen++
      if (current === table && (index === undefined || seen === index) && header === undefined) header = i + 1
    } else if (keyAt && current === table && (index === undefined || seen === index) && keyAt.test(raw)) {
      return i + 1
    } else if (dotted && current === '' && !index && dotted.test(raw)) {
      return i + 1
    }

    const triple = /("""|''')/.exec(raw)
    if (triple && raw.split(triple[1]).length === 2) inString = triple[1]
  }

  return header ?? 1
}
