/**
 * Solid Queue and Solid Cache told to use databases config/database.yml does not define for the environment
 * (production.rb `config.solid_queue.connects_to = {database: {writing: :queue}}`, cache.yml `database: cache`;
 * fixture rails-solid-engines-missing-databases): SolidQueue::Record and SolidCache::Record call connects_to when they
 * load, and ActiveRecord raises AdapterNotSpecified (database_configurations.rb resolve_symbol_connection). Production
 * eager-loads (production.rb:5), so every process that boots the app exits at boot: the web server, Solid Queue's
 * bin/jobs, `rails runner`. Rake does not eager-load (rake_eager_load false), so `rails db:prepare` is not told this.
 * Each is said on the line that names the database, its processes counted as if they booted, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Solid Queue / Solid Cache on databases database.yml lacks (fixture rails-solid-engines-missing-databases)', () => {
  const r = planJson(procfileOf('rails-solid-engines-missing-databases'), ['--limit', '40'])
  const said = r.diagnostics.filter((d) => d.code === 'missing-config')
  const at = (type: string) => said.filter((d) => d.processType === type).map((d) => `${d.file}:${d.line}`).sort()

  it('web, jobs and the rails runner are each told of both: production.rb:12 (queue) and cache.yml:10 (cache)', () => {
    for (const type of ['web', 'jobs', 'poller']) expect(at(type)).toEqual(['config/cache.yml:10', 'config/environments/production.rb:12'])
    const queue = said.find((d) => d.processType === 'web' && d.file === 'config/environments/production.rb')!
    expect(queue.message).toContain("`config.solid_queue.connects_to` names the `queue` database, which config/database.yml does not define for production")
    expect(queue.message).toContain('AdapterNotSpecified')
    expect(queue.severity).toBe('warning')
    const cache = said.find((d) => d.processType === 'jobs' && d.file === 'config/cache.yml')!
    expect(cache.message).toContain('`database` names the `cache` database')
    expect(r.exit).toBe(0)
  })

  it('rails db:prepare (rake: no eager load) boots, and is not told', () => {
    expect(at('migrate')).toEqual([])
  })

  it('counted as if they booted, the processes starred: web 3, runner 1, jobs 4 + 5', () => {
    // puma.rb threads 3, pool 5 → 3; rails runner 1; bin/jobs: one worker of 2 threads + 2 (polling, heartbeat) = 4,
    // dispatcher 3 + supervisor 2 beside it = 9; migrate: db:prepare 1 + the Migrator's advisory-lock connection 1 = 2.
    expect(r.type('web')).toMatchObject({connections: 3})
    expect(r.type('jobs')).toMatchObject({connections: 9})
    expect(r.type('poller')).toMatchObject({connections: 1})
    expect(r.type('migrate')).toMatchObject({connections: 2})
    for (const type of ['web', 'jobs', 'poller']) {
      expect(r.type(type).sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('would raise AdapterNotSpecified at boot')}))
    }

    expect(JSON.stringify(r.type('migrate').sources.processesPerDyno)).not.toContain('AdapterNotSpecified')
    expect(r.total).toBe(15)
  })

  it('an app whose database.yml defines queue, cache and cable (fixture rails-8-solid-queue) is not told this', () => {
    const ok = planJson(procfileOf('rails-8-solid-queue'), ['--limit', '50'])
    expect(ok.diagnostics.filter((d) => d.code === 'missing-config')).toEqual([])
  })
})
