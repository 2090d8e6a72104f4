/**
 * A number an env var decides through a comparison and a `?:`, or through `||`, names that variable in --explain
 * (midday-ai/midday's packages/db/src/client.ts: `isProduction = process.env.RAILWAY_ENVIRONMENT_NAME === "production"`,
 * `max: isDevelopment ? 8 : isProduction ? 40 : 6`). Set: its source (and an assumption behind it, which stars the
 * number). Unset: the app's own fallback is used, unstarred, and the variable with no value is named, with the line that
 * reads it. Before: the taken arm's number said only the file and line of the `?:`, and an assumed variable behind the
 * condition did not star it. And `options?.readOnly` with options a parameter no caller passes is undefined, as in JS
 * (outline/outline's createDatabaseInstance: `isReadOnly = options?.readOnly ?? false`), not an unreadable value.
 * pg's Pool takes `max` as given (https://node-postgres.com/apis/pool).
 */
import {describe, expect, it} from 'vitest'

import {describeSourced} from '../../src/model/source.js'
import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '^8.11.0'}, engines: {node: '20.x'}, name: 'x'}, null, 2)
const db = [
  "const {Pool} = require('pg')",
  "const isDevelopment = process.env.NODE_ENV === 'development'",
  "const isProduction = process.env.APP_ENV === 'production'",
  'const primary = new Pool({connectionString: process.env.DATABASE_URL, max: isDevelopment ? 8 : isProduction ? 40 : 6})',
  'const jobs = new Pool({connectionString: process.env.DATABASE_URL, max: Number(process.env.JOBS_POOL_MAX || 3)})',
  'module.exports = {primary, jobs}',
].join('\n')
const run = (files: Record<string, string>, env: Record<string, string>) => analyzeWith(node, 'node db.js', {'package.json': pkg, ...files}, {NODE_ENV: 'production', ...env}, 'standard-1x')
const pool = (a: Awaited<ReturnType<typeof run>>, line: number) => a.pools!.find((p) => p.database === `pg db.js:${line}`)!.pool

describe('a number an env var decides', () => {
  it('unset: the fallback the code takes is used, unstarred, naming the variable and the line that reads it', async () => {
    const a = await run({'db.js': db}, {})
    expect(pool(a, 4).value).toBe(6)
    expect(pool(a, 5).value).toBe(3)
    expect(describeSourced(pool(a, 4))).toContain("APP_ENV has no value here, so the app's own fallback is used (db.js:3)")
    expect(describeSourced(pool(a, 5))).toContain("JOBS_POOL_MAX has no value here, so the app's own fallback is used (db.js:5)")
    expect(pool(a, 4).via?.some((s) => s.kind === 'assumed')).toBe(false)
    expect(a.threadsPerProcess.value).toBe(9)
  })

  it('set: the arm it picks, with the variable as its source', async () => {
    const a = await run({'db.js': db}, {APP_ENV: 'production', JOBS_POOL_MAX: '7'})
    expect(pool(a, 4).value).toBe(40)
    expect(pool(a, 4).via).toContainEqual(expect.objectContaining({kind: 'env', name: 'APP_ENV'}))
    expect(pool(a, 5).via).toContainEqual(expect.objectContaining({kind: 'env', name: 'JOBS_POOL_MAX'}))
    expect(describeSourced(pool(a, 4))).not.toContain('no value here')
    expect(a.threadsPerProcess.value).toBe(47)
  })

  it('an optional member of a parameter no caller passes is undefined, so `?? false` decides the arm without an assumption', async () => {
    const code = [
      "const {Pool} = require('pg')",
      'function make(url, options) {',
      '  const isReadOnly = options?.readOnly ?? false',
      '  return new Pool({connectionString: url, max: options?.max ?? (isReadOnly ? 10 : 5)})',
      '}',
      'module.exports = make(process.env.DATABASE_URL)',
    ].join('\n')
    const a = await run({'db.js': code}, {})
    expect(a.pools!.map((p) => [p.pool.value, p.pool.via?.some((s) => s.kind === 'assumed')])).toEqual([[5, false]])
    expect(a.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })
})
