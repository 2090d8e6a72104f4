/**
 * A YAML key written only from a variable (`pool: <%= ENV["DB_POOL"] %>`) with the variable unset: ERB writes
 * nothing, the key is nil and ActiveRecord uses its default pool (5). The app meant to set it, so the default is an
 * assumption and the variable is named (unresolved-env), as for `ENV.fetch("DB_POOL")`. The app: test/fixtures/
 * rake-loop-parent (Rails 7.1), web Puma 8 threads.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')
const yml = 'default: &default\n  adapter: postgresql\n  pool: <%= ENV["DB_POOL"] %>\n\nproduction:\n  <<: *default\n  url: <%= ENV["DATABASE_URL"] %>\n'
const plan = (env: string[] = []) =>
  planJson(`${app({'config/database.yml': yml, Procfile: 'web: bundle exec puma -t 8:8\n'})}/Procfile`, ['--scale', 'web=1', ...env.flatMap((e) => ['--env', e])])

describe('a YAML number from an unset variable', () => {
  it('DB_POOL unset: pool 5 (ActiveRecord default), assumed, with an unresolved-env warning at database.yml:3', () => {
    const p = plan()
    expect(p.type('web')).toMatchObject({connectionsPerDyno: 5, poolPerProcess: 5})
    expect(JSON.stringify(p.type('web').sources['pool.primary'])).toContain('"assumed"')
    expect(p.diagnostics.find((d) => d.code === 'unresolved-env')).toMatchObject({file: 'config/database.yml', line: 3})
  })

  it('DB_POOL=3: pool 3, no warning', () => {
    const p = plan(['DB_POOL=3'])
    expect(p.type('web')).toMatchObject({connectionsPerDyno: 3, poolPerProcess: 3})
    expect(p.codes).not.toContain('unresolved-env')
  })
})
