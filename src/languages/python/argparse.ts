/**
 * argparse, as a script reads its own command line: `parser = argparse.ArgumentParser()`, `parser.add_argument(…)`,
 * `args = parser.parse_args()`. The namespace parse_args() returns is computed from the options the evaluator saw
 * added and the process's sys.argv (or the list given): an option not given is its `default=` (argparse applies
 * `type=` to a string default), store_true's False, store_false's True, else None; one given is its value. What
 * conncalc cannot follow (an option added where it may not run, a parser handed to code it does not read, sub-parsers,
 * parents, nargs, an argv word it cannot match, `-h`) makes the whole namespace unknown, said; a dest it never saw
 * added is unknown (never a guessed default). Lib/argparse.py: add_argument (dest from the first long option, `-` as
 * `_`; set_defaults over an argument's default), parse_known_args (defaults set first, then the words; an abbreviated
 * long option is taken when it is the prefix of one option only, allow_abbrev), _get_values (a string default through
 * `type`), and `error()` (exit 2) on a word it cannot match or a missing required argument.
 */
import type {EvalValue, PyCallResult, PyValue} from './values.js'

export const ARGPARSE = 'https://github.com/python/cpython/blob/3.12/Lib/argparse.py'

/** The parser's methods conncalc follows; any other call on it (add_subparsers, parse_intermixed_args, …) makes it unreadable. */
export const PARSER_METHODS = new Set(['add_argument', 'add_argument_group', 'add_mutually_exclusive_group', 'set_defaults', 'parse_args', 'parse_known_args', 'print_help', 'print_usage', 'format_help', 'format_usage'])

interface ArgOption {
  action: string
  /** Given as `const=`. */
  constant?: EvalValue
  /** Given as `default=`; undefined when not given. */
  dflt?: EvalValue
  dest: string
  /** Where it is added (for the value's place when it comes from its default). */
  file: string
  line: number
  positional: boolean
  required: boolean
  strings: string[]
  /** `type=`: int / float / str, 'other' for a callable conncalc does not apply. */
  type?: 'float' | 'int' | 'other' | 'str'
}

export interface ParserState {
  allowAbbrev: boolean
  /** set_defaults(…) values, by dest. */
  defaults: Map<string, EvalValue>
  /** The conditional and loop depths where the parser was made: an option added deeper may not be added. */
  depth: number
  loops: number
  options: ArgOption[]
  /** Why the parser's namespace cannot be read (set once, the first reason kept). */
  opaque?: string
}

/** Parsers (and their argument groups, which add to the parser) by the call result that made them. */
const PARSERS = new WeakMap<PyCallResult, ParserState>()

export const parserOf = (made: PyCallResult | undefined): ParserState | undefined => (made ? PARSERS.get(made) : undefined)

const str = (v: EvalValue | undefined): string | undefined => (v?.kind === 'known' && typeof v.value === 'string' ? v.value : undefined)

/** `argparse.ArgumentParser(…)`: a new parser; keywords conncalc does not follow make it unreadable. */
export function newParser(made: PyCallResult, depth: number, loops: number): ParserState {
  const state: ParserState = {allowAbbrev: true, defaults: new Map(), depth, loops, options: []}
  const kw = made.kwargs
  if (made.args.length > 0) state.opaque = 'its ArgumentParser(…) is given positional arguments conncalc does not read'
  for (const k of ['parents', 'argument_default', 'fromfile_prefix_chars']) if (kw[k] && !(kw[k].kind === 'known' && kw[k].value === null)) state.opaque ??= `its ArgumentParser(${k}=…) is not read by conncalc`
  if (kw.prefix_chars && str(kw.prefix_chars) !== '-') state.opaque ??= 'its ArgumentParser(prefix_chars=…) is not read by conncalc'
  if (kw.allow_abbrev) {
    if (kw.allow_abbrev.kind === 'known' && typeof kw.allow_abbrev.value === 'boolean') state.allowAbbrev = kw.allow_abbrev.value
    else state.opaque ??= 'its ArgumentParser(allow_abbrev=…) is not known'
  }

  // add_help (default True): -h/--help, which prints and exits; not in the namespace (its default is SUPPRESS).
  if (!(kw.add_help?.kind === 'known' && kw.add_help.value === false)) state.options.push({action: 'help', dest: 'help', file: '', line: 0, positional: false, required: false, strings: ['-h', '--help']})
  PARSERS.set(made, state)
  return state
}

