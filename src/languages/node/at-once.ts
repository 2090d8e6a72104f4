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
 * the script loads (every function in them, called or not: a site in a function that never runs only makes the
 * answer the pool's size, never smaller than it is). What a library does inside one call (an ORM's save, a
 * migrator) is one query chain: ORMs run one call's statements on one connection or transaction.
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
const SYNC_METHODS = new Set(['push', 'unshift', 'pop', 'shift', 'splice', 'set', 'add', 'delete', 'clear', 'log', 'info', 'warn', 'error', 'debug', 'trace', 'verbose', 'write', 'sort', 'reverse', 'fill', 'assign', 'increment', 'tick', 'update'])
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

/** A call that cannot have left a promise running: console.log, list.push, a logger's info. */
function knownSync(call: N): boolean {
  const callee = unwrap(call.callee)
  if (callee?.type === 'Identifier') return ['setTimeout', 'clearTimeout', 'clearInterval', 'parseInt', 'parseFloat', 'require', 'assert', 'invariant'].includes(callee.name)
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
 * What the script's modules hold at once (see the file comment). `modules[0]` is the file the script runs; the
 * others are the app's modules it loads.
 */
export function atOnce(modules: readonly ScriptModule[]): AtOnce {
  const listed: {at: string; n: number}[] = []
  let unknown: {at: string; why: string} | undefined
  const topChains: string[] = []
  for (const m of modules) {
    const lib = m.imports.find((s) => CONCURRENCY.has(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]))
    if (lib) return {at: `${m.file}:1`, kind: 'unknown', why: `${m.file} imports ${lib}, which runs promises side by side`}
    if (!m.program) return {at: `${m.file}:1`, kind: 'unknown', why: `${m.file} could not be parsed`}
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

    // Depth-first with the enclosing function and whether a loop of that function encloses the node.
    const stack: {fn: N | undefined; inLoop: boolean; n: N; parent: N | undefined}[] = [{fn: undefined, inLoop: false, n: m.program, parent: undefined}]
    const visited: {fn: N | undefined; inLoop: boolean; n: N; parent: N | undefined}[] = []
    while (stack.length > 0) {
      const s = stack.pop()!
      const n = s.n
      if (n.type.startsWith('TS') && !/^TS(As|Satisfies|NonNull)Expression$|^TSTypeAssertion$/.test(n.type)) continue
      visited.push(s)
      if (n.type === 'FunctionDeclaration' && n.async && n.id?.name) asyncNames.add(n.id.name)
      if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier' && isAsyncFn(unwrap(n.init))) asyncNames.add(n.id.name)
      if (n.type === 'CallExpression' && ['push', 'unshift', 'splice'].includes(memberName(n.callee) ?? '') && objectName(n.callee)) changed.add(objectName(n.callee)!)
      if (n.type === 'VariableDeclarator' && n.id?.type === 'Identifier') constArrays.set(n.id.name, constArrays.has(n.id.name) || unwrap(n.init)?.type !== 'ArrayExpression' || s.parent?.kind !== 'const' ? null : unwrap(n.init))
      // Async methods and properties by name (`async run()`, `seed = async () => …`): `this.run()` left unawaited starts one.
      if ((n.type === 'MethodDefinition' || n.type === 'PropertyDefinition' || n.type === 'Property') && !n.computed && n.key?.name && isAsyncFn(unwrap(n.value))) asyncMethods.add(n.key.name)
      const fn = FUNCTIONS.has(n.type) ? n : s.fn
      const inLoop = FUNCTIONS.has(n.type) ? false : s.inLoop || (s.parent !== undefined && LOOPS.has(s.parent.type) && s.parent.body === n)
      for (const k of kids(n)) stack.push({fn, inLoop, n: k, parent: n})
    }

    for (const name of changed) constArrays.set(name, null)
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
        if (name && ITERATORS.has(name) && !(name === 'map' && inAll) && n.arguments.some((a: N) => isAsyncFn(unwrap(a)))) {
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

      if (inLoop && !knownSync(e)) note(n, `the call at ${at(n)} in a loop is not awaited: if it returns a promise, the calls run at once`)
    }
  }

  if (unknown) return {...unknown, kind: 'unknown'}
  if (topChains.length > 1) return {at: topChains[1], kind: 'unknown', why: `${topChains.join(' and ')} start promise chains that run side by side`}
  if (listed.length > 1) return {at: listed[1].at, kind: 'unknown', why: `Promise.all at ${listed.map((l) => l.at).join(' and ')}: whether they run inside one another is not read`}
  if (listed.length === 1) return {at: listed[0].at, kind: 'listed', n: listed[0].n}
  return {kind: 'in-turn'}
}
