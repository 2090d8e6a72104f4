/**
 * Solid Cable told to use a database (cable.yml `connects_to: {database: {writing: cable}}`) that database.yml does not
 * define for the environment: SolidCable::Record calls connects_to when it loads — at boot, as production eager-loads —
 * and ActiveRecord raises AdapterNotSpecified (database_configurations.rb resolve_symbol_connection), so puma exits.
 * Said with missing-config on the connects_to line, the process counted as if it booted, the listener starred.
 */
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

describe('Solid Cable on a database database.yml lacks (fixture rails-solid-cable-missing-database)', () => {
  const r = planJson(procfileOf('rails-solid-cable-missing-database'), ['--limit', '20'])
  const said = r.diagnostics.filter((d) => d.code === 'missing-config')

  it('the missing `cable` database is said on cable.yml\'s connects_to line, a warning', () => {
    expect(said.map((d) => [d.processType, d.file, d.line])).toEqual([['web', 'config/cable.yml', 6]])
    expect(said[0].message).toContain('connects_to names the `cable` database, which config/database.yml does not define for production')
    expect(said[0].message).toContain('AdapterNotSpecified')
    expect(r.exit).toBe(0)
  })

  it('web counted as if it booted: min(pool 5, 4 threads + 1 listener) = 5, the listener an assumption', () => {
    // puma.rb: 4 threads; database.yml production pool 5; the Solid Cable listener takes 1 more from the pool.
    expect(r.type('web')).toMatchObject({connections: 5})
    const listener = r.type('web').extras.find((x) => x.kind === 'solid-cable')
    expect(listener?.source.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('Rails would raise at boot')}))
    expect(r.total).toBe(5)
  })

  it('an app whose database.yml defines the cable entry (fixture rails-8-solid-queue) is not told this', () => {
    const ok = planJson(procfileOf('rails-8-solid-queue'), ['--limit', '50'])
    expect(ok.diagnostics.filter((d) => d.code === 'missing-config')).toEqual([])
  })
})

// bastiondev/commcare-utils: cable.yml's production connects_to names `default`, which production lacks — but database.yml
// has a top-level `default: &default` block, and ActiveRecord builds an environment from every top-level key
// (DatabaseConfigurations#build_configs) and find_db_config falls back to the environment of that name, so
// resolve_symbol_connection finds it and nothing raises. Before, a false AdapterNotSpecified warning and a starred count.
describe('Solid Cable naming a top-level block of database.yml (`writing: default`)', () => {
  const temp = tempApps('rails-solid-cable-missing-database')
  const dir = temp.app({'config/cable.yml': 'production:\n  adapter: solid_cable\n  connects_to:\n    database:\n      writing: default\n'})
  const r = planJson(`${dir}/Procfile`, ['--limit', '20'])

  it('resolves to the `default` block: an info on the connects_to line, no AdapterNotSpecified warning', () => {
    const said = r.diagnostics.filter((d) => d.code === 'missing-config')
    expect(said.map((d) => [d.file, d.line, d.severity])).toEqual([['config/cable.yml', 3, 'info']])
    expect(said[0].message).toContain('takes the top-level `default` block (config/database.yml:1)')
    expect(said[0].message).not.toContain('AdapterNotSpecified')
  })

  it('the process boots: 5 connections, the listener not an assumption', () => {
    expect(r.type('web')).toMatchObject({connections: 5})
    const listener = r.type('web').extras.find((x) => x.kind === 'solid-cable')
    expect(JSON.stringify(listener?.source)).not.toContain('Rails would raise at boot')
    expect(r.exit).toBe(0)
  })
})

// Final-Furlong/final_furlong: no config/database.yml at all (only database.yml.ci, not a deploy template) while cable.yml
// names `cable`: with DATABASE_URL alone ActiveRecord's configurations hold the primary only, so the same
// AdapterNotSpecified at boot as the repository stands; the deploy presumably puts its own database.yml in place. Before,
// nothing was said (the check needed a database.yml to compare with) and the count was unstarred. With a template in the
// file's place (database.yml.example) the default pool is already starred and the template's entries are what a deploy
// copying it runs: not said.
describe('Solid Cable naming a database with no database.yml in the repository', () => {
  const temp = tempApps('rails-solid-cable-missing-database')
  const without = (extra: Record<string, string> = {}): string => {
    const dir = temp.app(extra)
    rmSync(join(dir, 'config/database.yml'))
    return dir
  }

  it('said on the connects_to line (nothing defines it), web counted as if it booted, starred: 5', () => {
    const r = planJson(join(without(), 'Procfile'), ['--limit', '20'])
    const said = r.diagnostics.filter((d) => d.code === 'missing-config' && d.file === 'config/cable.yml')
    expect(said.map((d) => [d.line, d.severity])).toEqual([[6, 'warning']])
    expect(said[0].message).toContain('names the `cable` database, which nothing defines: config/database.yml is not in the repository, and DATABASE_URL alone gives the primary only')
    // puma 4 threads, ActiveRecord's default pool 5 on DATABASE_URL, the listener 1 more: 5.
    expect(r.type('web')).toMatchObject({connections: 5})
    expect(JSON.stringify(r.type('web').sources)).toContain('Rails would raise AdapterNotSpecified at boot')
  })

  it('not said when a template stands in for the file', () => {
    const r = planJson(join(without({'config/database.yml.example': 'production:\n  adapter: postgresql\n  cable:\n    adapter: postgresql\n'}), 'Procfile'), ['--limit', '20'])
    expect(r.diagnostics.filter((d) => d.code === 'missing-config' && d.file === 'config/cable.yml')).toEqual([])
  })
})

// activerabbit-ai/activerabbit: cable.yml's production adapter is solid_cable, but the gem is not in Gemfile.lock (it uses
// Redis for everything else). Action Cable requires "action_cable/subscription_adapter/solid_cable" only when the server
// first broadcasts or subscribes, and raises then ("Could not load the 'solid_cable' Action Cable pubsub adapter ... added
// the necessary adapter gem to your Gemfile", actioncable/lib/action_cable/server/configuration.rb): no listener is ever
// made, and there is no SolidCable::Record to raise AdapterNotSpecified at boot. Before, the listener was counted, starred
// as "Rails would raise at boot".
describe('Solid Cable named in cable.yml without the gem in Gemfile.lock', () => {
  const temp = tempApps('rails-solid-cable-missing-database')
  const lock = 'GEM\n  remote: https://rubygems.org/\n  specs:\n    pg (1.5.9)\n    puma (6.6.0)\n    rails (8.0.2)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  pg\n  puma\n  rails (~> 8.0.2)\n'
  const r = planJson(`${temp.app({'Gemfile.lock': lock})}/Procfile`, ['--limit', '20'])

  it('counts no listener: web min(pool 5, 4 threads) = 4, nothing assumed', () => {
    expect(r.type('web')).toMatchObject({connections: 4})
    expect(r.type('web').extras.filter((x) => x.kind === 'solid-cable')).toEqual([])
    expect(JSON.stringify(r.type('web'))).not.toContain('Rails would raise at boot')
  })

  it('says the adapter cannot load, on cable.yml\'s adapter line, a warning', () => {
    const said = r.diagnostics.filter((d) => d.code === 'missing-config' && d.file === 'config/cable.yml')
    expect(said.map((d) => [d.processType, d.line, d.severity])).toEqual([['web', 5, 'warning']])
    expect(said[0].message).toContain('Gemfile.lock has no solid_cable gem: Action Cable raises "Could not load the \'solid_cable\' Action Cable pubsub adapter" on the first broadcast or subscription, and opens no listener')
  })
})
