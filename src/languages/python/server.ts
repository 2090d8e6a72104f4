/**
 * What every Python server analyzer shares: the pools of the app it runs, and
 * event-loop servers' concurrency (bounded by the pool).
 */
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PythonProject} from './modules.js'

import {assumed, fromDefault, sourced, type Sourced} from '../../model/source.js'
import {appPools} from './app-pools.js'

export interface PythonServerInput {
  ctx: AnalyzerContext
  diagnostics: Diagnostic[]
  entries: string[]
  processes: Sourced<number>
  project: PythonProject
  server: string
  /** Threads that may each hold a connection, or 'event-loop' for asyncio servers (bounded by the pool). */
  threads: 'event-loop' | Sourced<number>
  /** The threads are greenlets (gevent/eventlet): a pool smaller than them is the intended bound. */
  greenlets?: boolean
}

export async function pythonAnalysis(input: PythonServerInput): Promise<ServerAnalysis> {
  const {ctx} = input
  const eventLoop = input.threads === 'event-loop'
  const placeholder = sourced(1, assumed(`${input.server} runs requests on an asyncio event loop; without an async pool that bounds them, database work is assumed to run on one thread at a time (Django runs sync ORM calls on one thread per process)`))
  const threads0 = input.threads === 'event-loop' ? placeholder : input.threads
  const found = await appPools(ctx, input.project, input.entries, threads0)
  let threads = threads0
  if (eventLoop && found.pools && found.framework === 'sqlalchemy') {
    const total = found.pools.reduce((a, p) => a + p.pool.value, 0)
    threads = sourced(total, fromDefault(`${input.server} runs requests on an asyncio event loop: every pooled connection can be in use at once`, 'https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html'), found.pools.map((p) => p.pool.source))
  }

  // With greenlets a pool smaller than them is how the app bounds its connections:
  // the note that "only a pool bounds them" has nothing left to say.
  const bounded = input.greenlets && found.pools !== undefined && found.pools.length > 0 && found.pools.every((p) => p.pool.value < threads.value)
  const diagnostics = bounded ? input.diagnostics.filter((d) => d.code !== 'greenlet-concurrency') : input.diagnostics
  return {
    diagnostics: [...diagnostics, ...found.diagnostics],
    ...(input.greenlets ? {greenlets: true} : {}),
    language: 'python',
    otherServerPools: found.otherServerPools,
    pools: found.pools ?? [],
    processesPerDyno: input.processes,
    server: input.server,
    threadsPerProcess: threads,
  }
}
