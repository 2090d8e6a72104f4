/**
 * JSON as .NET's configuration reads it (System.Text.Json with
 * `CommentHandling = Skip` and `AllowTrailingCommas = true`, in
 * Microsoft.Extensions.Configuration.Json's JsonConfigurationFileParser):
 * strict JSON plus `//` and `/* *\/` comments and a trailing comma before `}`
 * or `]`. Every value keeps its 1-based line. Anything else is an error with
 * its line, never a guess.
 */
export type JsoncValue =
  | {kind: 'array'; line: number; items: JsoncValue[]}
  | {kind: 'object'; line: number; entries: {key: string; keyLine: number; value: JsoncValue}[]}
  | {kind: 'scalar'; line: number; value: boolean | null | number | string}

export type JsoncResult = {error: {line: number; message: string}} | {value: JsoncValue}

class JsoncError extends Error {
  constructor(readonly line: number, message: string) {
    super(message)
  }
}

/** Objects and arrays nested deeper than this are refused rather than exhausting the stack. */
const MAX_DEPTH = 512

export function parseJsonc(text: string): JsoncResult {
  let i = text.charCodeAt(0) === 0xfe_ff ? 1 : 0
  let line = 1
  const fail = (message: string): never => {
    throw new JsoncError(line, message)
  }

  const skip = (): void => {
    for (;;) {
      const c = text[i]
      if (c === '\n') {
        line++
        i++
      } else if (c === ' ' || c === '\t' || c === '\r') i++
      else if (c === '/' && text[i + 1] === '/') {
        while (i < text.length && text[i] !== '\n') i++
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2)
        if (end === -1) fail('unterminated /* comment')
        for (let j = i; j < end; j++) if (text[j] === '\n') line++
        i = end + 2
      } else return
    }
  }

  const string = (): string => {
    i++ // opening quote
    let out = ''
    for (;;) {
      const c = text[i]
      if (c === undefined || c === '\n') fail('unterminated string')
      if (c === '"') {
        i++
        return out
      }

      if (c === '\\') {
        const e = text[i + 1]
        const simple: Record<string, string> = {'"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'}
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape')
          out += String.fromCharCode(Number.parseInt(hex, 16))
          i += 6
        } else if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e]
          i += 2
        } else fail(`invalid escape \\${e ?? ''}`)
      } else {
        if (c.charCodeAt(0) < 0x20) fail('control character in a string')
        out += c
        i++
      }
    }
  }

  const value = (depth: number): JsoncValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply')
    skip()
    const at = line
    const c = text[i]
    if (c === '{') {
      i++
      const entries: {key: string; keyLine: number; value: JsoncValue}[] = []
      skip()
      while (text[i] !== '}') {
        if (text[i] !== '"') fail('expected a property name in double quotes')
        const keyLine = line
        const key = string()
        skip()
        if (text[i] !== ':') fail(`expected ':' after "${key}"`)
        i++
        entries.push({key, keyLine, value: value(depth + 1)})
        skip()
        if (text[i] === ',') {
          i++
          skip()
        } else if (text[i] !== '}') fail("expected ',' or '}'")
      }

      i++
      return {entries, kind: 'object', line: at}
    }

    if (c === '[') {
      i++
      const items: JsoncValue[] = []
      skip()
      while (text[i] !== ']') {
        items.push(value(depth + 1))
        skip()
        if (text[i] === ',') {
          i++
          skip()
        } else if (text[i] !== ']') fail("expected ',' or ']'")
      }

      i++
      return {items, kind: 'array', line: at}
    }

    if (c === '"') return {kind: 'scalar', line: at, value: string()}
    const word = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))
    if (!word) fail(c === undefined ? 'unexpected end of file' : `unexpected \`${c}\``)
    i += word![0].length
    const w = word![0]
    return {kind: 'scalar', line: at, value: w === 'true' ? true : w === 'false' ? false : w === 'null' ? null : Number(w)}
  }

  try {
    const v = value(0)
    skip()
    if (i < text.length) fail('unexpected text after the end of the JSON value')
    return {value: v}
  } catch (error) {
    if (error instanceof JsoncError) return {error: {line: error.line, message: error.message}}
    throw error
  }
}
