/**
 * Elixir config scripts (`config/config.exs`, the `config/prod.exs` it imports
 * with `import_config "#{config_env()}.exs"`, then `config/runtime.exs`),
 * parsed with tree-sitter-elixir and evaluated by a small safe evaluator —
 * never run. It follows what Config does: statements in order, variables,
 * `config :app, Key, opts` merged into what came before (later keys win),
 * `import_config`, and `if`/`unless` on `config_env()` or an env var. It
 * understands the expressions real configs use for the pool:
 * `String.to_integer(System.get_env("POOL_SIZE") || "10")`,
 * `System.get_env("POOL_SIZE", "10") |> String.to_integer()`,
 * `System.fetch_env!/1`, `Keyword.get/3`, `System.schedulers_online()`,
 * integer arithmetic, Dotenvy's `source/2` and `env!/2,3`. Anything else is unknown — that value only.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env, EnvEntry} from '../../model/env.js'
import {filesUnder, type FileReader, searchedText} from '../../model/files.js'
import {posix} from 'node:path'

import {entrySources} from '../../model/env.js'
import {assumed, fromDefault, fromFile, type Source, type Sourced} from '../../model/source.js'
import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {firstSyntaxError, loadGrammar, type TsNode} from '../../util/tree-sitter.js'
import {append} from '../../util/arrays.js'
import {readShippedEnvFile} from '../python/env-files.js'

export type ExValue =
  | {kind: 'alias' | 'atom' | 'string'; value: string; via: Source[]}
  | {kind: 'bool'; value: boolean; via: Source[]}
  | {kind: 'int'; value: number; via: Source[]}
  | {kind: 'kw'; entries: KwEntry[]; via: Source[]}
  | {kind: 'list' | 'tuple'; items: ExValue[]; via: Source[]}
  /** `unset` names the variable System.get_env/1 found unset. */
  | {kind: 'nil'; unset?: string; via: Source[]}
  | {kind: 'unknown'; reason: string; missingEnv?: string}

export interface KwEntry {
  key: string
  line: number
  value: ExValue
}

/** The key under which a config call's options that could not be read are kept (not an Elixir keyword: it has a space). */
export const UNREAD_OPTIONS = 'unread options'

/** One key of a `config` call, as the merged configuration holds it. */
export interface ConfigEntry {
  /** Set inside an `if`/`case` conncalc could not decide. */
  conditional?: Source
  file: string
  line: number
  value: ExValue
}

export interface ElixirConfig {
  diagnostics: Diagnostic[]
  /** `${app} ${Key}` (Key an alias like App.Repo, or '' for `config :app, key: value`) → key → entry. */
  entries: Map<string, Map<string, ConfigEntry>>
  /** The files read, in order. */
  files: string[]
  /** `import_config` targets that are not in the app (a gitignored `prod.secret.exs` written on the server), with where. */
  missing: {conditional?: string; file: string; line: number; path: string}[]
}

export interface EvalOptions {
  /** CPUs of the dyno, for System.schedulers_online(). */
  cpus?: Sourced<number>
  env: Env
  /** config_env(): MIX_ENV, prod on Heroku. */
  mixEnv: string
  /** The process is a release (`bin/app start`), not a Mix task: an Elixir 1.9/1.10 release's runtime config is config/releases.exs. */
  release?: boolean
}

/** A value with an assumption added to its sources (a fallback taken for a variable the deployer sets). */
const withAssumption = (v: ExValue, a: Source | undefined): ExValue => (a && v.kind !== 'unknown' ? {...v, via: [...v.via, a]} : v)

const unknown = (reason: string, missingEnv?: string): ExValue => (missingEnv ? {kind: 'unknown', missingEnv, reason} : {kind: 'unknown', reason})
const truthy = (v: ExValue): boolean | undefined => (v.kind === 'unknown' ? undefined : v.kind === 'nil' ? false : v.kind === 'bool' ? v.value : true)
const viaOf = (v: ExValue): Source[] => (v.kind === 'unknown' ? [] : v.via)
const withVia = (v: ExValue, via: Source[]): ExValue => (v.kind === 'unknown' || via.length === 0 ? v : ({...v, via: [...via, ...v.via]} as ExValue))

/** `pool_size: ` → pool_size */
const keyName = (keyword: TsNode): string => keyword.text.replace(/:\s*$/, '').replace(/^"(.*)"$/, '$1')

/** The `Module.fun` or `fun` a call names. */
function callName(n: TsNode): string | undefined {
  const target = n.childForFieldName('target')
  if (!target) return undefined
  if (target.type === 'identifier') return target.text
  if (target.type === 'dot') {
    const left = target.childForFieldName('left')
    const right = target.childForFieldName('right')
    if (left && right && (left.type === 'alias' || left.type === 'atom') && right.type === 'identifier') return `${left.text}.${right.text}`
  }

  return undefined
}

const argsOf = (call: TsNode): TsNode[] => call.namedChildren.find((c) => c?.type === 'arguments')?.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment') ?? []
const doBlockOf = (call: TsNode): TsNode | undefined => call.namedChildren.find((c) => c?.type === 'do_block') ?? undefined

/** One input of Dotenvy.source/2, in the order given (a later one wins): the process env, or an env file the app ships. */
type DotenvyInput = {entries: EnvEntry[]; kind: 'file'; path: string} | {kind: 'system'}

const DOTENVY_REF = 'https://github.com/fireproofsocks/dotenvy/blob/main/lib/dotenvy.ex'

class Evaluator {
  readonly vars = new Map<string, ExValue>()
  /** Variables bound to a captured function (`env = &System.get_env/1`): the function's name, for `env.("X")`. */
  readonly captures = new Map<string, string>()
  conditional?: Source
  /** `import Dotenvy` was read: bare `source`/`env!` are Dotenvy's. */
  dotenvyImported = false
  /**
   * What Dotenvy.source/2 stored for env!/2,3 to read (they read only that, never System.get_env/1 directly); undefined
   * before any source call (env!/3 then returns its default), a reason when its inputs could not be read.
   */
  dotenvy?: DotenvyInput[] | {unread: string}

  constructor(
    private readonly options: EvalOptions,
    public file: string,
    private readonly files?: FileReader,
  ) {}

  private line = (n: TsNode): number => n.startPosition.row + 1

  private kw(n: TsNode, depth: number): ExValue {
    const entries: KwEntry[] = []
    for (const pair of n.namedChildren) {
      if (pair?.type !== 'pair') continue
      const key = pair.childForFieldName('key')
      if (!key) continue
      entries.push({key: keyName(key), line: this.line(pair), value: this.eval(pair.childForFieldName('value'), depth + 1)})
    }

    return {entries, kind: 'kw', via: []}
  }

