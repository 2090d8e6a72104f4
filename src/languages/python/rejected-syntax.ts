/**
 * Where CPython, at the version the app runs, refuses to compile a module that tree-sitter-python reads:
 * tree-sitter's grammar also accepts Python 2 (`print "x"`, `exec code`, `except E, e:`, backticks, `<>`,
 * `0777`, `10L`, `ur""`, `raise E, "msg"`), which Python 3 rejects (What's New In Python 3.0,
 * https://docs.python.org/3/whatsnew/3.0.html), and syntax newer than the version the app names. A module that
 * does not compile raises SyntaxError when it is imported, so a server that imports it exits at start.
 */
import type {ParsedPython, PyNode} from './parse.js'
import type {PythonVersion} from './python-version.js'

export const WHATS_NEW_3 = 'https://docs.python.org/3/whatsnew/3.0.html'

export interface Rejected {
  line: number
  /** What CPython rejects, e.g. "a Python 2 print statement (`print "x"`)". */
  what: string
  /** The Python that rejects it: "Python 3", "Python 3.9". */
  by: string
  /** A syntax error in any Python 3; Python 2 syntax; syntax of a Python newer than the one the app names (`minor`). */
  kind: 'error' | 'python2' | {newer: number}
}

const shown = (n: PyNode): string => {
  const first = n.text.split('\n')[0].trim()
  return first.length > 40 ? `${first.slice(0, 40)}…` : first
}

// Syntax Python 3 added after 3.0, by the minor version that first compiles it (What's New In Python 3.x).
const NEWER: [type: string, minor: number, what: string][] = [
  ['named_expression', 8, 'an assignment expression (`:=`, Python 3.8)'],
  ['positional_separator', 8, 'a positional-only parameter marker (`/`, Python 3.8)'],
  ['match_statement', 10, 'a match statement (Python 3.10)'],
  ['type_alias_statement', 12, 'a type statement (Python 3.12)'],
]

/**
 * The first thing in the module that the app's Python does not compile: a tree-sitter syntax error, Python 2
 * syntax on a Python 3 (the buildpack's default when the app names none), or syntax newer than the version the
 * app names. Undefined when the module compiles, or the app runs Python 2.
 */
export function rejectedSyntax(parsed: ParsedPython, version: PythonVersion | undefined): Rejected | undefined {
  const key = version ? `${version.major}.${version.minor}` : ''
  let known = checked.get(parsed)
  if (!known) checked.set(parsed, (known = new Map()))
  if (!known.has(key)) known.set(key, firstRejected(parsed, version))
  return known.get(key)
}

/** Each tree's answer per version: a module is imported by many process types. */
const checked = new WeakMap<ParsedPython, Map<string, Rejected | undefined>>()

function firstRejected(parsed: ParsedPython, version: PythonVersion | undefined): Rejected | undefined {
  const named = version ? `Python ${version.major}.${version.minor}` : 'Python 3'
  if (parsed.error) return {by: named, kind: 'error', line: parsed.error.line, what: parsed.error.message}
  if (version && version.major < 3) return undefined
  const root = parsed.tree.rootNode
  const text = root.text
  const minor = version ? version.minor : Infinity
  const found: Rejected[] = []
  const at = (n: PyNode, what: string, newer?: number): void => {
    found.push({by: named, kind: newer ? {newer} : 'python2', line: n.startPosition.row + 1, what})
  }

  // One walk over the node types that are rare in a module; strings, integers and f-string fields, which every
  // module has many of, only when the text could hold what is looked for.
  const types = ['print_statement', 'exec_statement', 'raise_statement', 'except_clause', ...NEWER.filter(([, m]) => minor < m).map(([t]) => t)]
  if (text.includes('<>')) types.push('<>')
  if (/`|\bur['"]/i.test(text)) types.push('string_start')
  if (/\b0+[1-9]|\d[lL]\b/.test(text)) types.push('integer')
  if (minor < 12 && /\b(def|class)\s+\w+\s*\[/.test(text)) types.push('type_parameter')
  if (minor < 12 && /\b[rR]?[fF][rR]?['"]/.test(text)) types.push('interpolation')
  for (const n of root.descendantsOfType(types)) {
    if (!n) continue
    switch (n.type) {
      // `print >>f, x` alone is also a Python 3 expression (a tuple of a shift and x): it compiles, and fails only when run.
      case 'print_statement':
      case 'exec_statement': {
        if (!n.namedChildren.some((c) => c.type === 'chevron')) at(n, `a Python 2 ${n.type === 'print_statement' ? 'print' : 'exec'} statement (\`${shown(n)}\`)`)
        break
      }

      case 'raise_statement': {
        if (n.namedChildren[0]?.type === 'expression_list') at(n, `a Python 2 raise (\`${shown(n)}\`)`)
        break
      }

      case 'except_clause': {
        const tokens = n.children.map((c) => c?.type)
        // `except E, e:` — Python 3.14 compiles it again (PEP 758: except without parentheses, catching E or e),
        // so only a version the app names below 3.14 rejects it.
        if (version && minor < 14 && tokens.includes(',') && !tokens.includes('as')) at(n, `a Python 2 except clause (\`${shown(n)}\`)`)
        if (minor < 11 && tokens.includes('*')) at(n, `an except* clause (Python 3.11; \`${shown(n)}\`)`, 11)
        break
      }

      case '<>': {
        at(n, `the Python 2 \`<>\` operator (\`${shown(n.parent ?? n)}\`)`)
        break
      }

      case 'string_start': {
        if (n.text.startsWith('`')) at(n, `Python 2 backquotes (\`${shown(n.parent ?? n)}\`)`)
        else if (/^ur/i.test(n.text)) at(n, `a Python 2 ur'' string prefix (\`${shown(n.parent ?? n)}\`)`)
        break
      }

      case 'integer': {
        if (/^0+[1-9][0-9]*$/.test(n.text)) at(n, `a Python 2 octal literal (\`${n.text}\`; Python 3 writes 0o${n.text.replace(/^0+/, '')})`)
        else if (/^(0[xX][\da-fA-F]+|\d+)[lL]$/.test(n.text)) at(n, `a Python 2 long literal (\`${n.text}\`)`)
        break
      }

      // PEP 695's `def f[T]` / `class C[T]` (3.12); tree-sitter also names an annotation's `List[int]` type_parameter.
      case 'type_parameter': {
        if (n.parent?.type === 'function_definition' || n.parent?.type === 'class_definition') at(n, `type parameters (\`${shown(n)}\`, Python 3.12)`, 12)
        break
      }

      // PEP 701 (3.12): an f-string's replacement field may hold a string in the same quotes; before, that ends the f-string.
      case 'interpolation': {
        const outer = n.parent?.namedChildren.find((c) => c.type === 'string_start')?.text.replace(/^[a-zA-Z]+/, '')
        if (outer && n.descendantsOfType('string_start').some((s) => s?.text.replace(/^[a-zA-Z]+/, '').startsWith(outer))) {
          at(n, `an f-string that reuses its own quotes inside a replacement field (\`${shown(n.parent!)}\`, Python 3.12)`, 12)
        }

        break
      }

      default: {
        const newer = NEWER.find(([t]) => t === n.type)
        if (newer) at(n, newer[2], newer[1])
      }
    }
  }

  return found.sort((a, b) => a.line - b.line)[0]
}
