/**
 * A database.yml entry whose url an ERB method of the file computes (fixture database-yml-url-method:
 * `analytics_url = ENV["ANALYTICS_DATABASE_URL"] || suffixed_database_url("_analytics")`, DATABASE_URL with a suffixed
 * database name; 0din-ai/ai-scanner's queue, cache and cable entries: 3 counted, 13 by hand, no star). Before, such an
 * entry was put on an unknown server and left out of the total, as one read from an env var with no value is (a second
 * add-on's). An expression conncalc cannot evaluate names no such var: it is now counted on the plan's server, starred,
 * with a warning at its line.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a database.yml url an ERB method computes', () => {
  const r = planJson(procfileOf('database-yml-url-method'), ['--plan', 'standard-0'])

  it('counts the analytics entry on the plan, starred: puma 4 threads × (primary min(6, 4) + analytics min(6, 4)) = 8', () => {
    expect(r.total).toBe(8)
    expect(r.type('web')).toMatchObject({connections: 8, poolPerProcess: 12, threadsPerProcess: 4})
    const analytics = JSON.stringify(r.type('web').sources['pool.analytics'])
    expect(analytics).toContain("the analytics entry's url (config/database.yml:24) is `analytics_url`, which conncalc cannot evaluate")
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'config/database.yml', line: 24, severity: 'warning'}))
    expect(r.codes).not.toContain('other-server-pools')
  })
})
