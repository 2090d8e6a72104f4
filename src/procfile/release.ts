import type {ServerAnalyzer} from '../languages/common/types.js'

import {assumed, fromDefault, sourced, type Sourced} from '../model/source.js'
import {ectoMigration, isElixir} from '../languages/common/matchers.js'
import {earlierMigrationLock, migratorLockConnection} from '../languages/ruby/migration-lock.js'

const RELEASE_REF = 'https://devcenter.heroku.com/articles/release-phase'
const POSTDEPLOY_REF = 'https://doc.scalingo.com/platform/app/postdeploy-hook'
/** Dokku's deploy tasks: app.json scripts.dokku.predeploy (committed to the image, before the new containers start), postdeploy, the Procfile's release. */
const DOKKU_TASKS_REF = 'https://dokku.com/docs/advanced-usage/deployment-tasks/'

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
  predeploy: {
    dynos: () => sourced(1, fromDefault("Dokku runs app.json's scripts.dokku.predeploy in one container of the new image, before the new containers start (the old ones still serve)", DOKKU_TASKS_REF)),
    processes: () => sourced(1, fromDefault('Dokku runs the predeploy task once per deploy, in one container', DOKKU_TASKS_REF)),
    threads: () => sourced(1, fromDefault('a predeploy task (e.g. db:migrate) runs on one thread', DOKKU_TASKS_REF)),
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
    const lock = (await migratorLockConnection(ctx)) ?? (await earlierMigrationLock(ctx))
    const tool = migrationTool(ctx.command.argv)
    const threads = hook.threads()
    return {
      diagnostics: [],
      ...(lock ? {extrasPerProcess: [lock]} : {}),
      language: 'unknown',
      processesPerDyno: hook.processes(),
      server: ctx.processType,
      threadsPerProcess: tool ? sourced(1, fromDefault(tool.why, tool.ref)) : threads,
    }
  },
  id: 'release',
  matches: (cmd, ctx) => deployHookOf(ctx.processType) !== undefined && !(ectoMigration(cmd.argv) !== undefined && isElixir(cmd, ctx)),
}

/**
 * Migration tools a deploy hook runs, and what each holds while it runs: one connection, their migrations
 * applied one after another on it (so the app's pool, when the tool reads the app's config, is not what it holds).
 * The command's own analyzer would count the app's pool for `npx …` (languages/node); these are kept here.
 */
const MIGRATION_TOOLS: readonly {ref: string; test: (words: readonly string[]) => boolean; why: string}[] = [
  {
    // Migrator.js latest(): `this.knex.transaction((trx) => this._runBatch(migrations, 'up', trx))`, the lock and every migration on that trx.
    ref: 'https://github.com/knex/knex/blob/master/lib/migrations/migrate/Migrator.js',
    test: (w) => w[0] === 'knex' && /^migrate:/.test(w[1] ?? ''),
    why: "knex's Migrator runs the migrations one after another in one transaction (the lock too): 1 connection of the knexfile's pool at a time",
  },
  {
    ref: 'https://www.prisma.io/docs/orm/prisma-migrate/workflows/development-and-production#production-and-testing-environments',
    test: (w) => /^prisma(@[\w.^~-]+)?$/.test(w[0] ?? '') && w[1] === 'migrate',
    why: "prisma migrate runs in Prisma's schema engine, which opens one connection (and takes its advisory lock on it)",
  },
  {
    ref: 'https://orm.drizzle.team/docs/drizzle-kit-migrate',
    test: (w) => /^drizzle-kit(@[\w.^~-]+)?$/.test(w[0] ?? '') && w[1] === 'migrate',
    why: 'drizzle-kit migrate applies the migrations one after another in one transaction: 1 connection',
  },
  {
    ref: 'https://github.com/sequelize/cli/blob/main/src/commands/migrate.js',
    test: (w) => /^sequelize(-cli)?(@[\w.^~-]+)?$/.test(w[0] ?? '') && /^db:migrate/.test(w[1] ?? ''),
    why: 'sequelize-cli runs the migrations one after another (umzug): 1 connection of the pool at a time',
  },
  {
    // env.py (alembic's generic template): `with connectable.connect() as connection: … context.run_migrations()`.
    ref: 'https://github.com/sqlalchemy/alembic/blob/main/alembic/templates/generic/env.py',
    test: (w) => (w[0] === 'alembic' && w.slice(1).some((a) => a === 'upgrade' || a === 'downgrade')) || (w[0] === 'flask' && w[1] === 'db' && (w[2] === 'upgrade' || w[2] === 'downgrade')),
    why: "Alembic's env.py runs the migrations on the one connection it opens (`with connectable.connect() as connection`)",
  },
]

/** The words after a package runner (`npx`, `yarn`, `pnpm exec`, `bunx`, `node_modules/.bin/`): the tool and its arguments. */
export function toolWords(argv: readonly string[]): string[] {
  let words = argv.map((w, i) => (i === 0 ? w.replace(/^(?:\.\/)?(?:[\w.-]+\/)*node_modules\/\.bin\//, '') : w))
  const runner = words[0]
  if (runner === 'npx' || runner === 'bunx' || runner === 'yarn' || runner === 'pnpm' || runner === 'bun') {
    words = words.slice(1).filter((w, i, all) => !(w.startsWith('-') && all.slice(0, i).every((x) => x.startsWith('-'))))
    if ((runner === 'pnpm' || runner === 'yarn' || runner === 'bun') && (words[0] === 'exec' || words[0] === 'dlx' || words[0] === 'x')) words = words.slice(1)
  }

  return words
}

/** The migration tool a deploy hook's command runs, if it is one (MIGRATION_TOOLS). */
export function migrationTool(argv: readonly string[]): {ref: string; why: string} | undefined {
  const words = toolWords(argv)
  const found = MIGRATION_TOOLS.find((t) => t.test(words))
  return found ? {ref: found.ref, why: found.why} : undefined
}
