/**
 * Java .properties files as java.util.Properties#load reads them: `#`/`!`
 * comments, `=`, `:` or whitespace separators, backslash line continuations
 * and escapes. The format accepts almost anything; a broken `\uXXXX` escape is
 * the one error, and it becomes a diagnostic.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {Source} from '../../model/source.js'

export interface Property {
  key: string
  line: number
  value: string
}

function unescape(s: string, file: string, line: number, diagnostics: Diagnostic[]): string {
  return s.replaceAll(/\\(u[0-9a-fA-F]{4}|u.{0,4}|.)/g, (_m, c: string) => {
    if (c.startsWith('u')) {
      if (/^u[0-9a-fA-F]{4}$/.test(c)) return String.fromCharCode(Number.parseInt(c.slice(1), 16))
      diagnostics.push({code: 'unparsable-config', file, line, message: `malformed \\uxxxx escape; the line is not used`, severity: 'warning'})
      return ''
    }

    return ({f: '\f', n: '\n', r: '\r', t: '\t'} as Record<string, string>)[c] ?? c
  })
}

export function parseProperties(text: string, file: string): {diagnostics: Diagnostic[]; properties: Property[]} {
  const diagnostics: Diagnostic[] = []
  const properties: Property[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1
    let logical = lines[i].replace(/^[\t\f ]+/, '')
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue
    // An odd number of trailing backslashes continues the line.
    while (/(^|[^\\])(\\\\)*\\$/.test(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i].replace(/^[\t\f ]+/, '')
    }

    const m = /^((?:\\.|[^\t\f :=\\])*)[\t\f ]*[:=]?[\t\f ]*(.*)$/s.exec(logical)!
    const before = diagnostics.length
    const key = unescape(m[1], file, start, diagnostics)
    const value = unescape(m[2], file, start, diagnostics)
    if (diagnostics.length === before) properties.push({key, line: start, value})
  }

  return {diagnostics, properties}
}

/** A property value with its `${…}` placeholders filled in, or the first name nothing sets. */
export interface Expanded {
  unresolved?: string
  value?: string
  via: Source[]
}

/**
 * `${NAME}` / `${NAME:default}` in a property value (Spring's, Quarkus's and Micronaut's syntax):
 * the env variable NAME, else the one `envName(NAME)` names, else the default; `unresolved` names
 * the first placeholder none of them fills.
 */
export function expandPlaceholders(raw: string, env: Env, envName: (name: string) => string): Expanded {
  const via: Source[] = []
  let unresolved: string | undefined
  const value = raw.replaceAll(/\$\{([^}:]+)(?::([^}]*))?\}/g, (_m, name: string, dflt: string | undefined) => {
    const e = env.get(name) ?? env.get(envName(name))
    if (e) {
      via.push(e.source)
      return e.value
    }

    if (dflt !== undefined) return dflt
    unresolved = name
    return ''
  })
  return unresolved ? {unresolved, via} : {value, via}
}
