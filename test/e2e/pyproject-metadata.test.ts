/**
 * pyproject.toml's PEP 621 metadata tables (`license = {file = "LICENCE"}`, `readme = {file = "README.md"}`) name files
 * of the project, not packages (https://packaging.python.org/en/latest/specifications/pyproject-toml/#license): they do
 * not make the install list one conncalc cannot read. Fixture python-pyproject-metadata is opensafely-core/opencodelists'
 * shape: a uv project on SQLite (DATABASE_URL's default sqlite:///…), uv.lock with no database driver. gunicorn
 * --workers 3 then holds 0 PostgreSQL connections (was 3*: the readme table was taken for an unlisted requirement).
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const FIXTURE = 'test/fixtures/python-pyproject-metadata'

describe('pyproject.toml license/readme tables (fixture python-pyproject-metadata)', () => {
  it('no driver in uv.lock: gunicorn 3 workers hold 0, said as not-postgresql, nothing starred', () => {
    const r = planJson(procfileOf('python-pyproject-metadata'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 3, threadsPerProcess: 0})
    expect(r.total).toBe(0)
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')).toMatchObject({file: 'uv.lock', line: 1})
    expect(r.diagnostics.some((d) => d.code === 'unknown-config-value')).toBe(false)
  })

  const {app} = tempApps('python-pyproject-metadata')
  it('a path source ([tool.uv.sources]) is still a package conncalc cannot list: 3 × 1 = 3, starred', () => {
    const pyproject = readFileSync(`${FIXTURE}/pyproject.toml`, 'utf8')
    const dir = app({'pyproject.toml': `${pyproject}\n[tool.uv.sources]\nclinical = { path = "libs/clinical" }\n`})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3})
    const unseen = r.diagnostics.find((d) => d.code === 'unknown-config-value')
    expect(unseen).toMatchObject({file: 'pyproject.toml', line: 15})
    expect(unseen?.message).toContain('clinical = { path = "libs/clinical" }')
  })
})
