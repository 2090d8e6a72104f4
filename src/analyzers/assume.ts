/**
 * `--assume TYPE=PROCESSES:THREADS[:POOL]`: the user's numbers for what static
 * analysis cannot know (a Go binary, an unrecognised command, code conncalc
 * cannot read). They replace the analyzer's numbers for that type, sourced as
 * the flag, and silence the findings that asked for them.
 */
import type {AppModel} from '../model/process.js'

import {UsageError} from '../errors.js'
import {fromFlag, sourced} from '../model/source.js'

export interface Assumption {
  flag: string
  pool?: number
  processes: number
  threads: number
}

const HINT = 'e.g. --assume web=2:5:5 (2 processes per dyno, 5 threads each, a pool of 5); the pool may be left out: --assume worker=1:1'

export function parseAssume(values: readonly string[]): Map<string, Assumption> {
  const out = new Map<string, Assumption>()
  for (const v of values) {
    const m = /^([A-Za-z0-9_-]+)=(\d+):(\d+)(?::(\d+))?$/.exec(v.trim())
    if (!m) throw new UsageError(`--assume expects TYPE=PROCESSES:THREADS[:POOL], got "${v.length > 60 ? `${v.slice(0, 60)}…` : v}"`, HINT)
    const [processes, threads] = [Number(m[2]), Number(m[3])]
    const pool = m[4] === undefined ? undefined : Number(m[4])
    if (processes < 1 || threads < 1 || pool === 0) throw new UsageError(`--assume ${v}: processes and threads must be at least 1, and a pool at least 1`, HINT)
    out.set(m[1], {flag: `--assume ${v.trim()}`, pool, processes, threads})
  }

  return out
}

/** Diagnostics that only asked for numbers the user has now given. */
const ANSWERED = new Set(['unbounded-pool', 'unknown-command'])

export function applyAssumptions(app: AppModel, assumptions: Map<string, Assumption>, procfile: string): void {
  const known = app.processes.map((p) => p.name)
  const missing = [...assumptions.keys()].filter((t) => !known.includes(t))
  if (missing.length > 0) {
    throw new UsageError(`--assume names ${missing.map((t) => `"${t}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in ${procfile}`, `process types in the Procfile: ${known.join(', ') || '(none)'}`)
  }

  for (const p of app.processes) {
    const a = assumptions.get(p.name)
    if (!a) continue
    const source = fromFlag(a.flag)
    p.processesPerDyno = sourced(a.processes, source)
    p.threadsPerProcess = sourced(a.threads, source)
    if (a.pool !== undefined) p.pools = [{database: 'assumed', pool: sourced(a.pool, source), server: 'DATABASE_URL'}]
  }

  app.diagnostics = app.diagnostics.filter((d) => !(d.processType && assumptions.has(d.processType) && ANSWERED.has(d.code)))
}
