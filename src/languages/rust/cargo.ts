/**
 * Cargo's files, read line by line (no TOML parser is bundled): Cargo.lock, which Cargo writes
 * in one fixed shape (`[[package]]` then `name = "…"` and `version = "…"` lines), and the few
 * Cargo.toml keys conncalc needs — the package name, `[[bin]]` names and paths, workspace
 * members, and the names (and `path`s) of `[dependencies]`. Dev- and build-dependencies are
 * not linked into the binary and are left out. A key written another way (inline tables over
 * several lines, dotted keys) is not read: the crates found are then fewer, never invented.
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

/** A Cargo.toml's package, bins, dependencies and workspace, or undefined when there is none. */
export function cargoToml(files: FileReader, dir: string): CargoPackage | undefined {
  const file = dir ? `${dir}/Cargo.toml` : 'Cargo.toml'
  const text = files.read(file)?.text
  if (text === undefined) return undefined
  const pkg: CargoPackage = {bins: [], dependencies: [], dir, file, workspaceDependencies: [], workspaceMembers: []}
  let section = ''
  let tableDep: CargoDependency | undefined
  let inMembers = false
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\s+#.*$/, '').trim()
    if (line.startsWith('#')) continue
    if (inMembers) {
      for (const m of line.matchAll(/"([^"]+)"/g)) pkg.workspaceMembers.push(m[1])
      if (line.includes(']')) inMembers = false
      continue
    }

    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line)
    if (header) {
      section = header[1].trim()
      tableDep = undefined
      if (section === 'bin') pkg.bins.push({name: ''})
      // [dependencies.sqlx] / [target.'cfg(unix)'.dependencies.sqlx]
      const dep = /(?:^|\.)(dependencies|workspace\.dependencies)\.([\w-]+)$/.exec(section)
      if (dep && !/(^|\.)(dev|build)-dependencies/.test(section)) {
        tableDep = {line: i + 1, name: dep[2]}
        ;(dep[1] === 'dependencies' ? pkg.dependencies : pkg.workspaceDependencies).push(tableDep)
      }

      continue
    }

    const kv = /^("?[\w.-]+"?)\s*=\s*(.*)$/.exec(line)
    if (!kv) continue
    const key = kv[1].replaceAll('"', '')
    const value = kv[2]
    const str = /^"([^"]*)"/.exec(value)?.[1]
    if (section === 'package' && key === 'name' && str !== undefined) pkg.name = str
    else if (section === 'bin' && pkg.bins.length > 0 && (key === 'name' || key === 'path') && str !== undefined) pkg.bins.at(-1)![key] = str
    else if (section === 'workspace' && key === 'members') {
      for (const m of value.matchAll(/"([^"]+)"/g)) pkg.workspaceMembers.push(m[1])
      if (!value.includes(']')) inMembers = true
    } else if (tableDep) {
      if (key === 'path' && str !== undefined) tableDep.path = join(dir, str)
      if (key === 'workspace' && value.startsWith('true')) tableDep.workspace = true
    } else if (/(^|\.)dependencies$/.test(section) && !/(^|\.)(dev|build)-dependencies$/.test(section)) {
      const dep: CargoDependency = {line: i + 1, name: key.split('.')[0]}
      const path = /\bpath\s*=\s*"([^"]+)"/.exec(value)?.[1]
      if (path !== undefined) dep.path = join(dir, path)
      if (/\bworkspace\s*=\s*true\b/.test(value) || key.endsWith('.workspace')) dep.workspace = true
      ;(section === 'workspace.dependencies' ? pkg.workspaceDependencies : pkg.dependencies).push(dep)
    }
  }

  return pkg
}

/** The workspace's member folders (`crates/*` expanded one level), the root included when it is a package. */
export function workspacePackages(files: FileReader, root: CargoPackage): CargoPackage[] {
  const out: CargoPackage[] = root.name === undefined ? [] : [root]
  for (const member of root.workspaceMembers) {
    const dirs = member.endsWith('/*') ? files.folders(member.slice(0, -2)).map((d) => `${member.slice(0, -2)}/${d}`) : [member]
    for (const d of dirs) {
      const p = cargoToml(files, d)
      if (p) out.push(p)
    }
  }

  return out
}
