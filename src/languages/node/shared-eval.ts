/**
 * One module's evaluation, shared by every process type of a run that would evaluate it alike
 * (project.ts): a monorepo's nine process types each import the same libraries, and evaluating
 * them once per type made the run's cost grow with types × modules.
 *
 * An evaluation (js.ts evaluateParsed) depends on its parse, the modules it imports (as objects:
 * one reused only under the very same imports), the import cycles it meets, and what it reads
 * from outside the module graph: env variables, the dyno's CPU count, the NestJS config. It also
 * adds the call sites it walks to the app functions and classes it calls (JsFunctionSites), in
 * other modules too, and each walk first counts the sites already there (MAX_SITES). An EvalTrace
 * records all of that, and a SiteView is one project's sites: the ones its own evaluations (fresh
 * or reused) added, in the order it evaluated them — what a run of that project alone would have.
 * A trace is reused only where it reads the same: the same variables' values, the same CPU count,
 * every count of sites on the same side of MAX_SITES, never one that touched the NestJS config.
 */
import type {Env} from '../../model/env.js'
import type {Sourced} from '../../model/source.js'
import type {EvalValue} from '../python/values.js'

/** How many call sites of one function or class are walked (js.ts invoke/instantiate). */
export const MAX_SITES = 32

/** The call sites of one app function or class (js.ts JsFunctionSites): every evaluation's, in every project. */
interface Sites {
  sites: object[]
}

/** Which evaluation added each site. */
const OWNER = new WeakMap<object, EvalTrace>()

/** What one evaluation read and added beyond its own module (see the file's comment). */
export class EvalTrace {
  /** The sites it added, per function or class. */
  readonly added = new Map<Sites, number>()
  /** Each function's or class's sites as the view counted them before this evaluation added any. */
  readonly before = new Map<Sites, number>()
  /** Every count of sites taken to decide whether one more is walked: the count it saw. */
  readonly checks: {seen: number; sites: Sites}[] = []
  /** Functions and classes called from more places than are walked (MAX_SITES), found so here. */
  readonly cut = new Set<Sites>()
  /** Env reads in order: the variable, which question (its entry, or whether the deployer sets it) and the answer. */
  readonly env: {deployer: boolean; got: unknown; name: string}[] = []
  /** The NestJS config was read or written (registerAs): never reused, since the project's config is its own. */
  nest = false
  /** The dyno's CPU count, when read. */
  nproc?: {got: Sourced<number> | undefined}
}

/** One project's call sites (see the file's comment). */
export class SiteView {
  private readonly counts = new Map<Sites, number>()
  private readonly cut = new Set<Sites>()
  private readonly order = new Map<EvalTrace, number>()
  /** sites()'s answers since the last admit: an evaluation adds its sites before it is admitted, never after. */
  private readonly listed = new Map<Sites, readonly object[]>()

  /** An evaluation's effects, fresh or reused, as this project makes them. */
  admit(t: EvalTrace): void {
    this.order.set(t, this.order.size)
    for (const [s, n] of t.added) this.counts.set(s, this.count(s) + n)
    for (const s of t.cut) this.cut.add(s)
    this.listed.clear()
  }

  /** Whether `t`, traced in another project, evaluates the same in this one with `env` and `nproc`. */
  agrees(t: EvalTrace, env: Env, nproc: Sourced<number> | undefined): boolean {
    if (t.nest || this.order.has(t)) return false
    if (t.nproc && !same(t.nproc.got, nproc)) return false
    for (const r of t.env) if (!same(r.got, r.deployer ? env.deployerSets(r.name) : env.get(r.name))) return false
    for (const c of t.checks) {
      const seen = c.seen - t.before.get(c.sites)! + this.count(c.sites)
      if (seen < MAX_SITES !== c.seen < MAX_SITES) return false
    }

    return true
  }

  /** The sites of `s` this project's evaluations added so far. */
  count(s: Sites): number {
    return this.counts.get(s) ?? 0
  }

  /** The sites of `s` this project's evaluations added, in the order they added them. */
  sites<T extends object>(s: {sites: T[]}): readonly T[] {
    const known = this.listed.get(s)
    if (known) return known as readonly T[]
    const own = s.sites.filter((e) => this.order.has(OWNER.get(e)!))
    own.sort((a, b) => this.order.get(OWNER.get(a)!)! - this.order.get(OWNER.get(b)!)!)
    this.listed.set(s, own)
    return own
  }

  /** Whether `s` is called from more places than this project's evaluations walked. */
  truncated(s: Sites): boolean {
    return this.cut.has(s)
  }
}

/** The evaluation running now: js.ts reads env, CPU count and sites through it, and its trace records them. */
export interface Evaluation {
  env: Env
  /** The project's NestJS config (js.ts nestConfigGet, registerAs). */
  nestConfig?: Map<string, EvalValue>
  nproc?: Sourced<number>
  trace: EvalTrace
  view: SiteView
}

/** The count of `s`'s sites in the running evaluation's project, recorded as a check. */
export function siteCount(run: Evaluation, s: Sites): number {
  if (!run.trace.before.has(s)) run.trace.before.set(s, run.view.count(s))
  const seen = run.view.count(s) + (run.trace.added.get(s) ?? 0)
  run.trace.checks.push({seen, sites: s})
  return seen
}

export function addSite<T extends object>(run: Evaluation, s: {sites: T[]}, site: T): void {
  if (!run.trace.before.has(s)) run.trace.before.set(s, run.view.count(s))
  s.sites.push(site)
  OWNER.set(site, run.trace)
  run.trace.added.set(s, (run.trace.added.get(s) ?? 0) + 1)
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b))
}
