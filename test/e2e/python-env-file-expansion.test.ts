/**
 * Env-file values that name other variables (fixture python-env-file-expansion). app.json sets POOL_BASE=5 and
 * REPORTS_DB_POOL=7; nothing sets WEB_BURST or REPORTS_BURST.
 *
 * - web: load_dotenv() reads .env: WEB_POOL=${POOL_BASE:-10} is 5 (os.environ has POOL_BASE), WEB_OVERFLOW=${WEB_BURST:-2}
 *   is its default 2, assumed (a config var may set WEB_BURST). 2 workers × min(5 + 2, 8 threads) = 14*.
 * - api: pydantic-settings env_file=".env" (read with dotenv_values: interpolated, the file's own values first):
 *   CRM_API_POOL=${WEB_POOL} is the file's WEB_POOL, 5. min(5 + 0, 8) = 5.
 * - reports: django-environ read_env(deploy/reports.env) keeps `$REPORTS_DB_POOL` as written; env("REPORT_POOL",
 *   default=2) reads the proxy REPORTS_DB_POOL (7, cast to int like the default); env.int("REPORT_OVERFLOW", default=1)
 *   proxies to REPORTS_BURST, set nowhere: the default 1, assumed. min(7 + 1, 16) = 8*.
 * Total 14 + 5 + 8 = 27* (was 36*: every expanded value unknown, SQLAlchemy's defaults 5 + 10 assumed).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const SCALE = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--scale', 'api=1:standard-1x', '--scale', 'reports=1:standard-1x']

describe('env-file values that name other variables (fixture python-env-file-expansion)', () => {
  it('expands python-dotenv ${VAR} and ${VAR:-default}, and follows django-environ $VAR proxies', () => {
    const r = planJson(procfileOf('python-env-file-expansion'), SCALE)
    expect(r.type('web')).toMatchObject({connections: 14, connectionsPerProcess: 7, poolPerProcess: 7, processesPerDyno: 2})
    expect(r.type('api')).toMatchObject({connections: 5, poolPerProcess: 5})
    expect(r.type('reports')).toMatchObject({connections: 8, poolPerProcess: 8})
    expect(r.total).toBe(27)
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('stars a value whose referenced variable is set nowhere, naming it', () => {
    const r = planJson(procfileOf('python-env-file-expansion'), SCALE)
    const web = JSON.stringify(r.type('web').sources)
    expect(web).toContain('"kind":"assumed","why":"WEB_OVERFLOW at .env:3 is `${WEB_BURST:-2}`, which python-dotenv expands; WEB_BURST')
    expect(web).toContain('POOL_BASE')
    expect(JSON.stringify(r.type('reports').sources)).toContain('REPORT_OVERFLOW is `$REPORTS_BURST` (deploy/reports.env:3), which django-environ reads as REPORTS_BURST')
    expect(JSON.stringify(r.type('api').sources)).not.toContain('"kind":"assumed"')
  })

  it('takes the referenced variables from config vars when they are set', () => {
    const r = planJson(procfileOf('python-env-file-expansion'), [...SCALE, '--env', 'WEB_BURST=0', '--env', 'POOL_BASE=3', '--env', 'REPORTS_BURST=4'])
    // web 2 × min(3 + 0, 8) = 6; api: the file's WEB_POOL is ${POOL_BASE} = 3; reports min(7 + 4, 16) = 11.
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 3})
    expect(r.type('api')).toMatchObject({poolPerProcess: 3})
    expect(r.type('reports')).toMatchObject({poolPerProcess: 11})
    expect(r.total).toBe(20)
  })
})
