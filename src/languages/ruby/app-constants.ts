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
 *   and pliny's config DSL (`extend Pliny::CastingConfigHelpers`: `override :x, 16, int` is
 *   ENV.fetch("X", 16) cast; `optional :x, int` ENV["X"] cast; `mandatory :x` ENV.fetch("X");
 *   interagent/pliny lib/pliny/config_helpers.rb).
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
const NOT_APP = /^(?:ENV|Integer|Float|String|Array|Hash|File|Dir|Etc|Concurrent|Rails|ActiveRecord|ActiveSupport|Sidekiq|Sequel|Puma|Process|Thread|Kernel|Object|Gem|Bundler|RbConfig|Time|Date|JSON|YAML|URI|Logger|STDOUT|STDERR|GoodJob|SolidQueue|Que|Resque|Delayed|Unicorn|Rack|Sinatra|Hanami|Roda)(?:::|$)/

/** The Ruby an empty method body stands for. */
const NIL = 'nil'

/** A method's Ruby expression and where it is written. */
interface Definition {
  code: string
  file: string
  line: number
}

const underscore = (s: string): string => s.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()

/** Files that may define `constant`, most likely first. */
function candidateFiles(ctx: AnalyzerContext, constant: string, configPath: string, configText: string): string[] {
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
  return out.filter((p) => ctx.files.exists(p))
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
  const define = (d: RubyNode, onSelf: boolean): void => {
    if (!(d instanceof P.DefNode) || d.parameters || (onSelf ? !(d.receiver instanceof P.SelfNode) : d.receiver)) return
    const body = statements(d.body)
    if (body.length === 1) out.set(d.name, {code: parsed.textOf(body[0]), file: path, line: lineOf(body[0])})
    // An empty body (`def self.archive_url; end`, a setting left for a local config to fill in) returns nil.
    else if (body.length === 0) out.set(d.name, {code: NIL, file: path, line: lineOf(d)})
  }

  const pliny = /Pliny::CastingConfigHelpers/.test(text)
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
 * `Const.method` → its value, for the app-constant calls `text` makes that conncalc can read.
 * Empty (and nothing parsed) when the text calls none.
 */
export async function appConstantCalls(ctx: AnalyzerContext, file: {path: string; text: string}, appEnv: string): Promise<Map<string, Sourced<RubyValue>>> {
  const out = new Map<string, Sourced<RubyValue>>()
  const wanted = new Map<string, Set<string>>()
  for (const m of file.text.matchAll(CALL)) {
    if (NOT_APP.test(m[1])) continue
    if (!wanted.has(m[1])) wanted.set(m[1], new Set())
    wanted.get(m[1])!.add(m[2])
    if (wanted.size > 8) break
  }

  if (wanted.size === 0) return out
  const {evaluateRubySnippet} = await import('./evaluate.js')
  for (const [constant, methods] of wanted) {
    for (const path of candidateFiles(ctx, constant, file.path, file.text)) {
      const defs = await definitionsIn(ctx, path, constant)
      for (const method of methods) {
        const d = defs.get(method)
        if (!d || out.has(`${constant}.${method}`)) continue
        const v = (await evaluateRubySnippet(d.code, {appEnv, env: ctx.env, file: d.file, firstLine: d.line})).value
        if (v.kind === 'known' && !(v.missingEnv && v.missingEnv.length > 0 && v.value === null)) {
          out.set(`${constant}.${method}`, sourced(v.value, fromFile(d.file, d.line), v.via.length > 0 ? v.via : undefined))
        }
      }

      if ([...methods].every((m) => out.has(`${constant}.${m}`))) break
    }
  }

  return out
}
