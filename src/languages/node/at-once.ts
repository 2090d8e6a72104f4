/**
 * How many connections a script that runs and finishes (a deploy hook's `node scripts/seed.js`) holds at once, from
 * the code it loads. A pool opens a connection when a query asks for one and none is idle, and hands the idle one to
 * the next query: pg's Pool (pg-pool index.js connect(): an idle client first, a new one only below `max`), knex's
 * tarn (Pool.ts _tryAcquireOrCreate: creates only while pending creates < pending acquires; `min` only keeps idle
 * ones from being destroyed), sequelize-pool, TypeORM (over pg's Pool) and Prisma (opens its pool's connections as
 * queries need them). So a script that awaits its queries one after another (`await seedRoles(); await seedUsers()`,
 * `for (…) await repo.save(x)`) holds one connection of each pool it uses, and `Promise.all([a(), b(), c()])` holds
 * at most 3. Anything else that can run queries side by side — Promise.all over a list built at run time, an async
 * callback to forEach/map, a call left running in a loop, two promise chains started at the top level, a
 * concurrency library (p-map, p-limit, async, …), a server or timer that keeps the process up — is not counted
 * here: the caller falls back to the pool's size, as an assumption. Reads the syntax trees of the app's own modules
 * the script loads: their top-level code, which runs as each is loaded, and the module-level functions and classes
 * that code names, then those they name, and so on (reached). A function no reached code names by any of its names
 * (a helper another script calls) does not run here; names are matched across modules and as properties (`x.run()`
 * reaches every `run`), and a class named anywhere reached counts with all its methods, so what may run is always read.
 * What a library does inside one call (an ORM's save, a migrator) is one query chain: ORMs run one call's statements
 * on one connection or transaction.
 */
import type {Program} from 'oxc-parser'
import {lineIndex} from '../../util/lines.js'
import {childNodes} from './unqueried.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type N = any

export type AtOnce =
  | {kind: 'in-turn'}
  | {at: string; kind: 'listed'; n: number}
  | {at: string; kind: 'unknown'; why: string}

export interface ScriptModule {
  file: string
  imports: readonly string[]
  program?: Program
  text: string
}

const AT_ONCE = new Set(['all', 'allSettled', 'any', 'race'])
const ITERATORS = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'findIndex', 'reduce', 'reduceRight'])
/** Packages whose point is to run several promises at once. */
const CONCURRENCY = new Set(['p-map', 'p-limit', 'p-queue', 'p-all', 'p-throttle', 'async', 'bluebird', 'rxjs', 'piscina', 'worker-farm', 'bottleneck', 'fastq'])
/** Calls that return no promise: console and logger output, collection updates, Math/JSON/Object helpers. */
const SYNC_OBJECTS = new Set(['console', 'Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Reflect', 'path', 'assert'])
const SYNC_METHODS = new Set(['push', 'unshift', 'pop', 'shift', 'splice', 'set', 'add', 'delete', 'clear', 'log', 'info', 'warn', 'error', 'debug', 'trace', 'verbose', 'write', 'sort', 'reverse', 'fill', 'assign', 'increment', 'tick', 'update', 'test', 'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toString', 'toFixed', 'padStart', 'padEnd', 'split', 'join', 'slice', 'indexOf', 'includes', 'startsWith', 'endsWith', 'charAt', 'replace', 'replaceAll', 'match', 'exec'])
/** `new` of these makes no promise: a thrown error, a date, a collection. */
const SYNC_CLASSES = /^(?:\w*Error|Date|Map|Set|WeakMap|WeakSet|RegExp|URL|URLSearchParams|Array|Object)$/
const LOOPS = new Set(['ForStatement', 'ForOfStatement', 'ForInStatement', 'WhileStatement', 'DoWhileStatement'])
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])
const TYPE_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'typeArguments', 'superTypeArguments', 'implements', 'decorators'])

const kids = (n: N): N[] => childNodes(n, TYPE_KEYS)

