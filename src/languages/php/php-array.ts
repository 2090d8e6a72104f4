/**
 * The `return [ … ];` of a Laravel config file (config/horizon.php), read as data: array
 * literals (`[…]`, `array(…)`), strings, integers, booleans, null and `env('X', default)`.
 * Anything else — a call, a constant, arithmetic — is an unknown value with its line; the
 * rest of the file is still read. PHP is never run. Not a PHP parser: a file this reader
 * cannot follow (no `return [`) reads as nothing, and the caller says so.
 */
import type {Env} from '../../model/env.js'

export type PhpValue =
  | {kind: 'array'; entries: {key: number | string; line: number; value: PhpValue}[]; line: number}
  /** `via`: the env var an `env('X', …)` call read, when it is set. */
  | {kind: 'scalar'; line: number; value: boolean | null | number | string; via?: string}
  | {kind: 'unknown'; line: number; text: string}

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

/** The value a config file returns, or undefined when it has no `return [` / `return array(`. */
export function readPhpConfig(src: string, env: Env): PhpValue | undefined {
  const tokens = tokenize(src)
  const at = tokens.findIndex((t, k) => t.type === 'name' && t.text.toLowerCase() === 'return' && (tokens[k + 1]?.text === '[' || tokens[k + 1]?.text.toLowerCase() === 'array'))
  if (at === -1) return undefined
  let pos = at + 1

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
    if (set) {
      // Laravel's env() turns "true"/"false"/"null"/"(empty)" into their values and keeps other strings.
      const raw = set.value
      const mapped = /^\(?true\)?$/i.test(raw) ? true : /^\(?false\)?$/i.test(raw) ? false : /^\(?null\)?$/i.test(raw) ? null : /^\d+$/.test(raw) ? Number(raw) : raw
      return {kind: 'scalar', line: t.line, value: mapped, via: name}
    }

    return fallback.kind === 'scalar' ? {...fallback, line: t.line} : fallback
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
