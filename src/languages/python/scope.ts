/**
 * Python scopes that copy on write (issue #19). The evaluator (evaluate.ts) walks a body it cannot decide
 * (an undecided `if` arm, a loop, an `except`, a `def` at its definition) and each call of the app's functions
 * in a copy of the scope around it: a copy per arm, per body, per invocation, which was ~9 M entries copied on
 * pass-culture/pass-culture-api and a fifth of its time in the garbage collector.
 *
 * fork() gives a scope that reads through its parent and keeps only what it writes itself (a value, or a
 * tombstone where it deletes a parent's name). It reads exactly as `new Map(parent)` would have, at all times:
 * - The parent's own writes never show through: before the parent changes, each fork still reading through it
 *   takes a full copy of the parent as it is then (materialize), which is the copy `new Map(parent)` made.
 * - A fork the evaluator is done with (release) stops being one the parent copies into, and may not be read
 *   again (it throws, rather than read a parent that has moved on). A fork something keeps (a function's
 *   defining scope, for the calls of it made later: capture) is never released, nor is any scope it reads through.
 * - Its order is a copy's: the parent's names in the parent's order, then the names it adds (or deletes and sets
 *   again) in the order it sets them.
 * The parent is not always a CowScope (a scope given from outside): then fork() copies it at once.
 */
import type {DynamicWrite, EvalValue} from './values.js'

/** A name a fork deleted that its parent holds. */
const TOMBSTONE = {file: '', kind: 'unknown', line: 0, reason: 'deleted'} as EvalValue

const own = Map.prototype

export class CowScope extends Map<string, EvalValue> {
  // Fields are #private: a scope is compared as JSON here and there (shared-eval sameAnswer), as its Map never showed them.
  /** The scope this one reads through (its parent, unchanged since the fork), or none: then its entries are all of it. */
  #up: CowScope | undefined
  /** The forks that read through this scope now: each is copied before this scope changes. */
  #forks: CowScope[] | undefined
  /** Names of the parent this fork deleted and then set again: they come after the parent's names, as a copy's would. */
  #moved: Set<string> | undefined
  /** A function keeps it (or a scope reading through it) as its defining scope: it is never released. */
  #kept = false
  #released = false

