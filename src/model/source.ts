/**
 * Where a number came from. Every value that reaches the output carries one
 * (DESIGN.md, "Sourced values").
 */
export type Source =
  | {kind: 'flag'; flag: string} // --scale web=3
  | {kind: 'env'; name: string; from: string} // RAILS_MAX_THREADS from .env.production:4
  | {kind: 'file'; file: string; line: number} // config/puma.rb:3
  | {kind: 'default'; what: string; ref: string} // "Sidekiq 7 default concurrency", doc/source link
  | {kind: 'plan'; table: string; plan: string}
  | {kind: 'assumed'; why: string} // UNCONFIRMED facts, unknown commands
  | {kind: 'live'; what: string; database: string} // read from a running database (URL redacted)
  | {kind: 'heroku'; app: string; what: string} // read from the Heroku Platform API: "formation web=3:standard-2x"

/**
 * A value and its origin. `via` lists what the origin itself depended on, in
 * order: `threads` at config/puma.rb:3 via RAILS_MAX_THREADS from .env:4.
 */
export interface Sourced<T> {
  value: T
  source: Source
  via?: Source[]
}

export function sourced<T>(value: T, source: Source, via?: Source[]): Sourced<T> {
  if (via && via.length > 0) return {source, value, via}
  // A shared source with a number, boolean or string: one shared value too (see shared below).
  const held = sharedValues.get(source)
  if (held === undefined || (value !== null && typeof value === 'object')) return {source, value}
  if (held instanceof Map) {
    let found = held.get(value) as Sourced<T> | undefined
    if (!found) held.set(value, (found = Object.freeze({source, value})))
    return found
  }

  if (held !== null && held.value === value) return held as Sourced<T>
  // Most sources carry one value: the first is held alone, a second makes a table.
  const found = Object.freeze({source, value})
  sharedValues.set(source, held === null ? found : new Map<unknown, Sourced<unknown>>([[held.value, held], [value, found]]))
  return found
}

/**
 * What an analyzer says in the same words for every process type (a framework's default, an
 * assumption such as "Puma version unknown") is one frozen object shared by every value that cites
 * it, and so is a sourced number, boolean or string on it: a 100,000-type Procfile kept 100,000
 * equal copies of each alive, and collecting them was a third of its run. Frozen, so code that
 * tried to change a shared value in place would throw rather than change every type's; values are
 * changed by making a new one (`{...v, via: […]}`). Wording that differs per type (`web is not in
 * --scale …`, each type's DYNO) is not worth keeping: at most SHARED_MAX wordings per default's
 * reference (so one reference whose wordings are all distinct does not stop others' from being
 * shared), references and assumptions are kept; past that a source is made as before.
 */
const SHARED_MAX = 1024
const SHARED_ASSUMED_MAX = 4096
/** Per shared source: none yet (null), its one sourced value, or a table of them by value. */
const sharedValues = new WeakMap<Source, Map<unknown, Sourced<unknown>> | null | Sourced<unknown>>()
const sharedDefaults = new Map<string, Map<string, Source>>()
const sharedAssumed = new Map<string, Source>()

function share(source: Source): Source {
  Object.freeze(source)
  sharedValues.set(source, null)
  return source
}

export const fromFlag = (flag: string): Source => ({flag, kind: 'flag'})
export const fromEnv = (name: string, from: string): Source => ({from, kind: 'env', name})
export const fromFile = (file: string, line: number): Source => ({file, kind: 'file', line})
export function fromDefault(what: string, ref: string): Source {
  let byWhat = sharedDefaults.get(ref)
  const found = byWhat?.get(what)
  if (found) return found
  if (!byWhat) {
    if (sharedDefaults.size >= SHARED_MAX) return {kind: 'default', ref, what}
    sharedDefaults.set(ref, (byWhat = new Map()))
  }

  if (byWhat.size >= SHARED_MAX) return {kind: 'default', ref, what}
  const source = share({kind: 'default', ref, what})
  byWhat.set(what, source)
  return source
}

/**
 * A default or an assumption worded for one process type alone (its name, its DYNO): made as it is,
 * not looked up among the shared ones above — no other type says it, and finding none would hash a
 * new string per type (a 100,000-type Procfile).
 */
