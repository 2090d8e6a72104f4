/**
 * Solid Cable told to use a database (cable.yml `connects_to: {database: {writing: cable}}`) that database.yml does not
 * define for the environment: SolidCable::Record calls connects_to when it loads — at boot, as production eager-loads —
 * and ActiveRecord raises AdapterNotSpecified (database_configurations.rb resolve_symbol_connection), so puma exits.
 * Said with missing-config on the connects_to line, the process counted as if it booted, the listener starred.
 */
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
