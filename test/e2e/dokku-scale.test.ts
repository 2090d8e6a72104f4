/**
 * Dokku's DOKKU_SCALE file (fixture dokku-scale): `TYPE=COUNT` lines in the app root that Dokku 0.3.14–0.29
 * reads on deploy for each type's container count; a Procfile type it does not list runs no container
 * (https://dokku.com/docs~v0.5.8/process-management; removed in Dokku 0.30 for app.json formation). A type
 * app.json formation scales keeps app.json's; --scale wins over both.
 *
 * Procfile: web node server.js (pg Pool max 4), worker node worker.js (max 2), clock node clock.js (max 1),
 * mailer node worker.js (max 2), release node migrate.js (one Client).
 * DOKKU_SCALE: line 1 a comment, line 2 web=2, line 3 worker=3 with an inline comment; clock and mailer unlisted.
 * app.json formation.clock.quantity 1.
 *   web    2 (DOKKU_SCALE:2) × 1 process × 4 = 8
 *   worker 3 (DOKKU_SCALE:3) × 2 = 6
 *   clock  1 (app.json:4, over DOKKU_SCALE's unlisted 0) × 1 = 1
 *   mailer 0 (DOKKU_SCALE does not list it) × 2 = 0
 *   total 8 + 6 + 1 + 0 = 15; deploy peak 15 + 1 (release) = 16
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const app = procfileOf('dokku-scale')

describe('DOKKU_SCALE (Dokku before 0.30)', () => {
  it('sets the counts of the types it lists, 0 for the others; app.json formation keeps its types', () => {
    const r = planJson(app, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 8, dynos: 2})
    expect(r.type('web').sources.dynos.source).toEqual({file: 'DOKKU_SCALE', kind: 'file', line: 2})
    expect(r.type('worker')).toMatchObject({connections: 6, dynos: 3})
    expect(r.type('worker').sources.dynos.source).toEqual({file: 'DOKKU_SCALE', kind: 'file', line: 3})
    expect(r.type('clock')).toMatchObject({connections: 1, dynos: 1})
    expect(r.type('clock').sources.dynos.source).toEqual({file: 'app.json', kind: 'file', line: 4})
    expect(r.type('mailer')).toMatchObject({connections: 0, dynos: 0})
    expect(r.type('mailer').sources.dynos.source).toMatchObject({kind: 'default', ref: 'https://dokku.com/docs~v0.5.8/process-management'})
    expect(r.total).toBe(15)
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
    expect(out.stdout).toContain('deploy peak 16')
  })

  it('--scale wins over DOKKU_SCALE, type by type', () => {
    // web 1 × 4 = 4, worker 3 × 2 = 6, clock 1, mailer 2 × 2 = 4: 15.
    const r = planJson(app, ['--plan', 'standard-0', '--scale', 'web=1', 'mailer=2'])
    expect(r.type('web').dynos).toBe(1)
    expect(r.type('worker').dynos).toBe(3)
    expect(r.type('mailer')).toMatchObject({connections: 4, dynos: 2})
    expect(r.total).toBe(15)
  })
})
