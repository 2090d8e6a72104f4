import {describe, expect, it} from 'vitest'

import {planFixture} from './helpers.js'

describe('an APScheduler scheduler started only in an arm conncalc cannot decide', () => {
  // clock.py builds a BlockingScheduler (default executor: a thread pool of 10, apscheduler/executors/pool.py) with
  // one job in a decorator and one added in the `if SETTINGS["standalone"]` arm, where sched.start() also is; the else
  // arm runs nightly() once and exits. settings.json is data conncalc does not read, so which arm runs is not known:
  // if the scheduler starts, up to 10 job threads each open a connection (psycopg2.connect per job, no pool) → 10;
  // if not, the job runs on the main thread. 10 counted, starred, with the arm named.
  it('counts the pool of 10, as an assumption naming the if', async () => {
    const r = await planFixture('python-scheduler-started-if')
    const clock = r.type('clock')
    expect([clock.threadsPerProcess, clock.connectionsPerDyno]).toEqual([10, 10])
    expect(clock.sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('the scheduler is started only at clock.py:31, in an arm of `if SETTINGS["standalone"]` (clock.py:29)')}))
  })
})