const unwrap = (n: N): N => {
  let at = n
  while (at && (at.type === 'ParenthesizedExpression' || at.type === 'ChainExpression' || /^TS(As|Satisfies|NonNull)Expression$/.test(at.type))) at = at.expression
  return at
}

const memberName = (callee: N): string | undefined => {
  const c = unwrap(callee)
  if (c?.type !== 'MemberExpression' || c.computed) return undefined
  return c.property?.name
}

const objectName = (callee: N): string | undefined => {
  const c = unwrap(callee)
  if (c?.type !== 'MemberExpression') return undefined
  const o = unwrap(c.object)
  return o?.type === 'Identifier' ? o.name : undefined
}

const isAsyncFn = (n: N): boolean => FUNCTIONS.has(n?.type) && n.async === true

/** A call that cannot have left a promise running: console.log, list.push, a logger's info, a sync helper of the module. */
function knownSync(call: N, syncNames: ReadonlySet<string> = new Set()): boolean {
  const callee = unwrap(call.callee)
  if (callee?.type === 'Identifier') return ['setTimeout', 'clearTimeout', 'clearInterval', 'parseInt', 'parseFloat', 'require', 'assert', 'invariant'].includes(callee.name) || syncNames.has(callee.name)
  const obj = objectName(callee)
  if (obj && SYNC_OBJECTS.has(obj)) return true
  const name = memberName(callee)
  return name !== undefined && SYNC_METHODS.has(name)
}

/** The first call of a `.then().catch()` chain, and whether the chain has a then/catch/finally. */
function chainStart(call: N): {chained: boolean; first: N} {
  let at = call
  let chained = false
  while (['then', 'catch', 'finally'].includes(memberName(at.callee) ?? '')) {
    const obj = unwrap(unwrap(at.callee).object)
    if (obj?.type !== 'CallExpression') break
    chained = true
    at = obj
  }

  return {chained: chained || ['then', 'catch', 'finally'].includes(memberName(call.callee) ?? ''), first: at}
}

/** The length of a list Promise.all is given: `[a(), b()]`, or `.map` over a fixed array (`['x', 'y'].map(f)`, `regions.map(f)` for a `const regions = […]`). */
function listedCount(arg: N, constArrays: ReadonlyMap<string, N | null>): number | undefined {
  const fixed = (a: N): number | undefined => (a?.type === 'ArrayExpression' && !a.elements.some((e: N) => e === null || e?.type === 'SpreadElement') ? a.elements.length : undefined)
  if (arg?.type === 'ArrayExpression') return fixed(arg)
  if (arg?.type !== 'CallExpression' || memberName(arg.callee) !== 'map') return undefined
  const over = unwrap(unwrap(arg.callee).object)
  return fixed(over?.type === 'Identifier' ? constArrays.get(over.name) : over)
}

/**
 * A module-level function that is not async, makes only calls that return no promise (knownSync, or another such
 * function of the module) and `new` only of errors, dates and collections, and returns no call's result: calling it
 * cannot leave work running (`const assertValidRole = (role) => { if (!RE.test(role)) throw new Error(…) }`).
 */
function isSyncHelper(fn: N, syncNames: ReadonlySet<string>): boolean {
  if (!FUNCTIONS.has(fn?.type) || fn.async || fn.generator) return false
  const body = fn.body
  if (!body) return false
  const stack: N[] = body.type === 'BlockStatement' ? [body] : [{argument: body, type: 'ReturnStatement'}]
  while (stack.length > 0) {
    const n = stack.pop()
    if (FUNCTIONS.has(n.type) || n.type === 'AwaitExpression' || n.type === 'YieldExpression') return false
    if (n.type === 'ReturnStatement' && n.argument && ['CallExpression', 'NewExpression', 'AwaitExpression'].includes(unwrap(n.argument)?.type) && !knownSync(unwrap(n.argument), syncNames) && !(unwrap(n.argument).type === 'NewExpression' && SYNC_CLASSES.test(unwrap(unwrap(n.argument).callee)?.name ?? ''))) return false
    if (n.type === 'CallExpression' && !knownSync(n, syncNames)) return false
    if (n.type === 'NewExpression' && !SYNC_CLASSES.test(unwrap(n.callee)?.name ?? '')) return false
    for (const k of kids(n)) stack.push(k)
  }

  return true
}

