import type {Source, Sourced} from './source.js'
import type {Assumption} from './config.js'
import type {EnvLayer} from './env.js'
import type {Formation} from './formation.js'
import type {FailOn} from './diagnostic.js'
import type {HerokuInputs} from './heroku.js'

/** One app to read: its Procfile and everything that decides its numbers. */
export interface AppRequest {
  appEnv?: string
  /** Per process type: --assume over the config file's `assumptions` (or a suggestion being checked). */
  assumptions: Map<string, AssumptionEntry>
  /** The config file's values, below the matching flags. */
  defaults: {env?: EnvLayer; envFiles: string[]; formation: Formation}
  /** --docker-target, else the config file's `dockerTarget`: the Dockerfile stage built where no deploy file names one. */
  dockerTarget?: Sourced<string>
  /** --env KEY=VALUE */
  env: string[]
  /** --env-file */
  envFiles: string[]
  /** -a/--app or -r/--remote: what the Heroku Platform API says about the app (under the flags, over the config file). */
  heroku?: HerokuInputs
  /** Set when the config file lists apps. */
  name: null | string
  /** --platform, else the config file's `platform`: whose deploy the peak counts (Heroku's or Dokku's). */
  platform: null | Sourced<'dokku' | 'heroku'>
  /** --pooled: types that connect through Heroku's server-side pool. */
  pooled: string[]
  preboot: null | Sourced<boolean>
  procfile: string
  /** --procfile (or the config file's `procfile`) named it: read it even beside a heroku.yml. */
  procfileGiven?: boolean
  /** --root: the folder the commands run from (the app root), when it is not the Procfile's folder. */
  root?: string
  /** --scale (and `conncalc scale` arguments), heroku ps:scale syntax. */
  scale: string[]
}

/** Everything a budget needs, merged from flags (which win) and the config file. */
export interface BudgetRequest {
  apps: AppRequest[]
  /** The config file used, as shown to the user. */
  config: null | string
  /** Absolute folder of the config file, when there is one. */
  configDir: null | string
  failOn: FailOn
  limit?: Sourced<number>
  plan?: string
  /** Where the plan's name came from when not a flag or the config file (the Heroku app's add-on). */
  planVia?: Source
  plansFile?: string
  reserve?: Sourced<number>
  warnAt: number
}

/** Values for one process type and where each came from. */
export interface AssumptionEntry {
  /** Where the type's entry is (the flag, or the config file's line for the type). */
  source: Source
  /** Where each value is, when it has a line of its own. */
  sources?: Partial<Record<keyof Assumption, Source>>
  values: Assumption
}
