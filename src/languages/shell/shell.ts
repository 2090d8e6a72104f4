import type {Env, EnvEntry} from '../../model/env.js'
import {daemonizes, neverReturns} from '../common/long-running.js'
import type {ParsedCommand} from '../common/types.js'

import {entrySources, layer} from '../../model/env.js'
import {fromEnv, type Source} from '../../model/source.js'
import {append} from '../../util/arrays.js'
import {appPath} from '../common/setting.js'
import {DEFAULT_PATH} from '../../util/app-path.js'
import {finishesAtOnce} from './programs.js'

/**
 * Shell-ish reading of one Procfile command. Heroku runs each command with
 * `bash -c`, so this follows POSIX sh (checked against dash and bash) for the
 * parts that decide what runs and with which environment: quoting, parameter
 * expansion, field splitting of unquoted expansions, leading assignments, `&&`
 * `||` `;` `&` `|` lists, redirections, `export`, and `sh -c '…'`. It never runs
 * anything: `$(…)`, `$((…))` and backquotes are kept as written.
 */

/** A variable's value, or undefined when it is unset (an empty string is set). */
export type Lookup = (name: string) => string | undefined

export interface Expansion {
  text: string
  /** Variables used without a value and without a default, in order of use. */
  unresolved: string[]
  /**
   * Variables `${X+word}` / `${X:+word}` asked about and found without a value here: the word was left out, but whether
   * the deploy sets them is not known (a test on it, `[ -z "${X+x}" ]`, is then undecided, as `[ -z "$X" ]` is).
   */
  unsetAsked?: string[]
}

export interface SplitCommand {
  /** Variables the server process gets from the line: `KEY=v cmd`, `env KEY=v cmd`, `export KEY=v; cmd`. */
  assignments: EnvEntry[]
  command: ParsedCommand
  /**
   * The server command is `sh -c 'body' [$0 args…]` (after any launchers): its body, as the outer shell left it
   * (quotes removed, the outer line's variables expanded), for procfile/script.ts to read as a script of its own.
   * `assignments` are what the inner shell gets from the line; `wrappers` the launchers before it.
   */
  shell?: ShellInvocation
  /** Set when `${A:-${B:-…}}` nests deeper than MAX_NESTING: the command is not read (argv empty). */
  tooDeep?: number
  unresolved: string[]
  /** Commands of the list after a server run in the foreground, which never returns: they never start. */
  neverRun?: {after: string[]; commands: string[][]}
}

/** `bash -c 'body' name a b`: the body, `$0` (`name`) and the arguments after it (`$1`, `$2`). */
export interface ShellInvocation {
  /** The arguments after `$0`. */
  args: string[]
  /** `$0`: the word after the body (`sh -c 'exec "$0" "$@"' gunicorn …`), when there is one. */
  arg0?: string
  assignments: EnvEntry[]
  body: string
  /** The shell's name as written (`bash`, `sh`). */
  name: string
  /** Its options up to and with the `-c` (`-e`, `-lc`, `-ec`). */
  options: string[]
  wrappers: string[]
}

/**
 * `${A:-${B:-${C:-…}}}` deeper than this is not expanded: no real Procfile nests more
 * than a few levels, and each level costs a stack frame (3,000 levels overflowed it).
 */
export const MAX_NESTING = 64

/** Thrown inside an expansion nested deeper than MAX_NESTING; splitCommand turns it into `tooDeep`. */
class NestedTooDeep extends Error {}

/**
 * Split a Procfile command and find the server it starts.
 *
 * - Leading `KEY=value` words become EnvEntries (source `fromEnv(KEY, "Procfile:3")`)
 *   and leave argv. As in dash and bash, they are expanded left to right, each
 *   seeing the ones before it (`A=1 B=$A cmd` gives B=1), while the command's own
 *   words see the outer values (`A=1 echo $A` prints the old A).
 * - Unset variables without a default expand to nothing and are listed in
 *   `unresolved`; an unquoted expansion is split on whitespace (`puma $PUMA_OPTS`).
 * - In a list (`bin/rails db:migrate && bin/rails server`), the server is the last
 *   command that is not a shell utility (`echo`, `sleep`, `wait`, …) nor the far end
 *   of a pipe; the others go to `preCommands`, and commands sent to the
 *   background with `&` to `background`.
 * - Launchers are stripped into `wrappers`: `exec`, `bundle exec`, `env K=V`,
 *   `bin/start-pgbouncer[-stunnel]`, `newrelic-admin run-program`, `ddtrace-run`,
 *   `opentelemetry-instrument`, `nice`, `nohup`; `sh -c '…'` and `bash -c '…'` are
 *   read recursively. `./bin/x` and `/app/bin/x` are written `bin/x`.
 */
export function splitCommand(raw: string, env: Env, origin: {file: string; line: number}): SplitCommand {
  // A command of plain words reads no variable and sets none: its split is the same on every line.
  const plain = PLAIN.test(raw)
  const known = plain ? plainSplits.get(raw) : undefined
  if (known) return copyOf(known)
  let result: ScriptResult
  try {
    result = splitScript(raw, env, `${origin.file}:${origin.line}`, 0)
  } catch (error) {
    if (!(error instanceof NestedTooDeep)) throw error
    return {assignments: [], command: {argv: [], raw, wrappers: []}, tooDeep: MAX_NESTING, unresolved: []}
  }

  const command: ParsedCommand = {argv: result.argv, raw, wrappers: result.wrappers}
  if (result.expanded.length > 0) command.expanded = dedupe(result.expanded)
  if (result.preCommands.length > 0) command.preCommands = result.preCommands
  if (result.background.length > 0) command.background = result.background
  const split: SplitCommand = {assignments: dedupe(result.assignments), command, unresolved: [...new Set(result.unresolved)]}
  if (result.shell) split.shell = result.shell
  if (result.neverRun) split.neverRun = result.neverRun
  // run-java.sh reads JAVA_APP_JAR / JAVA_MAIN_CLASS from the env: its split is not the same on every line.
  if (plain && plainSplits.size < PLAIN_SPLITS_MAX && !raw.includes('run-java.sh')) plainSplits.set(raw, copyOf(split))
  return split
}

/**
 * Words of letters, digits and `_ . / : @ % + , -` only: no `$`, quote, `=`, `~`, glob, `#`,
 * operator or redirection, so nothing on the line depends on the environment or the line it is on.
 */
const PLAIN = /^[\w ./:@%+,-]*$/
/** Splits of plain commands, by their text: a Procfile's or several apps' types often run the same command. */
const plainSplits = new Map<string, SplitCommand>()
const PLAIN_SPLITS_MAX = 4096

/** A copy each caller may change (script.ts sets a command's preCommands). */
const copyOf = (s: SplitCommand): SplitCommand => {
  const command: ParsedCommand = {argv: [...s.command.argv], raw: s.command.raw, wrappers: [...s.command.wrappers]}
  if (s.command.preCommands) command.preCommands = s.command.preCommands.map((c) => [...c])
  if (s.command.background) command.background = s.command.background.map((c) => [...c])
  const copy: SplitCommand = {assignments: [...s.assignments], command, unresolved: [...s.unresolved]}
  if (s.shell) copy.shell = {...s.shell, args: [...s.shell.args], assignments: [...s.shell.assignments], options: [...s.shell.options], wrappers: [...s.shell.wrappers]}
  if (s.neverRun) copy.neverRun = {after: [...s.neverRun.after], commands: s.neverRun.commands.map((c) => [...c])}
  return copy
}

/**
 * Expand one shell word as in an assignment (`X=word`): quotes removed, `$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR:?}`, `${#VAR}`
 * expanded, no field splitting. Unset variables without a default expand to nothing
 * and are listed in `unresolved`.
 */
