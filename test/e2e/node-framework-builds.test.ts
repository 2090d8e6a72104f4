/**
 * A framework's server built at deploy and run with `node` (fixtures node-next-standalone and
 * node-sveltekit-build, in the shapes of betagouv/infomedicament and betagouv/pitchou): the file is
 * not in the app, and what it serves is the app's routes, so those are read for pools — before,
 * conncalc said it could not follow the file and assumed the dependency's default pool.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('framework build output run with node', () => {
  it('node .next/standalone/server.js reads the Next routes: the pg Pool max 4 in lib/pool/index.ts, once', () => {
    const r = planJson(procfileOf('node-next-standalone'), ['--plan', 'standard-0', '--scale', 'web=1'])
    // app/api/items/route.ts imports '@/lib/pool/' and queries.ts imports '@/lib/pool': one module,
    // one pool. 1 process × pg Pool max 4 = 4 (not pg's default 10 assumed, nor 4 + 4 for two spellings).
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4, processesPerDyno: 1, threadsPerProcess: 4})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'lib/pool/index.ts', kind: 'file', line: 5})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain("next build (output: 'standalone') writes it")
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('node build with @sveltejs/adapter-node reads src/routes and $lib: the knex pool max 7', () => {
    const r = planJson(procfileOf('node-sveltekit-build'), ['--plan', 'standard-0', '--scale', 'web=1'])
    // src/routes/items/+page.server.ts imports $lib/server/db (SvelteKit's $lib is src/lib), where
    // knex({pool: {min: 0, max: 7}}): 1 process × 7 = 7 (not knex's default 10 assumed).
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7, processesPerDyno: 1, threadsPerProcess: 7})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain("SvelteKit's adapter-node writes it")
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
