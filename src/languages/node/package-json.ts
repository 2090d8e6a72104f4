/**
 * package.json (scripts, dependencies) and the installed versions from the
 * lock file (package-lock.json or yarn.lock, the monorepo root's for a workspace
 * package). Invalid JSON is a diagnostic, never a crash.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'

import {jsonErrorLine, jsonKeyLine} from '../../util/json-lines.js'

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const strings = (v: unknown): Record<string, string> => (isObject(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {})

/**
 * Installed versions from the lock file of this package's folder, else of the folders above it
 * (a workspace package's lock file is the monorepo root's): npm's package-lock.json (`packages`,
 * the package's own node_modules before the hoisted one) or yarn.lock (v1 and Berry).
 * pnpm-lock.yaml is not read: package.json ranges give a floor.
 */
function installedVersions(files: FileReader, pkgPath: string): Record<string, string> {
  const dir = pkgPath.includes('/') ? pkgPath.slice(0, pkgPath.lastIndexOf('/')) : ''
  const depth = dir === '' ? 0 : dir.split('/').length
  for (let up = 0; up <= depth; up++) {
    const prefix = '../'.repeat(up)
    // The package's folder as the lock file names it from where it lies (`apps/api` from the root).
    const own = dir.split('/').slice(depth - up).join('/')
    const lock = files.read(`${prefix}package-lock.json`)
    if (lock) {
      try {
        const l = JSON.parse(lock.text) as {packages?: Record<string, {version?: string}>}
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

    const yarn = files.read(`${prefix}yarn.lock`)
    if (yarn) return yarnLockVersions(yarn.text)
  }

  return {}
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