export function expandShell(text: string, lookup: Lookup): Expansion {
  const ctx: Ctx = {lookup, unresolved: []}
  try {
    const expanded = expandWord(text, ctx, false)[0] ?? ''
    return {text: expanded, unresolved: [...new Set(ctx.unresolved)], ...(ctx.unsetAsked ? {unsetAsked: [...new Set(ctx.unsetAsked)]} : {})}
  } catch (error) {
    // Beyond MAX_NESTING the text is kept as written, never a stack overflow.
    if (error instanceof NestedTooDeep) return {text, unresolved: []}
    throw error
  }
}

// ---------------------------------------------------------------------------
// Expansion

interface Ctx {
  /** How many `${…:-word}` words deep this expansion is. */
  depth?: number
  lookup: Lookup
  unresolved: string[]
  /** Variables whose values the expansion used, for sources. */
  used?: string[]
  /** Variables unset here whose `${X:-word}` / `${X-word}` word the expansion used, with that word's value. */
  defaulted?: [string, string][]
  /** Variables unset here that `${X+word}` / `${X:+word}` asked about (Expansion.unsetAsked). */
  unsetAsked?: string[]
}

const NAME = /^[A-Z_a-z]\w*/
const ASSIGNMENT = /^([A-Z_a-z]\w*)=/
const IFS = /[\t\n ]+/

/**
 * Expand a word: quote removal and parameter expansion. With `split`, the
 * unquoted results of expansions are split into fields as sh does, so a word can
 * become zero fields (`$UNSET`) or several (`$OPTS`).
 */
function expandWord(text: string, ctx: Ctx, split: boolean): string[] {
  const fields: string[] = []
  let cur = ''
  let has = false
  const emit = (s: string, splittable: boolean): void => {
    if (!split || !splittable) {
      cur += s
      if (s !== '') has = true
      return
    }

    for (const [k, part] of s.split(IFS).entries()) {
      if (k > 0 && has) {
        fields.push(cur)
        cur = ''
        has = false
      }

      if (part !== '') {
        cur += part
        has = true
      }
    }
  }

  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === "'") {
      const end = indexOrEnd(text, "'", i + 1)
      has = true
      emit(text.slice(i + 1, end), false)
      i = end + 1
    } else if (c === '"') {
      has = true
      i = expandDouble(text, i + 1, ctx, (s) => emit(s, false))
    } else if (c === '\\') {
      emit(text[i + 1] ?? '', false)
      i += 2
    } else if (c === '$') {
      const d = expandDollar(text, i, ctx)
      emit(d.value, !d.literal)
      i = d.end
    } else if (c === '`') {
      const end = matchBackquote(text, i)
      emit(text.slice(i, end + 1), false)
      i = end + 1
    } else {
      emit(c, false)
      i++
    }
  }

  if (has || !split) fields.push(cur)
  return fields
}

/** Expand a double-quoted string starting after its `"`; returns the index after the closing `"`. */
function expandDouble(text: string, start: number, ctx: Ctx, out: (s: string) => void): number {
  let i = start
  while (i < text.length && text[i] !== '"') {
    const c = text[i]
    if (c === '\\') {
      const next = text[i + 1] ?? ''
      // In double quotes a backslash only escapes $ ` " \ and newline (POSIX 2.2.3).
      out('$`"\\\n'.includes(next) && next !== '' ? (next === '\n' ? '' : next) : c + next)
      i += 2
    } else if (c === '$') {
      const d = expandDollar(text, i, ctx)
      out(d.value)
      i = d.end
    } else if (c === '`') {
      const end = matchBackquote(text, i)
      out(text.slice(i, end + 1))
      i = end + 1
    } else {
      out(c)
      i++
    }
  }

  return i + 1
}

interface Dollar {
  end: number
  /** Kept as written (command substitution, arithmetic, a lone `$`): never field-split. */
  literal?: boolean
  value: string
}

