/**
 * A module that throws (or calls process.exit) as it loads when a variable has no value here:
 * `if (env.NODE_ENV === 'production' && !env.SESSION_KEY) throw new Error(…)` in the config module every other module
 * imports. A process without the variable would exit at start; one that runs has it set, so the module is read on
 * (its exports bound, the rest of it run) and the report says so. Before, the rest of the module was read as a branch
 * that does not run: its exports were unknown, so the pool built from them fell back to pg's default, starred.
 * Made-up Express app, TypeScript with a zod env schema, run with tsx.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const json = (dir: string, env: string[] = []) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'NODE_ENV=production', ...env.flatMap((e) => ['--env', e])])

const dir = app({
  Procfile: 'web: npx tsx src/server.ts\n',
  'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.13.0', tsx: '^4.19.0', zod: '^3.24.0'}, engines: {node: '22.x'}}, null, 2),
  'src/config.ts': [
    "import {z} from 'zod'",
    '',
    'const schema = z.object({',
    "  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),",
    '  SESSION_KEY: z.string().min(32).optional(),',
    '  DB_POOL_MAX: z.coerce.number().int().positive().default(6),',
    '})',
    '',
    'const env = schema.parse(process.env)',
    '',
    "if (env.NODE_ENV === 'production' && !env.SESSION_KEY) {",
    "  throw new Error('SESSION_KEY must be set in production')",
    '}',
    '',
    'export const config = {',
    '  databaseUrl: process.env.DATABASE_URL,',
    '  poolMax: env.DB_POOL_MAX,',
    '}',
  ].join('\n'),
  'src/db.ts': ["import {Pool} from 'pg'", "import {config} from './config'", '', 'export const pool = new Pool({connectionString: config.databaseUrl, max: config.poolMax})'].join('\n'),
  'src/server.ts': ["import express from 'express'", "import {pool} from './db'", '', 'const app = express()', "app.get('/', async (req, res) => res.json((await pool.query('select now()')).rows))", 'app.listen(process.env.PORT)'].join('\n'),
})

describe('a module that exits as it loads when a variable is unset', () => {
  it('is read on as if the deploy sets the variable, and that is said', () => {
    const r = json(dir)
    // DB_POOL_MAX unset → zod's .default(6): 6. Before: config unknown past the throw, pg's default 10*.
    expect(r.total).toBe(6)
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
    const said = r.diagnostics.filter((d) => d.file === 'src/config.ts')
    expect(said.map((d) => [d.line, d.severity])).toEqual([[11, 'info']])
    expect(said[0].message).toContain('SESSION_KEY has no value here')
    expect(said[0].message).toContain('exits at start unless the deploy sets it')
  })

  it('with the variable set nothing is said, and the schema still gives the pool', () => {
    const r = json(dir, ['SESSION_KEY=0123456789abcdef0123456789abcdef', 'DB_POOL_MAX=9'])
    expect(r.total).toBe(9)
    expect(r.diagnostics.filter((d) => d.file === 'src/config.ts')).toEqual([])
  })
})

describe('a config module that checks several variables in turn as it loads', () => {
  // Three checks (lines 3, 4 and 6; the one at 6 calls process.exit), none of API_KEY, API_URL, SIGNING_SECRET set: one
  // info line for the module, at its first check, naming all three. The pool below them is read: max 4.
  const many = app({
    Procfile: 'web: node server.js\n',
    'config.js': [
      "'use strict'",
      '',
      "if (!process.env.API_KEY) throw new Error('API_KEY is required')",
      "if (!process.env.API_URL) throw new Error('API_URL is required')",
      '',
      'if (!process.env.SIGNING_SECRET) {',
      '  process.exit(1)',
      '}',
      '',
      'module.exports = {poolMax: 4}',
    ].join('\n'),
    'package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}, engines: {node: '22.x'}}, null, 2),
    'server.js': ["const {Pool} = require('pg')", "const {poolMax} = require('./config')", '', 'const pool = new Pool({max: poolMax})', "require('http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)"].join('\n'),
  })

  it('is said once, at the first check, with every variable and line', () => {
    const r = planJson(join(many, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.total).toBe(4)
    const said = r.diagnostics.filter((d) => d.file === 'config.js')
    expect(said.map((d) => [d.line, d.severity])).toEqual([[3, 'info']])
    expect(said[0].message).toContain('throws or exits as it loads at 3 checks (lines 3, 4, 6)')
    expect(said[0].message).toContain('API_KEY, API_URL, SIGNING_SECRET have no value here')
    expect(said[0].message).toContain('unless the deploy sets them')
  })
})

describe('an early return inside a function run as the module loads (an IIFE) is that function\'s value, not an exit', () => {
  // `const poolMax = (() => { const raw = process.env.POSTGRES_POOL_MAX; if (!raw) return 20; … })()` (the MGrin/scani-oss
  // db package): with the variable unset the IIFE returns 20 — postgres.js max 20. Before: read as the module exiting at
  // start unless the deploy sets it, the rest taken instead, `Number.isFinite(n) && n > 0` unknown: postgres.js's 10*.
  const iife = app({
    Procfile: 'web: node server.js\n',
    'db.js': [
      "const postgres = require('postgres')",
      'const poolMax = (() => {',
      '  const raw = process.env.POSTGRES_POOL_MAX',
      '  if (!raw) return 20',
      '  const n = Number.parseInt(raw, 10)',
      '  return Number.isFinite(n) && n > 0 ? n : 20',
      '})()',
      'module.exports = postgres(process.env.DATABASE_URL, {max: poolMax})',
    ].join('\n'),
    'package.json': JSON.stringify({dependencies: {postgres: '^3.4.5'}, engines: {node: '22.x'}}, null, 2),
    'server.js': ["const sql = require('./db')", "require('http').createServer(async (req, res) => res.end(String((await sql`select 1`).count))).listen(process.env.PORT)"].join('\n'),
  })

  it('unset: 20 from the early return, not starred, nothing said about exiting', () => {
    const r = planJson(join(iife, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.total).toBe(20)
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
    expect(r.diagnostics.filter((d) => d.file === 'db.js')).toEqual([])
  })

  it('set to 6: the rest of the function runs, `Number.isFinite(n) && n > 0` is true: postgres.js max 6, not starred', () => {
    const r = planJson(join(iife, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'POSTGRES_POOL_MAX=6'])
    expect(r.total).toBe(6)
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
  })

  it('set to 0: `n > 0` is false, the fallback 20', () => {
    const r = planJson(join(iife, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'POSTGRES_POOL_MAX=0'])
    expect(r.total).toBe(20)
  })
})

describe('a top-level `return` (CommonJS) guarded by `[A, B].includes(undefined)` on variables unset here', () => {
  // CyferShepard/Jellystat's backend/db.js: `if ([_POSTGRES_USER, …].includes(undefined)) { console.log(…); return }`, then
  // its pg Pool, max 20, which every route uses. Before: the test was true with nothing said (the array's items did not
  // carry the variables they miss), so the module was read as returning there: its pool was not seen and the process
  // counted knex's 10 alone, unstarred.
  const guard = app({
    Procfile: 'web: node server.js\n',
    'db.js': [
      "const {Pool} = require('pg')",
      'const user = process.env.POSTGRES_USER',
      'const host = process.env.POSTGRES_IP',
      'if ([user, host].includes(undefined)) {',
      "  console.log('Error: Postgres details not defined')",
      '  return',
      '}',
      'const pool = new Pool({user, host, max: 20})',
      'module.exports = {query: (text, params) => pool.query(text, params)}',
    ].join('\n'),
    'package.json': JSON.stringify({dependencies: {knex: '^3.1.0', pg: '^8.13.0'}, engines: {node: '22.x'}}, null, 2),
    'server.js': ["const knex = require('knex')({client: 'pg', connection: process.env.DATABASE_URL})", "const db = require('./db')", "require('http').createServer(async (req, res) => res.end(String((await db.query('select 1')).rowCount + (await knex.raw('select 1')).rowCount))).listen(process.env.PORT)"].join('\n'),
  })

  it('unset: read on (20 + knex 10 = 30), and the guard said with both variables', () => {
    const r = planJson(join(guard, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.total).toBe(30)
    const said = r.diagnostics.filter((d) => d.file === 'db.js')
    expect(said.map((d) => [d.line, d.severity])).toEqual([[4, 'info']])
    expect(said[0].message).toContain('POSTGRES_USER, POSTGRES_IP have no value here')
  })

  it('set: the test is false, nothing said, the same 30', () => {
    const r = planJson(join(guard, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'POSTGRES_USER=app', '--env', 'POSTGRES_IP=db'])
    expect(r.total).toBe(30)
    expect(r.diagnostics.filter((d) => d.file === 'db.js')).toEqual([])
  })
})
