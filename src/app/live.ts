import type {Diagnostic, FailOn} from '../model/diagnostic.js'
import type {LiveOptions, LiveReport, LiveSnapshot} from '../model/live.js'
import type {PlanLiveResult} from '../model/report.js'
import type {BudgetRequest} from '../model/request.js'
import type {PlanInfo} from '../model/plan.js'
import {UsageError} from '../util/errors.js'
import {loadBuiltinPlans, loadPlansFile} from '../io/plans.js'
import {readEnvFile} from '../io/read-env-file.js'
import {dedupeDiagnostics, sortDiagnostics} from '../model/diagnostic.js'
import {runPlan, toInfo} from './plan.js'
import {requirePlan} from '../platform/plans.js'
import {runLiveRules} from '../rules/index.js'
import {compareWithLive} from '../live/compare.js'
import {buildLiveFacts, buildLiveReport} from '../live/live-report.js'
import {takeSnapshot} from '../live/snapshot.js'
import {parseTarget} from '../live/target.js'

/** What `conncalc live` (and `plan --live`) need, already parsed from flags. */
export interface LiveRunOptions extends LiveOptions {
  connectTimeoutSeconds: number
  /** A URL, or the name of a variable holding one (HEROKU_POSTGRESQL_ROSE_URL). */
  databaseUrl?: string
  envFiles: string[]
  statementTimeoutSeconds: number
}

const VAR_NAME = /^[A-Z_][\dA-Z_]*$/

/**
 * The database URL and where it came from: --database-url, else DATABASE_URL from
 * the --env-file(s) (later files win), else from the environment. `--database-url
 * NAME` reads the variable NAME the same way (a follower, DATABASE_CONNECTION_POOL_URL).
 */
export function resolveDatabaseUrl(
  flag: string | undefined,
  envFiles: string[],
  env: NodeJS.ProcessEnv = process.env,
): {from: string; url: string} {
  if (flag !== undefined && !VAR_NAME.test(flag)) return {from: '--database-url', url: flag}
  const name = flag ?? 'DATABASE_URL'
  for (const path of [...envFiles].reverse()) {
    const entry = readEnvFile(path).entries.find((e) => e.name === name)
    if (entry && entry.value !== '') return {from: `${name} from ${entry.source.kind === 'env' ? entry.source.from : path}`, url: entry.value}
  }

  const value = env[name]
  if (value) return {from: `${name} from the environment`, url: value}
  throw new UsageError(
    flag ? `${name} is not set in ${envFiles.length > 0 ? `${envFiles.join(', ')} or ` : ''}the environment` : 'no database to read: DATABASE_URL is not set',
    'pass --database-url postgres://…, or DATABASE_URL in the environment or an --env-file (e.g. `heroku config -s -a APP > .env.heroku`)',
  )
}

function validate(o: LiveRunOptions): void {
  if (!(o.warnAt > 0 && o.warnAt <= 1)) throw new UsageError(`--warn-at must be a fraction between 0 and 1, got ${o.warnAt}`, 'e.g. --warn-at 0.8')
}

async function snapshotFor(o: LiveRunOptions): Promise<LiveSnapshot> {
  const {from, url} = resolveDatabaseUrl(o.databaseUrl, o.envFiles)
  const target = parseTarget(url, from)
  return takeSnapshot(target, {connectTimeoutSeconds: o.connectTimeoutSeconds, statementTimeoutSeconds: o.statementTimeoutSeconds})
}

/** The one function behind `conncalc live`. */
export async function runLive(o: LiveRunOptions & {plan?: string; plansFile?: string}): Promise<LiveReport> {
  validate(o)
  let plan: null | PlanInfo = null
  if (o.plan) {
    const table = o.plansFile ? await loadPlansFile(o.plansFile) : loadBuiltinPlans()
    plan = toInfo(table, requirePlan(table, o.plan))
  }

  return buildLiveReport(await snapshotFor(o), o, plan)
}

/**
 * `conncalc plan --live`: the plan as usual, the live database's limit when no
 * --plan/--limit is given, and per process type the budget beside the live count.
 */
export async function runPlanLive(request: BudgetRequest, o: LiveRunOptions): Promise<PlanLiveResult> {
  validate(o)
  let snapshot: LiveSnapshot | undefined
  const {report, title: procfile} = await runPlan(request, {
    async live() {
      snapshot = await snapshotFor(o)
      return buildLiveFacts(snapshot, o).limit
    },
  })
  const facts = buildLiveFacts(snapshot!, o)
  const comparison = compareWithLive(report.budget, snapshot!.backends)
  const liveDiagnostics = runLiveRules({comparison, live: facts, options: o, plan: report.plan})
  const live: LiveReport = {...facts, diagnostics: liveDiagnostics, options: o, plan: report.plan}
  return {comparison, live, procfile, report: {...report, diagnostics: merge(report.diagnostics, liveDiagnostics)}}
}

const merge = (a: Diagnostic[], b: Diagnostic[]): Diagnostic[] => sortDiagnostics(dedupeDiagnostics([...a, ...b]))

/** Exit code 1 on an error diagnostic, or a warning with --fail-on warning. */
export function liveExitCode(diagnostics: Diagnostic[], failOn: FailOn): 0 | 1 {
  const failing = failOn === 'warning' ? ['error', 'warning'] : ['error']
  return diagnostics.some((d) => failing.includes(d.severity)) ? 1 : 0
}
