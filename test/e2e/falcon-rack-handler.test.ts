/**
 * `rails server` and `rackup` in an app whose bundle has falcon and no puma (fixture rails-falcon-rack-handler: rack 3.1,
 * rackup 2.2, falcon 0.48): Rackup's handler list (puma, falcon, webrick) picks falcon, and Falcon's Rack handler
 * (falcon lib/falcon/rackup/handler.rb) runs one Falcon::Server in one Sync reactor: one process. Rails' default
 * isolation_level :thread → the reactor's fibers share that thread's one connection: 1 per process. Before: both
 * were unknown commands (1*, with a warning).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Falcon picked by Rack (fixture rails-falcon-rack-handler)', () => {
  const r = planJson(procfileOf('rails-falcon-rack-handler'), ['--limit', '20'])

  it('rails server and rackup run falcon: 1 process × 1 connection, no unknown-command', () => {
    for (const type of ['web', 'api']) {
      expect(r.type(type)).toMatchObject({connections: 1, processesPerDyno: 1, server: 'falcon', threadsPerProcess: 1})
      expect(r.type(type).sources.processesPerDyno.source).toMatchObject({kind: 'default', what: expect.stringContaining('Rack handler')})
    }

    expect(r.codes).not.toContain('unknown-command')
  })

  it('with isolation_level :fiber (fixture rails-falcon-rack-handler-fiber) each request fiber leases its own connection: the pool, 8', () => {
    const fiber = planJson(procfileOf('rails-falcon-rack-handler-fiber'), ['--limit', '20'])
    expect(fiber.type('web')).toMatchObject({connections: 8, processesPerDyno: 1, server: 'falcon'})
  })
})
