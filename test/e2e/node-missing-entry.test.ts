/**
 * A Procfile command that runs a file the app does not have (fixture node-missing-entry, in the shape of
 * 18F/analytics-reporter's `worker: node deploy/cron.js` after the file was renamed): `node` stops with
 * MODULE_NOT_FOUND before any code runs (https://nodejs.org/api/modules.html#all-together: "THROW 'not found'"),
 * so the process exits at start. Said (missing-config) and starred, the process counted as if it ran, as a
 * Python server's missing module is. A built file (dist/, gitignored: made where the app is built) is not that.
 *
 * By hand: web server.js, pg Pool max 5 → 5. worker: jobs/sync.js is not there; the build steps are `prepare` →
 * `npm run hooks` → `husky install` (writes git hooks only): it exits at start (0 by hand; counted as pg's
 * default 10, starred, with the warning). cron: dist/cron.js is in a gitignored folder (built elsewhere, its
 * source unknown): server.js, the usual entry, is read in its place, starred (before: read silently). report:
 * out/report.js is kept out of git by the pattern `out/*` (gitignore(5): `*` matches the folder's files), so it is
 * built elsewhere too: 5, starred, no exit warning.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Procfile entry that is not in the app', () => {
  const r = planJson(procfileOf('node-missing-entry'), ['--scale', 'web=1', 'worker=1', 'cron=1', 'report=1'])

  it('says the process exits at start when no build step can write it, and stars it', () => {
    const d = r.diagnostics.find((x) => x.code === 'missing-config' && x.processType === 'worker')
    expect(d).toMatchObject({file: 'Procfile', line: 2, severity: 'warning'})
    expect(d?.message).toContain('worker: jobs/sync.js is not in the app, and no build step writes it')
    expect(d?.message).toContain('the process exits at start')
    expect(r.type('worker').sources.processesPerDyno.via).toContainEqual({kind: 'assumed', why: expect.stringContaining('the process would exit at start; counted as if the file were there')})
    // Not server.js's pool in its place (was 5, read silently): pg's default 10, assumed.
    expect(r.type('worker')).toMatchObject({connections: 10, poolPerProcess: 10})
  })

  it('a gitignored build folder is built elsewhere: no exit warning; the usual entry read in its place is said', () => {
    expect(r.diagnostics.some((x) => x.code === 'missing-config' && x.processType === 'cron')).toBe(false)
    expect(r.type('cron')).toMatchObject({connections: 5})
    expect(r.type('cron').sources.processesPerDyno.via).toContainEqual({kind: 'assumed', why: expect.stringContaining("it read server.js, the package's usual entry file, in its place")})
    expect(r.type('web')).toMatchObject({connections: 5})
    expect(r.diagnostics.some((x) => x.code === 'missing-config' && x.processType === 'report')).toBe(false)
    expect(r.type('report')).toMatchObject({connections: 5})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
  })
})