/** A group of the parser (add_argument_group / add_mutually_exclusive_group): its options are the parser's. */
export function addGroup(group: PyCallResult, state: ParserState): void {
  PARSERS.set(group, state)
}

const TYPES = new Set(['int', 'float', 'str'])

/** `parser.add_argument("--x", "-x", default=…, action=…, type=…)` at `file:line`. */
export function addArgument(state: ParserState, call: {args: EvalValue[]; kwText: Record<string, string>; kwargs: Record<string, EvalValue>; spread: boolean}, file: string, line: number): void {
  const strings = call.args.map((a) => str(a))
  if (call.spread || strings.length === 0 || strings.some((s) => s === undefined || s === '')) {
    state.opaque ??= `an add_argument(…) at ${file}:${line} has option names conncalc cannot read`
    return
  }

  const names = strings as string[]
  const kw = call.kwargs
  const positional = !names[0].startsWith('-')
  const action = kw.action === undefined ? 'store' : str(kw.action)
  const nargs = kw.nargs
  const dest = kw.dest ? str(kw.dest) : positional ? names[0] : (names.find((s) => s.startsWith('--')) ?? names[0]).replace(/^-+/, '').replaceAll('-', '_')
  const typeValue = kw.type
  const typeName = typeValue === undefined ? undefined : typeValue.kind === 'known' && typeof typeValue.value === 'object' && typeValue.value !== null && typeValue.value.kind === 'function' && TYPES.has(typeValue.value.name) && call.kwText.type === typeValue.value.name ? typeValue.value.name : 'other'
  const required = kw.required === undefined ? positional : kw.required.kind === 'known' && typeof kw.required.value === 'boolean' ? kw.required.value : undefined
  const ok = action !== undefined && ['store', 'store_true', 'store_false', 'store_const', 'count', 'help', 'version'].includes(action) && dest !== undefined && required !== undefined
  // nargs="?" of a positional: its default when not given (nargs other than that are not followed).
  const nargsOk = nargs === undefined || (positional && str(nargs) === '?')
  if (!ok || !nargsOk || (positional && names.length > 1)) {
    state.opaque ??= `the add_argument(${names.map((n) => JSON.stringify(n)).join(', ')}, …) at ${file}:${line} is not one conncalc reads (its action, nargs, dest or required)`
    return
  }

  const option: ArgOption = {action, dest, file, line, positional, required: positional ? str(nargs) !== '?' && required : required, strings: names, ...(typeName ? {type: typeName as ArgOption['type']} : {}), ...(kw.const ? {constant: kw.const} : {})}
  const dflt = kw.default ?? state.defaults.get(dest)
  if (dflt) option.dflt = dflt
  state.options.push(option)
}

/** `parser.set_defaults(x=…)`: the dests' defaults, over those of the options added already and of those added later without one. */
export function setDefaults(state: ParserState, kwargs: Record<string, EvalValue>, spread: boolean): void {
  if (spread) {
    state.opaque ??= 'its set_defaults(**…) is not read by conncalc'
    return
  }

  for (const [k, v] of Object.entries(kwargs)) {
    state.defaults.set(k, v)
    for (const o of state.options) if (o.dest === k) o.dflt = v
  }
}

/** What the namespace holds, by dest: a value given on the command line (a string, or a flag's value), or the option's default. */
export type ParsedValue = {from: 'argv'; option: ArgOption; value: PyValue; word: string} | {from: 'default'; option?: ArgOption; value?: EvalValue}

function convert(o: ArgOption, s: string): PyValue | undefined {
  if (o.type === 'int') return /^\s*[+-]?\d+\s*$/.test(s) ? Number.parseInt(s, 10) : undefined
  if (o.type === 'float') return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(s) ? Number(s) : undefined
  if (o.type === 'other') return undefined
  return s
}

/**
 * The namespace parse_args(words) gives (words: sys.argv[1:]), or why conncalc cannot say (argparse would exit, or a
 * word or option is one it does not follow).
 */
