/**
 * YAML without surprises: the `yaml` package with merge keys (`<<: *default`,
 * as Rails' database.yml uses them), a cap on alias expansion (alias bombs) and
 * on file size, and diagnostics instead of exceptions. `lineOf` finds the line
 * a key was written on, following merge keys to the mapping it came from.
 */
import type * as YamlPackage from 'yaml'
import type {Document, Node} from 'yaml'

import type {Diagnostic} from '../model/diagnostic.js'
import type {ParseStore} from './parse-store.js'

import {isExhaustion, TOO_DEEP} from './exhaustion.js'
import {lineIndex} from './lines.js'
import {readPlainYaml} from './yaml-plain.js'

export const MAX_YAML_BYTES = 1024 * 1024
export const MAX_ALIAS_COUNT = 100
/**
 * Aliases (`*name`) a file may hold. The yaml package finds each alias's anchor by scanning the
 * document's anchors up to it, so n aliases cost n² (20,000 merges took 67 s); real configs hold
 * a few dozen (26 at most in the 155-app corpus).
 */
export const MAX_ALIASES = 1000

export type YamlPath = ReadonlyArray<number | string>

/** One syntax error as the parser states it, at its 1-based line and column. */
export interface YamlError {
  col: number
  line: number
  message: string
}

export interface YamlResult {
  diagnostics: Diagnostic[]
  /** Every syntax error (the diagnostics name only the first); none when the text parsed. */
  errors: YamlError[]
  /**
   * Keys written twice in one mapping, under `path` (the whole document by default), in
   * file order: YAML 1.2 requires unique keys, but Psych and the `yaml` package as used
   * here keep the last, so a file conncalc owns (conncalc.yml) refuses them instead.
   */
  duplicateKeys(path?: YamlPath): {first: number; key: string; line: number}[]
  /** 1-based line of the key at `path` (or of the item, for sequences), if written in the file. */
  lineOf(path: YamlPath): number | undefined
  /** The plain JS value; undefined when the file could not be read. */
  value: unknown
}

function unparsable(file: string, message: string, line?: number): Diagnostic {
  return {
    code: 'unparsable-config',
    file,
    ...(line ? {line} : {}),
    message: `not valid YAML (${message}); conncalc uses the defaults instead`,
    severity: 'warning',
  }
}

/**
 * The yaml package, loaded the first time a text needs it (util/yaml-plain.ts reads plain config
 * files without it): a static import would run the package's module body on every run that reads
 * any YAML. require(), which the build bundles like an import, runs it only when called.
 */
let yamlPackage: typeof YamlPackage | undefined
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundled package loaded when first needed (see above)
const yaml = (): typeof YamlPackage => (yamlPackage ??= require('yaml') as typeof YamlPackage)

const keyOf = (k: unknown): unknown => (yaml().isScalar(k) ? k.value : k)

/**
 * Find the key node for `key` in a mapping, looking through `<<` merges (own keys win, then merges in order). A key
 * written twice in one mapping is its last writing, as Psych and the yaml package's value both keep the later one
 * (education/classroom's database.yml: `production: &production` for an anchor, then `production:` again).
 */
function findPair(doc: Document, node: unknown, key: number | string, depth = 0): {key: Node; value: unknown} | undefined {
  if (depth > MAX_ALIAS_COUNT) return undefined
  const {isAlias, isMap, isScalar} = yaml()
  const map = isAlias(node) ? node.resolve(doc) : node
  if (!isMap(map)) return undefined
  for (let i = map.items.length - 1; i >= 0; i--) {
    const pair = map.items[i]
    const k = keyOf(pair.key)
    if (k === key || (typeof k === 'number' && String(k) === String(key))) return {key: pair.key as Node, value: pair.value}
  }

  for (const pair of map.items) {
    if (isScalar(pair.key) && typeof pair.key.value === 'symbol') {
      const sources = isAlias(pair.value) || isMap(pair.value) ? [pair.value] : ((pair.value as {items?: unknown[]})?.items ?? [])
      for (const src of sources) {
        const found = findPair(doc, src, key, depth + 1)
        if (found) return found
      }
    }
  }

  return undefined
}

// The same file is read once per process type, usually rendering to the same
// text: parse each (file, text) once.
const cache = new Map<string, YamlResult>()

