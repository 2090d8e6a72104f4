/**
 * The monorepo buildpack (lstoll/heroku-buildpack-monorepo, named in app.json `buildpacks`) moves the APP_BASE
 * folder to the build root and deletes the rest: Heroku runs APP_BASE's Procfile, not the repository root's
 * (fixture monorepo-buildpack-app-base: root Procfile `web: cd api && node server.js` for another platform,
 * api/Procfile web + jobs, app.json APP_BASE "api/"; the shape of antiwork/flexile's backend/). conncalc reads
 * the Procfile it is given, and now says which one Heroku runs and how to count it; before, nothing was said
 * and jobs went uncounted.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const ROOT_PROCFILE = procfileOf('monorepo-buildpack-app-base')

describe('the monorepo buildpack with APP_BASE', () => {
  it("warns that Heroku runs api/Procfile (web, jobs), not the root's, and says how to count it", () => {
    const r = planJson(ROOT_PROCFILE, ['--plan', 'standard-0'])
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'missing-config',
        file: 'Procfile',
        fix: 'count what Heroku runs: --procfile api/Procfile (its folder is then the app root)',
        message: expect.stringContaining('the monorepo buildpack (app.json:10) moves APP_BASE=api/ (set by app.json:4 (env)) to the build root and deletes the rest: Heroku runs api/Procfile (web, jobs), not this Procfile'),
        severity: 'warning',
      }),
    )
    // What follows is still the root Procfile's: web 1 dyno (app.json formation) × pg max 4 = 4.
    expect(r.type('web').connections).toBe(4)
  })

  it('counted as Heroku runs it, with --procfile api/Procfile: web 4 + jobs 2 = 6, and no warning', () => {
    const r = planJson(procfileOf('monorepo-buildpack-app-base/api/Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'jobs=1'])
    expect(r.type('web').connections).toBe(4)
    expect(r.type('jobs').connections).toBe(2)
    expect(r.total).toBe(6)
    expect(r.diagnostics.filter((d) => d.message.includes('monorepo buildpack'))).toEqual([])
  })

  it('APP_BASE set to nothing: the build would abort, said', () => {
    const r = planJson(ROOT_PROCFILE, ['--plan', 'standard-0', '--env', 'APP_BASE='])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', message: expect.stringContaining('APP_BASE is not set here: Heroku aborts the build without it'), severity: 'warning'}))
  })
})
