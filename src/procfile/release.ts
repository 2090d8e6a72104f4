import type {ServerAnalyzer} from '../languages/common/types.js'

import type {FileReader} from '../model/files.js'

import {fromAppJson} from '../platform/dokku-builder.js'

import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'

import {assumed, fromDefault, sourced, type Sourced} from '../model/source.js'
import {scriptNotInApp} from './unknown.js'
import {frameworkCli, hookCommandConnections, packageScript} from './hook-commands.js'
import {ectoMigration, isElixir} from '../languages/common/matchers.js'
import {earlierMigrationLock, migratorLockConnection} from '../languages/ruby/migration-lock.js'

const RELEASE_REF = 'https://devcenter.heroku.com/articles/release-phase'
const POSTDEPLOY_REF = 'https://doc.scalingo.com/platform/app/postdeploy-hook'
/** Dokku's deploy tasks: app.json scripts.dokku.predeploy (committed to the image, before the new containers start), postdeploy, the Procfile's release. */
const DOKKU_TASKS_REF = 'https://dokku.com/docs/advanced-usage/deployment-tasks/'
/**
 * When Dokku runs app.json's scripts.dokku.postdeploy: scheduler-docker-local's scheduler-deploy starts and checks the new
 * containers of every type, then runs `plugn trigger post-deploy` (app-json's TriggerPostDeploy: executeScript(…,
 * "postdeploy"), a container of the new image), and only then schedules the old containers to stop DOKKU_WAIT_TO_RETIRE
 * (60 s) later: the task runs beside the old and the new containers (dokku/dokku plugins/scheduler-docker-local/
 * scheduler-deploy, plugins/app-json/triggers.go TriggerPostDeploy; same order from 0.2x to 0.3x).
 */
export const DOKKU_POSTDEPLOY_REF = 'https://github.com/dokku/dokku/blob/master/plugins/scheduler-docker-local/scheduler-deploy'

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

/** Fly.io's [deploy] release_command: a temporary Machine of the new image, once per deploy, before the new Machines replace the old. */
const FLY_RELEASE_REF = 'https://fly.io/docs/reference/configuration/#run-one-off-commands-before-releasing-a-deployment'
const FLY_RELEASE: DeployHook = {
  dynos: () => sourced(1, fromDefault('Fly.io runs [deploy] release_command once per deploy in one temporary Machine of the new image, while the old Machines still run', FLY_RELEASE_REF)),
  processes: () => sourced(1, fromDefault('release_command runs one command in its Machine', FLY_RELEASE_REF)),
  threads: () => sourced(1, fromDefault('a release_command (e.g. a migration) runs on one thread', FLY_RELEASE_REF)),
}

/**
 * Dokku's app.json scripts.dokku.postdeploy (analyze-app names its entry `postdeploy`, from app.json): run in a container
 * of the new image once every new container is up and checked, before the old ones are stopped (DOKKU_POSTDEPLOY_REF).
 */
const DOKKU_POSTDEPLOY: DeployHook = {
  dynos: () => sourced(1, fromDefault("Dokku runs app.json's scripts.dokku.postdeploy in one container of the new image, once the new containers are up and before the old ones are stopped", DOKKU_POSTDEPLOY_REF)),
  processes: () => sourced(1, fromDefault('Dokku runs the postdeploy task once per deploy, in one container', DOKKU_TASKS_REF)),
  threads: () => sourced(1, fromDefault('a postdeploy task (e.g. db:migrate) runs on one thread', DOKKU_TASKS_REF)),
}

/**
 * The deploy hook a process type is, if it is one. `file`, where the type is declared: a `postdeploy` from app.json is
 * Dokku's task (DOKKU_POSTDEPLOY), one in a Procfile Scalingo's hook; a `release` from a fly.toml is Fly's release_command.
 */
