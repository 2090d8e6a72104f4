/**
 * cantino/heroku-selectable-procfile (fixture selectable-procfile, first in .buildpacks): it moves the file the
 * PROCFILE_PATH config var names over the root's Procfile; without PROCFILE_PATH it does nothing
 * (cantino/heroku-selectable-procfile@6fcc194:bin/compile). app.json env sets
 * PROCFILE_PATH=deploy/heroku/Procfile.heroku (line 4).
 *
 * deploy/heroku/Procfile.heroku: web node server.js (pg Pool max 6), worker node worker.js (max 3):
 *   web 1* × 6 = 6; worker 1 (--scale) × 3 = 3; total 9.
 * The root Procfile (web node dev.js, max 20) is not what runs: 20 would be wrong.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const app = procfileOf('selectable-procfile')

describe('the selectable-procfile buildpack (PROCFILE_PATH)', () => {
  it('counts the Procfile PROCFILE_PATH names, and says so', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => p.name)).toEqual(['web', 'worker'])
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.type('worker')).toMatchObject({connections: 3, dynos: 1})
    expect(r.total).toBe(9)
    const info = r.diagnostics.find((d) => d.file === 'deploy/heroku/Procfile.heroku')
    expect(info).toMatchObject({code: 'missing-config', severity: 'info'})
    expect(info?.message).toContain('the selectable-procfile buildpack (.buildpacks:1) moves deploy/heroku/Procfile.heroku (PROCFILE_PATH from app.json:4')
  })

  it('the table and --explain name the Procfile that runs', () => {
    const out = runCliInProcess(['plan', '--procfile', app, '--plan', 'standard-0', '--explain'])
    expect(out.code).toBe(0)
    expect(out.stdout.split('\n')[0]).toContain('selectable-procfile/deploy/heroku/Procfile.heroku')
    expect(out.stdout).toContain('web (node): node server.js')
  })

  it('PROCFILE_PATH empty: the root Procfile runs, said as info', () => {
    // web node dev.js: 1* × 20 = 20.
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE_PATH='])
    expect(r.exit).toBe(0)
    expect(r.total).toBe(20)
    const d = r.diagnostics.find((x) => x.message.includes('selectable-procfile'))
    expect(d).toMatchObject({file: '.buildpacks', line: 1, severity: 'info'})
    expect(d?.message).toContain('PROCFILE_PATH is not set here, so the root\'s Procfile runs')
  })

  it('PROCFILE_PATH naming no file: the root Procfile runs, said as a warning', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE_PATH=deploy/Procfile.gone'])
    expect(r.total).toBe(20)
    const d = r.diagnostics.find((x) => x.message.includes('selectable-procfile'))
    expect(d).toMatchObject({severity: 'warning'})
    expect(d?.message).toContain('PROCFILE_PATH=deploy/Procfile.gone names no file in the repository')
  })
})
