/**
 * Rust code read with tree-sitter-rust (util/tree-sitter.ts; its 1.1 MB grammar is loaded only
 * when a Rust app's .rs files are read). The files are the binary's package's `src/` (its other
 * binaries, `tests` folders and `#[cfg(test)]`/`#[test]` items left out) and the path
 * dependencies it links. Found:
 * - caps: `.max_connections(n)` (sqlx PoolOptions, sea-orm ConnectOptions), `.max_size(n)`
 *   (r2d2/bb8 `Pool::builder()`, deadpool `Pool::builder(manager)`), deadpool's
 *   `PoolConfig::new(n)` and `PoolConfig { max_size: n, .. }`;
 * - opens: `PgPool::connect…`, `PgPoolOptions::new()`, sea-orm `Database::connect`, r2d2/bb8/deadpool
 *   `Pool::builder`/`Pool::new`, deadpool-postgres `create_pool`, and single connections
 *   (`tokio_postgres::connect`, `postgres::Client::connect`, diesel `PgConnection::establish`).
 * A small evaluator reads the values apps write: integer literals, `as` casts, arithmetic,
 * `let` bindings and `const`/`static` items, `std::env::var("X")` (and dotenv's, and helpers named
 * `var_parsed`/`env_var`) with `.parse()`, `.unwrap_or(n)`, `.unwrap_or_else(|_| n)`, `num_cpus::get()`
 * and `available_parallelism()` (the dyno's CPUs), a struct field (`config.pool_size`) from
 * the places the code read sets that field, a call of the app's own free function (its body's value,
 * each parameter the call's argument: `env_or("DB_POOL", 10)`), and a free function's parameter
 * from what its callers in the code read pass (`open(url, 6)` for `size`). Anything else makes that one value unknown, with
 * its file:line. Never runs the code.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'
import type {RocketDatabase} from './rocket.js'

import {entrySources} from '../../model/env.js'
import {fromFile, type Source, type Sourced} from '../../model/source.js'
import {firstSyntaxError, loadGrammar, rememberTree, type TsNode} from '../../util/tree-sitter.js'

const MAX_FILES = 400
// Each expression is one level: a setting read through two env helpers (`env("X", 25)?` → `maybe_env(var)?` → a match →
// `Ok(Some(content.parse::<T>()…?))`) is 14 deep. Calls into a function already being followed stop at once (frames).
const MAX_DEPTH = 32
const POOLED_LIBS = new Set(['bb8', 'deadpool', 'r2d2', 'sea-orm', 'sqlx'])

export type RsLib = 'bb8' | 'deadpool' | 'diesel' | 'postgres' | 'r2d2' | 'sea-orm' | 'sqlx' | 'tokio-postgres'

export type RsValue =
  | {file: string; kind: 'num'; line: number; value: number; via: Source[]}
  | {file: string; kind: 'str'; line: number; value: string; via: Source[]}
  | {file: string; kind: 'absent'; line: number; name: string}
  | {file: string; kind: 'unknown'; line: number; reason: string}

export interface RsSite {
  file: string
  lib: RsLib
  line: number
  /** For a cap: what sets it; undefined for an open. */
  value?: RsValue
  /** A single connection made as a pool's connector (deadpool/diesel-async `custom_setup`, a `ManageConnection` impl), not one of its own. */
  connector?: string
  /** A single connection made in a request handler (`#[get(…)] fn name`) or a function one calls: one per request in flight; names the handler. */
  perRequest?: string
  /** That handler is a plain `fn`, not an `async fn`: a server that runs it on its worker thread serves one at a time per thread. */
  perRequestSync?: boolean
}

/** An actix-web `HttpServer`'s `.workers(n)` call: its value, read where the literal or constant allows. */
export interface RsWorkers {
  file: string
  line: number
  value: RsValue
}

export interface RsCode {
  caps: RsSite[]
  /** Rocket's `#[database("NAME")]` structs (rocket.ts sizes them from Rocket's configuration). */
  rocketDbs: RocketDatabase[]
  diagnostics: Diagnostic[]
  files: string[]
  opens: RsSite[]
  /** Sites inside functions the binary's code never names (another binary's): not in caps or opens. */
  unreached?: RsSite[]
  /** `.workers(n)` on a chain that starts at `HttpServer::new(…)` (actix-web's server). */
  workers: RsWorkers[]
}

interface Parsed {
  path: string
  root: TsNode
  /** The whole file's text, for a root that is part of it (a lazy_static! body). */
  text?: string
}

const TREES = new WeakMap<FileReader, Map<string, {bad?: {line: number; message: string}; macros: TsNode[]; root: TsNode} | null>>()

/**
 * The bodies of `lazy_static! { static ref X: T = …; }` blocks, which tree-sitter keeps as token trees: re-parsed as
 * `static X: T = …;` items (the `ref` blanked), at their own lines, so a pool made in one is read as any other.
 */
function macroBodies(root: TsNode, parse: (text: string) => null | {rootNode: TsNode}): TsNode[] {
  const out: TsNode[] = []
  walk(root, (n) => {
    if (n.type !== 'macro_invocation' || !/^(lazy_static::)?lazy_static$/.test(n.childForFieldName('macro')?.text ?? '')) return
    const body = n.namedChildren.find((c) => c?.type === 'token_tree')
    if (!body || body.text.length < 2) return
    const inner = body.text.slice(1, -1).replaceAll(/\bstatic(\s+)ref\b/g, (m, gap: string) => `static${gap}${' '.repeat(3)}`)
    const tree = parse(`${'\n'.repeat(body.startPosition.row)}${' '.repeat(body.startPosition.column + 1)}${inner}`)
    if (tree) out.push(tree.rootNode)
  })
  return out
}

const isTestAttr = (n: TsNode | null | undefined): boolean => n?.type === 'attribute_item' && /\bcfg\s*\(\s*test\s*\)|^#\[\s*(\w+::)?test\b/.test(n.text)

/** The .rs files under `dir`, recursively, without `tests`/`benches`/`examples` folders and `skip`. */
function rsFiles(files: FileReader, dir: string, skip: (path: string) => boolean, out: string[]): void {
  if (out.length >= MAX_FILES) return
  for (const f of files.list(dir)) {
    const p = `${dir}/${f}`
    if (f.endsWith('.rs') && f !== 'tests.rs' && !skip(p)) out.push(p)
  }

  for (const d of files.folders(dir)) {
    if (['tests', 'benches', 'examples', 'test'].includes(d)) continue
    const p = `${dir}/${d}`
    if (!skip(p)) rsFiles(files, p, skip, out)
  }
}

export interface RustRead {
  /** Folders (src/ of a package) whose .rs files are read. */
  dirs: string[]
  env: Env
  files: FileReader
  /** Files under those folders not to read (the package's other binaries). */
  skip: (path: string) => boolean
  /** Crates in Cargo.lock, to tell whose `Pool::builder` a call is. */
  crates: Set<string>
  nproc?: Sourced<number>
  /** The binary's own file (`src/main.rs`, `src/bin/NAME.rs`): a pool built in a function its code never reaches is not counted. */
  entry?: string
}

/** Walk a tree's nodes, leaving out items under a test attribute. */
function walk(root: TsNode, visit: (n: TsNode) => void): void {
  const stack: TsNode[] = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    visit(n)
    const kids = n.namedChildren.filter((c): c is TsNode => Boolean(c))
    for (let i = kids.length - 1; i >= 0; i--) {
      if (i > 0 && isTestAttr(kids[i - 1]) && kids[i].type !== 'attribute_item') continue
      stack.push(kids[i])
    }
  }
}

/** Whether a node is inside a function's body (not a static, const or macro at module level). */
function insideFunction(n: TsNode): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_item' || p.type === 'closure_expression') return true
  return false
}

const line = (n: TsNode): number => n.startPosition.row + 1
const strOf = (n: TsNode | null | undefined): string | undefined => (n?.type === 'string_literal' ? n.namedChildren.find((c) => c?.type === 'string_content')?.text ?? '' : undefined)
const argsOf = (call: TsNode): TsNode[] => (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is TsNode => Boolean(c) && c!.type !== 'line_comment' && c!.type !== 'block_comment')
/** `a::b::<T>::c` → "a::b::c" (type arguments dropped). */
const pathText = (n: TsNode | null | undefined): string => (n ? n.text.replaceAll(/::<[^>]*>|<[^>]*>/g, '').replaceAll(/\s+/g, '') : '')

/**
 * The names a file's `use` declarations bring in, each to the path it stands for: `use crate::db::open as open_db;` →
 * open_db → [crate, db, open]; `use app::{db::{self, open}, mq};` → db → [app, db], open → [app, db, open], mq → [app, mq].
 */
