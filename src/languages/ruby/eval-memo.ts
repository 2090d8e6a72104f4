/**
 * One evaluation of a Ruby file (config/puma.rb, an initializer) or an ERB file (database.yml,
 * sidekiq.yml) serves every process type that would read the same answers from it.
 *
 * Each process type evaluates the app's files with its own env and facts, because a file may
 * ask (`ENV["DYNO"]`, `ENV.fetch("RAILS_MAX_THREADS")`, `Sidekiq.server?`, `$0`); most ask
 * nothing that differs between types, and a 15,000-type Rails Procfile evaluated database.yml
 * and config/puma.rb 15,000 times. Here the evaluation runs with recording stand-ins for the
 * env, the known calls, the process facts and the platform's variables: what it read (each name
 * and the answer it got) is kept with the result. Another type reuses the result only if every
 * one of those reads gives it an equal answer (the same entry, or one equal in value and
 * source) — so a type whose RAILS_MAX_THREADS, DYNO or `Sidekiq.server?` differs evaluates
 * the file itself. The text, path, app environment and processor count are part of the key.
 *
 * Results are kept per `scope` (one app's file reader): they may hold that app's sources, which
 * a config file's several apps each rename in place (app/plan.ts, tagApp); one app never sees
 * another's. Results are shared, so callers treat them as read-only (they already did: each
 * type copies what it keeps).
 */
import {Env, type EnvEntry} from '../../model/env.js'
import type {Source, Sourced} from '../../model/source.js'
import type {EvalOptions, RubyProcess, RubyValue} from './evaluate.js'

/** What an evaluation may read about the process it runs in. */
export type EvalInputs = Pick<EvalOptions, 'appEnv' | 'env' | 'knownCalls' | 'presentEnv' | 'process' | 'processors'>

type Read = ['$0', '', Sourced<string> | undefined] | ['call' | 'const', string, Sourced<RubyValue> | Sourced<boolean> | undefined] | ['env', string, EnvEntry | undefined] | ['deployer', string, Source | undefined] | ['present', string, boolean]

interface Log {
  reads: Read[]
  /** Set when the evaluation read something not replayable here (every env name, a map's whole contents). */
  opaque: boolean
}

interface Kept {
  reads: Read[]
  result: unknown
}

/** Evaluations kept per key: types whose reads all differ (a per-type DYNO) stop adding after this many. */
const KEPT_PER_KEY = 16

const memos = new WeakMap<object, Map<string, Map<string, Kept[]>>>()

/**
 * `run(inputs)` for this file, or the result of an earlier run whose every read answers the
 * same for `inputs`. `kind` names what run does with the text ('erb', 'ruby'); no `scope`, no reuse.
 */
export async function evaluateOnce<T>(scope: object | undefined, kind: string, file: {path: string; text: string}, inputs: EvalInputs, run: (inputs: EvalInputs) => Promise<T>): Promise<T> {
  if (!scope) return run(inputs)
  let byKey = memos.get(scope)
  if (!byKey) memos.set(scope, (byKey = new Map()))
  // Processors are read as a value (not through a method), so they are part of the key.
  const key = `${kind}\0${file.path}\0${inputs.appEnv}\0${inputs.processors ? cpuKey(inputs.processors) : ''}`
  let byText = byKey.get(key)
  if (!byText) byKey.set(key, (byText = new Map()))
  let kept = byText.get(file.text)
  if (!kept) byText.set(file.text, (kept = []))
  for (const k of kept) if (k.reads.every((r) => sameRead(r, inputs))) return k.result as T

  const log: Log = {opaque: false, reads: []}
  const result = await run(recording(inputs, log))
  if (!log.opaque && kept.length < KEPT_PER_KEY) kept.push({reads: log.reads, result})
  return result
}

/** The processor count as a key: its value and where it came from (one string per value object; types share the object). */
const cpuKeys = new WeakMap<object, string>()
function cpuKey(processors: NonNullable<EvalInputs['processors']>): string {
  let key = cpuKeys.get(processors)
  if (key === undefined) cpuKeys.set(processors, (key = `${processors.value}\0${JSON.stringify(processors)}`))
  return key
}

