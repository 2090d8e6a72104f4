/**
 * A config module that freezes its objects: `export const settings = Object.freeze({db: Object.freeze({...})})`.
 *
 * Object.freeze, Object.seal and Object.preventExtensions return their argument itself (ECMA-262 §20.1.2.6, §20.1.2.20,
 * §20.1.2.18: "Return O"), so a frozen object reads as the object. Before, the call was not evaluated: `settings.db` was
 * "not something conncalc evaluates" and pg's default 10 was assumed where the config said 14 (or 6 from the env).
 * pg Pool's default max 10 is cited in pools.ts.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '^8.13.1'}, type: 'module'}, null, 2)
const settings = [
  'function intFromEnv(name, fallback) {',
  '  const raw = process.env[name]',
  "  if (raw === undefined || raw === '') return fallback",
  '  return Number.parseInt(raw, 10)',
  '}',
  'export const settings = Object.freeze({',
  "  port: intFromEnv('PORT', 3000),",
  "  db: Object.freeze({url: process.env.DATABASE_URL, max: intFromEnv('PG_MAX', 14)}),",
  "  reports: Object.seal({max: 3}),",
  "  audit: Object.preventExtensions({max: 2}),",
  '})',
].join('\n')
const index = [
  "import pg from 'pg'",
  "import {settings} from './settings.js'",
  'export const pool = new pg.Pool({connectionString: settings.db.url, max: settings.db.max})',
  'export const reports = new pg.Pool({connectionString: settings.db.url, max: settings.reports.max})',
  'export const audit = new pg.Pool({connectionString: settings.db.url, max: settings.audit.max})',
].join('\n')

const run = (env: Record<string, string>) =>
  analyzeWith(node, 'node src/index.js', {'package.json': pkg, 'src/index.js': index, 'src/settings.js': settings}, env, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.pool.value, p.pool.via?.some((s) => s.kind === 'assumed') ?? false])

describe('frozen, sealed and non-extensible config objects', () => {
  it('read as the object they freeze: 14 + 3 + 2 = 19, nothing assumed', async () => {
    const a = await run({})
    expect(pools(a)).toEqual([
      [14, false],
      [3, false],
      [2, false],
    ])
    expect(a.pools?.reduce((n, p) => n + p.pool.value, 0)).toBe(19)
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
  })

  it('the env var the helper reads: PG_MAX=6 gives 6 + 3 + 2 = 11', async () => {
    const a = await run({PG_MAX: '6'})
    expect(pools(a)).toEqual([
      [6, false],
      [3, false],
      [2, false],
    ])
  })
})
