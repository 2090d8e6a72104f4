import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Shapes found in the real-app corpus (session 11), each in a fixture of our own. Plan standard-0, one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('a Gemfile.lock with no database driver (codeforamerica/ohana-web-search: railties only, calls an HTTP API)', () => {
  it('counts 0 for every type and says so once, naming the lock file', () => {
    // Gemfile.lock specs: actionpack, activesupport, connection_pool, faraday, puma, rack, railties, redis-client,
    // sidekiq — no pg, no mysql2/sqlite3/trilogy. ActiveRecord's PostgreSQL adapter needs the pg gem, so nothing can
    // connect: web puma 1 × 0 = 0 (was min(ActiveRecord default 5, threads 5) = 5), worker sidekiq 0 (was 4); total 0.
    const r = plan('rails-no-db-driver', ['--scale', 'web=1,worker=1'])
    expect(r.type('web').connections).toBe(0)
    expect(r.type('worker').connections).toBe(0)
    expect(r.total).toBe(0)
    const said = r.diagnostics.filter((d) => d.code === 'not-postgresql')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'Gemfile.lock', line: 3, severity: 'info'})
    expect(said[0].message).toContain('Gemfile.lock lists no database driver')
    expect(r.exit).toBe(0)
  })

  it('an app with no Gemfile.lock is counted as its files say (database.yml adapter postgresql)', () => {
    // No lock: the driver is unknown, database.yml says postgresql; puma threads 5, pool RAILS_MAX_THREADS‖5 → 1 × min(5, 5) = 5.
    const r = plan('rails-no-lock', ['--scale', 'web=1'])
    expect(r.type('web').connections).toBe(5)
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('another database\'s driver alone (mysql2) is said in the plain output too', () => {
    // rails-mysql2: Gemfile.lock:5 mysql2, no pg → 0 (the number was already right; now one info line says why).
    const r = plan('rails-mysql2', ['--scale', 'web=1,worker=1'])
    expect(r.total).toBe(0)
    const said = r.diagnostics.filter((d) => d.code === 'not-postgresql')
    expect(said).toHaveLength(1)
    expect(said[0]).toMatchObject({file: 'Gemfile.lock', line: 5})
    expect(said[0].message).toContain('Gemfile.lock lists mysql2 and no PostgreSQL driver (pg)')
  })
})
