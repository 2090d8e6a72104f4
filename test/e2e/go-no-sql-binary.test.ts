/**
 * A Go binary whose code imports no SQL package (test/fixtures/go-no-sql-binary). A Go program is its main package and
 * the packages it imports (https://go.dev/ref/spec#Import_declarations): notifier's in-module packages were all read and
 * reach only Redis, so it opens no PostgreSQL connection. reporter imports another module's `store` package, whose code
 * is not in the repository: not ruled out, counted 1* as before.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Go binaries that import no SQL package', () => {
  const r = planJson(procfileOf('go-no-sql-binary'), ['--scale', 'web=1', 'notifier=1', 'reporter=1'])

  it('count 0 for a binary whose whole in-module import graph reaches no database package', () => {
    // notifier: cmd/notifier + internal/queue (redigo only): 0 (before: 1*, with a warning about web's SetMaxOpenConns).
    expect(r.type('notifier')).toMatchObject({connections: 0})
    expect(r.type('notifier').sources.threadsPerProcess.via?.[0]?.what).toContain('none imports database/sql, a PostgreSQL driver or an ORM')
    expect(r.diagnostics.some((d) => d.processType === 'notifier')).toBe(false)
  })

  it('keep the sql.Open pool, and 1* for a binary reaching another module\'s store package', () => {
    expect(r.type('web')).toMatchObject({connections: 6})
    expect(r.type('reporter')).toMatchObject({connections: 1})
    expect(r.total).toBe(7)
  })
})
