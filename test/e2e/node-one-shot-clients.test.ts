/**
 * A client the process makes, uses and closes in one flow before it goes on is not held beside the pools it keeps
 * (src/languages/node/js.ts closedBelow, pools.ts beforeTheRest); a library imported only by code the process does not
 * load makes no pool in it when its whole import graph was read (pools.ts fromDependencies, unreached.ts closedImports).
 * test/fixtures/node-one-shot-clients (postgres.js, pg, knex; package-lock.json lists what each package depends on):
 * - web `node server.mjs`: db.mjs's `sql = postgres(url, {max: 6})`: 6. `await runMigrations()` at the top level makes
 *   `migrationClient()`'s postgres.js client (max 1) and `end()`s it in a `finally` before the server starts: not counted,
 *   said. exportReport() makes and ends its own client (max 2) too, but a request handler calls it, at any time, once
 *   per request: counted, 2. knex is imported only by seed.js and migrate.js, which web does not load: no knex default
 *   (10). 6 + 2 = 8. Before: 6 + 1 + 2 + knex's default 10 = 19, starred.
 * - worker `node worker.js`: a pg Pool max 4: 4. seed.js (required first) makes a knex client (max 3) and `destroy()`s
 *   it in `main().then(…)`: not counted. postgres is imported only by db.mjs: no default. Before 4 + 3 + 10 = 17, starred.
 * - release `node migrate.js`: its knex client (max 2), `destroy()`ed in `.finally(…)`, is the only one it makes, so it
 *   is counted; the script awaits its queries one at a time: 1. Before: 2 + postgres.js's default 10, one each: 2*.
 * Total 8 + 4 = 12 (before 36), deploy peak 13 (before 40).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('clients closed before the process goes on, libraries only other processes import', () => {
  const r = planJson(procfileOf('node-one-shot-clients'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1'])

  it('does not count a client closed in the flow that made it beside the pools the process keeps', () => {
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(r.type('worker').connectionsPerDyno).toBe(4)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'db.mjs', line: 6, message: expect.stringContaining('the postgres.js client made here (1) is closed at db.mjs:14 once its work is done'), severity: 'info'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'seed.js', line: 3, message: expect.stringContaining('the knex client made here (3) is closed at seed.js:11'), severity: 'info'}))
  })

  it('counts a closed client when it is the only one the process makes, or a request handler makes it', () => {
    expect(r.diagnostics.some((d) => d.file === 'db.mjs' && d.line === 23)).toBe(false)
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.total).toBe(12)
  })

  it('does not count a library only code the process does not load imports', () => {
    for (const t of ['web', 'worker', 'release']) expect(r.type(t).sources.threadsPerProcess.via?.some((v) => v.kind === 'assumed')).toBe(false)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'package.json', message: expect.stringContaining('knex is imported only by code web does not load: its whole import graph was read (2 modules, and package-lock.json shows none of the packages it imports depends on knex)'), severity: 'info'}))
    expect(r.exit).toBe(0)
  })
})
