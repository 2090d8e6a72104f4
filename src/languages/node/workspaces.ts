/**
 * A Node monorepo's workspace packages, found as the package managers find them, from a
 * folder upwards: package.json `workspaces` (an array, or Yarn 1's `{packages: […]}`),
 * pnpm-workspace.yaml `packages`, lerna.json `packages` (default `packages/*`). Globs: `*`
 * within one folder name, `**` any depth, `!pattern` excludes; node_modules is never a
 * workspace. Used by what runs (procfile/node-run.ts: `yarn workspace x start`) and by the
 * module walker (project.ts: `import db from '@org/db'` is that package's code).
 */
import type {FileReader} from '../../model/files.js'

import {jsonKeyLine} from '../../util/json-lines.js'
import {parseYaml} from '../../util/yaml.js'
import {isObject} from '../../util/objects.js'

export interface Pkg {
  dir: string
  file: string
  name?: string
  scripts: Record<string, string>
  text: string
  workspaces?: unknown
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
const at = (dir: string, file: string): string => (dir === '' ? file : `${dir}/${file}`)

export function readPkg(files: FileReader, dir: string): Pkg | undefined {
  const file = files.read(at(dir, 'package.json'))
  if (!file) return undefined
  let data: unknown
  try {
    data = JSON.parse(file.text)
  } catch {
    return undefined
  }

  if (!isObject(data)) return undefined
  const scripts = isObject(data.scripts) ? Object.fromEntries(Object.entries(data.scripts).filter((e): e is [string, string] => typeof e[1] === 'string')) : {}
  return {dir, file: file.path, name: typeof data.name === 'string' ? data.name : undefined, scripts, text: file.text, workspaces: data.workspaces}
}

export interface Workspaces {
  /** Where the list was read: package.json:3, pnpm-workspace.yaml:1, lerna.json:2. */
  from: string
  packages: Pkg[]
  root: string
}

/** The workspace list that covers `cwd`: the nearest folder at or above it that declares one. */
export function findWorkspaces(files: FileReader, cwd: string): Workspaces | undefined {
  let dir: string | undefined = cwd
  while (dir !== undefined) {
    const found = workspacesAt(files, dir)
    if (found) return found
    dir = dir === '' ? undefined : dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : ''
  }

  return undefined
}

function workspacesAt(files: FileReader, root: string): Workspaces | undefined {
  let patterns: string[] | undefined
  let from = ''
  const pnpm = files.read(at(root, 'pnpm-workspace.yaml'))
  if (pnpm) {
    // util/yaml's parser: alias bombs and oversized files are refused there, not expanded here.
    // Invalid YAML leaves `value` undefined: pnpm would refuse it too; package.json's list is tried next.
    const doc = parseYaml(pnpm.text, pnpm.path)
    if (isObject(doc.value) && Array.isArray(doc.value.packages)) {
      patterns = strings(doc.value.packages)
      from = `${pnpm.path}:${doc.lineOf(['packages']) ?? 1}`
    }
  }

  const pkg = readPkg(files, root)
  if (!patterns && pkg?.workspaces !== undefined) {
    // npm, Yarn 1-4, Bun: an array; Yarn 1 also `{packages: [...], nohoist: [...]}`.
    const list = isObject(pkg.workspaces) ? pkg.workspaces.packages : pkg.workspaces
    if (Array.isArray(list)) {
      patterns = strings(list)
      from = `${pkg.file}:${jsonKeyLine(pkg.text, ['workspaces'])}`
    }
  }

  const lerna = patterns ? undefined : files.read(at(root, 'lerna.json'))
  if (lerna) {
    try {
      const data: unknown = JSON.parse(lerna.text)
      // lerna.json `packages`, default ["packages/*"] (lerna's docs, "lerna.json": packages).
      patterns = isObject(data) && Array.isArray(data.packages) ? strings(data.packages) : ['packages/*']
      from = `${lerna.path}:${isObject(data) && Array.isArray(data.packages) ? jsonKeyLine(lerna.text, ['packages']) : 1}`
    } catch {
      // Invalid JSON: no list from it.
    }
  }

  if (!patterns) return undefined
  const include = patterns.filter((p) => !p.startsWith('!'))
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => segments(p.slice(1)))
  const dirs = new Set<string>()
  for (const p of include) for (const d of expand(files, root, segments(p), 0)) dirs.add(d)
  const packages: Pkg[] = []
  for (const d of [...dirs].sort()) {
    const rel = root === '' ? d : d.slice(root.length + 1)
    if (exclude.some((x) => matchPath(x, rel.split('/')))) continue
    const p = d === root ? undefined : readPkg(files, d)
    if (p) packages.push(p)
  }

  return {from, packages, root}
}

const segments = (pattern: string): string[] => pattern.replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter((s) => s !== '' && s !== '.')

export const globRe = (seg: string): RegExp => new RegExp(`^${seg.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`)

