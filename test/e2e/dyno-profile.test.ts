/**
 * The app's .profile.d/*.sh and .profile (fixture python-dyno-profile): a Heroku dyno's bash sources them after the
 * config vars are set and before the Procfile command (https://devcenter.heroku.com/articles/dynos#the-profile-file),
 * so what they export is over the config vars, unless written as a default (`${X:-6}`).
 * - web: `gunicorn shop:app`; .profile exports WEB_CONCURRENCY=3 (over the Python buildpack's 2 on standard-1x) and
 *   GUNICORN_CMD_ARGS="--threads 4"; .profile.d/pool.sh DB_POOL_SIZE=${DB_POOL_SIZE:-6}, the engine's pool_size:
 *   3 × min(6, 4) = 12 (without them: 2 × min(10, 1) = 2).
 * - worker: `python worker.py`, a ThreadPoolExecutor(max_workers=JOB_THREADS); .profile sets JOB_THREADS 8 or 2 by
 *   `[ "$DYNO_ROLE" = "batch" ]`, unset here: not known, so 1 thread is assumed (starred). With DYNO_ROLE=batch: 1 + 8 =
 *   9 threads, min(pool, 9).
 * With config vars WEB_CONCURRENCY=5 (replaced by .profile's plain export: still 3) and DB_POOL_SIZE=9 (kept by the
 * default): web 3 × min(9, 4) = 12, worker min(9, 9) = 9.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...env: string[]) => planJson(procfileOf('python-dyno-profile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--scale', 'worker=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('.profile and .profile.d/*.sh exports (fixture python-dyno-profile)', () => {
  it('are the process env over the config vars: web 3 × min(6, 4) = 12; a value set by an undecided branch is not known', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, processesPerDyno: 3, threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({from: '.profile:2', kind: 'env', name: 'WEB_CONCURRENCY'})
    expect(JSON.stringify(r.type('web').sources)).toContain('.profile.d/pool.sh:1')
    expect(r.type('worker')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed'})
    expect(r.total).toBe(13)
  })

  it('a plain export replaces a config var, a ${X:-default} keeps it, and the branch follows DYNO_ROLE', () => {
    const r = plan('DYNO_ROLE=batch', 'WEB_CONCURRENCY=5', 'DB_POOL_SIZE=9')
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 9, processesPerDyno: 3})
    expect(r.type('worker')).toMatchObject({connections: 9, poolPerProcess: 9, threadsPerProcess: 9})
    expect(r.total).toBe(21)
  })
})