function expandDollar(text: string, i: number, ctx: Ctx): Dollar {
  const next = text[i + 1]
  if (next === '{') {
    const close = matchClose(text, i + 1, '{', '}')
    if (close >= text.length) return {end: text.length, literal: true, value: text.slice(i)}
    return {end: close + 1, value: expandBraced(text.slice(i + 2, close), ctx)}
  }

  if (next === '(') {
    const close = matchClose(text, i + 1, '(', ')')
    return {end: close + 1, literal: true, value: text.slice(i, close + 1)}
  }

  const name = NAME.exec(text.slice(i + 1))?.[0]
  if (name) return {end: i + 1 + name.length, value: variable(name, ctx)}
  // Positional and special parameters: nothing we can know; they expand to nothing.
  if (next !== undefined && /[\d!#$*?@-]/.test(next)) return {end: i + 2, value: ''}
  return {end: i + 1, literal: true, value: '$'}
}

function variable(name: string, ctx: Ctx): string {
  const v = ctx.lookup(name)
  if (v === undefined) {
    ctx.unresolved.push(name)
    return ''
  }

  ctx.used?.push(name)
  return v
}

/** The inside of `${…}`. */
function expandBraced(inner: string, ctx: Ctx): string {
  if (inner.startsWith('#') && NAME.test(inner.slice(1))) {
    return String(variable(inner.slice(1), ctx).length)
  }

  const m = /^([A-Z_a-z]\w*|\d+|[!#$*?@-])([\S\s]*)$/.exec(inner)
  if (!m) return '' // "bad substitution" in a real shell
  const [, name, rest] = m
  const special = !NAME.test(name)
  if (rest === '') return special ? '' : variable(name, ctx)

  // `${X#pattern}`, `${X##pattern}`, `${X%pattern}`, `${X%%pattern}`: the value with the shortest (doubled: longest)
  // prefix or suffix matching the pattern removed.
  const strip = /^(#{1,2}|%{1,2})([\S\s]*)$/.exec(rest)
  if (strip && !special) {
    const v = variable(name, ctx)
    const depth = (ctx.depth ?? 0) + 1
    if (depth > MAX_NESTING) throw new NestedTooDeep()
    // A bracket class this reader cannot match: kept as written (see below).
    return removeMatch(v, strip[1], expandWord(strip[2], {...ctx, depth}, false)[0] ?? '') ?? `\${${inner}}`
  }

  const op = /^(:?)([+=?-])([\S\s]*)$/.exec(rest)
  if (!op && !special) {
    const edited = editValue(name, rest, ctx)
    if (edited !== undefined) return edited
  }

  const value = special ? undefined : ctx.lookup(name)
  // `${X@A}`, `${X@a}` (they print the variable's attributes, which are not known here), `${X@P}` of a value a prompt
  // would expand, `${X@E}` of one with a backslash: kept as written, so what reads it says it cannot (a number that is
  // not one, a command not known), never the value as if it were the answer.
  // The same for an edit this reader cannot do (an offset that is not an integer expression it can evaluate, a bracket
  // class it does not translate): the value unedited would be a wrong answer, not a known one.
  if (!op && !special && /^[,/:@^]/.test(rest)) return `\${${inner}}`
  if (!op) return value ?? '' // `${X[0]}` of a variable that is not an array is its value, as in bash
  const [, colon, kind, word] = op
  const present = colon ? value !== undefined && value !== '' : value !== undefined
  // The word is expanded only when it is used, as in sh.
  const useWord = (): string => {
    const depth = (ctx.depth ?? 0) + 1
    if (depth > MAX_NESTING) throw new NestedTooDeep()
    return expandWord(word, {...ctx, depth}, false)[0] ?? ''
  }
  switch (kind) {
    case '+': {
      if (!present && value === undefined && !special) (ctx.unsetAsked ??= []).push(name)
      return present ? useWord() : ''
    }

    case '?': {
      if (present) return value ?? ''
      if (!special) ctx.unresolved.push(name)
      return ''
    }

    default: {
      if (present) ctx.used?.push(name)
      if (present) return value ?? ''
      const fallback = useWord()
      if (!special) ctx.defaulted?.push([name, fallback])
      return fallback
    }
  }
}

/**
 * bash's editing expansions (bash manual, "Shell Parameter Expansion"): `${X/pattern/string}` (the first
 * longest match replaced; `//` every one, `/#` at the start, `/%` at the end; an unquoted `&` in the string is
 * the match, bash 5.2's patsub_replacement), `${X:offset}` / `${X:offset:length}` (negative counts from the
 * end) and `${X^^}`, `${X,,}`, `${X^}`, `${X,}` (case). Undefined for another operator, or an offset that is
 * not an integer expression read here: the caller keeps the word as written.
 */
function editValue(name: string, rest: string, ctx: Ctx): string | undefined {
  if (rest.startsWith('/')) {
    const mode = rest[1] === '/' || rest[1] === '#' || rest[1] === '%' ? rest[1] : ''
    const body = rest.slice(1 + mode.length)
    const cut = patternEnd(body)
    const value = variable(name, ctx)
    const depth = (ctx.depth ?? 0) + 1
    if (depth > MAX_NESTING) throw new NestedTooDeep()
    const inner = {...ctx, depth}
    const re = globSource(body.slice(0, cut), inner)
    if (re === undefined) return undefined // a bracket class this reader does not match (`[[=a=]]`)
    if (re === '' && mode !== '#' && mode !== '%') return value
    // `&` (not quoted, not escaped) stands for the match: marked before the string is expanded.
    const marked = body.slice(cut + 1).replaceAll(/(\\.|'[^']*')|&/g, (m, kept: string | undefined) => kept ?? MATCH_MARK)
    const string = cut < body.length ? (expandWord(marked, inner, false)[0] ?? '') : ''
    const put = (match: string): string => string.replaceAll(MATCH_MARK, match)
    if (mode === '#') {
      const m = new RegExp(`^(?:${re})`).exec(value)
      return m ? put(m[0]) + value.slice(m[0].length) : value
    }

    if (mode === '%') {
      const m = new RegExp(`(?:${re})$`).exec(value)
      return m ? value.slice(0, m.index) + put(m[0]) : value
    }

    // Leftmost match, greedy (the longest for a glob of `*`, `?`, `[…]` and literals); an empty match replaces nothing.
    const sticky = new RegExp(re, 'y')
    let out = ''
    for (let i = 0; i < value.length; ) {
      sticky.lastIndex = i
      const m = sticky.exec(value)
      if (m && m[0].length > 0) {
        out += put(m[0])
        i += m[0].length
        if (mode !== '/') return out + value.slice(i)
      } else {
        out += value[i]
        i++
      }
    }

    return out
  }

  const cases: Record<string, (v: string) => string> = {
    ',': (v) => v.slice(0, 1).toLowerCase() + v.slice(1),
    ',,': (v) => v.toLowerCase(),
    '^': (v) => v.slice(0, 1).toUpperCase() + v.slice(1),
    '^^': (v) => v.toUpperCase(),
  }
  if (Object.hasOwn(cases, rest)) return cases[rest](variable(name, ctx))
  // `${X^pattern}`, `${X^^pattern}`, `${X,pattern}`, `${X,,pattern}`: only the characters the pattern matches change
  // case (one character each; the single form looks at the first character only).
  const patterned = /^(\^\^?|,,?)([\S\s]+)$/.exec(rest)
  if (patterned) {
    const re = globSource(patterned[2], ctx)
    if (re === undefined) return undefined
    const matches = new RegExp(`^(?:${re})$`)
    const change = (c: string): string => (matches.test(c) ? (patterned[1].startsWith('^') ? c.toUpperCase() : c.toLowerCase()) : c)
    const value = variable(name, ctx)
    return patterned[1].length === 2 ? [...value].map((c) => change(c)).join('') : change(value.slice(0, 1)) + value.slice(1)
  }

  // `${X@Q}` and `${X@K}` (quoted for reuse as input; the same for a variable that is not an array), `${X@U}` `${X@L}`
  // `${X@u}` (case), `${X@E}` of a value with no backslash, `${X@P}` of a value with nothing a prompt expands (`\`, `$`,
  // a backquote, `!`). An unset variable gives nothing, even quoted (bash 5.2.15: `${U@Q}` prints nothing, `${V@Q}` of
  // V= prints '').
  const transform = /^@([EKLPQUu])$/.exec(rest)?.[1]
  if (transform) {
    if (ctx.lookup(name) === undefined) return variable(name, ctx)
    const value = variable(name, ctx)
    if (transform === 'Q' || transform === 'K') return `'${value.replaceAll("'", String.raw`'\''`)}'`
    if (transform === 'P') return /[!$\\`]/.test(value) ? undefined : value
    if (transform === 'U') return value.toUpperCase()
    if (transform === 'L') return value.toLowerCase()
    if (transform === 'u') return value.slice(0, 1).toUpperCase() + value.slice(1)
    return value.includes('\\') ? undefined : value
  }

  const sub = /^:([^:]*)(?::([\S\s]*))?$/.exec(rest)
  if (!sub) return undefined
  // Offsets and lengths are arithmetic (bash manual, "Shell Arithmetic"): integers, variables by name, + - * / %, ( ).
  const number = (text: string): number | undefined => arithmetic(text, ctx.lookup)

  const offset = number(sub[1])
  const length = sub[2] === undefined ? undefined : number(sub[2])
  if (offset === undefined || (sub[2] !== undefined && length === undefined)) return undefined
  const value = variable(name, ctx)
  const start = offset < 0 ? Math.max(0, value.length + offset) : Math.min(offset, value.length)
  if (offset < 0 && -offset > value.length) return ''
  if (length === undefined) return value.slice(start)
  const end = length < 0 ? value.length + length : start + length
  return end <= start ? '' : value.slice(start, end)
}

/**
 * An integer arithmetic expression as bash evaluates it: decimal integers, variables by name (with or without `$`,
 * their values read as integers), unary `-`/`+`, `* / %` before `+ -`, parentheses; division truncates toward zero.
 * A variable's value that is not an integer is itself evaluated as an expression, as bash does. Undefined for anything
 * else (a variable not known here, a value that is no expression, `?:`, `**`, shifts) or a division by zero.
 */
export function arithmetic(text: string, lookup: Lookup, depth = 0): number | undefined {
  const tokens = text.match(/\$?\{?[A-Z_a-z]\w*\}?|\d+|[()*%+/-]|\S/g) ?? []
  let i = 0
  const primary = (): number | undefined => {
    const t = tokens[i++]
    if (t === undefined) return undefined
    if (t === '(') {
      const v = sum()
      return tokens[i++] === ')' ? v : undefined
    }

    if (t === '-' || t === '+') {
      const v = primary()
      return v === undefined ? undefined : t === '-' ? -v : v
    }

    if (/^\d+$/.test(t)) return Number(t)
    const name = /^\$?\{?([A-Z_a-z]\w*)\}?$/.exec(t)?.[1]
    const v = name === undefined ? undefined : lookup(name)
    // An unset or empty variable is 0 in bash arithmetic; one that is set must hold an integer here.
    if (name !== undefined && (v === undefined || v.trim() === '')) return v === undefined ? undefined : 0
    if (v === undefined) return undefined
    if (/^\s*-?\d+\s*$/.test(v)) return Number(v)
    // bash evaluates a variable's value as an expression of its own (W=abc abc=2: $((W)) is 2; W=1+1 is 2); a cycle
    // (W=V V=W) is bash's "expression recursion level exceeded", unknown here, as is a chain longer than this reader follows.
    return depth < MAX_ARITHMETIC_DEPTH ? arithmetic(v, lookup, depth + 1) : undefined
  }

  const product = (): number | undefined => {
    let v = primary()
    while (v !== undefined && (tokens[i] === '*' || tokens[i] === '/' || tokens[i] === '%')) {
      const op = tokens[i++]
      const r = primary()
      if (r === undefined || (op !== '*' && r === 0)) return undefined
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r
    }

    return v
  }

  const sum = (): number | undefined => {
    let v = product()
    while (v !== undefined && (tokens[i] === '+' || tokens[i] === '-')) {
      const op = tokens[i++]
      const r = product()
      if (r === undefined) return undefined
      v = op === '+' ? v + r : v - r
    }

    return v
  }

  const v = sum()
  return i === tokens.length ? v : undefined
}

/** How many variables deep an arithmetic value is followed (bash's own limit is 1024, reached only by a cycle). */
const MAX_ARITHMETIC_DEPTH = 16

function validRegExp(source: string): boolean {
  try {
    new RegExp(source)
    return true
  } catch {
    return false
  }
}

/** Stands for the match in `${X/pattern/string}`'s string while it is expanded (a character no value holds). */
const MATCH_MARK = '\u0000'

/** Where the pattern of `${X/pattern/string}` ends: the first `/` not escaped, quoted or inside `${…}`; body.length if none. */
function patternEnd(body: string): number {
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '\\') i++
    else if (c === "'") i = indexOrEnd(body, "'", i + 1)
    else if (c === '"') i = skipDouble(body, i + 1)
    else if (c === '$' && body[i + 1] === '{') i = matchClose(body, i + 1, '{', '}')
    else if (c === '/') return i
  }

  return body.length
}

/**
 * A glob pattern as a regular expression's source: `*`, `?`, `[…]` match; quoted, escaped and expanded text is literal.
 * Undefined for a bracket expression this reader cannot match.
 */
function globSource(pattern: string, ctx: Ctx): string | undefined {
  const literal = (s: string): string => s.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')
  let re = ''
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]
    if (c === '\\') {
      re += literal(pattern[i + 1] ?? '')
      i += 2
    } else if (c === "'") {
      const end = indexOrEnd(pattern, "'", i + 1)
      re += literal(pattern.slice(i + 1, end))
      i = end + 1
    } else if (c === '"') {
      let text = ''
      i = expandDouble(pattern, i + 1, ctx, (s) => (text += s))
      re += literal(text)
    } else if (c === '$') {
      const d = expandDollar(pattern, i, ctx)
      re += literal(d.value)
      i = d.end
    } else if (c === '*') {
      re += '[\\s\\S]*'
      i++
    } else if (c === '?') {
      re += '[\\s\\S]'
      i++
    } else if (c === '[' && bracketClass(pattern, i)) {
      const b = bracketClass(pattern, i)!
      if (b.source === undefined) return undefined
      re += b.source
      i = b.end
    } else {
      re += literal(c)
      i++
    }
  }

  return validRegExp(re) ? re : undefined // `[z-a]`: a range bash matches nothing with
}

/** POSIX character classes inside a bracket expression (bash manual, "Pattern Matching"), for the ASCII values read here. */
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: ' \\t',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@\\[-`{-~',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  word: '\\w',
  xdigit: '0-9A-Fa-f',
}

/**
 * The bracket expression at `pattern[i]` (a `[`) as a RegExp class: `!` or `^` first negates, a `]` first is literal,
 * `\x` is x, `[:name:]` is a POSIX class. Undefined when no `]` closes it (the `[` is then a literal character); a
 * source of undefined for a class name bash does not know (an `[=x=]` or `[.x.]` too), which this reader cannot match.
 */
function bracketClass(pattern: string, i: number): {end: number; source: string | undefined} | undefined {
  let j = i + 1
  const negated = pattern[j] === '!' || pattern[j] === '^'
  if (negated) j++
  let set = ''
  for (let first = true; j < pattern.length; first = false) {
    const c = pattern[j]
    if (c === ']' && !first) return {end: j + 1, source: `[${negated ? '^' : ''}${set}]`}
    if (c === '[' && /[.:=]/.test(pattern[j + 1] ?? '')) {
      const kind = pattern[j + 1]
      const close = pattern.indexOf(`${kind}]`, j + 2)
      if (close === -1) return undefined
      const posix = kind === ':' ? POSIX_CLASSES[pattern.slice(j + 2, close)] : undefined
      if (posix === undefined) return {end: close + 2, source: undefined}
      set += posix
      j = close + 2
      continue
    }

    const ch = c === '\\' && j + 1 < pattern.length ? pattern[++j] : c
    set += /[\\\]^[]/.test(ch) ? `\\${ch}` : ch
    j++
  }

  return undefined
}

/** An unquoted glob (`*`, `?`, `[…]`, `\x`) as a RegExp source; undefined for a bracket expression this reader cannot match. */
function globRegExp(pattern: string): string | undefined {
  let re = ''
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]
    const b = c === '[' ? bracketClass(pattern, i) : undefined
    if (b) {
      if (b.source === undefined) return undefined
      re += b.source
      i = b.end
      continue
    }

    if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[i + 1].replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')
      i += 2
      continue
    }

    re += c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')
    i++
  }

  return validRegExp(re) ? re : undefined
}

/** `value` without the prefix (`#`, `##`) or suffix (`%`, `%%`) matching the glob `pattern`: shortest when single, longest when doubled. */
function removeMatch(value: string, op: string, pattern: string): string | undefined {
  const source = globRegExp(pattern)
  if (source === undefined) return undefined
  const re = new RegExp(`^${source}$`)
  const ends = [...Array.from({length: value.length + 1}).keys()]
  if (op.startsWith('#')) {
    for (const i of op === '#' ? ends : ends.reverse()) if (re.test(value.slice(0, i))) return value.slice(i)
  } else {
    for (const i of op === '%' ? ends.reverse() : ends) if (re.test(value.slice(i))) return value.slice(0, i)
  }

  return value
}

// ---------------------------------------------------------------------------
// Lexing

type Token = {op: string; type: 'op'} | {raw: string; type: 'word'}

/** Index of the closing `close` for the `open` at `start`, skipping quotes; text.length if none. */
function matchClose(text: string, start: number, open: string, close: string): number {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (c === "'" && open === '(') i = indexOrEnd(text, "'", i + 1)
    else if (c === '"') i = skipDouble(text, i + 1)
    else if (c === open) depth++
    else if (c === close && --depth === 0) return i
  }

  return text.length
}

function matchBackquote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '`') return i
  }

  return text.length
}

/** Index of the `"` closing a double-quoted string whose body starts at `start`. */
function skipDouble(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') i++
    else if (c === '"') return i
    else if (c === '$' && (text[i + 1] === '(' || text[i + 1] === '{')) {
      i = matchClose(text, i + 1, text[i + 1], text[i + 1] === '(' ? ')' : '}')
    } else if (c === '`') i = matchBackquote(text, i)
  }

  return text.length
}

function indexOrEnd(text: string, ch: string, from: number): number {
  const i = text.indexOf(ch, from)
  return i === -1 ? text.length : i
}

/**
 * Cut a command line into words (still quoted) and control operators.
 * Redirections and their targets are dropped; `(`, `)` and newlines act as `;`.
 */
function lex(src: string): Token[] {
  const tokens: Token[] = []
  let word = ''
  let inWord = false
  let dropNext = false // the next word is a redirection target
  const endWord = (): void => {
    if (!inWord) return
    if (dropNext) dropNext = false
    else tokens.push({raw: word, type: 'word'})
    word = ''
    inWord = false
  }

  const op = (o: string): void => {
    endWord()
    dropNext = false
    tokens.push({op: o, type: 'op'})
  }

  const take = (end: number, from: number): number => {
    word += src.slice(from, end)
    inWord = true
    return end
  }

  let i = 0
  while (i < src.length) {
    const c = src[i]
    const two = src.slice(i, i + 2)
    if (c === ' ' || c === '\t') {
      endWord()
      i++
    } else if (c === '\n' || c === '\r') {
      op(';')
      i++
    } else if (c === '#' && !inWord) {
      i = indexOrEnd(src, '\n', i)
    } else if (c === '\\') {
      if (src[i + 1] === '\n') i += 2 // line continuation
      else i = take(i + 2, i)
    } else if (c === "'") {
      i = take(indexOrEnd(src, "'", i + 1) + 1, i)
    } else if (c === '"') {
      i = take(skipDouble(src, i + 1) + 1, i)
    } else if (c === '`') {
      i = take(matchBackquote(src, i) + 1, i)
    } else if (c === '$' && (src[i + 1] === '(' || src[i + 1] === '{')) {
      i = take(matchClose(src, i + 1, src[i + 1], src[i + 1] === '(' ? ')' : '}') + 1, i)
    } else if (two === '&>') {
      endWord()
      i += src[i + 2] === '>' ? 3 : 2
      dropNext = true
    } else if (c === '<' || c === '>') {
      if (inWord && /^\d+$/.test(word)) {
        word = '' // an io number: `2>&1`
        inWord = false
      } else endWord()

      const m = /^(<<-|<<|>>|>&|<&|>\||<>|<|>)/.exec(src.slice(i))!
      i += m[0].length
      dropNext = true
    } else if (two === '&&' || two === '||') {
      op(two)
      i += 2
    } else if (two === ';;' || two === '|&') {
      op(two === '|&' ? '|' : ';')
      i += 2
    } else if (c === '&' || c === '|' || c === ';') {
      op(c)
      i++
    } else if (c === '(' || c === ')') {
      op(';')
      i++
    } else {
      word += c
      inWord = true
      i++
    }
  }

  endWord()
  return tokens
}

// ---------------------------------------------------------------------------
// Lists, assignments, wrappers

interface Segment {
  afterPipe: boolean
  terminator: string // ';', '&&', '||', '&', '|' or '' at the end
  words: string[]
}

function segments(tokens: Token[]): Segment[] {
  const out: Segment[] = []
  let words: string[] = []
  let afterPipe = false
  for (const t of tokens) {
    if (t.type === 'word') {
      words.push(t.raw)
      continue
    }

    if (words.length > 0) out.push({afterPipe, terminator: t.op, words})
    afterPipe = t.op === '|' && words.length > 0
    words = []
  }

  if (words.length > 0) out.push({afterPipe, terminator: '', words})
  return out
}

/** Reserved words that open or close compound commands; the commands inside still count. */
const RESERVED = new Set(['!', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'if', 'then', 'until', 'while', '{', '}'])

export const SHELLS: ReadonlySet<string> = new Set(['ash', 'bash', 'dash', 'sh', 'zsh'])

interface CommandSegment {
  argv: string[]
  assignments: EnvEntry[]
  expanded: EnvEntry[]
  background: boolean
  candidate: boolean
  /** The far end of a pipe (`puma | logger`): it runs beside the command before it. */
  piped?: boolean
  unresolved: string[]
}

interface ScriptResult {
  argv: string[]
  assignments: EnvEntry[]
  expanded: EnvEntry[]
  background: string[][]
  preCommands: string[][]
  shell?: ShellInvocation
  unresolved: string[]
  wrappers: string[]
  neverRun?: {after: string[]; commands: string[][]}
}

const MAX_DEPTH = 5

/**
 * Whether the words between a shell and its `-c` are its options only: flags (`-e`, `-l`, `+x`, `--login`) and `-o NAME`
 * / `+o NAME`, whose NAME is the next word, also after bundled flags (`bash -euo pipefail -c …`, `/bin/sh -o xtrace -c …`,
 * as a Dockerfile's `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` writes it): POSIX sh's set options, which bash and dash take
 * on their command line (https://pubs.opengroup.org/onlinepubs/9799919799/utilities/sh.html).
 */
function shellOptionsOnly(words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    if (!/^[-+]/.test(words[i])) return false
    if (/^[-+][a-zA-Z]*o$/.test(words[i])) i++
  }

  return true
}