/** Folders under `dir` that a pattern's segments match. `**` matches any depth, to 6 folders. */
function expand(files: FileReader, dir: string, segs: string[], depth: number): string[] {
  if (segs.length === 0) return [dir]
  const [head, ...rest] = segs
  const children = (): string[] => files.folders(dir).filter((f) => f !== 'node_modules' && !f.startsWith('.'))
  if (head === '**') {
    const here = expand(files, dir, rest, depth)
    if (depth >= 6) return here
    return [...here, ...children().flatMap((c) => expand(files, at(dir, c), segs, depth + 1))]
  }

  if (!/[*?]/.test(head)) return files.folders(dir).includes(head) ? expand(files, at(dir, head), rest, depth + 1) : []
  const re = globRe(head)
  return children()
    .filter((c) => re.test(c))
    .flatMap((c) => expand(files, at(dir, c), rest, depth + 1))
}

function matchPath(pattern: string[], path: string[]): boolean {
  if (pattern.length === 0) return path.length === 0
  const [head, ...rest] = pattern
  if (head === '**') return matchPath(rest, path) || (path.length > 0 && matchPath(pattern, path.slice(1)))
  return path.length > 0 && globRe(head).test(path[0]) && matchPath(rest, path.slice(1))
}

/** The folder a reader scoped to a package (model/files.ts withinDir) looks at, from the app root: its package.json's path says it. */
export function packageDirOf(files: FileReader): string {
  const path = files.read('package.json')?.path ?? 'package.json'
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
}

/** `../..` from packages/api back to the app root ('' at the root). */
export const upToRoot = (dir: string): string => (dir === '' ? '' : dir.split('/').map(() => '..').join('/'))

const CONDITIONS = ['node', 'import', 'require', 'module', 'default', 'types', 'typings']

/** Every path a package.json `exports` value may name, in the order Node (then TypeScript) would pick them. */
function exportTargets(v: unknown): string[] {
  if (typeof v === 'string') return [v]
  if (Array.isArray(v)) return v.flatMap((x) => exportTargets(x))
  if (!isObject(v)) return []
  const keys = [...CONDITIONS.filter((k) => Object.hasOwn(v, k)), ...Object.keys(v).filter((k) => !CONDITIONS.includes(k))]
  return keys.flatMap((k) => exportTargets(v[k]))
}

/**
 * The files a workspace package's import names, relative to its folder, most likely first:
 * `exports` (`.` or the subpath, `./*` patterns), else `main`, `module`, `types`, else index files.
 * Built files (dist/index.js) are kept: the caller maps them back to their source.
 */
export function packageTargets(pkg: Pkg, subpath: string): string[] {
  let data: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(pkg.text)
    if (isObject(parsed)) data = parsed
  } catch {
    // readPkg already parsed it; unreachable in practice.
  }

  const key = subpath === '' ? '.' : `./${subpath}`
  const exp = data.exports
  const out: string[] = []
  if (exp !== undefined) {
    const map = isObject(exp) && Object.keys(exp).some((k) => k.startsWith('.')) ? exp : {'.': exp}
    if (map[key] !== undefined) out.push(...exportTargets(map[key]))
    for (const [k, target] of Object.entries(map)) {
      const star = k.indexOf('*')
      if (star < 0 || !key.startsWith(k.slice(0, star)) || !key.endsWith(k.slice(star + 1))) continue
      const middle = key.slice(star, key.length - (k.length - star - 1))
      out.push(...exportTargets(target).map((t) => t.replace('*', middle)))
    }
  }

  if (subpath === '') {
    for (const f of ['main', 'module', 'types', 'typings']) if (typeof data[f] === 'string') out.push(data[f] as string)
    out.push('index', 'src/index')
  } else out.push(subpath, `src/${subpath}`)
  return [...new Set(out.map((t) => t.replace(/^\.\//, '')))]
}

/** The workspace package an import specifier names (`@org/db`, `@org/db/client`), and the subpath inside it. */
export function workspaceImport(ws: Workspaces, spec: string): {pkg: Pkg; subpath: string} | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return undefined
  const parts = spec.split('/')
  const n = spec.startsWith('@') ? 2 : 1
  const name = parts.slice(0, n).join('/')
  const pkg = ws.packages.find((p) => p.name === name)
  return pkg ? {pkg, subpath: parts.slice(n).join('/')} : undefined
}

/** Names of a package.json's dependencies of every kind (peer and optional included: they are installed beside it). */
export function dependencyNames(pkg: Pkg): string[] {
  try {
    const data: unknown = JSON.parse(pkg.text)
    if (!isObject(data)) return []
    return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => (isObject(data[k]) ? Object.keys(data[k]) : []))
  } catch {
    return []
  }
}

/** The workspace packages that depend on one of `libraries`, directly or through other workspace packages (names). */
export function packagesUsing(ws: Workspaces, libraries: ReadonlySet<string>): Set<string> {
  const deps = new Map(ws.packages.filter((p) => p.name !== undefined).map((p) => [p.name!, dependencyNames(p)]))
  const using = new Set<string>()
  for (let changed = true; changed; ) {
    changed = false
    for (const [name, names] of deps) {
      if (using.has(name) || !names.some((d) => libraries.has(d) || using.has(d))) continue
      using.add(name)
      changed = true
    }
  }

  return using
}
