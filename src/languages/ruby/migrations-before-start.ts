/**
 * A Rails migration a long-running type runs before its process starts (`bundle exec rake db:migrate && bundle exec
 * puma`, a start script running `rails db:migrate` and then exec'ing the server): it runs in every dyno as that dyno
 * boots, and exits before the server starts. While it runs it holds the migration's connection and, on ActiveRecord
 * ≥ 6.0, the Migrator's advisory-lock connection (migration-lock.ts): 2. That is over before the process conncalc
 * counts opens any, so it is in neither the total nor the ceiling; a booting dyno holds the larger of the two for a
 * moment, and a deploy or restart boots every dyno of the type. Said in --explain (a note on the type's processes,
 * not an assumption): a type whose dynos hold fewer than that while running would briefly go above its row.
 */
import {fromDefault} from '../../model/source.js'
import {isRailsMigration, migratorLockConnection, unwrapped} from './migration-lock.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'

const HOOKS = new Set(['postcompile', 'postdeploy', 'predeploy', 'release'])

async function beforeStart(ctx: AnalyzerContext, migration: readonly string[]): Promise<AddonAnalysis> {
  const lock = await migratorLockConnection(ctx, migration)
  const holds = lock ? 2 : 1
  const what = migration.join(' ')
  const why = lock ? `the migration's connection and the Migrator's advisory-lock connection: ${lock.count.source.kind === 'default' ? lock.count.source.what : 'advisory lock on'}` : 'the migration\'s connection (no advisory-lock connection: ActiveRecord before 6.0 or advisory_locks off)'
  return {
    diagnostics: [],
    processesVia: [
      fromDefault(
        `\`${what}\` runs before the process in every dyno as it boots, then exits: it holds ${holds} while migrating (${why}); over before the process opens any, so not in the total or the ceiling — each booting dyno holds the larger of ${holds} and its own count for a moment, and a deploy or restart boots every dyno of the type`,
        lock && lock.count.source.kind === 'default' ? lock.count.source.ref : 'https://guides.rubyonrails.org/active_record_migrations.html',
      ),
    ],
  }
}

export const migrationsBeforeStart: ProcessAddon = {
  // Most types run nothing before their process: answered at once.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> => {
    if (HOOKS.has(server.server)) return {diagnostics: []}
    const migration = ctx.command.preCommands?.map(unwrapped).findLast((c) => isRailsMigration(c))
    return migration ? beforeStart(ctx, migration) : {diagnostics: []}
  },
  id: 'migrations_before_start',
}