/**
 * `list.reduce(async (prev, x) => { await prev; … }, Promise.resolve())`: each callback first waits for the one before
 * (the accumulator is the previous call's promise), so the items run one after another.
 */
function chainsInTurn(cb: N): boolean {
  const acc = cb?.params?.[0]
  const first = cb?.body?.type === 'BlockStatement' ? cb.body.body[0] : undefined
  const waited = first?.type === 'ExpressionStatement' ? unwrap(first.expression) : first?.type === 'VariableDeclaration' ? unwrap(first.declarations[0]?.init) : undefined
  return acc?.type === 'Identifier' && waited?.type === 'AwaitExpression' && unwrap(waited.argument)?.type === 'Identifier' && unwrap(waited.argument).name === acc.name
}

/** A module-level declaration that is a unit of reach: a function, a function-valued const, a class. Its name, else undefined. */
function unitName(n: N): string | undefined {
  if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && n.id?.name) return n.id.name
  if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && (FUNCTIONS.has(unwrap(n.init)?.type) || unwrap(n.init)?.type === 'ClassExpression')) return n.id.name
  return undefined
}

/** The identifiers an export statement only lists: `module.exports = x`, `module.exports = {a, b: c}`, `exports.a = a`, `export default {a}`. */
function exportsList(n: N): N[] {
  const target = (l: N): boolean => {
    const t = unwrap(l)
    if (t?.type !== 'MemberExpression') return false
    const o = unwrap(t.object)
    return (o?.type === 'Identifier' && (o.name === 'exports' || (o.name === 'module' && t.property?.name === 'exports'))) || (o?.type === 'MemberExpression' && unwrap(o.object)?.name === 'module' && o.property?.name === 'exports')
  }
  const value = n.type === 'AssignmentExpression' && target(n.left) ? unwrap(n.right) : n.type === 'ExportDefaultDeclaration' ? unwrap(n.declaration) : undefined
  if (value?.type === 'Identifier') return [value]
  if (value?.type !== 'ObjectExpression') return []
  return value.properties.flatMap((p: N) => (p.type === 'Property' && unwrap(p.value)?.type === 'Identifier' ? [p.key, p.value, unwrap(p.value)] : []))
}

const SPECIFIERS = new Set(['ImportSpecifier', 'ImportDefaultSpecifier', 'ImportNamespaceSpecifier', 'ExportSpecifier'])

/** Statements of a module's own level: the program's, and what an export declaration holds there. */
const MODULE_LEVEL = new Set(['Program', 'ExportNamedDeclaration', 'ExportDefaultDeclaration', 'VariableDeclaration'])

/**
 * What the script's modules hold at once (see the file comment). `modules[0]` is the file the script runs; the
 * others are the app's modules it loads.
 */
