/**
 * HOCON (Lightbend Config: Play's conf/application.conf) read as data, for the few keys that
 * decide connections: `a.b = v`, `a.b: v`, `a { b = v }`, `a = { … }`, quoted keys and
 * strings (`"…"`, `"""…"""`), `#` and `//` comments, `include "x.conf"` / `include
 * file("…")` / `include classpath("…")` / `include required(…)`, and substitutions: `${x}`
 * and `${?X}` read a path set earlier, else the env (HOCON's fallback), and `${?X}` with
 * neither leaves the key as it was. Arrays and `+=` are skipped (no connection setting is
 * one). A substitution of a path set later in the file, which Lightbend Config resolves
 * after merging, is read as the value set so far: a rare shape in application.conf.
 * Spec: https://github.com/lightbend/config/blob/main/HOCON.md
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {Source} from '../../model/source.js'

export interface HoconValue {
  file: string
  line: number
  /** null for `key = null`; undefined when a required substitution had no value. */
  value: null | string | undefined
  /** Env vars a substitution read. */
  via: Source[]
  /** The substitution that had no value (`${DB_POOL}` with DB_POOL unset anywhere). */
  unresolved?: string
  /** `${?X}` lines after the value whose X is unset here: they would replace it where X is set. */
  unsetOverrides?: string[]
}

interface Token {
  line: number
  /** `str`: quoted; `word`: unquoted text; `sub`: ${…}; `ws`: spaces between parts of one value. */
  type: 'nl' | 'punct' | 'str' | 'sub' | 'word' | 'ws'
  text: string
}

const PUNCT = new Set(['{', '}', '[', ']', '=', ':', ',', '(', ')'])

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '\n') {
      out.push({line, text: '\n', type: 'nl'})
      line++
      i++
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      let j = i
      while (j < text.length && /[ \t\r\uFEFF]/.test(text[j])) j++
      out.push({line, text: text.slice(i, j), type: 'ws'})
      i = j
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++
    } else if (text.startsWith('"""', i)) {
      const end = text.indexOf('"""', i + 3)
      const stop = end === -1 ? text.length : end
      out.push({line, text: text.slice(i + 3, stop), type: 'str'})
      line += (text.slice(i, stop).match(/\n/g) ?? []).length
      i = stop + 3
    } else if (c === '"') {
      let j = i + 1
      let value = ''
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') {
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[j + 1]
          value += ({n: '\n', t: '\t'} as Record<string, string>)[e] ?? e
          j += 2
        } else value += text[j++]
      }

      out.push({line, text: value, type: 'str'})
      i = j + 1
    } else if (c === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i)
      const stop = end === -1 ? text.length : end
      out.push({line, text: text.slice(i + 2, stop).trim(), type: 'sub'})
      i = stop + 1
    } else if (c === '+' && text[i + 1] === '=') {
      out.push({line, text: '+=', type: 'punct'})
      i += 2
    } else if (PUNCT.has(c)) {
      out.push({line, text: c, type: 'punct'})
      i++
    } else {
      let j = i
      while (j < text.length && !/[\s{}[\]=:,()"#+$]/.test(text[j]) && !text.startsWith('//', j)) j++
      // A lone `+` or `$` not starting `+=` / `${`: part of the word.
      if (j === i) j++
      out.push({line, text: text.slice(i, j), type: 'word'})
      i = j
    }
  }

  return out
}

/** Unquoted key parts split on `.`; quoted parts are one element each. */
function keyPath(parts: Token[]): string[] {
  const out: string[] = []
  let current = ''
  let open = false
  for (const p of parts) {
    if (p.type === 'str') {
      current += p.text
      open = true
    } else if (p.type === 'word') {
      const pieces = p.text.split('.')
      current += pieces[0]
      for (const piece of pieces.slice(1)) {
        out.push(current)
        current = piece
      }

      open = true
    }
  }

  if (open) out.push(current)
  return out
}

export interface HoconFiles {
  read(path: string): undefined | {path: string; text: string}
}

/**
 * Every key the file (and what it includes) sets, by dotted path, later wins. `resolveInclude`
 * maps an include's argument to a file path (relative to the including file for `"x"` and
 * `file(…)`, the classpath root for `classpath(…)`).
 */
export class HoconConfig {
  readonly diagnostics: Diagnostic[] = []
  readonly values = new Map<string, HoconValue>()

  constructor(
    private readonly files: HoconFiles,
    private readonly env: Env,
    private readonly classpathRoot: string,
  ) {}

  /** Reads one file into the config; false when it is not there. */
  load(path: string, depth = 0): boolean {
    const file = this.files.read(path)
    if (!file || depth > 8) return false
    const tokens = tokenize(file.text)
    this.object(tokens, {pos: 0}, [], file.path, depth, undefined)
    return true
  }

