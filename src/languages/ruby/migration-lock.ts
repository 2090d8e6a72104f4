/**
 * ActiveRecord's migration advisory lock: a Rails migration (`rails db:migrate`, db:prepare, db:rollback, …) holds one
 * connection more than the migration's own while it runs. Used for deploy hooks (procfile/release.ts), long-running
 * types that only migrate (rails-process.ts) and migrations a type runs before its server (migrations-before-start.ts).
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Extra} from '../../model/process.js'

import {assumed, fromDefault, fromFile, type Source, sourced} from '../../model/source.js'
import {rakefileOf, rakeTasks} from './rails-process-command.js'
import {type RakeOther, rakeTaskOthers} from './rake-tasks.js'
import {compareVersions} from '../../util/version.js'

// ActiveRecord's Migrator takes its advisory lock on a connection of its own, beside the one the migrations run on:
// AdvisoryLockBase in 6.0 (rails/rails v6.0.0 activerecord/lib/active_record/advisory_lock_base.rb, "a connection
// that we can use for advisory locks"), a fresh ConnectionHandler's pool per run from 6.1 (v6.1.0
// activerecord/lib/active_record/migration.rb with_advisory_lock_connection). Before 6.0 it locked on
// ActiveRecord::Base.connection itself. `advisory_locks: false` in database.yml turns the lock off
// (use_advisory_lock? → advisory_locks_enabled?).
const MIGRATOR_LOCK_REF = 'https://github.com/rails/rails/blob/v6.1.0/activerecord/lib/active_record/migration.rb'
/** Rake tasks that run ActiveRecord::Migrator (db:migrate:status only reads the table). */
const MIGRATE_TASK = /^db:(migrate(:(?!status$)[\w:-]+)?|rollback|forward|prepare)$/

/** The command without its launchers (`bundle exec`, `exec`, `env`, `K=v`), as the type's own command is read. */
export function unwrapped(argv: readonly string[]): string[] {
  let i = 0
  for (;;) {
    if (argv[i] === 'bundle' && argv[i + 1] === 'exec') i += 2
    else if (argv[i] === 'exec' || argv[i] === 'env' || ((argv[i] ?? '').includes('=') && /^[A-Za-z_]\w*=/.test(argv[i] ?? ''))) i += 1
    else return argv.slice(i)
  }
}

/** Does the command run ActiveRecord's Migrator (`rails db:migrate`, `rake db:prepare`, …)? */
export const isRailsMigration = (argv: readonly string[]): boolean => rakeTasks(argv)?.some((t) => MIGRATE_TASK.test(t)) ?? false

/** The Migrator's advisory-lock connection, for a command (the type's own by default) that is a Rails migration; undefined otherwise. */
export async function migratorLockConnection(ctx: AnalyzerContext, argv: readonly string[] = ctx.command.argv): Promise<Extra | undefined> {
  const tasks = rakeTasks(argv)
  if (!tasks) return undefined
  // A task of the app that runs a migration itself (`Rake::Task['db:migrate'].invoke`, `task release: 'db:migrate'`).
  const inner = tasks.some((t) => MIGRATE_TASK.test(t)) ? undefined : (await appTaskMigrations(ctx.files, tasks))
  if (!tasks.some((t) => MIGRATE_TASK.test(t)) && !inner) return undefined
  const version = ctx.versions.activerecord
  if (version !== undefined && compareVersions(version, '6.0') < 0) return undefined
  if (version === undefined && !ctx.files.exists('config/database.yml') && !ctx.files.exists('Gemfile')) return undefined
  // A lock file read without ActiveRecord in it: the db:migrate task is another library's (rom-sql's rom/sql/rake_task,
  // Hanami's, Sequel's own), whose migrator (Sequel::Migrator) runs on the one connection and takes no advisory lock
  // unless told to (jeremyevans/sequel lib/sequel/extensions/migration.rb: use_advisory_lock defaults off).
  if (version === undefined && Object.keys(ctx.versions).length > 0 && ['Gemfile.lock', 'gems.locked'].some((f) => ctx.files.exists(f))) return undefined
  const off = await advisoryLocksSetting(ctx)
  if (off?.value === false) return undefined
  const via: Source[] = []
  if (inner) {
    via.push(fromFile(inner.file, inner.line))
    if (inner.conditional) via.push(assumed(`${inner.file}:${inner.line}: \`${inner.name}\` runs only under a condition conncalc does not decide; counted as if it runs`))
  }

  if (version === undefined) via.push(assumed('no activerecord in Gemfile.lock: ActiveRecord 6.0 or later assumed'))
  if (off?.unread) via.push(fromFile('config/database.yml', off.line), assumed(`config/database.yml:${off.line} sets advisory_locks in a way conncalc cannot read; on (the default) assumed`))
  const what = version === undefined ? 'ActiveRecord' : `ActiveRecord ${version}`
  return {
    count: sourced(1, fromDefault(`${what} takes the migration advisory lock on a connection of its own, beside the migration's (advisory_locks defaults to on)`, MIGRATOR_LOCK_REF), via),
    kind: 'migration-advisory-lock',
    reason: 'ActiveRecord migrator advisory-lock connection',
  }
}

/** The first migration task the app's own tasks named on the command line run (rake-tasks.ts walks them as Rake would). */
async function appTaskMigrations(files: AnalyzerContext['files'], tasks: readonly string[]): Promise<RakeOther | undefined> {
  if (!rakefileOf(files)) return undefined
  const others = await rakeTaskOthers(tasks, files)
  return others?.find((o) => MIGRATE_TASK.test(o.name))
}

/** `advisory_locks:` in config/database.yml's section for the app environment (its primary entry in a three-tier file). */
async function advisoryLocksSetting(ctx: AnalyzerContext): Promise<{line: number; unread?: boolean; value?: unknown} | undefined> {
  const file = ctx.files.read('config/database.yml')
  if (!file || !/advisory_locks/.test(file.text)) return undefined
  const {readYamlErb, unknownTag} = await import('./erb.js')
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

/**
 * A deploy hook whose script runs a Rails migration before its last command (`rake db:migrate`, then `rake
 * import:data`; `rails db:prepare`, then `rails db:seed`): the hook runs them one after another, so it holds the
 * largest of them, the migration's 2 while it migrates. The lock connection, counted beside the hook's 1.
 */
export async function earlierMigrationLock(ctx: AnalyzerContext): Promise<Extra | undefined> {
  const migration = ctx.command.preCommands?.map(unwrapped).findLast((c) => isRailsMigration(c))
  if (!migration) return undefined
  const lock = await migratorLockConnection(ctx, migration)
  return lock && {...lock, reason: `ActiveRecord migrator advisory-lock connection, while \`${migration.join(' ')}\` runs before the hook's last command (the hook holds the larger of its commands, one after another)`}
}
