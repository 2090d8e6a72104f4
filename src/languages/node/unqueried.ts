/**
 * Prisma clients made when a module loads that no code queries. PrismaClient opens its pool on the first query (or an
 * explicit $connect()), not when it is constructed: "PrismaClient automatically connects when you run your first
 * query, creates a connection pool" (https://www.prisma.io/docs/orm/v6/prisma-client/setup-and-configuration/databases-connections/connection-management).
 * A module-level `const x = <an expression making a PrismaClient>` whose name nothing in the module reads as a value
 * holds a client that only code naming `x` elsewhere could query: idleHolders lists those (pools.ts then looks for the
 * name in the rest of the app). Reads only the syntax tree; never decides "unused" where a value could escape.
 */
import type {Program} from 'oxc-parser'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type N = any

/** A module-level binding holding a client that nothing in its module reads: its lines and the names it is exported as. */
export interface IdleHolder {
  exported: string[]
  /** Keys of the global object it is stored under (`global.prisma = prisma`, `globalForPrisma.prisma = prisma`): other code could read it there. */
  globals?: string[]
  from: number
  name: string
  to: number
}

/** Client methods that set the client up without a query: listeners, middleware, extensions (a new client object, lazy too). */
const SETUP = new Set(['$on', '$use', '$extends'])
/** Keys of a node that hold types only. */
const TYPE_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeArguments', 'implements'])

const kids = (n: N): N[] => childNodes(n, TYPE_KEYS)

/** The AST nodes directly under `n` (oxc's ESTree), but those under the keys in `skip`. */
export function childNodes(n: N, skip: ReadonlySet<string>): N[] {
  const out: N[] = []
  for (const key in n) {
    if (skip.has(key)) continue
    const v = n[key]
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object' && typeof x.type === 'string') out.push(x)
    } else if (v && typeof v === 'object' && typeof v.type === 'string') out.push(v)
  }

  return out
}

/** Each node with its parent, depth first. */
function eachWithParent(root: N, visit: (n: N, parent: N | undefined) => void): void {
  const stack: [N, N | undefined][] = [[root, undefined]]
  while (stack.length > 0) {
    const [n, p] = stack.pop()!
    if (n.type.startsWith('TS') && !/^TS(As|Satisfies|NonNull)Expression$|^TSTypeAssertion$/.test(n.type)) continue
    visit(n, p)
    for (const k of kids(n)) stack.push([k, n])
  }
}

/** A name read as a value here: not a declaration's own name, a property written after a dot, or an object key. */
function isReference(n: N, parent: N | undefined): boolean {
  if (n.type !== 'Identifier' && n.type !== 'JSXIdentifier') return false
  if (!parent) return true
  if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return false
  if ((parent.type === 'Property' || parent.type === 'PropertyDefinition' || parent.type === 'MethodDefinition') && parent.key === n && !parent.computed && !parent.shorthand) return false
  if (parent.type === 'VariableDeclarator' && parent.id === n) return false
  if (parent.type === 'ExportSpecifier' || parent.type === 'ImportSpecifier' || parent.type === 'ImportDefaultSpecifier' || parent.type === 'ImportNamespaceSpecifier') return false
  if ((parent.type === 'FunctionDeclaration' || parent.type === 'ClassDeclaration') && parent.id === n) return false
  return true
}

const isPrismaNew = (n: N): boolean => n.type === 'NewExpression' && ((n.callee.type === 'Identifier' && n.callee.name === 'PrismaClient') || (n.callee.type === 'MemberExpression' && !n.callee.computed && n.callee.property.name === 'PrismaClient'))

/** Where a value at `n` goes: up through `a ?? b`, `c ? a : b` and TS wrappers to the node that takes it. */
function taker(n: N, parents: Map<N, N | undefined>): [N, N | undefined] {
  let at = n
  let p = parents.get(at)
  while (p && (p.type === 'LogicalExpression' || (p.type === 'ConditionalExpression' && p.test !== at) || p.type === 'ParenthesizedExpression' || /^TS(As|Satisfies|NonNull)Expression$/.test(p.type))) {
    at = p
    p = parents.get(at)
  }

  return [at, p]
}

/** The setup-only use of a client value at `n` (its parent `p`): returned, the body of an arrow, or `.$on(…)`/`.$use(…)`/`.$extends(…)` called on it. */
function setupOnly(n: N, p: N | undefined): boolean {
  if (!p) return false
  if (p.type === 'ReturnStatement') return true
  if (p.type === 'ArrowFunctionExpression' && p.body === n) return true
  return p.type === 'MemberExpression' && p.object === n && !p.computed && SETUP.has(p.property.name)
}

const FUNCTIONS = new Set(['ArrowFunctionExpression', 'FunctionExpression'])

/**
 * Whether `init` (a module-level initializer) makes PrismaClients only to hand them back: each `new PrismaClient(…)` is
 * the initializer's value, returned (from an arrow or a function), or kept in a local that is only returned or set up
 * ($on, $use, $extends); a function that makes one is handed only to a helper that `memoizes` (an app helper caching
 * what its factory returns, `remember('prisma', () => new PrismaClient())`). Anything else — a query, $connect, a
 * library's wrapper that might query — is not.
 */
