import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {runCliInProcess} from '../helpers/cli.js'

// A database URL given where a file or folder goes (`--root $DATABASE_URL`, variables mixed up):
// exit 2 saying so, and its password never on screen — also when the URL reaches a path function
// that folds its `//` into `/` (`postgres:/u:pw@h`), which the URL redaction did not know.
const URL = 'postgres://app:Pw0rdUrlPath@db.example.com:5432/app'

const app = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-url-path-'))
  writeFileSync(join(dir, 'Procfile'), 'web: gunicorn app:app\n')
  return dir
}

describe('a URL given as a path', () => {
  it.each([
    [['plan', '--root', URL], '--root'],
    [['plan', '--procfile', URL], '--procfile'],
    [['plan', '--config', URL], '--config'],
    [['plan', '--env-file', URL], '--env-file'],
    [['plan', '--plans-file', URL], '--plans-file'],
    [['plan', '--output', URL], '--output'],
    [['plans', '--plans-file', URL], '--plans-file'],
    [['live', '--env-file', URL], '--env-file'],
  ])('%j: exit 2, "not a URL", the password masked', (args, flag) => {
    const r = runCliInProcess(args, {cwd: app()})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`conncalc: ${flag} takes a file or folder on this machine, not a URL (postgres://app:***@db.example.com:5432/app)`)
    expect(r.stderr).toContain('hint: a database URL goes in --database-url')
    expect(r.stdout + r.stderr).not.toContain('Pw0rdUrlPath')
  })

  it('--json: the error object, the password masked', () => {
    const r = runCliInProcess(['plan', '--root', URL, '--json'], {cwd: app()})
    expect(r.code).toBe(2)
    const json = JSON.parse(r.stdout) as {error: {message: string}}
    expect(json.error.message).toBe('--root takes a file or folder on this machine, not a URL (postgres://app:***@db.example.com:5432/app)')
    expect(r.stdout + r.stderr).not.toContain('Pw0rdUrlPath')
  })

  it('a URL behind ./ is a path: the folder it names, shown with its `//` folded, still has the password masked', () => {
    const r = runCliInProcess(['plan', '--root', `./${URL}`], {cwd: app()})
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('the folder postgres:/app:***@db.example.com:5432/app does not exist')
    expect(r.stdout + r.stderr).not.toContain('Pw0rdUrlPath')
  })
})
