/**
 * database/sql opened with another database's driver name (test/fixtures/go-mysql-driver). sql.Open's first argument
 * names the driver ("Open opens a database specified by its database driver name", https://pkg.go.dev/database/sql#Open);
 * go-sql-driver/mysql registers "mysql", mattn/go-sqlite3 "sqlite3", lib/pq "postgres".
 * - web (bin/notes): sqlx.Open("mysql", DATABASE_URL) is the only pool: 0 PostgreSQL connections (before: 1* and an
 *   unbounded-pool warning, as if it were PostgreSQL).
 * - report (bin/report): a SQLite cache and sql.Open("postgres") with SetMaxOpenConns(3): the PostgreSQL pool is the
 *   one at main.go:19, 3 (the SQLite open is not taken for it).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Go pools opened with another database\'s driver', () => {
  const r = planJson(procfileOf('go-mysql-driver'), ['--scale', 'web=1', 'report=1'])

  it('sqlx.Open("mysql", …) alone: 0, said with the driver and its line, no unbounded-pool warning', () => {
    expect(r.type('web')).toMatchObject({connections: 0})
    expect(r.type('web').sources.threadsPerProcess.via?.[0]?.what).toContain('the only database it opens is another one: sqlx with the driver "mysql" at main.go:12')
    expect(r.diagnostics.filter((d) => d.processType === 'web')).toEqual([])
  })

  it('a SQLite open beside sql.Open("postgres"): the PostgreSQL pool, 3, named at its own line', () => {
    expect(r.type('report')).toMatchObject({connections: 3})
    expect(r.type('report').databases).toEqual(['database/sql cmd/report/main.go:19'])
    expect(r.total).toBe(3)
  })
})
