/**
 * package.json (scripts, dependencies) and the installed versions from the
 * lock file (package-lock.json, yarn.lock or pnpm-lock.yaml, the monorepo root's for a workspace
 * package). Invalid JSON is a diagnostic, never a crash.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {type FileReader, onceForFiles} from '../../model/files.js'

import {jsonErrorLine, jsonKeyLine} from '../../util/json-lines.js'
import {isObject} from '../../util/objects.js'

export interface PackageJson {
  dependencies: Record<string, string>
  main?: string
  /** Its path from the app root (server/package.json inside a workspace). */
  path: string
  scripts: Record<string, string>
  /** Line of a key path, for sources: ["scripts", "start"]. */
  lineOf(path: string[]): number
  /** Installed version (package-lock.json), else the lowest version the range allows. */
  versionOf(name: string): string | undefined
}

const strings = (v: unknown): Record<string, string> => (isObject(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {})

/**
 * Installed versions from the lock file of this package's folder, else of the folders above it
 * (a workspace package's lock file is the monorepo root's): npm's package-lock.json (`packages`,
 * the package's own node_modules before the hoisted one), yarn.lock (v1 and Berry) or
 * pnpm-lock.yaml (the package's importer).
 */
function installedVersions(files: FileReader, pkgPath: string): Record<string, string> {
  const dir = pkgPath.includes('/') ? pkgPath.slice(0, pkgPath.lastIndexOf('/')) : ''
  const depth = dir === '' ? 0 : dir.split('/').length
  for (let up = 0; up <= depth; up++) {
    const prefix = '../'.repeat(up)
    // The package's folder as the lock file names it from where it lies (`apps/api` from the root).
    const own = dir.split('/').slice(depth - up).join('/')
    const lock = files.read(`${prefix}package-lock.json`)
    if (lock) return lockRead(lock.text, own, 'npm', () => npmLockVersions(lock.text, own))
    const yarn = files.read(`${prefix}yarn.lock`)
    if (yarn) return lockRead(yarn.text, '', 'yarn', () => yarnLockVersions(yarn.text))
    const pnpm = files.read(`${prefix}pnpm-lock.yaml`)
    if (pnpm) return lockRead(pnpm.text, own, 'pnpm', () => pnpmLockVersions(pnpm.text, own === '' ? '.' : own))
  }

  return {}
}

/**
 * Each lock file's versions, read once per run for each package folder (every process type reads its package.json, and
 * a monorepo's lock file runs to megabytes): by the very text, so a file that differs is read anew.
 */
const lockReads = new Map<string, Map<string, Record<string, string>>>()

function lockRead(text: string, own: string, kind: string, read: () => Record<string, string>): Record<string, string> {
  let byOwn = lockReads.get(text)
  if (!byOwn) lockReads.set(text, (byOwn = new Map()))
  const key = `${kind}:${own}`
  let out = byOwn.get(key)
  if (!out) byOwn.set(key, (out = read()))
  return out
}

/** npm's package-lock.json `packages`: the hoisted copy of each package, the package's own (beside it) over it. */
function npmLockVersions(text: string, own: string): Record<string, string> {
  try {
    const l = JSON.parse(text) as {packages?: Record<string, {version?: string}>}
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(l.packages ?? {})) {
      if (!v.version) continue
      if (k.startsWith('node_modules/') && !out[k.slice('node_modules/'.length)]) out[k.slice('node_modules/'.length)] = v.version
      // The package's own copy (installed beside it because the hoisted one differs) wins over the hoisted one.
      if (own !== '' && k.startsWith(`${own}/node_modules/`)) out[k.slice(own.length + '/node_modules/'.length)] = v.version
    }

    return out
  } catch {
    return {} // a broken lock file only loses versions; package.json ranges still give a floor
  }
}

/**
 * pnpm-lock.yaml: the versions installed for one importer (`.` or a workspace package's folder).
 * Lockfile v6–v9 lists `importers: <dir>: dependencies: <name>: {specifier, version}` (a
 * single-package v6 lockfile the same at the top level); v5 writes `<name>: <version>` inline. Peer
 * suffixes (`3.1.0(pg@8.20.0)`, v5's `3.1.0_pg@8.20.0`) and workspace links are dropped. Read by
 * lines, not parsed as YAML: a monorepo's lock file runs to megabytes and only these keys matter.
 */