export function useMap(root: TsNode): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const segs = (n: TsNode | null | undefined): string[] => (n ? pathText(n).split('::').filter(Boolean) : [])
  const visit = (n: TsNode, prefix: string[]): void => {
    if (n.type === 'use_as_clause') {
      const alias = n.childForFieldName('alias')?.text
      if (alias && alias !== '_') out.set(alias, [...prefix, ...segs(n.childForFieldName('path'))])
    } else if (n.type === 'scoped_use_list') {
      const list = n.childForFieldName('list')
      for (const c of list?.namedChildren ?? []) if (c) visit(c, [...prefix, ...segs(n.childForFieldName('path'))])
    } else if (n.type === 'use_list') {
      for (const c of n.namedChildren) if (c) visit(c, prefix)
    } else if (n.type === 'scoped_identifier' || n.type === 'identifier') {
      const full = [...prefix, ...segs(n)]
      out.set(full.at(-1)!, full)
    } else if (n.type === 'self' && prefix.length > 0) out.set(prefix.at(-1)!, prefix)
  }

  for (const d of root.descendantsOfType('use_declaration')) {
    const arg = d?.childForFieldName('argument')
    if (arg) visit(arg, [])
  }

  return out
}

/** The module a source file is (src/db.rs and src/db/mod.rs → [db]; src/lib.rs, src/main.rs, src/bin/NAME.rs → []). */
export function moduleOf(path: string): string[] {
  const m = /(?:^|\/)src\/(.+)\.rs$/.exec(path)
  if (!m) return []
  const parts = m[1].split('/')
  if (parts[0] === 'bin' || (parts.length === 1 && (parts[0] === 'lib' || parts[0] === 'main'))) return []
  if (parts.at(-1) === 'mod') parts.pop()
  return parts
}

/**
 * Whether a call's function (`open`, `db::open`, an alias from `use … as`) names the function `name` defined in `defFile`:
 * its path through the caller's `use` declarations must end in `name`, and when a module precedes the name (`mq::open`),
 * it must be the defining file's module.
 */
export function callNames(fnNode: TsNode, uses: Map<string, string[]>, name: string, defFile: string): boolean {
  if (fnNode.type !== 'identifier' && fnNode.type !== 'scoped_identifier') return false
  const raw = pathText(fnNode).split('::')
  const head = uses.get(raw[0])
  const path = head ? [...head, ...raw.slice(1)] : raw
  if (path.at(-1) !== name) return false
  const before = path.at(-2)
  const mod = moduleOf(defFile)
  if (!before || mod.length === 0 || ['crate', 'self', 'super', 'Self'].includes(before)) return true
  return before === mod.at(-1)
}

/** A pool's manager for a non-PostgreSQL server (`RedisConnectionManager`, r2d2_sqlite, `ConnectionManager<MysqlConnection>`, deadpool_redis). */
const OTHER_MANAGER = /redis|sqlite|mysql|mongo|memcache|lapin|amqp|rabbit|ldap/i

export class RustCode {
  private readonly consts = new Map<string, {file: string; node: TsNode}[]>()
  /** Where each field name is set; `type`: the struct a literal builds (`Postgresql { max_open_connections: 10 }`). */
  private readonly fieldSets = new Map<string, {file: string; node: TsNode; scope: TsNode; type?: string}[]>()
  /** Struct fields declared with smart-default's `#[default(N)]` (an integer literal): the value Default gives them. */
  private readonly fieldDefaults = new Map<string, {file: string; line: number; value: number}[]>()
  private readonly parsed: Parsed[] = []
  /** The text given to a pool manager's `custom_setup` (diesel-async ManagerConfig): the functions it names make the pool's connections. */
  private readonly setups: string[] = []
  /** Free functions of the code read by name (`fn env_or(name: &str, default: u32) -> u32`), to follow a call into one and a parameter to its callers. */
  private readonly fns = new Map<string, {file: string; node: TsNode}[]>()
  /** Associated functions (no self) of the impls read, by name, for `Type::name(…)` and `Self::name(…)`. */
  private readonly assocFns = new Map<string, {file: string; node: TsNode}[]>()
  /** Functions being evaluated for a call: the function item's id → the call's arguments, in the caller's file. */
  private readonly frames = new Map<number, {args: TsNode[]; file: string}>()
  /** Every .rs file read (the parser skips those that name nothing about pools), and the parser, for a parameter's callers in them. */
  private paths: string[] = []
  private parser?: Awaited<ReturnType<typeof loadGrammar>>
  private readonly callerTrees = new Map<string, TsNode>()
  /** Match arms being followed (`Ok(v) =>`): the arm's id → the name it binds and the matched value. */
  private readonly armBindings = new Map<number, {name: string; value: RsValue}>()

  /** Per file: the names `type X = r2d2::Pool<…>` gives r2d2's Pool (sites()). */
  private readonly r2d2Aliases = new Map<string, Set<string>>()

  /** Config files the code loads with the config crate or Figment (config-files.ts), read only for an app that has either. */
  private config?: {mod: typeof import('./config-files.js'); sources: import('./config-files.js').RustConfigSources}

  constructor(private readonly opts: RustRead) {}

  static async read(opts: RustRead): Promise<RsCode> {
    const code = new RustCode(opts)
    return code.run()
  }

