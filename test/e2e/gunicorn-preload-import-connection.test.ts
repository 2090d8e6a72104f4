/**
 * gunicorn with preload_app (`--preload`, GUNICORN_CMD_ARGS, `preload_app = True` in a config file): the master
 * loads the app before it forks the workers (gunicorn arbiter.py setup: `if self.cfg.preload_app: self.app.wsgi()`),
 * so a create_all the app runs at import checks a connection out in the master, and QueuePool keeps it open
 * (fixtures gunicorn-preload-import-connection/*). Without preload each worker imports the app itself and the
 * connection is one of its own pool's. Before, the master's connection was not counted.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, scale: string[]) => planJson(procfileOf(`gunicorn-preload-import-connection/${v}`), ['--plan', 'standard-0', ...scale.flatMap((s) => ['--scale', s])])

describe('gunicorn preload_app and a connection opened at import', () => {
  it('--preload: 3 workers × min(pool 2, 2 threads) + the master\'s 1 = 7', () => {
    const r = plan('flag', ['web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 7, extraPerDyno: 1})
    expect(r.type('web').extras).toContainEqual(expect.objectContaining({kind: 'import-connection', per: 'dyno'}))
  })

  it('preload_app = True in the -c file: 7; the same app without it (and no ./gunicorn.conf.py): 3 × 2 = 6', () => {
    const r = plan('config', ['web=1', 'plain=1'])
    expect(r.type('web').connectionsPerDyno).toBe(7)
    expect(r.type('plain')).toMatchObject({connectionsPerDyno: 6, extraPerDyno: 0})
    expect(r.total).toBe(13)
  })

  it('GUNICORN_CMD_ARGS="--preload" with create_all in the create_app() the wsgi module calls: 2 × 1 + 1 = 3', () => {
    const r = plan('factory', ['web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, extraPerDyno: 1})
    expect(JSON.stringify(r.type('web').extras)).toContain('GUNICORN_CMD_ARGS')
  })
})
