/**
 * Tortoise ORM made twice under one connection name (test/fixtures/fastapi-tortoise-reinit): register_tortoise for the
 * app with config connections "default" and "reports", and Tortoise.init(db_url=…) (connection "default") in a
 * schema function (testdrivenio/fastapi-tdd-docker's app/db.py), which the app's startup hook calls as well as the
 * module's `__main__` block (a call only from there would not run in the web process). Tortoise keeps one client per connection name in a
 * process (tortoise/connection.py ConnectionHandler), so "default" is one pool of 5, beside "reports" (5): 10 per
 * process on the event loop, not 15. gunicorn --workers 2 (UvicornWorker): 20.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('a Tortoise connection name made twice is one pool (test/fixtures/fastapi-tortoise-reinit)', () => {
  const r = planJson(`${fixture('fastapi-tortoise-reinit')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])

  it('counts default once and reports once: 10 per process, 20 in the dyno', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 20, poolPerProcess: 10, processesPerDyno: 2})
    expect(r.total).toBe(20)
  })

  it('says where the name is made twice', () => {
    const why = JSON.stringify(r.type('web').sources)
    expect(why).toContain('Tortoise ORM\'s connection \\"default\\" is made at app/db.py:18 and at app/db.py:22')
  })
})