/** Does `inputs` give the answer the read got? */
function sameRead(read: Read, inputs: EvalInputs): boolean {
  switch (read[0]) {
    case '$0': {
      return same(read[2], inputs.process?.programName)
    }

    case 'call': {
      return same(read[2], inputs.knownCalls?.get(read[1]))
    }

    case 'const': {
      return same(read[2], inputs.process?.constants.get(read[1]))
    }

    case 'env': {
      return same(read[2], inputs.env.get(read[1]))
    }

    case 'present': {
      return read[2] === (inputs.presentEnv?.has(read[1]) === true)
    }

    case 'deployer': {
      return read[2] === inputs.env.deployerSets(read[1])
    }
  }
}

/** The inputs, with every read of the env, known calls, process facts and platform variables logged. */
function recording(inputs: EvalInputs, log: Log): EvalInputs {
  const {knownCalls, presentEnv, process} = inputs
  const out: EvalInputs = {...inputs, env: new RecordingEnv(inputs.env, log)}
  if (knownCalls) out.knownCalls = new RecordingMap(knownCalls, log, 'call')
  if (presentEnv) out.presentEnv = new RecordingSet(presentEnv, log)
  if (process) {
    const constants = new RecordingMap(process.constants, log, 'const')
    out.process = {
      constants,
      get programName() {
        log.reads.push(['$0', '', process.programName])
        return process.programName
      },
    } satisfies RubyProcess
  }

  return out
}

class RecordingEnv extends Env {
  constructor(
    private readonly inner: Env,
    private readonly log: Log,
  ) {
    super(inner.layers)
  }

  override get(name: string): EnvEntry | undefined {
    const e = this.inner.get(name)
    this.log.reads.push(['env', name, e])
    return e
  }

  override deployerSets(name: string): Source | undefined {
    const s = this.inner.deployerSets(name)
    this.log.reads.push(['deployer', name, s])
    return s
  }

  override names(): string[] {
    this.log.opaque = true
    return this.inner.names()
  }

  override with(layer: Parameters<Env['with']>[0]): Env {
    this.log.opaque = true
    return this.inner.with(layer)
  }
}

class RecordingMap<V extends Sourced<boolean> | Sourced<RubyValue>> implements ReadonlyMap<string, V> {
  constructor(
    private readonly inner: ReadonlyMap<string, V>,
    private readonly log: Log,
    private readonly kind: 'call' | 'const',
  ) {}

  get size(): number {
    this.log.opaque = true
    return this.inner.size
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    this.log.opaque = true
    return this.inner[Symbol.iterator]()
  }

  entries(): MapIterator<[string, V]> {
    this.log.opaque = true
    return this.inner.entries()
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    this.log.opaque = true
    for (const [k, v] of this.inner) f(v, k, this)
  }

  get(key: string): V | undefined {
    const v = this.inner.get(key)
    this.log.reads.push([this.kind, key, v] as Read)
    return v
  }

  has(key: string): boolean {
    this.log.reads.push([this.kind, key, this.inner.get(key)] as Read)
    return this.inner.has(key)
  }

  keys(): MapIterator<string> {
    this.log.opaque = true
    return this.inner.keys()
  }

  values(): MapIterator<V> {
    this.log.opaque = true
    return this.inner.values()
  }
}

class RecordingSet implements ReadonlySet<string> {
  constructor(
    private readonly inner: ReadonlySet<string>,
    private readonly log: Log,
  ) {}

  get size(): number {
    this.log.opaque = true
    return this.inner.size
  }

  [Symbol.iterator](): SetIterator<string> {
    this.log.opaque = true
    return this.inner[Symbol.iterator]()
  }

  entries(): SetIterator<[string, string]> {
    this.log.opaque = true
    return this.inner.entries()
  }

  forEach(f: (value: string, key: string, set: ReadonlySet<string>) => void): void {
    this.log.opaque = true
    for (const v of this.inner) f(v, v, this)
  }

  has(key: string): boolean {
    const v = this.inner.has(key)
    this.log.reads.push(['present', key, v])
    return v
  }

  keys(): SetIterator<string> {
    this.log.opaque = true
    return this.inner.keys()
  }

  values(): SetIterator<string> {
    this.log.opaque = true
    return this.inner.values()
  }
}

/**
 * Equal answers: the same object, or plain data equal key by key (an env entry made again for
 * another type with the same value from the same place). Anything else (a class instance, a
 * structure deeper than any answer here) counts as different: never reuse on a doubt.
 */
function same(a: unknown, b: unknown, depth = 0): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 8) return false
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i], depth + 1))
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1))
}