/** A line that runs another command line (`eval WORDS`, `sh -c BODY`): what that inner line runs, after this line's assignments and wrappers. */
const runsInner = (inner: ScriptResult, assignments: EnvEntry[], wrappers: string[]): ScriptResult => ({
  argv: inner.argv,
  assignments: [...assignments, ...inner.assignments],
  background: inner.background,
  expanded: inner.expanded,
  preCommands: inner.preCommands,
  unresolved: inner.unresolved,
  wrappers: [...wrappers, ...inner.wrappers],
  ...(inner.neverRun ? {neverRun: inner.neverRun} : {}),
})

function splitScript(src: string, env: Env, from: string, depth: number): ScriptResult {
  const vars = new Map<string, string>() // shell variables set on the line
  const exported = new Map<string, EnvEntry>() // variables a child process gets from the line
  const lookup: Lookup = (name) => (vars.has(name) ? vars.get(name) : env.get(name)?.value)
  // Where a variable used on this line came from: the line itself or a lower layer.
  const sourcesOf = (names: string[], local?: Map<string, string>): Source[] =>
    [...new Set(names)].flatMap((n) => {
      if (local?.has(n) || vars.has(n)) return [fromEnv(n, from)]
      const e = env.get(n)
      // A value only a layer below app.json's sets (a buildpack's WEB_CONCURRENCY), for a variable app.json requires: the deployer's replaces it.
      const deployer = env.deployerSets(n)
      return e ? [...entrySources(e), ...(deployer ? [deployer] : [])] : []
    })
  // A `${X:-word}` default taken for a variable app.json requires with no value (Env.deployerSets): the deployer's
  // value replaces it on the platform, so what it gives is an assumption, named.
  const deployerOf = (defaulted: readonly [string, string][] = []): Source[] =>
    [...new Set(defaulted.map(([n]) => n))].flatMap((n) => {
      const s = vars.has(n) ? undefined : env.deployerSets(n)
      return s ? [s] : []
    })
  const entry = (name: string, value: string, used: string[] = [], local?: Map<string, string>, defaulted?: [string, string][]): EnvEntry => {
    const via = [...sourcesOf(used, local), ...deployerOf(defaulted)]
    const e: EnvEntry = via.length > 0 ? {name, source: fromEnv(name, from), value, via} : {name, source: fromEnv(name, from), value}
    // `X=$(cmd)`: a command's output, kept as written; the analyzer reads the app's script when it only prints a literal.
    if (hasCommandOutput(value)) e.unknown = commandOutputWhy(name, value, from)
    return e
  }
  const statementUnresolved: string[] = [] // from assignments that reach the server's env
  const commands: CommandSegment[] = []

  for (const seg of segments(lex(src))) {
    let words = seg.words
    while (words.length > 0 && RESERVED.has(words[0])) words = words.slice(1)
    if (words.length === 0) continue

    // Leading assignments, left to right, each seeing the ones before it.
    const local = new Map<string, string>()
    const prefix: EnvEntry[] = []
    const prefixCtx: Ctx = {lookup: (n) => (local.has(n) ? local.get(n) : lookup(n)), unresolved: []}
    let k = 0
    for (; k < words.length; k++) {
      const m = ASSIGNMENT.exec(words[k])
      if (!m) break
      prefixCtx.used = []
      prefixCtx.defaulted = []
      const value = expandWord(words[k].slice(m[0].length), prefixCtx, false)[0] ?? ''
      prefix.push(entry(m[1], value, prefixCtx.used, new Map(local), prefixCtx.defaulted))
      local.set(m[1], value)
    }

    // The command's words see the values from before this statement.
    const ctx: Ctx = {defaulted: [], lookup, unresolved: [], used: []}
    const rest = words.slice(k)
    const argv = rest.flatMap((w) => expandWord(w, ctx, true))

    if (argv.length === 0) {
      // `A=1` alone sets a shell variable; the child sees it only if it was exported already.
      for (const e of prefix) {
        vars.set(e.name, e.value)
        if (exported.has(e.name) || env.has(e.name)) exported.set(e.name, e)
      }

      append(statementUnresolved, prefixCtx.unresolved)
      continue
    }

    if (argv[0] === 'export' || argv[0] === 'unset') {
      for (const w of rest.slice(1)) {
        const m = ASSIGNMENT.exec(w)
        const name = m ? m[1] : w
        if (argv[0] === 'unset') {
          vars.delete(name)
          exported.delete(name)
        } else if (m) {
          const wordCtx: Ctx = {...ctx, defaulted: [], used: []}
          const value = expandWord(w.slice(m[0].length), wordCtx, false)[0] ?? ''
          vars.set(name, value)
          exported.set(name, entry(name, value, wordCtx.used, undefined, wordCtx.defaulted))
        } else if (vars.has(name)) {
          exported.set(name, entry(name, vars.get(name)!))
        }
      }

      append(statementUnresolved, ctx.unresolved)
      continue
    }

    commands.push({
      argv,
      assignments: [...exported.values(), ...prefix],
      expanded: [
        ...(ctx.used ?? []).flatMap((n) => {
          const e = vars.has(n) ? exported.get(n) : env.get(n)
          const deployer = vars.has(n) ? undefined : env.deployerSets(n)
          return e ? [deployer ? {...e, via: [...(e.via ?? []), deployer]} : e] : []
        }),
        // `-w ${WORKERS:-4}` with WORKERS required by app.json: the 4 carries the deployer's assumption.
        ...(ctx.defaulted ?? []).flatMap(([n, value]) => {
          const s = vars.has(n) ? undefined : env.deployerSets(n)
          return s ? [{name: n, source: s, value}] : []
        }),
      ],
      // A server that daemonizes itself (`php-fpm -D && nginx -g 'daemon off;'`) keeps running beside what follows.
      background: seg.terminator === '&' || (!seg.afterPipe && daemonizes(argv)),
      candidate: !seg.afterPipe && !finishesAtOnce(argv),
      ...(seg.afterPipe ? {piped: true} : {}),
      unresolved: [...statementUnresolved, ...prefixCtx.unresolved, ...ctx.unresolved],
    })
  }

  if (commands.length === 0) {
    return {argv: [], assignments: [...exported.values()], background: [], expanded: [], preCommands: [], unresolved: statementUnresolved, wrappers: []}
  }

  // A server or worker run in the foreground (`bundle exec good_job start; other`) never returns: the commands after
  // it never start, so it is the process whatever follows.
  const stays = commands.findIndex((c) => c.candidate && !c.background && neverReturns(c.argv) !== undefined)
  let serverIndex = stays !== -1 ? stays : commands.findLastIndex((c) => c.candidate && !c.background)
  if (serverIndex === -1) serverIndex = commands.findLastIndex((c) => c.candidate)
  if (serverIndex === -1) serverIndex = commands.length - 1
  const server = commands[serverIndex]
  const before = commands.slice(0, serverIndex)
  // After one that never returns, only its own pipe's far ends run (beside it); nothing later starts.
  const later = commands.slice(serverIndex + 1)
  const unpiped = later.findIndex((c) => !c.piped)
  const after = stays === -1 || unpiped === -1 ? later : later.slice(0, unpiped)
  const argvs = (cs: CommandSegment[], background: boolean): string[][] =>
    cs.filter((c) => c.background === background).map((c) => c.argv)

  const stripped = stripWrappers(server.argv, env, from, depth, server.assignments)
  const dropped = stays === -1 || unpiped === -1 ? [] : later.slice(unpiped)
  return {
    ...(dropped.length > 0 ? {neverRun: {after: server.argv, commands: dropped.map((c) => c.argv)}} : {}),
    ...(stripped.shell ? {shell: stripped.shell} : {}),
    argv: stripped.argv,
    assignments: [...server.assignments, ...stripped.assignments],
    expanded: [...server.expanded, ...stripped.expanded],
    background: [...argvs(before, true), ...stripped.background, ...argvs(after, true)],
    preCommands: [...argvs(before, false), ...stripped.preCommands, ...argvs(after, false)],
    unresolved: [...server.unresolved, ...stripped.unresolved],
    wrappers: stripped.wrappers,
  }
}

