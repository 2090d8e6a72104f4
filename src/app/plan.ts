import type {PlanResult} from '../model/report.js'
import type {AppRequest, BudgetRequest} from '../model/request.js'
import type {Plan, PlanInfo, PlanTable} from '../model/plan.js'
import {basename, dirname, relative, resolve} from 'node:path'

import type {AppModel, ProcessModel} from '../model/process.js'
import type {Diagnostic} from '../model/diagnostic.js'
import {HEROKU_YML_REF} from '../platform/heroku-yml.js'
import {DOKKU_ZERO_DOWNTIME_REF, type DokkuSign, fromAppJson} from '../platform/dokku-builder.js'
import {parseRenderYaml, RENDER_POSTGRES_LIMITS_REF, renderPostgresLimit} from '../platform/render-yaml.js'
import {type AnalysisMemo, analyzeApp, newAnalysisMemo} from './analyze-app.js'
import {applyAssumptions} from '../budget/assume.js'
import {InputError, UsageError} from '../util/errors.js'
import {displayPath} from '../io/config.js'
import {loadAppInput} from './load-app.js'
import {createFileReader, newReadCache, type ReadCache} from '../io/files.js'
import {loadBuiltinPlans, loadPlansFile} from '../io/plans.js'
import {fromDefault, fromFile, fromFlag, isAssumption, type Source, sourced, type Sourced} from '../model/source.js'
import {isDefaultWebFile} from '../model/command-site.js'
import {appJsonPostgres, herokuYmlPostgres, manifestPlan} from '../platform/manifest-plan.js'
import {dokkuCronJobs, scheduledJobs} from '../platform/scalingo-cron.js'
import {herokuSchedulerJobs} from '../platform/heroku-scheduler.js'
import {isPlatformManifest} from '../procfile/platform-manifest.js'
import {dokkuSignOf} from '../platform/deploy-platform.js'
import {findPlan, planSource, requirePlan, smallestPlanFitting} from '../platform/plans.js'
import {buildReport} from './report.js'
import {suggest} from '../suggest/suggest.js'
import {append} from '../util/arrays.js'

/**
 * Plan tiers considered when conncalc names a plan that fits, group by group:
 * Essential and Standard first (Premium/Private/Shield share Standard's limits);
 * Postgres Advanced only when nothing there is large enough.
 */
export const PLAN_TIER_GROUPS = [['essential', 'standard'], ['advanced']]

export const toInfo = (table: PlanTable, p: Plan): PlanInfo => ({
  confidence: p.confidence,
  limit: p.limit,
  name: p.name,
  note: p.note,
  source: p.source,
  table: table.path,
  tier: p.tier,
})

