/**
 * Django's OPTIONS "pool" (test/fixtures/django-pool-lazy, min_size 3, max_size 6) is made by DatabaseWrapper's `pool`
 * property on the process's first connection (django/db/backends/postgresql/base.py, get_new_connection), which then
 * opens min_size: a process that never connects opens none. celery beat on its default PersistentScheduler keeps the
 * schedule in a shelve file and never queries: 0 (was 3, the min_size counted as open at start). With django-celery-beat's
 * DatabaseScheduler (`-S django`) it connects, and the pool's 3 open. The fecgov/fecfile-web-api shape.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('django-pool-lazy'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'beat=1:standard-1x', 'beatdb=1:standard-1x'])

describe('a Django pool opens on the first connection', () => {
  const r = plan()

  it('web: each of the 2 gunicorn workers connects, and the pool opens min_size 3: 6', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, connectionsPerProcess: 3})
  })

  it('beat on the PersistentScheduler never connects: 0, the pool\'s min_size not opened', () => {
    expect(r.type('beat')).toMatchObject({connectionsPerDyno: 0, connectionsPerProcess: 0})
    expect(JSON.stringify(r.type('beat').sources)).toContain("on the process's first connection")
    expect(r.diagnostics.some((d) => d.code === 'oversized-pool' && d.processType === 'beat')).toBe(false)
  })

  it('beat on the DatabaseScheduler connects: its pool opens 3', () => {
    expect(r.type('beatdb')).toMatchObject({connectionsPerDyno: 3})
    expect(r.total).toBe(9)
  })
})