  private envVar(name: string, dflt: ExValue | undefined, bang: boolean): ExValue {
    const e = this.options.env.get(name)
    // app.json requires it with no value: the deployer sets it, so a default (get_env/2's, or after `||`) is assumed.
    const deployer = this.options.env.deployerSets(name)
    if (e) return {kind: 'string', value: e.value, via: deployer ? [...entrySources(e), deployer] : entrySources(e)}
    if (dflt) return withAssumption(dflt, deployer)
    return bang ? unknown(`${name} is not set anywhere and System.fetch_env!/1 needs it`, name) : {kind: 'nil', unset: name, via: deployer ? [deployer] : []}
  }

  private call(n: TsNode, depth: number, piped?: ExValue): ExValue {
    // `env.("X")`: an anonymous call of a variable bound to a captured function is a call of that function.
    const target = n.childForFieldName('target')
    const fn = target?.type === 'dot' && !target.childForFieldName('right') && target.childForFieldName('left')?.type === 'identifier' ? this.captures.get(target.childForFieldName('left')!.text) : undefined
    const name = callName(n) ?? fn
    const raw = argsOf(n)
    const args = [...(piped ? [piped] : []), ...raw.map((a) => this.eval(a, depth + 1))]
    const str = (v: ExValue | undefined): string | undefined => (v?.kind === 'string' ? v.value : undefined)
    switch (name) {
      case 'System.get_env': {
        const key = str(args[0])
        return key === undefined ? unknown('the variable name is computed') : this.envVar(key, args[1], false)
      }

      case 'System.fetch_env!': {
        const key = str(args[0])
        return key === undefined ? unknown('the variable name is computed') : this.envVar(key, undefined, true)
      }

      case 'String.to_integer': {
        const v = args[0]
        if (v?.kind === 'string' && /^\s*[+-]?\d+\s*$/.test(v.value) && v.value === v.value.trim()) return {kind: 'int', value: Number(v.value), via: v.via}
        if (v?.kind === 'nil') return unknown(v.unset ? `${v.unset} is not set anywhere, and String.to_integer(nil) raises` : 'String.to_integer(nil) raises', v.unset)
        return v?.kind === 'unknown' ? v : unknown(`String.to_integer(${v?.kind === 'string' ? JSON.stringify(v.value) : '…'}) is not a number conncalc can read`)
      }

      case 'source':
      case 'source!':
      case 'Dotenvy.source':
      case 'Dotenvy.source!': {
        if (!name.startsWith('Dotenvy.') && !this.dotenvyImported) break
        this.dotenvy = this.dotenvySource(raw[0], depth)
        return unknown('Dotenvy.source/2 returns the variables it read')
      }

      case 'env!':
      case 'env':
      case 'Dotenvy.env!':
      case 'Dotenvy.env': {
        if (!name.startsWith('Dotenvy.') && !this.dotenvyImported) break
        const key = str(args[0])
        if (key === undefined) return unknown('the variable name is computed')
        // env/3 (deprecated) defaults to nil; env!/2 raises on a variable not set.
        const dflt = args.length >= 3 ? args[2] : name.endsWith('!') ? undefined : ({kind: 'nil', via: []} as ExValue)
        return this.dotenvyEnv(key, raw[1]?.type === 'atom' ? raw[1].text.replace(/^:/, '') : raw[1] ? undefined : 'string', dflt)
      }

      case 'config_env':
      case 'Config.config_env':
      case 'Mix.env': {
        return {kind: 'atom', value: this.options.mixEnv, via: []}
      }

      case 'System.schedulers_online':
      case ':erlang.system_info': {
        const cpus = this.options.cpus
        if (name === ':erlang.system_info' && !(args[0]?.kind === 'atom' && args[0].value === 'schedulers_online')) break
        return cpus ? {kind: 'int', value: cpus.value, via: [cpus.source, ...(cpus.via ?? [])]} : unknown('the dyno\'s CPU count is not known')
      }

      case 'Keyword.get':
      case 'Keyword.fetch!': {
        const [list, key, dflt] = args
        if (list?.kind !== 'kw' || key?.kind !== 'atom') return list?.kind === 'unknown' ? list : unknown(`${name} on a value conncalc cannot read`)
        const found = list.entries.findLast((e) => e.key === key.value)
        if (found) return withVia(found.value, list.via)
        return dflt ?? (name === 'Keyword.get' ? {kind: 'nil', via: []} : unknown(`${key.value} is not in the list`))
      }

      case 'Keyword.put': {
        const [list, key, value] = args
        if (list?.kind !== 'kw' || key?.kind !== 'atom' || !value) return list?.kind === 'unknown' ? list : unknown('Keyword.put/3 on a value conncalc cannot read')
        return {entries: [...list.entries.filter((e) => e.key !== key.value), {key: key.value, line: this.line(n), value}], kind: 'kw', via: list.via}
      }

      case 'case': {
        return this.caseOf(n, args[0], depth)
      }

      case 'if':
      case 'unless': {
        const cond = args[0]
        const t = cond ? truthy(cond) : undefined
        const kw = args.find((a) => a.kind === 'kw') as Extract<ExValue, {kind: 'kw'}> | undefined
        if (t === undefined) return unknown(`the condition at ${this.file}:${this.line(n)} cannot be decided`)
        const take = name === 'if' ? t : !t
        const branch = kw?.entries.find((e) => e.key === (take ? 'do' : 'else'))
        if (branch) return branch.value
        const block = doBlockOf(n)
        if (block) return this.block(block, take ? 'do' : 'else', depth)
        return {kind: 'nil', via: []}
      }

      default: {
        break
      }
    }

    return unknown(`\`${n.text.split('\n')[0].slice(0, 60)}\` is computed at run time`)
  }

  /**
   * Dotenvy.source/2's inputs: a path or a list of paths and `System.get_env()`. A file is read from the app
   * (relative to where the app runs) when the deploy has it; a missing one is skipped, as Dotenvy's read_file does
   * unless :require_files says otherwise.
   */
  private dotenvySource(arg: TsNode | undefined, depth: number): DotenvyInput[] | {unread: string} {
    const items = arg?.type === 'list' ? arg.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment') : arg ? [arg] : []
    const out: DotenvyInput[] = []
    for (const item of items) {
      if (item.type === 'call' && callName(item) === 'System.get_env' && argsOf(item).length === 0) {
        out.push({kind: 'system'})
        continue
      }

      const v = this.eval(item, depth + 1)
      if (v.kind !== 'string') return {unread: `Dotenvy.source/2 at ${this.file}:${this.line(item)} reads \`${item.text.slice(0, 60)}\`, which conncalc cannot read`}
      const read = this.files ? readShippedEnvFile(this.files, posix.normalize(v.value)) : undefined
      if (read && 'entries' in read) out.push({entries: read.entries, kind: 'file', path: read.path})
    }

    return out
  }

