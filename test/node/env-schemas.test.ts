import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)
const run = (files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, files['server.ts'] ? 'node server.ts' : 'node server.js', files, env, 'standard-1x')

// An Express app whose pg pool and feature flag come from a zod schema parsed from process.env.
// zod v3 src/types.ts: ZodDefault gives the default for an undefined input and the inner schema parses it;
// z.coerce.number() is Number(input), z.coerce.boolean() Boolean(input); .transform(fn) runs fn on the parsed value.
const zodApp = {
  'env.ts': [
    "import {z} from 'zod'",
    'const schema = z.object({',
    '  DATABASE_URL: z.string().url(),',
    '  DB_POOL_MAX: z.coerce.number().int().positive().default(12),',
    '  REPORTS_POOL: z.string().transform(Number).default("4"),',
    '  USE_REPORTS: z.coerce.boolean().default(false),',
    '  REGION: z.enum(["eu", "us"]).optional(),',
    '})',
    'export const env = schema.parse(process.env)',
  ].join('\n'),
  'package.json': pkg({express: '^4.21.0', pg: '^8.13.0', zod: '^3.24.0'}),
  'server.ts': [
    "import express from 'express'",
    "import {Pool} from 'pg'",
    "import {env} from './env'",
    'export const pool = new Pool({connectionString: env.DATABASE_URL, max: env.DB_POOL_MAX})',
    'export const reports = env.USE_REPORTS ? new Pool({connectionString: env.DATABASE_URL, max: env.REPORTS_POOL}) : undefined',
    'express().get("/", async (req, res) => res.json(await pool.query("select 1"))).listen(process.env.PORT)',
  ].join('\n'),
}

describe('zod env schemas: z.object({…}).parse(process.env)', () => {
  it("reads each unset variable as its field's .default(), coerced as the schema says", async () => {
    const a = await run(zodApp)
    // DB_POOL_MAX unset → .default(12) → coerce.number → 12; USE_REPORTS unset → .default(false) → no reports pool. 12.
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([[12, false]])
    expect(a.threadsPerProcess.value).toBe(12)
    expect(JSON.stringify(a.pools?.[0].pool)).toContain('.default(12)')
  })

  it('parses a copy of the environment (`{...process.env}`) the same way', async () => {
    const files = {...zodApp, 'env.ts': zodApp['env.ts'].replace('schema.parse(process.env)', 'schema.parse({...process.env} as Record<string, unknown>)')}
    expect((await run(files, {DB_POOL_MAX: '14'})).threadsPerProcess.value).toBe(14)
  })

  it('a set variable wins, coerced: z.coerce.number() of "20", z.coerce.boolean() of "1", .transform(Number) of "5"', async () => {
    const a = await run(zodApp, {DB_POOL_MAX: '20', REPORTS_POOL: '5', USE_REPORTS: '1'})
    // 20 + 5 = 25.
    expect(a.pools?.map((p) => p.pool.value)).toEqual([20, 5])
    expect(a.threadsPerProcess.value).toBe(25)
    // .default("4") runs through .transform(Number): 4, with the reports pool on.
    const d = await run(zodApp, {USE_REPORTS: 'true'})
    expect(d.threadsPerProcess.value).toBe(16)
  })

  it('a value the schema requires that has no value here is unknown, and named', async () => {
    const files = {...zodApp, 'env.ts': zodApp['env.ts'].replace('z.coerce.number().int().positive().default(12)', 'z.coerce.number()')}
    const a = await run(files)
    // DB_POOL_MAX required and unset: zod throws at start; the pool's size is not known (pg's default 10, starred).
    expect(a.pools?.[0].pool.value).toBe(10)
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(JSON.stringify(a)).toContain('DB_POOL_MAX: the zod schema requires it and it is not set here')
    const set = await run(files, {DB_POOL_MAX: '7'})
    expect(set.threadsPerProcess.value).toBe(7)
  })
})