  private async run(): Promise<RsCode> {
    const diagnostics: Diagnostic[] = []
    const paths: string[] = []
    for (const d of this.opts.dirs) rsFiles(this.opts.files, d, this.opts.skip, paths)
    const out: RsCode = {caps: [], diagnostics, files: paths, opens: [], rocketDbs: [], workers: []}
    if (paths.length === 0) return out
    let parser: Awaited<ReturnType<typeof loadGrammar>>
    try {
      parser = await loadGrammar('rust')
    } catch {
      // An install without the grammar (a checkout whose node_modules predate it): said, never a stack trace.
      diagnostics.push({code: 'unparsable-config', file: paths[0], line: 1, message: 'tree-sitter-rust (its tree-sitter-rust.wasm) is not installed with conncalc, so no Rust file is read: reinstall conncalc (npm ci)', severity: 'warning'})
      return out
    }

    // Every process type of the app runs the same binary: each file is parsed once per run.
    let cache = TREES.get(this.opts.files)
    if (!cache) TREES.set(this.opts.files, (cache = new Map()))
    for (const path of paths) {
      let hit = cache.get(path)
      if (hit === undefined) {
        const text = this.opts.files.read(path)?.text
        const tree = text !== undefined && /max_connections|max_size|PoolConfig|connect|establish|create_pool|Pool|\bconst\b|\bstatic\b|pool|database\(|env::var|dotenv|HttpServer/.test(text) ? parser.parse(text) : null
        if (tree) rememberTree(tree)
        const parse = (t: string): null | {rootNode: TsNode} => {
          const sub = parser.parse(t)
          if (sub) rememberTree(sub)
          return sub
        }

        cache.set(path, (hit = tree ? {bad: firstSyntaxError(tree), macros: text!.includes('lazy_static') ? macroBodies(tree.rootNode, parse) : [], root: tree.rootNode} : null))
      }

      if (!hit) continue
      if (hit.bad) diagnostics.push({code: 'unparsable-config', file: path, line: hit.bad.line, message: `${path}:${hit.bad.line}: ${hit.bad.message}; conncalc reads the rest of the file`, severity: 'warning'})
      this.parsed.push({path, root: hit.root})
      for (const m of hit.macros) this.parsed.push({path, root: m, text: hit.root.text})
    }

    this.paths = paths
    this.parser = parser
    if (this.opts.crates.has('config') || this.opts.crates.has('figment')) {
      const mod = await import('./config-files.js')
      this.config = {mod, sources: await mod.rustConfigSources(this.opts.files, paths)}
    }

    for (const {path, root} of this.parsed) this.index(path, root)
    for (const {path, root, text} of this.parsed) this.sites(path, root, out, text)
    for (const o of out.opens) if (o.connector === undefined) delete o.connector
    const single = out.opens.filter((o) => !POOLED_LIBS.has(o.lib) && o.connector === undefined)
    if (single.length > 0) this.markPerRequest(single, paths, parser, cache)
    const unreached = this.unreached(paths, parser, cache)
    if (unreached) {
      const dropped = [...out.caps, ...out.opens].filter(unreached)
      if (dropped.length > 0) out.unreached = dropped
      out.caps = out.caps.filter((c) => !dropped.includes(c))
      out.opens = out.opens.filter((o) => !dropped.includes(o))
    }

    return out
  }

  /**
   * The binary's code: its entry file, and by name every function it names, then every function those name, and so
   * on (a name matches every function of that name: more is kept, never less). Trait impls (called by frameworks,
   * not by name) and statics, consts and macros outside functions (lazy_static!) are taken as reached. A site inside a function
   * the binary never names is another binary's (a module shared by several binaries, or src/main.rs beside src/bin/).
   * Undefined (nothing left out) when the entry is not one of the files read.
   */
  private unreached(paths: string[], parser: NonNullable<RustCode['parser']>, cache: Map<string, {root: TsNode} | null>): ((s: RsSite) => boolean) | undefined {
    const entry = this.opts.entry
    if (!entry || !paths.includes(entry)) return undefined
    const byName = new Map<string, TsNode[]>()
    const fnsOf = new Map<string, TsNode[]>()
    const seeds: string[] = []
    for (const path of paths) {
      const root = this.treeOf(path, parser, cache)
      if (!root) continue

      if (path === entry) seeds.push(root.text)
      const fns: TsNode[] = []
      walk(root, (n) => {
        if (['static_item', 'const_item', 'macro_invocation'].includes(n.type) && !insideFunction(n)) seeds.push(n.text)
        if (n.type !== 'function_item') return
        fns.push(n)
        const name = n.childForFieldName('name')?.text
        const impl = n.parent?.type === 'declaration_list' ? n.parent.parent : undefined
        if (impl?.type === 'impl_item' && impl.childForFieldName('trait')) seeds.push(n.text)
        // Another file's `fn main` is another binary's entry (src/main.rs beside src/bin/NAME.rs), never called by name.
        else if (name && !(name === 'main' && path !== entry && n.parent?.type === 'source_file')) byName.set(name, [...(byName.get(name) ?? []), n])
      })
      fnsOf.set(path, fns)
    }

    const reached = new Set<string>()
    const queue = [...seeds]
    while (queue.length > 0) {
      for (const word of queue.pop()!.match(/[A-Za-z_]\w*/g) ?? []) {
        if (reached.has(word)) continue
        reached.add(word)
        for (const f of byName.get(word) ?? []) queue.push(f.text)
      }
    }

    return (s: RsSite): boolean => {
      if (s.file === entry) return false
      // The innermost function around the site; a site outside every function is kept.
      const around = (fnsOf.get(s.file) ?? []).filter((f) => f.startPosition.row + 1 <= s.line && s.line <= f.endPosition.row + 1)
      const inner = around.sort((a, b) => b.startPosition.row - a.startPosition.row)[0]
      if (!inner) return false
      const impl = inner.parent?.type === 'declaration_list' ? inner.parent.parent : undefined
      if (impl?.type === 'impl_item' && impl.childForFieldName('trait')) return false
      const name = inner.childForFieldName('name')?.text
      return name !== undefined && !reached.has(name)
    }
  }

  /** A file's syntax tree: the one parsed for its sites, else one parsed here once for the callers' walks. */
  private treeOf(path: string, parser: NonNullable<RustCode['parser']>, cache: Map<string, {root: TsNode} | null>): TsNode | undefined {
    const known = cache.get(path)?.root ?? this.callerTrees.get(path)
    if (known) return known
    const text = this.opts.files.read(path)?.text
    const tree = text === undefined ? null : parser.parse(text)
    if (!tree) return undefined
    rememberTree(tree)
    this.callerTrees.set(path, tree.rootNode)
    return tree.rootNode
  }

  /**
   * Single connections made in a request handler — a function with a route attribute (`#[get("/")]`, `#[post(…)]`,
   * `#[route(…)]`: Rocket's and actix-web's macros) — or in a function a handler names, directly or through others:
   * each request being served makes its own (perRequest names the handler).
   */
  private markPerRequest(sites: RsSite[], paths: string[], parser: NonNullable<RustCode['parser']>, cache: Map<string, {root: TsNode} | null>): void {
    const byName = new Map<string, TsNode[]>()
    const fnsOf = new Map<string, TsNode[]>()
    const handlers: TsNode[] = []
    for (const path of paths) {
      const root = this.treeOf(path, parser, cache)
      if (!root) continue

      const fns: TsNode[] = []
      walk(root, (n) => {
        if (n.type !== 'function_item') return
        fns.push(n)
        const name = n.childForFieldName('name')?.text
        if (name) byName.set(name, [...(byName.get(name) ?? []), n])
        for (let a = n.previousNamedSibling; a && (a.type === 'attribute_item' || a.type.endsWith('comment')); a = a.previousNamedSibling) {
          if (/^#\[\s*(\w+::)*(get|post|put|delete|patch|head|options|route)\s*\(/.test(a.text)) handlers.push(n)
        }
      })
      fnsOf.set(path, fns)
    }

    if (handlers.length === 0) return
    // Function name → the handler that reaches it (the first found).
    const reachedBy = new Map<string, string>()
    const queue: [TsNode, string][] = handlers.map((h) => [h, h.childForFieldName('name')?.text ?? 'a handler'])
    for (const [h, name] of queue) if (!reachedBy.has(h.childForFieldName('name')?.text ?? '')) reachedBy.set(h.childForFieldName('name')?.text ?? '', name)
    // A handler written `fn`, not `async fn` (its function_modifiers hold no `async`).
    const syncHandlers = new Set(handlers.filter((h) => !h.namedChildren.some((c) => c?.type === 'function_modifiers' && /\basync\b/.test(c.text))).map((h) => h.childForFieldName('name')?.text ?? ''))
    // Calls only (`connect()`, `db::connect()`, `Db::open()`), never method calls (`.get()`): a name shared by a method of
    // another type would reach far too much. A bare name is a free function's; a path's last segment any function's.
    const inImpl = (f: TsNode): boolean => f.parent?.type === 'declaration_list' && f.parent.parent?.type === 'impl_item'
    while (queue.length > 0) {
      const [f, handler] = queue.shift()!
      for (const c of f.childForFieldName('body')?.descendantsOfType('call_expression') ?? []) {
        let fn = c?.childForFieldName('function')
        if (fn?.type === 'generic_function') fn = fn.childForFieldName('function')
        if (!fn || (fn.type !== 'identifier' && fn.type !== 'scoped_identifier')) continue
        const word = pathText(fn).split('::').at(-1) ?? ''
        if (reachedBy.has(word)) continue
        const defs = (byName.get(word) ?? []).filter((d) => fn.type === 'scoped_identifier' || !inImpl(d))
        if (defs.length === 0) continue
        reachedBy.set(word, handler)
        for (const d of defs) queue.push([d, handler])
      }
    }

    for (const s of sites) {
      const around = (fnsOf.get(s.file) ?? []).filter((f) => f.startPosition.row + 1 <= s.line && s.line <= f.endPosition.row + 1)
      const inner = around.sort((a, b) => b.startPosition.row - a.startPosition.row)[0]
      const name = inner?.childForFieldName('name')?.text
      const handler = name === undefined ? undefined : reachedBy.get(name)
      if (handler) {
        s.perRequest = handler
        if (syncHandlers.has(handler)) s.perRequestSync = true
      }
    }
  }

  /** Constants and the places struct fields are set (`pool_size: x` in a struct literal, `a.pool_size = x`). */
  private index(file: string, root: TsNode): void {
    walk(root, (n) => {
      if (n.type === 'function_item') {
        const name = n.childForFieldName('name')?.text
        // Free functions, and associated functions of an impl that take no self (`Config::pool_size()`, `Self::read_var(…)`).
        const assoc = n.parent?.type === 'declaration_list'
        const takesSelf = (n.childForFieldName('parameters')?.namedChildren ?? []).some((c) => c?.type === 'self_parameter')
        const into = assoc ? this.assocFns : this.fns
        if (name && !(assoc && takesSelf)) into.set(name, [...(into.get(name) ?? []), {file, node: n}])
      }

      if (n.type === 'const_item' || n.type === 'static_item') {
        const name = n.childForFieldName('name')?.text
        if (name) this.consts.set(name, [...(this.consts.get(name) ?? []), {file, node: n}])
      } else if (n.type === 'field_declaration' && n.parent?.type === 'field_declaration_list') {
        // `#[default(30)] pub pool_size: usize` (smart-default's derive): Default::default() gives the field 30.
        const name = n.childForFieldName('name')?.text
        for (let a = n.previousNamedSibling; name && a && (a.type === 'attribute_item' || a.type.endsWith('comment')); a = a.previousNamedSibling) {
          const m = a.type === 'attribute_item' ? /^#\[\s*default\s*\(\s*(\d[\d_]*)(?:u8|u16|u32|u64|usize|i32|i64)?\s*\)\s*\]$/.exec(a.text) : null
          if (m) this.fieldDefaults.set(name, [...(this.fieldDefaults.get(name) ?? []), {file, line: line(a), value: Number(m[1].replaceAll('_', ''))}])
        }
      } else if (n.type === 'field_initializer') {
        const field = n.childForFieldName('field')?.text
        const value = n.childForFieldName('value')
        if (field === 'custom_setup' && value) this.setups.push(value.text)
        if (field && value) this.fieldSets.set(field, [...(this.fieldSets.get(field) ?? []), {file, node: value, scope: value, ...literalType(n)}])
      } else if (n.type === 'shorthand_field_initializer') {
        const id = n.namedChildren[0]
        if (id) this.fieldSets.set(id.text, [...(this.fieldSets.get(id.text) ?? []), {file, node: id, scope: id, ...literalType(n)}])
      } else if (n.type === 'assignment_expression') {
        const left = n.childForFieldName('left')
        const right = n.childForFieldName('right')
        if (left?.type === 'field_expression' && right) {
          const field = left.childForFieldName('field')?.text
          if (field === 'custom_setup') this.setups.push(right.text)
          if (field) this.fieldSets.set(field, [...(this.fieldSets.get(field) ?? []), {file, node: right, scope: right}])
        }
      }
    })
  }

  /** Which pool crate a chain's root belongs to (`PgPoolOptions::new()`, `r2d2::Pool::builder()`, `Pool::builder(manager)`). */
  private libOfRoot(root: TsNode, method: 'max_connections' | 'max_size', fileText: string): RsLib | undefined {
    const crates = this.opts.crates
    const fn = root.type === 'call_expression' ? pathText(root.childForFieldName('function')) : ''
    if (method === 'max_connections') {
      if (/PoolOptions::new$/.test(fn) && crates.has('sqlx')) return 'sqlx'
      if (/ConnectOptions::new$/.test(fn) && crates.has('sea-orm')) return 'sea-orm'
      return undefined
    }

    if (/(^|::)bb8::/.test(fn) && crates.has('bb8')) return 'bb8'
    if (/(^|::)r2d2::/.test(fn) && crates.has('r2d2')) return 'r2d2'
    // deadpool_redis, deadpool_lapin, deadpool_memcached…: pools of another server (chirpstack/chirpstack's Redis pool).
    const otherDeadpool = /(?:^|::)deadpool_(\w+)::/.exec(fn)?.[1]
    if (otherDeadpool && !/^(postgres|diesel)$/.test(otherDeadpool)) return undefined
    if (/deadpool/i.test(fn) && crates.has('deadpool')) return 'deadpool'
    if (!/(^|::)(\w*Pool::builder|Builder::new)$/.test(fn)) return undefined
    // deadpool's builder takes the manager; r2d2's and bb8's take nothing (the manager goes to build()).
    if (argsOf(root).length > 0) return crates.has('deadpool') ? 'deadpool' : undefined
    const r2d2 = crates.has('r2d2') && /\br2d2\b/.test(fileText)
    const bb8 = crates.has('bb8') && /\bbb8\b/.test(fileText)
    if (r2d2 !== bb8) return r2d2 ? 'r2d2' : 'bb8'
    if (crates.has('r2d2') !== crates.has('bb8')) return crates.has('r2d2') ? 'r2d2' : 'bb8'
    return undefined
  }

  /** The call a method chain starts from (`X::new()` in `X::new().a(1).b(2)`), through one `let` of a plain variable. */
  private chainRoot(n: TsNode): TsNode {
    let cur = n
    for (let hops = 0; hops < 40; hops++) {
      if (cur.type === 'call_expression' && cur.childForFieldName('function')?.type === 'field_expression') cur = cur.childForFieldName('function')!.childForFieldName('value')!
      else if (['try_expression', 'await_expression', 'reference_expression', 'parenthesized_expression'].includes(cur.type) && cur.namedChildren[0]) cur = cur.namedChildren[0]
      else if (cur.type === 'identifier' && hops < 39) {
        const bound = findLet(cur.text, cur)
        if (!bound) return cur
        cur = bound
      } else return cur
    }

    return cur
  }

  private sites(file: string, root: TsNode, out: RsCode, fileText?: string): void {
    const text = fileText ?? root.text
    const crates = this.opts.crates
    let used: Map<string, string[]> | undefined
    const uses = (): Map<string, string[]> => (used ??= useMap(root))
    // `type PgPool = r2d2::Pool<ConnectionManager<PgConnection>>` (or a bare `Pool<…>` in a file that names r2d2): `PgPool::new(manager)` is r2d2's Pool::new.
    // A lazy_static! body is parsed on its own (fileText given): the aliases are its file's, read with the file's root first.
    const r2d2Aliases = fileText === undefined ? new Set<string>() : (this.r2d2Aliases.get(file) ?? new Set<string>())
    if (fileText === undefined) this.r2d2Aliases.set(file, r2d2Aliases)
    if (fileText === undefined && crates.has('r2d2') && /\br2d2\b/.test(text)) {
      walk(root, (n) => {
        if (n.type !== 'type_item') return
        const name = n.childForFieldName('name')?.text
        const type = n.childForFieldName('type')
        const base = type?.type === 'generic_type' ? pathText(type.childForFieldName('type')) : undefined
        if (name && base && /^((diesel::)?r2d2::)?Pool$/.test(base)) r2d2Aliases.add(name)
      })
    }

    walk(root, (n) => {
      if (n.type === 'attribute_item') {
        const db = /^#\[\s*database\s*\(\s*"([^"]+)"\s*\)\s*\]$/.exec(n.text)
        let item = n.nextNamedSibling
        while (item && (item.type === 'attribute_item' || item.type.endsWith('comment'))) item = item.nextNamedSibling
        if (db && item?.type === 'struct_item') out.rocketDbs.push({file, line: line(n), name: db[1], type: item.childForFieldName('body')?.text ?? ''})
        return
      }

      if (n.type === 'struct_expression' && /PoolConfig$/.test(pathText(n.childForFieldName('name'))) && crates.has('deadpool')) {
        const init = n.childForFieldName('body')?.namedChildren.find((c) => c?.type === 'field_initializer' && c.childForFieldName('field')?.text === 'max_size')
        if (init) out.caps.push({file, lib: 'deadpool', line: line(init), value: this.number(this.evaluate(file, init.childForFieldName('value')!, 0))})
        return
      }

      if (n.type !== 'call_expression') return
      const fnNode = n.childForFieldName('function')
      if (!fnNode) return
      if (fnNode.type === 'field_expression' && fnNode.childForFieldName('field')?.text === 'workers' && fileText === undefined) {
        // `HttpServer::new(…)….workers(n)`: the receiver chain starts at actix-web's HttpServer::new.
        let recv = fnNode.childForFieldName('value')
        while (recv?.type === 'call_expression' && recv.childForFieldName('function')?.type === 'field_expression') recv = recv.childForFieldName('function')!.childForFieldName('value')
        const start = recv?.type === 'call_expression' ? pathText(recv.childForFieldName('function')) : ''
        const arg = n.childForFieldName('arguments')?.namedChildren.filter((c) => c !== null && c.type !== 'line_comment' && c.type !== 'block_comment')
        if (/(^|::)HttpServer::new$/.test(start) && arg?.length === 1) out.workers.push({file, line: line(n), value: this.number(this.evaluate(file, arg[0]!, 0))})
      }

      if (fnNode.type === 'field_expression') {
        const method = fnNode.childForFieldName('field')?.text ?? ''
        if (method === 'max_connections' || method === 'max_size') {
          const lib = this.libOfRoot(this.chainRoot(fnNode.childForFieldName('value')!), method, text)
          const arg = argsOf(n)[0]
          if (lib && arg && !this.otherServer(n, uses())) out.caps.push({file, lib, line: line(fnNode.childForFieldName('field')!), value: this.number(this.evaluate(file, arg, 0))})
        } else if (method === 'create_pool' && crates.has('deadpool') && !this.otherServer(n, uses())) out.opens.push({file, lib: 'deadpool', line: line(n)})
        else if (method === 'connect' && /^(postgres::)?Client$/.test(pathText(fnNode.childForFieldName('value'))) && crates.has('postgres')) out.opens.push({file, lib: 'postgres', line: line(n)})
        return
      }

      const fn = pathText(fnNode)
      const push = (lib: RsLib): void => void out.opens.push({connector: this.connectorOf(n, lib), file, lib, line: line(n)})
      if (/(^|::)(PgPool|Pool)::connect(_lazy)?(_with)?$/.test(fn) && crates.has('sqlx') && (fn.includes('PgPool') || /Postgres/.test(fnNode.text))) push('sqlx')
      else if (/PoolOptions::new$/.test(fn) && crates.has('sqlx')) push('sqlx')
      else if (/(^|::)Database::connect$/.test(fn) && crates.has('sea-orm')) push('sea-orm')
      else if (/PoolConfig::new$/.test(fn) && crates.has('deadpool') && argsOf(n)[0]) out.caps.push({file, lib: 'deadpool', line: line(n), value: this.number(this.evaluate(file, argsOf(n)[0], 0))})
      else if (/(^|::)\w*Pool::(builder|new)$/.test(fn)) {
        // r2d2's `Pool::new(manager)` is `Pool::builder().build(manager)` (sfackler/r2d2@03e6bb69 src/lib.rs, Pool::new): one argument,
        // and bb8 and deadpool have no one-argument Pool::new — a bare `Pool::new(manager)` in a file that names r2d2 is r2d2's.
        const bareR2d2 = (/^Pool::new$/.test(fn) || r2d2Aliases.has(fn.replace(/::new$/, ''))) && fn.endsWith('::new') && argsOf(n).length === 1 && crates.has('r2d2') && /\br2d2\b/.test(text)
        const lib = fn.endsWith('::builder') ? this.libOfRoot(n, 'max_size', text) : (/(^|::)r2d2::/.test(fn) || bareR2d2) && crates.has('r2d2') ? 'r2d2' : undefined
        if (lib && !this.otherServer(n, uses())) push(lib)
      } else if (/(^|::)tokio_postgres::connect$/.test(fn) && crates.has('tokio-postgres')) push('tokio-postgres')
      else if (/(^|::)postgres::Client::connect$/.test(fn) && crates.has('postgres')) push('postgres')
      else if (/(^|::)PgConnection::establish$/.test(fn) && crates.has('diesel')) push('diesel')
    })
  }

  /**
   * Whether a pool site belongs to a pool of another server: the manager its chain builds with (`.build(manager)`,
   * `Pool::new(manager)`, `manager` through its `let`) is a Redis/SQLite/MySQL/… one (r2d2_redis's RedisConnectionManager,
   * `ConnectionManager<SqliteConnection>`), or a deadpool `create_pool` on a deadpool_redis/deadpool_lapin/… config.
   */
  private otherServer(site: TsNode, uses: Map<string, string[]>): boolean {
    const texts: string[] = []
    const resolved = (a: TsNode): string => {
      const bound = a.type === 'identifier' ? findLet(a.text, a) : undefined
      const t = (bound ?? a).text
      const head = /^(\w+)::/.exec(t)?.[1]
      return head && uses.has(head) ? `${uses.get(head)!.join('::')} ${t}` : t
    }

    let cur: TsNode = site
    for (let hops = 0; hops < 40; hops++) {
      if (cur.type === 'call_expression') {
        const f = cur.childForFieldName('function')
        const method = f?.type === 'field_expression' ? f.childForFieldName('field')?.text : pathText(f).split('::').at(-1)
        if (method && /^(build|build_unchecked|new)$/.test(method)) for (const a of argsOf(cur)) texts.push(resolved(a))
        if (method === 'create_pool' && f?.type === 'field_expression') texts.push(resolved(this.chainRoot(f.childForFieldName('value')!)))
      }

      const p = cur.parent
      if (!p || !['field_expression', 'call_expression', 'try_expression', 'await_expression'].includes(p.type)) break
      if (p.type === 'call_expression' && p.childForFieldName('function')?.id !== cur.id) break
      cur = p
    }

    return texts.some((t) => OTHER_MANAGER.test(t))
  }

  /** Why a single connection is a pool's connector: in a `ManageConnection`/`Manager` impl, or in a function a `custom_setup` names. */
  private connectorOf(n: TsNode, lib: RsLib): string | undefined {
    if (POOLED_LIBS.has(lib)) return undefined
    for (let p = n.parent; p; p = p.parent) {
      if (p.type === 'impl_item' && /^(\w+::)*(ManageConnection|Manager)$/.test(pathText(p.childForFieldName('trait')))) return `it is made in an impl of ${pathText(p.childForFieldName('trait'))}, the pool's connector`
      if (p.type === 'function_item') {
        const name = p.childForFieldName('name')?.text ?? ''
        if (name && this.setups.some((t) => new RegExp(`\\b${name}\\b`).test(t))) return `it is made in ${name}(), which the pool manager's custom_setup calls to open each pooled connection`
      }
    }

    return undefined
  }

  private unknown(file: string, n: TsNode, reason: string): RsValue {
    return {file, kind: 'unknown', line: line(n), reason}
  }

  /** The value of an expression, as far as conncalc reads Rust (never runs it). */
  evaluate(file: string, n: TsNode, depth: number): RsValue {
    if (depth > MAX_DEPTH) return this.unknown(file, n, `\`${n.text.slice(0, 60)}\` is too deep to follow`)
    const at = {file, line: line(n)}
    switch (n.type) {
      case 'integer_literal': {
        const v = Number.parseInt(n.text.replaceAll('_', '').replace(/(u|i)(8|16|32|64|128|size)$/, ''), 10)
        return Number.isFinite(v) ? {...at, kind: 'num', value: v, via: []} : this.unknown(file, n, `\`${n.text}\` is not an integer`)
      }

      case 'string_literal': {
        return {...at, kind: 'str', value: strOf(n) ?? '', via: []}
      }

      case 'parenthesized_expression':
      case 'try_expression':
      case 'await_expression':
      case 'reference_expression': {
        const inner = n.namedChildren.find((c) => c && !c.type.endsWith('comment'))
        return inner ? this.evaluate(file, inner, depth + 1) : this.unknown(file, n, 'empty expression')
      }

      case 'type_cast_expression': {
        return this.evaluate(file, n.childForFieldName('value')!, depth + 1)
      }

      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text ?? n.children.find((c) => c && !c.isNamed)?.text
        const a = this.number(this.evaluate(file, n.childForFieldName('left')!, depth + 1))
        const b = this.number(this.evaluate(file, n.childForFieldName('right')!, depth + 1))
        if (a.kind !== 'num') return a
        if (b.kind !== 'num') return b
        const v = op === '+' ? a.value + b.value : op === '-' ? a.value - b.value : op === '*' ? a.value * b.value : op === '/' && b.value !== 0 ? Math.trunc(a.value / b.value) : undefined
        return v === undefined ? this.unknown(file, n, `\`${n.text}\` uses an operator conncalc does not compute`) : {...at, kind: 'num', value: v, via: [...a.via, ...b.via]}
      }

      case 'identifier': {
        const bound = findLet(n.text, n)
        if (bound) return this.evaluate(file, bound, depth + 1)
        // `Ok(v) => v.parse()…` in a match being followed: the matched value.
        for (let p = n.parent; p && p.type !== 'function_item'; p = p.parent) {
          const b = p.type === 'match_arm' ? this.armBindings.get(p.id) : undefined
          if (b?.name === n.text) return b.value
        }

        if (isParameter(n.text, n)) return this.parameter(file, n, depth)
        return this.constant(file, n.text, n, depth)
      }

      case 'scoped_identifier': {
        return this.constant(file, n.childForFieldName('name')?.text ?? n.text, n, depth)
      }

      case 'field_expression': {
        return this.field(file, n, depth)
      }

      case 'call_expression': {
        return this.call(file, n, depth)
      }

      case 'match_expression': {
        return this.match(file, n, depth)
      }

      case 'if_expression': {
        // `if url.db_type() == "sqlite" { 1 } else { 5 }` (lldap/lldap server/src/main.rs): a test of the database's kind
        // against another database's name; on PostgreSQL the other branch is the one that runs.
        const cond = n.childForFieldName('condition')
        const op = cond?.type === 'binary_expression' ? (cond.childForFieldName('operator')?.text ?? cond.children.find((c) => c && !c.isNamed)?.text) : undefined
        const other = cond && (op === '==' || op === '!=') && [cond.childForFieldName('left'), cond.childForFieldName('right')].some((side) => side?.type === 'string_literal' && /^(sqlite3?|mysql|mariadb|mssql|sqlserver)$/i.test(strOf(side) ?? ''))
        const alternative = n.childForFieldName('alternative')?.namedChildren.find((c) => c?.type === 'block' || c?.type === 'if_expression')
        const branch = other ? (op === '==' ? alternative : n.childForFieldName('consequence')) : undefined
        if (!branch) return this.unknown(file, n, `\`${n.text.split('\n')[0].slice(0, 60)}\` is a condition conncalc does not decide`)
        const v = this.evaluate(file, branch, depth + 1)
        return v.kind === 'num' || v.kind === 'str' ? {...v, via: [...v.via, fromFile(file, line(n))]} : v
      }

      case 'block': {
        const last = n.namedChildren.at(-1)
        return last && last.type !== 'expression_statement' && last.type !== 'let_declaration' ? this.evaluate(file, last, depth + 1) : this.unknown(file, n, 'a block conncalc does not evaluate')
      }

      default: {
        return this.unknown(file, n, `\`${n.text.slice(0, 60)}\` is an expression conncalc does not evaluate`)
      }
    }
  }

  /** A call of the app's own free function: the value its body ends with (or its one `return`), each parameter the call's argument. */
  private inline(file: string, call: TsNode, def: {file: string; node: TsNode}, args: TsNode[], depth: number): RsValue {
    const id = def.node.id
    const name = def.node.childForFieldName('name')?.text ?? ''
    if (this.frames.has(id)) return this.unknown(file, call, `\`${name}()\` calls itself`)
    const body = def.node.childForFieldName('body')
    const returns = body ? body.descendantsOfType('return_expression').filter((r): r is TsNode => Boolean(r)) : []
    const tail = body?.namedChildren.filter((c) => c && !c.type.endsWith('comment')).at(-1)
    // A block-like tail (`match …{}`, `if …{}` with no `;`) parses as an expression statement: its expression is the value.
    const blockTail = tail?.type === 'expression_statement' && !tail.text.trimEnd().endsWith(';') && ['match_expression', 'if_expression', 'block'].includes(tail.namedChildren[0]?.type ?? '') ? tail.namedChildren[0]! : undefined
    const tailExpr = blockTail ?? (tail && tail.type !== 'expression_statement' && tail.type !== 'let_declaration' ? tail : undefined)
    const expr = returns.length === 0 ? tailExpr : returns.length === 1 && !tailExpr ? (returns[0].namedChildren[0] ?? undefined) : undefined
    if (!expr) return this.unknown(file, call, `it is what \`${name}()\` (${def.file}:${line(def.node)}) returns, which is not one expression conncalc follows`)
    this.frames.set(id, {args, file})
    try {
      const v = this.evaluate(def.file, expr, depth + 1)
      return v.kind === 'num' || v.kind === 'str' ? {...v, via: [...v.via, fromFile(def.file, line(def.node))]} : v
    } finally {
      this.frames.delete(id)
    }
  }

  /**
   * A parameter of a free function: the argument of the call being followed into it, else what the calls in the code read pass
   * at its position (`make_pool(&url, 8)` for `size`) — one call, or several passing the same number; otherwise unknown, naming them.
   */
  private parameter(file: string, n: TsNode, depth: number): RsValue {
    // The function whose parameter it is: a closure on the way sees the function's parameters unless it declares its own of that name.
    let fnItem: null | TsNode = n.parent
    while (fnItem && fnItem.type !== 'function_item') {
      if (fnItem.type === 'closure_expression' && (fnItem.childForFieldName('parameters')?.namedChildren ?? []).some((c) => (c?.childForFieldName('pattern') ?? c)?.text === n.text)) break
      fnItem = fnItem.parent
    }

    const fnName = fnItem?.childForFieldName('name')?.text
    const params = (fnItem?.childForFieldName('parameters')?.namedChildren ?? []).filter((c): c is TsNode => Boolean(c) && c!.type !== 'self_parameter' && !c!.type.endsWith('comment') && c!.type !== 'attribute_item')
    const at = params.findIndex((p) => (p.childForFieldName('pattern') ?? p).text.replace(/^mut\s+/, '') === n.text)
    const cannot = this.unknown(file, n, `\`${n.text}\` is a parameter of the function; its callers are not followed`)
    if (fnItem?.type !== 'function_item' || !fnName || at === -1) return cannot
    const frame = this.frames.get(fnItem.id)
    if (!frame && fnItem.parent?.type === 'declaration_list') return cannot
    if (frame) return frame.args[at] ? this.evaluate(frame.file, frame.args[at], depth + 1) : this.unknown(file, n, `the call gives no argument for \`${n.text}\``)
    if (this.frames.size > 0 || depth > MAX_DEPTH / 2) return cannot
    const calls: {file: string; node: TsNode}[] = []
    const parsedPaths = new Set(this.parsed.map((x) => x.path))
    // Files left unparsed because they name nothing about pools (a main.rs that calls `db::open(url, 6)`) are parsed here when they name the function.
    const others = this.paths.filter((p) => !parsedPaths.has(p)).flatMap((path) => {
      if (!this.callerTrees.get(path)) {
        const text = this.opts.files.read(path)?.text
        const tree = text?.includes(fnName) ? this.parser?.parse(text) : undefined
        if (tree) rememberTree(tree)
        if (tree) this.callerTrees.set(path, tree.rootNode)
      }

      const root = this.callerTrees.get(path)
      return root ? [{path, root}] : []
    })
    for (const {path, root} of [...this.parsed, ...others]) {
      if (!root.text.includes(fnName)) continue
      // Through the caller's `use … as` aliases, and only calls of this function's module (`mq::open` is not `db::open`).
      const uses = useMap(root)
      for (const c of root.descendantsOfType('call_expression')) {
        const f = c?.childForFieldName('function')
        if (c && f && callNames(f, uses, fnName, file) && !inTestCode(c)) calls.push({file: path, node: c})
      }
    }

    if (calls.length === 0) return this.unknown(file, n, `\`${n.text}\` is a parameter of ${fnName}, which nothing in the code read calls`)
    this.frames.set(-1, {args: [], file})
    try {
      const values = calls.map((c) => {
        const arg = argsOf(c.node)[at]
        return {c, v: arg ? this.number(this.evaluate(c.file, arg, depth + 1)) : this.unknown(c.file, c.node, 'no argument')}
      })
      const nums = values.filter((x) => x.v.kind === 'num')
      const places = values.map((x) => `${x.c.file}:${line(x.c.node)}`)
      if (nums.length === values.length && new Set(nums.map((x) => (x.v as {value: number}).value)).size === 1) {
        const v = values[0].v as Extract<RsValue, {kind: 'num'}>
        return {...v, via: [...v.via, ...values.map((x) => fromFile(x.c.file, line(x.c.node)))]}
      }

      if (values.length === 1) return values[0].v
      return this.unknown(file, n, `\`${n.text}\` is a parameter of ${fnName}, called at ${places.join(', ')} with values conncalc cannot tell apart`)
    } finally {
      this.frames.delete(-1)
    }
  }

  /**
   * `match env::var("X") { Ok(v) => v.parse().unwrap(), Err(_) => 12 }` (and Some/None, `_`): the arm the value takes —
   * an unset variable the Err/None/`_` arm (`Err(VarError::NotPresent)` too), a set one the Ok/Some arm with its binding; other matches are not followed.
   */
  private match(file: string, n: TsNode, depth: number): RsValue {
    const scrutinee = n.childForFieldName('value')
    const arms = (n.childForFieldName('body')?.namedChildren ?? []).filter((c): c is TsNode => c?.type === 'match_arm')
    if (!scrutinee) return this.unknown(file, n, 'a match with no value')
    const v = this.evaluate(file, scrutinee, depth + 1)
    const pat = (a: TsNode): string => (a.childForFieldName('pattern')?.text ?? '').replaceAll(/\s+/g, '')
    if (v.kind === 'absent') {
      // `Err(VarError::NotPresent)`: what std::env::var returns for an unset variable (std::env::VarError).
      const arm = arms.find((a) => /^(Err\((?:\w*|(?:(?:std::)?(?:env::)?VarError::)NotPresent)\)|None|_)$/.test(pat(a)))
      const value = arm?.childForFieldName('value')
      if (!arm || !value) return this.unknown(file, n, `${v.name} is not set and the match has no Err/None arm`)
      // `Err(VarError::NotPresent) => Ok(None)` (rust-lang/docs.rs' maybe_env): the arm's `None` is the unset value, which a
      // caller's `.unwrap_or(default)` turns into its default.
      this.armBindings.set(arm.id, {name: 'None', value: v})
      try {
        return this.evaluate(file, value, depth + 1)
      } finally {
        this.armBindings.delete(arm.id)
      }
    }

    if (v.kind !== 'str' && v.kind !== 'num') return v
    const arm = arms.find((a) => /^(Ok|Some)\((\w+)\)$/.test(pat(a))) ?? arms.find((a) => pat(a) === '_')
    const value = arm?.childForFieldName('value')
    if (!arm || !value) return this.unknown(file, n, `\`${n.text.slice(0, 60)}\` is a match conncalc does not follow`)
    const name = /^(?:Ok|Some)\((\w+)\)$/.exec(pat(arm))?.[1]
    if (name) this.armBindings.set(arm.id, {name, value: v})
    try {
      return this.evaluate(file, value, depth + 1)
    } finally {
      this.armBindings.delete(arm.id)
    }
  }

  /** max/min of two integers (std::cmp, Ord): computed when both are read, else the one not read. */
  private extreme(file: string, n: TsNode, which: 'max' | 'min', left: TsNode, right: TsNode, depth: number): RsValue {
    const a = this.number(this.evaluate(file, left, depth + 1))
    const b = this.number(this.evaluate(file, right, depth + 1))
    if (a.kind !== 'num') return a.kind === 'absent' ? this.unknown(file, n, `\`${left.text.slice(0, 60)}\` is not set`) : a
    if (b.kind !== 'num') return b.kind === 'absent' ? this.unknown(file, n, `\`${right.text.slice(0, 60)}\` is not set`) : b
    return {file, kind: 'num', line: line(n), value: which === 'max' ? Math.max(a.value, b.value) : Math.min(a.value, b.value), via: [...a.via, ...b.via]}
  }

  /** A string of digits read as the number it parses to (`"10".parse()`, an env var's value). */
  private number(v: RsValue): RsValue {
    if (v.kind !== 'str') return v
    return /^\s*\d+\s*$/.test(v.value) ? {...v, kind: 'num', value: Number(v.value.trim())} : {file: v.file, kind: 'unknown', line: v.line, reason: `"${v.value}" is not an integer`}
  }

  private constant(file: string, name: string, n: TsNode, depth: number): RsValue {
    const all = this.consts.get(name) ?? []
    // The file's own constant first (two binaries may each define DEFAULT_POOL_SIZE).
    const own = all.filter((c) => c.file === file)
    const pick = own.length > 0 ? own : all
    if (pick.length === 1) {
      const value = pick[0].node.childForFieldName('value')
      return value ? this.evaluate(pick[0].file, value, depth + 1) : this.unknown(file, n, `\`${name}\` has no value`)
    }

    return this.unknown(file, n, pick.length === 0 ? `\`${name}\` is not defined in the code read` : `\`${name}\` is defined ${pick.length} times (${pick.map((c) => `${c.file}:${line(c.node)}`).join(', ')})`)
  }

  /** `config.pool_size`: the places the code read sets a field of that name; the largest when they differ (said). */
  private field(file: string, n: TsNode, depth: number): RsValue {
    const name = n.childForFieldName('field')?.text ?? ''
    const all = this.fieldSets.get(name) ?? []
    // `conf.max_open_connections` where the function takes `conf: &config::Postgresql`: the literals of that struct set it,
    // not another struct's field of the same name (chirpstack's Redis and Sqlite configs have one too). Sets by assignment
    // (`c.max_open_connections = 8`), whose struct is not known, stay.
    const type = receiverType(n)
    const typed = type === undefined ? [] : all.filter((s) => s.type === type)
    const sets = typed.length > 0 ? all.filter((s) => s.type === undefined || s.type === type) : all
    if (sets.length === 0) return this.configField(file, n) ?? this.fieldDefault(file, n, name) ?? this.unknown(file, n, `\`${n.text}\`: no place in the code read sets a field \`${name}\``)
    const values = sets.map((s) => ({s, v: this.number(this.evaluate(s.file, s.node, depth + 1))}))
    const known = values.filter((x) => x.v.kind === 'num') as {s: (typeof sets)[0]; v: Extract<RsValue, {kind: 'num'}>}[]
    const unread = values.find((x) => x.v.kind !== 'num')
    // A settings struct's field (`settings.database.pool`) whose key path is in a config file the code loads: that value,
    // where the code's own sets of a field of that name (another struct's, `pool: self.pool`) cannot be read.
    const fromConfig = unread && n.childForFieldName('value')?.type === 'field_expression' ? this.configField(file, n) : undefined
    if (fromConfig) return fromConfig
    if (unread) return unread.v.kind === 'absent' ? unread.v : this.unknown(file, n, `\`${n.text}\` is set at ${unread.s.file}:${line(unread.s.node)}, which conncalc cannot read (${unread.v.kind === 'unknown' ? unread.v.reason : 'not an integer'})`)
    const best = known.reduce((a, b) => (b.v.value > a.v.value ? b : a))
    const where = (x: (typeof known)[0]): Source => fromFile(x.s.file, line(x.s.node))
    const differ = new Set(known.map((k) => k.v.value)).size > 1
    return {
      file,
      kind: 'num',
      line: line(n),
      value: best.v.value,
      via: [where(best), ...best.v.via, ...(differ ? [{kind: 'assumed' as const, why: `\`${name}\` is set to ${known.map((k) => `${k.v.value} at ${k.s.file}:${line(k.s.node)}`).join(', ')} in the code read (which one this process runs is not followed); the largest is counted`}] : [])],
    }
  }

  /**
   * A settings field no code sets, declared `#[default(N)]` (smart-default; Lemmy's `pool_size`): N, as an assumption — the
   * struct is usually filled from a config file or the environment at runtime (serde's `#[serde(default)]` keeps N only for
   * a key the file leaves out), which is not read here. Several declarations of that name with different defaults: unknown.
   */
  private fieldDefault(file: string, n: TsNode, name: string): RsValue | undefined {
    const all = this.fieldDefaults.get(name) ?? []
    if (all.length === 0 || new Set(all.map((d) => d.value)).size > 1) return undefined
    const d = all[0]
    return {file, kind: 'num', line: line(n), value: d.value, via: [fromFile(d.file, d.line), {kind: 'assumed', why: `\`${n.text}\` is the field's #[default(${d.value})] (${d.file}:${d.line}); the value a config file or the environment gives it at runtime is not read`}]}
  }

  /** A settings field no code sets (`settings.database.pool`): its key in the config files the config crate or Figment loads. */
  private configField(file: string, n: TsNode): RsValue | undefined {
    if (!this.config || this.config.sources.files.length === 0) return undefined
    const keys: string[] = []
    let cur: null | TsNode = n
    while (cur?.type === 'field_expression') {
      keys.unshift(cur.childForFieldName('field')?.text ?? '')
      cur = cur.childForFieldName('value')
    }

    if (keys.some((k) => !/^[A-Za-z_]\w*$/.test(k))) return undefined
    const got = this.config.mod.rustConfigValue(this.config.sources, keys, this.opts.env)
    if (!got) return undefined
    const env = got.env ? this.opts.env.get(got.env.name) : undefined
    return {file, kind: 'num', line: line(n), value: got.value, via: [...(env ? [env.source] : []), fromFile(got.file, got.line)]}
  }

  private call(file: string, n: TsNode, depth: number): RsValue {
    // `v.parse::<u32>()`: the turbofish's method.
    const called = n.childForFieldName('function')!
    const fnNode = called.type === 'generic_function' ? (called.childForFieldName('function') ?? called) : called
    const args = argsOf(n)
    const at = {file, line: line(n)}
    if (fnNode.type === 'field_expression') {
      const method = fnNode.childForFieldName('field')?.text ?? ''
      const recv = fnNode.childForFieldName('value')!
      if (method === 'unwrap_or' || method === 'unwrap_or_else') {
        const r = this.evaluate(file, recv, depth + 1)
        if (r.kind !== 'absent') return r
        const d = args[0]
        if (!d) return this.unknown(file, n, 'no default given')
        const dv = d.type === 'closure_expression' ? this.evaluate(file, d.childForFieldName('body')!, depth + 1) : this.evaluate(file, d, depth + 1)
        // app.json requiring the variable with no value: the deployer sets it, so the default is an assumption.
        const deployer = this.opts.env.deployerSets(r.name)
        return dv.kind === 'num' || dv.kind === 'str' ? {...dv, via: [...dv.via, ...(deployer ? [deployer] : [])]} : dv
      }

      if (method === 'parse') return this.number(this.evaluate(file, recv, depth + 1))
      // `a.max(b)` / `a.min(b)` (Ord::max / Ord::min on integers): the larger / smaller.
      if ((method === 'max' || method === 'min') && args.length === 1) return this.extreme(file, n, method, recv, args[0], depth)
      // Calls that pass the value on: Option/Result plumbing, conversions, a parse inside a closure.
      if (['unwrap', 'expect', 'ok', 'into', 'try_into', 'to_owned', 'to_string', 'as_str', 'clone', 'map_err', 'context', 'with_context', 'get', 'and_then', 'map', 'ok_or', 'ok_or_else', 'as_deref'].includes(method)) {
        return this.evaluate(file, recv, depth + 1)
      }

      return this.unknown(file, n, `\`${n.text.slice(0, 60)}\` calls a method conncalc does not compute`)
    }

    const fn = pathText(fnNode)
    const last = fn.split('::').at(-1) ?? ''
    // A free function of the app (`env_or("DB_POOL", 10)`): its body, with the call's arguments for its parameters.
    const scoped = fnNode.type === 'scoped_identifier' && /^(Self|[A-Z]\w*)::\w+$/.test(fn)
    // `Type::name` is that type's impl's function (`Self::name`: the impl around the call), never another type's `new`.
    const implType = (at: TsNode): string | undefined => {
      for (let p = at.parent; p; p = p.parent) if (p.type === 'impl_item') return pathText(p.childForFieldName('type')).replace(/<.*$/, '')
      return undefined
    }
    const wanted = scoped ? (fn.startsWith('Self::') ? implType(n) : fn.split('::')[0]) : undefined
    const assoc = scoped && wanted !== undefined ? (this.assocFns.get(last) ?? []).filter((d) => implType(d.node) === wanted) : []
    const own = (fnNode.type === 'identifier' || fnNode.type === 'scoped_identifier') && !/^(std::)?env::/.test(fn) ? (scoped ? (assoc.length === 1 ? assoc : undefined) : this.fns.get(last)) : undefined
    const helper = /^(var|var_parsed|env_var|env_var_parsed|get_env|env_or)$/.test(last)
    if (own?.length === 1) {
      // An env helper whose body is not one expression (crates.io's var_parsed) is read by its name, as one the app does not define.
      const v = this.inline(file, n, own[0], args, depth)
      if (v.kind !== 'unknown' || !helper || strOf(args[0]) === undefined) return v
    }

    const named = args[0] && args[0].type !== 'string_literal' && /^(std::)?env::var$|^(dotenvy?|dotenv_codegen)::var$/.test(fn) ? this.evaluate(file, args[0], depth + 1) : undefined
    const name = strOf(args[0]) ?? (named?.kind === 'str' ? named.value : undefined)
    if (name !== undefined && (/^(std::)?env::var$|^(dotenvy?|dotenv_codegen)::var$/.test(fn) || /^(var|var_parsed|env_var|env_var_parsed|get_env|env_or)$/.test(last))) {
      const e = this.opts.env.get(name)
      if (e && e.unknown === undefined) return {...at, kind: 'str', value: e.value, via: entrySources(e)}
      if (e) return this.unknown(file, n, `${name} is ${e.unknown}`)
      return {...at, kind: 'absent', name}
    }

    if (/^(num_cpus::get(_physical)?|(std::)?thread::available_parallelism)$/.test(fn)) {
      const cpus = this.opts.nproc
      return cpus ? {...at, kind: 'num', value: cpus.value, via: [cpus.source, ...(cpus.via ?? [])]} : this.unknown(file, n, "the dyno's CPU count is not known")
    }

    if (/^(Some|Ok|(u8|u16|u32|u64|usize|i32|i64)::(try_from|from))$/.test(fn) && args[0]) return this.evaluate(file, args[0], depth + 1)
    // `std::cmp::max(a, b)` / `cmp::min(a, b)` (or `max` imported from std::cmp): the larger / smaller of the two.
    if (/^((std|core)::)?(cmp::)?(max|min)$/.test(fn) && args.length === 2 && (fn.includes('::') || !this.fns.has(last))) return this.extreme(file, n, last as 'max' | 'min', args[0], args[1], depth)
    return this.unknown(file, n, `it is what \`${fn}()\` returns, which conncalc does not compute`)
  }
}

/** The value of the nearest `let NAME = …` before `at`, in the blocks around it. */
export function findLet(name: string, at: TsNode): TsNode | undefined {
  let child: TsNode = at
  let parent = at.parent
  while (parent) {
    if (parent.type === 'function_item') return undefined
    if (parent.type === 'block' || parent.type === 'source_file') {
      let found: TsNode | undefined
      for (const s of parent.namedChildren) {
        if (!s || s.startIndex >= child.startIndex) break
        if (s.type === 'let_declaration' && s.childForFieldName('pattern')?.text === name) found = s.childForFieldName('value') ?? undefined
        // `x = …;` after the let: the later assignment wins.
        const assign = s.type === 'expression_statement' ? s.namedChildren[0] : undefined
        if (assign?.type === 'assignment_expression' && assign.childForFieldName('left')?.text === name) found = assign.childForFieldName('right') ?? undefined
      }

      if (found) return found
    }

    child = parent
    parent = parent.parent
  }

  return undefined
}

/** Inside an item marked `#[cfg(test)]` or `#[test]` (a test module's call is not the binary's). */
function inTestCode(n: TsNode): boolean {
  for (let p: null | TsNode = n; p; p = p.parent) {
    if (p.type !== 'mod_item' && p.type !== 'function_item') continue
    for (let a = p.previousNamedSibling; a && (a.type === 'attribute_item' || a.type.endsWith('comment')); a = a.previousNamedSibling) {
      if (/^#\[\s*(cfg\s*\(\s*test\s*\)|test)\s*\]$/.test(a.text)) return true
    }
  }

  return false
}

/** The struct a field initializer's literal builds: `Postgresql { … }`, `config::Postgresql { … }`, `Self { … }` in its impl. */
function literalType(init: TsNode): {type?: string} {
  const literal = init.parent?.parent
  if (literal?.type !== 'struct_expression') return {}
  let name = pathText(literal.childForFieldName('name')).split('::').at(-1) ?? ''
  if (name === 'Self') {
    for (let p = literal.parent; p; p = p.parent) if (p.type === 'impl_item') name = pathText(p.childForFieldName('type')).split('::').at(-1) ?? ''
  }
  return /^[A-Z]\w*$/.test(name) ? {type: name} : {}
}

/**
 * The struct a field is read from, when its receiver is a parameter of the function around it with a named type
 * (`fn setup(conf: &config::Postgresql)`, `conf.max_open_connections`) or `self` in an impl of one.
 */
function receiverType(field: TsNode): string | undefined {
  const recv = field.childForFieldName('value')
  if (recv?.type !== 'identifier' && recv?.type !== 'self') return undefined
  for (let p = field.parent; p; p = p.parent) {
    if (p.type === 'closure_expression') return undefined
    if (p.type !== 'function_item') continue
    if (recv.type === 'self') {
      for (let q = p.parent; q; q = q.parent) if (q.type === 'impl_item') return lastTypeName(q.childForFieldName('type'))
      return undefined
    }

    const param = (p.childForFieldName('parameters')?.namedChildren ?? []).find((c) => c?.type === 'parameter' && c.childForFieldName('pattern')?.text === recv.text)
    const name = lastTypeName(param?.childForFieldName('type'))
    if (name === undefined) return undefined
    // `use crate::config::PostgresqlIntegration as Config;`, `fn new(conf: &Config)`: the struct the alias names.
    let root: TsNode = p
    while (root.parent) root = root.parent
    return useMap(root).get(name)?.at(-1) ?? name
  }

  return undefined
}

/** `&config::Postgresql`, `&mut Postgresql`, `Arc<Postgresql>` → Postgresql (a wrapper's one type argument). */
function lastTypeName(t: TsNode | null | undefined): string | undefined {
  if (!t) return undefined
  const text = t.text.replaceAll(/\s+/g, '').replace(/^&(?:'\w+)?(?:mut)?/, '')
  const inner = /^(?:[\w:]*::)?(?:Arc|Rc|Box)<(.+)>$/.exec(text)?.[1] ?? text
  const name = inner.split('::').at(-1) ?? ''
  return /^[A-Z]\w*$/.test(name) ? name : undefined
}

function isParameter(name: string, at: TsNode): boolean {
  for (let p = at.parent; p; p = p.parent) {
    if (p.type === 'function_item' || p.type === 'closure_expression') {
      const params = p.childForFieldName('parameters')
      if ((params?.namedChildren ?? []).some((c) => (c?.childForFieldName('pattern') ?? c)?.text === name)) return true
      // A closure also sees the function's variables and parameters around it.
      if (p.type === 'function_item') return false
    }
  }

  return false
}
