import type {Diagnostic} from './diagnostic.js'
import type {EnvLayer} from './env.js'
import type {Formation} from './formation.js'
import type {Source, Sourced} from './source.js'

/** What the Heroku Platform API says about one app (io/heroku-api.ts reads it; platform/heroku-app.ts maps it). */
export interface HerokuFormation {
  /** The command the formation runs: the released slug's Procfile line. */
  command: string
  quantity: number
  /** As the API spells it: "Standard-1X", "performance-l", "Basic". */
  size: string
  type: string
}

export interface HerokuAddon {
  /** The app that owns the add-on; another app's when it is attached from there. */
  app?: string
  /** Config vars the add-on sets on its owning app. */
  configVars: string[]
  name: string
  /** "heroku-postgresql:standard-0" */
  plan: string
  /** "heroku-postgresql" */
  service: string
  state?: string
}

export interface HerokuBuildpack {
  name?: string
  ordinal: number
  url: string
}

export interface HerokuAppData {
  addons: HerokuAddon[]
  /** The API's base URL, as read. */
  api: string
  app: string
  buildpacks: HerokuBuildpack[]
  /** Names and values; values are never printed. */
  configVars: Map<string, string>
  formation: HerokuFormation[]
  preboot: boolean
}

/** The API's answers as conncalc's inputs (platform/heroku-app.ts). */
export interface HerokuInputs {
  app: string
  /** Buildpack URLs/names in order (the last language buildpack sets WEB_CONCURRENCY). */
  buildpacks: {source: Source; urls: string[]}
  /** The command each process type runs, per the formation. */
  commands: Map<string, string>
  diagnostics: Diagnostic[]
  env: EnvLayer
  formation: Formation
  /** The label commands from the formation carry in place of a Procfile path. */
  label: string
  /** The Postgres plan of the add-on behind DATABASE_URL, when it can be told. */
  plan?: {name: string; source: Source}
  preboot: Sourced<boolean>
}
