/**
 * A Sequel database sized from Rails' own database.yml (pulibrary/figgy, valkyrie-sequel's README):
 * `c = Rails.configuration.database_configuration[Rails.env]` then `Sequel.connect(host: c["host"], database:
 * c["database"], …, max_connections: c["pool"])`. Rails::Application::Configuration#database_configuration is the
 * file after ERB and YAML (string keys, no DATABASE_URL merge, no defaults), so max_connections is the section's
 * `pool`; Sequel's threaded pool takes `Integer(opts[:max_connections] || 4)` (lib/sequel/connection_pool/threaded.rb).
 * The options are ActiveRecord's primary config: the same server, no assumption about the URL.
 *
 * Fixture rails-sequel-database-configuration: pool `Integer(ENV.fetch("DB_POOL", 12))` through `<<: *default`;
 * Puma single mode, 8 threads. By hand: ActiveRecord min(12, 8) + Sequel min(12, 8) = 16 (main: 8 + min(4*, 8) = 12*,
 * "cannot read the Sequel max_connections"); DB_POOL=6: min(6, 8) + min(6, 8) = 12; a three-tier production section
 * (`primary:` one level down) has no `pool` of its own, so nil → 4: 8 + 4 = 12; `c[:pool]` (a symbol key) is nil → 4.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const fixture = 'rails-sequel-database-configuration'
const {app} = tempApps(fixture)
const procfile = procfileOf(fixture)
const args = ['--plan', 'standard-0', '--scale', 'web=1']
/** Starred: an assumption at its head (isAssumption's rule, on the JSON report's sources). */
const starred = (s: {source: {kind: string}; via?: Array<{kind: string}>}): boolean => s.source.kind === 'assumed' || (s.via ?? []).some((x) => x.kind === 'assumed')
const initializer = readFileSync(join(procfile, '..', 'config/initializers/valkyrie.rb'), 'utf8')

describe('Sequel.connect(max_connections: database_configuration[Rails.env]["pool"])', () => {
  it("takes database.yml's pool, on the primary's server, unstarred: 16", () => {
    const r = planJson(procfile, args)
    expect(r.exit).toBe(0)
    const web = r.type('web')
    expect(web).toMatchObject({connections: 16, poolPerProcess: 24})
    expect(starred(web.sources['pool.sequel'])).toBe(false)
    expect(web.sources['pool.sequel'].source).toMatchObject({file: 'config/database.yml', kind: 'file', line: 4})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('follows the env the yml reads: DB_POOL=6 is min(6, 8) twice, 12', () => {
    const r = planJson(procfile, [...args, '--env', 'DB_POOL=6'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 12})
  })

  it("a three-tier section has no `pool` of its own: Sequel's default 4, said, not assumed: 12", () => {
    const yml = 'production:\n  primary:\n    adapter: postgresql\n    url: <%= ENV["DATABASE_URL"] %>\n    pool: 12\n'
    const r = planJson(join(app({'config/database.yml': yml}), 'Procfile'), args)
    const web = r.type('web')
    expect(web).toMatchObject({connections: 12, poolPerProcess: 16})
    expect(starred(web.sources['pool.sequel'])).toBe(false)
    expect(JSON.stringify(web.sources['pool.sequel'])).toContain('no `pool` key of its own')
  })

  it('a symbol key reads nil from the string-keyed hash: 4', () => {
    const r = planJson(join(app({'config/initializers/valkyrie.rb': initializer.replace('database_configuration["pool"]', 'database_configuration[:pool]')}), 'Procfile'), args)
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 16})
    expect(starred(r.type('web').sources['pool.sequel'])).toBe(false)
  })
})
