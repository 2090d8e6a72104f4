/**
 * Which package a Node process runs in and how its entry is started (fixture node-entry-packages,
 * in the shapes of streetmix and argos-ci):
 * - `nodemon --watch app --exec "node -r newrelic index.ts"`: nodemon runs the --exec command
 *   (nodemon's README, "Running non-node scripts"), so index.ts is the entry, not the quoted string;
 * - `node apps/backend/dist/proc/jobs.js` through a wrapper script: the file lies in the workspace
 *   package apps/backend, whose own package.json has knex and builds dist/ with
 *   `swc src -d dist --strip-leading-paths` — so its source src/proc/jobs.ts is read and its
 *   dependencies apply (Node resolves `require('knex')` from the file's folder upwards).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Node entries in a package of their own, and nodemon --exec', () => {
  const r = planJson(procfileOf('node-entry-packages'), ['--plan', 'standard-0', '--scale', 'web=1,jobs=1'])

  it('nodemon --exec "node -r newrelic index.ts": index.ts → app/server.ts → app/db.ts, Sequelize pool max 16', () => {
    // One Node process (nodemon only restarts it) × pool.max 16 = 16; not Sequelize's default 5, assumed.
    expect(r.type('web')).toMatchObject({connections: 16, poolPerProcess: 16, processesPerDyno: 1, threadsPerProcess: 16})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'app/db.ts', kind: 'file', line: 6})
  })

  it('a file in apps/backend/ is read with apps/backend/package.json: swc maps dist/ back to src/, its knex pool max 3 counts', () => {
    // knex pool {min: 2, max: 3}: 1 process × 3 = 3 (before: "no database pool found", 1 assumed,
    // because knex is only in apps/backend/package.json).
    expect(r.type('jobs')).toMatchObject({connections: 3, poolPerProcess: 3, processesPerDyno: 1, threadsPerProcess: 3})
    const via = JSON.stringify(r.type('jobs').sources.processesPerDyno.via)
    expect(via).toContain('lies in the package apps/backend/ (apps/backend/package.json)')
    expect(via).toContain('built at deploy by `swc src … -d dist` (apps/backend/package.json:6)')
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