function handsBack(init: N, memoizes: (callee: N) => boolean): boolean {
  const parents = new Map<N, N | undefined>()
  eachWithParent(init, (n, p) => parents.set(n, p))
  parents.set(init, undefined)
  const locals = new Set<string>()
  let found = false
  for (const n of parents.keys()) {
    if (!isPrismaNew(n)) continue
    found = true
    const [at, p] = taker(n, parents)
    if (p?.type === 'VariableDeclarator' && p.init === at && p.id.type === 'Identifier') locals.add(p.id.name)
    else if (!(at === init || setupOnly(at, p))) return false
    // Every function it is made in is the initializer itself (a factory nothing calls) or handed to a caching helper.
    for (let f = parents.get(n); f; f = parents.get(f)) {
      if (!FUNCTIONS.has(f.type) || f === init) continue
      const call = parents.get(f)
      if (!(call?.type === 'CallExpression' && call.arguments.includes(f) && memoizes(call.callee))) return false
    }
  }

  if (!found) return false
  for (const [n, p] of parents) {
    if (!locals.has(n.name) || !isReference(n, p)) continue
    const [at, q] = taker(n, parents)
    if (!setupOnly(at, q)) return false
  }

  return true
}

/**
 * An app helper that only caches what its factory parameter returns (`remember(name, getValue)`): the parameter is only
 * called with no arguments, and that result only returned, stored (`map.set(k, f())`, `cache[k] = f()`, `x ??= f()`),
 * never a method called on it; the body calls no `$`-method (no $connect or query).
 */
export function memoizingHelper(fn: N): boolean {
  const all: string[] = (fn.params ?? []).map((p: N) => (p.type === 'TSParameterProperty' ? p.parameter : p)).filter((p: N) => p.type === 'Identifier').map((p: N) => p.name as string)
  if (all.length === 0 || !fn.body) return false
  // The factory parameters: those the body calls.
  const params: string[] = []
  eachWithParent(fn.body, (n) => {
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && all.includes(n.callee.name)) params.push(n.callee.name)
  })
  if (params.length === 0) return false
  let ok = true
  eachWithParent(fn.body, (n, p) => {
    if (!ok) return
    if (n.type === 'MemberExpression' && !n.computed && typeof n.property.name === 'string' && n.property.name.startsWith('$')) ok = false
    if (!params.includes(n.name) || !isReference(n, p)) return
    if (!(p?.type === 'CallExpression' && p.callee === n && p.arguments.length === 0)) ok = false
  })
  if (!ok) return false
  // Where each factory call's result goes.
  eachWithParent(fn.body, (n, p) => {
    if (!ok || n.type !== 'CallExpression' || n.callee.type !== 'Identifier' || !params.includes(n.callee.name)) return
    const stored = p?.type === 'CallExpression' && p.arguments.includes(n) && p.callee.type === 'MemberExpression' && !p.callee.computed && p.callee.property.name === 'set'
    const kept = p?.type === 'AssignmentExpression' && p.right === n
    if (!(stored || kept || p?.type === 'ReturnStatement' || (p?.type === 'ArrowFunctionExpression' && p.body === n) || p?.type === 'LogicalExpression')) ok = false
  })
  return ok
}

/**
 * The module-level bindings that hold a PrismaClient nothing in the module reads (see the file comment), with the names
 * they are exported as (`export const x`, `export {x as y}`). A binding read anywhere in its module (a query, a
 * re-export as default, `module.exports = {x}`, another binding built from it) is not listed.
 */
export function idleHolders(program: Program, lineOf: (offset: number) => number, memoizes: (callee: N) => boolean): IdleHolder[] {
  const candidates = new Map<string, {from: number; init: N; to: number}>()
  const exported = new Map<string, string[]>()
  for (const st of program.body as N[]) {
    const d = st.type === 'ExportNamedDeclaration' && st.declaration ? st.declaration : st
    if (st.type === 'ExportNamedDeclaration' && !st.source) {
      for (const s of st.specifiers ?? []) if (s.local.type === 'Identifier') exported.set(s.local.name, [...(exported.get(s.local.name) ?? []), s.exported.name ?? s.exported.value])
    }

    if (d.type !== 'VariableDeclaration' || d.declare) continue
    for (const x of d.declarations) {
      if (x.id.type !== 'Identifier' || !x.init) continue
      if (d !== st) exported.set(x.id.name, [...(exported.get(x.id.name) ?? []), x.id.name])
      candidates.set(x.id.name, {from: lineOf(st.start), init: x.init, to: lineOf(st.end)})
    }
  }

  if (candidates.size === 0) return []
  // `global`, `globalThis`, and module-level names bound to them (`const globalForPrisma = globalThis as unknown as {…}`).
  const globalNames = new Set(['global', 'globalThis'])
  for (const st of program.body as N[]) {
    if (st.type !== 'VariableDeclaration') continue
    for (const x of st.declarations) {
      let init = x.init
      while (init && /^TS(As|Satisfies|NonNull)Expression$|^ParenthesizedExpression$/.test(init.type)) init = init.expression
      if (x.id.type === 'Identifier' && init?.type === 'Identifier' && globalNames.has(init.name)) globalNames.add(x.id.name)
    }
  }

  const read = new Set<string>()
  const globals = new Map<string, string[]>()
  eachWithParent(program, (n, p) => {
    if (n.type === 'ImportDeclaration' || !candidates.has(n.name) || !isReference(n, p)) return
    // `global.prisma = prisma`: the client is kept on the global object (a dev server's reload reuses it), not queried.
    const left = p?.type === 'AssignmentExpression' && p.right === n && p.operator === '=' ? p.left : undefined
    if (left?.type === 'MemberExpression' && !left.computed && left.object.type === 'Identifier' && globalNames.has(left.object.name) && left.property.type === 'Identifier') {
      globals.set(n.name, [...(globals.get(n.name) ?? []), left.property.name])
      return
    }

    read.add(n.name)
  })
  const out: IdleHolder[] = []
  for (const [name, c] of candidates) {
    if (read.has(name) || !handsBack(c.init, memoizes)) continue
    const g = globals.get(name)
    out.push({exported: exported.get(name) ?? [], from: c.from, name, to: c.to, ...(g ? {globals: [...new Set(g)]} : {})})
  }

  return out
}

