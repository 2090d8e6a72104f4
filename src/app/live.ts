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
import {herokuAppName} from './request.js'
import {readHerokuConfigVars} from '../io/heroku-api.js'
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
  /** -a APP / -r REMOTE: read the database URL from the Heroku app's config vars (values never printed). */
  heroku?: {apiTimeoutSeconds: number; app?: string; remote?: string}
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
  heroku?: {app: string; vars: ReadonlyMap<string, string>},
): {from: string; url: string} {
  if (flag !== undefined && !VAR_NAME.test(flag)) return {from: '--database-url', url: flag}
  const name = flag ?? 'DATABASE_URL'
  if (heroku) {
    // The app was named: its config var, not a local file or this shell's environment.
    const value = heroku.vars.get(name)
    if (value) return {from: `${name} from heroku config -a ${heroku.app}`, url: value}
    const others = [...heroku.vars.keys()].filter((k) => /^(?:DATABASE_URL|DATABASE_CONNECTION_POOL_URL|HEROKU_POSTGRESQL_\w+_URL)$/.test(k)).sort()
    throw new UsageError(
      `the Heroku app ${heroku.app} has no ${name} config var`,
      others.length > 0 ? `its database config vars: ${others.join(', ')}; pick one with --database-url NAME` : 'attach a Heroku Postgres database to it (heroku addons:create heroku-postgresql), or pass --database-url',
    )
  }

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

async function snapshotFor(o: LiveRunOptions, fromPlan?: {app: string; vars: ReadonlyMap<string, string>}): Promise<LiveSnapshot> {
  const {from, url} = resolveDatabaseUrl(o.databaseUrl, o.envFiles, process.env, fromPlan ?? (await herokuVars(o)))
  const target = parseTarget(url, from)
  return takeSnapshot(target, {connectTimeoutSeconds: o.connectTimeoutSeconds, statementTimeoutSeconds: o.statementTimeoutSeconds})
}

/** `live -a APP` (or -r REMOTE): the app's config vars, read from the Platform API only when a URL is not given outright. */
async function herokuVars(o: LiveRunOptions): Promise<undefined | {app: string; vars: ReadonlyMap<string, string>}> {
  if (!o.heroku || (o.databaseUrl !== undefined && !VAR_NAME.test(o.databaseUrl))) return undefined
  const app = await herokuAppName({app: o.heroku.app, remote: o.heroku.remote}, undefined)
  if (app === undefined) return undefined
  return {app, vars: await readHerokuConfigVars(app, {timeoutSeconds: o.heroku.apiTimeoutSeconds})}
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
      // plan --live -a APP: the database is the one the app's config vars name (read once, with the rest of the app).
      const heroku = request.apps.find((a) => a.heroku)?.heroku
      snapshot = await snapshotFor(o, heroku ? {app: heroku.app, vars: new Map([...heroku.env.vars].map(([k, e]) => [k, e.value]))} : undefined)
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