  /** A scope that reads as `new Map(parent)` (see the file's comment); the class of `this` (FrameScope). */
  static fork<T extends CowScope>(this: new () => T, parent: Map<string, EvalValue>): T {
    const s = new this()
    if (parent instanceof CowScope) {
      parent.check()
      s.#up = parent
      ;(parent.#forks ??= []).push(s)
    } else for (const [k, v] of parent) own.set.call(s, k, v)
    return s
  }

  /** It is read by something kept (a function's defining scope): neither it nor the scopes it reads through are released. */
  capture(): void {
    if (this.#kept) return
    this.#kept = true
    this.#up?.capture()
  }

  /** The evaluator is done with it: the parent no longer copies itself into it, and it may not be read again. Kept ones stay. */
  release(): void {
    if (this.#kept || this.#released) return
    // A fork of it not released first (nothing the evaluator does, but it must not read a cleared scope): its copy now.
    this.changing()
    this.#released = true
    const forks = this.#up ? this.#up.#forks : undefined
    if (forks) {
      const i = forks.lastIndexOf(this)
      if (i >= 0) forks.splice(i, 1)
    }

    this.#up = undefined
    own.clear.call(this)
  }

  private check(): void {
    if (this.#released) throw new Error('python scope read after its release (an internal error of conncalc)')
  }

  /** Before this scope changes: each fork reading through it takes its copy of it as it is now. */
  private changing(): void {
    this.check()
    const forks = this.#forks
    if (!forks) return
    this.#forks = undefined
    for (const f of forks) f.materialize()
  }

  /** Become a full copy of what it reads now (its parent is about to change). Its own forks read the same through it. */
  private materialize(): void {
    if (!this.#up) return
    const all = [...this.entries()]
    this.#up = undefined
    this.#moved = undefined
    own.clear.call(this)
    for (const [k, v] of all) own.set.call(this, k, v)
  }

  /** The name's value as this scope holds it (a ModuleScope's own get adds its unread names on top). */
  lookup(name: string): EvalValue | undefined {
    this.check()
    const v = own.get.call(this, name) as EvalValue | undefined
    if (v !== undefined) return v === TOMBSTONE ? undefined : v
    return this.#up?.lookup(name)
  }

  override get(name: string): EvalValue | undefined {
    return this.lookup(name)
  }

  override has(name: string): boolean {
    return this.lookup(name) !== undefined
  }

  override set(name: string, value: EvalValue): this {
    this.changing()
    const up = this.#up
    if (up && own.get.call(this, name) === TOMBSTONE) {
      own.delete.call(this, name)
      ;(this.#moved ??= new Set()).add(name)
    }

    own.set.call(this, name, value)
    return this
  }

  override delete(name: string): boolean {
    this.changing()
    const up = this.#up
    if (!up) return own.delete.call(this, name)
    const mine = own.get.call(this, name) as EvalValue | undefined
    if (mine === TOMBSTONE) return false
    if (up.lookup(name) === undefined) return own.delete.call(this, name)
    own.delete.call(this, name)
    own.set.call(this, name, TOMBSTONE)
    this.#moved?.delete(name)
    return true
  }

  override clear(): void {
    this.changing()
    this.#up = undefined
    this.#moved = undefined
    own.clear.call(this)
  }

  override get size(): number {
    this.check()
    const up = this.#up
    if (!up) return super.size
    let n = up.size
    for (const [k, v] of own.entries.call(this) as MapIterator<[string, EvalValue]>) {
      if (v === TOMBSTONE) n--
      else if (up.lookup(k) === undefined) n++
    }

    return n
  }

  // A scope that reads through no parent (a module's names, which analyzers read whole) iterates as a Map does.
  override entries(): MapIterator<[string, EvalValue]> {
    this.check()
    return this.#up ? this.forkEntries(this.#up) : (own.entries.call(this) as MapIterator<[string, EvalValue]>)
  }

  override [Symbol.iterator](): MapIterator<[string, EvalValue]> {
    return this.entries()
  }

  override keys(): MapIterator<string> {
    this.check()
    return this.#up ? this.forkKeys() : (own.keys.call(this) as MapIterator<string>)
  }

  override values(): MapIterator<EvalValue> {
    this.check()
    return this.#up ? this.forkValues() : (own.values.call(this) as MapIterator<EvalValue>)
  }

  override forEach(f: (value: EvalValue, key: string, map: Map<string, EvalValue>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) f.call(thisArg, v, k, this)
  }

  private *forkEntries(up: CowScope): Generator<[string, EvalValue], undefined> {
    const moved = this.#moved
    for (const [k, v] of up.entries()) {
      const mine = own.get.call(this, k) as EvalValue | undefined
      if (mine === undefined) yield [k, v]
      else if (mine !== TOMBSTONE && !moved?.has(k)) yield [k, mine]
    }

    for (const [k, v] of own.entries.call(this) as MapIterator<[string, EvalValue]>) {
      if (v !== TOMBSTONE && (moved?.has(k) || up.lookup(k) === undefined)) yield [k, v]
    }
  }

  private *forkKeys(): Generator<string, undefined> {
    for (const [k] of this.entries()) yield k
  }

  private *forkValues(): Generator<EvalValue, undefined> {
    for (const [, v] of this.entries()) yield v
  }

  /**
   * The names whose value here differs from `parent`'s, when this scope is still a fork reading through `parent`
   * (nothing changed `parent` since): the names it set, in the order it set them, without those set to the value
   * the parent holds. Undefined when it is not such a fork, or when it deleted one of the parent's names.
   */
  changedFrom(parent: Map<string, EvalValue>): string[] | undefined {
    this.check()
    if (this.#up !== parent) return undefined
    const out: string[] = []
    for (const [k, v] of own.entries.call(this) as MapIterator<[string, EvalValue]>) {
      if (v === TOMBSTONE) return undefined
      if (v !== parent.get(k)) out.push(k)
    }

    return out
  }
}

/** A fork of `scope` (see the file's comment). */
export const fork = (scope: Map<string, EvalValue>): CowScope => CowScope.fork(scope)

/** The evaluator is done with `scope` (a fork): see CowScope.release. */
export function release(scope: Map<string, EvalValue>): void {
  if (scope instanceof CowScope) scope.release()
}

/** A function keeps `scope` as its defining scope: see CowScope.capture. */
export function capture(scope: Map<string, EvalValue>): void {
  if (scope instanceof CowScope) scope.capture()
}

/**
 * A module's globals. Code that sets names through the namespace itself (`globals().update(cfg)`,
 * `locals()[k] = v` at module level, `vars().update(...)`) with names conncalc cannot read leaves any
 * name possibly set: once the module has been walked (seal()), a name it does not hold is that write's
 * unknown value, so a reader asking for `workers` gets "may be set at gunicorn.conf.py:12", never a
 * silent absence (and the default that would follow).
 */
export class ModuleScope extends CowScope {
  readonly dynamic: DynamicWrite[] = []
  private sealed = false

  seal(): void {
    this.sealed = true
  }

  override get(name: string): EvalValue | undefined {
    const v = super.get(name)
    if (v !== undefined || !this.sealed || this.dynamic.length === 0 || name.startsWith('__')) return v
    const w = this.dynamic[0]
    const more = this.dynamic.length > 1 ? ` (and ${this.dynamic.length - 1} more such line${this.dynamic.length > 2 ? 's' : ''})` : ''
    return {file: w.file, kind: 'unknown', line: w.line, reason: `\`${w.text}\` (${w.file}:${w.line})${more} sets names conncalc cannot read, and \`${name}\` may be one of them`}
  }
}
