/**
 * The config file (`conncalc.yml`, `.conncalc.yml` or the `conncalc` key of
 * package.json): what a project always passes on the command line. The zod
 * schema is the one definition: validation, the TypeScript shape below and
 * `conncalc schema` (JSON Schema for editors) all come from it. zod is imported
 * only when a config file exists, to keep start-up fast.
 */

import {MAX_BACKENDS} from '../util/numbers.js'

export const TYPE_NAME = /^[\w-]+$/
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
export const SCALE_VALUE = /^\d+(?:\.\.\d+)?(?::[\w.-]+)?$/

/** Per process type: values to use instead of what conncalc read or assumed. */
export interface Assumption {
  /** Connections outside the pool, replacing every extra conncalc found or assumed for the type. */
  extrasPerDyno?: number
  extrasPerProcess?: number
  /** PgBouncer buildpack in front of this type: server connections per dyno = poolSize + reservePoolSize. */
  pgbouncer?: {poolSize: number; reservePoolSize: number}
  pool?: number
  processes?: number
  threads?: number
}

export type ScaleValue = number | string
export type EnvValue = boolean | number | string

/** What one app contributes: its Procfile and how it runs. */
export interface AppSettings {
  assumptions?: Record<string, Assumption>
  env?: Record<string, EnvValue>
  envFiles?: string[]
  /** The Dockerfile stage the image that runs is built from (`docker build --target NAME`), where no deploy file names one. */
  dockerTarget?: string
  /** The platform whose deploy is counted (--platform): Heroku's release phase and preboot, or Dokku's overlap of every type and its app.json tasks. */
  platform?: 'dokku' | 'heroku'
  preboot?: boolean
  procfile?: string
  railsEnv?: string
  scale?: Record<string, ScaleValue>
}

export interface AppEntry extends AppSettings {
  name: string
  procfile: string
}

export interface ConncalcConfig extends AppSettings {
  $schema?: string
  apps?: AppEntry[]
  failOn?: 'error' | 'warning'
  limit?: number
  plan?: string
  plansFile?: string
  reserve?: number
  warnAt?: number
}

/** Keys that describe one app; with `apps`, they belong in each entry (env/envFiles/railsEnv/preboot may stay as shared defaults). */
export const PER_APP_ONLY = ['assumptions', 'procfile', 'scale'] as const