export function parseYaml(text: string, file: string): YamlResult {
  const key = `${file}\0${text}`
  let result = cache.get(key)
  if (!result) {
    result = (store && storedParse(store, text, file)) ?? parseYamlUncached(text, file)
    cache.set(key, result)
  }

  return result
}

/**
 * The documents of a YAML stream, split at its `---` lines, each with the line it starts after (add it to a line
 * number found in the document's text). A stream of one document is one.
 */
export function yamlDocuments(text: string): {start: number; text: string}[] {
  const lines = text.split('\n')
  const docs: {start: number; text: string}[] = []
  let start = 0
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---\s*$/.test(lines[i])) {
      docs.push({start, text: lines.slice(start, i).join('\n')})
      start = i + 1
    }
  }

  return docs
}

/** Where parses are kept between runs: the parse cache (io/parse-cache.ts), as for Prism's. */
let store: ParseStore | undefined

/** Keep YAML parses in `next` (undefined: none) from now on in this process. */
export function useYamlStore(next: ParseStore | undefined): void {
  store = next
}

/**
 * Texts kept between runs: small ones (a config file, not a data file: every key's line is
 * stored with it). A larger text is parsed each run.
 */
const MAX_STORED_BYTES = 64 * 1024
const STORE_TAG = 'conncalc yaml 2\0'

/** What a stored parse holds: the value and the line of every key and item in it, by path. */
interface Stored {
  lines: [string, number][]
  value: unknown
}

const pathKey = (path: YamlPath): string => JSON.stringify(path)

/**
 * A text's parse from the store, or the text parsed and stored. Only a text that parsed with no
 * error is stored, and only when its value is plain data that JSON keeps as it is (no NaN or
 * Infinity, no `__proto__` key, no shared or cyclic alias): anything else is parsed each run. The
 * key is the text itself, byte for byte: a changed file is a new parse, never an old answer.
 */
function storedParse(store: ParseStore, text: string, file: string): undefined | YamlResult {
  if (text.length > MAX_STORED_BYTES) return undefined
  const key = Buffer.from(STORE_TAG + text)
  const bytes = store.get(key)
  if (bytes) {
    try {
      // TextDecoder, as every run already uses to read files (io/files.ts), not Buffer.from(bytes): more of Node compiled from source.
      const stored = JSON.parse(new TextDecoder().decode(bytes)) as Stored
      const lines = new Map(stored.lines)
      let parsed: undefined | YamlResult
      // Anything the stored lines do not answer (a path written with other key types than strings
      // and indexes) is asked of the text itself, parsed then.
      const full = (): YamlResult => (parsed ??= parseYamlUncached(text, file))
      const lineOf = (path: YamlPath): number | undefined => {
        const line = lines.get(pathKey(path))
        if (line !== undefined) return line
        return resolves(stored.value, path) ? full().lineOf(path) : undefined
      }

      return {diagnostics: [], duplicateKeys: (path) => full().duplicateKeys(path), errors: [], lineOf, value: stored.value}
    } catch {
      // a damaged entry: parsed again below
    }
  }

  const result = parseYamlUncached(text, file)
  if (result.errors.length > 0 || result.diagnostics.length > 0 || !plainData(result.value)) return result
  const lines: [string, number][] = []
  const walk = (value: unknown, path: (number | string)[]): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visitPath(item, [...path, i]))
    else if (value !== null && typeof value === 'object') for (const [k, item] of Object.entries(value)) visitPath(item, [...path, k])
  }

  const visitPath = (value: unknown, path: (number | string)[]): void => {
    const line = result.lineOf(path)
    if (line !== undefined) lines.push([pathKey(path), line])
    walk(value, path)
  }

  walk(result.value, [])
  store.set(key, Buffer.from(JSON.stringify({lines, value: result.value} satisfies Stored), 'utf8'))
  return result
}

/** Whether `path` names something in `value` (a key of a mapping, an index of a sequence). */
function resolves(value: unknown, path: YamlPath): boolean {
  let at = value
  for (const seg of path) {
    if (Array.isArray(at)) {
      if (typeof seg !== 'number' || seg < 0 || seg >= at.length) return false
      at = at[seg]
    } else if (at !== null && typeof at === 'object' && Object.hasOwn(at, String(seg))) {
      at = (at as Record<string, unknown>)[String(seg)]
    } else {
      return false
    }
  }

  return true
}