export const deployHookOf = (processType: string, file?: string): DeployHook | undefined =>
  processType === 'postdeploy' && fromAppJson(file) ? DOKKU_POSTDEPLOY : processType === 'release' && file?.endsWith('.toml') ? FLY_RELEASE : DEPLOY_HOOK_OF.get(processType)

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
    const hook = deployHookOf(ctx.processType, ctx.origin?.file)!
    const lock = (await migratorLockConnection(ctx)) ?? (await earlierMigrationLock(ctx))
    const hookThreads0 = hookThreads(ctx.command.argv, ctx.files, hook)
    // `release: python manage.py migrate` where the command's folder holds no manage.py: Python stops before it runs
    // anything, the release phase fails, and the platform does not deploy the release. Said; counted as if it ran.
    // Only where the line changes no folder first (`cd src && …`, `--chdir`): the script is looked for in the root.
    const line = ctx.origin ? (ctx.files.read(ctx.origin.file)?.text.split('\n')[ctx.origin.line - 1] ?? '') : ''
    const missing = /\b(cd|pushd|chdir)\b|--chdir|\bsh\b|\bbash\b|\.sh\b/.test(line) ? undefined : scriptNotInApp(ctx.command.argv, ctx.files)
    const elsewhere = missing ? ctx.files.folders('').map((d) => `${d}/${posix.basename(ctx.command.argv.find((a) => a.endsWith('.py')) ?? '')}`).filter((f) => ctx.files.exists(f)) : []
    const threads = missing ? {...hookThreads0, via: [...(hookThreads0.via ?? []), assumed(`${missing}; counted as if it ran`)]} : hookThreads0
    const diagnostics: Diagnostic[] = missing
      ? [{
          code: 'missing-config',
          file: ctx.origin?.file,
          fix: elsewhere.length > 0 ? `run it where the script is: \`cd ${posix.dirname(elsewhere[0])} && ${ctx.command.argv.join(' ')}\`, or \`python ${elsewhere[0]} …\`` : 'name the script where the deploy has it, or add it to the repository',
          line: ctx.origin?.line,
          message: `${ctx.processType}: ${missing}${elsewhere.length > 0 ? ` (${elsewhere.join(', ')} is)` : ''}; the ${ctx.processType} command fails, and a failing release command stops the deploy (${RELEASE_REF}): conncalc counts it as if it ran`,
          processType: ctx.processType,
          severity: 'warning',
        }]
      : []
    return {
      diagnostics,
      ...(lock ? {extrasPerProcess: [lock]} : {}),
      // A command that opens none (hook-commands.ts) is 'none', as the no-database analyzer's programs are.
      language: threads.value === 0 ? 'none' : 'unknown',
      processesPerDyno: hook.processes(),
      server: ctx.processType,
      threadsPerProcess: threads,
    }
  },
  id: 'release',
  matches: (cmd, ctx) => deployHookOf(ctx.processType) !== undefined && !(ectoMigration(cmd.argv) !== undefined && isElixir(cmd, ctx)),
}

/**
 * Whether `word` is one of the packages `names`, as npx and the package runners take it: the name, or
 * name@version (`prisma@5.1`, `typeorm@^0.3`). What /^name(@[\w.^~-]+)?$/ matches, the pattern read
 * only for a word that names the package (a command's words are tried against every tool).
 */
function isPackage(word: string | undefined, names: readonly string[]): boolean {
  if (word === undefined) return false
  const at = word.indexOf('@')
  return names.includes(at === -1 ? word : word.slice(0, at)) && (at === -1 || /^[\w.^~-]+$/.test(word.slice(at + 1)))
}

/** The last part of a path (`target/release/diesel` → `diesel`); '' for none. */
const baseName = (word: string | undefined): string => (word ?? '').slice((word ?? '').lastIndexOf('/') + 1)

/**
 * Migration tools a deploy hook runs, and what each holds while it runs: one connection, their migrations
 * applied one after another on it (so the app's pool, when the tool reads the app's config, is not what it holds).
 * The command's own analyzer would count the app's pool for `npx …` (languages/node); these are kept here.
 */
