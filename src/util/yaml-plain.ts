/**
 * A reader for the plain YAML most config files are written in (database.yml, sidekiq.yml,
 * render.yaml, app.json-like .yml): block mappings and sequences of one-line scalars, a mapping
 * anchored with `&name` and merged with `<<: *name`. It gives exactly the value and the key lines
 * the `yaml` package gives as util/yaml.ts uses it (YAML 1.2's core schema: `yes` is a string,
 * `0o17` octal; merge keys on), and reads nothing it is not sure of: anything else — flow
 * collections, block scalars, multi-line or escaped quoted scalars, tags, aliases other than a
 * merge's, anchors on anything but a block mapping, directives, several documents, keys written
 * twice, keys that are not strings or plain decimal integers, tabs and control characters — is
 * left to the `yaml` package (undefined here). The package's first parses of a run cost more than
 * the rest of a Rails app's YAML reading (≈ 20 M instructions of a first `conncalc plan` on the
 * README's example); test/util/yaml-plain.test.ts and test/util/yaml-plain-corpus.ts check the
 * two readers agree on every file this one reads.
 */
/** util/yaml.ts's YamlPath (not imported: util/yaml.ts imports this module). */
type YamlPath = ReadonlyArray<number | string>

export interface PlainYaml {
  /** 1-based line of the key at `path` (or of the item, for sequences), as util/yaml.ts's lineOf answers. */
  lineOf(path: YamlPath): number | undefined
  value: unknown
}

interface Scalar {
  kind: 'scalar'
  line: number
  value: unknown
}

interface Seq {
  items: YNode[]
  kind: 'seq'
  line: number
}

interface Pair {
  /** The key as the yaml package's toJS gives it (a string or an integer); a merge key (`<<`) has none. */
  key: number | string | undefined
  line: number
  value: YNode
}

interface YMap {
  kind: 'map'
  line: number
  pairs: Pair[]
}

type YNode = Scalar | Seq | YMap

interface Line {
  indent: number
  no: number
  text: string
}

/** Thrown (and caught in readPlainYaml) where the text leaves this reader's subset. */
const HAND_OFF: unique symbol = Symbol('hand off to the yaml package')
const handOff = (): never => {
  throw HAND_OFF // a marker caught in readPlainYaml, never seen outside
}