/** The one function behind `conncalc plan` (and scale, readme): read → analyze → budget → rules. */
export async function runPlan(
  request: BudgetRequest,
  options: {
    /**
     * plan --live: reads the live database once the app's files are read (so input
     * errors come first); its limit is used when neither --limit nor --plan is given.
     */
    live?: () => Promise<Sourced<number>>
    suggest?: boolean
  } = {},
): Promise<PlanResult> {
  const table = request.plansFile ? await loadPlansFile(request.plansFile) : loadBuiltinPlans()
  // A plan read from the Heroku app that the table does not know is a finding, not a usage error.
  const apiPlanMissing = request.planVia && request.plan && !findPlan(table, request.plan)
  const plan = request.plan && !apiPlanMissing ? requirePlan(table, request.plan) : undefined

  const multi = request.apps.some((a) => a.name !== null)
  // Diagnostics' files are relative to one folder: the app root, or the config file's folder for several apps.
  const base = multi ? request.configDir! : appRoot(request.apps[0])
  const merged: AppModel = {diagnostics: [], processes: [], root: '.'}
  // Paths given relative to the working directory, never to an app root: env files and the config file.
  const cwdFiles = new Set<string>(request.config ? [request.config] : [])
  const reads = newReadCache() // apps of one config file often share files: each is read once
  // and often run the same code with the same settings: analyzed once (one app has nothing to share)
  const memo = request.apps.length > 1 ? newAnalysisMemo() : undefined
  let title: string | undefined
  let typesFrom: string | undefined
  // The render.yaml the (one) app's types came from: its databases give the limit when nothing else does.
  let renderYaml: string | undefined
  for (const app of request.apps) {
    const {file, manifest, model, typesFrom: from} = await analyzeOne(app, reads, memo)
    title ??= file
    if (!multi && manifest && basename(manifest) === 'render.yaml') renderYaml = manifest
    typesFrom ??= from
    for (const f of [...app.envFiles, ...app.defaults.envFiles]) cwdFiles.add(f)
    if (multi) tagApp(model, app.name!, relative(base, dirname(resolve(app.procfile))).replaceAll('\\', '/'), cwdFiles)
    append(merged.diagnostics, model.diagnostics)
    append(merged.processes, model.processes)
    if (!multi && model.deployPlatform) merged.deployPlatform = model.deployPlatform
  }

  // One app run by Render or Fly.io (its types from render.yaml / fly.toml), not a Heroku app.
  const renderOrFly = !multi && isPlatformManifest(basename(title ?? ''))
  // Scalingo's cron.json jobs run in one-off containers beside the formation: said when the reserve leaves no room for them.
  if (!multi) append(merged.diagnostics, scheduledJobs(createFileReader(base, reads), request.reserve?.value ?? 0))
  // Heroku Scheduler's jobs run in one-off dynos too, set in the dashboard: said when app.json provisions it (a Heroku app, not one run by Render or Fly.io); Dokku's app.json `cron` tasks likewise.
  if (!multi && !renderOrFly) {
    const appJson = createFileReader(base, reads).read('app.json')
    if (appJson) append(merged.diagnostics, herokuSchedulerJobs(appJson.text, appJson.path, request.reserve?.value ?? 0))
    // Dokku's app.json `cron` tasks: each in a one-off run container too.
    if (appJson && merged.deployPlatform?.value !== 'heroku') append(merged.diagnostics, dokkuCronJobs(appJson.text, appJson.path, request.reserve?.value ?? 0))
  }


  if (apiPlanMissing) {
    merged.diagnostics.push({
      code: 'database-plan-unknown',
      fix: `pass --limit N (or --plan) for it; conncalc plans lists the plans it knows`,
      message: `the Heroku app's DATABASE_URL add-on is on ${request.plan}, which is not in ${table.path}: no connection limit to check against`,
      severity: 'warning',
    })
  }

  const liveLimit = options.live ? await options.live() : undefined
  let limit: null | Sourced<number> = null
  // --limit, else --plan (the Heroku app's add-on, the config file's plan), else the live database, else the manifests' add-on.
  let chosen = request.limit === undefined ? plan : undefined
  if (request.limit !== undefined) limit = request.limit
  else if (plan) limit = sourced(plan.limit, planSource(table, plan), request.planVia ? [request.planVia] : undefined)
  else if (liveLimit) limit = liveLimit
  else if (renderYaml) limit = renderDatabaseLimit(renderYaml, base, reads, merged.diagnostics)
  // An app run by Render or Fly.io (its types from render.yaml / fly.toml): a heroku-postgresql add-on in app.json is not its database.
  else if (!multi && !request.apps[0].heroku && !renderOrFly) {
    const found = planOfManifests(base, reads, table, merged.diagnostics)
    if (found) {
      chosen = found.plan
      limit = sourced(found.plan.limit, planSource(table, found.plan), [found.from])
    }
  }

  const report = buildReport(merged, {
    limit,
    plan: chosen ? toInfo(table, chosen) : null,
    reserve:
      request.reserve ??
      sourced(0, fromDefault('no slots reserved for one-off dynos, consoles or Scheduler', 'pass --reserve N to keep N free')),
    smallestFittingPlan(needed) {
      // An app run by Render or Fly.io (its types from render.yaml / fly.toml) does not buy a Heroku plan: none is named.
      if (renderOrFly) return null
      const p = PLAN_TIER_GROUPS.map((tiers) => smallestPlanFitting(table, needed, tiers)).find(Boolean)
      return p ? toInfo(table, p) : null
    },
    warnAt: request.warnAt,
  })
  report.files = {cwd: [...cwdFiles].sort(), root: displayRoot(base)}
  if (options.suggest) report.suggestions = suggest(report, {failOn: request.failOn, table, tierGroups: PLAN_TIER_GROUPS})

  const heading = multi ? `${request.config} (${request.apps.length} app${request.apps.length === 1 ? '' : 's'})` : (title ?? procfileDisplay(request.apps[0].procfile))
  return {report, request, table, title: heading, typesFrom: multi ? request.config! : (typesFrom ?? heading)}
}

