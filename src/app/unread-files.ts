/**
 * Files that are there but cannot be read (model/files.ts UnreadFile: binary, UTF-16 without a byte-order mark,
 * larger than 1 MiB, no permission). A missing file sets nothing, so the framework's default is what runs; an
 * unreadable one may set anything a readable one would, so a default — or an env value the file could override
 * (gunicorn.conf.py's `workers` over WEB_CONCURRENCY, puma.rb's `workers` over it) — used in its place is an
 * assumption naming the file and why, as for a file conncalc cannot parse. Values read from elsewhere (a flag,
 * another file), facts of how a program works (fromFact: a Go binary is one process) and those already assumed are kept as
 * they are.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {FileReader, UnreadFile} from '../model/files.js'
import type {PoolEntry} from '../model/process.js'

import {isAssumption, isFact, type Source, type Sourced, unreadAssumption} from '../model/source.js'

/** How many unread files a reader has met so far: what a step adds after this mark is that step's (unreadSince). */
export const unreadMark = (files: FileReader): number => files.unread?.length ?? 0

/** The unreadable files a step met since `mark`, each once, in the order met. */
export function unreadSince(files: FileReader, mark: number): UnreadFile[] {
  const log = files.unread
  if (!log || log.length === mark) return []
  const seen = new Map<string, UnreadFile>()
  for (let i = mark; i < log.length; i++) if (!seen.has(log[i].path)) seen.set(log[i].path, log[i])
  return [...seen.values()]
}

/**
 * What the config parsers say when they read nothing of a config file (util/yaml.ts, ruby/evaluate.ts: a syntax error,
 * nesting too deep, an alias bomb): the file is there but conncalc reads none of it, as one it cannot read. A code module
 * of the app that does not parse ("reads nothing from this file": Python 2 syntax, a TypeScript form the parser lacks)
 * is one of many the analysis follows, most of which set no number: said, not made a reason to assume every default.
 */
const NOTHING_READ = /^(.*); conncalc uses the defaults instead$/s

/** The files `diagnostics` say were read not at all (NOTHING_READ), each once, with the parser's reason. */
export function unparsedFiles(diagnostics: readonly Diagnostic[]): UnreadFile[] {
  let found: Map<string, UnreadFile> | undefined
  for (const d of diagnostics) {
    if (d.code !== 'unparsable-config' || d.file === undefined) continue
    const m = NOTHING_READ.exec(d.message)
    if (m && !found?.has(d.file)) (found ??= new Map()).set(d.file, {path: d.file, why: m[1]})
  }

  return found ? [...found.values()] : []
}

/** Why a value the unreadable files may set is assumed, one shared source per wording. */
function because(unread: readonly UnreadFile[], value: unknown): Source {
  const named = unread.map((u) => `${u.path} (${u.why})`)
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`
  return unreadAssumption(`${list} ${named.length === 1 ? 'is' : 'are'} there but cannot be read, and may set this; ${String(value)} used instead`)
}

/** `v` as an assumption when the unreadable files may set it (its source is a default or an env value). */
export function assumeUnread<T>(v: Sourced<T>, unread: readonly UnreadFile[]): Sourced<T> {
  if (unread.length === 0 || (v.source.kind !== 'default' && v.source.kind !== 'env') || isFact(v) || isAssumption(v)) return v
  return {...v, via: [...(v.via ?? []), because(unread, v.value)]}
}

/** The pools whose size the unreadable files may set, as assumptions (assumeUnread). */
export function poolsAssumingUnread(pools: PoolEntry[], unread: readonly UnreadFile[]): PoolEntry[] {
  if (unread.length === 0) return pools
  return pools.map((p) => {
    const pool = assumeUnread(p.pool, unread)
    return pool === p.pool ? p : {...p, pool}
  })
}

/** Processes, threads and pools of a step's findings, with what the unreadable files may set assumed. */
export function assumeUnreadCounts<T extends {pools?: PoolEntry[]; processesPerDyno: Sourced<number>; threadsPerProcess: Sourced<number>}>(found: T, unread: readonly UnreadFile[]): T {
  if (unread.length === 0) return found
  const processesPerDyno = assumeUnread(found.processesPerDyno, unread)
  const threadsPerProcess = assumeUnread(found.threadsPerProcess, unread)
  const pools = found.pools && poolsAssumingUnread(found.pools, unread)
  if (processesPerDyno === found.processesPerDyno && threadsPerProcess === found.threadsPerProcess && pools === found.pools) return found
  return {...found, processesPerDyno, threadsPerProcess, ...(pools ? {pools} : {})}
}
