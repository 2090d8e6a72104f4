/**
 * uvicorn reads WEB_CONCURRENCY for --workers from 0.10.0 on (uvicorn/config.py 0.10.0: `if workers is None and
 * "WEB_CONCURRENCY" in os.environ`); 0.9.x and before default --workers to 1 and never read it (uvicorn/main.py 0.9.1,
 * https://github.com/encode/uvicorn/blob/0.9.1/uvicorn/main.py#L70-L75). The heroku/python buildpack sets
 * WEB_CONCURRENCY=2 on a standard-1x dyno: a uvicorn pinned before 0.10 still runs 1 worker.
 *
 * The app (test/fixtures/fastapi-sqlalchemy): create_async_engine with pool_size settings.db_pool_size (5) and
 * max_overflow settings.db_max_overflow (5), app/core/config.py: 10 per process, all usable at once on the event loop.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('fastapi-sqlalchemy')
const PROCFILE = 'web: uvicorn app.main:app --host 0.0.0.0 --port $PORT\n'
const requirements = (uvicorn: string): string => `fastapi==0.45.0\n${uvicorn}\nsqlalchemy[asyncio]==2.0.36\nasyncpg==0.30.0\npydantic-settings==2.6.1\n`

describe('uvicorn and WEB_CONCURRENCY, by the pinned version', () => {
  it('uvicorn 0.9.1 pinned: 1 worker on standard-1x (it does not read WEB_CONCURRENCY): 1 × 10 = 10', () => {
    const dir = app({Procfile: PROCFILE, 'requirements.txt': requirements('uvicorn==0.9.1')})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 1, server: 'uvicorn'})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'default', what: expect.stringContaining('uvicorn 0.9.1 (requirements.txt:2) does not read WEB_CONCURRENCY')})
    // --env WEB_CONCURRENCY=4 changes nothing either: uvicorn 0.9 never reads it.
    expect(planJson(`${dir}/Procfile`, ['--scale', 'web=1:standard-1x', '--env', 'WEB_CONCURRENCY=4']).type('web').processesPerDyno).toBe(1)
  })

  it('uvicorn 0.10.0 pinned: the buildpack\'s WEB_CONCURRENCY=2 on standard-1x: 2 × 10 = 20; --workers 3 still wins: 30', () => {
    const dir = app({Procfile: PROCFILE, 'requirements.txt': requirements('uvicorn==0.10.0')})
    expect(planJson(`${dir}/Procfile`, ['--scale', 'web=1:standard-1x']).type('web')).toMatchObject({connections: 20, processesPerDyno: 2})
    const old = app({Procfile: 'web: uvicorn app.main:app --workers 3\n', 'requirements.txt': requirements('uvicorn==0.9.1')})
    expect(planJson(`${old}/Procfile`, ['--scale', 'web=1:standard-1x']).type('web')).toMatchObject({connections: 30, processesPerDyno: 3})
  })
})