const procfileDisplay = (path: string): string => displayPath(resolve(path))

const PLAN_FLAGS = 'no --plan, --limit, config file plan or live database gives one'

/**
 * The plan app.json `addons` or heroku.yml `setup: addons:` provision for DATABASE_URL
 * (platform/manifest-plan.ts), when nothing the user gave names one; an info line says which
 * and that --plan overrides it, or why none is taken (several add-ons, another attachment, a plan
 * the table does not know).
 */
function planOfManifests(root: string, reads: ReadCache, table: PlanTable, diagnostics: Diagnostic[]): undefined | {from: Source; plan: Plan} {
  const files = createFileReader(root, reads)
  const appJson = files.read('app.json')
  const yml = files.read('heroku.yml')
  const found = manifestPlan([...(appJson ? appJsonPostgres(appJson.text, appJson.path) : []), ...(yml ? herokuYmlPostgres(yml.text, yml.path) : [])])
  if (!found) return undefined
  const {file, line, plan: written} = found.addon
  const note = (message: string, fix: string): void => {
    diagnostics.push({code: 'database-plan-from-manifest', file, fix, line, message, severity: 'info'})
  }

  if ('why' in found) {
    note(`no database plan is taken from the app's manifests: ${found.why}`, 'pass --plan NAME (or --limit N) for the database DATABASE_URL points at')
    return undefined
  }

  const plan = findPlan(table, found.plan)
  if (!plan) {
    note(`${file} provisions ${written}, which is not in ${table.path}: no limit is taken from it`, 'pass --plan NAME or --limit N; conncalc plans lists the plans conncalc knows')
    return undefined
  }

  note(
    `the limit is ${plan.name}'s (${plan.limit}), the plan ${file} provisions for DATABASE_URL: ${PLAN_FLAGS}`,
    `--plan NAME (or --limit N) overrides it: the database the app runs on may have been upgraded since ${file} was written`,
  )
  return {from: fromFile(file, line), plan}
}

/**
 * The connection limit of the Render Postgres database DATABASE_URL comes from, when render.yaml says
 * which (`fromDatabase` on DATABASE_URL, or its one `databases:` entry) and on which instance type:
 * Render's limit for that type (RENDER_POSTGRES_LIMITS_REF), with an info line; or why none is taken.
 */
