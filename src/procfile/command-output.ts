/**
 * A variable set from a command's output: `WEB_CONCURRENCY=$(script/web_concurrency)` before a
 * Procfile command, `export WEB_CONCURRENCY=$(script/web_concurrency)` in a start script. conncalc
 * never runs it. A command whose output follows from the dyno's size (`$(nproc)`, `$(ulimit -u)`,
 * dyno-commands.ts) is that number. When the command is one of the app's own shell scripts that
 * prints a literal — its only line (`echo 3`, `printf 3`, Ruby's `puts 3` / `print 3`), or the
 * branch its `if`/`case` tests pick on the environment, its arguments and those dyno numbers
 * (`case $(ulimit -u) in 256) echo 2 ;; …`) — that literal is the value, sourced at the line that
 * prints it. Otherwise the variable is set to a value conncalc cannot know: the entry carries why
 * (EnvEntry.unknown), naming the line and the command, and readers say so instead of falling back
 * to the config's default as if the variable were unset.
 */
import type {DynoFacts} from '../platform/dyno-sizes.js'
import type {Env, EnvEntry} from '../model/env.js'
import type {FileReader} from '../model/files.js'
import type {TsNode} from '../util/tree-sitter.js'

import {entrySources} from '../model/env.js'
import {fromFile, type Source} from '../model/source.js'
import {joinPath} from '../util/app-path.js'
import {commandOutputWhy, expandShell, globMatch, hasCommandOutput, normalizePath, SHELLS, soleCommand} from '../languages/shell/shell.js'
import {substituteDynoCommands} from './dyno-commands.js'

