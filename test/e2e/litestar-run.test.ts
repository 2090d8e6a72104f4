/**
 * `litestar run` (test/fixtures/litestar-run, the shape of litestar-org/litestar-fullstack). Litestar's own `run`
 * starts uvicorn with `workers = env.web_concurrency or wc` (litestar/cli/commands/core.py; LitestarEnv.from_env reads
 * WEB_CONCURRENCY, litestar/cli/_utils.py): the variable wins over --wc. litestar-granian's `run` replaces it
 * (litestar_granian/cli.py: -W/--wc/--web-concurrency/--workers, default 1, envvar LITESTAR_WEB_CONCURRENCY or
 * WEB_CONCURRENCY): the flag wins. Both serve on an event loop, so the async engine's pool bounds a process:
 * create_async_engine(pool_size=4, max_overflow=2) = 6.
 * - core: the app is `--app svc.main:app`, in lib/svc, which pyproject.toml's hatch wheel `packages = ["lib/svc"]`
 *   installs as `svc`. On standard-1x the python buildpack sets WEB_CONCURRENCY=2, over --wc 3: 2 × 6 = 12;
 *   with WEB_CONCURRENCY=5, 5 × 6 = 30.
 * - granian: the app autodiscovered in app.py; --wc 3 wins over WEB_CONCURRENCY: 3 × 6 = 18, also with it set to 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, ...extra: string[]) => planJson(procfileOf(`litestar-run/${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...extra])

describe('litestar run: uvicorn, or granian with litestar-granian; the app pool on an event loop', () => {
  it('core: WEB_CONCURRENCY (the buildpack 2) wins over --wc 3; the app in a hatch package folder: 2 × 6 = 12', () => {
    const r = plan('core')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, connectionsPerProcess: 6, poolPerProcess: 6, processesPerDyno: 2, server: 'uvicorn'})
    expect(r.total).toBe(12)
  })

  it('core with WEB_CONCURRENCY=5: 5 × 6 = 30', () => {
    expect(plan('core', '--env', 'WEB_CONCURRENCY=5').type('web')).toMatchObject({connectionsPerDyno: 30, processesPerDyno: 5})
  })

  it('granian: --wc 3 wins over WEB_CONCURRENCY; the app autodiscovered in app.py: 3 × 6 = 18', () => {
    for (const r of [plan('granian'), plan('granian', '--env', 'WEB_CONCURRENCY=5')]) {
      expect(r.type('web')).toMatchObject({connectionsPerDyno: 18, connectionsPerProcess: 6, processesPerDyno: 3, server: 'granian'})
      expect(r.type('web').sources.processesPerDyno.source).toMatchObject({flag: '--wc 3', kind: 'flag'})
    }
  })
})
