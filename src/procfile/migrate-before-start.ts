/**
 * A migration a long-running type runs before its server in the same command, other than Rails' (languages/ruby/
 * migrations-before-start.ts says those): `python manage.py migrate && gunicorn …`, `npx prisma migrate deploy && node
 * server.js`, `alembic upgrade head && uvicorn …`. It runs in every dyno as that dyno boots and exits before the server
 * starts, so it is over before the process conncalc counts opens any connection: in neither the total, the ceiling nor
 * the deploy peak (a booting dyno holds the migration's connection, then its own; a deploy or restart boots every dyno of
 * the type, each doing that). Said in --explain, a note on the type's processes, not an assumption.
 *
 * - Django's migrate command runs the migrations on the one connection of the database alias it migrates (`--database`,
 *   `default`): django/core/management/commands/migrate.py `connection = connections[database]`,
 *   `executor = MigrationExecutor(connection, …)`.
 * - The migration CLIs of release.ts MIGRATION_TOOLS, each from its source: one connection.
 * - `mix ecto.migrate` (also `MIX_ENV=prod mix ecto.migrate`): Mix.Tasks.Ecto.Migrate starts no application and runs
 *   each repo's migrations through Ecto.Migrator.with_repo, which starts the repo with pool_size 2 and stops it before
 *   the next: 2 while migrating.
 */
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../languages/common/types.js'

import {fromDefault} from '../model/source.js'
import {manageInvocation} from '../languages/python/program.js'
import {isRailsMigration, unwrapped} from '../languages/ruby/migration-lock.js'
import {migrationTool} from './release.js'
import {ectoMigration} from '../languages/common/matchers.js'

const HOOKS = new Set(['postcompile', 'postdeploy', 'predeploy', 'release'])
const DJANGO_MIGRATE_REF = 'https://github.com/django/django/blob/main/django/core/management/commands/migrate.py'
const ECTO_MIGRATE_REF = 'https://github.com/elixir-ecto/ecto_sql/blob/master/lib/mix/tasks/ecto.migrate.ex'

/** What a command that migrates holds while it runs, and why, if it is one conncalc knows. */
function migrationHeld(argv: readonly string[]): {held: number; ref: string; why: string} | undefined {
  const manage = manageInvocation(argv)
  if (manage?.command === 'migrate') {
    const at = manage.args.indexOf('--database')
    const db = manage.args.find((a) => a.startsWith('--database='))?.slice('--database='.length) ?? (at === -1 ? undefined : manage.args[at + 1]) ?? 'default'
    return {held: 1, ref: DJANGO_MIGRATE_REF, why: `Django's migrate runs the migrations on the one connection of the \`${db}\` database (MigrationExecutor on connections[database])`}
  }

  if (ectoMigration(argv) === 'mix') return {held: 2, ref: ECTO_MIGRATE_REF, why: "mix ecto.migrate starts no application: Ecto.Migrator.with_repo starts each repo with pool_size 2 and stops it before the next"}
  const tool = migrationTool(argv)
  return tool ? {held: 1, ...tool} : undefined
}

export const migrationsBeforeServer: ProcessAddon = {
  // Most types run nothing before their process: answered at once.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis => {
    if (HOOKS.has(server.server) || HOOKS.has(ctx.processType) || !ctx.command.preCommands?.length) return {diagnostics: []}
    const commands = ctx.command.preCommands.map(unwrapped)
    // A Rails migration is said by languages/ruby/migrations-before-start.ts (its advisory-lock connection too).
    if (commands.some((c) => isRailsMigration(c))) return {diagnostics: []}
    for (const c of [...commands].reverse()) {
      const held = migrationHeld(c)
      if (!held) continue
      const what = c.join(' ')
      return {
        diagnostics: [],
        processesVia: [
          fromDefault(
            `\`${what.length > 80 ? `${what.slice(0, 79)}…` : what}\` runs before the process in every dyno as it boots, then exits: it holds ${held.held} while migrating (${held.why}); over before the process opens any, so not in the total, the ceiling or the deploy peak — each booting dyno holds the migration's ${held.held}, then its own count, and a deploy or restart boots every dyno of the type`,
            held.ref,
          ),
        ],
      }
    }

    return {diagnostics: []}
  },
  id: 'migrations_before_server',
}
