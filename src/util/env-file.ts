import {capLineWarnings, type Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {jsonErrorLine, jsonKeyLine} from './json-lines.js'

export interface ParsedEnvFile {
  diagnostics: Diagnostic[]
  /** One entry per variable (a repeated name keeps its last value), in order of first appearance. */
  entries: EnvEntry[]
  format: EnvFileFormat
}

export type EnvFileFormat = 'dotenv' | 'heroku-config' | 'json'

/**
 * Parse an env file, detecting its format:
 *
 * - `heroku config --json`: a JSON object of strings;
 * - `heroku config`: a `=== app Config Vars` header, then `KEY:   value`;
 * - dotenv, which also covers `heroku config -s` (`KEY=value`, `KEY='v a l'`,
 *   `KEY="it's\nmulti-line"`): optional `export `, `KEY=value` or `KEY: value`,
 *   `#` comments, single quotes literal, double quotes with `\n` `\t` `\"` `\\` `\$`
 *   escapes and spanning lines, unquoted values ending at ` #`.
 *
 * Values are not expanded (`$OTHER` stays as written): neither `heroku config`
 * nor Node's dotenv expands them. Single-quoted values are taken literally, as
 * dotenv does; `heroku config -s` doubles backslashes inside single quotes, so
 * such a value keeps both (it never matters for the numbers conncalc reads). Every entry's source is `fromEnv(KEY,
 * "<path>:<line>")`. Lines that cannot be read are an `unparsable-config` warning
 * with file and line; no diagnostic ever quotes a value.
 */
export function parseEnvFile(text: string, path: string): ParsedEnvFile {
  const body = text.replace(/^\uFEFF/, '')
  const trimmed = body.trimStart()
  if (trimmed.startsWith('{')) return {...parseJson(body, path), format: 'json'}
  if (/^===\s.*\bConfig Vars\s*$/m.test(firstLine(trimmed))) return {...parseHerokuConfig(body, path), format: 'heroku-config'}
  return {...parseDotenv(body, path), format: 'dotenv'}
}

type Parsed = Omit<ParsedEnvFile, 'format'>

const KEY = /^[A-Z_a-z][\w.-]*$/

function firstLine(s: string): string {
  const nl = s.indexOf('\n')
  return (nl === -1 ? s : s.slice(0, nl)).replace(/\r$/, '')
}

function problem(path: string, line: number, message: string): Diagnostic {
  return {
    code: 'unparsable-config',
    file: path,
    fix: 'Write KEY=value lines (dotenv), or save the output of `heroku config -s` or `heroku config --json`.',
    line,
    message,
    severity: 'warning',
  }
}

/** Keep the last value of each name at the position it was first set. */
function finish(entries: EnvEntry[], diagnostics: Diagnostic[]): Parsed {
  const byName = new Map<string, EnvEntry>()
  for (const e of entries) byName.set(e.name, e)
  // A file that is not an env file at all: 20 of its lines, then one warning for the rest.
  const file = diagnostics[0]?.file
  const rest = (more: number, from?: number): string => `and ${more} more line${more === 1 ? '' : 's'} of ${file} ignored (from line ${from} on)`
  return {diagnostics: capLineWarnings(diagnostics, () => true, rest), entries: [...byName.values()]}
}

// ---------------------------------------------------------------------------

function parseJson(text: string, path: string): Parsed {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return {diagnostics: [problem(path, jsonErrorLine(text) ?? 1, `${path} is not valid JSON; no variables read from it`)], entries: []}
  }

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {diagnostics: [problem(path, 1, `${path} is JSON but not an object of variables; no variables read from it`)], entries: []}
  }

  const entries: EnvEntry[] = []
  const diagnostics: Diagnostic[] = []
  for (const [name, value] of Object.entries(data)) {
    const line = jsonKeyLine(text, [name])
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      entries.push({name, source: fromEnv(name, `${path}:${line}`), value: String(value)})
    } else {
      diagnostics.push(problem(path, line, `${name} is not a string; ignored`))
    }
  }

  return finish(entries, diagnostics)
}

// ---------------------------------------------------------------------------

/**
 * `heroku config` prints `KEY: value` with the values aligned, and indents the
 * continuation lines of a multi-line value.
 */