const MIGRATION_TOOLS: readonly {language: string; ref: string; test: (words: readonly string[]) => boolean; why: string}[] = [
  {
    // Migrator.js latest(): `this.knex.transaction((trx) => this._runBatch(migrations, 'up', trx))`, the lock and every migration on that trx.
    language: 'node',
    ref: 'https://github.com/knex/knex/blob/master/lib/migrations/migrate/Migrator.js',
    test: (w) => w[0] === 'knex' && /^migrate:/.test(w[1] ?? ''),
    why: "knex's Migrator runs the migrations one after another in one transaction (the lock too): 1 connection of the knexfile's pool at a time",
  },
  {
    language: 'node',
    ref: 'https://www.prisma.io/docs/orm/prisma-migrate/workflows/development-and-production#production-and-testing-environments',
    test: (w) => w[1] === 'migrate' && isPackage(w[0], ['prisma']),
    why: "prisma migrate runs in Prisma's schema engine, which opens one connection (and takes its advisory lock on it)",
  },
  {
    language: 'node',
    ref: 'https://orm.drizzle.team/docs/drizzle-kit-migrate',
    test: (w) => w[1] === 'migrate' && isPackage(w[0], ['drizzle-kit']),
    why: 'drizzle-kit migrate applies the migrations one after another in one transaction: 1 connection',
  },
  {
    language: 'node',
    ref: 'https://github.com/sequelize/cli/blob/main/src/commands/migrate.js',
    test: (w) => isPackage(w[0], ['sequelize', 'sequelize-cli']) && (w[1] ?? '').startsWith('db:migrate'),
    why: 'sequelize-cli runs the migrations one after another (umzug): 1 connection of the pool at a time',
  },
  {
    // src/db.ts: `new pg.Client(connection)` (one client, connected once); the runner applies the migrations in turn on it.
    language: 'node',
    ref: 'https://github.com/salsita/node-pg-migrate/blob/main/src/db.ts',
    test: (w) => isPackage(w[0], ['node-pg-migrate']) && w.slice(1).some((a) => a === 'up' || a === 'down' || a === 'redo'),
    why: 'node-pg-migrate opens one pg Client (src/db.ts `new pg.Client(connection)`) and runs the migrations one after another on it: 1 connection',
  },
  {
    // db-migrate-pg index.js connect(): `var db = config.db || new pg.Client(config)`; db-migrate drives its migrations through that driver.
    language: 'node',
    ref: 'https://github.com/db-migrate/pg/blob/master/index.js',
    test: (w) => isPackage(w[0], ['db-migrate']) && w.slice(1).some((a) => /^(up|down|reset)(:|$)/.test(a)),
    why: "db-migrate's PostgreSQL driver (db-migrate-pg connect()) opens one pg Client and runs the migrations one after another on it: 1 connection",
  },
  {
    // src/commands/MigrationRunCommand.ts: dataSource.initialize() then runMigrations(); MigrationExecutor runs them on one queryRunner
    // (the pool's startup check and version query use one connection, released before).
    language: 'node',
    ref: 'https://github.com/typeorm/typeorm/blob/0.3.20/src/migration/MigrationExecutor.ts',
    test: (w) => isPackage(w[0], ['typeorm', 'typeorm-ts-node-commonjs', 'typeorm-ts-node-esm']) && w.slice(1).some((a) => a === 'migration:run' || a === 'migration:revert'),
    why: "typeorm migration:run runs the migrations on one query runner (MigrationExecutor): 1 connection of the data source's pool at a time",
  },
  {
    // src/pgReal.ts withClient(): one pool per connection string, `await pgPool.connect()` once; migrate runs on that client under its advisory lock.
    language: 'node',
    ref: 'https://github.com/graphile/migrate/blob/main/src/pgReal.ts',
    test: (w) => w[1] === 'migrate' && isPackage(w[0], ['graphile-migrate']),
    why: 'graphile-migrate migrate takes one client from its pool (pgReal.ts withClient) and runs the migrations on it, under its advisory lock: 1 connection',
  },
  {
    // MikroORM's Migrator runs umzug's migrations one after another, each in a transaction of its own (migrations.transactional).
    language: 'node',
    ref: 'https://github.com/mikro-orm/mikro-orm/blob/master/packages/migrations/src/Migrator.ts',
    test: (w) => isPackage(w[0], ['mikro-orm', 'mikro-orm-esm']) && /^migration:(up|down|fresh)$/.test(w[1] ?? ''),
    why: "mikro-orm migration:up runs the migrations one after another (umzug), each in its own transaction: 1 connection of the ORM's pool at a time",
  },
  {
    // diesel_cli migrations/mod.rs: `let mut conn = InferConnection::from_matches(matches)?` (one connection), then
    // run_pending_migrations on it. The Rust buildpack's RUST_INSTALL_DIESEL puts it at target/release/diesel.
    language: 'rust',
    ref: 'https://github.com/diesel-rs/diesel/blob/master/diesel_cli/src/migrations/mod.rs',
    test: (w) => baseName(w[0]) === 'diesel' && w[1] === 'migration' && ['redo', 'revert', 'run'].includes(w[2] ?? ''),
    why: 'diesel migration run establishes one connection (InferConnection::from_matches) and runs the pending migrations on it: 1 connection',
  },
  {
    // sqlx-cli src/migrate.rs run(): `let mut conn = crate::connect(connect_opts).await?` (one AnyConnection), then each migration on it.
    language: 'rust',
    ref: 'https://github.com/launchbadge/sqlx/blob/main/sqlx-cli/src/migrate.rs',
    test: (w) => ['sqlx', 'cargo-sqlx'].includes(baseName(w[0])) && w[1] === 'migrate' && (w[2] === 'run' || w[2] === 'revert'),
    why: 'sqlx migrate run opens one connection (sqlx-cli migrate.rs `crate::connect`) and applies the migrations on it: 1 connection',
  },
  {
    // env.py (alembic's generic template): `with connectable.connect() as connection: … context.run_migrations()`.
    language: 'python',
    ref: 'https://github.com/sqlalchemy/alembic/blob/main/alembic/templates/generic/env.py',
    // Flask-Migrate runs it as `flask db upgrade`, or through Flask-Script as `python manage.py db upgrade`
    // (manager.add_command("db", MigrateCommand); Django has no `db` command).
    test: (w) => {
      const db = (at: number): boolean => w[at] === 'db' && (w[at + 1] === 'upgrade' || w[at + 1] === 'downgrade')
      if (w[0] === 'alembic') return w.slice(1).some((a) => a === 'upgrade' || a === 'downgrade')
      if (w[0] === 'flask') return db(1)
      if (/(^|\/)manage\.py$/.test(w[0] ?? '')) return db(1)
      return /^python[\d.]*$/.test(w[0] ?? '') && /(^|\/)manage\.py$/.test(w[1] ?? '') && db(2)
    },
    why: "Alembic's env.py runs the migrations on the one connection it opens (`with connectable.connect() as connection`)",
  },
]