/** A command that finishes at once or only waits (`echo`, `sleep`, `wait`, `curl`, …): never the dyno's server (programs.ts). */
export const isShellUtility = (argv: string[]): boolean => finishesAtOnce(argv)

/** `./bin/rails`, `/app/bin/rails` (Heroku's app directory) and `/home/vcap/app/bin/rails` (Cloud Foundry's) are `bin/rails`. */
export const normalizePath = appPath

/**
 * Launchers that take no arguments of their own before the command: Heroku
 * buildpacks' (PgBouncer, nginx, jemalloc, stunnel, QuotaGuard), Rails 8's
 * Thruster proxy, APM runners, and the shell's own.
 */
const SIMPLE_WRAPPERS = new Set([
  'bin/qgtunnel',
  'bin/start-nginx',
  'bin/start-nginx-debug',
  'bin/start-pgbouncer',
  'bin/start-pgbouncer-stunnel',
  'bin/start-stunnel',
  'bin/thrust',
  'command',
  'ddtrace-run',
  'exec',
  'jemalloc.sh',
  'nohup',
  'thrust',
  'time',
])

/**
 * Heroku AppLink's service mesh (the heroku/heroku-applink-service-mesh buildpack, before it Heroku Integration's):
 * `APP_PORT=3000 heroku-applink-service-mesh npm start` starts the app's command behind it and proxies $PORT to
 * APP_PORT (https://github.com/heroku/heroku-buildpack-heroku-applink-service-mesh); the binary may carry its release
 * and platform in its name (`heroku-applink-service-mesh-latest-amd64`).
 */
