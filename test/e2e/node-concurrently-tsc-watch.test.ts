/**
 * `npm start` running `tsc -w` beside the server under concurrently (test/fixtures/node-concurrently-tsc-watch): the
 * TypeScript compiler in watch mode compiles the sources again on each change and never loads the app's modules
 * (https://www.typescriptlang.org/docs/handbook/compiler-options.html), so it opens no connection. Before, the
 * `npm run watch-ts` process was read as the app (the package's entry, pool 7) beside `npm run serve`: 14, with
 * nothing said.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('tsc --watch beside the server', () => {
  it('counts the server once and the compiler as no connection', () => {
    const r = planJson(procfileOf('node-concurrently-tsc-watch'), ['--scale', 'web=1'])
    // src/server.ts:4 pg Pool max 7, run by `nodemon dist/server.js` (package.json:9); `tsc -w` (package.json:8) holds 0.
    expect(r.type('web').connections).toBe(7)
    expect(r.total).toBe(7)
  })
})