export function pnpmLockVersions(text: string, importer: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  const unquote = (k: string): string => k.trim().replace(/^'(.*)'$|^"(.*)"$/, '$1$2')
  const version = (v: string): string | undefined => {
    const clean = unquote(v).replace(/\(.*$/, '').replace(/_.*$/, '')
    return /^\d+\.\d+/.test(clean) ? clean : undefined
  }

  const indentOf = (l: string): number => l.length - l.trimStart().length
  // Where this importer's dependency sections start, and at what indent they are.
  let base = -1
  let from = 0
  const imp = lines.findIndex((l) => l === 'importers:')
  if (imp >= 0) {
    const at = lines.findIndex((l, i) => i > imp && indentOf(l) === 2 && unquote(l.slice(0, -1)) === importer && l.endsWith(':'))
    if (at < 0) return out
    base = 4
    from = at + 1
  } else if (importer === '.') base = 0
  else return out

  for (let i = from; i < lines.length; i++) {
    const l = lines[i]
    if (l.trim() === '') continue
    const ind = indentOf(l)
    if (ind < base) break
    if (ind !== base || !/^(dependencies|devDependencies|optionalDependencies):$/.test(l.trim())) continue
    for (let j = i + 1; j < lines.length && (lines[j].trim() === '' || indentOf(lines[j]) > base); j++) {
      const e = lines[j]
      if (indentOf(e) !== base + 2) continue
      const m = /^\s*(?:'([^']+)'|"([^"]+)"|([^:\s]+)):\s*(.*)$/.exec(e)
      if (!m) continue
      const name = m[1] ?? m[2] ?? m[3]
      // v6+: `      knex:` then `        version: 3.1.0(pg@8.20.0)`; v5: `      knex: 3.1.0_pg@8.20.0`.
      const next = m[4] === '' ? lines.slice(j + 1, j + 4).find((x) => indentOf(x) === base + 4 && x.trim().startsWith('version:')) : undefined
      const v = version(m[4] === '' ? (next?.trim().slice('version:'.length) ?? '') : m[4])
      if (v) out[name] ??= v
    }
  }

  return out
}

/** yarn.lock: each entry's header names the package (`"pg@^8.7.1", pg@^8.11.0:` or `"pg@npm:^8.7.1":`), its `version` line the installed one; the first entry of a name wins. */
export function yarnLockVersions(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  let names: string[] = []
  for (const line of text.split('\n')) {
    if (line.length > 0 && !line.startsWith(' ') && !line.startsWith('#') && line.trimEnd().endsWith(':')) {
      names = line
        .trimEnd()
        .slice(0, -1)
        .split(',')
        .map((h) => h.trim().replace(/^"|"$/g, ''))
        .filter((h) => h.indexOf('@', 1) > 0)
        .map((h) => h.slice(0, h.indexOf('@', 1)))
      continue
    }

    const m = /^\s+version:?\s+"?([^"\s]+)"?/.exec(line)
    if (m && names.length > 0) {
      for (const n of names) out[n] ??= m[1]
      names = []
    }
  }

  return out
}

/**
 * Every package the app's root lock file installs, transitive ones too, or undefined with no lock file (or a broken one):
 * package-lock.json's `packages` keys (v2/v3, the name after the last `node_modules/`) and v1's nested `dependencies`,
 * yarn.lock's entry headers, pnpm-lock.yaml's `packages:`/`snapshots:` keys (`/pg@8.11.3:`, `pg@8.11.3:`, v5's
 * `/pg/8.7.1:`) and its importers' dependency names. Read by lines for pnpm, as pnpmLockVersions does.
 */
export function lockedPackages(files: FileReader, dir = ''): {file: string; names: Set<string>} | undefined {
  // Every process type of an app asks; a lock file runs to megabytes: read once per app (per folder).
  return onceForFiles(files, `node-locked-packages:${dir}`, () => lockedPackagesOf(files, dir))
}

/** The lock file that installs a folder's packages: the nearest one in it or a folder above (a workspace root's), as a path. */
export function nearestLock(files: FileReader, dir: string): {dir: string; file: string} | undefined {
  for (let d = dir; ; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') {
    const file = LOCK_FILES.map((f) => (d === '' ? f : `${d}/${f}`)).find((f) => files.exists(f))
    if (file) return {dir: d, file}
    if (d === '') return undefined
  }
}