function renderDatabaseLimit(path: string, root: string, reads: ReadCache, diagnostics: Diagnostic[]): null | Sourced<number> {
  const file = createFileReader(root, reads).read(relative(root, path).replaceAll('\\', '/'))
  if (!file) return null
  const yml = parseRenderYaml(file.text, file.path)
  if (yml.error || yml.databases.length === 0) return null
  const note = (line: number, message: string, fix: string): void => {
    diagnostics.push({code: 'database-plan-from-manifest', file: file.path, fix, line, message, severity: 'info'})
  }

  const named = [...new Set(yml.databaseUrlFrom.map((d) => d.name))]
  if (named.length > 1) {
    note(yml.databaseUrlFrom[0].line, `no database limit is taken from ${file.path}: DATABASE_URL comes from different databases (${named.join(', ')})`, 'pass --plan NAME or --limit N for the database the app uses')
    return null
  }

  const db = named.length === 1 ? yml.databases.find((d) => d.name === named[0]) : yml.databases.length === 1 ? yml.databases[0] : undefined
  if (!db) {
    const why = named.length === 1 ? `DATABASE_URL comes from database ${named[0]}, which is not in its databases:` : `it declares ${yml.databases.length} databases and no DATABASE_URL fromDatabase says which one the app uses`
    note(named.length === 1 ? yml.databaseUrlFrom[0].line : yml.databases[0].line, `no database limit is taken from ${file.path}: ${why}`, 'pass --plan NAME or --limit N for the database the app uses')
    return null
  }

  if (!db.plan) {
    note(db.line, `no database limit is taken from ${file.path}: database ${db.name} sets no plan, so its instance type is not in ${file.path}`, `pass --limit N (Render Postgres: 100 under 8 GB of memory, 200 under 16 GB, 400 under 32 GB, 500 above; ${RENDER_POSTGRES_LIMITS_REF})`)
    return null
  }

  const found = renderPostgresLimit(db.plan.value)
  if ('why' in found) {
    note(db.plan.line, `no database limit is taken from ${file.path}: database ${db.name}'s ${found.why}`, 'pass --limit N (the max_connections Render shows for the database)')
    return null
  }

  note(
    db.plan.line,
    `the limit is ${found.limit}: Render Postgres ${db.plan.value} (${found.memory} of memory) allows ${found.limit} connections, the database ${db.name} ${file.path} gives DATABASE_URL: ${PLAN_FLAGS}`,
    `--limit N (or --plan) overrides it: the instance may have been resized since ${file.path} was written`,
  )
  return sourced(found.limit, fromFile(file.path, db.plan.line), [fromDefault(`Render Postgres with ${found.memory} of memory allows ${found.limit} connections`, RENDER_POSTGRES_LIMITS_REF)])
}

/** The folder an app's commands run from: --root, else its Procfile's folder. */
const appRoot = (app: AppRequest): string => resolve(app.root ?? dirname(resolve(app.procfile)))

const displayRoot = (dir: string): string => relative(process.cwd(), dir).replaceAll('\\', '/') === '' ? '' : displayPath(dir)