/** Tabs, carriage returns, other control characters, NEL, line separators and a byte order mark. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNREAD_CHARACTERS = /[\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/
/** A comment, or nothing, after a value: the rest of its line. */
const NOTHING_MORE = /^(?: +(?:#.*)?)?$/
const NAME = /^[\w-]+$/
const MAX_DEPTH = 100

/** `s` without the spaces at its end (only spaces: YAML's white space here; tabs are handed off). */
function trimSpaces(s: string): string {
  let end = s.length
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--
  return s.slice(0, end)
}

const isSeqItem = (text: string): boolean => text === '-' || text.startsWith('- ')

/**
 * Whether a plain scalar may start with `s`'s first character in block context: not an indicator
 * (YAML 1.2 §7.3.3), or `-`, `?` or `:` followed by something other than a space.
 */
function plainStart(s: string): boolean {
  const c = s[0]
  if (c === undefined || '[]{},#&*!|>\'"%@`'.includes(c)) return false
  if (c === '-' || c === '?' || c === ':') return s.length > 1 && s[1] !== ' '
  return true
}

/**
 * A plain scalar's value by YAML 1.2's core schema, as the yaml package resolves it (its
 * schema/common/null.js, core/bool.js, core/int.js and core/float.js, tried in that order).
 */
function corePlain(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T'
  if (/^0o[0-7]+$/.test(s)) return Number.parseInt(s.slice(2), 8)
  if (/^[-+]?[0-9]+$/.test(s)) return Number.parseInt(s, 10)
  if (/^0x[0-9a-fA-F]+$/.test(s)) return Number.parseInt(s.slice(2), 16)
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }

  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return Number.parseFloat(s)
  return s
}

/** A one-line quoted scalar at the start of `t`: its value and the offset after its closing quote. */
function quoted(t: string): {end: number; value: string} {
  if (t[0] === '"') {
    const close = t.indexOf('"', 1)
    const value = close === -1 ? handOff() : t.slice(1, close)
    if (value.includes('\\')) handOff()
    return {end: close + 1, value}
  }

  let value = ''
  for (let at = 1; ; ) {
    const close = t.indexOf("'", at)
    if (close === -1) handOff()
    value += t.slice(at, close)
    if (t[close + 1] !== "'") return {end: close + 1, value}
    value += "'"
    at = close + 2
  }
}

/** The value of a scalar written on one line (`v`: from its first character to the line's end). */
function scalar(v: string): unknown {
  if (v[0] === '"' || v[0] === "'") {
    const {end, value} = quoted(v)
    if (!NOTHING_MORE.test(v.slice(end))) handOff()
    return value
  }

  if (!plainStart(v)) handOff()
  const comment = v.indexOf(' #')
  const s = trimSpaces(comment === -1 ? v : v.slice(0, comment))
  if (s.includes(': ') || s.endsWith(':')) handOff()
  return corePlain(s)
}

/** Whether `t` (a sequence item's text after `- `) starts a mapping: a key and `:` then a space or the end. */
const startsMapping = (t: string): boolean => (t[0] === '"' || t[0] === "'" ? /^(?:"[^"\\]*"|'(?:[^']|'')*'):(?: |$)/.test(t) : /:(?: |$)/.test(t))

/** The YAML text's value and key lines, or undefined when it is not in this reader's subset. */
export function readPlainYaml(text: string): PlainYaml | undefined {
  if (UNREAD_CHARACTERS.test(text)) return undefined
  const lines: Line[] = []
  let started = false
  const raw = text.split('\n')
  for (const [i, s] of raw.entries()) {
    let indent = 0
    while (s.charCodeAt(indent) === 32) indent++
    if (indent === s.length || s[indent] === '#') continue // blank, or a comment
    if (indent === 0 && (s[0] === '%' || s.startsWith('...'))) return undefined // a directive, a document's end
    if (indent === 0 && s.startsWith('---')) {
      // One document start, before any content: `---` alone or with a comment.
      if (started || lines.length > 0 || !NOTHING_MORE.test(s.slice(3))) return undefined
      started = true
      continue
    }

    lines.push({indent, no: i + 1, text: s.slice(indent)})
  }

  if (lines.length === 0) return undefined
  const anchors = new Map<string, YMap>()
  let merges = 0
  let digitKeys = false
  let at = 0
  let depth = 0

  /** A key of a mapping: its value as the yaml package's toJS gives it, or undefined for a merge (`<<`), and the text after its `:`. */
  const splitKey = (t: string): {key: number | string | undefined; rest: string} => {
    let key: number | string | undefined
    let after: number
    if (t[0] === '"' || t[0] === "'") {
      const q = quoted(t)
      if (t[q.end] !== ':' || q.value === '<<') handOff()
      key = q.value
      after = q.end + 1
    } else {
      let colon = t.indexOf(':')
      while (colon !== -1 && colon + 1 < t.length && t[colon + 1] !== ' ') colon = t.indexOf(':', colon + 1)
      if (colon <= 0) handOff()
      const k = t.slice(0, colon)
      if (k.endsWith(' ') || k.includes(' #') || k.length > 1000 || !plainStart(k)) handOff()
      if (k === '<<') {
        key = undefined
      } else {
        const v = corePlain(k)
        // Strings, and integers written plainly (`404:`): any other key (true, null, 0x1F, 1.5, 007) is the package's.
        if (!(typeof v === 'string' || (typeof v === 'number' && /^(?:0|[1-9][0-9]{0,14})$/.test(k)))) handOff()
        key = v as number | string
      }

      after = colon + 1
    }

    const rest = t.slice(after)
    if (rest !== '' && rest[0] !== ' ') handOff()
    if (key === '__proto__') handOff()
    if (key !== undefined && /^[0-9]+$/.test(String(key))) digitKeys = true
    return {key, rest}
  }

  const node = (indent: number): YNode => (isSeqItem(lines[at].text) ? seq(indent) : map(indent))

  /** The line after a value written on its key's or item's line: none may be more indented. */
  const noMoreIndented = (indent: number): void => {
    if (at < lines.length && lines[at].indent > indent) handOff()
  }

  const map = (indent: number, first?: {no: number; text: string}): YMap => {
    if (++depth > MAX_DEPTH) handOff()
    const result: YMap = {kind: 'map', line: first?.no ?? lines[at].no, pairs: []}
    const seen = new Set<string>()
    let merged = false
    for (let line = first; ; line = undefined) {
      if (!line) {
        const next = lines[at]
        if (!next || next.indent < indent) break
        if (next.indent > indent) handOff()
        if (isSeqItem(next.text)) break
        line = next
        at++
      }

      const {key, rest} = splitKey(line.text)
      if (key === undefined) {
        if (merged) handOff()
        merged = true
      } else if (seen.has(String(key))) {
        handOff() // written twice: the package keeps the last value but the first line
      } else {
        seen.add(String(key))
      }

      const v = rest.replace(/^ +/, '')
      let value: YNode
      if (v === '' || v[0] === '#') {
        const next = lines[at]
        if (next && next.indent > indent) value = node(next.indent)
        else if (next && next.indent === indent && isSeqItem(next.text)) value = seq(indent)
        else value = {kind: 'scalar', line: line.no, value: null}
      } else if (v[0] === '&') {
        // An anchored mapping, on the lines below: `default: &default`.
        const name = /^&(\S+)/.exec(v)![1]
        const next = lines[at]
        if (!NAME.test(name) || !NOTHING_MORE.test(v.slice(name.length + 1)) || anchors.has(name) || !next || next.indent <= indent || isSeqItem(next.text)) handOff()
        value = map(next.indent)
        anchors.set(name, value as YMap)
      } else if (v[0] === '*' && key === undefined) {
        // `<<: *default`: the anchored mapping, written (and complete) above.
        const name = /^\*(\S+)/.exec(v)![1]
        const target = NAME.test(name) && NOTHING_MORE.test(v.slice(name.length + 1)) ? anchors.get(name) : undefined
        value = target ?? handOff()
        noMoreIndented(indent)
      } else {
        value = {kind: 'scalar', line: line.no, value: scalar(v)}
        noMoreIndented(indent)
      }

      if (key === undefined) {
        if (value.kind !== 'map') handOff() // the package throws: merge sources must be mappings
        merges++
      }

      result.pairs.push({key, line: line.no, value})
    }

    depth--
    return result
  }

  const seq = (indent: number): Seq => {
    if (++depth > MAX_DEPTH) handOff()
    const result: Seq = {items: [], kind: 'seq', line: lines[at].no}
    for (let next = lines[at]; next && next.indent >= indent; next = lines[at]) {
      if (next.indent > indent) handOff()
      if (!isSeqItem(next.text)) break
      at++
      let column = 1
      while (next.text[column] === ' ') column++
      const rest = next.text.slice(column)
      // `-` alone (the item on the lines below), `- - x`, `- # …`: the package's.
      if (rest === '' || rest[0] === '#' || isSeqItem(rest)) handOff()
      if (startsMapping(rest)) {
        result.items.push(map(indent + column, {no: next.no, text: rest}))
      } else {
        result.items.push({kind: 'scalar', line: next.no, value: scalar(rest)})
        noMoreIndented(indent)
      }
    }

    depth--
    return result
  }

  let root: YNode
  try {
    root = node(lines[0].indent)
    if (at !== lines.length) handOff()
    // A merge copies keys by their string; a key of digits orders objects apart from the yaml package's Map of the merged mapping.
    if (merges > 0 && digitKeys) handOff()
    if (merges > 100) handOff()
  } catch (error) {
    if (error === HAND_OFF) return undefined
    throw error
  }

  return {lineOf: (path) => lineOf(root, path), value: toJS(root)}
}

/**
 * The node's value as the yaml package's toJS gives it (addPairToJSMap, merge.js): a key written
 * in the mapping sets its value; a merge adds each key of its mapping the mapping does not have yet.
 */
function toJS(node: YNode): unknown {
  if (node.kind === 'scalar') return node.value
  if (node.kind === 'seq') return node.items.map((item) => toJS(item))
  const out: Record<string, unknown> = {}
  for (const pair of node.pairs) {
    if (pair.key === undefined) {
      const merged = toJS(pair.value) as Record<string, unknown>
      for (const key of Object.keys(merged)) if (!Object.hasOwn(out, key)) out[key] = merged[key]
    } else {
      out[String(pair.key)] = toJS(pair.value)
    }
  }

  return out
}

/** util/yaml.ts's findPair: the mapping's own key first, then its merged mappings' in order. */
function findPair(node: YNode, key: number | string, depth = 0): Pair | undefined {
  if (depth > 100 || node.kind !== 'map') return undefined
  for (const pair of node.pairs) {
    if (pair.key !== undefined && (pair.key === key || (typeof pair.key === 'number' && String(pair.key) === String(key)))) return pair
  }

  for (const pair of node.pairs) {
    if (pair.key !== undefined) continue
    const found = findPair(pair.value, key, depth + 1)
    if (found) return found
  }

  return undefined
}

/** util/yaml.ts's findLine. */
function lineOf(root: YNode, path: YamlPath): number | undefined {
  let node = root
  let line: number | undefined
  for (const seg of path) {
    if (typeof seg === 'number' && node.kind === 'seq') {
      const item = node.items[seg] as undefined | YNode
      if (item === undefined) return undefined
      line = item.line
      node = item
      continue
    }

    const pair = findPair(node, seg)
    if (!pair) return undefined
    line = pair.line
    node = pair.value
  }

  return line
}
