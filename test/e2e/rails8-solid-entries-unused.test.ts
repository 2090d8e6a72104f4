/**
 * Rails 8's production database.yml defines `cache`, `queue` and `cable` beside the primary. ActiveRecord connects
 * ActiveRecord::Base to the primary only; another entry's pool is opened by the class that `connects_to` it and connects
 * on checkout (rails/rails v8.0.2 connection_pool.rb). So an entry whose engine the app does not use holds nothing:
 * hackclub/stardance caches in Redis (`config.cache_store = :redis_cache_store, {…}`) and runs Action Cable on Redis,
 * so its `cache` and `cable` entries were counted for nothing (web 9 for a real 3).
 *
 * Fixture rails8-solid-entries-unused: every entry on DATABASE_URL with pool 5; Puma 3 threads; cache.yml names `cache`
 * but the store is Redis; cable.yml's adapter is redis (no connects_to); Active Job's adapter is Sidekiq, though
 * `config.solid_queue.connects_to` names `queue`. By hand: web min(5, 3) = 3 (primary only), worker `sidekiq -c 5`
 * min(5, 5) = 5: total 8 (before: 4 entries each, 12 + 20 = 32). The ceiling keeps the idle pools (a gem's class could
 * still connect). With the store on Solid Cache and Active Job on Solid Queue, those two entries count again:
 * web 3 + 3 + 3 = 9, worker 5 + 5 + 5 = 15.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails8-solid-entries-unused')
const args = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']

describe('Rails 8 database entries whose Solid engine the app does not use', () => {
  it('are left out of the count (said, ceiling only); the primary counts', () => {
    const r = planJson(procfileOf('rails8-solid-entries-unused'), args)
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 3, connectionsPerProcess: 3})
    expect(r.type('worker')).toMatchObject({connections: 5})
    expect(r.total).toBe(8)
    const web = JSON.stringify(r.type('web'))
    expect(web).toContain("config/cache.yml's production `database` names it, but the cache store is :redis_cache_store")
    expect(web).toContain("`config.solid_queue.connects_to` names it (config/environments/production.rb:13), but Active Job's adapter is :sidekiq")
    expect(web).toContain("config/cable.yml's production adapter is redis")
    // The ceiling still has room for them: 3 idle pools of 5 beside the primary's 5.
    expect(r.type('web').ceiling).toBe(20)
  })

  it('count again when the app uses Solid Cache and Solid Queue', () => {
    const production = readFileSync(join(procfileOf('rails8-solid-entries-unused'), '..', 'config/environments/production.rb'), 'utf8')
      .replace(/config\.cache_store = [\s\S]*?\} \}\n/, 'config.cache_store = :solid_cache_store\n')
      .replace(':sidekiq', ':solid_queue')
    const r = planJson(join(app({'config/environments/production.rb': production}), 'Procfile'), args)
    expect(r.type('web').connections).toBe(9)
    expect(r.type('worker').connections).toBe(15)
  })
})