/** Read and analyze one app, then apply its assumptions and preboot. */
async function analyzeOne(request: AppRequest, reads: ReadCache, memo: AnalysisMemo | undefined): Promise<{file: string; manifest?: string; model: AppModel; typesFrom: string}> {
  const input = await loadAppInput({
    reads,
    appEnv: request.appEnv,
    defaults: request.defaults,
    ...(request.dockerTarget ? {dockerTarget: request.dockerTarget} : {}),
    env: request.env,
    envFiles: request.envFiles,
    heroku: request.heroku,
    procfile: request.procfile,
    platform: request.platform,
    ...(request.procfileGiven ? {procfileGiven: true} : {}),
    ...(request.root === undefined ? {} : {root: request.root}),
    scale: request.scale,
  })
  // What says which types run: the Procfile, or heroku.yml / the Dockerfile of a container app, or with
  // neither, the buildpack's default web process (input.procfile.path names it; there is no file to name).
  const procfile = input.container
    ? procfileDisplay(resolve(input.root, input.container.file))
    : isDefaultWebFile(input.procfile.path)
      ? `the app (no Procfile: the ${input.procfile.path})`
      : procfileDisplay(resolve(input.root, input.procfile.path))
  // A --scale type that is not one is said as soon as the types are known, before they are analyzed (seconds on a large app).
  const scaledAreTypes = (known: readonly string[]) => {
    const missing = input.scaledTypes.filter((t) => !known.includes(t))
    if (known.length === 0 || missing.length === 0) return
    throw new UsageError(
      `${request.name === null ? '--scale' : `--scale (app ${request.name})`} names ${missing.map((t) => `"${t}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in ${procfile}`,
      `process types in ${procfile}: ${known.join(', ')}`,
    )
  }

  const app = await analyzeApp({...input, memo, typesKnown: scaledAreTypes})
  append(append(app.diagnostics, input.problems()), request.heroku?.diagnostics ?? [])
  if (app.processes.length === 0) throw noProcessTypes(procfile, input.container?.file ?? input.procfile.path, app.diagnostics)

  const known = app.processes.map((p) => p.name)
  const hint = `process types in ${procfile}: ${known.join(', ') || '(none)'}`
  scaledAreTypes(known)

  // The config file's own keys must name real process types too; say where they are.
  const fromConfig = [
    ...[...request.defaults.formation].map(([t, e]) => ({key: 'scale', source: e.quantity.source, type: t})),
    ...[...request.assumptions].map(([t, a]) => ({key: 'assumptions', source: a.source, type: t})),
  ]
  for (const {key, source, type} of fromConfig) {
    if (known.includes(type)) continue
    if (source.kind === 'flag') throw new UsageError(`--assume names "${type}", which is not in ${procfile}`, hint)
    const where = source.kind === 'file' ? `${source.file}:${source.line}: ` : ''
    throw new InputError(`${where}${key}.${type}: "${type}" is not a process type in ${procfile}`, hint)
  }

  applyAssumptions(app, request.assumptions)
  // Preboot: --preboot/--no-preboot, else the Heroku app's feature, else the config file.
  const preboot = request.preboot?.source.kind === 'flag' ? request.preboot : (request.heroku?.preboot ?? request.preboot)
  if (preboot?.value) {
    // Heroku preboot affects web dynos only (https://devcenter.heroku.com/articles/preboot).
    const web = app.processes.find((p) => p.name === 'web' && p.role === 'long-running')
    if (web) web.deployOverlap = preboot
  }

  // Dokku: every process type's old containers keep running until DOKKU_WAIT_TO_RETIRE after the new ones start
  // (zero-downtime checks, on by default); `--no-preboot` says they do not overlap (checks disabled). Whether the app
  // deploys on Dokku: --platform, the config file, else its files (deploy-platform.ts), assumed when Heroku's are there too.
  const platform = input.platform
  if (platform?.chosen) app.deployPlatform = platform.chosen
  const chosenBy = platform?.chosen && platform.chosen.source.kind !== 'default' ? [platform.chosen.source] : []
  const sign = platform ? dokkuSignOf(platform) : undefined
  const dokku = preboot?.source.kind === 'flag' && !preboot.value ? undefined : sign
  if (dokku) {
    const at = `${dokku.file}${dokku.line === undefined ? '' : `:${dokku.line}`}`
    const overlap = sourced(true, fromDefault(`the app deploys on Dokku (${at}: ${dokku.what}): Dokku starts the new containers of every process type, switches traffic to them and stops the old ones DOKKU_WAIT_TO_RETIRE (60 s by default) later, so both sets run then`, DOKKU_ZERO_DOWNTIME_REF), chosenBy)
    for (const p of app.processes) if (p.role === 'long-running' && !p.deployOverlap?.value) p.deployOverlap = overlap
  }

  // Kamal boots each role's new container on each host before it stops the old one, for every role (its web role waits for the
  // new one's health check first): both run then.
  const kamal = preboot?.source.kind === 'flag' && !preboot.value ? undefined : sourced(true, fromDefault("Kamal starts each role's new container on each host, then stops the old one (Kamal::Cli::App::Boot#run: start_new_version, then stop_old_version; a role behind kamal-proxy switches once the new one is healthy), so both run then", 'https://github.com/basecamp/kamal/blob/main/lib/kamal/cli/app/boot.rb'))
  if (kamal) for (const p of app.processes) if (p.role === 'long-running' && p.platform?.name === 'Kamal' && !p.deployOverlap?.value) p.deployOverlap = kamal

  if (platform?.chosen && isAssumption(platform.chosen) && platform.signs.dokku && platform.signs.heroku) {
    // Dokku's app.json tasks run only if the app deploys there: their containers are as assumed as the choice.
    for (const p of app.processes) if (p.role === 'release' && fromAppJson(p.origin?.file)) p.dynos = {...p.dynos, via: [...(p.dynos.via ?? []), platform.chosen.source]}
    const {dokku: d, heroku: h} = platform.signs
    const at = (s: DokkuSign): string => `${s.file}${s.line === undefined ? '' : `:${s.line}`}`
    app.diagnostics.push({
      code: 'deploy-platform',
      file: d.file,
      fix: 'pass --platform heroku (or `platform: heroku` in the config file) if it deploys on Heroku: the peak is then the release phase beside the formation, and web overlaps only with --preboot; --platform dokku says it is Dokku',
      ...(d.line === undefined ? {} : {line: d.line}),
      message: `the app has Dokku's files (${at(d)}: ${d.what}) and Heroku's (${at(h)}: ${h.what}): the deploy peak is counted as Dokku deploys it (old and new containers of every type overlapping, its app.json tasks), an assumption`,
      severity: 'info',
    })
  }

  markPooled(app.processes, request.pooled, procfile)

  return {
    file: input.container ? procfile : procfileDisplay(resolve(input.root, input.procfile.path)),
    ...(input.container ? {manifest: resolve(input.root, input.container.file)} : {}),
    model: app,
    typesFrom: procfile,
  }
}

