/**
 * create_all reached through two of the app's functions at import (fixtures import-connection-two-functions/*):
 * app/tasks.py calls create_app() at module level, create_app() calls init_db(app), init_db runs db.create_all().
 * The celery worker's main process imports the app before it forks its prefork children, and QueuePool keeps the
 * connection create_all checked out (import-connection.ts): +1 per dyno. Before, only a DDL in the function the
 * module-level statement calls was followed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`import-connection-two-functions/${v}`), ['--plan', 'standard-0', '--scale', 'worker=1'])

describe('create_all two functions deep from an import-time call', () => {
  it('create_app() → init_db() → create_all(): -c 2 children × 1 + the main process\'s 1 = 3 (was 2)', () => {
    const r = plan('direct')
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3, extraPerDyno: 1})
    expect(r.type('worker').extras).toContainEqual(expect.objectContaining({kind: 'import-connection', source: expect.objectContaining({source: expect.objectContaining({file: 'app/tasks.py', line: 5})})}))
  })

  it('init_db() only under an `if` create_app() cannot decide: not at every import, 2 × 1 = 2', () => {
    const r = plan('branch')
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 2, extraPerDyno: 0})
  })
})
