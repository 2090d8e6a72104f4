/**
 * The safe evaluator (DESIGN.md, "Never execute the user's code"): it walks
 * prism's syntax tree and computes the few expressions real configs use —
 * literals, local variables, ENV reads with their defaults, Integer()/.to_i,
 * simple arithmetic, comparisons and decidable conditions. Everything else is
 * an explicit Unknown carrying its line. Nothing is ever run.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {entrySources, type Env} from '../../model/env.js'
import type {SourceFile} from '../../model/files.js'
import {fromDefault, type Source, type Sourced, uniqueSources} from '../../model/source.js'
import type {CallNode, CaseNode, IfNode, IndexOrWriteNode, LocalVariableOrWriteNode, LocalVariableWriteNode, RangeNode, StringNode} from '@ruby/prism'

import {parseRuby, type ParsedRuby, type RubyNode} from './prism.js'
import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {append} from '../../util/arrays.js'
import {maxOf, minOf} from '../../util/numbers.js'

export interface RubySymbol {
  symbol: string
}

/**
 * A literal hash with symbol or string keys (`{database: {writing: :queue}}`), or
 * the app's own database config (`ActiveRecord::Base.configurations[Rails.env]`,
 * `connection_db_config.configuration_hash`) with the keys code set on it.
 */
export interface RubyHash {
  /** Keys are written without a colon: `pool` for both `:pool` and `"pool"`. */
  hash: Record<string, RubyValue>
  /** The database config ActiveRecord read from database.yml: keys not in `hash` are that file's. */
  databaseConfig?: boolean
  /** On a database config: each key code set, as evaluated (unknown ones too), with its line and env. */
  set?: Record<string, EvalValue>
  /** On a database config: keys set with `||=`, which apply only when database.yml (or DATABASE_URL) gives none. */
  orSet?: Record<string, EvalValue>
}

/** A regexp literal (`/sidekiq/i`) as JavaScript can run it. */
export interface RubyRegexp {
  flags: string
  regexp: string
}

/** `a..b`, `a...b` (exclusive), `(2..)` endless, `(..5)` beginless: numeric or string bounds, null where open. */
export interface RubyRange {
  range: {begin: null | number | string; end: null | number | string; exclusive: boolean}
}

export type RubyValue = boolean | null | number | RubyHash | RubyRange | RubyRegexp | RubySymbol | RubyValue[] | string

/** An env var that was read, had no value anywhere and no default. */
export interface MissingEnv {
  line: number
  name: string
}

export interface KnownValue {
  kind: 'known'
  /** Line where the value was written (a literal, an ENV read, an expression). */
  line: number
  missingEnv?: MissingEnv[]
  value: RubyValue
  /** The env entries the value was computed from, in order. */
  via: Source[]
}

export interface UnknownValue {
  kind: 'unknown'
  line: number
  missingEnv?: MissingEnv[]
  /** Why it could not be read, naming the Ruby text, e.g. "`compute_workers()`". */
  reason: string
  /** Its truthiness when that is known though the value is not: an env var the platform sets is a String, so true. */
  truthy?: boolean
  /** A String known not to be blank though its text is not (DATABASE_URL on the platform): `present?` is true. */
  nonBlank?: boolean
  /** How the String starts, when that is known though the rest is not (DATABASE_URL on the platform: `postgres`). */
  prefix?: string
  /** A string built from known and unknown parts (`"#{url}?pool=25"`): the parts in order, null where unknown. */
  parts?: (null | string)[]
}

export type EvalValue = KnownValue | UnknownValue

/** A method call statement: a DSL setting (`workers 2`) or a hook (`on_worker_boot do … end`). */
export interface DslCall {
  args: EvalValue[]
  /** Calls inside the call's `do … end` / `{ … }` block, if it has one. */
  blockBody?: DslCall[]
  /** Inside an `if`/`unless`/`case` that could not be decided. */
  conditional: boolean
  /** The innermost condition that could not be decided, as written (`ENV["WORKER"] == "1"`). */
  condition?: string
  kwargs: Record<string, EvalValue>
  line: number
  name: string
  /** `Sidekiq` in `Sidekiq.configure_server`, `config` in `config.redis = …`. */
  receiver?: string
  /** The class whose body the call is written in (`LegacyRecord` for `class LegacyRecord < ActiveRecord::Base; establish_connection …`). */
  inClass?: string
}

export interface RubyConfig {
  calls: DslCall[]
  diagnostics: Diagnostic[]
  file: string
  /** Processes the file starts (`spawn 'cmd'` in a hook or at its top level). */
  launched?: ConfigLaunch[]
  /** False when prism reported syntax errors: `calls` is then empty. */
  parsed: boolean
}

/** A process a config file starts: `spawn "cmd"` (the command when it is a literal string), in the top-level block `hook` or at the top level. */
export interface ConfigLaunch {
  command?: string
  hook?: string
  line: number
  /** The value of `@x ||= spawn …` (any `||=`): started once per process that runs the hook, not per call. */
  once?: boolean
  /** `fork { exec "cmd" }` rather than `spawn "cmd"`. */
  forked?: boolean
  /** Under an `if`/`unless`/`case` (or a modifier): whether it runs is not read here. */
  conditional?: boolean
}

export type Scope = Map<string, EvalValue>

export interface EvalOptions {
  appEnv: string
  env: Env
  file: string
  /** Line of the snippet's first line in `file` (for ERB tags); 1 for whole files. */
  firstLine?: number
  /** What processor-count calls (`Concurrent.physical_processor_count`, `Etc.nprocessors`) return on the dyno. */
  processors?: Sourced<number>
  /**
   * Calls whose answer is known for the process being read, keyed as written without spaces or a
   * leading `::`: `Sidekiq.server?`, `Sidekiq.options[:concurrency]` (symbol keys as `[:key]`).
   */
  knownCalls?: ReadonlyMap<string, Sourced<RubyValue>>
  /** What the process being read knows about itself: `$0`, and constants only some processes define. */
  process?: RubyProcess
  /** Env vars the platform sets though their value is not given (DATABASE_URL on Heroku): a String, so truthy, value unknown. */
  presentEnv?: ReadonlySet<string>
  scope?: Scope
}

/** Facts a Ruby process has about itself, for branches that ask which process they run in. */
export interface RubyProcess {
  /** `defined?(Sidekiq::CLI)`, `Rails.const_defined?(:Server)`: constants, without a leading `::`, that decide per process. */
  constants: ReadonlyMap<string, Sourced<boolean>>
  /** `$0` / `$PROGRAM_NAME`: the program the command runs, as the Procfile names it. */
  programName: Sourced<string>
}

/** What one evaluation shares between a file's blocks: ENV written earlier is read back later. */
interface Shared {
  /**
   * Constants the file assigns at its top level (`NUM_WORKERS = ENV.fetch("WEB_CONCURRENCY") { 2 }.to_i`), read back
   * by the statements after them (`workers NUM_WORKERS`), as Ruby resolves a constant of the lexical scope.
   */
  constants?: Map<string, EvalValue>
  envWrites: Map<string, EvalValue>
}

// Calls that ask how many CPUs the machine has; on a dyno that is its nproc.
const PROCESSOR_CALLS = new Set([
  'Concurrent.available_processor_count',
  'Concurrent.physical_processor_count',
  'Concurrent.processor_count',
  'Etc.nprocessors',
])

// Methods on the way from ActiveRecord::Base (or Rails.application) to a database config hash,
// and those of them that say the chain is about the database config at all.
const DB_CONFIG_CHAIN = new Set([
  '[]', 'application', 'config', 'configs_for', 'configuration_hash', 'configurations', 'connection_config', 'connection_db_config',
  'connection_pool', 'database_configuration', 'db_config', 'dup', 'find_db_config', 'first', 'pool_config', 'spec', 'symbolize_keys', 'to_h', 'with_indifferent_access',
])
const DB_CONFIG_ANCHORS = new Set(['configuration_hash', 'configurations', 'connection_config', 'connection_db_config', 'db_config'])

// RAILS_ENV/RACK_ENV/APP_ENV name the app environment: when no layer sets them,
// they read as ctx.appEnv (the Heroku Ruby buildpack sets them to production).
const APP_ENV_VARS = new Set(['APP_ENV', 'RACK_ENV', 'RAILS_ENV'])

const isSymbol = (v: RubyValue): v is RubySymbol => typeof v === 'object' && v !== null && !Array.isArray(v) && 'symbol' in v
const isHash = (v: RubyValue): v is RubyHash => typeof v === 'object' && v !== null && !Array.isArray(v) && 'hash' in v
const isRegexp = (v: RubyValue): v is RubyRegexp => typeof v === 'object' && v !== null && !Array.isArray(v) && 'regexp' in v
const RANGE_TESTS = new Set(['cover?', 'include?', 'member?'])
const isRange = (v: RubyValue): v is RubyRange => typeof v === 'object' && v !== null && !Array.isArray(v) && 'range' in v

/**
 * Range#cover?/include?/=== (`case n when (2..)`): whether the value lies within the bounds, compared as
 * Ruby's <=> does for numbers (an integer against a float too) and for strings; a value of another kind
 * is not covered (Range#=== returns false, it does not raise). Undefined when a bound and the value differ in kind.
 */
function rangeCovers(r: RubyRange, v: RubyValue): boolean | undefined {
  const {begin, end, exclusive} = r.range
  const bound = begin ?? end
  if (typeof v !== 'number' && typeof v !== 'string') return false
  if (bound !== null && typeof bound !== typeof v) return typeof bound === 'number' || typeof bound === 'string' ? false : undefined
  if (begin !== null && v < begin) return false
  if (end !== null && (exclusive ? v >= end : v > end)) return false
  return true
}
const truthy = (v: RubyValue): boolean => v !== null && v !== false

function mergeMissing(...vs: EvalValue[]): MissingEnv[] | undefined {
  const all = vs.flatMap((v) => v.missingEnv ?? [])
  return all.length > 0 ? all : undefined
}

function mergeVia(...vs: EvalValue[]): Source[] {
  return uniqueSources(vs.flatMap((v) => (v?.kind === 'known' ? [v.via] : [])))
}

/**
 * The config hash a call was given, read key by key: `establish_connection(adapter: "postgresql",
 * host: uri.host, pool: ENV["DB_POOL"] || 5)` (keywords, which are no positional argument) or the same
 * with braces. Only `keys` are read, in order of precedence, so a key conncalc cannot evaluate
 * (`host: uri.host`) does not make the whole hash unknown: the first of `keys` the hash has decides —
 * unknown, it is returned as the unknown; known, the hash of those keys that are known. Undefined
 * when the call was given no arguments at all.
 */
export function configArgument(call: DslCall, keys: readonly string[]): EvalValue | undefined {
  const first = call.args[0]
  if (first?.kind === 'known') return first
  if (Object.keys(call.kwargs).length === 0) return first
  const present = keys.filter((k) => call.kwargs[k] !== undefined).map((k) => [k, call.kwargs[k]] as const)
  if (present[0]?.[1].kind === 'unknown') return present[0][1]
  const known = present.filter((p): p is readonly [string, KnownValue] => p[1].kind === 'known')
  const hash: Record<string, RubyValue> = Object.fromEntries(known.map(([k, v]) => [k, v.value]))
  const values = known.map(([, v]) => v)
  const missingEnv = mergeMissing(...values)
  return {kind: 'known', line: call.line, value: {hash}, via: mergeVia(...values), ...(missingEnv ? {missingEnv} : {})}
}

/** Ruby's Integer(str): the whole string must be an integer. */
function strictInteger(s: string): number | undefined {
  const m = /^\s*([+-]?\d+(?:_\d+)*)\s*$/.exec(s)
  return m ? Number.parseInt(m[1].replaceAll('_', ''), 10) : undefined
}

