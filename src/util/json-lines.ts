/**
 * Line numbers for JSON files, which JSON.parse does not give: where a syntax
 * error is (Node 20's messages often carry no position and quote the input,
 * which may hold secrets), and where a key is written.
 */
import {lineAt} from './lines.js'

/** The 1-based line of the first syntax error in `text`, or undefined if it is valid JSON. */
export function jsonErrorLine(text: string): number | undefined {
  const offset = jsonErrorOffset(text)
  return offset === undefined ? undefined : lineAt(text, offset)
}

/**
 * Where the first syntax error in `text` is (1-based line and column) and why,
 * as JSON.parse says it — without the part of its message that quotes the input
 * (`…, "{\"a\":…" is not valid JSON`) or counts characters. Undefined when valid.
 */
export function jsonSyntaxError(text: string): undefined | {col: number; line: number; message: string} {
  const offset = jsonErrorOffset(text)
  if (offset === undefined) return undefined
  let reason = 'invalid JSON'
  try {
    JSON.parse(text)
  } catch (error) {
    reason = (error as Error).message
      .replace(/,\s*(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
      .replace(/\s*in JSON at position \d+(?: \(line \d+ column \d+\))?$/, '')
      .replace(/^Unexpected end of JSON input$/, 'the text ends before the JSON does')
  }

  return {col: offset - text.lastIndexOf('\n', offset - 1), line: lineAt(text, offset), message: reason}
}

/**
 * The line of the key at `path` (`['formation', 'web', 'quantity']`): each key is
 * looked for at or after the line of the previous one; 1 when it cannot be found.
 * The keys of a text are indexed once (a `heroku config --json` with 30,000 keys
 * took 15 s when each lookup split and scanned the whole text).
 */
export function jsonKeyLine(text: string, path: readonly string[]): number {
  const index = keyIndex(text)
  let found = -1
  for (const key of path) {
    const lines = index.get(key)
    const at = lines ? firstAtOrAfter(lines, Math.max(found, 1)) : undefined
    if (at === undefined) return found === -1 ? 1 : found
    found = at
  }

  return found === -1 ? 1 : found
}

const indexes = new Map<string, Map<string, number[]>>()

/** Every object key of a JSON text → the lines it is written on, ascending. One pass, strings skipped whole. */
function keyIndex(text: string): Map<string, number[]> {
  const cached = indexes.get(text)
  if (cached) return cached
  const index = new Map<string, number[]>()
  let line = 1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10) line++
    if (c !== 34) continue
    const start = i
    const startLine = line
    for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) {
      if (text.charCodeAt(i) === 92) i++
      else if (text.charCodeAt(i) === 10) line++
    }

    let k = i + 1
    while (k < text.length && ' \t\r\n'.includes(text[k])) k++
    if (text[k] !== ':') continue
    let key: unknown
    try {
      key = JSON.parse(text.slice(start, i + 1))
    } catch {
      continue
    }

    const list = index.get(key as string)
    if (list) list.push(startLine)
    else index.set(key as string, [startLine])
  }

  // A run reads a handful of JSON files: keep the last few indexes.
  if (indexes.size >= 8) indexes.delete(indexes.keys().next().value!)
  indexes.set(text, index)
  return index
}

/** The first value ≥ `min` in an ascending list (binary search), or undefined. */
function firstAtOrAfter(sorted: number[], min: number): number | undefined {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if (sorted[mid] < min) lo = mid + 1
    else hi = mid
  }

  return sorted[lo]
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[Ee][+-]?\d+)?/y

/** Offset of the first character that breaks the JSON grammar (RFC 8259). */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0
  const n = text.length
  const fail = (): never => {
    throw new JsonSyntax(i)
  }

  const ws = (): void => {
    while (i < n && ' \t\n\r'.includes(text[i])) i++
  }

  const string = (): void => {
    i++ // opening quote
    while (i < n) {
      const c = text[i]
      if (c === '"') {
        i++
        return
      }

      if (c === '\\') {
        i++
        if (i < n && '"\\/bfnrt'.includes(text[i])) i++
        else if (text[i] === 'u' && /^[\dA-Fa-f]{4}$/.test(text.slice(i + 1, i + 5))) i += 5
        else fail()
      } else if (c < ' ') {
        fail()
      } else {
        i++
      }
    }

    fail()
  }

  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']'
      i++
      ws()
      if (text[i] === close) {
        i++
        return
      }

      for (;;) {
        if (c === '{') {
          ws()
          if (text[i] !== '"') fail()
          string()
          ws()
          if (text[i] !== ':') fail()
          i++
        }

        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === close) {
          i++
          return
        } else fail()
      }
    }

    if (c === '"') return string()
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length
        return
      }
    }

    NUMBER.lastIndex = i
    if (NUMBER.exec(text)) {
      i = NUMBER.lastIndex
      return
    }

    fail()
  }

  try {
    value()
    ws()
    if (i < n) fail()
    return undefined
  } catch (error) {
    if (error instanceof JsonSyntax) return error.offset
    return 0 // nesting too deep to walk: point at the start
  }
}

class JsonSyntax {
  constructor(readonly offset: number) {}
}
