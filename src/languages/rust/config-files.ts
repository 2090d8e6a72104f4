/**
 * Settings a Rust app loads with the `config` crate or Figment from a file it ships (`config/default.toml` through
 * `File::with_name`, `include_str!("../config.default.toml")` into a Figment), deserialized into a struct whose fields
 * the pool code reads (`.max_connections(settings.database.pool)`, `cfg.db_pool_max_size`). No code sets such a field,
 * so rust-code.ts's field reading asks here: the key path is the field chain after its root (`database.pool`), looked
 * up in the files the code names. An environment variable with the prefix the code gives (`Env::prefixed("SVIX_")`,
 * `Environment::with_prefix("APP")`) overrides it, as both crates merge the environment over the files.
 * Loaded only for an app whose Cargo.lock has `config` or `figment`.
 *
 * config-rs (https://docs.rs/config/latest/config/struct.File.html#method.with_name): `File::with_name("config/default")`
 * tries each supported extension; paths are relative to the process's working directory (the app folder here).
 * `include_str!` is relative to the file that names it (https://doc.rust-lang.org/std/macro.include_str.html).
 */
import {posix} from 'node:path'

import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'

export interface RustConfigFile {
  data: Record<string, unknown>
  path: string
  text: string
}

export interface RustConfigSources {
  files: RustConfigFile[]
  /** Env var prefixes the code gives the crate's environment source (`SVIX_`, `APP_`). */
  prefixes: string[]
}

export interface RustConfigValue {
  /** The environment variable that set it, when one did. */
  env?: {name: string; value: string}
  file: string
  line: number
  /** The variables that would override the file's value, none of them set here. */
  overriddenBy: string[]
  value: number
}

const EXTENSIONS = ['toml', 'yaml', 'yml', 'json']

/** The config files the Rust code names (string literals, `include_str!`, `File::with_name`) and its env prefixes. */
export async function rustConfigSources(files: FileReader, rsPaths: readonly string[]): Promise<RustConfigSources> {
  const found = new Map<string, RustConfigFile>()
  const prefixes = new Set<string>()
  const tryPath = async (path: string): Promise<void> => {
    const p = posix.normalize(path)
    if (p.startsWith('..') || p.startsWith('/') || found.has(p) || /(^|\/)Cargo\.(toml|lock)$/.test(p)) return
    const text = files.read(p)?.text
    if (text === undefined) return
    const data = await parseConfig(p, text)
    if (data) found.set(p, {data, path: p, text})
  }

  for (const rs of rsPaths) {
    const text = files.read(rs)?.text
    if (!text || !/\b(?:config|figment)::|\bFigment\b|\bConfig::builder\b|File::with_name/.test(text)) continue
    for (const m of text.matchAll(/include_str!\(\s*"([^"]+\.(?:toml|ya?ml|json))"\s*\)/g)) await tryPath(posix.join(posix.dirname(rs), m[1]))
    for (const m of text.matchAll(/"((?:\.\/)?[\w./-]+\.(?:toml|ya?ml|json))"/g)) await tryPath(m[1])
    for (const m of text.matchAll(/with_name\(\s*"([\w./-]+)"\s*\)/g)) for (const ext of EXTENSIONS) await tryPath(/\.\w+$/.test(m[1]) ? m[1] : `${m[1]}.${ext}`)
    for (const m of text.matchAll(/(?:Env::prefixed|Environment::with_prefix)\(\s*"([\w-]+)"\s*\)/g)) prefixes.add(m[1])
  }

  return {files: [...found.values()], prefixes: [...prefixes]}
}

async function parseConfig(path: string, text: string): Promise<Record<string, unknown> | undefined> {
  try {
    if (path.endsWith('.toml')) return (await import('smol-toml')).parse(text) as Record<string, unknown>
    if (path.endsWith('.json')) return JSON.parse(text) as Record<string, unknown>
    const v = (await import('yaml')).parse(text) as unknown
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * The number a field chain's keys (`['database', 'pool']`) have in the config files, the longest key path first (a chain
 * `self.config.database.pool` whose root is not the settings struct), one segment alone only for a one-field chain.
 */
export function rustConfigValue(sources: RustConfigSources, keys: readonly string[], env: Env): RustConfigValue | undefined {
  for (let from = 0; from < keys.length; from++) {
    const path = keys.slice(from)
    if (path.length === 1 && keys.length > 1) break
    const numberIn = (f: RustConfigFile): number | undefined => {
      let cur: unknown = f.data
      for (const k of path) cur = cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Record<string, unknown>)[k] : undefined
      return typeof cur === 'number' ? cur : typeof cur === 'string' && /^\s*\d+\s*$/.test(cur) ? Number(cur) : undefined
    }

    // Files layered one over another (`config/default` then `config/production`) each with its own number: which one
    // the app ends with depends on the order its code adds them, which is not read here, so the value is not known.
    if (new Set(sources.files.map(numberIn).filter((n) => n !== undefined)).size > 1) return undefined
    for (const f of sources.files) {
      const n = numberIn(f)
      if (n === undefined) continue
      const names = sources.prefixes.flatMap((p) => {
        const pre = p.endsWith('_') ? p : `${p}_`
        return [...new Set([`${pre}${path.join('__')}`.toUpperCase(), `${pre}${path.join('_')}`.toUpperCase()])]
      })
      const set = names.map((name) => ({name, e: env.get(name)})).find((x) => x.e !== undefined && /^\s*\d+\s*$/.test(x.e.value))
      const line = lineOf(f.text, path)
      if (set) return {env: {name: set.name, value: set.e!.value}, file: f.path, line, overriddenBy: [], value: Number(set.e!.value)}
      return {file: f.path, line, overriddenBy: names, value: n}
    }
  }

  return undefined
}

/** The line of a key's last segment, after its table header (`[database]`, `database:`) when there is one. */
function lineOf(text: string, path: readonly string[]): number {
  const lines = text.split('\n')
  const last = path.at(-1)!
  const esc = (s: string): string => s.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
  let start = 0
  if (path.length > 1) {
    const header = new RegExp(`^\\s*(?:\\[\\s*${path.slice(0, -1).map(esc).join('\\.')}\\s*\\]|"?${esc(path.at(-2)!)}"?\\s*:)\\s*(?:#.*)?$`)
    const h = lines.findIndex((l) => header.test(l))
    if (h >= 0) start = h
  }

  const key = new RegExp(`^\\s*"?${esc(last)}"?\\s*[=:]`)
  const i = lines.findIndex((l, j) => j >= start && key.test(l))
  return i >= 0 ? i + 1 : 1
}