export async function configSchema() {
  const {z} = await import('zod')
  const count = (what: string) => z.number().int(`${what} must be a whole number`)
  // An assumed count above what any server allows is a typo (1e20 processes printed a 21-digit budget): said, not counted.
  const assumedCount = (what: string) => count(what).max(MAX_BACKENDS, `${what} above ${MAX_BACKENDS} (PostgreSQL's most connection slots) is a typo`)

  const assumption = z
    .strictObject({
      extrasPerDyno: assumedCount('extrasPerDyno')
        .min(0)
        .describe('connections each dyno opens outside the pools (e.g. 0 when the Puma master holds none), replacing what conncalc found or assumed'),
      extrasPerProcess: assumedCount('extrasPerProcess')
        .min(0)
        .describe('connections each process opens outside its pool (Action Cable LISTEN, GoodJob utility threads, …), replacing what conncalc found or assumed'),
      pgbouncer: z
        .strictObject({
          poolSize: assumedCount('poolSize').min(1).describe('PGBOUNCER_DEFAULT_POOL_SIZE (the buildpack default is 1)'),
          reservePoolSize: assumedCount('reservePoolSize').min(0).default(1).describe('PGBOUNCER_RESERVE_POOL_SIZE (the buildpack default is 1)'),
        })
        .describe('the PgBouncer buildpack runs in front of this type: each dyno opens at most poolSize + reservePoolSize server connections'),
      pool: assumedCount('pool').min(1).describe('the app-level pool per process, for every database entry on the budgeted server'),
      processes: assumedCount('processes').min(1).describe('processes per dyno (Puma workers, gunicorn workers, …)'),
      threads: assumedCount('threads').min(1).describe('threads per process that may each hold a connection'),
    })
    .partial({extrasPerDyno: true, extrasPerProcess: true, pgbouncer: true, pool: true, processes: true, threads: true})
    .describe('values to use instead of what conncalc read or assumed, for one process type')

  const typeName = z.string().regex(TYPE_NAME, 'process type names are letters, digits, _ and -')
  const scale = z
    .record(
      typeName,
      z.union([
        count('a dyno count').min(0, 'a dyno count cannot be negative').max(MAX_BACKENDS, `a dyno count above ${MAX_BACKENDS} (PostgreSQL's most connection slots) is a typo`),
        z.string().regex(SCALE_VALUE, 'use a dyno count (2), a range (2..10) or a count and size (2:standard-2x)'),
      ]),
    )
    .describe('the formation, as `heroku ps:scale` takes it: {web: 2, worker: "1:standard-2x", api: "2..10"}')
  const env = z
    .record(z.string().regex(ENV_NAME, 'variable names are letters, digits and _'), z.union([z.string(), z.number(), z.boolean()]))
    .describe('variables for every process type, like --env KEY=VALUE')
  const envFiles = z.array(z.string().min(1)).describe('env files (dotenv, `heroku config -s` or `heroku config --json` output), relative to this file; later files win')
  const railsEnv = z.string().min(1).describe('the environment section of database.yml/sidekiq.yml to read')
  const preboot = z.boolean().describe('Heroku preboot is on: during a deploy new web dynos run beside the old ones')
  const platform = z
    .enum(['heroku', 'dokku'])
    .describe("the platform whose deploy is counted (--platform): heroku (release phase, preboot for web) or dokku (old and new containers of every type overlap, app.json's scripts.dokku tasks)")
  const assumptions = z.record(typeName, assumption).describe('per process type: values to use instead of what conncalc read or assumed')
  const dockerTarget = z
    .string()
    .regex(/^[\w.-]+$/, 'a Dockerfile stage name is letters, digits, ., _ and -')
    .describe('the Dockerfile stage the image that runs is built from (`docker build --target NAME`; --docker-target), where no deploy file names one (heroku.yml target, fly.toml build-target)')

  const app = z
    .strictObject({
      assumptions,
      dockerTarget,
      env,
      envFiles,
      name: z.string().regex(/^[\w.-]+$/, 'app names are letters, digits, ., _ and -').describe('a name for the app, shown on its rows'),
      platform,
      preboot,
      procfile: z.string().min(1).describe("the app's Procfile, relative to this file; its folder is the app root"),
      railsEnv,
      scale,
    })
    .partial({assumptions: true, dockerTarget: true, env: true, envFiles: true, platform: true, preboot: true, railsEnv: true, scale: true})

  return z
    .strictObject({
      $schema: z.string(),
      apps: z
        .array(app)
        .min(1)
        .describe('several apps attached to the same database: the budget, rules and exit code cover their sum'),
      assumptions,
      dockerTarget,
      env,
      envFiles,
      failOn: z.enum(['error', 'warning']).describe('exit 1 on diagnostics of this severity or worse (--fail-on)'),
      limit: count('limit').min(1).max(MAX_BACKENDS).describe('the connection limit to check against, instead of the plan (--limit)'),
      plan: z.string().min(1).describe('Heroku Postgres plan, e.g. essential-0, standard-0 (--plan)'),
      plansFile: z.string().min(1).describe('a plan table (JSON or YAML) instead of the built-in one, relative to this file (--plans-file)'),
      platform,
      preboot,
      procfile: z.string().min(1).describe('the Procfile, relative to this file (default: Procfile beside it)'),
      railsEnv,
      reserve: count('reserve').min(0).max(MAX_BACKENDS).describe('connections kept free for `heroku run`, pg:psql and Scheduler (--reserve)'),
      scale,
      warnAt: z.number().gt(0).lte(1).describe('warn when the total reaches this fraction of the limit (--warn-at, default 0.8)'),
    })
    .partial()
    .superRefine((config, ctx) => {
      // zod's issue code for checks of our own (not a conncalc diagnostic code).
      const custom = 'custom' as const
      if (!config.apps) return
      for (const key of PER_APP_ONLY) {
        if (config[key] !== undefined) {
          ctx.addIssue({code: custom, message: `with apps, ${key} belongs in each app entry`, path: [key]})
        }
      }

      const seen = new Set<string>()
      config.apps.forEach((a, i) => {
        if (seen.has(a.name)) ctx.addIssue({code: custom, message: `the app name "${a.name}" appears twice`, path: ['apps', i, 'name']})
        seen.add(a.name)
      })
    })
    .describe('conncalc settings: what a project always passes on the command line (flags override them)')
}

/** The JSON Schema editors read (`conncalc schema`; committed as plans/conncalc.schema.json). */
export async function configJsonSchema(): Promise<Record<string, unknown>> {
  const {z} = await import('zod')
  const schema = z.toJSONSchema(await configSchema(), {io: 'input', unrepresentable: 'any'})
  return {
    ...schema,
    title: 'conncalc config (conncalc.yml, .conncalc.yml or "conncalc" in package.json)',
  }
}
