import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'
import {unsetVarsOf} from '../util/pg-url.js'

const UNKNOWN = 'unknown server: '

/**
 * Pools listed on an unknown server (util/pg-url.ts, "Which server a pool is counted on"): not in the
 * total, so said in the plain output, once per server for the app, naming each pool and its types.
 */
export const rule: Rule = {
  check({budget}) {
    const byServer = new Map<string, {pools: Map<string, {file?: string; line?: number; pool: number; types: string[]}>; replica: boolean}>()
    for (const p of budget.processTypes) {
      for (const e of p.model.otherServerPools) {
        if (!e.server.startsWith(UNKNOWN)) continue
        // Read replicas apart: a follower is its own server for certain, only where it is is unknown.
        const key = `${e.replica ? 'r' : 'p'}${e.server}`
        const group = byServer.get(key) ?? {pools: new Map(), replica: e.replica === true}
        byServer.set(key, group)
        const src = e.pool.source
        const seen = group.pools.get(e.database) ?? {...(src.kind === 'file' ? {file: src.file, line: src.line} : {}), pool: e.pool.value, types: []}
        group.pools.set(e.database, seen)
        if (!seen.types.includes(p.name)) seen.types.push(p.name)
      }
    }

    const out: Diagnostic[] = []
    for (const [key, {pools, replica}] of byServer) {
      const server = key.slice(1)
      const why = server.slice(UNKNOWN.length)
      const vars = unsetVarsOf(server)
      const list = [...pools].map(([db, x]) => `${db} (pool ${x.pool}; ${x.types.join(', ')})`)
      const first = [...pools.values()][0]
      const given = vars?.map((v) => `--env ${v}=…`).join(' ')
      if (replica) {
        out.push({code: 'other-server-pools', file: first.file, line: first.line, message: `read replica not counted in the total (a follower is a server of its own; where is unknown: ${why}): ${list.join(', ')}`, severity: 'info'})
        continue
      }

      out.push({
        code: 'other-server-pools',
        file: first.file,
        fix: vars
          ? `if ${vars.join(' or ')} names a database on the plan's server, give their values (${given} --env DATABASE_URL=…, and any other database var the app reads; an --env-file from \`heroku config -s\` gives them all, or env: in conncalc.yml): a URL on DATABASE_URL's host and port is counted on the plan; if it is another server, nothing to do`
          : "if it connects to the plan's server, keep room for it with --reserve N (N = its connections)",
        line: first.line,
        message: `not counted in the total, on an unknown server (${why}): ${list.join(', ')}`,
        severity: 'warning',
      })
    }

    return out
  },
  code: 'other-server-pools',
  severity: 'warning',
  summary: "A pool connects to a server conncalc cannot identify (its URL is read from an env var other than the platform's DATABASE_URL that has no value, or cannot be read): it is listed, not counted in the plan's total, and said (a read replica's line is info).",
}
