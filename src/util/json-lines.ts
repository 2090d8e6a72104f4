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
 * The line of the key at `path` (`['formation', 'web', 'quantity']`), found by
 * looking for each key after the previous one; 1 when it cannot be found.
 */
export function jsonKeyLine(text: string, path: readonly string[]): number {
  const lines = text.split('\n')
  let from = 0
  let found = -1
  for (const key of path) {
    const needle = JSON.stringify(key)
    const i = lines.findIndex((l, n) => {
      if (n < from) return false
      const at = l.indexOf(needle)
      return at !== -1 && /^\s*:/.test(l.slice(at + needle.length))
    })
    if (i === -1) return found === -1 ? 1 : found + 1
    found = i
    from = i
  }

  return found + 1
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
