/**
 * One Python module's evaluation, shared by every project of a run that would evaluate it alike
 * (modules.ts): openalex-guts' 36 process types each import the same 74 modules, and evaluating
 * them once per type made the run's cost grow with types × modules (languages/node/shared-eval.ts
 * is the same idea for JavaScript, whose imports all come before the module's code).
 *
 * A Python evaluation (evaluate.ts) depends on its file's text and, from outside it, on what it asks
 * as it runs, in order: env variables, the dyno's CPU count, each module it imports (the names the
 * project's resolveModule answers, as objects), how deep the app's function calls already nest
 * (depth), and the call sites already kept for the app's functions it calls (MAX_SITES, and one site
 * per caller line), which are per project (SiteView). A PyTrace records those questions and answers
 * in order. Another project reuses the evaluation by asking them again in the same order
 * (replay): its imports load the same modules at the same points a fresh evaluation would, so at the
 * first different answer a fresh evaluation takes over from there (takeover: its first questions
 * were answered alike, and the call sites the replay kept are the fresh evaluation's own).
 *
 * An evaluation also changes values of other modules in place (`DATABASES["default"].update(…)` on
 * the settings it star-imports, `globals()[k] = v` in a function of another module): a module whose
 * values another evaluation changed is never reused from then on (PyTrace.dirty), nor is an
 * evaluation that imported it. A change made after another project reused the module is seen there
 * too: so an evaluation is reused only by the projects of other process types, one project each
 * (PythonProject.agrees), whose analysis has ended when a later type's runs (types are analyzed one
 * after another), never by a project of its own type, which may still read it. A file run inside
 * another's globals (django-split-settings' include()) makes the including evaluation unshareable.
 */
import type {Env} from '../../model/env.js'
import type {EnvFileRead, LoadedEnvFile} from './env-files.js'
import type {Sourced} from '../../model/source.js'
import type {TypeWork} from '../common/types.js'
import type {EvalValue, PyCallSite, PyFunctionSites, PyModule, Scope} from './values.js'

/** How many call sites of one function are kept (a pool read from its parameters takes the largest of them). */
export const MAX_SITES = 32
/** How deep calls of the app's own functions are followed (recursion stops here, and the value says so). */
export const MAX_CALL_DEPTH = 8

/**
 * How many statements one process type's Python analysis walks before it stops following calls of the app's
 * own functions (evaluate.ts invoke): each function a module defines is walked once for its calls, and each call
 * with known arguments is walked again with them, up to MAX_CALL_DEPTH deep, so an app whose functions call many
 * others walks its call graph once per definition (Skyvern: 1.75 M statements, 222,000 calls followed, 4 minutes
 * and 3.3 GB). Past the budget a call of the app's function is an unknown value that says so, the modules'
 * own statements and the definitions' walks go on (every pool the code builds is still found), and the process
 * type's analysis says that it stopped (TypeWork.cut). A count, not a time: the same app gives the same numbers
 * on any machine.
 */
export const STATEMENT_BUDGET = 400_000

/** What one process type's Python analysis may still walk (STATEMENT_BUDGET), and the type's analysis, where the first stop is said. */
export interface PyBudget {
  left: number
  /** Absent for a context made apart (a unit test): the values still say why. */
  work?: TypeWork
}

/** How deep the app's function calls nest now (evaluate.ts invoke): Python evaluation is async but strictly nested. */
export const depth = {calls: 0}

export type PyEvent =
  | {deployer: boolean; got: unknown; kind: 'env'; name: string}
  | {got: Sourced<number> | undefined; kind: 'nproc'}
  | {got: readonly string[] | undefined; kind: 'argv'}
  | {from: string; got: Map<string, EvalValue> | undefined; kind: 'resolve'; level: number; module: string; rel: number}
  | {file: string; fn: PyFunctionSites; kind: 'site'; line: number; outcome: 'add' | 'cut' | 'dup'; site: PyCallSite}
  | {kind: 'envfile'; load: LoadedEnvFile}

