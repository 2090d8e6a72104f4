import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runJson} from '../helpers/cli.js'

const run = (args: string[] = []) => runJson<PlanJson>(['plan', '--procfile', fixture('django-local-host/Procfile'), '--plan', 'standard-0', '--scale', 'web=1', ...args])

// Django settings that write HOST as this machine (a socket folder, localhost): on a dyno no PostgreSQL listens there.
describe('Django DATABASES with a HOST on this machine (conncalc plan --json)', () => {
  it('counted on the plan (gunicorn -w 3, sync workers of 1 thread, 1 connection each: 3), the pool starred, a warning naming the line', () => {
    const r = run()
    expect(r.code).toBe(0)
    expect(r.json.total).toBe(3)
    const web = r.json.processTypes.find((p) => p.name === 'web')!
    expect([web.processesPerDyno, web.threadsPerProcess, web.poolPerProcess, web.connections]).toEqual([3, 1, 1, 3])
    expect(JSON.stringify(web.sources)).toContain('HOST is /var/run/postgresql (proj/settings.py:8), this machine')
    const d = r.json.diagnostics.find((x) => x.message.includes('HOST is /var/run/postgresql'))
    expect(d).toMatchObject({code: 'unknown-config-value', file: 'proj/settings.py', line: 8, severity: 'warning'})
  })

  it('a HOST the settings read from the env, given a server: no warning, nothing starred for it (3)', () => {
    const r = runJson<PlanJson>(['plan', '--procfile', fixture('django-local-host/env/Procfile'), '--plan', 'standard-0', '--scale', 'web=1', '--env', 'DB_HOST=db.example.com'])
    expect(r.json.total).toBe(3)
    expect(r.json.diagnostics.some((x) => x.message.includes('this machine'))).toBe(false)
    expect(JSON.stringify(r.json.processTypes[0].sources)).not.toContain('this machine')
  })
})
