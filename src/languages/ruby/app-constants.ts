/**
 * Class methods of the app's own constants that a config file calls with no arguments
 * (`threads Config.puma_min_threads, Config.puma_max_threads` in config/puma.rb,
 * `Sequel.connect(url, max_connections: AppSettings.db_pool)`), read as Ruby would find them:
 *
 * - where the constant is defined: a file the config requires (`require "./config/config"`,
 *   `require_relative "settings"`), else the file Zeitwerk would autoload it from
 *   (`AppSettings` → app/<any>/app_settings.rb, lib/app_settings.rb; `Acme::Settings` →
 *   …/acme/settings.rb), else config/<name>.rb;
 * - what the method returns: a one-expression `def self.x` (or `def x` inside `class << self`), nil for an empty one,
 *   and pliny's config DSL (`extend Pliny::CastingConfigHelpers`, or the app's own copy of it, `extend
 *   CastingConfigHelpers`: `override :x, 16, int` is ENV.fetch("X", 16) cast; `optional :x, int` ENV["X"] cast;
 *   `mandatory :x` ENV.fetch("X"); interagent/pliny lib/pliny/config_helpers.rb);
 * - Appydays' settings (`include Appydays::Configurable; configurable(:db) do setting :pool, 10 end`: the env var
 *   DB_POOL, or `key:`, coerced to the default's type, else the default; then each `after_configured` block's
 *   `self.pool = …` / `self.pool += …` in turn; lithictech/appydays lib/appydays/configurable.rb `setting`,
 *   `_converter`, `_run_after_configured`);
 * - a constant of the module (`Config::DB_POOL` where the module says `DB_POOL = ENV.fetch("DB_POOL", 10).to_i`).
 *
 * A definition may use the module's other settings and methods (`override :db_pool_web, Config.db_pool, int`,
 * `self.max_connections = ENV.fetch("X", "4").to_i + self.extra`): they are read first, the same way.
 *
 * Each value is evaluated with the type's environment and sourced at the line that defines it.
 * A method conncalc cannot read stays unknown, as before, naming the call.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {RubyValue} from './evaluate.js'

import {fromFile, type Sourced, sourced} from '../../model/source.js'
import {parseRuby, type RubyNode} from './prism.js'

// `Const.method` with no argument list after it; Ruby's and the frameworks' own constants are not the app's.
const CALL = /(?<![\w:.])((?:[A-Z]\w*::)*[A-Z]\w*)\.([a-z_]\w*)(?![\w(?!=]|[ \t]*[("'\w:[{])/g
// `Config::DB_POOL`: a constant (all capitals) of the app's module.
const CONSTANT = /(?<![\w:.])((?:[A-Z]\w*::)*[A-Z]\w*)::([A-Z][A-Z0-9_]*)(?![\w(:])/g
const NOT_APP = /^(?:ENV|Integer|Float|String|Array|Hash|File|Dir|Etc|Concurrent|Rails|ActiveRecord|ActiveSupport|Sidekiq|Sequel|Puma|Process|Thread|Kernel|Object|Gem|Bundler|RbConfig|Time|Date|JSON|YAML|URI|Logger|STDOUT|STDERR|GoodJob|SolidQueue|Que|Resque|Delayed|Unicorn|Rack|Sinatra|Hanami|Roda)(?:::|$)/

/** The Ruby an empty method body stands for. */
const NIL = 'nil'

/** A method's Ruby expression and where it is written. */
interface Definition {
  code: string
  file: string
  line: number
  /** Appydays `after_configured` assignments to the same setting, in order: `=` replaces, `+=` (…) applies to the value so far. */
  after?: {code: string; line: number; op: string}[]
  /**
   * The module's other methods (any body, any parameters: `def database_url_or_fallback(var) … val || yield end`), each
   * at the line it starts: evaluated beside the definition's expression, so that a call to one runs its body.
   */
  helpers?: {code: string; line: number; name: string}[]
}

