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

/** How deep `${…}` may nest before the value is kept as written (real configs nest two or three). */
const MAX_PLACEHOLDER_DEPTH = 32

/**
 * `${NAME}` / `${NAME:default}` in a property value (Spring's, Quarkus's and Micronaut's syntax):
 * the env variable NAME, else the one `envName(NAME)` names, else the default; `unresolved` names
 * the first placeholder none of them fills. Placeholders nest as Spring's PropertyPlaceholderHelper
 * reads them (spring-projects/spring-framework@00d2606:spring-core/src/main/java/org/springframework/util/PropertyPlaceholderHelper.java,
 * parseStringValue and findPlaceholderEndIndex):
 * the text between `${` and its matching `}` is expanded first (`${A:${B:5}}`, `${${PREFIX}_POOL}`),
 * its first `:` then splits the name from the default. A `${` without its `}` stays as written, as
 * Spring leaves it. Spring also expands a value found (an env variable set to `${X}`); conncalc
 * takes it as set, so such a value reads as not a number, and is said.
 */
export function expandPlaceholders(raw: string, env: Env, envName: (name: string) => string): Expanded {
  const via: Source[] = []
  let unresolved: string | undefined
  let tooDeep = false
  const expand = (text: string, depth: number): string | undefined => {
    if (depth > MAX_PLACEHOLDER_DEPTH) {
      tooDeep = true
      return undefined
    }

    let out = ''
    let at = 0
    for (;;) {
      const start = text.indexOf('${', at)
      if (start === -1) return out + text.slice(at)
      out += text.slice(at, start)
      // Spring counts any `{` as opening a nested block, so `${a:{x}}` ends at the last `}`.
      let open = 1
      let end = start + 2
      for (; end < text.length && open > 0; end++) {
        if (text[end] === '{') open++
        else if (text[end] === '}') open--
      }

      if (open > 0) return out + text.slice(start)
      const inner = expand(text.slice(start + 2, end - 1), depth + 1)
      if (inner === undefined) return undefined
      const sep = inner.indexOf(':')
      const name = sep === -1 ? inner : inner.slice(0, sep)
      const e = env.get(name) ?? env.get(envName(name))
      if (e) {
        via.push(e.source)
        out += e.value // as set: a value that is itself a placeholder is not expanded again
      } else if (sep === -1) {
        unresolved = name
        return undefined
      } else {
        out += inner.slice(sep + 1)
        // app.json requires the variable with no value: the deployer sets it, so the default after `:` is assumed.
        const deployer = env.deployerSets(name) ?? env.deployerSets(envName(name))
        if (deployer) via.push(deployer)
      }

      at = end
    }
  }

  const value = expand(raw, 0)
  if (tooDeep) return {value: raw, via: []} // as written: it then reads as not a number, and is said
  return value === undefined ? {unresolved: unresolved!, via} : {value, via}
}
