/**
 * package.json (scripts, dependencies) and the installed versions from
 * package-lock.json when it is there. Invalid JSON is a diagnostic, never a crash.
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
  let installed: Record<string, string> = {}
  const lock = files.read('package-lock.json')
  if (lock) {
    try {
      const l = JSON.parse(lock.text) as {packages?: Record<string, {version?: string}>}
      installed = Object.fromEntries(Object.entries(l.packages ?? {}).flatMap(([k, v]) => (k.startsWith('node_modules/') && v.version ? [[k.slice('node_modules/'.length), v.version]] : [])))
    } catch {
      // A broken lock file only loses versions; package.json ranges still give a floor.
    }
  }

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