const LOCK_FILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'npm-shrinkwrap.json']

function lockedPackagesOf(files: FileReader, dir: string): {file: string; names: Set<string>} | undefined {
  const at = (f: string): string => (dir === '' ? f : `${dir}/${f}`)
  const npm = files.read(at('package-lock.json')) ?? files.read(at('npm-shrinkwrap.json'))
  if (npm) {
    try {
      const l = JSON.parse(npm.text) as {dependencies?: Record<string, unknown>; packages?: Record<string, unknown>}
      const names = new Set<string>()
      for (const k of Object.keys(l.packages ?? {})) {
        const at = k.lastIndexOf('node_modules/')
        if (at >= 0) names.add(k.slice(at + 'node_modules/'.length))
      }

      const walk = (deps: unknown): void => {
        if (!isObject(deps)) return
        for (const [name, d] of Object.entries(deps)) {
          names.add(name)
          if (isObject(d)) walk(d.dependencies)
        }
      }

      walk(l.dependencies)
      return {file: npm.path, names}
    } catch {
      return undefined
    }
  }

  const yarn = files.read(at('yarn.lock'))
  if (yarn) return {file: yarn.path, names: new Set(Object.keys(yarnLockVersions(yarn.text)))}
  const pnpm = files.read(at('pnpm-lock.yaml'))
  if (!pnpm) return undefined
  const names = new Set<string>()
  for (const line of pnpm.text.split(/\r?\n/)) {
    // `  /pg@8.11.3:`, `  pg@8.11.3(…):`, `  '@prisma/client@5.1.0':`, v5 `  /pg/8.7.1:`.
    const key = /^ {2}['"]?\/?((?:@[^/\s'"]+\/)?[^@/\s'"]+)[@/]\d/.exec(line)
    if (key) names.add(key[1])
    // An importer's (or a v5 single package's) dependency: `      pg:` or `  pg: 8.11.3`.
    const dep = /^ +['"]?((?:@[^/\s'":]+\/)?[^@/\s'":]+)['"]?:\s*(?:\^|~)?\d/.exec(line) ?? /^ {6}['"]?((?:@[^/\s'":]+\/)?[^@/\s'":]+)['"]?:\s*$/.exec(line)
    if (dep) names.add(dep[1])
  }

  return {file: pnpm.path, names}
}

/**
 * What each installed package depends on, by name, from the app's root lock file (all versions of a name merged; dependencies,
 * optional and peer ones): package-lock.json v2/v3 `packages` entries and v1's `requires`, yarn.lock's `dependencies:`
 * blocks (v1 and Berry), pnpm-lock.yaml's `packages:`/`snapshots:` entries. Undefined with no lock file or a broken one.
 */
export function lockedDependencies(files: FileReader): {file: string; deps: Map<string, Set<string>>} | undefined {
  return onceForFiles(files, 'node-locked-dependencies', () => lockedDependenciesOf(files))
}

function lockedDependenciesOf(files: FileReader): {file: string; deps: Map<string, Set<string>>} | undefined {
  // A process run in a workspace package's folder (`pnpm --filter api start`) reads through a reader within it: the lock
  // file that installs it is the nearest in that folder or one above, up to the app root (the monorepo root's).
  const depth = files.within && !files.within.startsWith('..') ? files.within.split('/').length : 0
  for (let up = 0; up <= depth; up++) {
    const found = lockedDependenciesAt(files, '../'.repeat(up))
    if (found !== null) return found
  }

  return undefined
}

