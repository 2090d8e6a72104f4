/**
 * One factory makes two clients: the first is used and closed as the process starts, the second kept
 * (src/languages/node/js.ts noteClosed's `bound`, pools.ts beforeTheRest). test/fixtures/node-one-shot-factory:
 * store.mjs `openStore(url)` returns `postgres(url)` (postgres.js default max 10). main.mjs's start() makes
 * `const setup = openStore(…)`, applies the schema through it and `await setup.end()`s it, then makes
 * `const store = openStore(…)` (10) and a pg Pool max 4 it keeps for the requests. Held for the process's life: 10 + 4 =
 * 14. Before, the two clients of one place could not be told apart and both were counted: 24, with no mark.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a factory called twice, one client closed before the server starts', () => {
  const r = planJson(procfileOf('node-one-shot-factory'), ['--plan', 'standard-0', '--scale', 'web=1'])

  it('counts the kept client and the pool, not the closed one, and says so at the call that made it', () => {
    expect(r.type('web').connectionsPerDyno).toBe(14)
    expect(r.total).toBe(14)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'main.mjs', line: 6, message: expect.stringContaining('the postgres.js client made here (10) is closed at main.mjs:8 once its work is done'), severity: 'info'}))
    expect(r.exit).toBe(0)
  })
})