// The same schema split across modules: field maps spread into z.object, parsed inside a function given the environment.
// Before, a spread in z.object was not read: `parsed.data` was unknown and pg's default 10 was assumed.
const splitZodApp = {
  'env/db.ts': ["import {z} from 'zod'", 'export const dbFields = {', '  DATABASE_URL: z.string(),', '  DB_POOL_MAX: z.coerce.number().int().positive().default(8),', '}'].join('\n'),
  'env/jobs.ts': ["import {z} from 'zod'", 'export const jobFields = {JOBS_POOL_MAX: z.coerce.number().default(3)}'].join('\n'),
  'env.ts': [
    "import {z} from 'zod'",
    "import {dbFields} from './env/db'",
    "import {jobFields} from './env/jobs'",
    // JOBS_POOL_MAX written after the spread: the later key wins, as in any object literal (default 2, not 3).
    'export const Schema = z.object({...dbFields, ...jobFields, JOBS_POOL_MAX: z.coerce.number().default(2)})',
    'export function parseEnv(source: NodeJS.ProcessEnv) {',
    '  const parsed = Schema.safeParse(source)',
    "  if (!parsed.success) throw new Error('invalid environment')",
    '  return parsed.data',
    '}',
    'export const env = parseEnv(process.env)',
  ].join('\n'),
  'package.json': pkg({pg: '^8.13.0', zod: '^3.24.0'}),
  'server.ts': [
    "import {Pool} from 'pg'",
    "import {env} from './env'",
    'export const pool = new Pool({connectionString: env.DATABASE_URL, max: env.DB_POOL_MAX})',
    'export const jobs = new Pool({connectionString: env.DATABASE_URL, max: env.JOBS_POOL_MAX})',
  ].join('\n'),
}

describe('zod field maps spread into z.object({...a, ...b})', () => {
  it('reads each spread key with the schema it was made with: 8 + 2 = 10, nothing assumed', async () => {
    const a = await run(splitZodApp)
    expect(a.pools?.map((p) => [p.pool.value, isAssumption(p.pool)])).toEqual([
      [8, false],
      [2, false],
    ])
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
  })

  it('a set variable wins through the spread: DB_POOL_MAX=5 gives 5 + 2 = 7', async () => {
    expect((await run(splitZodApp, {DB_POOL_MAX: '5'})).threadsPerProcess.value).toBe(7)
  })

  it('a spread of something that is not a map of schemas leaves the schema unread (said, not guessed)', async () => {
    const files = {...splitZodApp, 'env/jobs.ts': 'export const jobFields = JSON.parse(process.env.JOB_FIELDS ?? "{}")'}
    const a = await run(files)
    expect(a.pools?.every((p) => isAssumption(p.pool))).toBe(true)
    expect(a.diagnostics.map((d) => d.code)).toContain('unknown-config-value')
  })
})

describe("t3-env's createEnv({server, runtimeEnv})", () => {
  const t3 = {
    'env.mjs': [
      "import {createEnv} from '@t3-oss/env-core'",
      "import {z} from 'zod'",
      'export const env = createEnv({',
      '  server: {',
      '    DATABASE_URL: z.string(),',
      '    PG_MAX: z.coerce.number().default(8),',
      '  },',
      '  runtimeEnv: {DATABASE_URL: process.env.DATABASE_URL, PG_MAX: process.env.PG_POOL_SIZE},',
      '})',
    ].join('\n'),
    'package.json': pkg({'@t3-oss/env-core': '^0.11.0', pg: '^8.13.0', zod: '^3.24.0'}),
    'server.js': ["import pg from 'pg'", "import {env} from './env.mjs'", 'export const pool = new pg.Pool({connectionString: env.DATABASE_URL, max: env.PG_MAX})'].join('\n'),
  }

  it('each key is read from runtimeEnv, else the default', async () => {
    // PG_MAX ← runtimeEnv.PG_MAX = process.env.PG_POOL_SIZE, unset → .default(8).
    expect((await run(t3)).threadsPerProcess.value).toBe(8)
    expect((await run(t3, {PG_POOL_SIZE: '3'})).threadsPerProcess.value).toBe(3)
    // runtimeEnv: process.env reads the variable of the key's own name.
    const whole = {...t3, 'env.mjs': t3['env.mjs'].replace(/runtimeEnv: \{.*\},/, 'runtimeEnv: process.env,')}
    expect((await run(whole, {PG_MAX: '6'})).threadsPerProcess.value).toBe(6)
  })
})

describe("envsafe's envsafe({…})", () => {
  it('reads num() with a default, as envalid does', async () => {
    const files = {
      'env.js': ["const {envsafe, num, str} = require('envsafe')", 'module.exports = envsafe({DATABASE_URL: str(), POOL_SIZE: num({default: 9})})'].join('\n'),
      'package.json': pkg({envsafe: '^2.0.3', pg: '^8.13.0'}),
      'server.js': ["const {Pool} = require('pg')", "const env = require('./env')", 'module.exports = new Pool({connectionString: env.DATABASE_URL, max: env.POOL_SIZE})'].join('\n'),
    }
    // POOL_SIZE unset → default 9; set → num('4') = 4.
    expect((await run(files)).threadsPerProcess.value).toBe(9)
    expect((await run(files, {POOL_SIZE: '4'})).threadsPerProcess.value).toBe(4)
  })
})
