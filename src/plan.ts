import {dirname, relative, resolve} from 'node:path'

import type {ProcessModel} from './model/process.js'
import type {FailOn, PlanInfo, Report} from './report.js'

import {analyzeApp} from './analyzers/app.js'
import {applyAssumptions, parseAssume} from './analyzers/assume.js'
import {InputError, UsageError} from './errors.js'
import {loadAppInput} from './io/load-app.js'
import {loadBuiltinPlans, loadPlansFile} from './io/plans.js'
import {fromDefault, fromFlag, sourced, type Sourced} from './model/source.js'
import {type Plan, type PlanTable, planSource, requirePlan, smallestPlanFitting} from './plans/table.js'
import {buildReport} from './report.js'

/** What `conncalc plan` needs, already parsed from flags. */
export interface PlanOptions {
  appEnv?: string
  /** --assume TYPE=PROCESSES:THREADS[:POOL], repeatable. */
  assume?: string[]
  env: string[] // KEY=VALUE
  envFiles: string[]
  failOn: FailOn
  limit?: number
  plan?: string
  plansFile?: string
  /** --pooled: types that connect through Heroku's server-side pool (DATABASE_CONNECTION_POOL_URL). */
  pooled?: string[]
  procfile: string
  reserve?: number
  scale: string[]
  warnAt: number
  /**
   * plan --live: reads the live database once the app's files are read (so input
   * errors come first); its limit is used when neither --limit nor --plan is given.
   */
  live?: () => Promise<Sourced<number>>
}

export const toInfo = (table: PlanTable, p: Plan): PlanInfo => ({
  confidence: p.confidence,
  limit: p.limit,
  name: p.name,
  note: p.note,
  source: p.source,
  table: table.path,
  tier: p.tier,
})

/** The one function behind `conncalc plan`: read → analyze → budget → rules. */
export async function runPlan(options: PlanOptions): Promise<{procfile: string; report: Report}> {
  if (!(options.warnAt > 0 && options.warnAt <= 1)) throw new UsageError(`--warn-at must be a fraction between 0 and 1, got ${options.warnAt}`, 'e.g. --warn-at 0.8')
  if (options.reserve !== undefined && options.reserve < 0) throw new UsageError(`--reserve must be 0 or more, got ${options.reserve}`)
  if (options.limit !== undefined && options.limit <= 0) throw new UsageError(`--limit must be a positive number of connections, got ${options.limit}`)

  const table = options.plansFile ? await loadPlansFile(options.plansFile) : loadBuiltinPlans()
  const plan = options.plan ? requirePlan(table, options.plan) : undefined

  const assumptions = parseAssume(options.assume ?? [])
  const input = loadAppInput({
    appEnv: options.appEnv,
    env: options.env,
    envFiles: options.envFiles,
    procfile: options.procfile,
    scale: options.scale,
  })
  const app = await analyzeApp(input)
  app.diagnostics.push(...input.problems())
  if (app.processes.length === 0) {
    throw new InputError(`${options.procfile} declares no process types`, 'add a line such as `web: bundle exec puma -C config/puma.rb`, or pass --procfile PATH')
  }

  const known = app.processes.map((p) => p.name)
  const missing = input.scaledTypes.filter((t) => !known.includes(t))
  if (missing.length > 0) {
    throw new UsageError(
      `--scale names ${missing.map((t) => `"${t}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in ${options.procfile}`,
      `process types in the Procfile: ${known.join(', ') || '(none)'}`,
    )
  }

  applyAssumptions(app, assumptions, options.procfile)
  markPooled(app.processes, options.pooled ?? [], options.procfile)

  const liveLimit = options.live ? await options.live() : undefined
  let limit: null | Sourced<number> = null
  if (options.limit !== undefined) limit = sourced(options.limit, fromFlag(`--limit ${options.limit}`))
  else if (plan) limit = sourced(plan.limit, planSource(table, plan))
  else if (liveLimit) limit = liveLimit

  const report = buildReport(app, {
    limit,
    plan: plan ? toInfo(table, plan) : null,
    reserve:
      options.reserve === undefined
        ? sourced(0, fromDefault('no slots reserved for one-off dynos, consoles or Scheduler', 'pass --reserve N to keep N free'))
        : sourced(options.reserve, fromFlag(`--reserve ${options.reserve}`)),
    smallestFittingPlan(total) {
      // Essential and Standard first (Premium/Private/Shield share Standard's limits);
      // Postgres Advanced only when nothing there is large enough.
      const p = smallestPlanFitting(table, total, ['essential', 'standard']) ?? smallestPlanFitting(table, total, ['advanced'])
      return p ? toInfo(table, p) : null
    },
    warnAt: options.warnAt,
  })
  const procfile = relative(process.cwd(), resolve(options.procfile)) || options.procfile
  return {procfile: procfile.startsWith('..') ? resolve(options.procfile) : procfile, report}
}

/** `--pooled web worker` (space- or comma-separated, repeatable): those types go through the server-side pool. */
function markPooled(processes: ProcessModel[], pooled: string[], procfile: string): void {
  const names = pooled.flatMap((p) => p.split(/[\s,]+/)).filter(Boolean)
  const known = processes.map((p) => p.name)
  const missing = names.filter((n) => !known.includes(n))
  if (missing.length > 0) {
    throw new UsageError(
      `--pooled names ${missing.map((t) => `"${t}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in ${procfile}`,
      `process types in the Procfile: ${known.join(', ')}`,
    )
  }

  for (const p of processes) if (names.includes(p.name)) p.serverPooling = {via: fromFlag(`--pooled ${p.name}`)}
}

export const appRootOf = (procfile: string): string => dirname(resolve(procfile))
