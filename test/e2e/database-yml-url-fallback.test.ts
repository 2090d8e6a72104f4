/**
 * A database.yml entry other than the primary whose url falls back to DATABASE_URL when the variable it reads first
 * has no value (`url: <%= ENV.fetch("POOLER_URL", ENV["DATABASE_URL"]) %>`, getlago/lago-api's events entry behind
 * DATABASE_PROXY_URL): with POOLER_URL unset it connects where DATABASE_URL points, the database being budgeted, as the
 * primary's own url written that way already was. Before, the entry was "on an unknown server (POOLER_URL has no
 * value)" and left out of the total. An entry that reads only POOLER_URL stays unknown, as before.
 *
 * Fixture rails-8-solid-queue (Rails 8.1, Puma 7.1 single mode, 3 threads; Solid Cache on `cache`, Solid Queue on
 * `queue`, Solid Cable on `cable`) with the database.yml below (max_connections 5). By hand, web: min(5, 3) on primary,
 * cache and queue + min(5, 3 + 1 Solid Cable listener) on cable = 13; with cache, queue and cable on POOLER_URL only:
 * the primary's 3.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-8-solid-queue')
const databaseYml = (url: string): string => `default: &default
  adapter: postgresql
  encoding: unicode
  max_connections: 5

production:
  primary:
    <<: *default
    url: <%= ENV["DATABASE_URL"] %>
  cache:
    <<: *default
    url: ${url}
  queue:
    <<: *default
    url: ${url}
  cable:
    <<: *default
    url: ${url}
`

describe('a database.yml url that falls back to DATABASE_URL', () => {
  it('ENV.fetch("POOLER_URL", ENV["DATABASE_URL"]) and ENV["POOLER_URL"] || ENV["DATABASE_URL"], POOLER_URL unset: on the plan', () => {
    for (const url of ['<%= ENV.fetch("POOLER_URL", ENV["DATABASE_URL"]) %>', '<%= ENV["POOLER_URL"] || ENV["DATABASE_URL"] %>']) {
      const r = planJson(join(app({'config/database.yml': databaseYml(url)}), 'Procfile'), ['--scale', 'web=1,jobs=0'])
      expect(r.type('web').connectionsPerDyno).toBe(13)
      expect(r.codes).not.toContain('other-server-pools')
    }
  })

  it('ENV["POOLER_URL"] alone: where it points is not known, left out and warned, as before', () => {
    const r = planJson(join(app({'config/database.yml': databaseYml('<%= ENV["POOLER_URL"] %>')}), 'Procfile'), ['--scale', 'web=1,jobs=0'])
    expect(r.type('web').connectionsPerDyno).toBe(3)
    expect(r.codes).toContain('other-server-pools')
  })
})
