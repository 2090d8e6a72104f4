/**
 * Import aliases from tsconfig.json / jsconfig.json `compilerOptions.baseUrl`
 * and `paths` (`"@/*": ["./src/*"]`, `"~/*": ["./src/*"]`), the nearest config
 * above the importing file, with a relative `extends` followed (bounded).
 * These files are JSON with comments and trailing commas: both are removed
 * outside strings before JSON.parse; a file that still does not parse is a
 * diagnostic and gives no aliases.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'

import {jsonErrorLine} from '../../util/json-lines.js'
import {append} from '../../util/arrays.js'
import {isObject} from '../../util/objects.js'

export interface PathAliases {
  /** Directory that non-relative specifiers resolve against (baseUrl), relative to the app root; undefined without baseUrl. */
  baseUrl?: string
  /** Pattern → targets, both relative to the app root (`@/*` → [`src/*`]). */
  paths: [string, string[]][]
  /**
   * compilerOptions keep imports used only as types: verbatimModuleSyntax, preserveValueImports, or
   * importsNotUsedAsValues "preserve"/"error" (https://www.typescriptlang.org/tsconfig/#importsNotUsedAsValues).
   */
  keepImports?: boolean
}

const MAX_EXTENDS = 4

/** JSON with comments (JSONC) → JSON: `//` and block comments and trailing commas removed, strings untouched. */
export function stripJsonc(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      const skipped = text.slice(i, end === -1 ? text.length : end + 2)
      out += skipped.replaceAll(/[^\n]/g, ' ') // keep line numbers
      i = end === -1 ? text.length : end + 2
    } else {
      out += c
      i++
    }
  }

  return dropTrailingCommas(out)
}

function dropTrailingCommas(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      out += text.slice(i, j + 1)
      i = j
    } else if (c !== ',' || !/^\s*[}\]]/.test(text.slice(i + 1, i + 200))) out += c
  }

  return out
}

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')

export function joinPath(dir: string, rel: string): string {
  const out: string[] = []
  // A leading `..` stays: a sibling workspace package is `../db/src/index.ts` from packages/api.
  for (const part of `${dir}/${rel}`.split('/')) {
    if (part === '..' && out.length > 0 && out.at(-1) !== '..') out.pop()
    else if (part !== '.' && part !== '') out.push(part)
  }

  return out.join('/')
}


export class TsconfigAliases {
  readonly diagnostics: Diagnostic[] = []
  private readonly byDir = new Map<string, PathAliases | undefined>()

  constructor(private readonly files: FileReader) {}

  /** The aliases in force for a file: the nearest tsconfig.json / jsconfig.json in its directory or above. */
  for(file: string): PathAliases | undefined {
    let dir = dirOf(file)
    for (;;) {
      const found = this.inDir(dir)
      if (found) return found
      if (dir === '') return undefined
      dir = dirOf(dir)
    }
  }

  private inDir(dir: string): PathAliases | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir)
    const config = ['tsconfig.json', 'jsconfig.json'].map((f) => (dir ? `${dir}/${f}` : f)).find((f) => this.files.exists(f))
    const aliases = config ? this.read(config, 0) : undefined
    this.byDir.set(dir, aliases)
    return aliases
  }

  private read(path: string, depth: number): PathAliases | undefined {
    const text = this.files.read(path)?.text
    if (text === undefined) return undefined
    const json = stripJsonc(text)
    let data: unknown
    try {
      data = JSON.parse(json)
    } catch {
      this.diagnostics.push({code: 'unparsable-config', file: path, line: jsonErrorLine(json) ?? 1, message: `${path} is not valid JSON (with comments); its import aliases (paths) are not used`, severity: 'warning'})
      return {paths: []}
    }

    if (!isObject(data)) return {paths: []}
    const ext = typeof data.extends === 'string' && data.extends.startsWith('.') && depth < MAX_EXTENDS ? this.read(joinPath(dirOf(path), data.extends.endsWith('.json') ? data.extends : `${data.extends}.json`), depth + 1) : undefined
    const options = isObject(data.compilerOptions) ? data.compilerOptions : {}
    const baseUrl = typeof options.baseUrl === 'string' ? joinPath(dirOf(path), options.baseUrl) : ext?.baseUrl
    // paths are relative to baseUrl when it is set, else to the config that declares them.
    const pathsBase = typeof options.baseUrl === 'string' ? baseUrl! : dirOf(path)
    const paths = isObject(options.paths)
      ? Object.entries(options.paths).map(([k, v]): [string, string[]] => [k, (Array.isArray(v) ? v : []).filter((t): t is string => typeof t === 'string').map((t) => joinPath(pathsBase, t))])
      : (ext?.paths ?? [])
    const own = [options.verbatimModuleSyntax, options.preserveValueImports].some((v) => typeof v === 'boolean') || typeof options.importsNotUsedAsValues === 'string'
    const keepImports = own ? options.verbatimModuleSyntax === true || options.preserveValueImports === true || ['preserve', 'error'].includes(String(options.importsNotUsedAsValues)) : ext?.keepImports
    return {...(baseUrl === undefined ? {} : {baseUrl}), ...(keepImports ? {keepImports} : {}), paths}
  }
}

/** Candidate paths (without extension) for a non-relative specifier under these aliases, most specific pattern first. */
export function aliasTargets(aliases: PathAliases, spec: string): string[] {
  const out: string[] = []
  const sorted = [...aliases.paths].sort((a, b) => b[0].length - a[0].length)
  for (const [pattern, targets] of sorted) {
    const star = pattern.indexOf('*')
    if (star === -1) {
      if (pattern === spec) append(out, targets)
      continue
    }

    const [pre, post] = [pattern.slice(0, star), pattern.slice(star + 1)]
    if (spec.startsWith(pre) && spec.endsWith(post) && spec.length >= pre.length + post.length) {
      const middle = spec.slice(pre.length, spec.length - post.length)
      append(out, targets.map((t) => t.replace('*', middle)))
    }
  }

  if (aliases.baseUrl !== undefined) out.push(joinPath(aliases.baseUrl, spec))
  return out
}
