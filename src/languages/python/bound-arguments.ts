/**
 * A value that reaches a call through a parameter of the app's own function:
 * `def get_engine(self, url, pool_size=10): create_engine(url, pool_size=pool_size)`
 * is read at the places the app calls it (`Engine().get_engine(url=…,
 * pool_size=settings.DB_CONNECTION_POOL_SIZE)`), where the evaluator walked the
 * body again with those arguments bound (evaluate.ts invoke; nothing runs).
 */
import type {EvalValue, PyCall, PyCallSite, PyFunctionSites} from './values.js'

import {assumed, fromDefault, fromFile, type Source} from '../../model/source.js'
import {asInteger} from './evaluate.js'

const where = (v: {file: string; line: number}): string => `${v.file}:${v.line}`

/**
 * The parameters of functions the app does not call itself but a framework does, with what it passes, by the
 * function's "file:line" (UnknownValue.parameterOf): a Django command's handle() gets its add_arguments options
 * (django-command.ts sets them while it reads that command, and takes them back after).
 */
export const callerBindings = new Map<string, Map<string, EvalValue>>()

const byCaller = (v: EvalValue & {kind: 'unknown'}): EvalValue | undefined => (v.parameterOf && v.parameter ? callerBindings.get(v.parameterOf)?.get(v.parameter) : undefined)

function withVia(v: EvalValue, via: Source[]): EvalValue {
  return v.kind === 'known' ? {...v, via: [...v.via, ...via]} : v
}

const argument = (c: PyCall, key: string, index?: number): EvalValue | undefined => c.kwargs[key] ?? (index === undefined ? undefined : c.args[index])

/**
 * The keyword argument `key` (or the positional one at `index`) of `call` as its function's callers bind it. A value that does not come
 * from a parameter is returned as it is. Every caller's value known and equal: that value, via the call
 * site. Callers that disagree: the largest, as an assumption naming each. No caller found: the parameter's
 * default, as an assumption that says so; else the value stays unknown, with why.
 */
export function boundArgument(call: PyCall, key: string, index?: number): EvalValue | undefined {
  const v = argument(call, key, index)
  const fn = call.within
  if (v?.kind !== 'unknown' || !v.parameter) return v
  const given = byCaller(v)
  if (given || !fn) return given ?? v
  const known: {site: {file: string; line: number}; v: EvalValue}[] = []
  const unknown: EvalValue[] = []
  for (const site of fn.sites) {
    for (const c of site.calls) {
      if (c.line !== call.line || c.callee !== call.callee) continue
      const b = argument(c, key, index)
      // A caller that is itself a function walked without its caller passes its own parameter: not a value, unless
      // what calls that function binds it (callerBindings).
      const passed = b?.kind === 'unknown' && b.parameter ? byCaller(b) : b
      if (!passed) continue
      if (passed.kind === 'known') known.push({site, v: passed})
      else unknown.push(passed)
    }
  }

  if (unknown.length > 0) return unknown[0]
  // The default stands in only for the parameter itself (`pool_size=pool_size`), not an expression of it.
  const bare = call.kwargText[key]?.trim() === v.parameter || (index !== undefined && call.kwargs[key] === undefined && call.argNames?.[index] === v.parameter)
  if (known.length === 0) return fn.sites.length > 0 ? v : byDefault(v, bare ? v.parameter : undefined, fn)
  const numbers = known.map((k) => asInteger(k.v))
  const distinct = new Set(known.map((k, i) => numbers[i] ?? JSON.stringify(k.v.kind === 'known' ? k.v.value : null)))
  const sites = known.map((k) => fromFile(k.site.file, k.site.line))
  if (distinct.size === 1 && !fn.truncated) return withVia(known[0].v, [sites[0]])
  let top = 0
  for (const [i, n] of numbers.entries()) if (n !== undefined && n > (numbers[top] ?? Number.NEGATIVE_INFINITY)) top = i
  const listed = known.map((k, i) => `${numbers[i] ?? '?'} (${where(k.site)})`)
  const why = fn.truncated
    ? `\`${fn.name}()\` (${where(fn)}) is called from more places than conncalc follows; of those read, the largest ${key}, ${numbers[top]}, is assumed: ${listed.join(', ')}`
    : `the callers of \`${fn.name}()\` (${where(fn)}) pass different ${key}: ${listed.join(', ')}; the largest, ${numbers[top]}, is assumed`
  return withVia(known[top].v, [sites[top], assumed(why)])
}

/** No call of the function was found: its default for the parameter, said to be an assumption. */
function byDefault(v: EvalValue & {kind: 'unknown'}, parameter: string | undefined, fn: PyFunctionSites): EvalValue {
  const dflt = parameter === undefined ? undefined : fn.defaults.get(parameter)
  const none = `conncalc found no call of \`${fn.name}()\` (${where(fn)}) in the modules it read`
  if (dflt?.kind !== 'known') return {...v, reason: `${v.reason}; ${none}`}
  return withVia({...dflt}, [assumed(`${none}; the default of its parameter \`${parameter}\` is assumed`)])
}

/**
 * The call as each caller of its function made it, when every caller is a module's own statement that runs
 * once, at import, there are two or more, and the function does not cache its result (`@lru_cache`): each
 * call then builds an object of its own — `writer = make_engine(url, 8)` and `reader = make_engine(url, 4)`
 * are two engines, not one of the larger size. Undefined otherwise (one caller, callers inside functions or
 * undecided branches, more callers than conncalc keeps): the call is read once, with boundArgument.
 */
export function callAtEachSite(call: PyCall): {call: PyCall; site: PyCallSite}[] | undefined {
  const fn = call.within
  if (!fn || fn.cached || fn.truncated || fn.sites.length < 2 || !fn.sites.every((s) => s.once)) return undefined
  const out: {call: PyCall; site: PyCallSite}[] = []
  for (const site of fn.sites) {
    const own = site.calls.filter((c) => c.line === call.line && c.callee === call.callee)
    if (own.length !== 1) return undefined
    out.push({call: own[0], site})
  }

  return out
}

/**
 * The pool-building call once per pool it builds: at each caller when callAtEachSite says each builds its own
 * (`suffix` names the caller, `via` says why, citing `ref`, the library whose constructor makes a new pool per
 * call), else the call itself once.
 */
export function eachBuilt(call: PyCall, ref: string): {call: PyCall; suffix: string; via: Source[]}[] {
  const each = callAtEachSite(call)
  const fn = call.within
  if (!each || !fn) return [{call, suffix: '', via: []}]
  const why = fromDefault(`\`${fn.name}()\` (${where(fn)}) is called at import from ${each.length} places, and each call builds a pool of its own`, ref)
  return each.map(({call: c, site}) => ({call: c, suffix: ` (${where(site)})`, via: [why]}))
}
