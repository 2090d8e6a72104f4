import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'
import {commandFile, setForType} from '../model/command-site.js'

/** Servers whose processes run one request or job at a time and fork (Heroku: pool 1 or 2 is enough). */
export const SINGLE_THREADED = new Map([
  ['delayed_job', 'Delayed Job'],
  ['resque', 'Resque'],
  ['unicorn', 'Unicorn'],
  ['pitchfork', 'Pitchfork'],
])

const RECOMMENDED = 2

/** The env var a pool is read from (`pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>`), if any. */
function envVarOf(sources: {kind: string; name?: string}[]): string | undefined {
  return sources.find((s) => s.kind === 'env')?.name
}

export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const noun = SINGLE_THREADED.get(p.server)
      if (!noun || p.dynos === 0) continue
      for (const entry of p.model.pools) {
        const pool = entry.pool.value
        if (pool <= RECOMMENDED) continue
        const procs = p.dynos * p.processesPerDyno
        const saved = (pool - RECOMMENDED) * procs
        const src = entry.pool.source
        const name = envVarOf([src, ...(entry.pool.via ?? [])] as {kind: string; name?: string}[])
        const db = p.model.pools.length > 1 ? ` of database "${entry.database}"` : ''
        out.push({
          code: 'pool-oversized',
          file: src.kind === 'file' ? src.file : undefined,
          fix: name
            ? `give ${p.name} its own pool: ${setForType(p.model.origin, p.name, `${name}=${RECOMMENDED}`, p.command)}`
            : `set the pool for ${p.name} to ${RECOMMENDED} (e.g. read it from an env var set on its command line in ${commandFile(p.model.origin)})`,
          line: src.kind === 'file' ? src.line : undefined,
          message: `pool${db} (${pool}) for ${p.name}: ${noun} runs one ${p.server === 'unicorn' || p.server === 'pitchfork' ? 'request' : 'job'} at a time per process, so ${procs} process${procs === 1 ? '' : 'es'} could hold up to ${pool * procs} connections if they leak or hang where pool ${RECOMMENDED} caps them at ${RECOMMENDED * procs} (${saved} fewer); Heroku recommends a pool of 1 or 2 for single-threaded servers`,
          processType: p.name,
          severity: 'info',
        })
      }
    }

    return out
  },
  code: 'pool-oversized',
  severity: 'info',
  summary: 'A single-threaded forking server (Unicorn, Resque, Delayed Job) has a pool above 2: the ceiling grows with no benefit.',
}
