import type {AnalyzerContext, ServerAnalyzer} from '../languages/common/types.js'
import type {Extra} from '../model/process.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../model/source.js'
import {ectoMigration, isElixir} from '../languages/common/matchers.js'
import {rakeTasks} from '../languages/ruby/rails-process-command.js'
import {compareVersions} from '../util/version.js'

const RELEASE_REF = 'https://devcenter.heroku.com/articles/release-phase'
const POSTDEPLOY_REF = 'https://doc.scalingo.com/platform/app/postdeploy-hook'

/** A Procfile type the platform runs once per deploy instead of keeping it up: where it runs and why conncalc says so. */
interface DeployHook {
  /** Its dyno (container) count: always one, from the platform's docs or assumed. */
  dynos: () => Sourced<number>
  processes: () => Sourced<number>
  threads: () => Sourced<number>
}

/**
 * Process types that run once per deploy, not in the formation, so they count only
 * in the deploy peak:
 * - Heroku's `release`: one one-off dyno before the new release starts, beside the old formation.
 * - Scalingo's `postdeploy`: "An extra container is started to run the postdeploy command"
 *   once the new containers are up, before routing switches to them (Scalingo docs; Scalingo
 *   has no `release` type: "The postdeploy hook exists with similar functionality",
 *   doc.scalingo.com/platform/getting-started/heroku-compatibility).
 * - `postcompile`: not a type Scalingo documents; apps on Scalingo name their build hook
 *   with it (Scalingo's buildpacks run `bin/post_compile` during the build). Counted like a
 *   release-phase command, as an assumption: whether the platform ever starts it is not known.
 */
export const DEPLOY_HOOKS: Readonly<Record<string, DeployHook>> = {
  postcompile: {
    dynos: () => sourced(1, assumed('postcompile is not a process type Scalingo documents (its build hook is bin/post_compile); counted once per deploy, like a release command, not as a long-running type')),
    processes: () => sourced(1, assumed('a postcompile command runs once, during the build')),
    threads: () => sourced(1, assumed('a postcompile command runs on one thread')),
  },
  postdeploy: {
    dynos: () => sourced(1, fromDefault('Scalingo runs the postdeploy hook in one extra container per deploy', POSTDEPLOY_REF)),
    processes: () => sourced(1, fromDefault('Scalingo runs the postdeploy command in one extra container after each deploy', POSTDEPLOY_REF)),
    threads: () => sourced(1, fromDefault('a postdeploy command (e.g. db:migrate) runs on one thread', POSTDEPLOY_REF)),
  },
  release: {
    dynos: () => sourced(1, fromDefault('the release phase runs in one one-off dyno', RELEASE_REF)),
    processes: () => sourced(1, fromDefault('release phase runs one command in one dyno', RELEASE_REF)),
    threads: () => sourced(1, fromDefault('a release command (e.g. db:migrate) runs on one thread', RELEASE_REF)),
  },
}

/** The deploy hook a process type is, if it is one. */
export const deployHookOf = (processType: string): DeployHook | undefined => DEPLOY_HOOK_OF.get(processType)

/**
 * DEPLOY_HOOKS as a Map, asked several times for every process type: a Map finds a name by the hash the
 * string keeps, where a property check looks each new name up in V8's table of property names first.
 */
const DEPLOY_HOOK_OF: ReadonlyMap<string, DeployHook> = new Map(Object.entries(DEPLOY_HOOKS))

/**
 * The Procfile's deploy-time types (`release`, `postdeploy`, `postcompile`): one process, one thread,
 * unless the command's own analyzer knows what it holds while it runs: an Ecto migration starts each
 * repo with a pool of its own (languages/elixir), still once per deploy (analyze-app reads the role
 * from the process type).
 */
export const release: ServerAnalyzer = {
  analyze: async (ctx) => {
    const hook = deployHookOf(ctx.processType)!
    const lock = await migratorLockConnection(ctx)
    return {
      diagnostics: [],
      ...(lock ? {extrasPerProcess: [lock]} : {}),
      language: 'unknown',
      processesPerDyno: hook.processes(),
      server: ctx.processType,
      threadsPerProcess: hook.threads(),
    }
  },
  id: 'release',
  matches: (cmd, ctx) => deployHookOf(ctx.processType) !== undefined && !(ectoMigration(cmd.argv) !== undefined && isElixir(cmd, ctx)),
}