function strictFloat(s: string): number | undefined {
  const m = /^\s*([+-]?\d+(?:_\d+)*(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*$/.exec(s)
  return m ? Number.parseFloat(m[1].replaceAll('_', '')) : undefined
}

/** Ruby's String#to_i: leading digits, else 0. */
function leadingInteger(s: string): number {
  const m = /^\s*([+-]?\d+(?:_\d+)*)/.exec(s)
  return m ? Number.parseInt(m[1].replaceAll('_', ''), 10) : 0
}

function toRubyString(v: RubyValue): string | undefined {
  if (v === null) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (isSymbol(v)) return v.symbol
  return undefined
}

function rubyEquals(a: RubyValue, b: RubyValue): boolean {
  if (isSymbol(a) && isSymbol(b)) return a.symbol === b.symbol
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => rubyEquals(x, b[i]))
  return a === b
}

/** `pattern === subject` as `case … when` tests it: a regexp matches a string, anything else is ==. */
function caseEquals(pattern: RubyValue, subject: RubyValue): boolean {
  if (isRegexp(pattern)) return typeof subject === 'string' && jsRegExp(pattern).test(subject)
  if (isRange(pattern)) return rangeCovers(pattern, subject) === true
  return rubyEquals(pattern, subject)
}

const jsRegExp = (r: RubyRegexp): RegExp => new RegExp(r.regexp, r.flags)

/**
 * A Ruby regexp literal as JavaScript's, when its meaning is the same in both: plain text,
 * classes, groups, quantifiers, `^`/`$` (on one-line strings) and `\A`/`\z`. Else undefined.
 */
function translateRegexp(source: string, ignoreCase: boolean): RubyRegexp | undefined {
  if (/\\[^AzZdDwWsSbB.\\/\-()[\]{}|*+?^$]|\(\?[^:]/.test(source)) return undefined
  const regexp = source.replaceAll(/\\A/g, '^').replaceAll(/\\[zZ]/g, '$')
  try {
    new RegExp(regexp, ignoreCase ? 'i' : '')
  } catch {
    return undefined
  }

  return {flags: ignoreCase ? 'i' : '', regexp}
}

/** The key of a hash as the evaluator keeps it: `:pool` and `"pool"` are both `pool`. */
const hashKey = (v: RubyValue): string | undefined => (typeof v === 'string' ? v : isSymbol(v) ? v.symbol : undefined)

/** One evaluation pass over a parsed file (or ERB snippet) with its scope. */
class Evaluator {
  /** Classes whose body is being walked, innermost last. */
  private readonly classes: string[] = []
  /** Their one-expression class methods (`def self.database_url = ENV[…]`), innermost last. */
  private readonly classMethods: Map<string, RubyNode>[] = []
  /** Class methods being evaluated: a method that calls itself is unknown, not a loop. */
  private inMethod = new Set<string>()
  /**
   * Methods a snippet defines at its top level beside the expression it is evaluated for (app-constants.ts puts a
   * module's helpers there, at their own lines): a call to one runs its body with the arguments bound (inlineDef).
   */
  defs: ReadonlyMap<string, RubyNode> = new Map()
  /** Inside an inlined method: the block its caller passed (`yield` is that block's value) and the caller's evaluator. */
  private yieldTo?: {block: RubyNode; caller: Evaluator}
  /** Inside an inlined method: its local variables (a local no path taken assigned reads as nil, as in Ruby). */
  private declared?: ReadonlySet<string>

  constructor(
    private readonly parsed: ParsedRuby,
    private readonly opts: EvalOptions & {scope: Scope},
    private readonly shared: Shared = {envWrites: new Map()},
    /** Block parameters that stand for a known receiver (`|config|` of `Sidekiq.configure_server`). */
    private readonly aliases: ReadonlyMap<string, string> = new Map(),
    /** Conditions around the statement being walked that could not be decided, innermost last. */
    private readonly undecided: string[] = [],
  ) {}

  private get P() {
    return this.parsed.prism
  }

  line(node: RubyNode): number {
    return this.parsed.lineOf(node.location.startOffset) + (this.opts.firstLine ?? 1) - 1
  }

  private snippet(node: RubyNode): string {
    const t = this.parsed.textOf(node).replaceAll(/\s+/g, ' ').trim()
    return t.length > 60 ? `${t.slice(0, 57)}...` : t
  }

  private known(node: RubyNode, value: RubyValue, ...from: EvalValue[]): KnownValue {
    const missingEnv = mergeMissing(...from)
    return {kind: 'known', line: this.line(node), value, via: mergeVia(...from), ...(missingEnv ? {missingEnv} : {})}
  }

  /**
   * `nil.to_i` is 0, `nil.to_f` 0.0, `nil.to_s` "" (Ruby's NilClass): a variable set nowhere (not in the
   * app's files, the env given, nor required by app.json) read with `ENV["X"]` is nil, so
   * `ENV["REDIS_SIZE"].to_i + 2` is 2. The value is decided and says so; a variable the platform sets
   * without a value here is unknown before it gets here (evEnv).
   */
  private nilConverted(node: RubyNode, value: 0 | '', recv: KnownValue, method: 'to_f' | 'to_i' | 'to_s'): KnownValue {
    const shown = method === 'to_s' ? '""' : method === 'to_f' ? '0.0' : '0'
    const unset = (recv.missingEnv ?? []).map(
      (m): Source => fromDefault(`${m.name} is unset: nil.${method} is ${shown}`, `https://docs.ruby-lang.org/en/master/NilClass.html#method-i-${method}`),
    )
    return {kind: 'known', line: this.line(node), value, via: [...recv.via, ...unset]}
  }

  private unknown(node: RubyNode, reason?: string, ...from: EvalValue[]): UnknownValue {
    // An unknown operand explains the whole expression better than the outer text.
    const inner = from.find((v): v is UnknownValue => v.kind === 'unknown')
    if (inner) return {...inner, missingEnv: mergeMissing(...from)}
    const missingEnv = mergeMissing(...from)
    return {
      kind: 'unknown',
      line: this.line(node),
      reason: reason ?? `\`${this.snippet(node)}\` is not something conncalc evaluates`,
      ...(missingEnv ? {missingEnv} : {}),
    }
  }

  // ---- statements -------------------------------------------------------

  /** Walk statements in order: assignments update the scope, calls are collected. */
  walk(nodes: readonly RubyNode[], conditional: boolean): DslCall[] {
    const calls: DslCall[] = []
    for (const node of nodes) append(calls, this.statement(node, conditional))
    return calls
  }

  private body(node: RubyNode | null | undefined, conditional: boolean): DslCall[] {
    if (!node) return []
    const P = this.P
    if (node instanceof P.StatementsNode) return this.walk(node.body, conditional)
    if (node instanceof P.BeginNode) return this.body(node.statements, conditional)
    if (node instanceof P.ElseNode) return this.body(node.statements, conditional)
    return this.statement(node, conditional)
  }

  private statement(node: RubyNode, conditional: boolean): DslCall[] {
    const P = this.P
    if (node instanceof P.LocalVariableWriteNode || node instanceof P.LocalVariableOrWriteNode) {
      this.assign(node, conditional)
      return this.blockCallAssigned(node.value, conditional)
    }

    if (node instanceof P.ConstantWriteNode && this.classes.length === 0 && this.inMethod.size === 0) {
      const value = this.ev(node.value)
      const constants = (this.shared.constants ??= new Map())
      constants.set(node.name, conditional || this.undecided.length > 0 ? this.unknown(node, `\`${node.name}\` is assigned under a condition conncalc cannot decide`) : value)
      return this.blockCallAssigned(node.value, conditional)
    }

    if (node instanceof P.InstanceVariableWriteNode || node instanceof P.GlobalVariableWriteNode || node instanceof P.ConstantWriteNode) {
      return this.blockCallAssigned(node.value, conditional)
    }

    if (node instanceof P.IfNode || node instanceof P.UnlessNode) {
      const cond = this.decide(node.predicate)
      const then = node.statements
      const otherwise = node instanceof P.IfNode ? node.subsequent : node.elseClause
      const wanted = node instanceof P.IfNode ? cond : cond === undefined ? undefined : !cond
      if (wanted === true) return this.body(then, conditional)
      if (wanted === false) return this.body(otherwise, conditional)
      return this.undecidedBy(node.predicate, () => [...this.body(then, true), ...this.body(otherwise, true)])
    }

    if (node instanceof P.CaseNode) return this.caseStatement(node, conditional)
    if (node instanceof P.BeginNode || node instanceof P.StatementsNode || node instanceof P.ParenthesesNode) {
      return this.body(node instanceof P.ParenthesesNode ? node.body : node, conditional)
    }

    // `defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection`:
    // the right side runs only when the left decides it, else it is conditional.
    if (node instanceof P.AndNode || node instanceof P.OrNode) {
      const left = this.decide(node.left)
      const runsRight = left === undefined ? undefined : node instanceof P.AndNode ? left : !left
      const calls = this.statement(node.left, conditional)
      if (runsRight === false) return calls
      if (runsRight === undefined) return [...calls, ...this.undecidedBy(node.left, () => this.statement(node.right, true))]
      return [...calls, ...this.statement(node.right, conditional)]
    }

    // `x rescue nil` runs x; `module App; class Application < Rails::Application; … end; end` holds config calls.
    if (node instanceof P.RescueModifierNode) return this.statement(node.expression, conditional)
    if (node instanceof P.ClassNode) {
      this.classes.push(this.parsed.textOf(node.constantPath).replace(/^::/, ''))
      this.classMethods.push(this.classMethodsOf(node.body))
      try {
        return this.body(node.body, conditional)
      } finally {
        this.classes.pop()
        this.classMethods.pop()
      }
    }

    if (node instanceof P.ModuleNode) return this.body(node.body, conditional)
    if (node instanceof P.IndexOrWriteNode) {
      this.orWrite(node, conditional)
      return []
    }

    if (node instanceof P.CallNode) {
      this.write(node, conditional)
      return [this.call(node, conditional)]
    }

    return []
  }

  /**
   * A class body's methods on the class itself that take no arguments and return one expression:
   * `def self.database_url; ENV["ARCHIVE_DATABASE_URL"] || ENV["DATABASE_URL"]; end`, the same
   * inside `class << self`. A call to one from the class body (`establish_connection database_url`)
   * is that expression's value, and an empty body (`def self.archive_url; end`) is nil; longer methods stay unknown.
   */
  private classMethodsOf(body: RubyNode | null | undefined): Map<string, RubyNode> {
    const P = this.P
    const out = new Map<string, RubyNode>()
    const statements = (n: RubyNode | null | undefined): readonly RubyNode[] => (n instanceof P.StatementsNode ? n.body : n ? [n] : [])
    const take = (d: RubyNode, onSelf: boolean): void => {
      if (!(d instanceof P.DefNode) || d.parameters || (onSelf ? !(d.receiver instanceof P.SelfNode) : d.receiver)) return
      const only = statements(d.body)
      // `def self.archive_url; end` returns nil: the method itself stands for its empty body (classMethodValue).
      if (only.length === 1) out.set(d.name, only[0])
      else if (only.length === 0) out.set(d.name, d)
    }

    for (const n of statements(body)) {
      if (n instanceof P.SingletonClassNode && n.expression instanceof P.SelfNode) for (const d of statements(n.body)) take(d, false)
      else take(n, true)
    }

    return out
  }

  /**
   * A call to a method the snippet defines (`defs`): its statements in turn, in a scope of its own holding its
   * parameters (required and optional positional ones; others, a `return` or a `rescue` in it: unknown), `yield` being
   * the call's block. A statement that stays unknown leaves the locals it assigns unknown, not nil.
   */
  private inlineDef(node: CallNode, def: RubyNode): EvalValue {
    const P = this.P
    if (!(def instanceof P.DefNode)) return this.unknown(node)
    if (this.inMethod.has(def.name)) return this.unknown(node, `\`${def.name}\` calls itself`)
    const params = def.parameters
    if (params && (params.rest || params.posts.length > 0 || params.keywords.length > 0 || params.keywordRest || params.block)) return this.unknown(node, `\`${def.name}\` takes parameters conncalc does not bind`)
    const required = params?.requireds ?? []
    const optionals = params?.optionals ?? []
    const {args, kwargs} = this.argValues(node)
    if (kwargs.size > 0 || args.length < required.length || args.length > required.length + optionals.length) return this.unknown(node, `\`${def.name}\` is called with arguments conncalc does not bind`)
    if (!(def.body === null || def.body instanceof P.StatementsNode)) return this.unknown(node, `\`${def.name}\` has a body conncalc does not run (rescue or ensure)`)
    const hasReturn = (n: RubyNode): boolean => n instanceof P.ReturnNode || n.compactChildNodes().some((c) => !(c instanceof P.DefNode) && hasReturn(c))
    if (def.body && hasReturn(def.body)) return this.unknown(node, `\`${def.name}\` returns early`)
    const scope: Scope = new Map()
    const bound: EvalValue[] = []
    for (const [i, r] of required.entries()) {
      if (!(r instanceof P.RequiredParameterNode)) return this.unknown(node, `\`${def.name}\` takes parameters conncalc does not bind`)
      const v = this.ev(args[i])
      scope.set(r.name, v)
      bound.push(v)
    }

    const child = new Evaluator(this.parsed, {...this.opts, scope}, this.shared, this.aliases, this.undecided)
    child.defs = this.defs
    child.inMethod = this.inMethod
    child.declared = new Set(def.locals)
    if (node.block) child.yieldTo = {block: node.block, caller: this}
    for (const [i, o] of optionals.entries()) {
      if (!(o instanceof P.OptionalParameterNode)) return this.unknown(node, `\`${def.name}\` takes parameters conncalc does not bind`)
      // A default is evaluated in the method, after the parameters before it.
      scope.set(o.name, required.length + i < args.length ? this.ev(args[required.length + i]) : child.ev(o.value))
    }

    const writes = (n: RubyNode, out: string[]): string[] => {
      if (n instanceof P.LocalVariableWriteNode || n instanceof P.LocalVariableOrWriteNode || n instanceof P.LocalVariableOperatorWriteNode || n instanceof P.LocalVariableAndWriteNode) out.push(n.name)
      for (const c of n.compactChildNodes()) writes(c, out)
      return out
    }

    this.inMethod.add(def.name)
    try {
      let last: EvalValue = this.known(node, null)
      for (const st of def.body?.body ?? []) {
        last = child.ev(st)
        if (last.kind === 'unknown') for (const name of writes(st, [])) if (!(scope.get(name)?.kind === 'known' && st instanceof P.LocalVariableWriteNode)) scope.set(name, last)
      }

      return last.kind === 'known' ? {...last, line: this.line(node), via: mergeVia(...bound.filter((b) => b.kind === 'known'), last)} : last
    } finally {
      this.inMethod.delete(def.name)
    }
  }

  /** The value of a class method of the class being walked (classMethodsOf), or undefined when it is not one. */
  private classMethodValue(node: CallNode): EvalValue | undefined {
    const body = this.classMethods.at(-1)?.get(node.name)
    if (!body) return undefined
    if (body instanceof this.P.DefNode) return this.known(node, null)
    if (this.inMethod.has(node.name)) return this.unknown(node, `\`${node.name}\` calls itself`)
    this.inMethod.add(node.name)
    try {
      const v = this.ev(body)
      return v.kind === 'known' ? {...v, line: this.line(node)} : v
    } finally {
      this.inMethod.delete(node.name)
    }
  }

  /**
   * `x = Sidekiq.configure_embed do |config| … end`: a call whose block makes calls still runs
   * them when its result is kept, so it is a statement too (other right-hand sides are values only).
   */
  private blockCallAssigned(value: RubyNode, conditional: boolean): DslCall[] {
    // `ENV.fetch("X") { 5 }` is a value with a default, not configuration: only blocks that make calls count.
    if (!(value instanceof this.P.CallNode) || !(value.block instanceof this.P.BlockNode)) return []
    const call = this.call(value, conditional)
    return call.receiver !== 'ENV' && (call.blockBody?.length ?? 0) > 0 ? [call] : []
  }

  /** Walk statements under a condition that could not be decided, naming it for the calls inside. */
  private undecidedBy(predicate: RubyNode, walk: () => DslCall[]): DslCall[] {
    this.undecided.push(this.snippet(predicate))
    try {
      return walk()
    } finally {
      this.undecided.pop()
    }
  }

  /**
   * Writes the evaluator keeps track of: `config["pool"] = 10` / `config.merge!(pool: 10)` on a
   * local hash (the database config apps pass to establish_connection), and `ENV["X"] = …`,
   * which later ENV reads in the file see.
   */
  private write(node: CallNode, conditional: boolean): void {
    const P = this.P
    const args = node.arguments_?.arguments_ ?? []
    if (node.name === '[]=' && args.length === 2 && this.isConst(node.receiver, 'ENV') && args[0] instanceof P.StringNode) {
      const v = this.ev(args[1])
      const key = args[0].unescaped.value
      this.shared.envWrites.set(key, conditional ? this.unknown(node, `ENV["${key}"] is written under a condition conncalc cannot decide`) : v)
      return
    }

    if (!(node.receiver instanceof P.LocalVariableReadNode)) return
    const name = node.receiver.name
    const current = this.opts.scope.get(name)
    if (current?.kind !== 'known' || !isHash(current.value)) return
    let next: EvalValue | undefined
    if (node.name === '[]=' && args.length === 2) {
      const key = this.ev(args[0])
      const k = key.kind === 'known' ? hashKey(key.value) : undefined
      next = k === undefined ? this.unknown(node) : this.withKeys(node, current, [[k, this.ev(args[1])]])
    } else if ((node.name === 'merge!' || node.name === 'update') && args.length === 1) {
      next = this.merged(node, current, args[0])
    }

    if (!next) return
    this.opts.scope.set(name, conditional ? this.unknown(node, `\`${name}\` is changed under a condition conncalc cannot decide`) : next)
  }

  /**
   * `config["pool"] ||= 10` on a local hash: a key with a truthy value stays; on the app's database
   * config the key's value is database.yml's, unknown here, so it is kept apart (`orSet`) for the
   * pool analyzer to apply only when database.yml and DATABASE_URL give no pool.
   */
  private orWrite(node: IndexOrWriteNode, conditional: boolean): void {
    const P = this.P
    const args = node.arguments_?.arguments_ ?? []
    if (!(node.receiver instanceof P.LocalVariableReadNode) || args.length !== 1) return
    const name = node.receiver.name
    const current = this.opts.scope.get(name)
    if (current?.kind !== 'known' || !isHash(current.value)) return
    const key = this.ev(args[0])
    const k = key.kind === 'known' ? hashKey(key.value) : undefined
    let next: EvalValue
    if (k === undefined) next = this.unknown(node)
    else {
      const h = current.value
      const v = this.ev(node.value)
      if (h.databaseConfig) {
        next = h.set?.[k] ? current : {...current, line: this.line(node), value: {...h, orSet: {...h.orSet, [k]: v}}}
      } else {
        next = h.hash[k] !== undefined && truthy(h.hash[k]) ? current : this.withKeys(node, current, [[k, v]])
      }
    }

    this.opts.scope.set(name, conditional ? this.unknown(node, `\`${name}\` is changed under a condition conncalc cannot decide`) : next)
  }

  /** A hash with keys set: known keys are its values; on a database config every key set is kept with its origin, unknown ones too. */
  private withKeys(node: RubyNode, base: KnownValue, entries: [string, EvalValue][]): EvalValue {
    const h = base.value as RubyHash
    const hash = {...h.hash}
    const set = {...h.set}
    for (const [k, v] of entries) {
      if (!h.databaseConfig && v.kind === 'unknown') return this.unknown(node, undefined, v)
      if (v.kind === 'known') hash[k] = v.value
      else delete hash[k]
      if (h.databaseConfig) set[k] = v
    }

    const value: RubyHash = h.databaseConfig ? {databaseConfig: true, hash, set, ...(h.orSet ? {orSet: h.orSet} : {})} : {hash}
    return {...base, line: this.line(node), value}
  }

  /** `h.merge(pool: 10)`, `h.merge("pool" => n)`, `h.merge(other)`. */
  private merged(node: RubyNode, base: KnownValue, arg: RubyNode): EvalValue {
    const P = this.P
    if (arg instanceof P.HashNode || arg instanceof P.KeywordHashNode) {
      const entries: [string, EvalValue][] = []
      for (const el of arg.elements) {
        if (!(el instanceof P.AssocNode) || !(el.key instanceof P.SymbolNode || el.key instanceof P.StringNode)) return this.unknown(node)
        entries.push([el.key.unescaped.value, this.ev(el.value)])
      }

      return this.withKeys(node, base, entries)
    }

    const other = this.ev(arg)
    if (other.kind === 'unknown') return this.unknown(node, undefined, other)
    if (!isHash(other.value)) return this.unknown(node)
    return this.withKeys(node, base, Object.entries(other.value.hash).map(([k, v]) => [k, {...other, value: v}]))
  }

  /** A block passed as a value: `proc { … }`, `lambda { … }`, `Proc.new { … }`, `-> { … }`. */
  private procBody(node: RubyNode): RubyNode | null | undefined {
    const P = this.P
    if (node instanceof P.LambdaNode) return node.body
    if (
      node instanceof P.CallNode &&
      node.block instanceof P.BlockNode &&
      ((!node.receiver && (node.name === 'proc' || node.name === 'lambda')) || (this.isConst(node.receiver, 'Proc') && node.name === 'new'))
    ) {
      return node.block.body
    }

    return undefined
  }

  private assign(node: LocalVariableOrWriteNode | LocalVariableWriteNode, conditional: boolean): EvalValue {
    const {scope} = this.opts
    const current = scope.get(node.name)
    let value: EvalValue
    if (node instanceof this.P.LocalVariableOrWriteNode && current?.kind === 'known' && truthy(current.value)) {
      value = current
    } else {
      value = this.ev(node.value)
    }

    if (conditional) {
      value = this.unknown(node, `\`${node.name}\` is assigned under a condition conncalc cannot decide`)
    }

    scope.set(node.name, value)
    return value
  }

  private caseStatement(node: CaseNode, conditional: boolean): DslCall[] {
    const subject = node.predicate ? this.ev(node.predicate) : undefined
    const whens = node.conditions.filter((w) => w instanceof this.P.WhenNode)
    if (subject?.kind === 'known') {
      for (const w of whens) {
        const values = w.conditions.map((c) => this.ev(c))
        if (values.some((v) => v.kind === 'unknown')) break
        if (values.some((v) => v.kind === 'known' && caseEquals(v.value, subject.value))) {
          return this.body(w.statements, conditional)
        }
      }

      if (whens.every((w) => w.conditions.every((c) => this.ev(c).kind === 'known'))) {
        return this.body(node.elseClause, conditional)
      }
    }

    return this.undecidedBy(node.predicate ?? node, () => [...whens.flatMap((w) => this.body(w.statements, true)), ...this.body(node.elseClause, true)])
  }

  private receiverName(node: RubyNode | null): string | undefined {
    if (!node) return undefined
    const P = this.P
    if (node instanceof P.ConstantReadNode || node instanceof P.ConstantPathNode) return this.parsed.textOf(node)
    if (node instanceof P.LocalVariableReadNode) return node.name
    if (node instanceof P.CallNode && node.isVariableCall()) return node.name
    return this.snippet(node)
  }

  private call(node: CallNode, conditional: boolean): DslCall {
    const P = this.P
    const args: EvalValue[] = []
    const kwargs: Record<string, EvalValue> = {}
    const argNodes = node.arguments_?.arguments_ ?? []
    for (const a of argNodes) {
      // `config.good_job = {execution_mode: :async}`: a literal hash argument reads like keywords.
      if (a instanceof P.KeywordHashNode || (a instanceof P.HashNode && argNodes.length === 1)) {
        for (const el of a.elements) {
          if (el instanceof P.AssocNode && (el.key instanceof P.SymbolNode || el.key instanceof P.StringNode)) kwargs[el.key.unescaped.value] = this.ev(el.value)
        }

        // The hash itself stays an argument too (`connects_to = {database: {writing: :queue}}`).
        if (a instanceof P.HashNode) args.push(this.ev(a))
      } else if (a instanceof P.SplatNode && a.expression) {
        // `threads *(ENV["PUMA_THREADS"] || "0,5").split(",")`: an array's elements are the arguments, in order.
        const v = this.ev(a.expression)
        if (v.kind === 'known' && Array.isArray(v.value)) for (const el of v.value) args.push({...v, value: el})
        else args.push(v.kind === 'known' ? this.unknown(a, `\`${this.parsed.textOf(a)}\` is not an array conncalc reads`) : v)
      } else {
        args.push(this.ev(a))
      }
    }

    const call: DslCall = {args, conditional, kwargs, line: this.line(node), name: node.name, ...(this.classes.length > 0 ? {inClass: this.classes.at(-1)} : {})}
    if (conditional && this.undecided.length > 0) call.condition = this.undecided.at(-1)
    const receiver = this.receiverName(node.receiver)
    if (receiver) call.receiver = receiver
    // A hook given as a block, or assigned as a proc (`Resque.after_fork = proc { … }`).
    const block = node.block instanceof P.BlockNode ? node.block.body : argNodes.length === 1 ? this.procBody(argNodes[0]) : undefined
    if (block !== undefined) {
      // A block sees the outer variables; its own assignments stay inside. `Sidekiq.configure_server do |config|`
      // yields Sidekiq's config, so `config[:concurrency]` reads as `Sidekiq[:concurrency]`.
      const aliases = new Map(this.aliases)
      const param = node.block instanceof P.BlockNode ? node.block.parameters : null
      const first = param instanceof P.BlockParametersNode ? param.parameters?.requireds[0] : undefined
      if (first instanceof P.RequiredParameterNode && receiver === 'Sidekiq' && (node.name === 'configure_server' || node.name === 'configure_client')) {
        aliases.set(first.name, 'Sidekiq')
      }

      const inner = new Evaluator(this.parsed, {...this.opts, scope: new Map(this.opts.scope)}, this.shared, aliases, [...this.undecided])
      call.blockBody = inner.body(block, conditional)
    }

    return call
  }

  // ---- expressions ------------------------------------------------------

  decide(node: RubyNode): boolean | undefined {
    const v = this.ev(node)
    return v.kind === 'known' ? truthy(v.value) : v.truthy
  }

  /**
   * A method called on a value that is not known: still unknown, but what is known of its truthiness carries only
   * where Ruby decides it (`!x` and `x.nil?` from x's truthiness, `x.present?`/`blank?`/`empty?` on a String known
   * not to be blank, a copy or conversion of it); any other method's result (`url.include?("pgbouncer")`) is not known.
   */
  private onUnknown(node: CallNode, name: string, recv: UnknownValue, args: readonly RubyNode[]): EvalValue {
    const {nonBlank, prefix, truthy: t, ...rest} = recv
    const argc = args.length
    // `url.start_with?("postgres")`, `url.match?(/\Apostgres|\Apostgis/)`: decided when the known start decides it.
    if (prefix !== undefined && argc === 1 && (name === 'start_with?' || name === 'match?' || name === '=~' || name === '!~')) {
      const yes = this.startDecides(prefix, name === 'start_with?' ? 'text' : 'pattern', this.ev(args[0]))
      if (yes !== undefined) return this.known(node, name === '!~' ? !yes : name === '=~' ? (yes ? 0 : null) : yes, {...recv, missingEnv: undefined})
    }

    if (argc === 0 && t !== undefined) {
      if (name === '!') return this.known(node, !t, {...recv, missingEnv: undefined})
      if (name === 'nil?' && t) return this.known(node, false, {...recv, missingEnv: undefined})
      if (nonBlank && (name === 'present?' || name === 'blank?' || name === 'empty?')) return this.known(node, name === 'present?', {...recv, missingEnv: undefined})
      // Numbers are truthy in Ruby, 0 included.
      if (name === 'to_i' || name === 'to_f') return {...rest, truthy: true}
      if (name === 'to_s' || name === 'to_str' || name === 'strip' || name === 'freeze' || name === 'dup' || name === 'itself' || (name === 'presence' && nonBlank)) return recv
    }

    return rest
  }

  /**
   * Whether a String that starts with `prefix` (the rest unknown) starts with `arg` (a String) or matches it (a regexp
   * whose every alternative is `\A` or `^` then plain text): true when one tested start lies within the prefix, false
   * when none can begin it, undefined when the unknown rest decides.
   */
  private startDecides(prefix: string, as: 'pattern' | 'text', arg: EvalValue): boolean | undefined {
    if (arg.kind !== 'known') return undefined
    let starts: string[] | undefined
    let fold = false
    if (as === 'text' && typeof arg.value === 'string') starts = [arg.value]
    if (as === 'pattern' && isRegexp(arg.value)) {
      const alts = arg.value.regexp.split('|')
      if (alts.every((a) => /^\^[\w:/-]*$/.test(a))) starts = alts.map((a) => a.slice(1))
      fold = arg.value.flags.includes('i')
    }

    if (!starts) return undefined
    const p = fold ? prefix.toLowerCase() : prefix
    const verdicts = starts.map((raw) => {
      const st = fold ? raw.toLowerCase() : raw
      return p.startsWith(st) ? true : st.startsWith(p) ? undefined : false
    })
    return verdicts.includes(true) ? true : verdicts.every((v) => v === false) ? false : undefined
  }

  /** Evaluate statements as Ruby would for their value: the last one's. */
  lastValue(node: RubyNode | null | undefined, at: RubyNode): EvalValue {
    if (!node) return this.known(at, null)
    const P = this.P
    if (node instanceof P.StatementsNode) {
      let last: EvalValue = this.known(at, null)
      for (const s of node.body) last = this.ev(s)
      return last
    }

    if (node instanceof P.ElseNode || node instanceof P.BeginNode) return this.lastValue(node.statements, at)
    return this.ev(node)
  }

  /** `a..b`, `a...b`, `(2..)`, `(..5)`: bounds that are numbers or strings (nil for an open end). */
  private rangeValue(node: RangeNode): EvalValue {
    const ends = [node.left, node.right].map((n) => (n ? this.ev(n) : undefined))
    const unknown = ends.find((e) => e?.kind === 'unknown')
    if (unknown) return this.unknown(node, undefined, ...ends.filter((e): e is EvalValue => e !== undefined))
    const [begin, end] = ends.map((e) => (e?.kind === 'known' ? e.value : null))
    const ok = (b: RubyValue): b is null | number | string => b === null || typeof b === 'number' || typeof b === 'string'
    if (!ok(begin) || !ok(end)) return this.unknown(node, `the range \`${this.snippet(node)}\` has bounds conncalc does not compare`)
    return this.known(node, {range: {begin, end, exclusive: node.isExcludeEnd()}}, ...ends.filter((e): e is EvalValue => e !== undefined))
  }

  ev(node: RubyNode): EvalValue {
    const P = this.P
    if (node instanceof P.IntegerNode) return this.known(node, Number(node.value))
    if (node instanceof P.FloatNode) return this.known(node, node.value)
    if (node instanceof P.StringNode) return this.known(node, node.unescaped.value)
    if (node instanceof P.SymbolNode) return this.known(node, {symbol: node.unescaped.value})
    if (node instanceof P.TrueNode) return this.known(node, true)
    if (node instanceof P.FalseNode) return this.known(node, false)
    if (node instanceof P.NilNode) return this.known(node, null)
    if (node instanceof P.ParenthesesNode) return this.lastValue(node.body, node)
    if (node instanceof P.StatementsNode) return this.lastValue(node, node)
    if (node instanceof P.RangeNode) return this.rangeValue(node)
    if (node instanceof P.LocalVariableWriteNode || node instanceof P.LocalVariableOrWriteNode) return this.assign(node, false)
    if (node instanceof P.LocalVariableReadNode) {
      const v = this.opts.scope.get(node.name)
      if (v) return v
      // A method's local that the path taken never assigned (`val = x if ENV["URL"]` with URL unset) is nil.
      if (this.declared?.has(node.name)) return this.known(node, null)
      return this.unknown(node, `local variable \`${node.name}\` has no value conncalc can read`)
    }

    // `yield` in a method inlined for a call with a block: the block's value, evaluated where the call is.
    if (node instanceof P.YieldNode) {
      const to = this.yieldTo
      const block = to?.block
      if (!to || !(block instanceof P.BlockNode) || block.parameters || node.arguments_) return this.unknown(node)
      return to.caller.lastValue(block.body, node)
    }

    // Ruby 3.1's `f(pool:)`: the hash value left out is the local variable (or method) of that name.
    if (node instanceof P.ImplicitNode) return this.ev(node.value)

    if (node instanceof P.InterpolatedStringNode || node instanceof P.InterpolatedSymbolNode) {
      const parts = node.parts.map((p) => (p instanceof P.EmbeddedStatementsNode ? this.lastValue(p.statements, p) : this.ev(p)))
      const strs = parts.map((p) => (p.kind === 'known' ? toRubyString(p.value) : undefined))
      // What is known of the string stays readable (`"#{url}?pool=25"` has pool 25 whatever the url).
      if (strs.some((s) => s === undefined)) {
        const known = parts.flatMap((p, i) => (p.kind === 'unknown' ? (p.parts ?? [null]) : [strs[i] ?? null]))
        return {...this.unknown(node, undefined, ...parts), parts: known, truthy: true}
      }

      // `:"billing_#{Rails.env}"` is the symbol of that string.
      return this.known(node, node instanceof P.InterpolatedSymbolNode ? {symbol: strs.join('')} : strs.join(''), ...parts)
    }

    // `` `nproc` ``, `` `cat /proc/cpuinfo | grep processor | wc -l` ``: the shell prints the dyno's processor count (with a
    // newline, which `.to_i` and Integer() ignore), as the processor-count calls return it.
    if (node instanceof P.XStringNode) {
      const cpu = this.opts.processors
      const cmd = node.unescaped.value.trim().replaceAll(/\s+/g, ' ')
      const counts = /^(?:nproc(?: --all)?|getconf _?NPROCESSORS_(?:ONLN|CONF)|grep -c (["']?)\^?processor\1 \/proc\/cpuinfo|(?:cat \/proc\/cpuinfo \| grep (["']?)\^?processor\2|grep (["']?)\^?processor\3 \/proc\/cpuinfo) \| wc -l)$/.test(cmd)
      if (cpu && counts) return {kind: 'known', line: this.line(node), value: `${cpu.value}\n`, via: [cpu.source, ...(cpu.via ?? [])]}
      return this.unknown(node, `the output of the shell command \`${cmd.length > 40 ? `${cmd.slice(0, 39)}…` : cmd}\``)
    }

    if (node instanceof P.RegularExpressionNode) {
      const r = translateRegexp(node.unescaped.value, node.isIgnoreCase())
      return r && !node.isExtended() ? this.known(node, r) : this.unknown(node, `the regexp \`${this.snippet(node)}\` is not one conncalc evaluates`)
    }

    // `$0`, `$PROGRAM_NAME`: the program this process type runs.
    if (node instanceof P.GlobalVariableReadNode && (node.name === '$0' || node.name === '$PROGRAM_NAME')) {
      const p = this.opts.process?.programName
      return p ? {kind: 'known', line: this.line(node), value: p.value, via: [p.source, ...(p.via ?? [])]} : this.unknown(node, `\`${node.name}\` depends on the process`)
    }

    // `defined?(Sidekiq::CLI)`: decided where the process knows whether the constant exists.
    if (node instanceof P.DefinedNode) {
      const v = node.value instanceof P.ParenthesesNode ? node.value.body : node.value
      const inner = v instanceof P.StatementsNode && v.body.length === 1 ? v.body[0] : v
      const fact = inner && (inner instanceof P.ConstantReadNode || inner instanceof P.ConstantPathNode) ? this.constantFact(this.parsed.textOf(inner)) : undefined
      if (fact) return {kind: 'known', line: this.line(node), value: fact.value ? 'constant' : null, via: [fact.source, ...(fact.via ?? [])]}
      return this.unknown(node)
    }

    // A constant the app assigns before this code runs (`WORKERS = Integer(ENV["WORKERS"] || 1)` in an initializer), when the caller knows it.
    if (node instanceof P.ConstantReadNode) {
      const own = this.shared.constants?.get(node.name)
      if (own) return own
      const fact = this.opts.knownCalls?.get(node.name)
      if (fact) return {kind: 'known', line: this.line(node), value: fact.value, via: [fact.source, ...(fact.via ?? [])]}
    }

    // `Config::DB_POOL`, a constant of the app's module (app-constants.ts), when the caller knows it.
    if (node instanceof P.ConstantPathNode) {
      const fact = this.opts.knownCalls?.get(this.parsed.textOf(node).replace(/^::/, ''))
      if (fact) return {kind: 'known', line: this.line(node), value: fact.value, via: [fact.source, ...(fact.via ?? [])]}
    }

    if (node instanceof P.ArrayNode) {
      const els = node.elements.map((e) => this.ev(e))
      if (els.some((e) => e.kind === 'unknown')) return this.unknown(node, undefined, ...els)
      return this.known(node, els.map((e) => (e as KnownValue).value), ...els)
    }

    if (node instanceof P.HashNode || node instanceof P.KeywordHashNode) {
      const hash: Record<string, RubyValue> = {}
      const values: EvalValue[] = []
      for (const el of node.elements) {
        if (!(el instanceof P.AssocNode) || !(el.key instanceof P.SymbolNode || el.key instanceof P.StringNode)) return this.unknown(node)
        const v = this.ev(el.value)
        if (v.kind === 'unknown') return this.unknown(node, undefined, v)
        values.push(v)
        hash[el.key.unescaped.value] = v.value
      }

      return this.known(node, {hash}, ...values)
    }

    if (node instanceof P.OrNode || node instanceof P.AndNode) {
      const left = this.ev(node.left)
      const t = left.kind === 'known' ? truthy(left.value) : left.truthy
      if (t === undefined) return left
      const takeLeft = node instanceof P.OrNode ? t : !t
      if (takeLeft) return left
      // `ENV["X"] || 5` with X one the deployer sets (app.json): the assumption travels with the fallback.
      const right = this.ev(node.right)
      return left.kind === 'known' ? withAssumption(right, left.via.find((s) => s.kind === 'assumed')) : right
    }

    if (node instanceof P.IfNode || node instanceof P.UnlessNode) {
      const predicate = this.ev(node.predicate)
      const t = predicate.kind === 'known' ? truthy(predicate.value) : predicate.truthy
      if (t === undefined) return this.unknown(node, undefined, predicate)
      const otherwise = node instanceof P.IfNode ? node.subsequent : node.elseClause
      const wanted = node instanceof P.IfNode ? t : !t
      const v = this.lastValue(wanted ? node.statements : otherwise, node)
      // What decided the branch is part of where the value came from (`Sidekiq.server? ? 10 : 5`).
      return v.kind === 'known' && predicate.kind === 'known' ? {...v, via: mergeVia(predicate, v)} : v
    }

    if (node instanceof P.CallNode) return this.evCall(node)
    return this.unknown(node)
  }

  private argValues(node: CallNode): {args: RubyNode[]; kwargs: Map<string, RubyNode>} {
    const P = this.P
    const args: RubyNode[] = []
    const kwargs = new Map<string, RubyNode>()
    for (const a of node.arguments_?.arguments_ ?? []) {
      if (a instanceof P.KeywordHashNode) {
        for (const el of a.elements) if (el instanceof P.AssocNode && el.key instanceof P.SymbolNode) kwargs.set(el.key.unescaped.value, el.value)
      } else {
        args.push(a)
      }
    }

    return {args, kwargs}
  }

  private isConst(node: RubyNode | null, name: string): boolean {
    return node instanceof this.P.ConstantReadNode && node.name === name
  }

  /** A call as `knownCalls` keys it: `Sidekiq.options[:concurrency]`; a block parameter reads as what it stands for. */
  private callText(node: RubyNode): string | undefined {
    const P = this.P
    if (node instanceof P.ConstantReadNode || node instanceof P.ConstantPathNode) return this.parsed.textOf(node).replace(/^::/, '')
    if (node instanceof P.LocalVariableReadNode) return this.opts.scope.has(node.name) ? undefined : this.aliases.get(node.name)
    if (!(node instanceof P.CallNode) || !node.receiver || node.block) return undefined
    const recv = this.callText(node.receiver)
    if (recv === undefined) return undefined
    const args = node.arguments_?.arguments_ ?? []
    if (args.length === 0 && node.name !== '[]') return `${recv}.${node.name}`
    if (node.name === '[]' && args.length === 1 && args[0] instanceof P.SymbolNode) return `${recv}[:${args[0].unescaped.value}]`
    return undefined
  }

  /**
   * The app's own database config, as the Heroku article and apps after it read it:
   * `ActiveRecord::Base.configurations[Rails.env]`, `Rails.application.config.database_configuration[Rails.env]`,
   * `ActiveRecord::Base.connection_config`, `connection_db_config.configuration_hash`, `connection_pool.db_config…`.
   */
  private isDatabaseConfig(node: CallNode): boolean {
    const P = this.P
    const names: string[] = []
    let n: RubyNode | null = node
    while (n instanceof P.CallNode) {
      if (!DB_CONFIG_CHAIN.has(n.name)) return false
      names.push(n.name)
      n = n.receiver
    }

    if (!(n instanceof P.ConstantReadNode || n instanceof P.ConstantPathNode)) return false
    const root = this.parsed.textOf(n).replace(/^::/, '')
    if (root === 'Rails') return names.includes('database_configuration')
    return (root === 'ActiveRecord::Base' || root === 'ApplicationRecord') && names.some((x) => DB_CONFIG_ANCHORS.has(x))
  }

  private constantFact(text: string): Sourced<boolean> | undefined {
    return this.opts.process?.constants.get(text.replace(/^::/, ''))
  }

  /**
   * `ConnectionUrlResolver.new(url)` as its `to_hash` reads it (rails/rails v7.1 activerecord/lib/active_record/
   * database_configurations/connection_url_resolver.rb raw_config): the query's parameters, then adapter (postgres is
   * postgresql), username, password, port, database and host where the URL has them. An unset URL raises there: unknown.
   */
  private urlResolved(node: CallNode, url: EvalValue): EvalValue {
    if (url.kind === 'unknown') return url
    if (typeof url.value !== 'string') return this.unknown(node, 'ConnectionUrlResolver is given no URL')
    let u: URL
    try {
      u = new URL(url.value)
    } catch {
      return this.unknown(node, 'ConnectionUrlResolver is given a URL conncalc cannot parse')
    }

    const hash: Record<string, RubyValue> = {}
    for (const [k, v] of u.searchParams) hash[k] = v
    const scheme = u.protocol.replace(/:$/, '')
    const parts: Record<string, RubyValue> = {adapter: scheme === 'postgres' ? 'postgresql' : scheme, database: decodeURIComponent(u.pathname.replace(/^\//, '')), host: u.hostname, password: decodeURIComponent(u.password), port: u.port === '' ? '' : Number(u.port), username: decodeURIComponent(u.username)}
    // reverse_merge: the query's keys win; blank parts are dropped (compact_blank).
    for (const [k, v] of Object.entries(parts)) if (!(k in hash) && v !== '') hash[k] = v
    return this.known(node, {hash}, url)
  }

  /** `File.basename($0)`, `File.basename(path, ".rb")`. */
  private basename(node: CallNode, args: RubyNode[]): EvalValue {
    const vs = args.map((a) => this.ev(a))
    if (vs.some((v) => v.kind === 'unknown' || typeof v.value !== 'string')) return this.unknown(node, undefined, ...vs)
    const [path, ext] = vs.map((v) => (v as KnownValue).value as string)
    let base = path.replace(/\/+$/, '').split('/').pop() ?? ''
    if (ext !== undefined && (ext === '.*' ? /\.[^.]+$/.test(base) : base.endsWith(ext) && base !== ext)) {
      base = ext === '.*' ? base.replace(/\.[^.]+$/, '') : base.slice(0, -ext.length)
    }

    return this.known(node, base, ...vs)
  }

  private evCall(node: CallNode): EvalValue {
    const P = this.P
    const {name, receiver} = node
    const {args, kwargs} = this.argValues(node)

    if (this.isConst(receiver, 'ENV')) return this.evEnv(node, name, args)

    // What the process being read knows (`Sidekiq.options[:concurrency]` in a Sidekiq process).
    const text = this.callText(node)
    const fact = text === undefined ? undefined : this.opts.knownCalls?.get(text)
    if (fact) return {kind: 'known', line: this.line(node), value: fact.value, via: [fact.source, ...(fact.via ?? [])]}
    if (this.isDatabaseConfig(node)) return this.known(node, {databaseConfig: true, hash: {}, set: {}})

    // Rails.env and Rails.env.production?
    if (this.isConst(receiver, 'Rails') && name === 'env' && args.length === 0) return this.known(node, this.opts.appEnv)
    if (
      receiver instanceof P.CallNode &&
      this.isConst(receiver.receiver, 'Rails') &&
      receiver.name === 'env' &&
      name.endsWith('?') &&
      args.length === 0
    ) {
      return this.known(node, this.opts.appEnv === name.slice(0, -1))
    }

    // `database_url` / `self.database_url` in a class body that defines it (classMethodsOf).
    if ((!receiver || receiver instanceof P.SelfNode) && args.length === 0 && kwargs.size === 0 && !node.block) {
      const v = this.classMethodValue(node)
      if (v) return v
    }

    // A method the snippet defines (a module's helper that yields: `val || yield`): its body, with the arguments bound.
    if ((!receiver || receiver instanceof P.SelfNode) && this.defs.has(name)) return this.inlineDef(node, this.defs.get(name)!)

    if (!receiver) {
      // A method the caller knows: a deploy's `fetch(:puma_workers)`, capistrano3-puma's `puma_workers` helper (capistrano.ts).
      const known = this.opts.knownCalls?.get(args.length === 0 ? name : name === 'fetch' && args[0] instanceof P.SymbolNode ? `fetch(:${args[0].unescaped.value})` : '')
      if (known && /^[a-z_]/.test(name)) return {kind: 'known', line: this.line(node), value: known.value, via: [known.source, ...(known.via ?? [])]}
      if (node.isVariableCall()) {
        return this.unknown(node, `\`${name}\` is a method or variable conncalc cannot read`)
      }

      if ((name === 'Integer' || name === 'Float' || name === 'String') && args.length === 1) {
        const v = this.ev(args[0])
        const lenient = kwargs.has('exception') && this.decide(kwargs.get('exception')!) === false
        return this.convert(node, name, v, lenient)
      }

      return this.unknown(node)
    }

    // `Concurrent.physical_processor_count`, `Etc.nprocessors`: the dyno's processors
    // when the caller knows them; any other constant's method: name the whole call.
    // A constant whose value the caller knows (`RUBY_PLATFORM =~ /java/`) is a value like any other, not a class whose method is called.
    const valueConstant = receiver instanceof P.ConstantReadNode && this.opts.knownCalls?.has(receiver.name) === true
    if (!valueConstant && (node.isSafeNavigation() || receiver instanceof P.ConstantReadNode || receiver instanceof P.ConstantPathNode)) {
      const cpu = this.opts.processors
      const recvText = this.parsed.textOf(receiver).replace(/^::/, '')
      const called = `${recvText}.${name}`
      if (called === 'File.basename' && (args.length === 1 || args.length === 2)) return this.basename(node, args)
      // ActiveRecord's URL parser (DatabaseConfigurations::ConnectionUrlResolver, ConnectionSpecification's before 6.1): the URL's parts.
      if (name === 'new' && args.length === 1 && /(?:^|::)ConnectionUrlResolver$/.test(recvText)) return this.urlResolved(node, this.ev(args[0]))
      // `workers ENV.fetch("WEB_CONCURRENCY", 2) unless Gem.win_platform?`: dynos run Linux, so the condition is decided.
      if (called === 'Gem.win_platform?' && args.length === 0) {
        return {kind: 'known', line: this.line(node), value: false, via: [fromDefault('Gem.win_platform? is false: Heroku dynos run Linux', 'https://devcenter.heroku.com/articles/stack')]}
      }

      // `Rails.const_defined?(:Server)`, `Object.const_defined?("Sidekiq::CLI")`
      if (name === 'const_defined?' && args.length === 1) {
        const a = this.ev(args[0])
        const key = a.kind === 'known' ? hashKey(a.value) : undefined
        const known = key === undefined ? undefined : this.constantFact(recvText === 'Object' ? key : `${recvText}::${key}`)
        if (known) return {kind: 'known', line: this.line(node), value: known.value, via: [known.source, ...(known.via ?? [])]}
      }

      if (cpu && args.length === 0 && PROCESSOR_CALLS.has(called)) {
        return {kind: 'known', line: this.line(node), value: cpu.value, via: [cpu.source, ...(cpu.via ?? [])]}
      }

      const fact = args.length === 0 ? this.opts.knownCalls?.get(called) : undefined
      if (fact) return {kind: 'known', line: this.line(node), value: fact.value, via: [fact.source, ...(fact.via ?? [])]}

      return this.unknown(node)
    }

    const recv = this.ev(receiver)
    if (recv.kind === 'unknown') return this.onUnknown(node, name, recv, args)
    const r = recv.value
    const rawArgs = node.arguments_?.arguments_ ?? []

    if (isHash(r) && (name === 'merge' || name === 'merge!' || name === 'update') && rawArgs.length === 1) return this.merged(node, recv, rawArgs[0])
    // `db_config = ActiveRecord::Base.connection_db_config; db_config.configuration_hash`: still the app's config.
    if (isHash(r) && r.databaseConfig && rawArgs.length === 0 && DB_CONFIG_CHAIN.has(name)) return recv
    // `fetch(:puma_threads).join(',')` (a deploy template): numbers and strings joined as text.
    if (name === 'join' && Array.isArray(r) && args.length <= 1 && r.every((x) => typeof x === 'number' || typeof x === 'string')) {
      const sep = args.length === 0 ? undefined : this.ev(args[0])
      if (!sep) return this.known(node, r.join(''), recv)
      if (sep.kind === 'known' && typeof sep.value === 'string') return this.known(node, r.join(sep.value), recv, sep)
    }

    if (typeof r === 'string' && (name === 'start_with?' || name === 'end_with?') && args.length > 0) {
      const prefixes = args.map((a) => this.ev(a))
      if (prefixes.every((p) => p.kind === 'known' && typeof p.value === 'string')) {
        const ps = prefixes.map((p) => (p as KnownValue).value as string)
        const yes = ps.some((p) => (name === 'start_with?' ? r.startsWith(p) : r.endsWith(p)))
        return this.known(node, yes, {...recv, missingEnv: undefined}, ...prefixes)
      }
    }

    if (args.length === 0) {
      switch (name) {
        // The same hash under another name: `config.dup`, `configuration_hash.symbolize_keys`.
        case 'clone':
        case 'deep_dup':
        case 'deep_stringify_keys':
        case 'deep_symbolize_keys':
        case 'dup':
        case 'freeze':
        case 'stringify_keys':
        case 'symbolize_keys':
        case 'to_h':
        case 'to_hash':
        case 'with_indifferent_access': {
          if (isHash(r)) return recv
          break
        }

        case 'first':
        case 'last': {
          if (Array.isArray(r)) return this.known(node, (name === 'first' ? r[0] : r.at(-1)) ?? null, recv)
          break
        }

        case 'to_i': {
          if (typeof r === 'number') return this.known(node, Math.trunc(r), recv)
          if (typeof r === 'string') return this.known(node, leadingInteger(r), recv)
          if (r === null) return this.nilConverted(node, 0, recv, 'to_i')
          break
        }

        case 'ceil':
        case 'floor':
        case 'round': {
          // (Concurrent.processor_count * 0.666).ceil — Campfire's worker count. Ruby rounds half away from zero.
          if (typeof r === 'number') return this.known(node, name === 'ceil' ? Math.ceil(r) : name === 'floor' ? Math.floor(r) : Math.sign(r) * Math.round(Math.abs(r)), recv)
          break
        }

        case 'to_f': {
          if (typeof r === 'number') return this.known(node, r, recv)
          if (typeof r === 'string') return this.known(node, strictFloat(r) ?? leadingInteger(r), recv)
          if (r === null) return this.nilConverted(node, 0, recv, 'to_f')
          break
        }

        case 'to_s': {
          if (r === null) return this.nilConverted(node, '', recv, 'to_s')
          const s = toRubyString(r)
          if (s !== undefined) return this.known(node, s, recv)
          break
        }

        case 'to_sym': {
          if (typeof r === 'string') return this.known(node, {symbol: r}, recv)
          // `(ENV["QUE_MODE"] || :async).to_sym`: Symbol#to_sym is the symbol itself.
          if (isSymbol(r)) return recv
          break
        }

        case 'presence': {
          return r === null || r === '' || (Array.isArray(r) && r.length === 0) ? this.known(node, null, recv) : recv
        }

        case '!': {
          return this.known(node, !truthy(r), {...recv, missingEnv: undefined})
        }

        case 'nil?': {
          return this.known(node, r === null, {...recv, missingEnv: undefined})
        }

        case 'empty?':
        case 'blank?':
        case 'present?': {
          if (typeof r === 'string' || r === null || Array.isArray(r)) {
            const blank = r === null || r.length === 0 || (typeof r === 'string' && r.trim() === '')
            const v = name === 'empty?' ? r !== null && r.length === 0 : name === 'blank?' ? blank : !blank
            if (name === 'empty?' && r === null) break
            return this.known(node, v, {...recv, missingEnv: undefined})
          }

          break
        }

        case 'zero?':
        case 'positive?':
        case 'negative?': {
          if (typeof r === 'number') return this.known(node, name === 'zero?' ? r === 0 : name === 'positive?' ? r > 0 : r < 0, recv)
          break
        }

        case 'max':
        case 'min': {
          if (Array.isArray(r) && r.length > 0 && r.every((x) => typeof x === 'number')) {
            return this.known(node, name === 'max' ? maxOf(r as number[]) : minOf(r as number[]), recv)
          }

          break
        }

        case 'downcase':
        case 'upcase':
        case 'strip': {
          if (typeof r === 'string') {
            return this.known(node, name === 'downcase' ? r.toLowerCase() : name === 'upcase' ? r.toUpperCase() : r.trim(), recv)
          }

          break
        }
      }

      return this.unknown(node, undefined, recv)
    }

    if (args.length === 1) {
      const arg = this.ev(args[0])
      if (arg.kind === 'unknown') return this.unknown(node, undefined, recv, arg)
      const a = arg.value
      // A comparison is decided even when an operand came from an unset variable.
      const decided = (v: RubyValue): EvalValue => this.known(node, v, {...recv, missingEnv: undefined}, {...arg, missingEnv: undefined})
      // `(2..).cover?(n)`, `(1..4).include?(n)`, `(..4).member?(n)` (`(2..) === n` is with the other ===).
      const covered = isRange(r) && RANGE_TESTS.has(name) ? rangeCovers(r, a) : undefined
      if (covered !== undefined) return decided(covered)
      switch (name) {
        case '==': {
          return decided(rubyEquals(r, a))
        }

        case '!=': {
          return decided(!rubyEquals(r, a))
        }

        case '[]': {
          const k = hashKey(a)
          if (isHash(r) && k !== undefined) {
            if (r.set && k in r.set) return r.set[k]
            if (k in r.hash) return this.known(node, r.hash[k], recv, arg)
            if (!r.databaseConfig) return this.known(node, null, recv, arg)
          }

          if (Array.isArray(r) && typeof a === 'number' && Number.isInteger(a)) return this.known(node, r.at(a) ?? null, recv, arg)
          break
        }

        // `$0 =~ /sidekiq/`, `File.basename($0).match?(/good_job/)`, `/rake/ === $0`
        case '=~':
        case '!~':
        case 'match':
        case 'match?':
        case '===': {
          const [pattern, subject] = name === '===' ? [r, a] : [a, r]
          if (name === '===' && isRange(r)) return decided(rangeCovers(r, a) === true)
          if (typeof subject !== 'string' || (!isRegexp(pattern) && typeof pattern !== 'string')) break
          const re = isRegexp(pattern) ? jsRegExp(pattern) : new RegExp(pattern.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`))
          const at = subject.search(re)
          if (name === '=~') return decided(at < 0 ? null : at)
          if (name === '!~' || name === 'match?' || name === '===') return decided(name === '!~' ? at < 0 : at >= 0)
          return this.known(node, at < 0 ? null : (re.exec(subject)?.[0] ?? null), recv, arg)
        }

        case 'split': {
          if (typeof r === 'string' && typeof a === 'string' && a !== '') return this.known(node, r.split(a), recv, arg)
          break
        }

        // `%w[production staging].include?(rails_env)`, `ENV["X"].to_s.include?("sidekiq")`
        case 'include?': {
          if (Array.isArray(r)) return decided(r.some((x) => rubyEquals(x, a)))
          if (typeof r === 'string' && typeof a === 'string') return decided(r.includes(a))
          break
        }

        case '<':
        case '>':
        case '<=':
        case '>=': {
          if ((typeof r === 'number' && typeof a === 'number') || (typeof r === 'string' && typeof a === 'string')) {
            return decided(name === '<' ? r < a : name === '>' ? r > a : name === '<=' ? r <= a : r >= a)
          }

          break
        }

        case '+':
        case '-':
        case '*':
        case '/':
        case '%': {
          if (typeof r === 'number' && typeof a === 'number') {
            const v = this.arithmetic(name, r, a)
            if (v !== undefined) return this.known(node, v, recv, arg)
          }

          if (name === '+' && typeof r === 'string' && typeof a === 'string') return this.known(node, r + a, recv, arg)
          break
        }
      }
    }

    if (name === 'clamp' && args.length === 2 && typeof r === 'number') {
      const lo = this.ev(args[0])
      const hi = this.ev(args[1])
      if (lo.kind === 'known' && hi.kind === 'known' && typeof lo.value === 'number' && typeof hi.value === 'number') {
        return this.known(node, Math.min(Math.max(r, lo.value), hi.value), recv, lo, hi)
      }
    }

    return this.unknown(node, undefined, recv)
  }

  private arithmetic(op: string, a: number, b: number): number | undefined {
    const ints = Number.isInteger(a) && Number.isInteger(b)
    switch (op) {
      case '+': {
        return a + b
      }

      case '-': {
        return a - b
      }

      case '*': {
        return a * b
      }

      case '/': {
        if (b === 0) return undefined
        return ints ? Math.floor(a / b) : a / b
      }

      case '%': {
        if (b === 0) return undefined
        return ((a % b) + b) % b
      }
    }

    return undefined
  }

  /** Integer(x), Float(x), String(x): Ruby raises on bad input, so that is unknown. */
  private convert(node: RubyNode, fn: 'Float' | 'Integer' | 'String', v: EvalValue, lenient: boolean): EvalValue {
    if (v.kind === 'unknown') return this.unknown(node, undefined, v)
    const r = v.value
    if (fn === 'String') {
      const s = toRubyString(r)
      return s === undefined ? this.unknown(node, undefined, v) : this.known(node, s, v)
    }

    let out: number | undefined
    if (typeof r === 'number') out = fn === 'Integer' ? Math.trunc(r) : r
    else if (typeof r === 'string') out = fn === 'Integer' ? strictInteger(r) : strictFloat(r)
    if (out !== undefined) return this.known(node, out, v)
    if (lenient) return this.known(node, null, v)
    if (r === null && v.missingEnv) return this.unknown(node, undefined, v)
    return this.unknown(node, `\`${this.snippet(node)}\` raises for the value ${JSON.stringify(r)}`, v)
  }

  private evEnv(node: CallNode, name: string, args: RubyNode[]): EvalValue {
    const P = this.P
    const keyNode = args[0]
    if (!(keyNode instanceof P.StringNode)) return this.unknown(node)
    const key = keyNode.unescaped.value
    const entry = this.opts.env.get(key)
    const line = this.line(node)

    if (name === 'key?' || name === 'has_key?' || name === 'include?' || name === 'member?') {
      return this.known(node, entry !== undefined || APP_ENV_VARS.has(key) || this.shared.envWrites.has(key) || this.opts.presentEnv?.has(key) === true)
    }

    if (name !== '[]' && name !== 'fetch') return this.unknown(node)
    const written = this.shared.envWrites.get(key)
    if (written) return written
    // Set to a command's output conncalc does not run: neither its value nor the fallback for an unset variable.
    if (entry?.unknown) return {kind: 'unknown', line, reason: entry.unknown, truthy: true}
    // app.json requires it with no value: the deployer sets it, so a fallback (`|| 5`, fetch's default) is assumed.
    const deployer = this.opts.env.deployerSets(key)
    if (entry) return {kind: 'known', line, value: entry.value, via: deployer ? [...entrySources(entry), deployer] : entrySources(entry)}
    if (APP_ENV_VARS.has(key)) return this.known(node, this.opts.appEnv)
    if (this.opts.presentEnv?.has(key)) {
      // A PostgreSQL URL, whichever scheme the platform writes (Heroku postgres://, Render postgresql://).
      return {kind: 'unknown', line, nonBlank: true, ...(key === 'DATABASE_URL' ? {prefix: 'postgres'} : {}), reason: `${key} is set on the platform, but its value is not given here (pass it with --env ${key}=…)`, truthy: true}
    }

    if (name === '[]') return {kind: 'known', line, missingEnv: [{line, name: key}], value: null, via: deployer ? [deployer] : []}
    if (args.length >= 2) return withAssumption(this.ev(args[1]), deployer)
    if (node.block instanceof P.BlockNode) return withAssumption(this.lastValue(node.block.body, node), deployer)
    return {
      kind: 'unknown',
      line,
      missingEnv: [{line, name: key}],
      reason: `ENV.fetch("${key}") has no default and ${key} is not set`,
    }
  }
}

const newScope = (): Scope => new Map()

/** A value with an assumption added to its sources (a fallback taken for a variable the deployer sets). */
const withAssumption = (v: EvalValue, a: Source | undefined): EvalValue => (a && v.kind === 'known' ? {...v, via: [...v.via, a]} : v)

function parseDiagnostic(file: string, parsed: ParsedRuby, firstLine: number): Diagnostic {
  const first = parsed.errors[0]
  const line = first.line + firstLine - 1
  return {
    code: 'unparsable-config',
    file,
    fix: 'Check the file with `ruby -c`.',
    line,
    message: first.message === TOO_DEEP ? `${TOO_DEEP}; conncalc uses the defaults instead` : `not valid Ruby (${first.message}); conncalc uses the defaults instead`,
    severity: 'warning',
  }
}

/**
 * Read a Ruby config file (config/puma.rb, config/unicorn.rb, …) without
 * running it: the method calls at top level, inside decidable `if`/`unless`/
 * `case`, and inside blocks, with their arguments evaluated.
 */
export async function evaluateRubyConfig(
  file: SourceFile,
  env: Env,
  appEnv: string,
  more: Pick<EvalOptions, 'knownCalls' | 'presentEnv' | 'process' | 'processors'> = {},
): Promise<RubyConfig> {
  const parsed = await parseRuby(file.path, file.text)
  if (parsed.errors.length > 0) {
    return {calls: [], diagnostics: [parseDiagnostic(file.path, parsed, 1)], file: file.path, parsed: false}
  }

  const ev = new Evaluator(parsed, {...more, appEnv, env, file: file.path, scope: newScope()})
  try {
    const launched: ConfigLaunch[] = []
    const calls = ev.walk(parsed.program.statements.body, false)
    // A launch's condition read from the env, Rails.env and the app's constants as any other; one that reads a local
    // variable is left undecided (its value where the launch runs is not the one after the file's top level).
    const decideLaunch = (n: RubyNode): boolean | undefined => (hasLocalRead(parsed, n) ? undefined : ev.decide(n))
    return {calls, diagnostics: [...launches(parsed, file.path, launched, decideLaunch), ...delegations(parsed, file.path), ...truthyEnvStrings(parsed, file.path, env)], file: file.path, ...(launched.length > 0 ? {launched} : {}), parsed: true}
  } catch (error) {
    if (!isExhaustion(error)) throw error
    return {calls: [], diagnostics: [parseDiagnostic(file.path, {...parsed, errors: [{line: 1, message: TOO_DEEP}]}, 1)], file: file.path, parsed: false}
  }
}

/** A value someone sets to turn a setting off, which Ruby still reads as true (every String is; only nil and false are not). */
const OFF_LOOKING = /^\s*(false|f|no|n|off|0|disabled?)?\s*$/i

/**
 * `if ENV["SOLID_QUEUE_IN_PUMA"]` (`plugin :solid_queue if ENV[…]`, `unless ENV.fetch("X", nil)`, `ENV["X"] ? a : b`,
 * `ENV["X"] && …`) with X set to "false", "0", "no", "off" or "": the condition is a String, which Ruby takes as true,
 * so the branch the value was meant to turn off runs — and conncalc counts it, as Ruby runs it. Said at the line.
 */
function truthyEnvStrings(parsed: ParsedRuby, file: string, env: Env): Diagnostic[] {
  const P = parsed.prism
  const out: Diagnostic[] = []
  const seen = new Set<string>()
  const envRead = (n: RubyNode | null | undefined): string | undefined => {
    let c = n
    while (c instanceof P.ParenthesesNode && c.body instanceof P.StatementsNode && c.body.body.length === 1) c = c.body.body[0]
    if (!(c instanceof P.CallNode) || !(c.receiver instanceof P.ConstantReadNode) || c.receiver.name !== 'ENV') return undefined
    const args = c.arguments_?.arguments_ ?? []
    // ENV["X"]; ENV.fetch("X", nil) / ENV.fetch("X", false) / ENV.fetch("X") { … }: the variable's value when it is set.
    if (!(c.name === '[]' && args.length === 1) && !(c.name === 'fetch' && args.length >= 1)) return undefined
    return args[0] instanceof P.StringNode ? args[0].unescaped.value : undefined
  }

  const visit = (node: RubyNode): void => {
    const predicate = node instanceof P.IfNode || node instanceof P.UnlessNode ? node.predicate : node instanceof P.AndNode || node instanceof P.OrNode ? node.left : undefined
    const name = envRead(predicate)
    const set = name === undefined ? undefined : env.get(name)
    if (name !== undefined && set && set.unknown === undefined && OFF_LOOKING.test(set.value)) {
      const line = parsed.lineOf(predicate!.location.startOffset)
      const key = `${name}:${line}`
      if (!seen.has(key)) {
        seen.add(key)
        const text = parsed.textOf(node).split('\n')[0].trim()
        const shown = text.length > 70 ? `${text.slice(0, 67)}...` : text
        out.push({
          code: 'env-string-truthy',
          file,
          fix: `to turn it off, unset ${name} (a value of "false" is still set), or test the value itself: \`ENV["${name}"] == "true"\``,
          line,
          message: `\`${shown}\`: ${name} is ${JSON.stringify(set.value)}, which Ruby takes as true (every String is, "false" and "" too; only nil and false are not), so ${node instanceof P.UnlessNode ? 'the `unless` branch does not run' : node instanceof P.OrNode ? 'what follows `||` does not run' : 'the branch runs'}; conncalc counts it as Ruby runs it`,
          severity: 'warning',
        })
      }
    }

    for (const child of node.compactChildNodes()) visit(child)
  }

  visit(parsed.program)
  return out
}

/** What the message of a config handed to other code says (servers star the defaults they then use). */
export const HANDED_TO_CODE = 'hands this config to code conncalc cannot read'

/**
 * Calls that hand the config object itself to other code (`GovukPuma.configure_rails(self)`,
 * as every GOV.UK app's config/puma.rb does): whatever that code sets is invisible here.
 * Inside a `def`, `class`, `module` or `class << x` body `self` is that method's receiver or
 * that class, not the config (an initializer defining a controller method that calls
 * `authorize(self, …)`): those bodies are not searched.
 */
function delegations(parsed: ParsedRuby, file: string): Diagnostic[] {
  const P = parsed.prism
  const out: Diagnostic[] = []
  // The library the receiver comes from, when the file requires one named after it (`require "govuk_app_config/govuk_unicorn"`
  // for GovukUnicorn): a gem's code, which conncalc does not read, and says so.
  const requires = parsed.program.statements.body.flatMap((n) => {
    const arg = n instanceof P.CallNode && n.name === 'require' && !n.receiver ? n.arguments_?.arguments_[0] : undefined
    return arg instanceof P.StringNode && !arg.unescaped.value.startsWith('.') ? [{line: parsed.lineOf(n.location.startOffset), path: arg.unescaped.value}] : []
  })
  const snake = (c: string): string => c.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()
  const libraryOf = (receiver: RubyNode | null | undefined): string => {
    if (!(receiver instanceof P.ConstantReadNode || receiver instanceof P.ConstantPathNode)) return ''
    const name = snake(parsed.textOf(receiver).split('::').at(-1) ?? '')
    const r = requires.find((q) => q.path.split('/').at(-1) === name || q.path === name)
    return r ? ` (from \`require "${r.path}"\` at ${file}:${r.line}, the ${r.path.split('/')[0]} gem's code)` : ''
  }

  const visit = (node: RubyNode): void => {
    if (node instanceof P.DefNode || node instanceof P.ClassNode || node instanceof P.ModuleNode || node instanceof P.SingletonClassNode) return
    if (node instanceof P.CallNode && (node.arguments_?.arguments_ ?? []).some((a) => a instanceof P.SelfNode)) {
      const text = parsed.textOf(node).replaceAll(/\s+/g, ' ')
      out.push({
        code: 'unknown-config-value',
        file,
        fix: 'write the settings that decide connections (workers, threads, pool) in this file, or pass them with --env',
        line: parsed.lineOf(node.location.startOffset),
        message: `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\` ${HANDED_TO_CODE}${libraryOf(node.receiver)}; whatever it sets (workers, threads, preloading, hooks) is not seen, and the defaults are used instead`,
        severity: 'warning',
      })
    }

    for (const child of node.compactChildNodes()) visit(child)
  }

  visit(parsed.program)
  return out
}

// `spawn(…)`, `Process.spawn(…)`, `fork { … }`: a process started beside the server, with its own connections.
const LAUNCHES = new Set(['fork', 'spawn'])
const LAUNCH_RECEIVERS = new Set(['Kernel', 'Process'])

/** Does `node` read a local variable (or call a bare method that may be one)? */
function hasLocalRead(parsed: ParsedRuby, node: RubyNode): boolean {
  const P = parsed.prism
  if (node instanceof P.LocalVariableReadNode || (node instanceof P.CallNode && node.isVariableCall())) return true
  return node.compactChildNodes().some((c) => hasLocalRead(parsed, c))
}

/**
 * Processes a config file starts on its own (Huginn's unicorn.rb spawns a job runner): conncalc cannot count them.
 * An `if`/`unless` (or a modifier, `&&`, `||`) whose condition `decide` answers takes only the branch that runs: a launch
 * in the other is no launch, one in it is not conditional.
 */
function launches(parsed: ParsedRuby, file: string, launched: ConfigLaunch[], decide: (n: RubyNode) => boolean | undefined = () => undefined): Diagnostic[] {
  const P = parsed.prism
  const out: Diagnostic[] = []
  const plain = (node: RubyNode): boolean => {
    const r = (node as CallNode).receiver
    return !r || (r instanceof P.ConstantReadNode && LAUNCH_RECEIVERS.has(r.name))
  }

  // The file's top-level `name = value` writes (the last of each): what a local read in a launch stands for.
  const locals = new Map<string, RubyNode>()
  for (const st of parsed.program.statements.body) if (st instanceof P.LocalVariableWriteNode) locals.set(st.name, st.value)
  const localValue = (n: RubyNode): RubyNode | undefined => (n instanceof P.LocalVariableReadNode ? locals.get(n.name) : undefined)
  /** The words of a string array literal (`%w[bundle exec rails runner x.rb]`, `["a", "b"]`). */
  const wordsOf = (n: RubyNode | undefined): string[] | undefined =>
    n instanceof P.ArrayNode && n.elements.every((e) => e instanceof P.StringNode) ? n.elements.map((e) => (e as StringNode).unescaped.value) : undefined

  /**
   * The command of `spawn "cmd"` / `exec "cmd"` (an env hash first allowed, written or a top-level local holding one):
   * one string is a shell line; several words (`spawn("cmd", "arg")`, `spawn(env, *words)` with `words` a top-level
   * local array of strings) run the program without a shell, written here as a shell line of those words.
   */
  const commandOf = (node: CallNode): string | undefined => {
    if (node.block) return undefined
    const all = node.arguments_?.arguments_ ?? []
    const args = all.filter((a, i) => !(a instanceof P.HashNode || a instanceof P.KeywordHashNode || (i === 0 && localValue(a) instanceof P.HashNode)))
    if (args.length === 1 && args[0] instanceof P.StringNode) return args[0].unescaped.value
    const words: string[] = []
    for (const a of args) {
      if (a instanceof P.StringNode) words.push(a.unescaped.value)
      else if (a instanceof P.SplatNode && a.expression && wordsOf(localValue(a.expression))) words.push(...wordsOf(localValue(a.expression))!)
      else return undefined
    }

    return words.length > 0 ? words.map((w) => (/^[\w./:=@%+,-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' ') : undefined
  }

  /**
   * `unless pid … pid = spawn(…) … end` (or `if pid.nil?`, `if !pid`): a supervisor that starts the process only when
   * none runs, so one copy at a time, not a launch under a condition it may not meet. The variable it tests.
   */
  const guardedVar = (node: RubyNode): string | undefined => {
    const name = (n: RubyNode | null | undefined): string | undefined => (n instanceof P.LocalVariableReadNode || n instanceof P.InstanceVariableReadNode || n instanceof P.GlobalVariableReadNode ? n.name : undefined)
    if (node instanceof P.UnlessNode && !node.elseClause) return name(node.predicate)
    if (node instanceof P.IfNode && !node.subsequent && node.predicate instanceof P.CallNode && ['nil?', '!'].includes(node.predicate.name) && !node.predicate.arguments_) return name(node.predicate.receiver)
    return undefined
  }

  const assignsSpawn = (node: RubyNode, v: string): boolean => {
    const writes = node instanceof P.LocalVariableWriteNode || node instanceof P.InstanceVariableWriteNode || node instanceof P.GlobalVariableWriteNode
    if (writes && (node as {name: string}).name === v && node.value instanceof P.CallNode && LAUNCHES.has(node.value.name)) return true
    return node.compactChildNodes().some((c) => assignsSpawn(c, v))
  }

  /** `fork { exec "cmd" }` / `fork do … exec("cmd") end`: the child becomes `cmd` (Kernel#exec replaces the process). */
  const forkedExec = (node: CallNode): string | undefined => {
    const body = node.block instanceof P.BlockNode && node.block.body instanceof P.StatementsNode ? node.block.body.body : []
    const last = body.at(-1)
    return last instanceof P.CallNode && last.name === 'exec' && plain(last) ? commandOf(last) : undefined
  }

  // The top-level block a node sits in (`on_worker_boot do … end`): undefined at the top level itself.
  const visit = (node: RubyNode, hook?: string, once?: boolean, conditional?: boolean): void => {
    if (node instanceof P.CallNode && LAUNCHES.has(node.name)) {
      if (plain(node)) {
        const text = parsed.textOf(node).replaceAll(/\s+/g, ' ')
        const line = parsed.lineOf(node.location.startOffset)
        const command = node.name === 'spawn' ? commandOf(node) : forkedExec(node)
        launched.push({...(command ? {command} : {}), ...(node.name === 'fork' ? {forked: true} : {}), ...(hook ? {hook} : {}), line, ...(once ? {once} : {}), ...(conditional ? {conditional} : {})})
        out.push({
          code: 'unknown-config-value',
          file,
          fix: 'give that process its own Procfile line so it is counted, or keep room for it with --reserve N',
          line,
          message: `\`${text.length > 60 ? `${text.slice(0, 57)}...` : text}\` starts another process in every dyno of this type; conncalc does not count its connections`,
          severity: 'warning',
        })
      }
    }

    const inHook = hook ?? (node instanceof P.CallNode && !node.receiver && node.block instanceof P.BlockNode && topLevel.has(node) ? node.name : undefined)
    // A condition conncalc can decide: only the branch that runs is walked, and it is not conditional.
    const decided = node instanceof P.IfNode || node instanceof P.UnlessNode || node instanceof P.AndNode || node instanceof P.OrNode ? decideSafely(node instanceof P.AndNode || node instanceof P.OrNode ? node.left : node.predicate) : undefined
    if (decided !== undefined) {
      if (node instanceof P.AndNode || node instanceof P.OrNode) {
        visit(node.left, inHook, once, conditional)
        if (decided === node instanceof P.AndNode) visit(node.right, inHook, once, conditional)
        return
      }

      const runs = node instanceof P.IfNode ? (decided ? node.statements : node.subsequent) : node instanceof P.UnlessNode ? (decided ? node.elseClause : node.statements) : undefined
      if (runs) visit(runs, inHook, once, conditional)
      return
    }

    const guard = guardedVar(node)
    if (guard !== undefined) {
      const body = node instanceof P.UnlessNode ? node.statements : (node as IfNode).statements
      if (body && assignsSpawn(body, guard)) {
        visit(body, inHook, true, conditional)
        return
      }
    }

    const orWrite =
      node instanceof P.InstanceVariableOrWriteNode || node instanceof P.LocalVariableOrWriteNode || node instanceof P.GlobalVariableOrWriteNode || node instanceof P.ClassVariableOrWriteNode
    const branch = node instanceof P.IfNode || node instanceof P.UnlessNode || node instanceof P.CaseNode || node instanceof P.AndNode || node instanceof P.OrNode
    for (const child of node.compactChildNodes()) visit(child, inHook, once || orWrite, conditional || branch)
  }

  const decideSafely = (n: RubyNode): boolean | undefined => {
    try {
      return decide(n)
    } catch (error) {
      if (!isExhaustion(error)) throw error
      return undefined
    }
  }

  const topLevel = new Set<RubyNode>(parsed.program.statements.body)
  visit(parsed.program)
  return out
}

/**
 * Evaluate a Ruby snippet (an ERB tag's code) for its value. Assignments land
 * in `opts.scope`, so later tags of the same file see earlier `<% x = … %>`.
 */
export async function evaluateRubySnippet(
  code: string,
  opts: EvalOptions,
): Promise<{diagnostics: Diagnostic[]; value: EvalValue}> {
  const firstLine = opts.firstLine ?? 1
  const parsed = await parseRuby(`${opts.file}#ruby`, code, [...(opts.scope?.keys() ?? [])])
  if (parsed.errors.length > 0) {
    const d = parseDiagnostic(opts.file, parsed, firstLine)
    return {diagnostics: [d], value: {kind: 'unknown', line: d.line!, reason: `\`${code.trim()}\` is not valid Ruby`}}
  }

  const ev = new Evaluator(parsed, {...opts, firstLine, scope: opts.scope ?? newScope()})
  const P = parsed.prism
  // Methods defined beside the expression (app-constants.ts: a module's helpers): calls to them run their bodies.
  const defs = parsed.program.statements.body.filter((s): s is InstanceType<typeof P.DefNode> => s instanceof P.DefNode && (!s.receiver || s.receiver instanceof P.SelfNode))
  if (defs.length > 0) ev.defs = new Map(defs.map((d) => [d.name, d]))
  let value: EvalValue = {kind: 'known', line: firstLine, value: null, via: []}
  try {
    for (const s of parsed.program.statements.body) if (!(s instanceof P.DefNode)) value = ev.ev(s)
  } catch (error) {
    if (!isExhaustion(error)) throw error
    return {diagnostics: [], value: {kind: 'unknown', line: firstLine, reason: `\`${code.trim().slice(0, 40)}…\` is ${TOO_DEEP}`}}
  }

  return {diagnostics: [], value}
}

// ---- helpers for analyzers ------------------------------------------------

/** Calls named `name` (optionally with `receiver`), searching block bodies too when `deep`. */
export function findCalls(calls: readonly DslCall[], name: string, deep = false): DslCall[] {
  const out: DslCall[] = []
  for (const c of calls) {
    if (c.name === name) out.push(c)
    if (deep && c.blockBody) append(out, findCalls(c.blockBody, name, true))
  }

  return out
}

/** The last top-level call of a setting: later calls override earlier ones in every Ruby config DSL. */
export function lastCall(config: RubyConfig, ...names: string[]): DslCall | undefined {
  return config.calls.findLast((c) => names.includes(c.name) && c.receiver === undefined)
}

/** A numeric (or numeric-string) value as an integer, the way Integer() would read it. */
export function asInteger(v: EvalValue): number | undefined {
  if (v.kind !== 'known') return undefined
  if (typeof v.value === 'number') return Number.isInteger(v.value) ? v.value : undefined
  if (typeof v.value === 'string') return strictInteger(v.value)
  return undefined
}

export {isHash, isSymbol, truthy}