/** lockedDependenciesOf for the lock file in one folder (`prefix`, '' or '../…'): null when it has none. */
function lockedDependenciesAt(files: FileReader, prefix: string): {file: string; deps: Map<string, Set<string>>} | null | undefined {
  const deps = new Map<string, Set<string>>()
  const add = (name: string, more: Iterable<string>): void => {
    let set = deps.get(name)
    if (!set) deps.set(name, (set = new Set()))
    for (const d of more) set.add(d)
  }

  const keys = (...objs: unknown[]): string[] => objs.flatMap((o) => (isObject(o) ? Object.keys(o) : []))
  const npm = files.read(`${prefix}package-lock.json`)
  if (npm) {
    try {
      const l = JSON.parse(npm.text) as {dependencies?: unknown; packages?: Record<string, unknown>}
      for (const [k, v] of Object.entries(l.packages ?? {})) {
        const at = k.lastIndexOf('node_modules/')
        // A workspace package's link (`"link": true`) lists no dependencies of its own: left out, so it is not taken for a leaf.
        if (at >= 0 && isObject(v) && v.link !== true) add(k.slice(at + 'node_modules/'.length), keys(v.dependencies, v.optionalDependencies, v.peerDependencies))
      }

      const walk = (d: unknown): void => {
        if (!isObject(d)) return
        for (const [name, e] of Object.entries(d)) {
          if (!isObject(e)) continue
          add(name, keys(e.requires))
          walk(e.dependencies)
        }
      }

      walk(l.dependencies)
      return {deps, file: npm.path}
    } catch {
      return undefined
    }
  }

  const yarn = files.read(`${prefix}yarn.lock`)
  const pnpm = yarn ? undefined : files.read(`${prefix}pnpm-lock.yaml`)
  const lock = yarn ?? pnpm
  if (!lock) return null
  let names: string[] = []
  let inDeps = false
  for (const line of lock.text.split(/\r?\n/)) {
    const indent = /^ */.exec(line)![0].length
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue
    if (yarn ? indent === 0 : indent === 2) {
      // yarn: `"pg@^8.0.0", pg@8.1:` (Berry: `"pg@npm:^8.0.0":`); pnpm: `  /pg@8.11.3:`, `  pg@8.11.3(…):`, `  '@x/y@1.0.0':`, v5 `  /pg/8.7.1:`.
      const heads = yarn ? line.trimEnd().replace(/:$/, '').split(',') : [line.trim().replace(/:$/, '')]
      names = heads.map((h) => h.trim().replace(/^["']|["']$/g, '').replace(/^\//, '')).map((h) => (yarn || /^(@[^/]+\/)?[^@/]+@/.test(h) ? h.slice(0, h.indexOf('@', 1)) : h.replace(/\/\d.*$/, ''))).filter((n) => n.length > 0)
      for (const n of names) add(n, [])
      inDeps = false
      continue
    }

    if (names.length === 0) continue
    if (indent === (yarn ? 2 : 4)) {
      inDeps = /^(dependencies|optionalDependencies|peerDependencies):\s*$/.test(line.trim())
      continue
    }

    const dep = inDeps && indent === (yarn ? 4 : 6) ? /^["']?((?:@[^/\s"':]+\/)?[^@\s"':]+)["']?:?\s/.exec(line.trim() + ' ') : null
    if (dep) for (const n of names) add(n, [dep[1]])
  }

  return {deps, file: lock.path}
}

export function readPackageJson(files: FileReader): {diagnostics: Diagnostic[]; pkg?: PackageJson} {
  const file = files.read('package.json')
  if (!file) return {diagnostics: []}
  let data: unknown
  try {
    data = JSON.parse(file.text)
  } catch {
    const line = jsonErrorLine(file.text) ?? 1
    return {diagnostics: [{code: 'unparsable-config', file: file.path, line, message: `${file.path} is not valid JSON (near line ${line}); its scripts and dependencies are not used`, severity: 'warning'}]}
  }

  if (!isObject(data)) return {diagnostics: [{code: 'unparsable-config', file: file.path, line: 1, message: `${file.path} is not a JSON object; not used`, severity: 'warning'}]}
  const installed = installedVersions(files, file.path)
  const dependencies = {...strings(data.devDependencies), ...strings(data.dependencies)}
  return {
    diagnostics: [],
    pkg: {
      dependencies,
      lineOf: (path) => jsonKeyLine(file.text, path),
      main: typeof data.main === 'string' ? data.main : undefined,
      path: file.path,
      scripts: strings(data.scripts),
      versionOf: (name) => installed[name] ?? /\d+(\.\d+)*/.exec(dependencies[name] ?? '')?.[0],
    },
  }
}

/** The packages the app depends on: this package.json's, and the root's when this one is in a subfolder (a workspace's hoisted dependencies). */
export function appDependencies(files: FileReader, pkg: PackageJson): Set<string> {
  const root = pkg.path === 'package.json' ? undefined : readPackageJson(files).pkg
  return new Set([...Object.keys(pkg.dependencies), ...Object.keys(root?.dependencies ?? {})])
}