/** What one evaluation asked (see the file's comment). */
export class PyTrace {
  /** Its values were changed in place by another evaluation: not reused from then on. */
  dirty = false
  readonly events: PyEvent[] = []
  /** The deepest nesting of calls it checked, relative to where it started (-1: none). */
  maxRel = -1
  module?: PyModule
  /** The process types whose projects use it (evaluated or reused), by their env (PythonProject.shared). */
  readonly types = new Set<object>()
  readonly startDepth: number
  /** It ran another file in its globals (runFile). */
  unshareable = false

  constructor() {
    this.startDepth = depth.calls
  }
}

/** The call sites of the app's functions as one project's evaluations walked them. */
export interface SiteStore {
  cut(fn: PyFunctionSites): void
  list(fn: PyFunctionSites): PyCallSite[]
  truncated(fn: PyFunctionSites): boolean
}

/** A project's own call sites: what a run of that project alone would have kept. */
export class SiteView implements SiteStore {
  private readonly byFn = new Map<PyFunctionSites, {cut: boolean; list: PyCallSite[]}>()

  cut(fn: PyFunctionSites): void {
    this.entry(fn).cut = true
  }

  list(fn: PyFunctionSites): PyCallSite[] {
    return this.entry(fn).list
  }

  truncated(fn: PyFunctionSites): boolean {
    return this.byFn.get(fn)?.cut ?? false
  }

  private entry(fn: PyFunctionSites): {cut: boolean; list: PyCallSite[]} {
    let e = this.byFn.get(fn)
    if (!e) this.byFn.set(fn, (e = {cut: false, list: []}))
    return e
  }
}

/** The sites kept on the function itself: a module evaluated on its own (evaluatePython without a project). */
export const ON_FUNCTION: SiteStore = {
  cut(fn) {
    fn.truncated = true
  },
  list: (fn) => fn.sites,
  truncated: (fn) => fn.truncated === true,
}

/** The evaluation running now, and the project it runs for. */
export interface PyRun {
  /** The statements this run's process type may still walk (STATEMENT_BUDGET); absent: no limit (a file evaluated on its own). */
  budget?: PyBudget
  /** The process's sys.argv, when its command line shows it (program.ts processArgv). */
  argv?: readonly string[]
  env: Env
  /** An env file of the app as the deploy has it (env-files.ts), for a loader the code calls; absent outside a project. */
  envFile?: (path: string) => EnvFileRead
  /** The code loads an env file into os.environ: this and later evaluations of the project read it (env-files.ts). */
  loadEnvFile?: (load: LoadedEnvFile) => void
  nproc?: Sourced<number>
  /** Events are recorded while the evaluation runs (a function called after it ended adds sites only). */
  open: boolean
  resolve: (module: string, level: number, from: string) => Promise<Map<string, EvalValue> | undefined>
  runFile?: (path: string, scope: Scope) => Promise<PyModule | undefined>
  sites: SiteStore
  /** A fresh evaluation taking over a replay that stopped at event `at` (see the file's comment). */
  takeover?: {at: number; events: readonly PyEvent[]}
  trace: PyTrace
}

const stack: PyRun[] = []

export const current = (): PyRun | undefined => stack.at(-1)

/**
 * Run `f` with `run` as the running evaluation. Evaluations nest (an import evaluates the imported module inside the
 * importing one's) and share `stack` and `depth`: two begun at once would interleave on them, each recording the
 * other's questions, which a later replay then fails to follow. PythonProject's entry points run one at a time
 * (serially); one that ends while another it did not start is running is an internal error, said as such.
 */
export async function within<T>(run: PyRun, f: () => Promise<T>): Promise<T> {
  stack.push(run)
  try {
    return await f()
  } finally {
    const top = stack.pop()
    if (top !== run) {
      stack.length = 0
      // eslint-disable-next-line no-unsafe-finally
      throw new Error('two Python evaluations ran at once (an internal error of conncalc: its analyzers load modules one at a time)')
    }
  }
}

/** The end of the last evaluation begun through serially(). */
let tail: Promise<unknown> = Promise.resolve()

/**
 * Run `f` (an evaluation: PythonProject.load, PythonProject.call, evaluatePython) after every one begun before it has
 * ended, so that evaluations never run at once (see within). Asked for while an evaluation runs, it is part of that one
 * (a file it runs, a module it imports) and runs now: waiting for the evaluation that waits for it would never end.
 */
