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
 *
 * The same with a host the file gives a value (`host: <%= ENV.fetch("DB_HOST", "db-proxy") %>`, Budgetlab/anaco's
 * Kamal deploy: `queue: <<: *production_connection` on its Cloud SQL proxy host) run from a Dockerfile
 * (`CMD ["./bin/rails", "server"]`), where nothing sets DATABASE_URL unless its env does: the primary connects to
 * db-proxy and so does every entry on its lines, 13, starred (before: 3, the others "on another server", said in
 * --explain only). On a buildpack dyno (the Procfile) DATABASE_URL is always set and merged into the primary only, so
 * the others stay on db-proxy, another server: 3, as before. With DATABASE_URL given on another host the same holds in
 * the image; on db-proxy itself, 13 unstarred.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-8-solid-queue')
const databaseYml = (queueHost: string, host = '<%= ENV["DB_HOST"] %>'): string => `default: &default
  adapter: postgresql
  encoding: unicode
  max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>

production:
  primary: &primary_production
    <<: *default
    host: ${host}
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

  const dockerfile = 'FROM ruby:3.4-slim\nWORKDIR /rails\nCOPY . .\nCMD ["./bin/rails", "server"]\n'
  const withValue = databaseYml('', '<%= ENV.fetch("DB_HOST", "db-proxy") %>')

  it('in an image, are on the primary\'s server when they inherit a host with a value and DATABASE_URL has none, starred', () => {
    const dir = app({'Dockerfile': dockerfile, 'config/database.yml': withValue})
    const r = planJson(join(dir, 'Dockerfile'), ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(13)
    const queue = r.type('web').sources['pool.queue']
    expect(queue.via?.at(-1)).toMatchObject({kind: 'assumed'})
    expect(JSON.stringify(queue.via?.at(-1))).toContain("the queue entry's host at config/database.yml:9 is the primary entry's own (host db-proxy:5432, and DATABASE_URL has no value here)")
    expect(r.codes).not.toContain('other-server-pools')
  })

  it('follow DATABASE_URL\'s host when it has one, and on a buildpack dyno, where the platform sets it: the primary moves, the others stay', () => {
    const dir = app({'Dockerfile': dockerfile, 'config/database.yml': withValue})
    const elsewhere = planJson(join(dir, 'Dockerfile'), ['--scale', 'web=1', '--env', 'DATABASE_URL=postgres://u:p@pg.example.com:5432/harbor'])
    expect(elsewhere.type('web').connectionsPerDyno).toBe(3)
    expect(elsewhere.type('web').sources['pool.queue']).toBeUndefined()
    const same = planJson(join(dir, 'Dockerfile'), ['--scale', 'web=1', '--env', 'DATABASE_URL=postgres://u:p@db-proxy:5432/harbor'])
    expect(same.type('web').connectionsPerDyno).toBe(13)
    expect(same.type('web').sources['pool.queue'].via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    const dyno = planJson(join(dir, 'Procfile'), ['--scale', 'web=1,jobs=0'])
    expect(dyno.type('web').connectionsPerDyno).toBe(3)
    expect(dyno.type('web').sources['pool.queue']).toBeUndefined()
  })
})