function parseHerokuConfig(text: string, path: string): Parsed {
  const entries: EnvEntry[] = []
  const diagnostics: Diagnostic[] = []
  let last: EnvEntry | undefined
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '' || /^===\s/.test(line)) continue
    const m = /^([^\s:]+):(?:\s+(.*))?$/.exec(line)
    if (m && KEY.test(m[1])) {
      last = {name: m[1], source: fromEnv(m[1], `${path}:${i + 1}`), value: (m[2] ?? '').trimEnd()}
      entries.push(last)
    } else if (last && /^\s/.test(line)) {
      last.value += `\n${line.trim()}`
    } else {
      diagnostics.push(problem(path, i + 1, 'line ignored: not `KEY: value` as `heroku config` prints it'))
    }
  }

  return finish(entries, diagnostics)
}

// ---------------------------------------------------------------------------

const DOUBLE_ESCAPES: Record<string, string> = {'!': '!', '"': '"', $: '$', '\\': '\\', '`': '`', n: '\n', r: '\r', t: '\t'}

function parseDotenv(text: string, path: string): Parsed {
  const entries: EnvEntry[] = []
  const diagnostics: Diagnostic[] = []
  // A lone CR ends a line too (a file saved with classic Mac line ends): Node's dotenv turns
  // `\r\n?` into `\n` before it reads a line (motdotla/dotenv lib/main.js, parse), and
  // python-dotenv's reader takes `\r\n`, `\n` and `\r` alike (parser.py, _newline).
  const lines = text.split(/\r\n?|\n/)
  const unclosed = new Set<string>()
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1
    const line = lines[i]
    const t = line.trim()
    if (t === '' || t.startsWith('#')) continue

    const m = /^(?:export\s+)?([^\s:=]+)\s*(?:=|:\s)\s*([\S\s]*)$/.exec(t) ?? /^(?:export\s+)?([^\s:=]+)\s*:()$/.exec(t)
    if (!m || !KEY.test(m[1])) {
      // `export KEY` alone marks a variable for export in a shell: nothing to read.
      if (!/^export\s+[A-Z_a-z]\w*$/.test(t)) diagnostics.push(problem(path, lineNo, 'line ignored: not KEY=value'))
      continue
    }

    const [, name, rest] = m
    const quote = rest[0]
    if (quote === "'" || quote === '"' || quote === '`') {
      // A quoted value may span lines; find its closing quote, scanning each line once
      // (the lines are joined only when the quote closes). Once a quote is never closed,
      // no later one of its kind can be (that scan saw them all).
      const parts = [rest.slice(1)]
      let scan = unclosed.has(quote) ? {end: -1, next: 0} : closingQuote(parts[0], quote, 0)
      let j = i
      while (scan.end === -1 && !unclosed.has(quote) && j + 1 < lines.length) {
        j++
        // The newline joining the lines is the first character of the next part: an escape
        // that ended the previous line (next past its end) consumes it.
        const part = `\n${lines[j]}`
        parts.push(part)
        scan = closingQuote(part, quote, scan.next - parts[parts.length - 2].length)
      }

      if (scan.end === -1) {
        unclosed.add(quote)
        diagnostics.push(problem(path, lineNo, `the quoted value of ${name} is never closed; ignored`))
        continue
      }

      const buf = parts.join('')
      const end = buf.length - parts[parts.length - 1].length + scan.end
      const inner = buf.slice(0, end)
      const value = quote === '"' ? inner.replaceAll(/\\(.)/g, (all, c: string) => DOUBLE_ESCAPES[c] ?? all) : inner
      entries.push({name, source: fromEnv(name, `${path}:${lineNo}`), value})
      i = j
      continue
    }

    // Unquoted: an inline comment starts at a `#` after whitespace.
    const value = rest.replace(/\s+#.*$/, '').trim()
    entries.push({name, source: fromEnv(name, `${path}:${lineNo}`), value})
  }

  return finish(entries, diagnostics)
}

/**
 * The unescaped closing quote in `s` (which starts after the opening one), scanning from
 * `from`: `end` is its index or -1; `next` is where a scan of a longer `s` resumes.
 */
function closingQuote(s: string, quote: string, from: number): {end: number; next: number} {
  let k = from
  for (; k < s.length; k++) {
    if (s[k] === '\\' && quote !== "'") k++
    else if (s[k] === quote) return {end: k, next: k}
  }

  return {end: -1, next: k}
}