export function atOnce(modules: readonly ScriptModule[]): AtOnce {
  const listed: {at: string; n: number}[] = []
  let unknown: {at: string; why: string} | undefined
  const topChains: string[] = []
  type Visit = {fn: N | undefined; inLoop: boolean; n: N; parent: N | undefined; unit: N | undefined}
  // Every module's nodes with the module-level unit they are in (undefined: top-level code), and what each unit names.
  const read: {m: ScriptModule; visited: Visit[]}[] = []
  const units = new Map<string, N[]>()
  const names = new Map<N | undefined, Set<string>>()
  const top = new Set<string>()
  for (const m of modules) {
    const lib = m.imports.find((s) => CONCURRENCY.has(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]))
    if (lib) return {at: `${m.file}:1`, kind: 'unknown', why: `${m.file} imports ${lib}, which runs promises side by side`}
    if (!m.program) return {at: `${m.file}:1`, kind: 'unknown', why: `${m.file} could not be parsed`}
    const stack: Visit[] = [{fn: undefined, inLoop: false, n: m.program, parent: undefined, unit: undefined}]
    const visited: Visit[] = []
    // The names a module's exports list (`module.exports = {a, b}`, `export default {a}`): exporting runs nothing.
    const listed = new Set<N>()
    while (stack.length > 0) {
      const s = stack.pop()!
      const n = s.n
      if (n.type.startsWith('TS') && !/^TS(As|Satisfies|NonNull)Expression$|^TSTypeAssertion$/.test(n.type)) continue
      visited.push(s)
      const name = s.unit === undefined && s.fn === undefined && MODULE_LEVEL.has(s.parent?.type) ? unitName(n) : undefined
      const unit = name === undefined ? s.unit : n
      if (name !== undefined) {
        units.set(name, [...(units.get(name) ?? []), n])
      }
      // What the code names: identifiers and properties (`x.exec()` names exec).
      const said = n.type === 'Identifier' ? n.name : n.type === 'MemberExpression' && !n.computed ? n.property?.name : undefined
      // Not a unit's own name, nor an import or export list's (naming a function there does not run it).
      const ownName = s.parent !== undefined && s.parent === s.unit && s.parent.id === n
      if (s.unit === undefined && s.fn === undefined) for (const x of exportsList(n)) listed.add(x)
      if (said !== undefined && !ownName && !SPECIFIERS.has(s.parent?.type) && !listed.has(n)) {
        if (unit === undefined) top.add(said)
        else names.set(unit, (names.get(unit) ?? new Set()).add(said))
      }

      const fn = FUNCTIONS.has(n.type) ? n : s.fn
      const inLoop = FUNCTIONS.has(n.type) ? false : s.inLoop || (s.parent !== undefined && LOOPS.has(s.parent.type) && s.parent.body === n)
      for (const k of kids(n)) stack.push({fn, inLoop, n: k, parent: n, unit})
    }

    read.push({m, visited})
  }

  // The units the top-level code reaches, by their names, and what those name in turn.
  const reached = new Set<N>()
  const queue = [...top]
  const done = new Set<string>()
  while (queue.length > 0) {
    const name = queue.pop()!
    if (done.has(name)) continue
    done.add(name)
    for (const u of units.get(name) ?? []) {
      if (reached.has(u)) continue
      reached.add(u)
      for (const x of names.get(u) ?? []) queue.push(x)
    }
  }

  // Module-level functions that return no promise and start none (isSyncHelper), by name (every unit of that name in the
  // modules read is one); two rounds, so one may call another.
  const syncNames = new Set<string>()
  for (let round = 0; round < 2; round++) {
    for (const [name, us] of units) if (us.every((u) => isSyncHelper(u.type === 'VariableDeclarator' ? unwrap(u.init) : u, syncNames))) syncNames.add(name)
  }

  for (const {m, visited: all} of read) {
    const line = lineIndex(m.text)
    const at = (n: N): string => `${m.file}:${line(n.start)}`
    // Async functions declared in this module, by name: a call of one that is not awaited leaves its work running.
    const asyncNames = new Set<string>()
    // `const regions = ['north', 'south']`: arrays a `.map` over which Promise.all could run, by name (one binding of the name only).
    const constArrays = new Map<string, N | null>()
    const changed = new Set<string>()
    const asyncMethods = new Set<string>()
    const note = (n: N, why: string): void => {
      unknown ??= {at: at(n), why}
    }

    // Only the code that runs: top-level code and the units it reaches.
    const visited = all.filter((s) => s.unit === undefined || reached.has(s.unit))
    for (const s of visited) {
      const n = s.n
      if (n.type === 'FunctionDeclaration' && n.async && n.id?.name) asyncNames.add(n.id.name)
      if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && isAsyncFn(unwrap(n.init))) asyncNames.add(n.id.name)
      if (n.type === 'CallExpression' && ['push', 'unshift', 'splice'].includes(memberName(n.callee) ?? '') && objectName(n.callee)) changed.add(objectName(n.callee)!)
      if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier') constArrays.set(n.id.name, constArrays.has(n.id.name) || unwrap(n.init)?.type !== 'ArrayExpression' || s.parent?.kind !== 'const' ? null : unwrap(n.init))
      // Async methods and properties by name (`async run()`, `seed = async () => …`): `this.run()` left unawaited starts one.
      if ((n.type === 'MethodDefinition' || n.type === 'PropertyDefinition' || n.type === 'Property') && !n.computed && n.key?.name && isAsyncFn(unwrap(n.value))) asyncMethods.add(n.key.name)
    }

    for (const name of changed) constArrays.set(name, null)
    // The node's own function, as the walk saw it (a unit's declarator is no function: its init is).
    for (const {fn, inLoop, n, parent} of visited) {
      if (n.type === 'CallExpression') {
        const callee = unwrap(n.callee)
        const name = memberName(callee)
        if (name && AT_ONCE.has(name) && objectName(callee) === 'Promise') {
          const count = listedCount(unwrap(n.arguments[0]), constArrays)
          if (count !== undefined) listed.push({at: at(n), n: count})
          else note(n, `Promise.${name} at ${at(n)} runs a list built at run time at once`)
          continue
        }

        // `Promise.all(list.map(async (x) => …))` is the Promise.all's (above).
        const inAll = parent?.type === 'CallExpression' && AT_ONCE.has(memberName(parent.callee) ?? '') && objectName(parent.callee) === 'Promise'
        if (name && ITERATORS.has(name) && !(name === 'map' && inAll) && n.arguments.some((a: N) => isAsyncFn(unwrap(a))) && !((name === 'reduce' || name === 'reduceRight') && chainsInTurn(unwrap(n.arguments[0])))) {
          note(n, `the async callback to .${name}() at ${at(n)} starts one call per item, all at once`)
          continue
        }

        if (callee?.type === 'Identifier' && callee.name === 'setInterval') note(n, `setInterval at ${at(n)} keeps the process running`)
        if (name === 'listen' || name === 'schedule') note(n, `.${name}() at ${at(n)} keeps the process serving`)
      }

      if (n.type !== 'ExpressionStatement') continue
      // A statement whose promise nothing waits for: `main()`, `void main()`, `run().catch(…)`.
      let e = unwrap(n.expression)
      if (e?.type === 'UnaryExpression' && e.operator === 'void') e = unwrap(e.argument)
      if (e?.type !== 'CallExpression') continue
      const {chained, first} = chainStart(e)
      const firstCallee = unwrap(first.callee)
      const asyncCall = (firstCallee?.type === 'Identifier' && asyncNames.has(firstCallee.name)) || asyncMethods.has(memberName(firstCallee) ?? '')
      const startsWork = chained || isAsyncFn(firstCallee) || asyncCall
      if (fn === undefined && parent?.type === 'Program') {
        if (startsWork) topChains.push(at(n))
        continue
      }

      if (fn !== undefined && (chained || asyncCall)) {
        note(n, `the call at ${at(n)} is not awaited: its work runs beside what follows`)
        continue
      }

      if (inLoop && !knownSync(e, syncNames)) note(n, `the call at ${at(n)} in a loop is not awaited: if it returns a promise, the calls run at once`)
    }
  }

  if (unknown) return {...unknown, kind: 'unknown'}
  if (topChains.length > 1) return {at: topChains[1], kind: 'unknown', why: `${topChains.join(' and ')} start promise chains that run side by side`}
  if (listed.length > 1) return {at: listed[1].at, kind: 'unknown', why: `Promise.all at ${listed.map((l) => l.at).join(' and ')}: whether they run inside one another is not read`}
  if (listed.length === 1) return {at: listed[0].at, kind: 'listed', n: listed[0].n}
  return {kind: 'in-turn'}
}