  /**
   * Dotenvy's env!/2,3: the variable from what source/2 stored (a later input over an earlier one), converted to the
   * type; not set there, env!/3's default as it is (not converted) and env!/2 raises (DOTENVY_REF).
   */
  private dotenvyEnv(key: string, type: string | undefined, dflt: ExValue | undefined): ExValue {
    const inputs = this.dotenvy
    if (inputs && 'unread' in inputs) return unknown(inputs.unread)
    let found: ExValue | undefined
    for (const input of (inputs ?? []).toReversed()) {
      if (input.kind === 'system') {
        const e = this.options.env.get(key)
        if (e) found = this.envVar(key, undefined, false)
      } else {
        const e = input.entries.find((x) => x.name === key)
        if (e) found = {kind: 'string', value: e.value, via: entrySources(e)}
      }

      if (found) break
    }

    if (!found) {
      const system = inputs?.some((i) => i.kind === 'system') ?? false
      if (dflt) {
        const cited = withVia(dflt, [fromDefault(`${key} is not set, so Dotenvy's env!/3 returns its default as it is`, DOTENVY_REF)])
        return system ? this.envVar(key, cited, false) : cited
      }

      return system ? unknown(`${key} is not set anywhere and Dotenvy's env!/2 raises without it`, key) : unknown(`${key} is read with Dotenvy's env!/2, but no Dotenvy.source/2 before it gives it a value (env!/2 raises)`)
    }

    if (found.kind !== 'string') return found
    const t = type?.replace(/[!?]$/, '')
    if (t === 'string') return found
    if (t === 'integer') {
      if (type === 'integer?' && found.value === '') return {kind: 'nil', via: found.via}
      return /^[+-]?\d+$/.test(found.value) ? {kind: 'int', value: Number(found.value), via: found.via} : unknown(`${key}=${JSON.stringify(found.value)} is not an integer (Dotenvy's env! raises)`)
    }

    if (t === 'boolean') return {kind: 'bool', value: !['false', '0', ''].includes(found.value.toLowerCase()), via: found.via}
    return unknown(`${key} is converted by Dotenvy's env! to ${type ?? 'a function\'s result'}, which conncalc does not evaluate`)
  }

  /**
   * `case SUBJECT do PATTERN -> BODY … end` on a value conncalc knows: the first clause whose pattern is a literal equal
   * to it, a variable (bound to it for the body) or `_`; its body's last expression is the value. A guard, or a
   * pattern of another shape before the match, leaves it unknown, as does a subject conncalc cannot read.
   */
  private caseOf(n: TsNode, subject: ExValue | undefined, depth: number): ExValue {
    const where = `the \`case\` at ${this.file}:${this.line(n)}`
    if (!subject || subject.kind === 'unknown') return unknown(`${where} cannot be decided${subject?.kind === 'unknown' ? ` (${subject.reason})` : ''}`)
    const scalar = (v: ExValue): string | undefined => (v.kind === 'int' || v.kind === 'string' || v.kind === 'atom' || v.kind === 'alias' || v.kind === 'bool' ? `${v.kind === 'alias' ? 'atom' : v.kind}:${String(v.value)}` : v.kind === 'nil' ? 'nil' : undefined)
    for (const clause of doBlockOf(n)?.namedChildren ?? []) {
      if (clause?.type !== 'stab_clause') continue
      const patterns = clause.childForFieldName('left')?.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment') ?? []
      const pattern = patterns.length === 1 ? patterns[0] : undefined
      let bind: string | undefined
      if (pattern?.type === 'identifier') bind = pattern.text
      else if (pattern && ['atom', 'boolean', 'integer', 'nil', 'string'].includes(pattern.type)) {
        const want = scalar(this.eval(pattern, depth + 1))
        if (want === undefined || scalar(subject) === undefined) return unknown(`${where}: a pattern conncalc cannot compare`)
        if (want !== scalar(subject)) continue
      } else return unknown(`${where}: a clause pattern conncalc does not match (\`${clause.text.split('\n')[0].slice(0, 40)}\`)`)
      const before = bind === undefined ? undefined : this.vars.get(bind)
      if (bind !== undefined && !bind.startsWith('_')) this.vars.set(bind, subject)
      let last: ExValue = {kind: 'nil', via: []}
      const body = clause.childForFieldName('right') ?? clause.namedChildren.find((c) => c?.type === 'body')
      for (const x of body?.namedChildren ?? []) if (x && x.type !== 'comment') last = this.eval(x, depth + 1)
      if (bind !== undefined && !bind.startsWith('_')) {
        if (before) this.vars.set(bind, before)
        else this.vars.delete(bind)
      }

      return withVia(last, [fromFile(this.file, this.line(clause))])
    }

    return unknown(`${where}: no clause matches (CaseClauseError)`)
  }

  /** The value of a do/else branch: its statements run in order, the last one is the value. */
  private block(doBlock: TsNode, which: 'do' | 'else', depth: number): ExValue {
    const body = which === 'do' ? doBlock.namedChildren.filter((c) => c && !['else_block', 'comment', 'after_block', 'rescue_block', 'catch_block'].includes(c.type)) : (doBlock.namedChildren.find((c) => c?.type === 'else_block')?.namedChildren ?? [])
    let last: ExValue = {kind: 'nil', via: []}
    for (const s of body) if (s && s.type !== 'comment') last = this.eval(s, depth + 1)
    return last
  }

