/**
 * What a Laravel config file (config/horizon.php) returns, read as data: array literals
 * (`[…]`, `array(…)`), strings, integers, booleans, null and `env('X', default)`, and the
 * file's own variables — `$default = env('DB_CONNECTION', 'pgsql');` used as `'default' =>
 * $default`, and `$config = [ … ]; $config['connections']['pgsql']['url'] = …; return $config;`.
 * A variable assigned inside a block (`if (…) { $config[…] = … }`) or by `.=`, `+=`, … is an
 * unknown value there. Anything else — a call, a constant, arithmetic — is an unknown value
 * with its line; the rest of the file is still read. PHP is never run. Not a PHP parser: a
 * file this reader cannot follow (no `return [` nor `return $var;`) reads as nothing, and the
 * caller says so.
 */
import type {Env} from '../../model/env.js'

export type PhpValue =
  | {kind: 'array'; entries: {key: number | string; line: number; value: PhpValue}[]; line: number}
  /** `via`: the env var an `env('X', …)` call read, when it is set; `env`: the variable it reads, set or not. */
  | {env?: string; kind: 'scalar'; line: number; value: boolean | null | number | string; via?: string}
  /** `reason`: why it cannot be known when that is more than the text (an env var set to a command's output). */
  | {kind: 'unknown'; line: number; reason?: string; text: string}

interface Token {
  line: number
  text: string
  type: 'name' | 'number' | 'punct' | 'string'
  value?: string
}

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let line = 1
  let i = 0
  const start = src.indexOf('<?php')
  if (start !== -1) {
    line += (src.slice(0, start).match(/\n/g) ?? []).length
    i = start + 5
  }

  while (i < src.length) {
    const c = src[i]
    if (c === '\n') {
      line++
      i++
    } else if (/\s/.test(c)) {
      i++
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < src.length && src[i] !== '\n') i++
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end === -1 ? src.length : end + 2
      line += (src.slice(i, stop).match(/\n/g) ?? []).length
      i = stop
    } else if (c === "'" || c === '"') {
      let j = i + 1
      let value = ''
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          value += src[j + 1] === c || src[j + 1] === '\\' ? src[j + 1] : src[j] + src[j + 1]
          j += 2
        } else {
          value += src[j++]
        }
      }

      out.push({line, text: src.slice(i, j + 1), type: 'string', value})
      line += (value.match(/\n/g) ?? []).length
      i = j + 1
    } else if (/\d/.test(c)) {
      const m = /^\d[\d_]*/.exec(src.slice(i))!
      out.push({line, text: m[0], type: 'number'})
      i += m[0].length
    } else if (/[A-Za-z_\\$]/.test(c)) {
      const m = /^[\\$A-Za-z_][\\\w]*/.exec(src.slice(i))!
      out.push({line, text: m[0], type: 'name'})
      i += m[0].length
    } else {
      const two = src.slice(i, i + 2)
      const p = two === '=>' || two === '::' || two === '??' ? two : c
      out.push({line, text: p, type: 'punct'})
      i += p.length
    }
  }

  return out
}

const isArrayStart = (tokens: Token[], k: number): boolean => tokens[k]?.text === '[' || (tokens[k]?.text.toLowerCase() === 'array' && tokens[k + 1]?.text === '(')
const isVariable = (t: Token | undefined): boolean => t?.type === 'name' && /^\$[A-Za-z_]\w*$/.test(t.text)

/** `$x['a']['b']` = value: `value` at that path below `base` (arrays made where missing). */
function setPath(base: PhpValue | undefined, keys: (number | string)[], value: PhpValue, line: number): PhpValue {
  if (keys.length === 0) return value
  const array: PhpValue = base?.kind === 'array' ? {...base, entries: [...base.entries]} : {entries: [], kind: 'array', line}
  const at = array.entries.findLastIndex((e) => e.key === keys[0])
  const entry = {key: keys[0], line, value: setPath(at === -1 ? undefined : array.entries[at].value, keys.slice(1), value, line)}
  if (at === -1) array.entries.push(entry)
  else array.entries[at] = entry
  return array
}