  private include(spec: Token[], from: string, depth: number): void {
    const words = spec.filter((t) => t.type === 'word').map((t) => t.text)
    const arg = spec.find((t) => t.type === 'str')?.text
    if (arg === undefined) return
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : ''
    const kind = words.find((w) => w === 'classpath' || w === 'file' || w === 'url')
    if (kind === 'url') return
    const path = kind === 'classpath' ? `${this.classpathRoot}${arg.replace(/^\//, '')}` : kind === 'file' ? arg.replace(/^\.\//, '') : `${dir}${arg}`
    // An include without an extension reads name.conf (and .json/.properties, not read here).
    const found = this.load(path, depth + 1) || (!/\.\w+$/.test(path) && this.load(`${path}.conf`, depth + 1))
    if (!found && words.includes('required')) this.diagnostics.push({code: 'missing-config', file: from, line: spec[0]?.line, message: `\`include required(…)\` names ${path}, which does not exist: the app would fail to start`, severity: 'warning'})
  }

  /** The fields of an object until `close` (or the end): assignments, nested objects, includes. */
  private object(tokens: Token[], at: {pos: number}, prefix: string[], file: string, depth: number, close: string | undefined): void {
    while (at.pos < tokens.length) {
      const t = tokens[at.pos]
      if (t.type === 'nl' || t.type === 'ws' || t.text === ',') {
        at.pos++
        continue
      }

      if (close && t.text === close) {
        at.pos++
        return
      }

      if (t.type === 'word' && t.text === 'include' && tokens[at.pos + 1]?.type === 'ws') {
        const spec: Token[] = []
        at.pos += 2
        while (at.pos < tokens.length && tokens[at.pos].type !== 'nl' && tokens[at.pos].text !== ',' && tokens[at.pos].text !== '}') spec.push(tokens[at.pos++])
        this.include(spec, file, depth)
        continue
      }

      // The key: words and strings up to a separator or `{`.
      const keyParts: Token[] = []
      while (at.pos < tokens.length && !['=', ':', '{', '+=', '}', '\n', ','].includes(tokens[at.pos].text)) keyParts.push(tokens[at.pos++])
      const path = [...prefix, ...keyPath(keyParts)]
      const sep = tokens[at.pos]
      if (!sep || keyParts.length === 0 || path.length === prefix.length) {
        at.pos++
        continue
      }

      if (sep.text === '{') {
        at.pos++
        this.object(tokens, at, path, file, depth, '}')
        continue
      }

      if (sep.text !== '=' && sep.text !== ':' && sep.text !== '+=') {
        // A key with no value (`}` or a line end): not HOCON; step over.
        continue
      }

      at.pos++
      while (tokens[at.pos]?.type === 'ws') at.pos++
      const first = tokens[at.pos]
      if (sep.text === '+=' || first?.text === '[') {
        this.skipValue(tokens, at)
        continue
      }

      if (first?.text === '{') {
        at.pos++
        this.object(tokens, at, path, file, depth, '}')
        continue
      }

      this.assign(path.join('.'), this.value(tokens, at), file, first?.line ?? sep.line)
    }
  }

  /** Skips an array or an appended value, brackets balanced. */
  private skipValue(tokens: Token[], at: {pos: number}): void {
    let depth = 0
    while (at.pos < tokens.length) {
      const t = tokens[at.pos]
      if (t.text === '[' || t.text === '{') depth++
      else if (t.text === ']' || t.text === '}') {
        if (depth === 0) return
        depth--
      } else if (depth === 0 && (t.type === 'nl' || t.text === ',')) return
      at.pos++
      if (depth === 0 && (t.text === ']' || t.text === '}')) return
    }
  }

  /** A simple value: its parts concatenated (`10 seconds`, `"jdbc:"${HOST}`) to the end of the line, a `,` or `}`. */
  private value(tokens: Token[], at: {pos: number}): {optionalMissing?: boolean; parts: Token[]} {
    const parts: Token[] = []
    while (at.pos < tokens.length && tokens[at.pos].type !== 'nl' && tokens[at.pos].text !== ',' && tokens[at.pos].text !== '}') parts.push(tokens[at.pos++])
    while (parts.at(-1)?.type === 'ws') parts.pop()
    return {parts}
  }

  private assign(key: string, v: {parts: Token[]}, file: string, line: number): void {
    const via: Source[] = []
    let out = ''
    let unresolved: string | undefined
    if (v.parts.length === 1 && v.parts[0].type === 'word' && v.parts[0].text === 'null') {
      this.values.set(key, {file, line, value: null, via})
      return
    }

    for (const p of v.parts) {
      if (p.type !== 'sub') {
        out += p.text
        continue
      }

      const optional = p.text.startsWith('?')
      const name = p.text.replace(/^\?/, '').trim().replaceAll('"', '')
      const set = this.values.get(name)
      if (set && set.value !== undefined && set.value !== null) {
        out += set.value
        via.push(...set.via)
        continue
      }

      const e = this.env.get(name)
      if (e) {
        out += e.value
        via.push(e.source)
        continue
      }

      // `${?X}` alone with nothing behind it: the key keeps what it had (HOCON.md "Self-Referential Substitutions"),
      // and X is remembered: the platform may set it (DATABASE_URL) where conncalc does not see it.
      if (optional && v.parts.filter((q) => q.type !== 'ws').length === 1) {
        const had = this.values.get(key)
        // app.json requires X with no value: the deployer sets it, so the value kept here is assumed.
        const deployer = this.env.deployerSets(name)
        if (had && deployer) had.via = [...had.via, deployer]
        if (had) had.unsetOverrides = [...(had.unsetOverrides ?? []), name]
        else this.values.set(key, {file, line, unsetOverrides: [name], value: undefined, via: []})
        return
      }
      if (!optional) unresolved = name
    }

    this.values.set(key, {file, line, value: unresolved ? undefined : out, via, ...(unresolved ? {unresolved} : {})})
  }

  get(key: string): HoconValue | undefined {
    return this.values.get(key)
  }

  /** The keys set below a path (`db` → `default.url`, `default.hikaricp.maximumPoolSize`, …). */
  below(prefix: string): string[] {
    return [...this.values.keys()].filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1))
  }
}
