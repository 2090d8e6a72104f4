/**
 * Dokku's DOKKU_SCALE file (fixture dokku-scale): `TYPE=COUNT` lines in the app root that Dokku 0.3.14–0.29
 * reads on deploy for each type's container count; a Procfile type it does not list runs no container
 * (https://dokku.com/docs~v0.5.8/process-management; removed in Dokku 0.30 for app.json formation); --scale wins.
 *
 * Procfile: web node server.js (pg Pool max 4), worker node worker.js (max 2), clock node clock.js (max 1),
 * mailer node worker.js (max 2), release node migrate.js (one Client).
 * DOKKU_SCALE: line 1 a comment, line 2 web=2, line 3 worker=3 with an inline comment; clock and mailer unlisted.
 * app.json has no formation.
 *   web    2 (DOKKU_SCALE:2) × 1 process × 4 = 8
 *   worker 3 (DOKKU_SCALE:3) × 2 = 6
 *   clock  0 (DOKKU_SCALE does not list it) × 1 = 0
 *   mailer 0 (DOKKU_SCALE does not list it) × 2 = 0
 *   total 8 + 6 = 14; release phase 14 + 1 = 15; Dokku's zero-downtime deploy keeps the old web and worker containers
 *   beside the new ones for DOKKU_WAIT_TO_RETIRE (https://dokku.com/docs/deployment/zero-downtime-deploys/): 14 + 14 = 28,
 *   the deploy peak (`--no-preboot`: 15)
 *
 * With an app.json `formation` object beside it, Dokku 0.25+ ignores DOKKU_SCALE and scales only the types
 * formation gives a quantity, every other Procfile type to 0 (dokku/dokku@v0.29.0 plugins/app-json/functions.go
 * injectDokkuScale "DOKKU_SCALE ignored in favor of 'formation' key"; plugins/ps/functions.go updateScale).
 */
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const app = procfileOf('dokku-scale')

describe('DOKKU_SCALE (Dokku before 0.30)', () => {
  it('sets the counts of the types it lists, 0 for the others', () => {
    const r = planJson(app, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 8, dynos: 2})
    expect(r.type('web').sources.dynos.source).toEqual({file: 'DOKKU_SCALE', kind: 'file', line: 2})
    expect(r.type('worker')).toMatchObject({connections: 6, dynos: 3})
    expect(r.type('worker').sources.dynos.source).toEqual({file: 'DOKKU_SCALE', kind: 'file', line: 3})
    expect(r.type('clock')).toMatchObject({connections: 0, dynos: 0})
    expect(r.type('mailer')).toMatchObject({connections: 0, dynos: 0})
    expect(r.type('mailer').sources.dynos.source).toMatchObject({kind: 'default', ref: 'https://dokku.com/docs~v0.5.8/process-management'})
    expect(r.total).toBe(14)
    const info = r.diagnostics.find((d) => d.file === 'DOKKU_SCALE')
    expect(info).toMatchObject({severity: 'info'})
    expect(info?.message).toContain('Dokku 0.30 and later ignore it and read app.json formation')
  })

  it('--explain names DOKKU_SCALE:line as the source of the count; no dyno count is starred', () => {
    const out = runCliInProcess(['plan', '--procfile', app, '--plan', 'standard-0', '--explain'])
    expect(out.code).toBe(0)
    expect(out.stdout).toMatch(/^ {2}dynos +2 {2}DOKKU_SCALE:2$/m)
    expect(out.stdout).toMatch(/^ {2}dynos +3 {2}DOKKU_SCALE:3$/m)
    expect(out.stdout).toContain('DOKKU_SCALE does not list it: Dokku runs the types DOKKU_SCALE lists')
    expect(out.stdout).not.toContain('1 dyno assumed')
    expect(out.stdout).toContain('deploy peak 28')
    expect(out.stdout).toContain("peak during Dokku's old and new containers overlapping (a second set of web, worker containers adds 14)")
  })

  it('--scale wins over DOKKU_SCALE, type by type', () => {
    // web 1 × 4 = 4, worker 3 × 2 = 6, clock 0, mailer 2 × 2 = 4: 14.
    const r = planJson(app, ['--plan', 'standard-0', '--scale', 'web=1', 'mailer=2'])
    expect(r.type('web').dynos).toBe(1)
    expect(r.type('worker').dynos).toBe(3)
    expect(r.type('mailer')).toMatchObject({connections: 4, dynos: 2})
    expect(r.total).toBe(14)
  })
})

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, {force: true, recursive: true})
})

/** The fixture with another app.json. */
function withAppJson(json: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-dokku-'))
  temps.push(dir)
  cpSync(app.replace(/Procfile$/, ''), dir, {recursive: true})
  writeFileSync(join(dir, 'app.json'), JSON.stringify(json, null, 2))
  return join(dir, 'Procfile')
}

describe('DOKKU_SCALE beside an app.json formation (Dokku 0.25 and later)', () => {
  it('DOKKU_SCALE is not read; only the types formation lists run, the others 0 (web too), said as a warning', () => {
    // formation clock 1: clock 1 × 1 = 1; web, worker, mailer 0 (not 2 / 3 from DOKKU_SCALE); total 1; peak 1 + 1 release = 2.
    const r = planJson(withAppJson({formation: {clock: {quantity: 1}}, name: 'tidepool'}), ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    expect(r.type('clock')).toMatchObject({connections: 1, dynos: 1})
    expect(r.type('web')).toMatchObject({connections: 0, dynos: 0})
    expect(r.type('web').sources.dynos.source).toMatchObject({kind: 'default', ref: 'https://github.com/dokku/dokku/blob/v0.29.0/plugins/app-json/functions.go'})
    expect(r.type('worker').dynos).toBe(0)
    expect(r.type('mailer').dynos).toBe(0)
    expect(r.total).toBe(1)
    expect(r.deployPeak).toBe(2)
    const d = r.diagnostics.find((x) => x.file === 'DOKKU_SCALE')
    expect(d).toMatchObject({code: 'missing-config', severity: 'warning'})
    expect(d?.message).toContain('DOKKU_SCALE is not used: app.json:2 has a formation, and Dokku 0.25 and later then ignore DOKKU_SCALE and run only the types it lists (web, worker, mailer: 0)')
  })

  it('a formation with no quantity: DOKKU_SCALE is still not read, and the counts stay assumed (ps:scale sets them)', () => {
    // web 1* × 4 + worker 1* × 2 + clock 1* × 1 + mailer 1* × 2 = 9.
    const r = planJson(withAppJson({formation: {web: {size: 'standard-2x'}}, name: 'tidepool'}), ['--plan', 'standard-0'])
    expect(r.type('web').dynos).toBe(1)
    expect(r.type('web').sources.dynos.source.kind).toBe('assumed')
    expect(r.type('worker').dynos).toBe(1)
    expect(r.total).toBe(9)
    const d = r.diagnostics.find((x) => x.file === 'DOKKU_SCALE')
    expect(d).toMatchObject({severity: 'info'})
    expect(d?.message).toContain('DOKKU_SCALE is not used: app.json:2 has a formation, and Dokku 0.25 and later then ignore DOKKU_SCALE;')
  })
})
