/**
 * Django settings that pick the database's kind from the environment and build DATABASES in a `match` on it (test/fixtures/
 * django-match-engine, the paperless-ngx shape): `choice("APP_DBENGINE", …)` is None when the variable is unset, then
 * `engine = "postgresql" if "APP_DBHOST" in os.environ else "sqlite"`, then `match engine:` with a case per kind. Python
 * runs the first case whose pattern matches (a literal by ==, `|` of them, `_`). Web: gunicorn --workers 3 (sync, 1 thread),
 * worker: celery --concurrency 2 (prefork, 1 each). On PostgreSQL each holds 1 connection: 3 + 2 = 5. On SQLite (or MySQL)
 * none: 0, said as not-postgresql with what would take the PostgreSQL case. Before, the `match` was not decided and
 * DATABASES was unknown: 5, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (env: string[] = []) => planJson(procfileOf('django-match-engine'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('a match on the database kind the environment picks', () => {
  it('clean env: APP_DBHOST unset, `case "sqlite":` runs: 0, with the variable that would pick PostgreSQL named', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 3, threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 0, processesPerDyno: 2, threadsPerProcess: 0})
    expect(r.total).toBe(0)
    const told = r.diagnostics.find((d) => d.code === 'not-postgresql')
    expect(told).toMatchObject({file: 'proj/settings.py', line: 16, severity: 'info'})
    expect(told?.message).toContain('its ENGINE is written in `case "sqlite":` of the branch on the database\'s kind at line 16')
    expect(told?.message).toContain('not in `case "postgresql":` (line 19)')
    expect(told?.fix).toContain('--env APP_DBHOST=')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('APP_DBHOST set: `case "postgresql":` runs: 3 + 2 = 5, nothing assumed', () => {
    const r = plan(['APP_DBHOST=db.internal'])
    expect(r.type('web')).toMatchObject({connections: 3, connectionsPerProcess: 1})
    expect(r.type('worker')).toMatchObject({connections: 2})
    expect(r.total).toBe(5)
    expect(r.codes).not.toContain('not-postgresql')
    expect(JSON.stringify(r.processTypes)).not.toContain('"kind":"assumed"')
  })

  it('APP_DBENGINE=mariadb: `case "mariadb" | "mysql":` runs: 0; APP_DBENGINE=postgresql: 5', () => {
    expect(plan(['APP_DBENGINE=mariadb']).total).toBe(0)
    expect(plan(['APP_DBENGINE=postgresql']).total).toBe(5)
  })

  it('an `if kind == "postgresql":` / `else:` on os.getenv("DB_KIND", "sqlite") is the same branch on the kind: 0, DB_KIND named', () => {
    const r = plan(['DJANGO_SETTINGS_MODULE=alt.settings_if'])
    expect(r.total).toBe(0)
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')).toMatchObject({file: 'alt/settings_if.py', line: 8})
    expect(r.diagnostics.find((d) => d.code === 'not-postgresql')?.fix).toContain('--env DB_KIND=')
    expect(plan(['DJANGO_SETTINGS_MODULE=alt.settings_if', 'DB_KIND=postgresql']).total).toBe(5)
  })

  it('an `if DEBUG:` that writes SQLite is no branch on the kind (a deploy sets DEBUG): still counted, 1 per thread, starred and warned', () => {
    const r = plan(['DJANGO_SETTINGS_MODULE=alt.settings_debug'])
    expect(r.total).toBe(5)
    expect(r.codes).not.toContain('not-postgresql')
    expect(r.diagnostics.find((d) => d.code === 'unknown-config-value')?.message).toContain('DATABASES has no PostgreSQL database with this environment')
  })
})