export const fromDefaultOfType = (what: string, ref: string): Source => ({kind: 'default', ref, what})
export const assumedOfType = (why: string): Source => ({kind: 'assumed', why})

export const fromPlan = (table: string, plan: string): Source => ({kind: 'plan', plan, table})
export function assumed(why: string): Source {
  const found = sharedAssumed.get(why)
  if (found) return found
  if (sharedAssumed.size >= SHARED_ASSUMED_MAX) return {kind: 'assumed', why}
  const source = share({kind: 'assumed', why})
  sharedAssumed.set(why, source)
  return source
}

/** Defaults that are how a program works, not a setting (fromFact). */
const FACTS = new WeakSet<Source>()

/**
 * A default that no config file changes (a Go binary is one process; `sidekiq` is one process per command): a file that
 * cannot be read does not make it an assumption (app/unread-files.ts).
 */
export function fromFact(what: string, ref: string): Source {
  const s = fromDefault(what, ref)
  FACTS.add(s)
  return s
}

/** Is this value's own source a fact of how the program works (fromFact), not a setting's default? */
export const isFact = (v: Sourced<unknown>): boolean => FACTS.has(v.source)

/** Assumptions made because the app sets a value conncalc cannot read (unreadAssumption). */
const UNREAD = new WeakSet<Source>()

/**
 * An assumption standing for a value the app sets where conncalc cannot read it: the number used
 * is then not what the app's setting says, so a reason such as "follows the CPU count" is not why.
 */
export function unreadAssumption(why: string): Source {
  const s = assumed(why)
  UNREAD.add(s)
  return s
}

/** Is this number used because the app's own setting could not be read (unreadAssumption in its chain)? */
export const isUnreadValue = (v: Sourced<unknown>): boolean => v.via?.some((s) => UNREAD.has(s)) ?? false

export const fromLive = (what: string, database: string): Source => ({database, kind: 'live', what})
export const fromHeroku = (app: string, what: string): Source => ({app, kind: 'heroku', what})

/** One line of human text for a source, as --explain prints it. */
export function describeSource(s: Source): string {
  switch (s.kind) {
    case 'flag': {
      return `flag ${s.flag}`
    }

    case 'env': {
      return `${s.name} from ${s.from}`
    }

    case 'file': {
      return `${s.file}:${s.line}`
    }

    case 'default': {
      return `default: ${s.what} (${s.ref})`
    }

    case 'plan': {
      return `plan ${s.plan} in ${s.table}`
    }

    case 'assumed': {
      return `assumption: ${s.why}`
    }

    case 'live': {
      return `live: ${s.what} on ${s.database}`
    }

    case 'heroku': {
      return `heroku app ${s.app}: ${s.what}`
    }
  }
}

export function describeSourced(v: Sourced<unknown>): string {
  const chain = [v.source, ...(v.via ?? [])].map((s) => describeSource(s))
  return chain.join(' ← ')
}

export const isAssumption = (v: Sourced<unknown>): boolean =>
  v.source.kind === 'assumed' || (v.via ?? []).some((s) => s.kind === 'assumed')

/** The file and line a source points at, for a diagnostic's location; empty for other kinds. */
export function fileLineOf(s: Source): {file?: string; line?: number} {
  return s.kind === 'file' ? {file: s.file, line: s.line} : {}
}

/**
 * What a number derived from other values cites: each value's own source and, so an assumption
 * behind it still marks the result (`*`), the assumptions in its chain. The rest of each chain
 * is said where that value itself is explained.
 */
export const derivedFrom = (values: readonly Sourced<unknown>[]): Source[] =>
  uniqueSources(values.map((v) => [v.source, ...(v.via ?? []).filter((s) => s.kind === 'assumed')]))

/** Sources of several values, in order, each once. */
export function uniqueSources(lists: readonly (readonly Source[])[]): Source[] {
  const out: Source[] = []
  const seen = new Set<string>()
  for (const list of lists) {
    for (const s of list) {
      const key = JSON.stringify(s)
      if (!seen.has(key)) {
        seen.add(key)
        out.push(s)
      }
    }
  }

  return out
}
