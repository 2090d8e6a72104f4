/**
 * The monorepo buildpack (lstoll/heroku-buildpack-monorepo, named in app.json `buildpacks`) moves the APP_BASE
 * folder to the build root and deletes the rest: Heroku runs APP_BASE's Procfile, not the repository root's
 * (fixture monorepo-buildpack-app-base: root Procfile `web: cd api && node server.js` for another platform,
 * api/Procfile web + jobs, app.json APP_BASE "api/"; the shape of antiwork/flexile's backend/). conncalc counts
 * the APP_BASE folder as Heroku runs it (its Procfile, the folder as the app root, the root's app.json as the
 * manifest); before, it counted the root Procfile with a warning and jobs went uncounted.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCli} from '../helpers/cli.js'

const ROOT_PROCFILE = procfileOf('monorepo-buildpack-app-base')

describe('the monorepo buildpack with APP_BASE', () => {
  it('counts what Heroku runs, api/Procfile with api/ as the app root, with the root app.json formation', () => {
    const r = planJson(ROOT_PROCFILE, ['--plan', 'standard-0'])
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'missing-config',
        file: '../Procfile',
        message: expect.stringContaining('the monorepo buildpack (../app.json:10) moves APP_BASE=api/ (set by ../app.json:4 (env)) to the build root and deletes the rest: what runs is api/Procfile, counted with api/ as the app root; ../app.json is the app\'s manifest (env, formation)'),
        severity: 'info',
      }),
    )
    expect(r.diagnostics.filter((d) => d.severity === 'warning')).toEqual([])
    // api/Procfile: web `node server.js` Pool max 4 (api/server.js:4), jobs `node worker.js` max 2 (api/worker.js:3),
    // each 1 dyno from the root app.json formation (lines 15-16, read as ../app.json): 1 × 4 + 1 × 2 = 6.
    // Before, the root Procfile's web (`cd api && node server.js`) alone was counted: 4, with a warning.
    expect(r.type('web').connections).toBe(4)
    expect(r.type('jobs').connections).toBe(2)
    expect(r.type('jobs').sources.dynos).toMatchObject({source: {file: '../app.json', line: 16}, value: 1})
    expect(r.total).toBe(6)
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
    // The root Procfile's web is what is counted then: 1 × 4.
    expect(r.total).toBe(4)
  })

  it('APP_BASE naming no folder of the repository: not followed, the warning says what Heroku would run', () => {
    const r = planJson(ROOT_PROCFILE, ['--plan', 'standard-0', '--env', 'APP_BASE=service/'])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'Procfile', message: expect.stringContaining('moves APP_BASE=service/ (set by --env)'), severity: 'warning'}))
    expect(r.total).toBe(4)
  })
})

/**
 * The shape of trailheadapps/ecars (a Deploy-to-Heroku app.json naming the monorepo buildpack and asking for APP_BASE,
 * `"APP_BASE": {"description": …}`, with no value): no Procfile at the root, whose package.json starts nothing; each app
 * has its own folder and Procfile (fixture monorepo-buildpack-app-base-unset: apps/pwa web Pool default 10,
 * apps/realtime web max 3 + persist max 2). Run at the root, Heroku aborts the build until APP_BASE is set.
 */
describe('the monorepo buildpack, APP_BASE asked for and not set, no Procfile at the root', () => {
  const ROOT = procfileOf('monorepo-buildpack-app-base-unset')

  it('exits 2 saying the buildpack builds APP_BASE, which is unset, and names the folders with a Procfile', () => {
    // Before: "no Procfile or heroku.yml in …, and package.json has no start script …, `npm start`, stops at start",
    // which was true of the root but not why: the monorepo buildpack in app.json and its unset APP_BASE went unsaid.
    const r = runCli(['plan', '--procfile', ROOT, '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('the monorepo buildpack (app.json:9) builds the folder the APP_BASE config var names, and APP_BASE is not set here (Heroku aborts the build without it')
    expect(r.stderr).toContain('hint: say which folder is the app, as `heroku config:set APP_BASE=…` does: --env APP_BASE=apps/pwa (folders with a Procfile: apps/pwa, apps/realtime)')
  })

  it('counts the folder --env APP_BASE names: apps/realtime web 3 + persist 2 = 5, apps/pwa pg default 10', () => {
    const realtime = planJson(ROOT, ['--plan', 'standard-0', '--env', 'APP_BASE=apps/realtime'])
    expect(realtime.exit).toBe(0)
    expect(realtime.processTypes.map((p) => [p.name, p.connections])).toEqual([
      ['web', 3],
      ['persist', 2],
    ])
    expect(realtime.total).toBe(5)
    const pwa = planJson(ROOT, ['--plan', 'standard-0', '--env', 'APP_BASE=apps/pwa'])
    expect(pwa.type('web').connections).toBe(10)
    expect(pwa.total).toBe(10)
  })
})