const SERVICE_MESH = /^(?:bin\/)?heroku-(?:applink|integration)-service-mesh(?:-[\w.]+)*$/

/** Where Java base images keep run-java.sh (UBI OpenJDK's, fabric8's): it runs the app's jar or main class with java. */
const RUN_JAVA = new Set(['/opt/jboss/container/java/run/run-java.sh', '/deployments/run-java.sh'])

/**
 * Container inits and user switches that exec the command they are given (tini, dumb-init, gosu, su-exec; s6's
 * `s6-setuidgid ACCOUNT prog…`, https://skarnet.org/software/s6/s6-setuidgid.html).
 */
const INIT_WRAPPERS = new Set(['dumb-init', 'gosu', 's6-setuidgid', 'su-exec', 'tini', 'tini-static'])

/**
 * Secret injectors that run the command after `--` (`doppler run -- cmd`, `dotenv -e .env -- cmd`), and
 * the rerun gem's file watcher (`rerun -b -- unicorn …`: it runs the command and restarts it on changes).
 */
const DASH_DASH_WRAPPERS = new Set(['aws-vault', 'chamber', 'doppler', 'dotenv', 'infisical', 'op', 'rerun'])

/**
 * Ruby version managers that run one command under the app's Ruby (a Procfile that foreman exports to a server):
 * `rvm RUBY do cmd` (https://rvm.io/set/do: `.` is the project's .ruby-version; several rubies, `1.9,2.0` or `all`, run it
 * once per Ruby, not read), `rbenv exec cmd` (rbenv README "rbenv exec"), `asdf exec cmd` (asdf docs "exec"),
 * `chruby-exec RUBY -- cmd` (chruby README). The words after them are the command.
 */
