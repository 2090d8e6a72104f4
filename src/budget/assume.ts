/**
 * What the user says a process type does, over what static analysis found:
 * `--assume TYPE=PROCESSES:THREADS[:POOL]` (a Go binary, an unrecognised
 * command, code conncalc cannot read), the config file's `assumptions`, and the
 * changes `plan --suggest` proposes when they are checked. They replace the
 * analyzer's numbers for that type, sourced to the flag or the config line, and
 * silence the findings that asked for them.
 */
import type {AssumptionEntry} from '../model/request.js'
import type {Assumption} from '../model/config.js'
import type {AppModel, ProcessModel} from '../model/process.js'

import {UsageError} from '../util/errors.js'
import {MAX_BACKENDS} from '../util/numbers.js'
import {fromFlag, sourced} from '../model/source.js'

/** One `--assume` flag, parsed. */
export interface AssumeFlag {
  flag: string
  values: Assumption
}

const HINT =
  'e.g. --assume web=2:5:5 (2 processes per dyno, 5 threads each, a pool of 5; the pool may be left out), or --assume web.extras=1:0 (1 connection per process and 0 per dyno outside the pools)'

/**
 * `TYPE=PROCESSES:THREADS[:POOL]`, or `TYPE.extras=PER_PROCESS[:PER_DYNO]` for the
 * connections outside the pools (an assumed master connection, a LISTEN connection).
 */
export function parseAssume(values: readonly string[]): Map<string, AssumeFlag> {
  const out = new Map<string, AssumeFlag>()
  for (const v of values) {
    const text = v.trim()
    const flag = `--assume ${text}`
    const numbers = /^([A-Za-z0-9_-]+)=(\d+):(\d+)(?::(\d+))?$/.exec(text)
    const extras = /^([A-Za-z0-9_-]+)\.extras=(\d+)(?::(\d+))?$/.exec(text)
    if (numbers) {
      const [processes, threads] = [Number(numbers[2]), Number(numbers[3])]
      const pool = numbers[4] === undefined ? undefined : Number(numbers[4])
      if (processes < 1 || threads < 1 || pool === 0) throw new UsageError(`--assume ${text}: processes and threads must be at least 1, and a pool at least 1`, HINT)
      tooMany(text, [processes, threads, pool ?? 0])
      merge(out, numbers[1], flag, {pool, processes, threads})
    } else if (extras) {
      tooMany(text, [Number(extras[2]), Number(extras[3] ?? 0)])
      merge(out, extras[1], flag, {extrasPerDyno: extras[3] === undefined ? undefined : Number(extras[3]), extrasPerProcess: Number(extras[2])})
    } else {
      throw new UsageError(`--assume expects TYPE=PROCESSES:THREADS[:POOL] or TYPE.extras=N[:M], got "${v.length > 60 ? `${v.slice(0, 60)}…` : v}"`, HINT)
    }
  }

  return out
}

/** A number above what any PostgreSQL server allows is a typo (`--assume web=99999999999999999999:1` printed a 21-digit budget). */
function tooMany(text: string, values: number[]): void {
  const big = values.find((n) => n > MAX_BACKENDS)
  if (big !== undefined) throw new UsageError(`--assume ${text}: ${big} is more than any PostgreSQL server has connection slots (${MAX_BACKENDS}); a typo?`, HINT)
}

/** Both forms may name one type: the later flag wins for the values it gives. */
function merge(out: Map<string, AssumeFlag>, type: string, flag: string, values: Assumption): void {
  const given = Object.fromEntries(Object.entries(values).filter(([, x]) => x !== undefined)) as Assumption
  const before = out.get(type)
  out.set(type, {flag: before ? `${before.flag} ${flag}` : flag, values: {...before?.values, ...given}})
}

/** `--assume` flags as assumption entries, sourced to the flag. */
export function assumeEntries(flags: readonly string[]): Map<string, AssumptionEntry> {
  return new Map([...parseAssume(flags)].map(([type, a]) => [type, {source: fromFlag(a.flag), values: a.values}]))
}

/** Diagnostics that only asked for numbers the user has now given. */
const answers = (values: Assumption): string[] => [
  ...(values.processes !== undefined && values.threads !== undefined ? ['unbounded-pool', 'unknown-command'] : []),
  ...(values.pool !== undefined || values.pgbouncer !== undefined ? ['unbounded-pool'] : []),
  // The user has said what the master holds.
  ...(values.extrasPerDyno !== undefined ? ['fork-disconnect-missing'] : []),
]

/** Apply entries to the types they name (the caller has checked the names). */
export function applyAssumptions(app: AppModel, assumptions: ReadonlyMap<string, AssumptionEntry>): void {
  for (const [type, entry] of assumptions) {
    const p = app.processes.find((x) => x.name === type)
    if (p) applyAssumption(p, entry)
  }

  app.diagnostics = app.diagnostics.filter((d) => {
    const entry = d.processType ? assumptions.get(d.processType) : undefined
    return !(entry && answers(entry.values).includes(d.code))
  })
}

export function applyAssumption(p: ProcessModel, {source: typeSource, sources, values}: AssumptionEntry): void {
  const at = (key: keyof Assumption) => sources?.[key] ?? typeSource
  if (values.processes !== undefined) p.processesPerDyno = sourced(values.processes, at('processes'))
  if (values.threads !== undefined) p.threadsPerProcess = sourced(values.threads, at('threads'))
  // The user's count replaces every extra found or assumed: one entry that says so.
  if (values.extrasPerProcess !== undefined) {
    p.extrasPerProcess = values.extrasPerProcess === 0 ? [] : [{count: sourced(values.extrasPerProcess, at('extrasPerProcess')), reason: 'connections outside the pool, as given'}]
  }

  if (values.extrasPerDyno !== undefined) {
    p.extrasPerDyno = values.extrasPerDyno === 0 ? [] : [{count: sourced(values.extrasPerDyno, at('extrasPerDyno')), reason: 'connections per dyno outside the pools, as given'}]
  }

  if (values.pool !== undefined) {
    const pool = sourced(values.pool, at('pool'))
    // Every database entry on the budgeted server gets the pool; with none known, one entry.
    p.pools = p.pools.length === 0 ? [{database: 'assumed', pool, server: 'DATABASE_URL'}] : p.pools.map((e) => ({...e, pool}))
  }

  if (values.pgbouncer !== undefined) {
    const {poolSize, reservePoolSize} = values.pgbouncer
    // The cap: PgBouncer opens server connections as clients ask, up to pool + reserve (the budget takes the smaller).
    p.serverConnectionsPerDyno = {
      count: sourced(poolSize + reservePoolSize, at('pgbouncer')),
      reason: `PgBouncer buildpack: PGBOUNCER_DEFAULT_POOL_SIZE ${poolSize} + PGBOUNCER_RESERVE_POOL_SIZE ${reservePoolSize}`,
    }
  }
}