export function parseArgs(state: ParserState, words: readonly string[]): {values: Map<string, ParsedValue>} | {why: string} {
  if (state.opaque) return {why: state.opaque}
  const values = new Map<string, ParsedValue>()
  for (const o of state.options) if (o.action !== 'help' && o.action !== 'version' && !values.has(o.dest)) values.set(o.dest, {from: 'default', option: o, ...(o.dflt ? {value: o.dflt} : {})})
  // set_defaults(x=…) for a dest no option has: in the namespace too.
  for (const [dest, v] of state.defaults) if (!values.has(dest)) values.set(dest, {from: 'default', value: v})
  const optionals = state.options.filter((o) => !o.positional)
  const positionals = state.options.filter((o) => o.positional)
  const seen = new Set<ArgOption>()
  let nextPositional = 0
  let onlyPositional = false
  const find = (name: string): ArgOption | string => {
    const exact = optionals.find((o) => o.strings.includes(name))
    if (exact) return exact
    if (name.startsWith('--') && state.allowAbbrev) {
      const hits = optionals.filter((o) => o.strings.some((s) => s.startsWith('--') && s.startsWith(name)))
      if (hits.length === 1) return hits[0]
      if (hits.length > 1) return `${name} is ambiguous (argparse exits)`
    }

    return `${name} is not an option conncalc saw added to the parser (parse_args would exit)`
  }

  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    if (!onlyPositional && w === '--') {
      onlyPositional = true
      continue
    }

    if (!onlyPositional && w.startsWith('-') && w.length > 1 && !/^-\d/.test(w)) {
      const eq = w.startsWith('--') ? w.indexOf('=') : -1
      let name = eq === -1 ? w : w.slice(0, eq)
      let attached: string | undefined = eq === -1 ? undefined : w.slice(eq + 1)
      let o = find(name)
      // `-c4`: a short option with its value attached.
      if (typeof o === 'string' && !w.startsWith('--') && w.length > 2) {
        const short = optionals.find((x) => x.strings.includes(w.slice(0, 2)))
        if (short && short.action === 'store') {
          o = short
          name = w.slice(0, 2)
          attached = w.slice(2)
        }
      }

      if (typeof o === 'string') return {why: o}
      if (o.action === 'help' || o.action === 'version') return {why: `${name} makes argparse print and exit`}
      seen.add(o)
      if (o.action === 'store') {
        const word = attached ?? words[++i]
        if (word === undefined || (attached === undefined && word.startsWith('-') && !/^-\d/.test(word))) return {why: `${name} is given no value (argparse exits)`}
        const value = convert(o, word)
        if (value === undefined) return {why: `${name} ${word}: its type=${o.type === 'other' ? '…' : o.type} is not applied by conncalc, or fails`}
        values.set(o.dest, {from: 'argv', option: o, value, word: `${name} ${word}`})
        continue
      }

      if (attached !== undefined) return {why: `${name} takes no value (argparse exits)`}
      if (o.action === 'count') {
        const was = values.get(o.dest)
        const n = was?.from === 'argv' && typeof was.value === 'number' ? was.value : 0
        values.set(o.dest, {from: 'argv', option: o, value: n + 1, word: name})
        continue
      }

      if (o.action === 'store_const') {
        const c = o.constant
        if (c && c.kind !== 'known') return {why: `${name}'s const is not known`}
        values.set(o.dest, {from: 'argv', option: o, value: c ? c.value : null, word: name})
        continue
      }

      values.set(o.dest, {from: 'argv', option: o, value: o.action === 'store_true', word: name})
      continue
    }

    const p = positionals[nextPositional++]
    if (!p) return {why: `the word ${JSON.stringify(w)} is not an argument the parser has (argparse exits)`}
    seen.add(p)
    const value = convert(p, w)
    if (value === undefined) return {why: `${p.dest} ${w}: its type is not applied by conncalc, or fails`}
    values.set(p.dest, {from: 'argv', option: p, value, word: w})
  }

  const missing = state.options.find((o) => o.required && !seen.has(o))
  if (missing) return {why: `${missing.strings.join('/')} is required and not given (argparse exits)`}
  return {values}
}
