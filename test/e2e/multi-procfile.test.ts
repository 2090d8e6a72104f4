/**
 * Heroku's multi-procfile buildpack (fixture multi-procfile): one repository, several apps, each
 * choosing its Procfile with the PROCFILE config var. The buildpack copies that file over the root's
 * Procfile and an app.json beside it over the root's app.json; commands still run from the repository
 * root (heroku/heroku-buildpack-multi-procfile@13afc31:bin/compile). Without PROCFILE the build aborts.
 *
 * PROCFILE=apps/Procfile.api:
 *   web: node apps/api/server.js → new Pool({max: 7}); apps/app.json formation web 2 (the root
 *        app.json's web 5 is replaced) → 2 dynos × 1 process × 7 = 14
 *   jobs: node apps/jobs/run.js → new Pool({max: 3}); apps/app.json jobs 1 → 1 × 3 = 3
 *   release: one connection, in the deploy peak only
 *   total 14 + 3 = 17; deploy peak 17 + 1 = 18
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const app = procfileOf('multi-procfile')

describe('the multi-procfile buildpack (PROCFILE)', () => {
  it('PROCFILE=apps/Procfile.api: its types, run from the repository root, scaled by apps/app.json', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE=apps/Procfile.api'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => p.name)).toEqual(['web', 'jobs', 'release'])
    expect(r.type('web')).toMatchObject({connections: 14, dynos: 2, poolPerProcess: 7, processesPerDyno: 1})
    expect(r.type('web').sources.dynos.source).toEqual({file: 'apps/app.json', kind: 'file', line: 4})
    expect(r.type('jobs')).toMatchObject({connections: 3, dynos: 1, poolPerProcess: 3})
    expect(r.total).toBe(17)
    // The pool is read from apps/api/server.js, a path from the repository root (not from apps/, the Procfile's folder).
    expect(r.type('web').databases).toEqual(['pg apps/api/server.js:4'])
    const info = r.diagnostics.find((d) => d.code === 'missing-config' && d.file === 'apps/Procfile.api')
    expect(info?.message).toContain('copies apps/Procfile.api (PROCFILE from --env) to Procfile')
    expect(info?.message).toContain('apps/app.json is copied to app.json')
  })

  it('the table names the Procfile that runs', () => {
    const out = runCliInProcess(['plan', '--procfile', app, '--plan', 'standard-0', '--env', 'PROCFILE=apps/Procfile.api'])
    expect(out.stdout.split('\n')[0]).toContain('multi-procfile/apps/Procfile.api')
    // release adds its one connection to the deploy peak: 17 + 1.
    expect(out.stdout).toContain('deploy peak 18')
  })

  it('PROCFILE=/apps/Procfile.site (a path from the root, as `cp "${BUILD_DIR}/${PROCFILE}"` reads it): the other app', () => {
    // apps/Procfile.site: web node apps/site/server.js (express, no pg import); apps/app.json is beside it: web 2.
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE=/apps/Procfile.site'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.type('web').dynos).toBe(2)
    expect(r.type('web').sources.dynos.source).toEqual({file: 'apps/app.json', kind: 'file', line: 4})
  })

  it('without PROCFILE: exit 2, naming the variable and the Procfiles it could name', () => {
    const out = runCliInProcess(['plan', '--procfile', app, '--plan', 'standard-0'])
    expect(out.code).toBe(2)
    expect(out.stderr).toContain('PROCFILE is not set here: Heroku aborts the build without it')
    expect(out.stderr).toContain('--env PROCFILE=PATH (Procfiles here: apps/Procfile.api, apps/Procfile.site)')
    expect(out.stderr).not.toMatch(/^\s+at /m)
  })

  it('PROCFILE naming no file: exit 2', () => {
    const out = runCliInProcess(['plan', '--procfile', app, '--plan', 'standard-0', '--env', 'PROCFILE=apps/Procfile.gone'])
    expect(out.code).toBe(2)
    expect(out.stderr).toContain('PROCFILE=apps/Procfile.gone names no file in the repository')
  })

  it('PROCFILE_APPEND is said, not silently dropped', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE=apps/Procfile.api', '--env', 'PROCFILE_APPEND=apps/Procfile.site'])
    const d = r.diagnostics.find((x) => x.message.includes('PROCFILE_APPEND'))
    expect(d).toMatchObject({severity: 'warning'})
    // Only Procfile.api's types are counted: 17, as above.
    expect(r.total).toBe(17)
  })
})
