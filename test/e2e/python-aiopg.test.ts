/**
 * aiopg pools (test/fixtures/aiohttp-aiopg): `create_pool(dsn, minsize=…, maxsize=…)` made at import in
 * shop/web.py, inside `app.update(db=loop.run_until_complete(create_pool(…)))`, its sizes read from a module
 * of the app imported by name (`from shop import settings` … `settings.POOL_HIGH`).
 * aiopg@v1.4.0 aiopg/pool.py: create_pool(dsn=None, *, minsize=1, maxsize=10); aiopg/sa/engine.py the same.
 * web: gunicorn's aiohttp worker runs requests on an event loop, so the pool bounds them: 6 per process;
 * WEB_CONCURRENCY 2 (heroku/python on standard-1x) → 2 × 6 = 12.
 * Before: the pool was not known (1 assumed per process), and once read it was counted twice (the `.update`
 * call's arguments were recorded twice) with its sizes unread.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const args = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']

describe('aiopg pools', () => {
  it('create_pool(maxsize=settings.POOL_HIGH) in app.update(…): one pool of 6 per process, 2 × 6 = 12', () => {
    const r = planJson(procfileOf('aiohttp-aiopg'), args)
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 6, processesPerDyno: 2})
    expect(r.type('web').sources['pool.aiopg shop/web.py:12'].source).toEqual({file: 'shop/settings.py', kind: 'file', line: 5})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toHaveLength(1)
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.total).toBe(12)
  })

  it('POOL_HIGH from the env reaches the pool through the settings module: 2 × 3 = 6', () => {
    const r = planJson(procfileOf('aiohttp-aiopg'), [...args, '--env', 'POOL_HIGH=3'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 3})
  })

  it('aiopg.sa.create_engine with no sizes: aiopg default maxsize 10, 2 × 10 = 20', () => {
    const {app} = tempApps('aiohttp-aiopg')
    const dir = app({'shop/web.py': 'import asyncio\n\nimport aiopg.sa\nfrom aiohttp import web\n\nfrom shop import settings\n\nloop = asyncio.get_event_loop()\napp = web.Application()\napp["db"] = loop.run_until_complete(aiopg.sa.create_engine(settings.DSN))\n'})
    const r = planJson(`${dir}/Procfile`, args)
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 20, poolPerProcess: 10})
    expect(r.type('web').sources['pool.aiopg shop/web.py:10'].via).toContainEqual(expect.objectContaining({kind: 'default', what: 'aiopg default maxsize'}))
  })
})