/** The words after a package runner (`npx`, `yarn`, `pnpm exec`, `bunx`, `node_modules/.bin/`): the tool and its arguments. */
export function toolWords(argv: readonly string[]): string[] {
  let words = argv.map((w, i) => (i === 0 && w.includes('node_modules/.bin/') ? w.replace(/^(?:\.\/)?(?:[\w.-]+\/)*node_modules\/\.bin\//, '') : w))
  const runner = words[0]
  if (runner === 'npx' || runner === 'bunx' || runner === 'yarn' || runner === 'pnpm' || runner === 'bun') {
    words = words.slice(1).filter((w, i, all) => !(w.startsWith('-') && all.slice(0, i).every((x) => x.startsWith('-'))))
    if ((runner === 'pnpm' || runner === 'yarn' || runner === 'bun') && (words[0] === 'exec' || words[0] === 'dlx' || words[0] === 'x')) words = words.slice(1)
  }

  // `node node_modules/typeorm/cli.js migration:run`, `ts-node ./node_modules/.bin/knex migrate:latest`: the package's CLI.
  const at = words.findIndex((w, i) => i > 0 && !w.startsWith('-'))
  const pkg = ['node', 'nodejs', 'ts-node', 'tsx', 'bun'].includes(words[0] ?? '') && at !== -1 ? /^(?:\.\/)?(?:[\w.-]+\/)*node_modules\/(?:\.bin\/([\w.-]+)|((?:@[\w.-]+\/)?[\w.-]+)\/)/.exec(words[at]) : null
  if (pkg) words = [pkg[1] ?? pkg[2], ...words.slice(at + 1)]

  return words
}

/** The migration tool a deploy hook's command runs, if it is one (MIGRATION_TOOLS), and the language it is written in. */
export function migrationTool(argv: readonly string[]): {language: string; ref: string; why: string} | undefined {
  const words = toolWords(argv)
  const found = MIGRATION_TOOLS.find((t) => t.test(words))
  return found ? {language: found.language, ref: found.ref, why: found.why} : undefined
}

/**
 * What one command of a deploy hook holds while it runs: a migration tool's one connection (its source), none for
 * a command that only touches files (hook-commands.ts), a framework CLI's one thread (the platform's default for a
 * release command), else one connection assumed, said: conncalc does not know what the command opens.
 * `npm run X` / `yarn X` is the package.json script it runs, when that is one plain command.
 */
function hookThreads(argv: readonly string[], files: FileReader, hook: DeployHook, depth = 0): Sourced<number> {
  const tool = migrationTool(argv)
  if (tool) return sourced(1, fromDefault(tool.why, tool.ref))
  const none = hookCommandConnections(argv, files)
  if (none) return sourced(none.connections, fromDefault(none.what, none.ref))
  if (frameworkCli(argv, files) !== undefined) return hook.threads()
  const script = depth < 3 ? packageScript(argv, files) : undefined
  if (script !== undefined && !/[;&|<>`$()]/.test(script)) return hookThreads(script.trim().split(/\s+/), files, hook, depth + 1)
  const shown = argv.join(' ')
  return sourced(1, assumed(`conncalc does not know what \`${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown}\` opens while it runs: counted as one connection (if it holds more, give them with --assume TYPE=1:THREADS)`))
}