const underscore = (s: string): string => s.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()

// Candidate files by the app's file reader, then constant, config path and text: the same for every process type.
const candidates = new WeakMap<AnalyzerContext['files'], Map<string, Map<string, string[]>>>()

/** Files that may define `constant`, most likely first. */
function candidateFiles(ctx: AnalyzerContext, constant: string, configPath: string, configText: string): string[] {
  let byText = candidates.get(ctx.files)
  if (!byText) candidates.set(ctx.files, (byText = new Map()))
  // By the config's text first: the same string each time (read once), whose hash V8 keeps, not a new key with the text
  // in it to hash per call (every process type loads config/puma.rb).
  let byKey = byText.get(configText)
  if (!byKey) {
    if (byText.size >= CACHE_MAX) byText.clear()
    byText.set(configText, (byKey = new Map()))
  }

  const key = `${constant}\0${configPath}`
  const known = byKey.get(key)
  if (known) return known
  const out: string[] = []
  const dir = configPath.includes('/') ? configPath.slice(0, configPath.lastIndexOf('/')) : ''
  for (const m of configText.matchAll(/^\s*require(_relative)?\s*\(?\s*["']([^"'#]+)["']/gm)) {
    const [, relative, target] = m
    const base = relative ? `${dir ? `${dir}/` : ''}${target}` : target.startsWith('.') ? target : undefined
    if (base === undefined) continue
    const parts: string[] = []
    for (const p of base.split('/')) {
      if (p === '' || p === '.') continue
      if (p === '..') parts.pop()
      else parts.push(p)
    }

    out.push(`${parts.join('/')}${parts.at(-1)?.endsWith('.rb') ? '' : '.rb'}`)
  }

  const rel = `${constant.split('::').map(underscore).join('/')}.rb`
  for (const d of ctx.files.folders('app')) out.push(`app/${d}/${rel}`)
  out.push(`lib/${rel}`, `config/${rel}`)
  const found = out.filter((p) => ctx.files.exists(p))
  if (byKey.size >= CACHE_MAX) byKey.clear()
  byKey.set(key, found)
  return found
}

// Definitions by file text and constant: every process type that loads the config asks again.
const cache = new Map<string, Map<string, Definition>>()
const CACHE_MAX = 256

async function definitionsIn(ctx: AnalyzerContext, path: string, constant: string): Promise<Map<string, Definition>> {
  const text = ctx.files.read(path)?.text
  if (!text) return new Map()
  const key = `${path}\0${constant}\0${text}`
  const known = cache.get(key)
  if (known) return known
  const found = await readDefinitions(path, text, constant)
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(key, found)
  return found
}

/** The one-expression class methods and pliny config settings of `constant`'s module or class body in `path`. */
async function readDefinitions(path: string, text: string, constant: string): Promise<Map<string, Definition>> {
  const out = new Map<string, Definition>()
  const last = constant.split('::').at(-1)!
  if (!new RegExp(`\\b(?:module|class)\\s+(?:\\w+::)*${last}\\b`).test(text)) return out
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) return out
  const P = parsed.prism
  const statements = (n: RubyNode | null | undefined): readonly RubyNode[] => (n instanceof P.StatementsNode ? n.body : n ? [n] : [])
  const lineOf = (n: RubyNode): number => parsed.lineOf(n.location.startOffset)
  const methods: {code: string; line: number; name: string}[] = []
  const define = (d: RubyNode, onSelf: boolean): void => {
    if (!(d instanceof P.DefNode) || (onSelf ? !(d.receiver instanceof P.SelfNode) : d.receiver)) return
    methods.push({code: parsed.textOf(d), line: lineOf(d), name: d.name})
    if (d.parameters) return
    const body = statements(d.body)
    if (body.length === 1) out.set(d.name, {code: parsed.textOf(body[0]), file: path, helpers: methods, line: lineOf(body[0])})
    // An empty body (`def self.archive_url; end`, a setting left for a local config to fill in) returns nil.
    else if (body.length === 0) out.set(d.name, {code: NIL, file: path, line: lineOf(d)})
  }

  const pliny = /Pliny::CastingConfigHelpers|\bextend\s+(?:::)?(?:\w+::)*CastingConfigHelpers\b/.test(text)
  const appydays = /Appydays::Configurable/.test(text)
  const lit = (n: RubyNode | undefined): string | undefined => (n ? parsed.textOf(n) : undefined)
  /** Appydays' `setting :name, default[, key: "ENV"]`. */
  const setting = (c: RubyNode, group: string | undefined): void => {
    if (!(c instanceof P.CallNode) || c.receiver || c.name !== 'setting' || c.block) return
    const args = c.arguments_?.arguments_ ?? []
    const name = args[0] instanceof P.SymbolNode ? args[0].unescaped.value : undefined
    if (!name) return
    const kw = args.at(-1) instanceof P.KeywordHashNode ? (args.at(-1) as InstanceType<typeof P.KeywordHashNode>) : undefined
    const option = (key: string): RubyNode | undefined => kw?.elements.find((e): e is InstanceType<typeof P.AssocNode> => e instanceof P.AssocNode && e.key instanceof P.SymbolNode && e.key.unescaped.value === key)?.value
    if (!appydays || group === undefined || option('convert') || option('side_effect')) return
    const positional = args[1] instanceof P.KeywordHashNode ? undefined : args[1]
    const key = option('key')
    const envKey = key === undefined ? JSON.stringify(`${group}_${name}`.toUpperCase()) : key instanceof P.StringNode ? lit(key) : undefined
    if (envKey === undefined || positional === undefined) return
    const d = lit(positional)!
    // `_converter`: the env value coerced to the default's type (Integer to_i, Float to_f, Symbol to_sym, String/nil as is).
    const code = positional instanceof P.IntegerNode ? `ENV.fetch(${envKey}, ${d}).to_i`
      : positional instanceof P.FloatNode ? `ENV.fetch(${envKey}, ${d}).to_f`
      : positional instanceof P.StringNode || positional instanceof P.NilNode ? `ENV.fetch(${envKey}, ${d})`
      : positional instanceof P.SymbolNode ? `ENV.fetch(${envKey}, ${JSON.stringify(positional.unescaped.value)}).to_sym`
      : positional instanceof P.TrueNode || positional instanceof P.FalseNode ? `ENV.fetch(${envKey}, ${JSON.stringify(d)}).downcase == "true"`
      : undefined
    if (code) out.set(name, {code, file: path, line: lineOf(c)})
  }

  /** An Appydays `after_configured` block: its `self.x = …` and `self.x += …` statements, in order, on the settings read so far. */
  const afterConfigured = (c: RubyNode): void => {
    if (!(c instanceof P.CallNode) || c.receiver || c.name !== 'after_configured' || !(c.block instanceof P.BlockNode)) return
    for (const st of statements(c.block.body)) {
      const step = st instanceof P.CallNode && st.receiver instanceof P.SelfNode && st.name.endsWith('=') && st.name !== '==' && (st.arguments_?.arguments_.length ?? 0) === 1
        ? {name: st.name.slice(0, -1), node: st.arguments_!.arguments_[0], op: '='}
        : st instanceof P.CallOperatorWriteNode && st.receiver instanceof P.SelfNode
          ? {name: st.readName, node: st.value, op: st.binaryOperator}
          : undefined
      const d = step && out.get(step.name)
      if (!step || !d) continue
      d.after = [...(d.after ?? []), {code: parsed.textOf(step.node), line: lineOf(step.node), op: step.op}]
    }
  }

  /** `DB_POOL = ENV.fetch("DB_POOL", 10).to_i` in the module's body: `Config::DB_POOL`. */
  const constantWrite = (c: RubyNode): void => {
    if (c instanceof P.ConstantWriteNode) out.set(`::${c.name}`, {code: parsed.textOf(c.value), file: path, line: lineOf(c)})
  }
  const plinySetting = (c: RubyNode): void => {
    if (!pliny || !(c instanceof P.CallNode) || c.receiver || !['mandatory', 'optional', 'override'].includes(c.name)) return
    const args = c.arguments_?.arguments_ ?? []
    const name = args[0] instanceof P.SymbolNode ? args[0].unescaped.value : undefined
    if (!name) return
    const castNode = args[c.name === 'override' ? 2 : 1]
    const cast = castNode instanceof P.CallNode && !castNode.receiver ? castNode.name : undefined
    const key = JSON.stringify(name.toUpperCase())
    const read = c.name === 'override' ? `ENV.fetch(${key}, ${args[1] ? parsed.textOf(args[1]) : 'nil'})` : c.name === 'optional' ? `ENV[${key}]` : `ENV.fetch(${key})`
    const code = cast === 'int' ? `${read}.to_i` : cast === 'float' ? `${read}.to_f` : cast === undefined || cast === 'string' ? read : undefined
    if (code) out.set(name, {code, file: path, line: lineOf(c)})
  }

  const walk = (nodes: readonly RubyNode[]): void => {
    for (const n of nodes) {
      if (n instanceof P.ModuleNode || n instanceof P.ClassNode) {
        const name = parsed.textOf(n.constantPath).replace(/^::/, '')
        if (name === last || name === constant || constant.endsWith(`::${name}`)) {
          for (const s of statements(n.body)) {
            if (s instanceof P.SingletonClassNode && s.expression instanceof P.SelfNode) for (const d of statements(s.body)) define(d, false)
            else {
              define(s, true)
              plinySetting(s)
              constantWrite(s)
              setting(s, undefined)
              // Appydays: `configurable(:group) do setting …; after_configured do … end end`.
              if (appydays && s instanceof P.CallNode && !s.receiver && s.name === 'configurable' && s.block instanceof P.BlockNode) {
                const g = s.arguments_?.arguments_[0]
                const group = g instanceof P.SymbolNode ? g.unescaped.value : g instanceof P.StringNode ? g.unescaped.value : undefined
                for (const b of statements(s.block.body)) setting(b, group)
                for (const b of statements(s.block.body)) afterConfigured(b)
              }
            }
          }
        } else walk(statements(n.body))
      }
    }
  }

  walk(parsed.program.statements.body)
  return out
}