function afterRubyVersionManager(head: string, argv: readonly string[]): string[] | undefined {
  if (head === 'rvm') {
    const at = argv.indexOf('do')
    const rubies = argv.slice(1, at)
    return at === 2 && at + 1 < argv.length && !rubies[0].startsWith('-') && !rubies[0].includes(',') && rubies[0] !== 'all' ? argv.slice(at + 1) : undefined
  }

  if ((head === 'rbenv' || head === 'asdf') && argv[1] === 'exec' && argv.length > 2) return argv.slice(2)
  if (head === 'chruby-exec' && argv.includes('--') && argv.indexOf('--') + 1 < argv.length) return argv.slice(argv.indexOf('--') + 1)
  return undefined
}

const RUBY_VERSION_MANAGERS = new Set(['asdf', 'chruby-exec', 'rbenv', 'rvm'])

/**
 * Launchers with options of their own before the command: each option that takes a value (`-u app`) is skipped with
 * it, and the words they need before the command (timeout's duration, setuidgid's user). Not here: `chpst -e dir` and
 * `sudo -i`/`-s` (an envdir's variables, a login shell: what runs and with what env is not read), so the command is
 * left as written and said as unknown.
 */
const OPTION_WRAPPERS: ReadonlyMap<string, {fixed: number; flags: RegExp; values: ReadonlySet<string>}> = new Map([
  // GNU coreutils timeout(1): `timeout [-k DUR] [-s SIG] [--preserve-status] [--foreground] [-v] DURATION COMMAND`.
  ['timeout', {fixed: 1, flags: /^(?:--preserve-status|--foreground|-v|--verbose|--(?:signal|kill-after)=.*|-[sk].+)$/, values: new Set(['-k', '-s', '--kill-after', '--signal'])}],
  // sudo(8): `sudo [-u user] [-g group] [-E] [-H] [-n] [--preserve-env[=list]] [--] command`.
  ['sudo', {fixed: 0, flags: /^(?:-[AEHnPSbk]+|--preserve-env(?:=.*)?|--non-interactive|--set-home|-[ugCDhpRrTtU].+)$/, values: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-R', '-r', '-T', '-t', '-U', '--user', '--group'])}],
  // runit chpst(8): `chpst [-u user] [-U user] [-n inc] [-l|-L lock] [-m|-d|-o|-p|-f|-c|-r|-t n] [-P012v] command` (-e envdir not read).
  ['chpst', {fixed: 0, flags: /^-[P012v]+$/, values: new Set(['-u', '-U', '-b', '-/', '-C', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c', '-r', '-t'])}],
  // daemontools setuidgid / s6-setuidgid / envuidgid: `setuidgid account command`.
  ['setuidgid', {fixed: 1, flags: /^$/, values: new Set()}],
  ['s6-setuidgid', {fixed: 1, flags: /^$/, values: new Set()}],
  ['envuidgid', {fixed: 1, flags: /^$/, values: new Set()}],
  // util-linux runuser(1): `runuser -u user [--] command`.
  ['runuser', {fixed: 0, flags: /^$/, values: new Set(['-u', '--user', '-g', '--group', '-G', '--supp-group'])}],
  // GNU stdbuf(1) `stdbuf -oL command`; util-linux ionice(1) `ionice -c2 -n7 command`.
  ['stdbuf', {fixed: 0, flags: /^(?:-[ioe].+|--(?:input|output|error)=.*)$/, values: new Set(['-i', '-o', '-e'])}],
  ['ionice', {fixed: 0, flags: /^(?:-[cnt]\d*|-t)$/, values: new Set(['-c', '-n', '--class', '--classdata'])}],
  // util-linux setpriv(1): `setpriv [--reuid U] [--regid G] [--init-groups|--clear-groups|--keep-groups] [--nnp] … program`,
  // which execs the program. --reset-env (an env like a login's: DATABASE_URL dropped) is not in the list: left as written.
  [
    'setpriv',
    {
      fixed: 0,
      flags: /^(?:-d|--dump|--clear-groups|--keep-groups|--init-groups|--nnp|--no-new-privs|--(?:ruid|euid|reuid|rgid|egid|regid|groups|inh-caps|ambient-caps|bounding-set|securebits|pdeathsig|selinux-label|apparmor-profile)=.*)$/,
      values: new Set(['--ruid', '--euid', '--reuid', '--rgid', '--egid', '--regid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile']),
    },
  ],
])

/** The words after a launcher's own options (see OPTION_WRAPPERS); undefined for an option not known to be harmless. */
function afterWrapperOptions(name: string, args: string[]): string[] | undefined {
  const spec = OPTION_WRAPPERS.get(name)!
  let i = 0
  while (i < args.length && args[i].startsWith('-')) {
    const a = args[i]
    if (a === '--') {
      i++
      break
    }

    if (spec.values.has(a)) i += 2
    else if (spec.flags.test(a)) i++
    else return undefined
  }

  return args.slice(i + spec.fixed)
}

/** A command word that is only a PATH lookup of a plain program name: `$(command -v NAME)`, `$(which NAME)`, or backquoted. */
const PATH_LOOKUP = /^(?:\$\(\s*(?:command\s+-v|which)\s+([\w.+-]+)\s*\)|`\s*(?:command\s+-v|which)\s+([\w.+-]+)\s*`)$/

function stripWrappers(
  argvIn: string[],
  env: Env,
  from: string,
  depth: number,
  outer: EnvEntry[],
): ScriptResult {
  let argv = [...argvIn]
  const wrappers: string[] = []
  const assignments: EnvEntry[] = []
  for (;;) {
    // `$(command -v uwsgi) --ini …`, `` `which gunicorn` app:app``: the word is the path the shell finds for that name on PATH
    // (POSIX command -v prints it; which does the same), so the command is that program, run by its name.
    const lookedUp = PATH_LOOKUP.exec(argv[0] ?? '')
    if (lookedUp) argv[0] = lookedUp[1] ?? lookedUp[2]
    const written = normalizePath(argv[0] ?? '')
    // A system program by its path is that program (`/usr/bin/env bash ./start.sh`, `/usr/bin/nohup …`): PATH holds those folders.
    const head = written.startsWith('/') && DEFAULT_PATH.includes(written.slice(0, written.lastIndexOf('/'))) ? written.slice(written.lastIndexOf('/') + 1) : written
    // A wrapper with nothing after it is the program itself (`bin/start-nginx` alone runs nginx only).
    if ((SIMPLE_WRAPPERS.has(head) || (head.includes('-service-mesh') && SERVICE_MESH.test(head))) && argv.length > 1) {
      wrappers.push(head)
      argv = argv.slice(1)
    } else if ((head === 'bundle' || head === 'bin/bundle') && argv[1] === 'exec') {
      wrappers.push('bundle exec')
      argv = argv.slice(2)
    } else if (DASH_DASH_WRAPPERS.has(head) && argv.includes('--')) {
      wrappers.push(argv.slice(0, argv.indexOf('--') + 1).join(' '))
      argv = argv.slice(argv.indexOf('--') + 1)
    } else if (RUBY_VERSION_MANAGERS.has(head.split('/').pop()!) && afterRubyVersionManager(head.split('/').pop()!, argv)) {
      // Named by its path too (`/usr/local/lib/rvm/bin/rvm . do …`, `~/.rbenv/bin/rbenv exec …`: a foreman-exported Procfile).
      const name = head.split('/').pop()!
      wrappers.push(name === 'rvm' ? `rvm ${argv[1]} do` : name === 'chruby-exec' ? argv.slice(0, argv.indexOf('--') + 1).join(' ') : `${name} exec`)
      argv = afterRubyVersionManager(name, argv)!
    } else if (head === 'newrelic-admin' && (argv[1] === 'run-program' || argv[1] === 'run-python')) {
      wrappers.push(`newrelic-admin ${argv[1]}`)
      argv = argv.slice(2)
    } else if (head === 'opentelemetry-instrument') {
      wrappers.push(head)
      argv = argv.slice(1)
      // Its own options are all `--name value` or `--name=value`.
      while (argv[0]?.startsWith('--')) argv = argv.slice(argv[0].includes('=') ? 1 : 2)
    } else if (head === 'je') {
      // The jemalloc gem's launcher (`bundle exec je [-v] cmd`, kzk/jemalloc-rb README): LD_PRELOAD, then exec.
      wrappers.push(head)
      argv = argv.slice(argv[1] === '-v' ? 2 : 1)
    } else if (INIT_WRAPPERS.has(head.split('/').pop()!) && argv.length > 1) {
      // A container's init (`tini -- cmd`, `dumb-init cmd`) or user switch (`gosu app cmd`, `su-exec app cmd`): it execs the command.
      const name = head.split('/').pop()!
      wrappers.push(name)
      if (name === 'gosu' || name === 'su-exec' || name === 's6-setuidgid') argv = argv.slice(2)
      else {
        // Their own options come before the command, ended by `--` or by the first word that is not an option (tini's
        // getopt, dumb-init's getopt_long with "+"): `tini /usr/local/bin/web -- 0.0.0.0:3000` runs web, the `--` and
        // what follows are its arguments. `-r s:s` (dumb-init), `-p SIG`, `-e CODE` and `-R A` (tini) take a value.
        // https://github.com/krallin/tini/blob/master/src/tini.c (parse_args: the child is argv[optind..])
        argv = argv.slice(1)
        while (argv[0]?.startsWith('-')) {
          if (argv[0] === '--') {
            argv = argv.slice(1)
            break
          }

          argv = argv.slice(['-r', '--rewrite', '-p', '-e', '-R'].includes(argv[0]) ? 2 : 1)
        }
      }
    } else if (head.split('/').pop() === 'docker-php-entrypoint' && argv.length > 1) {
      // The official PHP images' (and FrankenPHP's) entrypoint: `php` before a first argument that is an option, then
      // `exec "$@"` (https://github.com/docker-library/php/blob/master/docker-php-entrypoint).
      wrappers.push('docker-php-entrypoint')
      argv = argv[1].startsWith('-') ? ['php', ...argv.slice(1)] : argv.slice(1)
    } else if (RUN_JAVA.has(written) && (env.get('JAVA_MAIN_CLASS')?.value || env.get('JAVA_APP_JAR')?.value)) {
      // The run-java.sh of Red Hat's UBI OpenJDK images (Quarkus's generated Dockerfile.jvm runs it with ENV JAVA_APP_JAR)
      // and fabric8's Java images: `java … -cp … $JAVA_MAIN_CLASS "$@"` when JAVA_MAIN_CLASS is set, else `java … -jar
      // $JAVA_APP_JAR "$@"` (https://github.com/fabric8io-images/run-java-sh, README: "JAVA_APP_JAR … can be started with
      // java -jar if no $JAVA_MAIN_CLASS is set"). Neither set: it looks for the one jar in JAVA_APP_DIR, left unread here.
      wrappers.push('run-java.sh')
      const main = env.get('JAVA_MAIN_CLASS')?.value
      argv = main ? ['java', main, ...argv.slice(1)] : ['java', '-jar', env.get('JAVA_APP_JAR')!.value, ...argv.slice(1)]
    } else if (head === 'nice') {
      wrappers.push(head)
      argv = argv.slice(argv[1] === '-n' ? 3 : /^-n?\d+$/.test(argv[1] ?? '') ? 2 : 1)
    } else if (OPTION_WRAPPERS.has(head.split('/').pop()!) && argv.length > 1) {
      // `timeout 90s cmd`, `sudo -u app cmd`, `chpst -u app cmd`, `setuidgid app cmd`, `setpriv --reuid app cmd`: they run the command (same pid or a child).
      const name = head.split('/').pop()!
      const rest = afterWrapperOptions(name, argv.slice(1))
      if (rest === undefined || rest.length === 0) break
      wrappers.push(name)
      argv = rest
    } else if (head === 'env') {
      wrappers.push('env')
      argv = argv.slice(1)
      for (;;) {
        const m = ASSIGNMENT.exec(argv[0] ?? '')
        if (m) {
          assignments.push({name: m[1], source: fromEnv(m[1], from), value: argv[0].slice(m[0].length)})
          argv = argv.slice(1)
        } else if (argv[0] === '-u' || argv[0] === '--unset') argv = argv.slice(2)
        else if (argv[0]?.startsWith('-')) argv = argv.slice(1) // -i, --ignore-environment, --
        else break
      }
    } else if (head === 'eval' && argv.slice(1).join(' ').trim() !== '' && depth < MAX_DEPTH) {
      // `eval ${WORKER_COMMAND}`: the shell joins its (already expanded) words with spaces and runs the result as a
      // command line of its own, quotes and operators included (POSIX eval special built-in). Words that expand to
      // nothing (a variable with no value here) leave `eval` as written: a command built at run time, said as such.
      const inner = splitScript(argv.slice(1).join(' '), env.with(layer(from, [...outer, ...assignments])), from, depth + 1)
      return runsInner(inner, assignments, [...wrappers, 'eval'])
    } else if (SHELLS.has(head.split('/').pop()!) && depth < MAX_DEPTH) {
      const c = argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a))
      if (c === -1 || c + 1 >= argv.length || !shellOptionsOnly(argv.slice(1, c))) break
      // The inner shell sees what the line exported to it.
      const inner = splitScript(argv[c + 1], env.with(layer(from, [...outer, ...assignments])), from, depth + 1)
      const shell: ShellInvocation = {args: argv.slice(c + 3), ...(c + 2 < argv.length ? {arg0: argv[c + 2]} : {}), assignments: [...outer, ...assignments], body: argv[c + 1], name: head.split('/').pop()!, options: argv.slice(1, c + 1), wrappers: [...wrappers]}
      return {...(depth === 0 ? {shell} : {}), ...runsInner(inner, assignments, [...wrappers, `${head.split('/').pop()} -c`])}
    } else {
      break
    }
  }

  if (argv.length > 0) argv[0] = normalizePath(argv[0])
  return {argv, assignments, background: [], expanded: [], preCommands: [], unresolved: [], wrappers}
}

/** Keep the last value of each name, in the order names were first set. */
function dedupe(entries: EnvEntry[]): EnvEntry[] {
  const byName = new Map<string, EnvEntry>()
  for (const e of entries) byName.set(e.name, e)
  return [...byName.values()]
}

// ---- command output (`X=$(cmd)`; procfile/command-output.ts reads the app's scripts) ----

/** `$(…)` (not `$((…))`) or a backquote. */
const SUBSTITUTION = /\$\((?!\()|`/

export const hasCommandOutput = (text: string): boolean => SUBSTITUTION.test(text)

/** The command inside a value that is exactly one substitution (`$(script/x --y)`, `` `script/x` ``), else undefined. */
export function soleCommand(text: string): string | undefined {
  const t = text.trim().replace(/^"(.*)"$/s, '$1')
  return (/^\$\(\s*([^()`]+?)\s*\)$/.exec(t) ?? /^`\s*([^`]+?)\s*`$/.exec(t))?.[1]
}

/** The reason an entry set from a command's output has no value conncalc can know. */
export function commandOutputWhy(name: string, text: string, where: string, script?: string): string {
  const command = soleCommand(text)
  const what = command ? `the output of \`${command}\`` : `\`${text}\`, a command's output`
  const tail = script ? `, which conncalc does not run (${script} computes what it prints)` : ', which conncalc does not run'
  return `${name} is set at ${where} to ${what}${tail}`
}

/** A case/[[ ]] pattern: `*`, `?`, `[…]` and `a|b` alternatives; quotes make the rest literal. */
export function globMatch(pattern: string, value: string): boolean {
  return pattern.split('|').some((alt) => {
    const re = globRegExp(alt.replace(/^["']|["']$/g, ''))
    return re !== undefined && new RegExp(`^${re}$`).test(value)
  })
}