/** Plain data JSON keeps exactly: a tree (no node reached twice) of plain objects, arrays, strings, finite numbers, booleans and null. */
function plainData(root: unknown): boolean {
  const seen = new Set<object>()
  const todo: unknown[] = [root]
  while (todo.length > 0) {
    const value = todo.pop()
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Object.is(value, -0)) return false
      continue
    }

    if (typeof value !== 'object' || seen.has(value)) return false
    seen.add(value)
    if (Array.isArray(value)) todo.push(...value)
    else if (Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, '__proto__')) todo.push(...Object.values(value))
    else return false
  }

  return true
}

const none = (d: Diagnostic, errors: YamlError[] = [{col: 1, line: d.line ?? 1, message: /^not valid YAML \((.*)\);/.exec(d.message)?.[1] ?? d.message}]): YamlResult => ({diagnostics: [d], duplicateKeys: () => [], errors, lineOf: () => undefined, value: undefined})

function parseYamlUncached(text: string, file: string): YamlResult {
  if (Buffer.byteLength(text, 'utf8') > MAX_YAML_BYTES) return none(unparsable(file, `larger than ${MAX_YAML_BYTES} bytes`))
  // Plain config YAML is read without the yaml package (util/yaml-plain.ts: the same value and key
  // lines); anything else is the package's.
  const plain = readPlainYaml(text)
  if (plain) return {diagnostics: [], duplicateKeys: () => [], errors: [], lineOf: plain.lineOf, value: plain.value}
  return parseWithPackage(text, file)
}

/** Where the quote that closes a scalar opened with `quote` is on `line`, from `from`; -1 when the line does not close it. */
function closingQuote(line: string, from: number, quote: string): number {
  for (let i = from; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') i++
    else if (line[i] === quote) {
      if (quote === "'" && line[i + 1] === "'") i++
      else return i
    }
  }

  return -1
}

/**
 * The text with each continuation line of a multi-line quoted scalar indented one space deeper than the key or
 * sequence entry that holds it, when it was not (department-of-veterans-affairs/caseflow's database.yml: an Oracle
 * `database: "(DESCRIPTION=` … `    )"` closing at its key's column); undefined when no line needed it. Lines keep
 * their numbers.
 */
