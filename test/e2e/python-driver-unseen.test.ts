/**
 * A Python app whose requirements name no database driver but install a package from git (fixture
 * python-driver-unseen-vcs: `-e git+…#egg=django_widgets`): that package's own dependencies are not listed, so
 * whether a PostgreSQL driver comes with it is unknown. Django's postgresql backend needs one to connect. The web
 * process (gunicorn --workers 3, one connection per worker) is counted 3 as if the package pulls a driver in, and
 * that is now an assumption, starred and warned at the requirement's line (before: 3, silent). Without the git
 * line the lists are complete and nothing can connect: 0 (unchanged).
 */
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('no driver listed, a git requirement unseen', () => {
  it('counts the pools as if the unseen package brings a driver: starred, warned at requirements.txt:4', () => {
    const r = planJson(procfileOf('python-driver-unseen-vcs'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    expect(JSON.stringify(r.type('web').sources)).toContain('counted as if one of them pulls a PostgreSQL driver in')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'requirements.txt', line: 4, processType: 'web', severity: 'warning'}))
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('without the git requirement the lists are complete: no driver, 0 connections', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-unseen-'))
    try {
      cpSync(procfileOf('python-driver-unseen-vcs').replace(/\/Procfile$/, ''), dir, {recursive: true})
      const req = join(dir, 'requirements.txt')
      writeFileSync(req, readFileSync(req, 'utf8').replace(/^-e .*\n/m, ''))
      const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
      expect(r.type('web').connectionsPerDyno).toBe(0)
      expect(r.codes).toContain('not-postgresql')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
