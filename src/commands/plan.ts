import {Flags} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {planLiveJson} from '../live/compare.js'
import {runPlanLive} from '../live/run-live.js'
import {type PlanOptions, runPlan} from '../plan.js'
import {renderPlanLive} from '../render/live.js'
import {exitCodeFor, type JsonReport, toJson} from '../report.js'
import {renderTable} from '../render/table.js'
import {liveFlags, liveOptionsFrom} from './live-flags.js'

export default class Plan extends BaseCommand {
  static override description = `Compute the app's PostgreSQL connection budget from its Procfile and configs.

For every process type: dynos × processes per dyno × connections per process, where
connections per process = min(pool, threads) + connections outside the pool. The total
is checked against the plan's limit. Exit code 0 fits, 1 does not fit (or an error was
found), 2 bad input, 3 internal error.`

  static override examples = [
    '<%= config.bin %> plan --procfile Procfile --plan essential-0 --scale web=2 worker=1',
    '<%= config.bin %> plan --plan standard-0 --scale web=4:standard-2x worker=2 --env-file .env.production',
    '<%= config.bin %> plan --limit 120 --reserve 5 --explain',
    '<%= config.bin %> plan --plan heroku-postgresql:standard-0 --json',
    '<%= config.bin %> plan --plan standard-0 --scale web=3 --assume web=1:20:20 --explain',
    '<%= config.bin %> plan --scale web=2 worker=1 --live --env-file .env.heroku',
  ]

  static override flags = {
    ...liveFlags,
    assume: Flags.string({
      description: "your numbers for a process type conncalc cannot read (Go, unknown commands): TYPE=PROCESSES:THREADS[:POOL]; repeatable, shown in --explain as your assumption",
      multiple: true,
    }),
    env: Flags.string({description: 'set a variable for every process type (KEY=VALUE); repeatable', multiple: true}),
    'env-file': Flags.string({
      description: 'read variables from a file: dotenv, `heroku config -s` or `heroku config --json` output; repeatable, later files win',
      multiple: true,
    }),
    explain: Flags.boolean({default: false, description: 'show where every number came from'}),
    'fail-on': Flags.string({
      default: 'error',
      description: 'exit 1 on diagnostics of this severity or worse (the budget going over the limit always fails)',
      options: ['error', 'warning'],
    }),
    limit: Flags.integer({description: 'the connection limit to check against (overrides --plan)', min: 1}),
    live: Flags.boolean({
      default: false,
      description:
        "also read the live database (--database-url, default DATABASE_URL): its limit when no --plan/--limit is given, and each process type's live connections beside its budget (matched by application_name, e.g. web.1)",
    }),
    plan: Flags.string({char: 'p', description: 'Heroku Postgres plan, e.g. essential-0, standard-0, heroku-postgresql:premium-2'}),
    'plans-file': Flags.string({description: 'use this plan table (JSON or YAML) instead of the built-in one'}),
    pooled: Flags.string({
      description:
        "process types that connect through Heroku's server-side pool (DATABASE_CONNECTION_POOL_URL): they count against the pooler, not the plan directly; detected when the Procfile sets DATABASE_URL=$DATABASE_CONNECTION_POOL_URL",
      multiple: true,
    }),
    procfile: Flags.string({char: 'f', default: 'Procfile', description: 'the Procfile; its folder is the app root'}),
    'rails-env': Flags.string({description: 'the environment section of database.yml/sidekiq.yml to read (default: RAILS_ENV, else production)'}),
    reserve: Flags.integer({description: 'connections to keep free for `heroku run`, pg:psql and Scheduler (added to the total)', min: 0}),
    scale: Flags.string({
      char: 's',
      description: 'the formation, as `heroku ps:scale` takes it: web=2 worker=1, web=2:standard-2x; types not named run 1 dyno',
      multiple: true,
    }),
    'warn-at': Flags.string({default: '0.8', description: 'warn when the total reaches this fraction of the limit'}),
  }

  async run(): Promise<JsonReport> {
    const {flags} = await this.parse(Plan)
    const warnAt = Number(flags['warn-at'])
    const options: PlanOptions = {
      appEnv: flags['rails-env'],
      assume: flags.assume ?? [],
      env: flags.env ?? [],
      envFiles: flags['env-file'] ?? [],
      failOn: flags['fail-on'] as 'error' | 'warning',
      limit: flags.limit,
      plan: flags.plan,
      plansFile: flags['plans-file'],
      pooled: flags.pooled ?? [],
      procfile: flags.procfile,
      reserve: flags.reserve,
      scale: flags.scale ?? [],
      warnAt,
    }
    const failOn = flags['fail-on'] as 'error' | 'warning'
    const c = this.colors()
    if (flags.live) {
      const result = await runPlanLive(options, liveOptionsFrom(flags, options.envFiles, warnAt))
      this.print(renderPlanLive(result, {chalk: c, explain: flags.explain}))
      process.exitCode = exitCodeFor(result.report, failOn)
      return {...toJson(result.report), live: planLiveJson(result.live, result.comparison)}
    }

    const {procfile, report} = await runPlan(options)
    this.print(renderTable(report, {chalk: c, explain: flags.explain, procfile}))
    process.exitCode = exitCodeFor(report, failOn)
    return toJson(report)
  }
}
