/**
 * Go: one process per dyno. database/sql has no default cap on open
 * connections (SetMaxOpenConns: "The default is 0 (unlimited)"), so unless the
 * app uses pgxpool (MaxConns default max(4, NumCPU)) the count cannot be known
 * statically: an `unbounded-pool` warning asks for --assume.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, fromFile, sourced} from '../../model/source.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {isGo} from '../common/matchers.js'

const SQL = 'https://pkg.go.dev/database/sql#DB.SetMaxOpenConns'
const PGXPOOL = 'https://github.com/jackc/pgx/blob/master/pgxpool/pool.go'

/** Required modules from go.mod (`require x v1` and `require ( … )` blocks), with their lines. */
export function goModules(text: string): Map<string, number> {
  const out = new Map<string, number>()
  let inBlock = false
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\/\/.*$/, '').trim()
    if (/^require\s*\($/.test(line)) inBlock = true
    else if (inBlock && line === ')') inBlock = false
    else {
      const m = inBlock ? /^(\S+)\s+v\S+/.exec(line) : /^require\s+(\S+)\s+v\S+/.exec(line)
      if (m) out.set(m[1], i + 1)
    }
  }

  return out
}

export const go: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const mod = ctx.files.read('go.mod')
    const modules = mod ? goModules(mod.text) : new Map<string, number>()
    const pgx = [...modules.keys()].find((m) => /^github\.com\/jackc\/pgx\/v[45]$/.test(m))
    const diagnostics: Diagnostic[] = []
    const processes = sourced(1, fromDefault('a Go binary is one process per dyno', 'https://devcenter.heroku.com/articles/go-support'))
    if (pgx) {
      const n = ctx.dyno?.nproc
      const cpus = n?.value ?? 8
      const pool = sourced(Math.max(4, cpus), fromFile('go.mod', modules.get(pgx)!), [fromDefault('pgxpool default MaxConns: max(4, runtime.NumCPU())', PGXPOOL), ...(n ? [n.source] : []), assumed('the app is assumed to use pgxpool without pool_max_conns; conncalc does not read Go code')])
      diagnostics.push(...cpuCountWarning(ctx, pool, 'pgxpool MaxConns', 'add pool_max_conns=N to the connection string'))
      return {
        diagnostics,
        language: 'go',
        pools: [{database: 'pgxpool', pool, server: 'DATABASE_URL'}],
        processesPerDyno: processes,
        server: 'go',
        threadsPerProcess: sourced(pool.value, fromDefault('goroutines can use every pooled connection at once', PGXPOOL), [pool.source]),
      }
    }

    diagnostics.push({
      code: 'unbounded-pool',
      fix: `call db.SetMaxOpenConns(N) in the app and tell conncalc: --assume ${ctx.processType}=1:N:N`,
      message: `${ctx.processType}: Go's database/sql opens as many connections as goroutines ask for (no default limit); conncalc counts 1 until you give --assume`,
      processType: ctx.processType,
      severity: 'warning',
    })
    return {
      diagnostics,
      language: 'go',
      pools: [],
      processesPerDyno: processes,
      server: 'go',
      threadsPerProcess: sourced(1, assumed(`database/sql has no default cap (${SQL}); 1 connection counted until --assume says more`)),
    }
  },
  id: 'go',
  matches: isGo,
}