// A script's lines that print nothing and change nothing conncalc reads.
const INERT = /^(#.*|set\s+-[a-z]+|set\s+-o\s+\w+|)$/
// The one line that prints the value: shell echo/printf, Ruby puts/print, of a literal word.
const PRINTS = /^(?:(?:echo|printf)\s+|(?:(?:\$stdout|STDOUT)\.)?(?:puts|print)[\s(]+)(["']?)([\w.:-]+)\1\s*\)?\s*;?$/
const SHEBANG = /^#!\s*\S*?\b(?:env\s+)?(?:ba|da|a|z)?sh\b/

/** Where the command runs, for what its output may depend on. */
export interface OutputContext {
  cwd?: string
  dyno?: DynoFacts
  /** The environment the command sees (the script's `if [[ $RACK_ENV == … ]]`). */
  env?: Env
}

/**
 * The entry with the value the command prints when conncalc can tell it (a dyno command, an app
 * script that prints a literal); otherwise the entry marked unknown.
 */
export async function resolveCommandOutput(entry: EnvEntry, files: FileReader, at: OutputContext = {}): Promise<EnvEntry> {
  if (!hasCommandOutput(entry.value)) return entry
  const {unknown: _, ...rest} = entry
  const where = entry.source.kind === 'env' ? entry.source.from : 'the command line'
  // `$(nproc)`, `"$(( $(nproc) * 2 ))"`: every substitution one the dyno's size answers.
  const inDyno = substituteDynoCommands(entry.value, at.dyno)
  if (inDyno.used.length > 0 && !/\$\(|`/.test(inDyno.text)) {
    return {...rest, value: inDyno.text, via: [...inDyno.used.flatMap((v) => [v.source, ...(v.via ?? [])]), ...(entry.via ?? [])]}
  }

  const command = soleCommand(entry.value)
  const words = command?.split(/\s+/) ?? []
  const viaShell = words[0] !== undefined && (SHELLS.has(words[0]) || words[0] === 'ruby')
  const program = viaShell ? words[1] : words[0]
  const args = words.slice(viaShell ? 2 : 1)
  const path = program === undefined ? undefined : joinPath(at.cwd ?? '', normalizePath(program))
  const file = path === undefined ? undefined : files.read(path)
  if (!file || path === undefined) return {...entry, unknown: commandOutputWhy(entry.name, entry.value, where)}
  const lines = file.text.split(/\r?\n/).map((l, i) => ({line: i + 1, text: l.trim()}))
  const live = lines.filter((l) => !INERT.test(l.text))
  const printed = live.length === 1 ? PRINTS.exec(live[0].text)?.[2] : undefined
  if (printed !== undefined) return {...rest, value: printed, via: [fromFile(path, live[0].line), ...(entry.via ?? [])]}
  // A shell script (a shell shebang, or none): the branch it takes, when the environment and the dyno decide it.
  const first = file.text.split('\n', 1)[0]
  const shell = words[0] === 'ruby' ? false : viaShell || !first.startsWith('#!') || SHEBANG.test(first)
  const out = shell ? await scriptPrints(file.text, args, at) : undefined
  if (out && 'value' in out) return {...rest, value: out.value, via: [fromFile(path, out.line), ...out.via, ...(entry.via ?? [])]}
  const why = commandOutputWhy(entry.name, entry.value, where, path)
  return {...entry, unknown: out ? `${why}: ${out.why}` : why}
}

type Printed = {line: number; value: string; via: Source[]} | {why: string}

/** Statements of a script that ran to its end (`go`), stopped at `exit`, or could not be followed. */
type Walk = 'exit' | 'go' | {why: string}

const MAX_STATEMENTS = 200

/**
 * What a shell script prints, walking its statements with the environment, its arguments and the
 * dyno's numbers: `echo`/`printf` of literals, `exit`, `if`/`elif`/`else` on `[ ]`/`[[ ]]` tests,
 * `case`, `[ … ] && cmd`, plain assignments. Anything else (another command, a loop, a test on a
 * value conncalc does not have) makes the output unknown, with why.
 */
async function scriptPrints(text: string, args: string[], at: OutputContext): Promise<Printed> {
  const {firstSyntaxError, loadGrammar} = await import('../util/tree-sitter.js')
  const parser = await loadGrammar('bash')
  const tree = parser.parse(text)
  if (!tree) return {why: 'it does not parse'}
  try {
    if (firstSyntaxError(tree)) return {why: 'it does not parse'}
    const vars = new Map<string, string>()
    const via: Source[] = []
    let output = ''
    let line = 0
    let steps = 0

    const word = (node: TsNode): string | undefined => {
      let t = node.text.replaceAll(/\$\{?([1-9#@*])\}?/g, (_m, n: string) => (n === '#' ? String(args.length) : n === '@' || n === '*' ? args.join(' ') : (args[Number(n) - 1] ?? '')))
      const inDyno = substituteDynoCommands(t, at.dyno)
      t = inDyno.text
      if (/\$\(|`/.test(t)) return undefined
      for (const v of inDyno.used) via.push(v.source, ...(v.via ?? []))
      const used: string[] = []
      const e = expandShell(t, (name) => {
        used.push(name)
        if (vars.has(name)) return vars.get(name)
        const entry = at.env?.get(name)
        return entry?.unknown === undefined ? entry?.value : undefined
      })
      if (e.unresolved.length > 0) return undefined
      for (const name of used) {
        const entry = vars.has(name) ? undefined : at.env?.get(name)
        if (entry) via.push(...entrySources(entry))
      }

      return e.text
    }

    const test = (node: TsNode): boolean | undefined => {
      switch (node.type) {
        case 'test_command':
        case 'parenthesized_expression': {
          const inner = node.namedChildren[0]
          if (inner && node.namedChildren.length === 1 && OPERANDS.has(inner.type)) {
            const v = word(inner)
            return v === undefined ? undefined : v !== ''
          }

          return inner ? test(inner) : undefined
        }

        case 'unary_expression': {
          const op = node.children[0]?.text
          const arg = node.namedChildren.at(-1)
          if (!arg) return undefined
          if (op === '!') {
            const v = test(arg)
            return v === undefined ? undefined : !v
          }

          const v = word(arg)
          if (v === undefined) return undefined
          return op === '-z' ? v === '' : op === '-n' ? v !== '' : undefined
        }

        case 'binary_expression': {
          const [left, right] = [node.namedChildren[0], node.namedChildren.at(-1)]
          const op = node.children.find((c) => !c.isNamed)?.text
          if (!left || !right) return undefined
          if (op === '&&' || op === '||') {
            const a = test(left)
            const b = test(right)
            if (op === '&&') return a === false || b === false ? false : a === undefined || b === undefined ? undefined : true
            return a === true || b === true ? true : a === undefined || b === undefined ? undefined : false
          }

          const a = word(left)
          const b = right.type === 'regex' ? undefined : word(right)
          if (a === undefined || b === undefined) return undefined
          const equal = right.type === 'string' || right.type === 'raw_string' ? a === b : globMatch(b, a)
          const numeric = /^-?\d+$/.test(a) && /^-?\d+$/.test(b) ? Number(a) - Number(b) : undefined
          const compare: Record<string, boolean | undefined> = {
            '!=': !equal,
            '-eq': numeric === undefined ? undefined : numeric === 0,
            '-ge': numeric === undefined ? undefined : numeric >= 0,
            '-gt': numeric === undefined ? undefined : numeric > 0,
            '-le': numeric === undefined ? undefined : numeric <= 0,
            '-lt': numeric === undefined ? undefined : numeric < 0,
            '-ne': numeric === undefined ? undefined : numeric !== 0,
            '=': equal,
            '==': equal,
          }
          return op === undefined ? undefined : compare[op]
        }

        default: {
          return undefined
        }
      }
    }

    const command = (node: TsNode): Walk => {
      const name = node.childForFieldName('name')?.text
      const rest = node.namedChildren.filter((c) => c.type !== 'command_name' && c.type !== 'variable_assignment' && c.type !== 'file_redirect')
      if (name === 'exit') return 'exit'
      if (name === ':' || name === 'true' || name === 'set') return 'go'
      if (name === 'echo' || name === 'printf') {
        let values = rest.map((c) => word(c))
        if (values.includes(undefined)) return {why: `line ${node.startPosition.row + 1} prints \`${firstLine(node.text)}\`, which conncalc cannot evaluate`}
        if (name === 'echo') while (values[0] !== undefined && /^-[neE]+$/.test(values[0])) values = values.slice(1)
        else if (values.length !== 1 && !(values.length === 2 && /^%[sd]$/.test(values[0] ?? ''))) return {why: `line ${node.startPosition.row + 1}: \`${firstLine(node.text)}\` is a printf conncalc does not format`}
        output += name === 'printf' ? (values.at(-1) ?? '') : values.join(' ')
        line = node.startPosition.row + 1
        return 'go'
      }

      return {why: `line ${node.startPosition.row + 1} runs \`${firstLine(node.text)}\``}
    }

    const statements = (nodes: TsNode[]): Walk => {
      for (const node of nodes) {
        if (++steps > MAX_STATEMENTS) return {why: 'it is longer than conncalc follows'}
        const r = statement(node)
        if (r !== 'go') return r
      }

      return 'go'
    }

    const statement = (node: TsNode): Walk => {
      switch (node.type) {
        case 'comment':
        case 'test_command':
        case ';':
        case ';;':
        case 'then':
        case 'fi':
        case 'esac': {
          return 'go'
        }

        case 'variable_assignment': {
          const name = node.childForFieldName('name')?.text
          const value = node.childForFieldName('value')
          const v = value ? word(value) : ''
          if (!name || v === undefined) return {why: `line ${node.startPosition.row + 1} sets \`${firstLine(node.text)}\` from something conncalc does not evaluate`}
          vars.set(name, v)
          return 'go'
        }

        case 'command': {
          return command(node)
        }

        case 'redirected_statement': {
          // `echo 2 >&2` prints elsewhere: only a plain statement's output is captured.
          const body = node.childForFieldName('body')
          const toStdout = node.namedChildren.filter((c) => c.type === 'file_redirect').every((r) => !/^\d?>/.test(r.text) || /^1?>&1/.test(r.text))
          if (!body) return 'go'
          if (!toStdout) return body.type === 'command' && ['echo', 'printf'].includes(body.childForFieldName('name')?.text ?? '') ? 'go' : statement(body)
          return statement(body)
        }

        case 'list': {
          // `[ … ] && cmd`, `[ … ] || cmd`: the test decides whether the right side runs.
          const [left, right] = [node.namedChildren[0], node.namedChildren.at(-1)]
          const op = node.children.find((c) => !c.isNamed)?.text
          if (!left || !right || left.type !== 'test_command') return {why: `line ${node.startPosition.row + 1}: \`${firstLine(node.text)}\` is not followed`}
          const v = test(left)
          if (v === undefined) return {why: `\`${firstLine(left.text)}\` at line ${left.startPosition.row + 1} cannot be decided here`}
          return (op === '&&') === v ? statement(right) : 'go'
        }

        case 'compound_statement':
        case 'subshell': {
          return statements(node.namedChildren)
        }

        case 'if_statement': {
          const branches: {body: TsNode[]; condition?: TsNode}[] = [{body: [], condition: node.childForFieldName('condition') ?? undefined}]
          let inBody = false
          for (const c of node.children) {
            if (c.type === 'elif_clause') {
              const kids = c.children
              const thenAt = kids.findIndex((k) => k.type === 'then')
              branches.push({body: kids.slice(thenAt + 1), condition: kids.slice(1, thenAt).find((k) => k.isNamed)})
            } else if (c.type === 'else_clause') branches.push({body: c.children.slice(1)})
            else if (c.type === 'then') inBody = true
            else if (inBody && branches.length === 1 && c.type !== 'fi') branches[0].body.push(c)
          }

          for (const b of branches) {
            const v = b.condition ? test(b.condition) : true
            if (v === undefined) return {why: `\`${firstLine(b.condition?.text ?? '')}\` at line ${(b.condition ?? node).startPosition.row + 1} cannot be decided here`}
            if (v) return statements(b.body)
          }

          return 'go'
        }

        case 'case_statement': {
          const subject = node.childForFieldName('value')
          const value = subject ? word(subject) : undefined
          if (value === undefined) return {why: `\`case ${subject?.text ?? ''}\` at line ${node.startPosition.row + 1} cannot be decided here`}
          for (const item of node.namedChildren.filter((c) => c.type === 'case_item')) {
            const close = item.children.findIndex((c) => c.type === ')')
            const pats = item.children.slice(0, close).filter((c) => c.isNamed).map((p) => p.text.replaceAll(/^["']|["']$/g, ''))
            if (pats.some((p) => globMatch(p, value))) return statements(item.children.slice(close + 1))
          }

          return 'go'
        }

        default: {
          return {why: `line ${node.startPosition.row + 1}: \`${firstLine(node.text)}\` (${node.type}) is not followed`}
        }
      }
    }

    const r = statements(tree.rootNode.children)
    if (typeof r === 'object') return r
    const value = output.trim()
    return value === '' || line === 0 ? {why: 'it prints nothing conncalc can read'} : {line, value, via}
  } finally {
    tree.delete()
  }
}

/** tree-sitter-bash nodes that are one word of a test (`[ "$X" ]`), not an expression. */
const OPERANDS: ReadonlySet<string> = new Set(['concatenation', 'expansion', 'raw_string', 'simple_expansion', 'string', 'word', 'command_substitution'])

const firstLine = (text: string): string => {
  const l = text.split('\n', 1)[0].trim()
  return l.length > 60 ? `${l.slice(0, 57)}…` : l
}
