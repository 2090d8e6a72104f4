/**
 * Entries a bundler or a copy writes at build time (fixture node-bundled-entries, in the shape of
 * documenso's apps/remix: `npm run with:env -- node build/server/main.js`, a build script that runs
 * rollup and then `cp server/main.js build/server/main.js`), mapped back to their sources so the pools
 * those make are read (languages/node/bundlers.ts).
 *
 * By hand, from the fixture's files:
 * - web: npm appends what follows `--` to the script (npm-run-script docs), so `with:env` runs
 *   `dotenv -e .env.production -- node build/server/main.js`. scripts/build.sh copies server/main.js
 *   there; its `./app/server/router.js` is next to the copy: rollup.config.mjs writes server/router.ts
 *   to build/server/app/server/router.js (output.dir build/server/app, preserveModules with
 *   preserveModulesRoot '.'), which imports ./db: pg Pool max 7 → 7.
 * - worker: `esbuild src/jobs/queue-runner.ts --bundle --outfile=dist/worker.js`: pg Pool max 4 → 4.
 * - clock: tools/bundle.mjs calls `esbuild.build({entryPoints: {clock: 'src/schedule/tick.ts'}, outdir: 'out',
 *   outExtension {'.js': '.cjs'}})`: out/clock.cjs is tick.ts's bundle, pg Pool max 3 → 3.
 * Before: none was mapped (each 10*: pg's default assumed), total 30*; now 7 + 4 + 3 = 14, none assumed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('entries written by a bundler or a copy', () => {
  const r = planJson(procfileOf('node-bundled-entries'), ['--scale', 'web=1', 'worker=1', 'clock=1'])

  it('a copied entry resolves its imports from where it is copied, into a rollup preserveModules output', () => {
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(r.type('web').databases).toEqual(['pg server/db.ts:3'])
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain('build/server/main.js is written at build time by `cp server/main.js build/server/main.js` (scripts/build.sh:5), a copy that runs from that folder: conncalc read its source server/main.js')
  })

  it('esbuild --outfile on the command line and esbuild.build({entryPoints, outdir}) in a build script', () => {
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno.via)).toContain('dist/worker.js is written at build time by esbuild (package.json:8): conncalc read its source src/jobs/queue-runner.ts')
    expect(r.type('clock')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(JSON.stringify(r.type('clock').sources.processesPerDyno.via)).toContain('out/clock.cjs is written at build time by esbuild (tools/bundle.mjs:3)')
  })

  it('totals 14 with nothing assumed', () => {
    expect(r.total).toBe(14)
    expect(r.exit).toBe(0)
  })
})
