import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {express: '^4.19.0', pg: '^8.13.0'}}, null, 2)
const run = (server: string) => analyzeWith(node, 'node server.js', {'package.json': pkg, 'server.js': server}, {}, 'standard-2x')

// A made-up Express app: the database URL comes from the app's own secrets helper (not in the app, so conncalc cannot
// read it), the feature pool (max 7, line 7) is made only under a condition on it, the session pool (max 3, line 9)
// always. JS: `x && y` is x when x is falsy, else y — falsy whenever y is; `x || y` is truthy whenever y is.
const app = (useDb: string, test: string) =>
  [
    "const {Pool} = require('pg')",
    "const {readSecret} = require('./secrets')",
    "const databaseUrl = readSecret('DATABASE_URL')",
    `const useDb = ${useDb}`,
    `const isConnected = ${test}`,
    'let feature',
    'if (isConnected) feature = new Pool({connectionString: databaseUrl, max: 7})',
    'module.exports = {feature}',
    'module.exports.sessions = new Pool({max: 3})',
  ].join('\n')

describe('a condition whose one side cannot be read, decided by the other as JS does', () => {
  for (const test of ['Boolean(databaseUrl && useDb)', '!!(databaseUrl && useDb)', '!(!databaseUrl || !useDb)']) {
    it(`${test} with useDb false: the feature pool is never made, only the session pool counts`, async () => {
      const a = await run(app('false', test))
      // databaseUrl unknown && false → falsy whatever databaseUrl holds: no feature pool; sessions 3 → 3 per process.
      expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['pg server.js:9', 3, false]])
      expect(a.threadsPerProcess.value).toBe(3)
    })
  }

  it('`if (x && false)` directly, and `if (x || true)`', async () => {
    const off = await run(app('false', 'true').replace('if (isConnected)', 'if (process.env.DATABASE_URL_SET && databaseUrl && useDb)'))
    expect(off.pools?.map((p) => p.pool.value)).toEqual([3])
    // `databaseUrl || true` is truthy whatever databaseUrl holds: the feature pool is made, read, no assumption: 7 + 3 = 10.
    const on = await run(app('false', 'true').replace('if (isConnected)', 'if (databaseUrl || true)'))
    expect(on.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([
      ['pg server.js:7', 7, false],
      ['pg server.js:9', 3, false],
    ])
    expect(on.threadsPerProcess.value).toBe(10)
  })

  it('with useDb true the condition still depends on the unread URL: the feature pool counts, labelled (7 + 3 = 10)', async () => {
    const a = await run(app('true', 'Boolean(databaseUrl && useDb)'))
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([
      ['pg server.js:9', 3],
      ['pg server.js:7', 7],
    ])
    expect(isAssumption(a.pools![1].pool)).toBe(true)
    expect(describeSourced(a.pools![1].pool)).toContain('server.js:7')
    expect(a.threadsPerProcess.value).toBe(10)
  })
})

// A made-up server module with a shared isBrowser guard (the same module is bundled for the browser): on Node, window and
// document are not defined (https://nodejs.org/api/globals.html), so `typeof document !== 'undefined'` is false and the
// env comes from process.env. NODE_ENV=production picks the production pool, max 6; else max 2. Before, `typeof document`
// was unread: NODE_ENV unknown, both arms named and the larger counted, starred with a warning.
describe('typeof of a browser global on the server (an isBrowser guard)', () => {
  const guard = [
    "const {Pool} = require('pg')",
    "const isBrowser = typeof document !== 'undefined' && typeof process === 'undefined'",
    'const source = (isBrowser ? window.ENV : process.env) ?? {}',
    'const pool = source.NODE_ENV === "production" ? new Pool({max: 6}) : new Pool({max: 2})',
    'module.exports = {pool, hasWindow: typeof window}',
  ].join('\n')

  it('NODE_ENV=production read through process.env: 6, unstarred', async () => {
    const a = await analyzeWith(node, 'node server.js', {'package.json': pkg, 'server.js': guard}, {NODE_ENV: 'production'}, 'standard-2x')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(a.pools?.some((p) => isAssumption(p.pool))).toBe(false)
    expect(a.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('a local binding named document is not the browser global: unread as before', async () => {
    const shadowed = guard.replace("const isBrowser", "const document = require('./dom')\nconst isBrowser")
    const a = await analyzeWith(node, 'node server.js', {'package.json': pkg, 'server.js': shadowed}, {NODE_ENV: 'production'}, 'standard-2x')
    expect(a.pools?.some((p) => isAssumption(p.pool))).toBe(true)
  })
})