/**
 * A Procfile or heroku.yml with no process type to budget: when it has lines or entries, they were
 * each rejected, so the error says which and where (`heroku.yml:2: run.web is 5, not a command …`).
 */
function noProcessTypes(display: string, file: string, diagnostics: Diagnostic[]): InputError {
  const rejected = diagnostics.filter((d) => d.file === file && (d.code === 'invalid-procfile-line' || d.code === 'unparsable-config'))
  const yml = /\.ya?ml$/.test(file)
  const hint = yml
    ? `give each type under run: a command, e.g. \`web: bundle exec puma -C config/puma.rb\` or a mapping with command: and image: (${HEROKU_YML_REF}); or pass --procfile PATH`
    : 'add a line such as `web: bundle exec puma -C config/puma.rb`, or pass --procfile PATH'
  if (rejected.length === 0) return new InputError(`${display} declares no process types`, hint)
  const at = (d: Diagnostic): string => `${display}${d.line ? `:${d.line}` : ''}`
  // The heroku.yml reader prefixes its messages with the file: said once, in `at`.
  const what = (d: Diagnostic): string => d.message.replace(`${file}: `, '')
  const more = rejected.length > 1 ? ` (and ${rejected.length - 1} more: ${rejected.slice(1, 3).map((d) => at(d)).join(', ')}${rejected.length > 3 ? ', …' : ''})` : ''
  return new InputError(`${display} declares no process types: ${at(rejected[0])}: ${what(rejected[0])}${more}`, hint)
}

/**
 * Several apps, one database: name each row after its app, and make file paths
 * relative to the config file's folder (`api/config/puma.rb`), in sources and
 * diagnostics alike. Env files are left as given (relative to the working directory).
 */
function tagApp(model: AppModel, name: string, prefix: string, cwdFiles: Set<string>): void {
  const join = (file: string): string => (prefix === '' || cwdFiles.has(file) ? file : `${prefix}/${file}`)
  const seen = new Set<object>() // a source may be shared between values: prefix it once
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return
    seen.add(v)
    if (Array.isArray(v)) {
      for (const x of v) walk(x)
    } else {
      const o = v as Record<string, unknown>
      if (o.kind === 'file' && typeof o.file === 'string') o.file = join(o.file)
      for (const x of Object.values(o)) walk(x)
    }
  }

  for (const p of model.processes as ProcessModel[]) {
    walk(p)
    p.app = name
  }

  for (const d of model.diagnostics) {
    if (d.file) d.file = join(d.file)
    d.message = `${name}: ${d.message}`
  }
}

/** `--pooled web worker` (space- or comma-separated, repeatable): those types go through the server-side pool. */
function markPooled(processes: ProcessModel[], pooled: string[], procfile: string): void {
  const names = pooled.flatMap((p) => p.split(/[\s,]+/)).filter(Boolean)
  const known = processes.map((p) => p.name)
  const missing = names.filter((n) => !known.includes(n))
  if (missing.length > 0) {
    throw new UsageError(
      `--pooled names ${missing.map((t) => `"${t}"`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not in ${procfile}`,
      `process types in ${procfile}: ${known.join(', ')}`,
    )
  }

  for (const p of processes) if (names.includes(p.name)) p.serverPooling = {via: fromFlag(`--pooled ${p.name}`)}
}

export const appRootOf = (procfile: string): string => dirname(resolve(procfile))