  eval(n: TsNode | null, depth = 0): ExValue {
    if (!n) return unknown('nothing to read')
    if (depth > 200) return unknown(TOO_DEEP)
    switch (n.type) {
      case 'integer': {
        const t = n.text.replaceAll('_', '')
        return /^\d+$/.test(t) ? {kind: 'int', value: Number(t), via: []} : unknown(`\`${n.text}\` is not a decimal integer`)
      }

      case 'string': {
        let s = ''
        const via: Source[] = []
        for (const c of n.namedChildren) {
          if (!c) continue
          if (c.type === 'quoted_content') s += c.text
          else if (c.type === 'escape_sequence') s += ({'\\"': '"', '\\\\': '\\', '\\n': '\n', '\\t': '\t'} as Record<string, string>)[c.text] ?? c.text
          else if (c.type === 'interpolation') {
            const v = this.eval(c.namedChildren[0], depth + 1)
            if (v.kind === 'string' || v.kind === 'atom') s += v.value
            else if (v.kind === 'int') s += String(v.value)
            else return v.kind === 'unknown' ? v : unknown('an interpolation conncalc cannot read')
            append(via, viaOf(v))
          }
        }

        return {kind: 'string', value: s, via}
      }

      case 'atom': {
        return {kind: 'atom', value: n.text.replace(/^:/, '').replace(/^"(.*)"$/, '$1'), via: []}
      }

      case 'alias': {
        return {kind: 'alias', value: n.text, via: []}
      }

      case 'boolean': {
        return {kind: 'bool', value: n.text === 'true', via: []}
      }

      case 'nil': {
        return {kind: 'nil', via: []}
      }

      case 'keywords': {
        return this.kw(n, depth)
      }

      case 'list': {
        const items = n.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment')
        if (items.length === 1 && items[0].type === 'keywords') return this.kw(items[0], depth)
        return {items: items.map((c) => this.eval(c, depth + 1)), kind: 'list', via: []}
      }

      case 'tuple': {
        return {items: n.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment').map((c) => this.eval(c, depth + 1)), kind: 'tuple', via: []}
      }

      case 'block': {
        const inner = n.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment')
        return inner.length === 1 ? this.eval(inner[0], depth + 1) : unknown('a block of several expressions')
      }

      case 'identifier': {
        return this.vars.get(n.text) ?? unknown(`\`${n.text}\` is not a variable conncalc knows`)
      }

      case 'call': {
        return this.call(n, depth)
      }

      case 'binary_operator': {
        return this.binary(n, depth)
      }

      default: {
        break
      }
    }

    return unknown(`\`${n.text.split('\n')[0].slice(0, 60)}\` is computed at run time`)
  }

  private binary(n: TsNode, depth: number): ExValue {
    const op = n.childForFieldName('operator')?.text
    const leftNode = n.childForFieldName('left')
    const rightNode = n.childForFieldName('right')
    if (op === '|>') {
      const left = this.eval(leftNode, depth + 1)
      return rightNode?.type === 'call' ? this.call(rightNode, depth + 1, left) : unknown('a pipe into something other than a call')
    }

    const left = this.eval(leftNode, depth + 1)
    if (op === '||' || op === 'or') {
      const t = truthy(left)
      if (t === true) return left
      if (t === false) {
        const right = this.eval(rightNode, depth + 1)
        // `System.get_env("X") || raise "…"`: X is needed (what System.fetch_env!/1 says), so the value keeps X's name.
        if (left.kind === 'nil' && left.unset && right.kind === 'unknown' && !right.missingEnv && rightNode?.type === 'call' && callName(rightNode) === 'raise') {
          return unknown(`${left.unset} is not set anywhere and the config raises without it`, left.unset)
        }

        return left.kind === 'nil' ? withAssumption(right, left.via.find((s) => s.kind === 'assumed')) : right
      }

      return left
    }

    if (op === '&&' || op === 'and') {
      const t = truthy(left)
      return t === false ? left : t === true ? this.eval(rightNode, depth + 1) : left
    }

    const right = this.eval(rightNode, depth + 1)
    if (left.kind === 'unknown') return left
    if (right.kind === 'unknown') return right
    const via = [...viaOf(left), ...viaOf(right)]
    switch (op) {
      case '==':
      case '===':
      case '!=':
      case '!==': {
        const scalar = (v: ExValue): string | undefined => (v.kind === 'int' || v.kind === 'string' || v.kind === 'atom' || v.kind === 'alias' || v.kind === 'bool' ? `${v.kind === 'alias' ? 'atom' : v.kind}:${String(v.value)}` : v.kind === 'nil' ? 'nil' : undefined)
        const [a, b] = [scalar(left), scalar(right)]
        if (a === undefined || b === undefined) return unknown('a comparison conncalc cannot read')
        return {kind: 'bool', value: (a === b) === (op === '==' || op === '==='), via}
      }

      case 'in': {
        if (right.kind !== 'list') return unknown('`in` on a value conncalc cannot read')
        const k = (v: ExValue): string => JSON.stringify(v.kind === 'unknown' ? null : [v.kind, 'value' in v ? v.value : null])
        return {kind: 'bool', value: right.items.some((i) => k(i) === k(left)), via}
      }

      case '+':
      case '-':
      case '*': {
        if (left.kind !== 'int' || right.kind !== 'int') return unknown(`\`${op}\` on values that are not integers`)
        return {kind: 'int', value: op === '+' ? left.value + right.value : op === '-' ? left.value - right.value : left.value * right.value, via}
      }

      case '<>': {
        if (left.kind !== 'string' || right.kind !== 'string') return unknown('`<>` on values that are not strings')
        return {kind: 'string', value: left.value + right.value, via}
      }

      default: {
        return unknown(`the operator \`${op ?? '?'}\` is not evaluated`)
      }
    }
  }

  /** A `div(a, b)` style call is rare in configs; arithmetic above covers `*`, `+`, `-`. */
  statementLine(n: TsNode): number {
    return this.line(n)
  }
}

interface RunState {
  config: ElixirConfig
  files: FileReader
  options: EvalOptions
  /** Files being evaluated, for import_config cycles. */
  stack: string[]
}

function record(state: RunState, ev: Evaluator, call: TsNode, depth: number): void {
  const args = argsOf(call)
  const app = args[0] ? ev.eval(args[0], depth) : undefined
  if (app?.kind !== 'atom') return
  // config :app, Key, opts | config :app, opts | config :app, :key, value
  let root = ''
  let opts: ExValue | undefined
  if (args.length >= 3) {
    const k = ev.eval(args[1], depth)
    if (k.kind !== 'alias' && k.kind !== 'atom') return
    if (k.kind === 'atom') {
      // config :app, :key, value — one top-level key.
      opts = {entries: [{key: k.value, line: ev.statementLine(call), value: ev.eval(args[2], depth)}], kind: 'kw', via: []}
    } else {
      root = k.value
      opts = ev.eval(args[2], depth)
    }
  } else if (args.length === 2) opts = ev.eval(args[1], depth)
  if (opts?.kind === 'unknown' && root !== '') {
    // `config :app, Key, opts` with options conncalc cannot read: any key may be set there (a repo's pool_size), so it is
    // kept as UNREAD_OPTIONS until a later config sets pool_size again (languages/elixir/elixir.ts says so for a repo).
    const into = state.config.entries.get(`${app.value} ${root}`) ?? new Map<string, ConfigEntry>()
    state.config.entries.set(`${app.value} ${root}`, into)
    into.set(UNREAD_OPTIONS, {file: ev.file, line: ev.statementLine(call), value: opts, ...(ev.conditional ? {conditional: ev.conditional} : {})})
    return
  }

  if (opts?.kind !== 'kw') return
  const key = `${app.value} ${root}`
  const into = state.config.entries.get(key) ?? new Map<string, ConfigEntry>()
  state.config.entries.set(key, into)
  for (const e of opts.entries) {
    into.set(e.key, {file: ev.file, line: e.line, value: e.value, ...(ev.conditional ? {conditional: ev.conditional} : {})})
    if (e.key === 'pool_size' && !ev.conditional) into.delete(UNREAD_OPTIONS)
  }
}

async function statements(state: RunState, ev: Evaluator, nodes: (TsNode | null)[], depth: number): Promise<void> {
  for (const n of nodes) {
    if (!n || n.type === 'comment') continue
    if (depth > 100) return
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '=') {
      const left = n.childForFieldName('left')
      const v = ev.eval(n.childForFieldName('right'), depth)
      // The variable's value remembers the line it was computed on, and any condition around it.
      if (left?.type === 'identifier') {
        ev.vars.set(left.text, withVia(v, [fromFile(ev.file, ev.statementLine(n)), ...(ev.conditional ? [ev.conditional] : [])]))
        // `env = &System.get_env/1` (asciinema/asciinema-server's config/runtime.exs): `env.("X")` is System.get_env("X").
        const capture = n.childForFieldName('right')
        const operand = capture?.type === 'unary_operator' && capture.childForFieldName('operator')?.text === '&' ? capture.childForFieldName('operand') : undefined
        const captured = operand?.type === 'binary_operator' && operand.childForFieldName('operator')?.text === '/' && operand.childForFieldName('left')?.type === 'call' ? callName(operand.childForFieldName('left')!) : undefined
        if (captured && argsOf(operand!.childForFieldName('left')!).length === 0) ev.captures.set(left.text, captured)
        else ev.captures.delete(left.text)
      }

      continue
    }

    if (n.type !== 'call') continue
    const name = callName(n)
    if (name === 'config' || name === 'Config.config') {
      record(state, ev, n, depth)
    } else if (name === 'import' && argsOf(n)[0]?.text === 'Dotenvy') {
      ev.dotenvyImported = true
    } else if (name === 'source' || name === 'source!' || name === 'Dotenvy.source' || name === 'Dotenvy.source!') {
      ev.eval(n, depth)
    } else if (name === 'import_config') {
      const arg = argsOf(n)[0]
      const target = arg ? ev.eval(arg, depth) : undefined
      const dir = ev.file.includes('/') ? ev.file.slice(0, ev.file.lastIndexOf('/') + 1) : ''
      if (target?.kind === 'string' && /[*?]/.test(target.value) && !/[[{]/.test(target.value)) {
        // Mix.Config's import_config takes a wildcard (an umbrella's `import_config "../apps/*/config/config.exs"`):
        // every matching file, none is no error (elixir-lang/elixir@034663a4 lib/mix/lib/mix/config.ex, __import__!).
        for (const path of wildcard(state.files, posix.normalize(`${dir}${target.value}`))) await evaluateFile(state, path, ev)
      } else if (target?.kind === 'string' && !/[*?[{]/.test(target.value)) {
        const path = `${dir}${target.value}`
        // Config.import_config raises on a missing file: the app boots only where the file was made (on the server).
        if (state.files.exists(path)) await evaluateFile(state, path, ev)
        else state.config.missing.push({file: ev.file, line: ev.statementLine(n), path, ...(ev.conditional?.kind === 'assumed' ? {conditional: ev.conditional.why} : {})})
      } else {
        state.config.diagnostics.push({code: 'unknown-config-value', file: ev.file, line: ev.statementLine(n), message: `cannot tell which file \`${n.text.slice(0, 60)}\` imports; its settings are not read`, severity: 'warning'})
      }
    } else if (name === 'if' || name === 'unless') {
      const cond = argsOf(n)[0]
      // `if pool = System.get_env("POOL") do … end`: the match binds the variable, and its value is the condition.
      const bound = cond?.type === 'binary_operator' && cond.childForFieldName('operator')?.text === '=' && cond.childForFieldName('left')?.type === 'identifier' ? cond.childForFieldName('left')!.text : undefined
      const c = bound ? ev.eval(cond!.childForFieldName('right'), depth) : cond ? ev.eval(cond, depth) : unknown('no condition')
      if (bound) ev.vars.set(bound, withVia(c, [fromFile(ev.file, ev.statementLine(n)), ...(ev.conditional ? [ev.conditional] : [])]))
      const t = truthy(c)
      const block = doBlockOf(n)
      if (!block) continue
      const doBody = block.namedChildren.filter((x) => x && !['else_block'].includes(x.type))
      const elseBody = block.namedChildren.find((x) => x?.type === 'else_block')?.namedChildren ?? []
      if (t === undefined) {
        // Both branches may run: read both, and label what they set.
        const before = ev.conditional
        ev.conditional = assumed(`set inside \`${name}\` at ${ev.file}:${ev.statementLine(n)}, whose condition conncalc cannot decide (${c.kind === 'unknown' ? c.reason : ''})`)
        await statements(state, ev, elseBody, depth + 1)
        await statements(state, ev, doBody, depth + 1)
        ev.conditional = before
      } else await statements(state, ev, (name === 'if') === t ? doBody : elseBody, depth + 1)
    } else if (name === 'case' || name === 'cond' || name === 'with') {
      const block = doBlockOf(n)
      if (!block) continue
      const before = ev.conditional
      ev.conditional = assumed(`set inside \`${name}\` at ${ev.file}:${ev.statementLine(n)}, which conncalc does not evaluate`)
      for (const clause of block.namedChildren) {
        if (clause?.type === 'stab_clause') await statements(state, ev, (clause.childForFieldName('right') ?? clause.namedChildren.find((c) => c?.type === 'body'))?.namedChildren ?? [], depth + 1)
      }

      ev.conditional = before
    }
  }
}

/**
 * The app's files a Path.wildcard pattern matches (`*` and `?` within one folder name; like Path.wildcard they
 * skip names starting with a dot unless the pattern's do), sorted. A pattern leaving the app matches nothing.
 */
function wildcard(files: FileReader, pattern: string): string[] {
  if (pattern.startsWith('../') || pattern.startsWith('/')) return []
  const segments = pattern.split('/')
  let found = ['']
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1
    const join = (d: string, name: string): string => (d === '' ? name : `${d}/${name}`)
    if (!/[*?]/.test(segment)) {
      found = found.map((d) => join(d, segment))
      continue
    }

    const re = new RegExp(`^${segment.replaceAll(/[.+^$()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`)
    found = found.flatMap((d) => (last ? files.list(d) : files.folders(d)).filter((n) => re.test(n) && (segment.startsWith('.') || !n.startsWith('.'))).map((n) => join(d, n)))
  }

  return found.filter((p) => files.exists(p)).sort()
}

async function evaluateFile(state: RunState, path: string, ev: Evaluator): Promise<void> {
  if (state.stack.includes(path)) {
    state.config.diagnostics.push({code: 'unparsable-config', file: ev.file, message: `${path} imports itself through ${state.stack.join(' → ')}; not read again`, severity: 'warning'})
    return
  }

  const f = state.files.read(path)
  if (!f) return
  state.config.files.push(path)
  const tree = (await loadGrammar('elixir')).parse(f.text)
  if (!tree) return
  try {
    const error = firstSyntaxError(tree)
    if (error) state.config.diagnostics.push({code: 'unparsable-config', file: path, line: error.line, message: `${path}:${error.line}: ${error.message}; conncalc reads the rest of the file`, severity: 'warning'})
    const outer = ev.file
    ev.file = path
    state.stack.push(path)
    await statements(state, ev, tree.rootNode.namedChildren, 0)
    state.stack.pop()
    ev.file = outer
  } catch (error) {
    if (!isExhaustion(error)) throw error
    state.config.diagnostics.push({code: 'unparsable-config', file: path, message: `${path} is ${TOO_DEEP}`, severity: 'warning'})
  } finally {
    tree.delete()
  }
}

/**
 * The configuration a release or `mix` sees at boot in `mixEnv`: config.exs
 * (and what it imports), then runtime.exs, each in its own variable scope. A release of an app with no
 * runtime.exs reads config/releases.exs instead: `mix release` copies it into the release as its runtime
 * configuration, evaluated at boot (Mix.Tasks.Release, "Runtime configuration", Elixir 1.9); `mix` never reads it.
 */
export async function readElixirConfig(files: FileReader, options: EvalOptions): Promise<ElixirConfig> {
  const config: ElixirConfig = {diagnostics: [], entries: new Map(), files: [], missing: []}
  const runtime = options.release && files.read('config/runtime.exs') === undefined && files.read('config/releases.exs') !== undefined ? 'config/releases.exs' : 'config/runtime.exs'
  for (const path of ['config/config.exs', runtime]) {
    const state: RunState = {config, files, options, stack: []}
    await evaluateFile(state, path, new Evaluator(options, path, files))
  }

  return config
}


/** `Hexpm.RepoBase` → `hexpm/repo_base`, as Macro.underscore/1 names a module's file. */
const underscore = (alias: string): string =>
  alias
    .split('.')
    .map((p) => p.replaceAll(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replaceAll(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase())
    .join('/')

/**
 * The Ecto adapter a repo module names (`use Ecto.Repo, otp_app: :app, adapter: Ecto.Adapters.SQLite3`), or its config's
 * `adapter:` (Ecto 2), when it is not PostgreSQL's: the repo opens no PostgreSQL connection (Ecto.Repo: "the adapter
 * option is required", ecto_sql ships Postgres, MyXQL and Tds; ecto_sqlite3 SQLite3). Undefined for Postgres or unknown.
 */
export function repoOtherAdapter(files: FileReader, repo: string, app: string, configAdapter?: ConfigEntry): {adapter: string; file: string; line: number} | undefined {
  if (configAdapter?.value.kind === 'alias') {
    const m = /^Ecto\.Adapters\.(\w+)$/.exec(configAdapter.value.value)
    return m && m[1] !== 'Postgres' ? {adapter: configAdapter.value.value, file: configAdapter.file, line: configAdapter.line} : undefined
  }

  for (const path of [...new Set([`lib/${underscore(repo)}.ex`, `lib/${app}/repo.ex`])]) {
    const text = files.read(path)?.text
    const at = text?.search(new RegExp(`defmodule\\s+${repo.replaceAll('.', '\\.')}\\s+do\\b`)) ?? -1
    if (!text || at === -1) continue
    const next = text.slice(at + 1).search(/\bdefmodule\s/)
    const body = next === -1 ? text.slice(at) : text.slice(at, at + 1 + next)
    // `use AshSqlite.Repo` is Ash's thin wrapper around an Ecto repo on Ecto.Adapters.SQLite3 (ash_sqlite depends on
    // ecto_sqlite3; https://hexdocs.pm/ash_sqlite/AshSqlite.Repo.html); `use AshPostgres.Repo` is on Postgres.
    const ash = /\buse\s+AshSqlite\.Repo\b/.exec(body)
    if (ash) return {adapter: 'Ecto.Adapters.SQLite3 (use AshSqlite.Repo)', file: path, line: text.slice(0, at + ash.index).split('\n').length}
    const m = /\badapter:\s*(Ecto\.Adapters\.(\w+))/.exec(body)
    if (!m) continue
    return m[2] === 'Postgres' ? undefined : {adapter: m[1], file: path, line: text.slice(0, at + m.index).split('\n').length}
  }

  return undefined
}

/**
 * Where a repo's `init/2` callback touches `:pool_size` (`Keyword.put(opts, :pool_size, …)`):
 * Ecto calls it at start, after the config files, so it can replace what they say. Looked for
 * in the module's conventional file (`lib/hexpm/repo_base.ex`) and `lib/<app>/repo.ex`.
 */
export async function repoInitPoolSize(files: FileReader, repo: string, app: string): Promise<{file: string; line: number} | undefined> {
  for (const path of [...new Set([`lib/${underscore(repo)}.ex`, `lib/${app}/repo.ex`])]) {
    const f = files.read(path)
    if (!f || !f.text.includes('pool_size')) continue
    const tree = (await loadGrammar('elixir')).parse(f.text)
    if (!tree) continue
    try {
      const stack: TsNode[] = [tree.rootNode]
      let inModule: TsNode | undefined
      while (stack.length > 0) {
        const n = stack.pop()!
        if (n.type === 'call' && callName(n) === 'defmodule' && argsOf(n)[0]?.text === repo) {
          inModule = n
          break
        }

        for (const c of n.namedChildren) if (c) stack.push(c)
      }

      if (!inModule) continue
      const defs: TsNode[] = []
      const walk: TsNode[] = [inModule]
      while (walk.length > 0) {
        const n = walk.pop()!
        const head = n.type === 'call' && (callName(n) === 'def' || callName(n) === 'defp') ? argsOf(n)[0] : undefined
        if (head && head.type === 'call' && callName(head) === 'init') defs.push(n)
        else for (const c of n.namedChildren) if (c) walk.push(c)
      }

      for (const def of defs) {
        const inside: TsNode[] = [def]
        while (inside.length > 0) {
          const n = inside.pop()!
          if ((n.type === 'atom' && n.text === ':pool_size') || (n.type === 'keyword' && /^pool_size:/.test(n.text))) return {file: path, line: n.startPosition.row + 1}
          for (const c of n.namedChildren) if (c) inside.push(c)
        }
      }
    } finally {
      tree.delete()
    }
  }

  return undefined
}

/** A repo the app's code starts again under another name, as a supervisor child: `{MyApp.Repo, name: X, pool_size: N}`. */
export interface RepoInstance {
  file: string
  line: number
  /** `pool_size:` of the child's options: its value when an integer literal, else `unread` says what is written. */
  poolSize?: {line: number; unread?: string; value?: number}
  repo: string
}

/**
 * Instances of the app's repos started under another name in lib/ (Oban's scaling guide's dedicated pool,
 * `{MyApp.Repo, name: MyApp.ObanRepo, pool_size: 10}`; a read replica): each is a DBConnection pool of its own.
 * Repo.start_link takes the child's options over the repo's config. A child with no `name:` is the repo itself.
 */
export async function repoNamedInstances(files: FileReader, repos: readonly string[]): Promise<RepoInstance[]> {
  if (repos.length === 0) return []
  const out: RepoInstance[] = []
  for (const path of filesUnder(files, 'lib', (p) => p.endsWith('.ex'), {max: 2000}).paths) {
    const text = searchedText(files, path)
    if (typeof text !== 'string' || !text.includes('name:') || !repos.some((r) => text.includes(r))) continue
    await eachElixirNode(text, (n) => {
      if (n.type !== 'tuple') return
      const [head, opts] = n.namedChildren
      if (head?.type !== 'alias' || !repos.includes(head.text) || !opts) return
      const kw = opts.type === 'keywords' ? opts : opts.type === 'list' ? opts.namedChildren.find((c) => c?.type === 'keywords') : undefined
      const pairs = (kw?.namedChildren ?? []).filter((p): p is TsNode => p?.type === 'pair')
      const key = (p: TsNode): string => keyName(p.childForFieldName('key') ?? p)
      if (!pairs.some((p) => key(p) === 'name')) return
      const size = pairs.find((p) => key(p) === 'pool_size')
      const value = size?.childForFieldName('value')
      const literal = value?.type === 'integer' ? Number(value.text.replaceAll('_', '')) : undefined
      out.push({
        file: path,
        line: n.startPosition.row + 1,
        ...(size ? {poolSize: {line: size.startPosition.row + 1, ...(literal === undefined ? {unread: value?.text ?? size.text} : {value: literal})}} : {}),
        repo: head.text,
      })
    })
  }

  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
}

/**
 * Repos the app's Application starts that `ecto_repos` does not list: `ecto_repos` is what the Mix tasks migrate
 * (a read replica is left out of it on purpose), while the repos that connect are the supervision tree's children
 * (`children = [MyApp.Repo, MyApp.Repo.Replica, …]`, also `{MyApp.Repo.Replica, []}`). A candidate counts when a
 * module under lib/ defines it with `use Ecto.Repo` (or Ash's `use AshPostgres.Repo`) and a file whose module does
 * `use Application` names it as a child; each is given with where it is started.
 */
export async function supervisedRepos(files: FileReader, candidates: readonly string[]): Promise<{file: string; line: number; repo: string}[]> {
  if (candidates.length === 0) return []
  const paths = filesUnder(files, 'lib', (p) => p.endsWith('.ex'), {max: 2000}).paths
  const texts = new Map<string, string>()
  for (const path of paths) {
    const text = searchedText(files, path)
    if (typeof text === 'string' && candidates.some((c) => text.includes(c))) texts.set(path, text)
  }

  const isRepo = (name: string): boolean =>
    [...texts.values()].some((text) => {
      const at = text.search(new RegExp(String.raw`defmodule\s+${name.replaceAll('.', '\\.')}\s+do\b`))
      if (at === -1) return false
      const next = text.slice(at + 1).search(/\bdefmodule\s/)
      const body = next === -1 ? text.slice(at) : text.slice(at, at + 1 + next)
      return /\buse\s+(Ecto\.Repo|AshPostgres\.Repo)\b/.test(body)
    })
  const repos = candidates.filter((c) => isRepo(c))
  if (repos.length === 0) return []
  const out: {file: string; line: number; repo: string}[] = []
  for (const [path, text] of texts) {
    if (!/\buse\s+Application\b/.test(text)) continue
    await eachElixirNode(text, (n) => {
      if (n.type !== 'alias' || !repos.includes(n.text) || out.some((o) => o.repo === n.text)) return
      // A child of a list, or the head of a `{Repo, opts}` tuple in one.
      const parent = n.parent
      const child = parent?.type === 'list' || (parent?.type === 'tuple' && parent.namedChildren[0]?.id === n.id && parent.parent?.type === 'list')
      if (child) out.push({file: path, line: n.startPosition.row + 1, repo: n.text})
    })
  }

  return out
}

/** Visit every node of an Elixir text's tree (tree-sitter), each before the ones a visit pushed after it; the tree freed after. */
async function eachElixirNode(text: string, visit: (node: TsNode) => void): Promise<void> {
  const tree = (await loadGrammar('elixir')).parse(text)
  if (!tree) return
  try {
    const stack: TsNode[] = [tree.rootNode]
    while (stack.length > 0) {
      const n = stack.pop()!
      for (const c of n.namedChildren) if (c) stack.push(c)
      visit(n)
    }
  } finally {
    tree.delete()
  }
}

/**
 * What opens a PostgreSQL connection of its own, outside every Ecto repo's pool, when a supervisor starts it:
 * Postgrex.Notifications (LISTEN/NOTIFY) is a Postgrex.SimpleConnection, one connection; a
 * Postgrex.ReplicationConnection is one connection in replication mode (both postgrex's lib/postgrex/*.ex);
 * Cainophile.Adapters.Postgres opens one with :epgsql.connect in replication mode (its EpgsqlImplementation.init/1).
 */
const OWN_CONNECTIONS: Record<string, {ref: string; what: string}> = {
  'Cainophile.Adapters.Postgres': {ref: 'https://github.com/cainophile/cainophile/blob/master/lib/cainophile/adapters/postgres/epgsql_implementation.ex', what: 'a logical replication connection (:epgsql.connect in replication mode)'},
  'Postgrex.Notifications': {ref: 'https://github.com/elixir-ecto/postgrex/blob/master/lib/postgrex/notifications.ex', what: 'a LISTEN/NOTIFY connection (a Postgrex.SimpleConnection)'},
  'Postgrex.ReplicationConnection': {ref: 'https://github.com/elixir-ecto/postgrex/blob/master/lib/postgrex/replication_connection.ex', what: 'a replication connection'},
  'Postgrex.SimpleConnection': {ref: 'https://github.com/elixir-ecto/postgrex/blob/master/lib/postgrex/simple_connection.ex', what: 'a connection of its own'},
}

/** One connection an app's own process opens outside the repos' pools. */
export interface OwnConnection {
  file: string
  line: number
  /** Postgrex.Notifications, Cainophile.Adapters.Postgres, … */
  opener: string
  ref: string
  /** Where a supervisor starts it: the child spec itself, or where the module that calls start_link is a child. */
  startedAt?: {file: string; line: number}
  what: string
}

/** `alias A.B.C` (C), `alias A.B, as: X` (X): the short names a file's aliases give, to their full names. */
function aliasesOf(root: TsNode): Map<string, string> {
  const out = new Map<string, string>()
  const stack: TsNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    for (const c of n.namedChildren) if (c) stack.push(c)
    if (n.type !== 'call' || callName(n) !== 'alias') continue
    const [full, opts] = argsOf(n)
    if (full?.type !== 'alias') continue
    const as = opts?.type === 'keywords' ? opts.namedChildren.find((p) => p?.type === 'pair' && keyName(p.childForFieldName('key') ?? p) === 'as') : undefined
    const short = as?.childForFieldName('value')
    out.set(short?.type === 'alias' ? short.text : full.text.split('.').at(-1)!, full.text)
  }

  return out
}

/** An alias's full name under the file's aliases (`P.Notifications` with `alias Postgrex, as: P`). */
function resolveAlias(name: string, aliases: Map<string, string>): string {
  const [head, ...rest] = name.split('.')
  const full = aliases.get(head)
  return full ? [full, ...rest].join('.') : name
}

/** Whether a node is a supervisor child spec's module: an element of a list, or the head of a `{Mod, opts}` tuple in one. */
function childPosition(n: TsNode): boolean {
  const parent = n.parent
  return parent?.type === 'list' || (parent?.type === 'tuple' && parent.namedChildren[0]?.id === n.id && parent.parent?.type === 'list')
}

/**
 * Whether a node is the `adapter:` of a `{Phoenix.PubSub, name: …, adapter: Mod}` child: Phoenix.PubSub's supervisor
 * starts the adapter as a child of its own (Phoenix.PubSub.Supervisor.init/1,
 * https://github.com/phoenixframework/phoenix_pubsub/blob/main/lib/phoenix/pubsub/supervisor.ex).
 */
function pubSubAdapter(n: TsNode, aliases: Map<string, string>): boolean {
  const pair = n.parent
  if (pair?.type !== 'pair' || keyName(pair.childForFieldName('key') ?? pair) !== 'adapter') return false
  let up = pair.parent
  while (up && (up.type === 'keywords' || up.type === 'list')) up = up.parent
  const head = up?.type === 'tuple' ? up.namedChildren[0] : undefined
  return head?.type === 'alias' && resolveAlias(head.text, aliases) === 'Phoenix.PubSub'
}

/**
 * The connections the app's own processes open outside its repos' pools (OWN_CONNECTIONS), in the files under lib/:
 * a child spec that names the opener (`{Postgrex.Notifications, opts}` or the module in a children list, a
 * `start: {Cainophile.Adapters.Postgres, :start_link, args}` map), or an `Opener.start_link(…)` call inside a module
 * some file under lib/ names as a child (or as a Phoenix.PubSub child's `adapter:`). A call whose module no file under lib/ starts (a libcluster strategy named
 * only in config, a module started by hand) is given back apart, with nothing said of where it starts.
 */
export async function ownConnections(files: FileReader): Promise<{started: OwnConnection[]; unstarted: OwnConnection[]}> {
  const started: OwnConnection[] = []
  const calls: {conn: OwnConnection; module: string}[] = []
  const texts = new Map<string, string>()
  for (const path of filesUnder(files, 'lib', (p) => p.endsWith('.ex'), {max: 2000}).paths) {
    const text = searchedText(files, path)
    if (typeof text === 'string') texts.set(path, text)
  }

  const parse = async (text: string, visit: (n: TsNode, aliases: Map<string, string>) => void): Promise<void> => {
    const tree = (await loadGrammar('elixir')).parse(text)
    if (!tree) return
    try {
      const aliases = aliasesOf(tree.rootNode)
      const stack: TsNode[] = [tree.rootNode]
      while (stack.length > 0) {
        const n = stack.pop()!
        for (const c of n.namedChildren) if (c) stack.push(c)
        visit(n, aliases)
      }
    } finally {
      tree.delete()
    }
  }

  for (const [path, text] of texts) {
    if (!/Notifications|SimpleConnection|ReplicationConnection|Cainophile/.test(text)) continue
    await parse(text, (n, aliases) => {
      const at = (opener: string): OwnConnection => ({file: path, line: n.startPosition.row + 1, opener, ...OWN_CONNECTIONS[opener]})
      if (n.type === 'alias') {
        const name = resolveAlias(n.text, aliases)
        if (!(name in OWN_CONNECTIONS)) return
        // A child spec: `{Postgrex.Notifications, opts}` or the module alone in a children list; a `start:` MFA tuple.
        const parent = n.parent
        // (The MFA only as a child spec's `start:`: `Keyword.get(opts, :connection_mod, {Postgrex.SimpleConnection, :start_link,
        // []})` names a function something may call, not a child a supervisor starts.)
        const mfa = parent?.type === 'tuple' && parent.namedChildren[0]?.id === n.id && parent.namedChildren[1]?.text === ':start_link' && parent.parent?.type === 'pair' && keyName(parent.parent.childForFieldName('key') ?? parent.parent) === 'start'
        if (childPosition(n) || mfa) started.push({...at(name), startedAt: {file: path, line: n.startPosition.row + 1}})
        return
      }

      if (n.type !== 'call') return
      const target = n.childForFieldName('target')
      const left = target?.type === 'dot' ? target.childForFieldName('left') : undefined
      if (left?.type !== 'alias' || target?.childForFieldName('right')?.text !== 'start_link') return
      const name = resolveAlias(left.text, aliases)
      if (!(name in OWN_CONNECTIONS)) return
      // The module whose function calls it: the nearest enclosing defmodule.
      let up = n.parent
      while (up && !(up.type === 'call' && callName(up) === 'defmodule')) up = up.parent
      const module = up ? argsOf(up)[0]?.text : undefined
      if (module) calls.push({conn: at(name), module})
    })
  }

  const unstarted: OwnConnection[] = []
  for (const {conn, module} of calls) {
    let startedAt: {file: string; line: number} | undefined
    for (const [path, text] of texts) {
      if (startedAt) break
      const short = module.split('.').at(-1)!
      if (path === conn.file || !text.includes(short)) continue
      await parse(text, (n, aliases) => {
        if (!startedAt && n.type === 'alias' && resolveAlias(n.text, aliases) === module && (childPosition(n) || pubSubAdapter(n, aliases))) startedAt = {file: path, line: n.startPosition.row + 1}
      })
    }

    if (startedAt) started.push({...conn, startedAt})
    else unstarted.push(conn)
  }

  return {started, unstarted}
}
