/**
 * Control characters from input, made visible. A Procfile command, a type or
 * app name, a path, an env value or a string a server sends may hold ESC
 * (terminal escape sequences: colours, cursor moves, an OSC title change), a
 * bare CR (the rest of the line overwrites what came before it) or a newline
 * (a new line that starts with `::error::` is a workflow command in a GitHub
 * Actions log). Every view prints such strings escaped, as `\e`, `\r`, `\n`,
 * `\xHH` or `\uHHHH`.
 *
 * Escaped: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F; U+009B is a one-byte
 * CSI to some terminals), the Unicode line and paragraph separators, and the
 * bidirectional overrides and isolates (text that reads differently from what
 * it is, CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g
const NAMED: Record<string, string> = {'\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001B': '\\e'}

const visible = (c: string): string => {
  const named = NAMED[c]
  if (named) return named
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** One string with its control characters shown as escapes (unchanged when it has none). */
export const escapeControls = (s: string): string => (CONTROL.test(s) ? s.replaceAll(CONTROLS, visible) : s)

/**
 * A copy of `value` with every string in it (array items, object values and
 * keys) passed through escapeControls: what a human view renders. Shared
 * objects stay shared in the copy (one copy each), so views that compare
 * identities still can; values that are neither plain objects nor arrays are
 * kept as they are. Iterative, so a deep structure cannot overflow the stack.
 * When no string in it needs escaping (nearly always) `value` itself is
 * returned: one read-only walk instead of a copy — a 100,000-type Procfile's
 * report is millions of objects, and copying them took most of the run.
 */
export function escapeStrings<T>(value: T): T {
  return hasControls(value) ? escapedCopy(value) : value
}

/**
 * Whether any string in `value` (keys included) has a character escapeControls changes.
 * A shared object is walked once per reference, as JSON.stringify would (a Set of millions
 * of visited objects cost 8× the walk). The walk recurses (a 100,000-type report is 15 million
 * values: an explicit stack of them and an Object.keys array per object doubled its cost); a
 * structure deeper than MAX_DEPTH, or past 2^23 objects (a cycle, or a DAG that would blow up),
 * is walked again by walkedHasControls, which ends on any shape.
 */
export function hasControls(value: unknown): boolean {
  left = 1 << 23
  const found = scan(value, 0)
  return found === GAVE_UP ? walkedHasControls(value) : found === FOUND
}

const CLEAN = 0
const FOUND = 1
const GAVE_UP = 2
/** Clean, and can never change: a primitive, or a frozen object or array holding only such values. */
const SEALED = 3
const MAX_DEPTH = 1000
/** Objects scan may still enter in this walk. */
let left = 0

/**
 * Frozen objects found SEALED: skipped by every later walk. The sources and sourced values every
 * process type shares are frozen (model/source.ts): a 100,000-type report reaches ~900,000 of them,
 * which hold half of its strings.
 */
const sealed = new WeakSet<object>()

/** Keys found clean: the report's field names, the same few dozen in every object (a Set lookup is cheaper than the regex). */
const cleanKeys = new Set<string>()
const MAX_CLEAN_KEYS = 4096

function scan(v: unknown, depth: number): number {
  if (typeof v === 'string') return CONTROL.test(v) ? FOUND : SEALED
  if (v === null || typeof v !== 'object') return SEALED
  const frozen = Object.isFrozen(v)
  if (frozen && sealed.has(v)) return SEALED
  if (--left < 0 || depth > MAX_DEPTH) return GAVE_UP
  let all = frozen
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = scan(v[i], depth + 1)
      if (found === FOUND || found === GAVE_UP) return found
      if (found !== SEALED) all = false
    }
  } else {
    if (!isPlain(v)) return CLEAN
    // for…in on a plain object is its own keys (nothing enumerable is inherited from Object.prototype
    // or null; were it, it is only checked too), without allocating a keys array per object.
    for (const k in v) {
      if (!cleanKeys.has(k)) {
        if (CONTROL.test(k)) return FOUND
        if (cleanKeys.size < MAX_CLEAN_KEYS) cleanKeys.add(k)
      }

      const found = scan((v as Record<string, unknown>)[k], depth + 1)
      if (found === FOUND || found === GAVE_UP) return found
      if (found !== SEALED) all = false
    }
  }

  if (!all) return CLEAN
  sealed.add(v)
  return SEALED
}

/** hasControls with an explicit stack; past 2^23 objects it goes on with a Set of those it saw, so a cycle or a blown-up DAG ends. */
function walkedHasControls(value: unknown): boolean {
  const todo: unknown[] = [value]
  let budget = 1 << 23
  let seen: Set<object> | undefined
  while (todo.length > 0) {
    const v = todo.pop()
    if (typeof v === 'string') {
      if (CONTROL.test(v)) return true
      continue
    }

    if (v === null || typeof v !== 'object') continue
    if (seen) {
      if (seen.has(v)) continue
      seen.add(v)
    } else if (--budget === 0) {
      seen = new Set()
    }

    if (Array.isArray(v)) {
      for (const item of v) todo.push(item)
    } else if (isPlain(v)) {
      for (const k of Object.keys(v)) {
        if (CONTROL.test(k)) return true
        todo.push((v as Record<string, unknown>)[k])
      }
    }
  }

  return false
}

function escapedCopy<T>(value: T): T {
  const copies = new Map<object, object>()
  const root = {value} as Record<string, unknown>
  const todo: [Record<string, unknown> | unknown[], string | number, unknown][] = []
  const out = {} as Record<string, unknown>
  todo.push([out, 'value', root.value])
  while (todo.length > 0) {
    const [target, key, v] = todo.pop()!
    let copy: unknown = v
    if (typeof v === 'string') copy = escapeControls(v)
    else if (v !== null && typeof v === 'object') {
      const seen = copies.get(v)
      if (seen) copy = seen
      else if (Array.isArray(v)) {
        const arr: unknown[] = Array.from({length: v.length})
        copies.set(v, arr)
        for (let i = 0; i < v.length; i++) todo.push([arr, i, v[i]])
        copy = arr
      } else if (isPlain(v)) {
        const obj: Record<string, unknown> = Object.create(Object.getPrototypeOf(v)) as Record<string, unknown>
        copies.set(v, obj)
        for (const [k, item] of Object.entries(v)) todo.push([obj, escapeControls(k), item])
        copy = obj
      }
    }

    ;(target as Record<string | number, unknown>)[key] = copy
  }

  return out.value as T
}

const isPlain = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null
}

// eslint-disable-next-line no-control-regex
const SGR_OR_CONTROL = /\u001B\[[0-9;]*m|[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/**
 * The last guard before text leaves conncalc (standard output, standard error,
 * --output): every control character but the newline is escaped, except the
 * colour codes conncalc itself adds (`keepColour`) and the tab; and, outside the GitHub
 * view, a line whose text starts with `::` gets a backslash before it, so no
 * input can become a workflow command (the runner reads a command from any
 * line whose trimmed text starts with `::`). Views escape what they take from
 * input (escapeStrings); this catches any path that forgot.
 */
export function safeOutput(text: string, options: {keepColour: boolean; workflowCommands?: boolean}): string {
  const escaped = text.replaceAll(SGR_OR_CONTROL, (m) => (m.length > 1 ? (options.keepColour ? m : escapeControls(m)) : visible(m)))
  if (options.workflowCommands) return escaped
  // eslint-disable-next-line no-control-regex
  return escaped.replaceAll(/^([ \t]*(?:\u001B\[[0-9;]*m)*[ \t]*)::/gm, '$1\\::')
}
