/**
 * Pitchfork (Shopify's fork of Unicorn: `bundle exec pitchfork -c config/pitchfork.rb`). Its Configurator DEFAULTS set
 * worker_processes 1 (lib/pitchfork/configurator.rb); workers are single-threaded ("No threads are used at all",
 * README) and forked from a mold that has loaded the app; `after_mold_fork` runs in the mold ("similar to a before_fork
 * callback found on other servers"), `after_worker_fork` in each worker (docs/CONFIGURATION.md). Before, the command was
 * one conncalc did not know: 1 process × 1 connection, starred.
 * The app (test/fixtures/rails-pitchfork): Rails 8.0, pool DB_POOL || 2, config/pitchfork.rb `worker_processes
 * Integer(ENV.fetch("WEB_CONCURRENCY", 4))`, disconnecting in after_mold_fork and reconnecting in after_worker_fork.
 * By hand: 4 workers × min(2, 1 thread) = 4; with WEB_CONCURRENCY=6, 6. A config with no worker_processes: 1 worker, 1.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-pitchfork')

describe('Pitchfork', () => {
  it('counts worker_processes from the -c file, one connection each, the mold disconnected', () => {
    const r = planJson(procfileOf('rails-pitchfork'), ['--scale', 'web=1'])
    const web = r.type('web')
    expect(web).toMatchObject({connectionsPerDyno: 4, connectionsPerProcess: 1, poolPerProcess: 2, processesPerDyno: 4, server: 'pitchfork', threadsPerProcess: 1})
    expect(web.sources.processesPerDyno.source).toEqual({file: 'config/pitchfork.rb', kind: 'file', line: 2})
    expect(web.extras).toEqual([])
    expect(r.codes).not.toContain('unknown-command')
    expect(planJson(procfileOf('rails-pitchfork'), ['--scale', 'web=1', '--env', 'WEB_CONCURRENCY=6']).type('web').connectionsPerDyno).toBe(6)
  })

  it('takes Pitchfork\'s default of 1 worker when the config sets none', () => {
    const dir = app({'config/pitchfork.rb': 'timeout 30\n'})
    const web = planJson(`${dir}/Procfile`, ['--scale', 'web=1']).type('web')
    expect(web).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1, server: 'pitchfork'})
    expect(web.sources.processesPerDyno.source).toMatchObject({kind: 'default', ref: expect.stringContaining('Shopify/pitchfork')})
  })
})
