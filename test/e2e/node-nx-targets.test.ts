/**
 * Nx targets as process commands (fixture node-nx-targets): `nx serve api`, `nx run jobs:start` through an npm
 * script, `nx start cron` (a target Nx infers from the project's package.json script). What each target runs is
 * read from its project.json (https://nx.dev/reference/project-configuration):
 *
 * - web: apps/api/project.json `serve` is @nx/js:node with buildTarget api:build, whose main is
 *   apps/api/src/main.ts: it imports ./db, pg Pool max 6 → 6.
 * - worker: `npm run worker` → `nx run jobs:start` → nx:run-commands `node dist/apps/jobs/main.js`, the output of
 *   the jobs build target (@nx/esbuild, main apps/jobs/src/main.ts): pg Pool max 2 → 2.
 * - scheduler: apps/cron has no `start` target in project.json, so Nx runs apps/cron/package.json's start script,
 *   `node src/index.js` in apps/cron: a pg Client made per tick inside a function, one at a time → 1 (starred:
 *   made inside a function).
 * Before: web and worker pg's default 10* each (no entry read), scheduler an unknown command 1*: 21; now 6 + 2 + 1 = 9.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('nx targets', () => {
  const r = planJson(procfileOf('node-nx-targets'), ['--scale', 'web=1', 'worker=1', 'scheduler=1'])

  it('a node executor runs the build of its buildTarget: that target\'s main', () => {
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6, server: 'node'})
    expect(r.type('web').databases).toEqual(['pg apps/api/src/db.ts:3'])
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain('apps/api/project.json:14: the serve target (@nx/js:node) runs the build of api:build, whose main is apps/api/src/main.ts')
  })

  it('nx:run-commands runs its command; a script of the project package is an inferred target', () => {
    expect(r.type('worker')).toMatchObject({connections: 2, poolPerProcess: 2})
    expect(r.type('worker').databases).toEqual(['pg apps/jobs/src/main.ts:3'])
    expect(r.type('scheduler')).toMatchObject({connections: 1})
    expect(JSON.stringify(r.type('scheduler').sources.processesPerDyno.via)).toContain('nx runs cron\'s \\"start\\" script from apps/cron/package.json')
    expect(r.total).toBe(9)
    expect(r.codes).not.toContain('unknown-command')
  })
})
