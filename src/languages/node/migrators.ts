/**
 * A deploy hook's script whose database work is a library migrator handed the app's pool or client
 * (`await migrate(db, {migrationsFolder})`, `knex.migrate.latest()`, `runner({databaseUrl})`, `umzug.up()`,
 * `dataSource.runMigrations()`): the migrator runs the migrations one after another, each on the one
 * connection (or transaction) it holds, so the script holds one connection at a time, not the pool's max.
 * A script that also runs queries of its own at once (`Promise.all`, …) keeps the pool: those can hold as
 * many connections as it allows. Sources, one per library (the version the shape was read at):
 * - drizzle-orm 0.45.2, src/pg-core/dialect.ts PgDialect.migrate (what src/postgres-js/migrator.ts,
 *   src/node-postgres/migrator.ts and the other pg migrators call): `await session.execute` of the schema and
 *   table, then `await session.transaction(async (tx) => { for … await tx.execute(…) })`: one session, in turn.
 * - knex 3.1.0, lib/migrations/migrate/Migrator.js latest(): `this.knex.transaction((trx) => this._runBatch(…, trx))`,
 *   the lock and every migration on that one transaction.
 * - node-pg-migrate 7.6.1, src/runner.ts runner(): one `db` client (src/db.ts, a single pg Client made from
 *   databaseUrl, or the dbClient given), every migration run on it in turn.
 * - umzug 3.8.2, src/umzug.ts up(): `for (const {name, path, ...} of toBeApplied) { await m.up(params) … }`, in turn.
 * - typeorm 0.3.20, src/migration/MigrationExecutor.ts executePendingMigrations(): one query runner
 *   (`this.queryRunner || this.connection.createQueryRunner()`), one connection, for every migration.
 */
import {fromDefault, type Source} from '../../model/source.js'
import type {JsCall, JsModule} from './js.js'

interface Migrator {
  ref: string
  test: (call: JsCall) => boolean
  what: string
}

const tail = (callee: string, name: string): boolean => callee === name || callee.endsWith(`.${name}`)

const MIGRATORS: readonly Migrator[] = [
  {
    ref: 'https://github.com/drizzle-team/drizzle-orm/blob/0.45.2/drizzle-orm/src/pg-core/dialect.ts',
    test: (c) => /^drizzle-orm\/[\w-]+\/migrator\.migrate$/.test(c.callee),
    what: "drizzle-orm's migrate() runs the migrations one after another in one transaction on one session",
  },
  {
    ref: 'https://github.com/knex/knex/blob/3.1.0/lib/migrations/migrate/Migrator.js',
    test: (c) => /(^|\.)migrate\.(latest|up|down|rollback)$/.test(c.callee) && (c.callee.startsWith('knex') || c.instance !== undefined),
    what: "knex's Migrator runs the migrations one after another in one transaction",
  },
  {
    ref: 'https://github.com/salsita/node-pg-migrate/blob/v7.6.1/src/runner.ts',
    test: (c) => /^node-pg-migrate(\.(runner|default|run))?$/.test(c.callee),
    what: "node-pg-migrate's runner runs the migrations one after another on one client",
  },
  {
    ref: 'https://github.com/sequelize/umzug/blob/v3.8.2/src/umzug.ts',
    test: (c) => /^umzug\.Umzug\.(up|down)$/.test(c.callee) || (c.instance !== undefined && /\.(up|down)$/.test(c.callee) && /umzug/i.test(c.callee)),
    what: "umzug runs the migrations one after another (await m.up() in a loop)",
  },
  {
    ref: 'https://github.com/typeorm/typeorm/blob/0.3.20/src/migration/MigrationExecutor.ts',
    test: (c) => tail(c.callee, 'runMigrations') && /typeorm/i.test(c.callee),
    what: "typeorm's MigrationExecutor runs the migrations one after another on one query runner",
  },
]

/** Calls that run several of the script's own promises (queries) at once. */
const AT_ONCE = /^Promise\.(all|allSettled|any|race)$/

/**
 * The migrator a deploy hook's script `main` hands its pool to, when that is its only database work at once:
 * the one connection it holds, sourced from the library. Undefined when the script also runs work at once.
 */
export function migratorOnly(main: JsModule | undefined): Source | undefined {
  if (!main) return undefined
  const found = main.calls.map((c) => ({c, m: MIGRATORS.find((m) => m.test(c))})).find((x) => x.m !== undefined)
  if (!found?.m || main.calls.some((c) => AT_ONCE.test(c.callee))) return undefined
  return fromDefault(`${main.file}:${found.c.line}: ${found.m.what}: 1 connection of the pool at a time`, found.m.ref)
}
