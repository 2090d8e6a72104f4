/**
 * A Procfile kept in a subfolder that the deploy copies to the repository root (fixture procfile-copied-to-root:
 * deploy/scalingo/Procfile `web: cd apps/api && node server.js`, copied with its .buildpacks by
 * deploy/build-artifact.sh — the shape of betagouv/fondation and incubateur-ademe/benefriches). With
 * `--root .` its commands run from the repository root, as on the platform. Before, the Procfile's folder was
 * always the app root: `cd apps/api` found nothing there and every type was 1 assumed connection.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const APP = fixture('procfile-copied-to-root')
const PROCFILE = procfileOf('procfile-copied-to-root/deploy/scalingo/Procfile')

describe('--root: a Procfile the deploy copies to the repository root', () => {
  it('runs its commands from the root: web 7 (apps/api pg Pool max 7) + jobs 3 (apps/jobs max 3) = 10', () => {
    const r = planJson(PROCFILE, ['--root', APP, '--plan', 'standard-0', '--scale', 'web=1', 'jobs=1'])
    // Node: one process, the event loop can check out every pooled connection: min(pool, pool) per process.
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7, processesPerDyno: 1})
    expect(r.type('jobs')).toMatchObject({connections: 3, poolPerProcess: 3, processesPerDyno: 1})
    expect(r.total).toBe(10)
    // The files named are the root's: the pool's line in apps/api/server.js, the Procfile by its path from the root.
    expect(JSON.stringify(r.type('web').sources)).toContain('"file":"apps/api/server.js","kind":"file","line":4')
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'missing-config',
        file: 'deploy/scalingo/Procfile',
        message: expect.stringContaining('.buildpacks beside it is not read (conncalc reads those from the root)'),
        severity: 'info',
      }),
    )
    // The postdeploy hook is read from the copied Procfile too: one connection in the deploy peak only (10 + 1).
    expect(r.deployPeak).toBe(11)
  })

  it('without --root the Procfile folder is the root, and the apps are not found there: 1 assumed each', () => {
    const r = planJson(PROCFILE, ['--plan', 'standard-0', '--scale', 'web=1', 'jobs=1'])
    expect(r.type('web')).toMatchObject({connections: 1, poolPerProcess: null})
    expect(r.total).toBe(2)
  })

  it('a --root folder that does not exist is an input error (exit 2) naming it', () => {
    const r = runCliInProcess(['plan', '--procfile', PROCFILE, '--root', `${APP}/nope`, '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--root')
    expect(r.stderr).toContain('does not exist')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('--root with a Procfile that is not there is an input error (exit 2)', () => {
    const r = runCliInProcess(['plan', '--procfile', `${APP}/deploy/heroku/Procfile`, '--root', APP, '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('deploy/heroku/Procfile: no such file')
  })
})
