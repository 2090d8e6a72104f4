/**
 * APScheduler jobs that may run several times at once (test/fixtures/apscheduler-max-instances; the shape of
 * pass-culture/pass-culture-api's algolia_clock.py, one job with max_instances=4). Each run of a job is a thread of
 * the default executor's pool of 10 (apscheduler/executors/pool.py), and a job runs at most max_instances times at
 * once: its add_job/scheduled_job keyword, else the scheduler's job_defaults, else 1
 * (https://apscheduler.readthedocs.io/en/3.x/userguide.html#limiting-the-number-of-concurrently-executing-instances-of-a-job).
 * db.py: create_engine(pool_size=12, max_overflow=0) = 12.
 * - clock.py: scheduled_job max_instances=2, add_job max_instances=4, add_job (1): 2 + 4 + 1 = 7 (was 3, one per job).
 * - defaults_clock.py: job_defaults max_instances 3, one job of its own max_instances=1: 3 + 1 = 4 (was 2).
 * - many_clock.py: three jobs of max_instances=5 = 15, over the pool of 10: 10 (was 3).
 * Total 7 + 4 + 10 = 21.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('apscheduler-max-instances'), ['--plan', 'standard-0', '--scale', 'clock=1', 'defaults=1', 'many=1'])

describe('APScheduler: each job counts its max_instances, up to the pool of 10', () => {
  it('max_instances on add_job and scheduled_job: 2 + 4 + 1 = 7 threads', () => {
    const r = plan()
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 7, poolPerProcess: 12, threadsPerProcess: 7})
    expect(r.type('clock').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('7 runs at most at once')}))
  })

  it("the scheduler's job_defaults max_instances 3, one job's own 1: 3 + 1 = 4", () => {
    expect(plan().type('defaults')).toMatchObject({connectionsPerDyno: 4, threadsPerProcess: 4})
  })

  it('15 runs at once by max_instances, over the pool of 10: 10; total 21', () => {
    const r = plan()
    expect(r.type('many')).toMatchObject({connectionsPerDyno: 10, threadsPerProcess: 10})
    expect(r.total).toBe(21)
  })
})