export function serially<T>(f: () => Promise<T>): Promise<T> {
  if (stack.length > 0) return f()
  const p = tail.then(f)
  tail = p.then(
    () => undefined,
    () => undefined,
  )
  return p
}

/** Record an event of the running evaluation. */
export function record(run: PyRun, e: PyEvent): void {
  if (run.open) run.trace.events.push(e)
}

/** Where one more call site of `fn` at file:line goes: kept, cut (MAX_SITES reached), or already kept. */
export function siteOutcome(store: SiteStore, fn: PyFunctionSites, file: string, line: number): 'add' | 'cut' | 'dup' {
  const list = store.list(fn)
  if (list.some((x) => x.file === file && x.line === line)) return 'dup'
  return list.length < MAX_SITES ? 'add' : 'cut'
}

/** Keep a call site of `fn` (evaluate.ts invoke), in the running evaluation's project. */
export function addSite(run: PyRun, fn: PyFunctionSites, site: PyCallSite): void {
  const at = run.trace.events.length
  const prior = run.open && run.takeover && at < run.takeover.at ? run.takeover.events[at] : undefined
  if (prior) {
    // Taking over a replay: the same call, of the same function, in the same place.
    if (prior.kind !== 'site' || prior.fn.file !== fn.file || prior.fn.line !== fn.line || prior.fn.name !== fn.name || prior.file !== site.file || prior.line !== site.line) throw new Error(`python shared evaluation: ${site.file}:${site.line} does not follow its replay`)
    // A function of another module: the replay kept this site already, in the same place; it is this evaluation's now.
    // (A function this evaluation defines is a new one, with no sites yet: kept below, as in any evaluation.)
    if (prior.fn === fn) {
      if (prior.outcome === 'add') {
        const list = run.sites.list(fn)
        list[list.indexOf(prior.site)] = site
      }

      record(run, {...prior, site})
      return
    }
  }

  const outcome = siteOutcome(run.sites, fn, site.file, site.line)
  if (outcome === 'add') run.sites.list(fn).push(site)
  else if (outcome === 'cut') run.sites.cut(fn)
  record(run, {file: site.file, fn, kind: 'site', line: site.line, outcome, site})
}

// ---- values changed in place --------------------------------------------------------------

/** The evaluation each value object (dict, list, class, function, call), and each module's names, came from. */
const OWNER = new WeakMap<object, PyTrace>()

/** Claim the objects reachable from a finished module's names that no earlier evaluation claimed. */
export function claim(trace: PyTrace, names: Map<string, EvalValue>): void {
  if (OWNER.has(names)) return
  OWNER.set(names, trace)
  const todo: EvalValue[] = [...names.values()]
  const take = (o: object): boolean => {
    if (OWNER.has(o)) return false
    OWNER.set(o, trace)
    return true
  }

  while (todo.length > 0) {
    const v = todo.pop()!
    if (v.kind !== 'known' || typeof v.value !== 'object' || v.value === null || !take(v.value)) continue
    const x = v.value
    switch (x.kind) {
      case 'dict': {
        take(x.entries)
        todo.push(...x.entries.values())
        break
      }

      case 'list': {
        todo.push(...x.items)
        break
      }

      case 'class': {
        if (take(x.attrs)) todo.push(...x.attrs.values())
        break
      }

      case 'instance': {
        todo.push({file: '', kind: 'known', line: 0, value: x.cls, via: []})
        break
      }

      case 'function': {
        if (take(x.scope)) todo.push(...x.scope.values())
        todo.push(...x.defaults.values())
        break
      }

      case 'call': {
        todo.push(...x.args, ...Object.values(x.kwargs))
        break
      }
    }
  }
}

/** The running evaluation changes `o` in place: the module it came from, if another, is not reused from now on. */
export function touch(o: object): void {
  const owner = OWNER.get(o)
  const run = current()
  if (!owner || owner === run?.trace) return
  owner.dirty = true
}

export const isDirty = (names: Map<string, EvalValue> | undefined): boolean => names !== undefined && OWNER.get(names)?.dirty === true

export function sameAnswer(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b))
}
