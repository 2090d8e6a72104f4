/**
 * Cargo's files: Cargo.lock, read line by line (Cargo writes it in one fixed shape: `[[package]]` then
 * `name = "…"` and `version = "…"` lines), and Cargo.toml, parsed with smol-toml (loaded only for a
 * Rust app) for the keys conncalc needs — the package name, `[[bin]]` names and paths, workspace
 * members, and the names (and `path`s) of `[dependencies]`, `[target.*.dependencies]` and
 * `[workspace.dependencies]`. Dev- and build-dependencies are not linked into the binary and are left out.
 */
import type {FileReader} from '../../model/files.js'

/** Crate name → locked version (the highest when several versions are locked). */
export function cargoLock(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let name: string | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '[[package]]') name = undefined
    const n = /^name\s*=\s*"([^"]+)"/.exec(line)
    if (n) name = n[1]
    const v = /^version\s*=\s*"([^"]+)"/.exec(line)
    if (v && name) {
      const had = out.get(name)
      if (!had || compareVersions(v[1], had) > 0) out.set(name, v[1])
    }
  }

  return out
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0)
  const pb = b.split(/[.+-]/).map((x) => Number.parseInt(x, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }

  return 0
}

export interface CargoDependency {
  line: number
  name: string
  /** The folder of a path dependency, relative to the app root. */
  path?: string
  /** `{ workspace = true }`: the workspace's own entry decides (a path when it is a member). */
  workspace?: boolean
}

export interface CargoPackage {
  bins: {name: string; path?: string}[]
  dependencies: CargoDependency[]
  /** The folder of this Cargo.toml, relative to the app root ('' for the root). */
  dir: string
  /** The file is not valid TOML: nothing in it was read. */
  error?: {line: number; message: string}
  file: string
  name?: string
  workspaceDependencies: CargoDependency[]
  workspaceMembers: string[]
}

const join = (dir: string, rel: string): string => {
  const parts = (dir ? `${dir}/${rel}` : rel).split('/')
  const out: string[] = []
  for (const p of parts) {
    if (p === '' || p === '.') continue
    if (p === '..') out.pop()
    else out.push(p)
  }

  return out.join('/')
}

/** smol-toml's parse, loaded once a Rust app is read (the only callers are the Rust analyzer's). */
export type TomlParse = (text: string) => unknown
export async function loadTomlParser(): Promise<TomlParse> {
  const {parse} = await import('smol-toml')
  return parse
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** The line where `[section]`'s key (or the `[section.key]` table) is written: for sources, never for values. */
function keyLine(lines: string[], section: string, key: string): number {
  const esc = (k: string): string => k.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const header = new RegExp(`^\\s*\\[\\s*${esc(section)}\\.["']?${esc(key)}["']?\\s*\\]`)
  const own = new RegExp(`^\\s*["']?${esc(key)}["']?\\s*[.=]`)
  let current = ''
  for (const [i, raw] of lines.entries()) {
    if (header.test(raw)) return i + 1
    const h = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?/.exec(raw)
    if (h) current = h[1].replaceAll(/["'\s]/g, '')
    else if (current === section.replaceAll(/["'\s]/g, '') && own.test(raw)) return i + 1
  }

  return 1
}

/**
 * A Cargo.toml's package, bins, dependencies and workspace, or undefined when there is none. Parsed with
 * smol-toml (TOML 1.0: inline tables over several lines, dotted keys, `[target.'cfg(…)'.dependencies]`);
 * a file that is not valid TOML gives the package with nothing in it and `error` set, said by the caller.
 */
export function cargoToml(files: FileReader, dir: string, parse: TomlParse): CargoPackage | undefined {
  const file = dir ? `${dir}/Cargo.toml` : 'Cargo.toml'
  // Every process type of the app reads the same manifests: each is parsed once per run.
  let cache = MANIFESTS.get(files)
  if (!cache) MANIFESTS.set(files, (cache = new Map()))
  if (cache.has(file)) return cache.get(file)
  const pkg = readManifest(files, dir, file, parse)
  cache.set(file, pkg)
  return pkg
}

const MANIFESTS = new WeakMap<FileReader, Map<string, CargoPackage | undefined>>()

function readManifest(files: FileReader, dir: string, file: string, parse: TomlParse): CargoPackage | undefined {
  const text = files.read(file)?.text
  if (text === undefined) return undefined
  const pkg: CargoPackage = {bins: [], dependencies: [], dir, file, workspaceDependencies: [], workspaceMembers: []}
  let data: unknown
  try {
    data = parse(text)
  } catch (error) {
    const e = error as {line?: number; message?: string}
    pkg.error = {line: typeof e.line === 'number' ? e.line : 1, message: `not valid TOML (${(e.message ?? String(error)).split('\n')[0]})`}
    return pkg
  }

  if (!isTable(data)) return pkg
  const lines = text.split(/\r?\n/)
  if (isTable(data.package) && typeof data.package.name === 'string') pkg.name = data.package.name
  for (const b of Array.isArray(data.bin) ? data.bin : []) {
    if (!isTable(b)) continue
    pkg.bins.push({name: typeof b.name === 'string' ? b.name : '', ...(typeof b.path === 'string' ? {path: b.path} : {})})
  }

  const deps = (table: unknown, section: string, into: CargoDependency[]): void => {
    if (!isTable(table)) return
    for (const [name, spec] of Object.entries(table)) {
      const dep: CargoDependency = {line: keyLine(lines, section, name), name}
      if (isTable(spec)) {
        if (typeof spec.path === 'string') dep.path = join(dir, spec.path)
        if (spec.workspace === true) dep.workspace = true
        // `package = "real-name"`: the crate is linked under another name; the lock knows the real one.
        if (typeof spec.package === 'string') dep.name = spec.package
      }

      into.push(dep)
    }
  }

  // Dev- and build-dependencies are not linked into the binary: left out.
  deps(data.dependencies, 'dependencies', pkg.dependencies)
  if (isTable(data.target)) {
    for (const [cfg, t] of Object.entries(data.target)) if (isTable(t)) deps(t.dependencies, `target.${cfg}.dependencies`, pkg.dependencies)
  }

  if (isTable(data.workspace)) {
    pkg.workspaceMembers.push(...strings(data.workspace.members))
    deps(data.workspace.dependencies, 'workspace.dependencies', pkg.workspaceDependencies)
  }

  return pkg
}

/** The workspace's member folders (`crates/*` expanded one level), the root included when it is a package. */
export function workspacePackages(files: FileReader, root: CargoPackage, parse: TomlParse): CargoPackage[] {
  const out: CargoPackage[] = root.name === undefined ? [] : [root]
  for (const member of root.workspaceMembers) {
    const dirs = member.endsWith('/*') ? files.folders(member.slice(0, -2)).map((d) => `${member.slice(0, -2)}/${d}`) : [member]
    for (const d of dirs) {
      const p = cargoToml(files, d, parse)
      if (p) out.push(p)
    }
  }

  return out
}
