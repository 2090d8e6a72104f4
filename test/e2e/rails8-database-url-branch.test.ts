/**
 * Rails 8 apps that write the primary's url only when DATABASE_URL is set (`<% if ENV["DATABASE_URL"] %>` in
 * database.yml), with `cache`/`queue`/`cable` merging the primary's keys (dilolabs/nosia). Heroku Postgres sets
 * DATABASE_URL in every dyno, so that branch is the one that runs there, and the merged `url` puts every entry on
 * DATABASE_URL's server. conncalc read the condition with DATABASE_URL unset: the else branch, entries with no url,
 * "reaching no server", starred, and a total of 13* for a real 35.
 *
 * Fixture rails8-database-url-branch: pool 5; Puma 2 workers × 5 threads; Active Job on Solid Queue, which
 * `config.solid_queue.connects_to` puts on `queue`; cable.yml `enhanced_postgresql` (actioncable-enhanced-postgresql-
 * adapter, a subclass of Rails' PostgreSQL adapter that LISTENs on a connection outside the pool when no url is given:
 * lib/action_cable/subscription_adapter/enhanced_postgresql.rb) and a channel; no solid_cache or solid_cable gem, so
 * the `cache` and `cable` entries are the generator's, unused. By hand:
 * - web: per worker primary min(5, 5) + queue min(5, 5) (enqueueing) + LISTEN 1 = 11; × 2 = 22;
 * - worker (`rake solid_queue:start`, queue.yml 1 × 3 threads): the worker process primary min(5, 3) + queue
 *   min(5, 3 + 2 polling/heartbeat) = 8, the dispatcher 3 and the supervisor 2 on queue = 13; total 35.
 * Without `config.solid_queue.connects_to` (hackclub/summer-of-making), SolidQueue::Record never calls connects_to
 * (solid_queue app/models/solid_queue/record.rb: `connects_to_and_set_active_shard if SolidQueue.connects_to`), so
 * Solid Queue runs on the primary and the `queue` entry is unused too: web 2 × (5 + 1) = 12, worker min(5, 3 + 2)
 * + dispatcher 3 + supervisor 2 = 10; total 22.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails8-database-url-branch')
const procfile = procfileOf('rails8-database-url-branch')
const args = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']

describe('database.yml written for a set DATABASE_URL (`<% if ENV["DATABASE_URL"] %>`)', () => {
  it('reads the branch the platform takes: every entry on DATABASE_URL, unused ones ceiling only', () => {
    const r = planJson(procfile, args)
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 22, connectionsPerProcess: 11})
    expect(r.type('worker').connections).toBe(13)
    expect(r.total).toBe(35)
    expect(r.codes).not.toContain('database-url-missing')
    const web = JSON.stringify(r.type('web'))
    expect(web).toContain('solid_cache is not in Gemfile.lock')
    expect(web).toContain('solid_cable is not in Gemfile.lock')
    expect(web).toContain('the enhanced_postgresql adapter (a subclass of the PostgreSQL one) LISTENs on its own connection')
  })

  it('gives the same numbers when DATABASE_URL is given', () => {
    const r = planJson(procfile, [...args, '--env', 'DATABASE_URL=postgres://app@db.example.com:5432/app'])
    expect(r.type('web').connections).toBe(22)
    expect(r.total).toBe(35)
  })

  it('leaves the queue entry unused when config.solid_queue.connects_to is not set: Solid Queue is on the primary', () => {
    const production = readFileSync(join(procfile, '..', 'config/environments/production.rb'), 'utf8').replace(/^.*solid_queue\.connects_to.*\n/m, '')
    const r = planJson(join(app({'config/environments/production.rb': production}), 'Procfile'), args)
    expect(r.type('web')).toMatchObject({connections: 12, connectionsPerProcess: 6})
    expect(r.type('worker').connections).toBe(10)
    expect(r.total).toBe(22)
    expect(JSON.stringify(r.type('web'))).toContain('`config.solid_queue.connects_to` is not set, so Solid Queue uses the primary database')
  })
})
