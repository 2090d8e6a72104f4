import type {JsonReport} from '../model/report.js'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from './base-command.js'
import {defaultRemote, inputFlags, outputFlags} from './flags.js'
import type {Format} from '../render/format.js'
import {planLiveJson} from '../live/compare.js'
import {runPlanLive} from '../app/live.js'
import {runPlan} from '../app/plan.js'
import {renderReport} from '../render/format.js'
import {renderPlanLive} from '../render/live.js'
import {exitCodeFor} from '../app/report.js'
import {toJson} from '../render/json.js'
import {resolveRequest} from '../app/request.js'
import {liveFlags, liveOptionsFrom} from './live-flags.js'

export default class Plan extends BaseCommand {
  static override description = `Compute the app's PostgreSQL connection budget from its Procfile and configs.

For every process type: dynos × processes per dyno × connections per process, where connections per process = min(pool, threads) + connections outside the pool. The total and the deploy peak (release phase, preboot overlap) are checked against the plan's limit. Settings can live in conncalc.yml (see conncalc schema); flags override it. Exit code 0 fits, 1 does not fit (or an error was found), 2 bad input, 3 internal error.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --procfile Procfile --plan essential-0 --scale web=2 worker=1',
    '<%= config.bin %> <%= command.id %> --plan standard-0 --scale web=4:standard-2x worker=2 --env-file .env.production',
    '<%= config.bin %> <%= command.id %> --plan standard-0 --scale web=2..10 --preboot --suggest',
    '<%= config.bin %> <%= command.id %> --limit 120 --reserve 5 --explain',
    '<%= config.bin %> <%= command.id %> --format markdown > budget.md',
    '<%= config.bin %> <%= command.id %> --plan heroku-postgresql:standard-0 --json',
    '<%= config.bin %> <%= command.id %> --plan standard-0 --scale web=3 --assume web=1:20:20 --explain',
    '<%= config.bin %> <%= command.id %> --scale web=2 worker=1 --live --env-file .env.heroku',
  ]

  static override flags = {
    ...inputFlags,
    ...outputFlags,
    ...liveFlags,
    live: Flags.boolean({
      default: false,
      description:
        "also read the live database (--database-url, default DATABASE_URL): its limit when no --plan/--limit is given, and each process type's live connections beside its budget (matched by application_name, e.g. web.1)",
    }),
    suggest: Flags.boolean({default: false, description: 'say what would make it fit: a plan, dyno counts, processes/threads, PgBouncer; each with its new total'}),
  }

  async run(): Promise<JsonReport | undefined> {
    const {flags} = await this.parse(Plan, defaultRemote(this.argv))
    const request = await resolveRequest(flags)
    const format = (flags.format ?? 'table') as Format
    const chalk = await this.colors(flags.output)
    if (flags.live) {
      const envFiles = [...request.apps.flatMap((a) => [...a.defaults.envFiles, ...a.envFiles])]
      const result = await runPlanLive(request, liveOptionsFrom(flags, envFiles, request.warnAt))
      const width = this.width(flags.output)
      const text = format === 'table' ? renderPlanLive(result, {chalk, explain: flags.explain, width}) : renderReport(result.report, format, {chalk, explain: flags.explain, title: result.procfile})
      this.emit(text, flags.output, format)
      this.annotate(result.report, format)
      process.exitCode = exitCodeFor(result.report, request.failOn)
      return {...toJson(result.report), live: planLiveJson(result.live, result.comparison)}
    }

    const {report, title} = await runPlan(request, {suggest: flags.suggest})
    // Only the view that is printed is built: --json prints the JSON report, anything else a
    // rendered view (each is seconds of work for a 100,000-type Procfile).
    const json = this.jsonEnabled()
    if (!json) this.emit(renderReport(report, format, {chalk, explain: flags.explain, title, width: this.width(flags.output)}), flags.output, format)
    this.annotate(report, format)
    process.exitCode = exitCodeFor(report, request.failOn)
    return json ? toJson(report) : undefined
  }
}
