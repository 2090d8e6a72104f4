/**
 * A Rails 8 database.yml whose production entries take their host from an env var conncalc has no value for, written once
 * on the primary entry and inherited by the others (`cable: <<: *primary_production`, as rubyforgood/homeward-tails and
 * rubyforgood/human-essentials write it). Wherever DB_HOST points, it points there for every entry that reads it on that
 * same line, so cable and queue are on the primary's server: counted on the plan, starred (DATABASE_URL, which ActiveRecord
 * merges into the primary only, could name another server than DB_HOST; database_configurations.rb). Before, they were
 * "on an unknown server" and left out of the total.
 *
 * Fixture rails-8-solid-queue (Rails 8.1, Puma 7.1 single mode, RAILS_MAX_THREADS unset: 3 threads; `max_connections:
 * RAILS_MAX_THREADS || 5`; Solid Cache as the cache store, Solid Queue on `queue`, Solid Cable on `cable`) with that
 * database.yml. By hand, web: min(5, 3) on primary, cache and queue + min(5, 3 + 1 Solid Cable listener) on cable = 13.
 * With the queue entry's own `host: <%= ENV["QUEUE_HOST"] %>` (another line, another var), queue's server stays unknown:
 * 3 + 3 + 4 = 10, warned.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-8-solid-queue')
const databaseYml = (queueHost: string): string => `default: &default
  adapter: postgresql
  encoding: unicode
  max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

production:
  primary: &primary_production
    <<: *default
    host: <%= ENV["DB_HOST"] %>
    database: harbor_production
  cache:
    <<: *primary_production
    database: harbor_production_cache
  queue:
    <<: *primary_production
    database: harbor_production_queue
${queueHost}  cable:
    <<: *primary_production
    database: harbor_production_cable
`

describe('database.yml entries that inherit the primary entry\'s host', () => {
  it('are on the primary\'s server, starred', () => {
    const dir = app({'config/database.yml': databaseYml('')})
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1,jobs=0'])
    expect(r.type('web').connectionsPerDyno).toBe(13)
    const cable = r.type('web').sources['pool.cable']
    expect(cable.via?.at(-1)).toMatchObject({kind: 'assumed'})
    expect(JSON.stringify(cable.via?.at(-1))).toContain("the cable entry's host at config/database.yml:9 is the primary entry's own (DB_HOST has no value here)")
    expect(r.codes).not.toContain('other-server-pools')
  })

  it('leaves an entry with a host line of its own on an unknown server', () => {
    const dir = app({'config/database.yml': databaseYml('    host: <%= ENV["QUEUE_HOST"] %>\n')})
    const r = planJson(join(dir, 'Procfile'), ['--scale', 'web=1,jobs=0'])
    expect(r.type('web').connectionsPerDyno).toBe(10)
    expect(r.codes).toContain('other-server-pools')
  })
})
