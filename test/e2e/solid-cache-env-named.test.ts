/**
 * Solid Cache told to use the environment by its name (config/cache.yml production `database: production`,
 * ministryofjustice/laa-submit-crime-forms and laa-assess-crime-forms) in an app whose database.yml has one flat
 * production config. ActiveRecord resolves a symbol through DatabaseConfigurations#find_db_config, whose first pass
 * takes a config of the current environment whose env_name *or* name is the one asked for
 * (`db_config.for_current_env? && (db_config.env_name == env || db_config.name == env)`, rails/rails
 * activerecord/lib/active_record/database_configurations.rb): `production` is the production environment's first
 * config, the primary. So the app boots (conncalc said AdapterNotSpecified, "the process exits", and starred it), and
 * SolidCache::Record — which calls `connects_to` because Configuration#set_connects_to turns `database: x` into the
 * shard `x` (solid_cache lib/solid_cache/configuration.rb) — has a pool of its own on that config: ConnectionHandler
 * keeps a pool per owner (connection_handler.rb), beside ActiveRecord::Base's.
 *
 * Fixture rails-solid-cache-env-named: pool RAILS_MAX_THREADS → 5; Puma single mode, 5 threads; sessions in the cache
 * store (every request reads it); `sidekiq -c 3`. By hand:
 * - web: ActiveRecord::Base min(5, 5) + SolidCache::Record min(5, 5) = 10;
 * - worker: min(5, 3) + min(5, 3) = 6 (a job may read the cache as a request does); total 16 (was 5* + 3* = 8*).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const fixture = 'rails-solid-cache-env-named'
const {app} = tempApps(fixture)
const procfile = procfileOf(fixture)
const args = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']
const cacheYml = readFileSync(join(procfile, '..', 'config/cache.yml'), 'utf8')

describe('Solid Cache on `database: production` (the environment, resolved to its primary config)', () => {
  it('boots, unstarred, with SolidCache::Record a pool of its own on the primary config: web 10, worker 6', () => {
    const r = planJson(procfile, args)
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 10, connectionsPerProcess: 10})
    expect(r.type('worker')).toMatchObject({connections: 6, connectionsPerProcess: 6})
    expect(r.total).toBe(16)
    for (const type of ['web', 'worker']) expect(r.type(type).sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    const said = r.diagnostics.filter((d) => d.file === 'config/cache.yml')
    expect(said.map((d) => d.severity)).toEqual(['info', 'info'])
    expect(said[0].message).toContain('names `production`, the environment itself')
    expect(JSON.stringify(r.diagnostics)).not.toContain('AdapterNotSpecified')
    expect(JSON.stringify(r.type('web'))).toContain('SolidCache::Record connects to `production`, the environment')
  })

  it('the same for `database: primary`, the entry by its name', () => {
    const r = planJson(join(app({'config/cache.yml': cacheYml.replace('database: production', 'database: primary')}), 'Procfile'), args)
    expect(r.type('web').connections).toBe(10)
    expect(r.total).toBe(16)
  })

  it('no pool of its own while the cache store is another one', () => {
    const production = readFileSync(join(procfile, '..', 'config/environments/production.rb'), 'utf8').replace(':solid_cache_store', ':memory_store')
    const r = planJson(join(app({'config/environments/production.rb': production}), 'Procfile'), args)
    expect(r.type('web').connections).toBe(5)
    expect(r.type('worker').connections).toBe(3)
    expect(r.total).toBe(8)
  })

  it('a name that is neither the environment nor an entry still says the process exits', () => {
    const r = planJson(join(app({'config/cache.yml': cacheYml.replace('database: production', 'database: cache')}), 'Procfile'), args)
    const said = r.diagnostics.filter((d) => d.file === 'config/cache.yml' && d.processType === 'web')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({severity: 'warning'})
    expect(said[0].message).toContain('AdapterNotSpecified')
    expect(r.type('web').connections).toBe(5)
  })
})
