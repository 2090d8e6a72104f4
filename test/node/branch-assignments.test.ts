import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {knex: '^3.1.0', mysql2: '^3.9.0', pg: '^8.13.0', sqlite3: '^5.1.7'}}, null, 2)
const run = (files: Record<string, string>) => analyzeWith(node, 'node server.js', {'package.json': pkg, ...files}, {}, 'standard-2x')

// A made-up wiki server in the shape of requarks/wiki's server/core/db.js: the database type comes from a YAML file the
// app loads at run time into a global (conncalc does not read it), a switch on it picks knex's client, and knex's pool is
// {max: 7}. The app depends on pg, mysql2 and sqlite3: which one this deploy uses is the config file's.
const server = (pick: string) =>
  [
    "const Knex = require('knex')",
    'const settings = global.APP.config.db',
    'let dbClient = null',
    pick,
    'const knex = Knex({client: dbClient, connection: process.env.DATABASE_URL, pool: {max: 7}})',
    'module.exports = knex',
  ].join('\n')

const switchOn = (discriminant: string) =>
  [
    `switch (${discriminant}) {`,
    "  case 'postgres':",
    "    dbClient = 'pg'",
    '    break',
    "  case 'mysql':",
    "  case 'mariadb': {",
    "    dbClient = 'mysql2'",
    '    break',
    '  }',
    "  case 'sqlite':",
    "    dbClient = 'sqlite3'",
    '    break',
    '  default:',
    "    console.error('Invalid DB Type')",
    '    process.exit(1)',
    '}',
  ].join('\n')

describe('names assigned in the arms of a branch conncalc cannot decide', () => {
  it('a switch on an unread config value: the client is one of the cases, not the last one written (was sqlite3: 0 connections)', async () => {
    const a = await run({'server.js': server(switchOn('settings.type'))})
    // dbClient is 'pg', 'mysql2' or 'sqlite3' (default exits): unknown; knex's pool (max 7) is counted on PostgreSQL, starred.
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['knex server.js:20', 7, true]])
    expect(describeSourced(a.pools![0].pool)).toContain('`dbClient` is "pg" (line 6) or "mysql2" (line 10) or "sqlite3" (line 14), depending on `switch (settings.type)` (line 4)')
    expect(a.threadsPerProcess.value).toBe(7)
  })

  it('a switch on a value conncalc reads runs the matching case, falling through to the next until a break', async () => {
    const pg = await run({'server.js': server(switchOn("'postgres'"))})
    expect(pg.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['knex server.js:20', 7, false]])
    // 'mysql' falls through into 'mariadb''s block: mysql2, another database, so nothing on the plan.
    const mysql = await run({'server.js': server(switchOn("'mysql'"))})
    expect(mysql.pools ?? []).toEqual([])
    expect(mysql.otherServerPools?.map((p) => p.server)).toEqual([expect.stringMatching(/^mysql2 database \(knex client\)/)])
  })

  it('an if/else on an unread value: the same (was the else arm, sqlite3)', async () => {
    const a = await run({'server.js': server("if (settings.type === 'postgres') {\n  dbClient = 'pg'\n} else {\n  dbClient = 'sqlite3'\n}")})
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['knex server.js:9', 7, true]])
    expect(describeSourced(a.pools![0].pool)).toContain('`dbClient` is "pg" (line 5) or "sqlite3" (line 7)')
  })

  it('arms that agree, and an arm that exits, leave the value known', async () => {
    const same = await run({'server.js': server("if (settings.ssl) {\n  dbClient = 'pg'\n} else {\n  dbClient = 'pg'\n}")})
    expect(same.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[7, false]])
    // The then arm exits, so past the if dbClient is the else arm's.
    const exits = await run({'server.js': server("if (settings.type !== 'postgres') {\n  dbClient = 'sqlite3'\n  process.exit(1)\n} else {\n  dbClient = 'pg'\n}")})
    expect(exits.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[7, false]])
  })
})

// The same switch on an env var (FlowiseAI/Flowise's packages/server/src/DataSource.ts: `switch (process.env.DATABASE_TYPE)`,
// default sqlite): with it set nowhere, JS runs the default case; the PostgreSQL case's pool is named with the env var.
describe('a switch on an env var', () => {
  const app = [
    "const {Pool} = require('pg')",
    'let pool',
    'switch (process.env.DATABASE_TYPE) {',
    "  case 'postgres':",
    '    pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})',
    '    break',
    '  default:',
    "    pool = require('./sqlite-store')",
    '}',
    'module.exports = pool',
  ].join('\n')
  const runEnv = (env: Record<string, string>) => analyzeWith(node, 'node server.js', {'package.json': pkg, 'server.js': app}, env, 'standard-2x')

  it('unset: the default case runs; the case that would make a pool is read apart and, the process opening nothing else, counted starred', async () => {
    const a = await runEnv({})
    // As for an if's skipped arm (pools.ts): without that case the process would open no PostgreSQL connection at all.
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['pg server.js:5', 5, true]])
    expect(describeSourced(a.pools![0].pool)).toContain("created only when `process.env.DATABASE_TYPE === 'postgres'` (line 4) holds, and DATABASE_TYPE has no value here")
  })

  it("DATABASE_TYPE=postgres: that case's pool, 5", async () => {
    const a = await runEnv({DATABASE_TYPE: 'postgres'})
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['pg server.js:5', 5, false]])
  })
})

// Undecided branches inside undecided branches, with a function walked for a call site in an arm (its parameter shadows
// a module name while its body is read): each arm starts from the names as they were before the branch, an inner branch
// leaves its own arm's earlier writes alone, and the parameter is gone after the call (js.ts Names, an undo log).
describe('nested undecided branches', () => {
  it('a value set in both outer arms stays known; one an inner branch makes 3 or 5 and the other arm leaves 7 is unknown', async () => {
    const a = await run({
      'server.js': [
        "const Knex = require('knex')",
        'const settings = global.APP.config.db',
        "let dbClient = 'sqlite3'",
        'let max = 7',
        'const clamp = (max) => Math.min(max, 20)',
        'if (settings.replica) {',
        "  dbClient = 'pg'",
        '  if (settings.small) {',
        '    clamp(1)',
        '    max = 3',
        '  } else {',
        '    max = 5',
        '  }',
        '} else {',
        "  dbClient = 'pg'",
        '  clamp(9)',
        '}',
        'const knex = Knex({client: dbClient, connection: process.env.DATABASE_URL, pool: {max}})',
        'module.exports = knex',
      ].join('\n'),
    })
    // dbClient is 'pg' after either arm: PostgreSQL, known. max is 3 or 5 (unknown) after the then arm and 7 after the
    // else arm: unknown, so knex's default max 10 is assumed, naming why.
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['knex server.js:18', 10, true]])
    const why = describeSourced(a.pools![0].pool)
    expect(why).toContain('`max` is a value conncalc cannot read or 7 (line 4), depending on `settings.replica` (line 6)')
    expect(why).not.toContain('dbClient')
    expect(a.otherServerPools ?? []).toEqual([])
  })
})
