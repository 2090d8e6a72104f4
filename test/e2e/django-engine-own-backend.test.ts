import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

const run = (dir: string) => runJson<PlanJson>(['plan', '--procfile', fixture(`${dir}/Procfile`), '--plan', 'standard-0', '--scale', 'web=1', '--explain'])

// A DATABASES alias whose ENGINE is not named for its database: Django loads ENGINE + ".base" (django/db/utils.py
// load_backend) and uses its DatabaseWrapper.
describe('Django ENGINE that is the app\'s own backend module (conncalc plan --json)', () => {
  it('a subclass of the PostgreSQL backend is PostgreSQL; one over SQLite (through a relative import) is not: gunicorn -w 3 × (default + reports) = 6', () => {
    const r = run('django-engine-own-backend')
    expect(r.code).toBe(0)
    expect(r.json.total).toBe(6)
    const web = r.json.processTypes[0]
    expect([web.processesPerDyno, web.threadsPerProcess, web.poolPerProcess, web.connections]).toEqual([3, 1, 2, 6])
    const sources = JSON.stringify(web.sources)
    expect(sources).toContain('proj/reports/backend/base.py')
    expect(sources).toContain('it imports django.db.backends.postgresql.base')
    expect(web.databases).toEqual(['default', 'reports'])
    expect(web.otherServerPools).toEqual([])
    expect(sources).not.toContain('assumption')
    expect(r.json.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('an installed package\'s backend named for no database: counted as PostgreSQL (6), starred, a warning at its ENGINE', () => {
    const r = run('django-engine-own-backend/installed')
    expect(r.json.total).toBe(6)
    expect(r.json.processTypes[0].databases).toEqual(['default', 'audit'])
    expect(JSON.stringify(r.json.processTypes[0].sources)).toContain('DATABASES[\\"audit\\"] ENGINE vendor_db_backend is taken as PostgreSQL')
    const d = r.json.diagnostics.find((x) => x.message.includes('ENGINE is vendor_db_backend'))
    expect(d).toMatchObject({code: 'unknown-config-value', file: 'proj/settings.py', line: 14, severity: 'warning'})
    expect(d?.fix).toContain('--assume')
  })
})