// ActiveRecord's Migrator takes its advisory lock on a connection of its own, beside the one the migrations run on:
// AdvisoryLockBase in 6.0 (rails/rails v6.0.0 activerecord/lib/active_record/advisory_lock_base.rb, "a connection
// that we can use for advisory locks"), a fresh ConnectionHandler's pool per run from 6.1 (v6.1.0
// activerecord/lib/active_record/migration.rb with_advisory_lock_connection). Before 6.0 it locked on
// ActiveRecord::Base.connection itself. `advisory_locks: false` in database.yml turns the lock off
// (use_advisory_lock? → advisory_locks_enabled?).
const MIGRATOR_LOCK_REF = 'https://github.com/rails/rails/blob/v6.1.0/activerecord/lib/active_record/migration.rb'
/** Rake tasks that run ActiveRecord::Migrator (db:migrate:status only reads the table). */
const MIGRATE_TASK = /^db:(migrate(:(?!status$)[\w:-]+)?|rollback|forward|prepare)$/

/** The Migrator's advisory-lock connection, for a deploy hook that is a Rails migration; undefined otherwise. */
async function migratorLockConnection(ctx: AnalyzerContext): Promise<Extra | undefined> {
  const tasks = rakeTasks(ctx.command.argv)
  if (!tasks?.some((t) => MIGRATE_TASK.test(t))) return undefined
  const version = ctx.versions.activerecord
  if (version !== undefined && compareVersions(version, '6.0') < 0) return undefined
  if (version === undefined && !ctx.files.exists('config/database.yml') && !ctx.files.exists('Gemfile')) return undefined
  const off = await advisoryLocksSetting(ctx)
  if (off?.value === false) return undefined
  const via: Source[] = []
  if (version === undefined) via.push(assumed('no activerecord in Gemfile.lock: ActiveRecord 6.0 or later assumed'))
  if (off?.unread) via.push(fromFile('config/database.yml', off.line), assumed(`config/database.yml:${off.line} sets advisory_locks in a way conncalc cannot read; on (the default) assumed`))
  const what = version === undefined ? 'ActiveRecord' : `ActiveRecord ${version}`
  return {
    count: sourced(1, fromDefault(`${what} takes the migration advisory lock on a connection of its own, beside the migration's (advisory_locks defaults to on)`, MIGRATOR_LOCK_REF), via),
    kind: 'migration-advisory-lock',
    reason: 'ActiveRecord migrator advisory-lock connection',
  }
}

/** `advisory_locks:` in config/database.yml's section for the app environment (its primary entry in a three-tier file). */
async function advisoryLocksSetting(ctx: AnalyzerContext): Promise<{line: number; unread?: boolean; value?: unknown} | undefined> {
  const file = ctx.files.read('config/database.yml')
  if (!file || !/advisory_locks/.test(file.text)) return undefined
  const {readYamlErb, unknownTag} = await import('../languages/ruby/erb.js')
  const doc = await readYamlErb(file, {appEnv: ctx.appEnv, env: ctx.env}, ctx.files)
  const section = (doc.yaml.value as Record<string, unknown> | undefined)?.[ctx.appEnv]
  if (!section || typeof section !== 'object') return undefined
  const s = section as Record<string, unknown>
  // Three-tier (`production: {primary: {…}, cache: {…}}`): the primary entry, "primary" else the first.
  const entries = Object.keys(s).filter((k) => typeof s[k] === 'object' && s[k] !== null && !Array.isArray(s[k]))
  const threeTier = !Object.hasOwn(s, 'adapter') && !Object.hasOwn(s, 'url') && !Object.hasOwn(s, 'advisory_locks') && entries.length > 0
  const primary = threeTier ? [entries.includes('primary') ? 'primary' : entries[0]] : []
  const path = [ctx.appEnv, ...primary, 'advisory_locks']
  const holder = threeTier ? (s[primary[0]] as Record<string, unknown>) : s
  if (!Object.hasOwn(holder, 'advisory_locks')) return undefined
  const value = holder.advisory_locks
  const line = doc.yaml.lineOf(path) ?? 1
  // No value (an env var with none here): ActiveRecord would read nil as off, the platform's value may say on.
  if (value === null || value === undefined || unknownTag(doc.erb, value) !== undefined) return {line, unread: true}
  const off = value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'false')
  return {line, value: off ? false : value}
}
