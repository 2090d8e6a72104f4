/**
 * jessefulton/env-procfile-buildpack (fixture env-procfile, first in .buildpacks): it moves the file the PROCFILE
 * config var names over the root's Procfile, and does nothing when PROCFILE is unset
 * (jessefulton/env-procfile-buildpack@5c411a7:bin/compile). app.json env sets PROCFILE=procfiles/Procfile.api (line 4).
 *
 * procfiles/Procfile.api: web node api.js (pg Pool max 7), clock node clock.js (max 2):
 *   web 1* × 7 = 7; clock 1 (--scale) × 2 = 2; total 9.
 * The root Procfile (web node local.js, max 15) is not what runs: 15 would be wrong.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const app = procfileOf('env-procfile')

describe('the env-procfile buildpack (PROCFILE)', () => {
  it('counts the Procfile PROCFILE names, and says so', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--scale', 'clock=1'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => p.name)).toEqual(['web', 'clock'])
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(r.type('clock')).toMatchObject({connections: 2, dynos: 1})
    expect(r.total).toBe(9)
    const info = r.diagnostics.find((d) => d.file === 'procfiles/Procfile.api')
    expect(info).toMatchObject({code: 'missing-config', severity: 'info'})
    expect(info?.message).toContain('the env-procfile buildpack (.buildpacks:1) moves procfiles/Procfile.api (PROCFILE from app.json:4')
  })

  it('PROCFILE empty: the root Procfile runs (web 1* × 15 = 15), said as info', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE='])
    expect(r.exit).toBe(0)
    expect(r.total).toBe(15)
    const d = r.diagnostics.find((x) => x.message.includes('env-procfile'))
    expect(d).toMatchObject({file: '.buildpacks', line: 1, severity: 'info'})
    expect(d?.message).toContain('PROCFILE is not set here, so the root\'s Procfile runs')
  })

  it('PROCFILE naming no file: the root Procfile runs (15), said as a warning', () => {
    const r = planJson(app, ['--plan', 'standard-0', '--env', 'PROCFILE=procfiles/Procfile.gone'])
    expect(r.total).toBe(15)
    const d = r.diagnostics.find((x) => x.message.includes('env-procfile'))
    expect(d).toMatchObject({severity: 'warning'})
    expect(d?.message).toContain('PROCFILE=procfiles/Procfile.gone names no file in the repository')
  })
})