/** The value a config file returns, or undefined when it has no `return [` / `return array(` / `return $var;`. */
export function readPhpConfig(src: string, env: Env): PhpValue | undefined {
  const tokens = tokenize(src)
  /** The file's variables as assigned so far, in file order (a value reads those assigned before it). */
  const vars = new Map<string, PhpValue>()
  let pos = 0

  const peek = (): Token | undefined => tokens[pos]
  /** Skip to the end of the current element: the next `,` or closing bracket at depth 0. */
  const skipElement = (): string => {
    let depth = 0
    const from = pos
    while (pos < tokens.length) {
      const t = tokens[pos].text
      if (depth === 0 && (t === ',' || t === ']' || t === ')' || t === ';')) break
      if (t === '[' || t === '(') depth++
      if (t === ']' || t === ')') depth--
      pos++
    }

    return tokens
      .slice(from, pos)
      .map((t) => t.text)
      .join(' ')
  }

  /** The `=>` of the element starting at `from`, at its own depth, if it has one. */
  const arrowIn = (from: number): number | undefined => {
    let depth = 0
    for (let k = from; k < tokens.length; k++) {
      const t = tokens[k].text
      if (depth === 0 && t === '=>') return k
      if (depth === 0 && (t === ',' || t === ']' || t === ')' || t === ';')) return undefined
      if (t === '[' || t === '(') depth++
      if (t === ']' || t === ')') depth--
    }

    return undefined
  }

  const value = (): PhpValue => {
    const t = peek()
    if (!t) return {kind: 'unknown', line: tokens.at(-1)?.line ?? 1, text: ''}
    const start = pos
    let v: PhpValue | undefined
    if (t.text === '[' || (t.type === 'name' && t.text.toLowerCase() === 'array' && tokens[pos + 1]?.text === '(')) {
      v = array()
    } else if (t.type === 'string') {
      pos++
      v = {kind: 'scalar', line: t.line, value: t.value ?? ''}
    } else if (t.type === 'number') {
      pos++
      v = {kind: 'scalar', line: t.line, value: Number(t.text.replaceAll('_', ''))}
    } else if (t.type === 'name' && /^(true|false|null)$/i.test(t.text)) {
      pos++
      v = {kind: 'scalar', line: t.line, value: t.text.toLowerCase() === 'null' ? null : t.text.toLowerCase() === 'true'}
    } else if (t.type === 'name' && t.text === 'env' && tokens[pos + 1]?.text === '(' && tokens[pos + 2]?.type === 'string') {
      v = envCall(t)
    } else if (isVariable(t) && vars.has(t.text)) {
      pos++
      v = vars.get(t.text)
    }

    // Anything after a value that is not the end of the element (`10 * 2`, `env('X') ?: 3`) makes it unknown.
    const next = peek()?.text
    if (!v || (next !== ',' && next !== ']' && next !== ')' && next !== ';' && next !== undefined)) {
      pos = start
      return {kind: 'unknown', line: t.line, text: skipElement()}
    }

    return v
  }

  const envCall = (t: Token): PhpValue | undefined => {
    const name = tokens[pos + 2].value ?? ''
    pos += 3
    let fallback: PhpValue = {kind: 'scalar', line: t.line, value: null}
    if (peek()?.text === ',') {
      pos++
      fallback = value()
    }

    if (peek()?.text !== ')') return undefined
    pos++
    const set = env.get(name)
    // Set to a command's output conncalc does not run (`X=$(cmd)`): neither its value nor the fallback for an unset variable.
    if (set?.unknown) return {kind: 'unknown', line: t.line, reason: set.unknown, text: `env('${name}')`}
    if (set) {
      // Laravel's env() turns "true"/"false"/"null"/"(empty)" into their values and keeps other strings.
      const raw = set.value
      const mapped = /^\(?true\)?$/i.test(raw) ? true : /^\(?false\)?$/i.test(raw) ? false : /^\(?null\)?$/i.test(raw) ? null : /^\d+$/.test(raw) ? Number(raw) : raw
      return {env: name, kind: 'scalar', line: t.line, value: mapped, via: name}
    }

    return fallback.kind === 'scalar' ? {...fallback, env: name, line: t.line} : fallback
  }

  const array = (): PhpValue => {
    const open = tokens[pos]
    const close = open.text === '[' ? ']' : ')'
    pos += open.text === '[' ? 1 : 2
    const entries: {key: number | string; line: number; value: PhpValue}[] = []
    let index = 0
    while (pos < tokens.length && peek()?.text !== close) {
      const first = peek()!
      let key: number | string = index
      if ((first.type === 'string' || first.type === 'number') && tokens[pos + 1]?.text === '=>') {
        key = first.type === 'string' ? (first.value ?? '') : Number(first.text)
        pos += 2
      } else {
        const arrow = arrowIn(pos)
        if (arrow !== undefined) {
          // A computed key (`Str::slug(…) => …`): the value is kept under a key nothing looks up.
          pos = arrow + 1
          key = `?${first.line}`
        }
      }

      const before = pos
      const v = value()
      entries.push({key, line: first.line, value: v})
      if (typeof key === 'number') index = key + 1
      if (peek()?.text === ',') pos++
      else if (peek()?.text !== close) skipElement()
      // A stray token (a `)` where `]` closes): step over it, so the loop always moves on.
      if (pos === before || (peek()?.text !== close && tokens[pos - 1]?.text !== ',')) pos++
    }

    pos++
    return {entries, kind: 'array', line: open.line}
  }

  /** `['a'][0]…` after a variable at `k`: the literal keys and the index past them, else undefined. */
  const indexChain = (k: number): undefined | {end: number; keys: (number | string)[]} => {
    const keys: (number | string)[] = []
    let j = k
    while (tokens[j]?.text === '[' && (tokens[j + 1]?.type === 'string' || tokens[j + 1]?.type === 'number') && tokens[j + 2]?.text === ']') {
      keys.push(tokens[j + 1].type === 'string' ? (tokens[j + 1].value ?? '') : Number(tokens[j + 1].text))
      j += 3
    }

    return keys.length > 0 ? {end: j, keys} : undefined
  }

  // One pass over the file's statements: assignments to its variables, then the first `return` outside a block.
  let braces = 0
  let firstArrayReturn: number | undefined
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]
    if (t.text === '{') braces++
    else if (t.text === '}') braces = Math.max(0, braces - 1)
    else if (isVariable(t)) {
      const chain = indexChain(k + 1)
      const eq = chain ? chain.end : k + 1
      const assigns = tokens[eq]?.text === '=' && tokens[eq + 1]?.text !== '='
      // `$x .= …`, `$x += …`, `$x[] = …`, `$x['a'][$k] = …`: changed in a way not read.
      const changed = !assigns && ((tokens[eq]?.type === 'punct' && tokens[eq]?.text !== '=' && tokens[eq + 1]?.text === '=' && /^[.+\-*/%|&^]$|^\?\?$/.test(tokens[eq].text)) || (tokens[eq]?.text === '[' && tokens[eq + 1]?.text === ']'))
      if (assigns) {
        pos = eq + 1
        const v = value()
        const read: PhpValue = braces === 0 ? v : {kind: 'unknown', line: t.line, text: `${t.text} is assigned inside a block at line ${t.line}`}
        vars.set(t.text, chain ? setPath(vars.get(t.text), chain.keys, read, t.line) : read)
        k = pos - 1
      } else if (changed && vars.has(t.text)) {
        vars.set(t.text, chain ? setPath(vars.get(t.text), chain.keys, {kind: 'unknown', line: t.line, text: `changed at line ${t.line}`}, t.line) : {kind: 'unknown', line: t.line, text: `${t.text} is changed at line ${t.line}`})
      }
    } else if (t.type === 'name' && t.text.toLowerCase() === 'return') {
      if (braces === 0 && isArrayStart(tokens, k + 1)) {
        pos = k + 1
        return value()
      }

      if (braces === 0 && isVariable(tokens[k + 1]) && tokens[k + 2]?.text === ';') return vars.get(tokens[k + 1].text)
      if (firstArrayReturn === undefined && isArrayStart(tokens, k + 1)) firstArrayReturn = k + 1
    }
  }

  // Only a `return [` inside a block (a file wrapped in a closure or a condition): read it as before.
  if (firstArrayReturn === undefined) return undefined
  pos = firstArrayReturn
  return value()
}

/** The entry `key` of an array value. */
export function phpGet(v: PhpValue | undefined, key: string): PhpValue | undefined {
  return v?.kind === 'array' ? v.entries.findLast((e) => e.key === key)?.value : undefined
}

/** The keys and values of an array value, in order. */
export function phpEntries(v: PhpValue | undefined): {key: number | string; line: number; value: PhpValue}[] {
  return v?.kind === 'array' ? v.entries : []
}