function indentQuotedContinuations(text: string): string | undefined {
  const lines = text.split('\n')
  let open: undefined | {indent: number; quote: string}
  let changed = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (open) {
      const lead = /^ */.exec(line)![0].length
      if (line.trim() !== '' && lead <= open.indent) {
        lines[i] = ' '.repeat(open.indent + 1 - lead) + line
        changed = true
      }

      if (closingQuote(line, lead, open.quote) !== -1) open = undefined
      continue
    }

    // A value that opens with a quote: `key: "…`, `- "…`, `- key: '…`.
    const m = /^( *)((?:- +)*)(?:[^\s#'"-][^#'"]*?: +)?(["'])/.exec(line)
    if (m && closingQuote(line, m[0].length, m[3]) === -1) open = {indent: m[1].length + m[2].length, quote: m[3]}
  }

  return changed ? lines.join('\n') : undefined
}

/** The text read by the yaml package alone (exported for the tests that check util/yaml-plain.ts against it). */
export function parseWithPackage(text: string, file: string): YamlResult {
  if (Buffer.byteLength(text, 'utf8') > MAX_YAML_BYTES) return none(unparsable(file, `larger than ${MAX_YAML_BYTES} bytes`))
  const {isAlias, isMap, isScalar, isSeq, parseDocument, visit} = yaml()
  const lineAt = lineIndex(text)
  let doc = parseDocument(text, {merge: true, prettyErrors: false, uniqueKeys: false})
  if (doc.errors.some((e) => e.code === 'MISSING_CHAR' && /^Missing closing ["']quote/.test(e.message))) {
    // Psych (libyaml) reads a multi-line quoted scalar whose later lines sit no deeper than its key; the yaml package
    // does not. Those lines' leading spaces are not part of the value (flow folding drops them), so indenting them
    // changes nothing else; taken only when the whole file then parses.
    const indented = indentQuotedContinuations(text)
    const again = indented === undefined ? undefined : parseDocument(indented, {merge: true, prettyErrors: false, uniqueKeys: false})
    if (again && again.errors.length === 0) doc = again
  }

  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const line = lineAt(e.pos[0])
      // The yaml package's messages end with a code excerpt: the reason is the first line.
      // Brackets nested thousands deep exhaust the parser's stack: it reports that as RESOURCE_EXHAUSTION.
      const message = e.code === 'RESOURCE_EXHAUSTION' ? TOO_DEEP : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
      return {col: e.pos[0] - text.lastIndexOf('\n', e.pos[0] - 1), line, message}
    })
    const first = unparsable(file, errors[0].message, errors[0].line)
    return none(errors[0].message === TOO_DEEP ? {...first, message: `${TOO_DEEP}; conncalc uses the defaults instead`} : first, errors)
  }

  let aliases = 0
  visit(doc, {Alias: () => (++aliases > MAX_ALIASES ? visit.BREAK : undefined)})
  if (aliases > MAX_ALIASES) {
    const reason = `it holds more than ${MAX_ALIASES} aliases (*name), more than conncalc reads`
    return none({...unparsable(file, reason), message: `cannot be read: ${reason}; conncalc uses the defaults instead`}, [{col: 1, line: 1, message: reason}])
  }

  let value: unknown
  try {
    value = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
  } catch (error) {
    // The yaml package throws a ReferenceError once aliases would expand past maxAliasCount copies
    // (billion laughs): valid YAML, but not a file any app writes.
    const reason = error instanceof ReferenceError && /alias count/i.test(error.message)
      ? `its aliases (*name) expand to more than ${MAX_ALIAS_COUNT} copies, as an alias bomb does`
      : isExhaustion(error) ? TOO_DEEP
      : error instanceof Error ? error.message : String(error)
    return none({...unparsable(file, reason), message: `cannot be read: ${reason}; conncalc uses the defaults instead`}, [{col: 1, line: 1, message: reason}])
  }

  // Asked once per key per process type (database.yml's pool, url, … lines): each path is looked up
  // once, since following an alias makes the yaml package search the document for its anchor.
  const lines = new Map<string, number | undefined>()
  const lineOf = (path: YamlPath): number | undefined => {
    const key = JSON.stringify(path)
    if (lines.has(key)) return lines.get(key)
    const line = findLine(path)
    lines.set(key, line)
    return line
  }

  const findLine = (path: YamlPath): number | undefined => {
    let node: unknown = doc.contents
    let keyNode: Node | undefined
    for (const seg of path) {
      const resolved = isAlias(node) ? node.resolve(doc) : node
      if (typeof seg === 'number' && resolved && typeof resolved === 'object' && 'items' in resolved && !isMap(resolved)) {
        const item = (resolved as {items: unknown[]}).items[seg]
        if (item === undefined) return undefined
        keyNode = item as Node
        node = item
        continue
      }

      const pair = findPair(doc, node, seg)
      if (!pair) return undefined
      keyNode = pair.key
      node = pair.value
    }

    return keyNode?.range ? lineAt(keyNode.range[0]) : undefined
  }

  const duplicateKeys = (path: YamlPath = []): {first: number; key: string; line: number}[] => {
    let start: unknown = doc.contents
    for (const seg of path) start = findPair(doc, start, seg)?.value
    const out: {first: number; key: string; line: number}[] = []
    // Iterative: a deeply nested document cannot overflow the stack. Aliases are not followed
    // (they point at nodes this walk reaches where they are written).
    const todo: unknown[] = [start]
    while (todo.length > 0) {
      const node = todo.pop()
      if (isMap(node)) {
        const seen = new Map<string, number>()
        for (const pair of node.items) {
          const k = keyOf(pair.key)
          const line = isScalar(pair.key) && pair.key.range ? lineAt(pair.key.range[0]) : 0
          if (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') {
            const first = seen.get(String(k))
            if (first === undefined) seen.set(String(k), line)
            else out.push({first, key: String(k), line})
          }

          todo.push(pair.value)
        }
      } else if (isSeq(node)) {
        for (const item of node.items) todo.push(item)
      }
    }

    return out.sort((a, b) => a.line - b.line)
  }

  return {diagnostics: [], duplicateKeys, errors: [], lineOf, value}
}
