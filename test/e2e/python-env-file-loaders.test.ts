/**
 * Env files the app's code reads at run time (fixture python-env-file-loaders), only when the app ships them.
 * .env (committed) sets WEB_POOL=3, DATABASE_URL=sqlite:///…, SHOP_API_POOL=5, SHOP_API_OVERFLOW=4, ADMIN_POOL=6;
 * .env.local (WEB_POOL=20) is kept out of git by .gitignore:3; app.json sets SHOP_API_OVERFLOW=1 and REPORT_POOL=9.
 *
 * - web: shop/config.py `load_dotenv(".env.local")` (gitignored: not on the dyno) then `load_dotenv()` (the .env found
 *   from shop/ upward: the root one). WEB_POOL 3; DATABASE_URL stays Heroku's (override=False: set first). gunicorn
 *   2 workers × min(pool 3, 4 threads) = 6 (was WEB_POOL's default 10: 2 × 4 = 8).
 * - api: pydantic-settings `env_file=".env"`, env_prefix SHOP_: api_pool from the file (5), api_overflow from the
 *   config var (1: an env var beats the file): min(6, 8) = 6 (was the defaults 2 + the config var's 1 = 3).
 * - admin: python-decouple `config("ADMIN_POOL", default=1, cast=int)` reads the .env AutoConfig finds: 6 (was 1).
 * - reports: django-environ `read_env(os.path.join(BASE_DIR, "deploy", "reports.env"), overwrite=True)` replaces the
 *   config var REPORT_POOL 9 with 4; deploy/burst.env (REPORT_OVERFLOW=8) is loaded under a hostname test conncalc
 *   cannot decide: 4 + 0 or 4 + 8, the larger taken and starred: 12* (was 9, silently).
 * Total 6 + 6 + 6 + 12* = 30 (was 21).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const SCALE = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--scale', 'api=1:standard-1x', '--scale', 'admin=1:standard-1x', '--scale', 'reports=1:standard-1x']

describe('env files the code loads (fixture python-env-file-loaders)', () => {
  it('reads the shipped .env below the platform env, and not the gitignored one', () => {
    const r = planJson(procfileOf('python-env-file-loaders'), SCALE)
    expect(r.type('web')).toMatchObject({connections: 6, connectionsPerProcess: 3, poolPerProcess: 3, processesPerDyno: 2})
    expect(r.type('api')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.type('admin')).toMatchObject({connections: 6, poolPerProcess: 6})
    expect(r.total).toBe(30)
    const info = r.diagnostics.find((d) => d.code === 'missing-config')
    expect(info?.message).toContain('loads .env.local (kept out of git by .gitignore:3)')
  })

  it('lets override/overwrite replace the config var, and stars a file loaded under an undecided condition', () => {
    const r = planJson(procfileOf('python-env-file-loaders'), SCALE)
    expect(r.type('reports')).toMatchObject({connections: 12, poolPerProcess: 12})
    const pool = JSON.stringify(r.type('reports').sources)
    expect(pool).toContain('"from":"deploy/reports.env:1","kind":"env","name":"REPORT_POOL"')
    expect(pool).toContain('"kind":"assumed","why":"REPORT_OVERFLOW from deploy/burst.env:1, which shop/reports.py:14 loads only when')
  })

  it('keeps an env var set on the platform over the file', () => {
    // WEB_POOL set as a config var: the file's 3 does not replace it (load_dotenv override=False).
    const r = planJson(procfileOf('python-env-file-loaders'), [...SCALE, '--env', 'WEB_POOL=2', '--env', 'SHOP_API_POOL=7'])
    expect(r.type('web')).toMatchObject({connectionsPerProcess: 2, poolPerProcess: 2})
    expect(r.type('api')).toMatchObject({poolPerProcess: 8})
  })
})
