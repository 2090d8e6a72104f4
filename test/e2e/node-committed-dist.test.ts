/**
 * A build committed to the repository that the deploy compiles again (fixture node-committed-dist,
 * in the shape of cOsMiCTr/famhub-family-management): dist/server.js is there, but package.json's
 * `build` is `tsc` and the Node buildpack runs it at every deploy
 * (https://devcenter.heroku.com/articles/nodejs-support#customizing-the-build-process), so what runs
 * is the build of src/. The stale dist/ lacks database/connection.js, where the knex pool is made.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a committed build the deploy rebuilds', () => {
  const r = planJson(procfileOf('node-committed-dist'), ['--plan', 'standard-0', '--scale', 'web=1'])

  it('reads src/: the pg Pool max 20 and the knex pool max 5 loaded by import() inside a function', () => {
    // src/config/database.ts: Pool max 20; its initializeDatabase() does `await import('../database/connection')`,
    // knex pool max 5. 1 process × (20 + 5) = 25 (before: the stale dist/ — pg 20 + knex's default 10 assumed = 30).
    expect(r.type('web')).toMatchObject({connections: 25, processesPerDyno: 1, threadsPerProcess: 25})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'src/database/connection.ts', kind: 'file', line: 6})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain('dist/server.js is in the repository, but the deploy writes it again: the Node buildpack runs the \\"build\\" script (package.json:6)')
  })
})