/**
 * The expression with the module's other methods it may call, each at its own line of the file (blank lines between),
 * so that values read in them are sourced where they are written: undefined when it names none of them.
 */
function withHelpers(code: string, line: number, own: string, helpers: Definition['helpers']): string | undefined {
  const called = (helpers ?? []).filter((h) => h.name !== own && new RegExp(`(?<![\\w.:])${h.name.replaceAll(/[?!]/g, '\\$&')}(?![\\w?!])`).test(code))
  if (called.length === 0) return undefined
  // Those helpers may call the module's others in turn: all of them go in (the one being read excepted).
  const pieces = [{code, line}, ...helpers!.filter((h) => h.name !== own)].sort((a, b) => a.line - b.line)
  let text = ''
  let at = 1
  for (const p of pieces) {
    if (p.line < at) continue
    text += '\n'.repeat(p.line - at) + p.code
    at = p.line + p.code.split('\n').length - 1
  }

  return text
}

// The app-constant calls of a text, by text: every process type that loads the same config file asks again (a Procfile
// of many types beside one config/puma.rb scanned it once per type: 1.1 of 19 s for 30,000 types).
const scans = new Map<string, ReadonlyMap<string, ReadonlySet<string>>>()

/** The app constants `text` calls (`Config.db_pool`, `Config::DB_POOL`, keyed `::DB_POOL`), with the methods called on each; at most 9. */
function constantCallsIn(text: string): ReadonlyMap<string, ReadonlySet<string>> {
  const known = scans.get(text)
  if (known) return known
  const wanted = new Map<string, Set<string>>()
  const want = (constant: string, method: string): boolean => {
    if (NOT_APP.test(constant)) return true
    if (!wanted.has(constant)) wanted.set(constant, new Set())
    wanted.get(constant)!.add(method)
    return wanted.size <= 8
  }

  // Comment lines run nothing: `# … https://puma.io/puma/Puma/DSL.html` in Rails' puma.rb is no call of `DSL.html`.
  const code = text.includes('#') ? text.replaceAll(/^[ \t]*#.*$/gm, '') : text
  for (const m of code.matchAll(CALL)) if (!want(m[1], m[2])) break
  // `Config::DB_POOL` is keyed `::DB_POOL` among the module's definitions.
  if (code.includes('::')) for (const m of code.matchAll(CONSTANT)) if (!want(m[1], `::${m[2]}`)) break
  if (scans.size >= CACHE_MAX) scans.clear()
  scans.set(text, wanted)
  return wanted
}

/**
 * `Const.method` → its value, for the app-constant calls `text` makes that conncalc can read.
 * Empty (and nothing parsed) when the text calls none.
 */
export async function appConstantCalls(ctx: AnalyzerContext, file: {path: string; text: string}, appEnv: string): Promise<Map<string, Sourced<RubyValue>>> {
  const out = new Map<string, Sourced<RubyValue>>()
  const wanted = constantCallsIn(file.text)
  if (wanted.size === 0) return out
  const {evaluateRubySnippet} = await import('./evaluate.js')
  const keyOf = (constant: string, method: string): string => (method.startsWith('::') ? `${constant}${method}` : `${constant}.${method}`)
  for (const [constant, methods] of wanted) {
    for (const path of candidateFiles(ctx, constant, file.path, file.text)) {
      const defs = await definitionsIn(ctx, path, constant)
      if (defs.size === 0) continue
      // Each definition is read once, after the ones it names (`Config.db_pool`, `self.extra`, `DB_POOL`); a cycle is unknown.
      const values = new Map<string, Sourced<RubyValue> | null>()
      const valueOf = async (method: string): Promise<Sourced<RubyValue> | undefined> => {
        if (values.has(method)) return values.get(method) ?? undefined
        values.set(method, null)
        const d = defs.get(method)
        if (!d) return undefined
        const known = new Map<string, Sourced<RubyValue>>()
        const prepare = async (code: string): Promise<string> => {
          const text = code.replaceAll(/\bself\./g, `${constant}.`)
          for (const m of text.matchAll(/(?<![\w:.])((?:[A-Z]\w*::)*[A-Z]\w*)(\.[a-z_]\w*|::[A-Z][A-Z0-9_]*)?(?![\w(])/g)) {
            // `DB_POOL` (a sibling constant), `Config::DB_POOL`, `Config.db_pool`, `self.db_pool` (rewritten above).
            const path = m[2] === undefined ? m[1].split('::') : []
            const [owner, name] = m[2] !== undefined ? [m[1], m[2].startsWith('::') ? m[2] : m[2].slice(1)] : path.length > 1 ? [path.slice(0, -1).join('::'), `::${path.at(-1)}`] : [constant, `::${m[1]}`]
            const own = (owner === constant || constant.endsWith(`::${owner}`)) && defs.has(name)
            if (!own || name === method) continue
            const v = await valueOf(name)
            if (v) known.set(m[2] === undefined ? m[1] : `${m[1]}${m[2]}`, v)
          }

          return text
        }

        const evaluate = async (code: string, line: number): Promise<undefined | {value: RubyValue; via: Sourced<RubyValue>['via']}> => {
          const prepared = await prepare(code)
          const within = withHelpers(prepared, line, method, d.helpers)
          const v = (await evaluateRubySnippet(within ?? prepared, {appEnv, env: ctx.env, file: d.file, firstLine: within ? 1 : line, ...(known.size > 0 ? {knownCalls: known} : {})})).value
          if (v.kind !== 'known' || (v.missingEnv && v.missingEnv.length > 0 && v.value === null)) return undefined
          return {value: v.value, via: v.via}
        }

        let v = await evaluate(d.code, d.line)
        let at = d.line
        for (const step of d.after ?? []) {
          if (!v) break
          const current = sourced(v.value, fromFile(d.file, at), v.via && v.via.length > 0 ? v.via : undefined)
          // The setting's value so far (`self.pool = cond ? 12 : self.pool`, `self.pool += self.spare`).
          known.set(`${constant}.${method}`, current)
          v = await evaluate(step.op === '=' ? step.code : `${constant}.${method} ${step.op} (${step.code})`, step.line)
          at = step.line
        }

        const result = v ? sourced(v.value, fromFile(d.file, at), v.via && v.via.length > 0 ? v.via : undefined) : undefined
        values.set(method, result ?? null)
        return result
      }

      for (const method of methods) {
        if (out.has(keyOf(constant, method))) continue
        const v = await valueOf(method)
        if (v) out.set(keyOf(constant, method), v)
      }

      if ([...methods].every((m) => out.has(keyOf(constant, m)))) break
    }
  }

  return out
}

/**
 * The value a class method of the app's constant puts under `key` in the options hash it builds and returns
 * (`def self.connection_options; res = {}; res[:max_connections] ||= Dbutil.max_connections; res; end`, or a hash
 * literal `{max_connections: 10}`): the expression's text, file and line, for a caller that splats the method's hash
 * into a call (`Sequel.connect(url, **Dbutil.connection_options)`). Undefined when no such method or key is found.
 */
export async function appMethodHashValue(ctx: AnalyzerContext, file: {path: string; text: string}, constant: string, method: string, key: string): Promise<{code: string; file: string; line: number} | undefined> {
  for (const path of candidateFiles(ctx, constant, file.path, file.text)) {
    const text = ctx.files.read(path)?.text
    if (!text?.includes(key) || !text.includes(`def self.${method}`)) continue
    const parsed = await parseRuby(path, text)
    if (parsed.errors.length > 0) continue
    const P = parsed.prism
    let def: RubyNode | undefined
    const findDef = (n: RubyNode): void => {
      if (def) return
      if (n instanceof P.DefNode && n.name === method && n.receiver instanceof P.SelfNode) def = n
      else for (const c of n.compactChildNodes()) findDef(c)
    }

    findDef(parsed.program)
    if (!(def instanceof P.DefNode) || !def.body) continue
    let found: {code: string; file: string; line: number} | undefined
    const isKey = (n: RubyNode | undefined): boolean => (n instanceof P.SymbolNode || n instanceof P.StringNode) && n.unescaped.value === key
    const visit = (n: RubyNode): void => {
      if (found) return
      const at = (v: RubyNode): void => {
        found = {code: parsed.textOf(v), file: path, line: parsed.lineOf(v.location.startOffset)}
      }

      // `res[:max_connections] ||= X` (the hash starts empty in the method, so X is what it holds) or `= X`.
      if ((n instanceof P.IndexOrWriteNode || n instanceof P.IndexOperatorWriteNode) && isKey(n.arguments_?.arguments_[0])) return n instanceof P.IndexOrWriteNode ? at(n.value) : undefined
      if (n instanceof P.CallNode && n.name === '[]=' && isKey(n.arguments_?.arguments_[0]) && n.arguments_!.arguments_.length === 2) return at(n.arguments_!.arguments_[1])
      if (n instanceof P.AssocNode && isKey(n.key)) return at(n.value)
      for (const c of n.compactChildNodes()) visit(c)
    }

    visit(def.body)
    if (found) return found
  }

  return undefined
}