/**
 * Whether code uses one of `names` as a module's export or a global's key: imports it by name (`import {prisma} from`,
 * `const {prisma} = require(…)`, `export {prisma} from`) or reads it off an object (`db.prisma`, `global.prisma`,
 * a namespace import's member). A file that only has a local of that name (`const prisma = new PrismaClient()`) does not.
 */
export function usesExport(text: string, names: readonly string[]): boolean {
  const alt = names.map((n) => n.replaceAll('$', String.raw`\$`)).join('|')
  return new RegExp(String.raw`\{[^{}]*(?<![\w$.])(?:${alt})(?![\w$])[^{}]*\}\s*(?:from\b|=\s*(?:await\s+)?(?:require|import)\b)|\.\s*(?:${alt})(?![\w$/])|\[\s*['"\`](?:${alt})['"\`]\s*\]`).test(text)
}

/**
 * @vercel/postgres pools used only through their `sql` tag: the lines of module-level `const NAME = createPool(…)` whose
 * NAME the module never exports and reads only as `` NAME.sql`…` `` (VercelPool#sql, which since 0.4.0 sends the query
 * with neon() over HTTP instead of through the pool: vercel/storage packages/postgres/src/create-pool.ts, 30638f9). Any
 * other read of the name (`NAME.query`, `NAME.connect`, passed to a library, exported, `module.exports`) keeps the pool.
 */
export function sqlTagOnlyPools(program: Program, lineOf: (offset: number) => number): number[] {
  const pools = new Map<string, number>()
  for (const st of program.body as N[]) {
    const d = st.type === 'ExportNamedDeclaration' && st.declaration ? st.declaration : st
    if (d.type !== 'VariableDeclaration') continue
    for (const x of d.declarations) {
      let init = x.init
      while (init && /^TS(As|Satisfies|NonNull)Expression$|^ParenthesizedExpression$/.test(init.type)) init = init.expression
      const callee = init?.type === 'CallExpression' ? init.callee : undefined
      const named = callee?.type === 'Identifier' ? callee.name : callee?.type === 'MemberExpression' && !callee.computed ? callee.property.name : undefined
      if (x.id.type === 'Identifier' && named === 'createPool') pools.set(x.id.name, lineOf(init.start))
    }
  }

  if (pools.size === 0) return []
  const other = new Set<string>()
  const tagged = new Set<string>()
  eachWithParent(program, (n, p) => {
    if (!pools.has(n.name) || n.type !== 'Identifier') return
    if (p?.type === 'ExportSpecifier') {
      other.add(n.name)
      return
    }

    if (!isReference(n, p)) return
    const tag = p?.type === 'MemberExpression' && p.object === n && !p.computed && p.property.name === 'sql'
    if (tag) {
      // The member is the tag of a tagged template (its parent): `pool.sql\`…\``.
      tagged.add(n.name)
      return
    }

    other.add(n.name)
  })
  // `pool.sql` read other than as a tag (`const q = pool.sql`, `pool.sql(…)`) is not known to be the HTTP tag.
  eachWithParent(program, (n, p) => {
    if (n.type !== 'MemberExpression' || n.computed || n.object.type !== 'Identifier' || !pools.has(n.object.name) || n.property.name !== 'sql') return
    if (!(p?.type === 'TaggedTemplateExpression' && p.tag === n)) other.add(n.object.name)
  })
  for (const st of program.body as N[]) {
    // `export const pool = createPool()`: read by other modules, which conncalc does not check here.
    if (st.type === 'ExportNamedDeclaration' && st.declaration?.type === 'VariableDeclaration') for (const x of st.declaration.declarations) if (x.id.type === 'Identifier') other.add(x.id.name)
  }

  return [...pools].filter(([name]) => tagged.has(name) && !other.has(name)).map(([, line]) => line)
}
