import {describe, expect, it} from 'vitest'

import {planFixture} from './helpers.js'

describe('threads a Python job server\'s imports start (Celery, dramatiq)', () => {
  // One engine, QueuePool 5 + 0 (jobs/db.py). The numbers, worked by hand:
  // web: gunicorn 2 workers × 1 thread; jobs/web.py:17 starts a thread per request (touch_later) → the pool bounds it,
  //   5 − 1 = 4 counted: min(5, 1 + 4) = 5 per worker, 10 per dyno. The heartbeat in jobs/health.py is not imported by web.
  // worker: celery prefork -c 3. jobs/worker.py imports jobs.health, whose module-level Thread runs in Celery's main
  //   process (it imports the app before billiard forks; the thread is not in the children): +1 per dyno outside the
  //   children's pools. The thread export() starts per job runs in the children: 5 − 1 = 4 counted, min(5, 1 + 4) = 5 each.
  //   jobs/web.py's per-request thread never runs in a worker. 3 × 5 + 1 = 16.
  // actors: dramatiq -p 2 -t 4, each worker process imports jobs.actors and runs its Timer: min(5, 4 + 1) = 5, × 2 = 10.
  it('counts Celery\'s import-time thread once per dyno, job threads per child, dramatiq\'s per process', async () => {
    const r = await planFixture('python-worker-threads')
    const worker = r.type('worker')
    expect(worker.extras.map((x) => [x.kind, x.count, x.per, x.inPool])).toEqual([['app-threads', 4, 'process', true], ['app-threads', 1, 'dyno', false]])
    expect([worker.connectionsPerProcess, worker.connectionsPerDyno]).toEqual([5, 16])
    expect(r.type('web').connectionsPerDyno).toBe(10)
    expect(r.type('actors').extras.map((x) => [x.count, x.per])).toEqual([[1, 'process']])
    expect(r.type('actors').connectionsPerDyno).toBe(10)
    expect(r.json.total).toBe(10 + 16 + 10)
    const said = r.diagnostics.filter((d) => d.code === 'unknown-command').map((d) => [d.processType, d.file, d.line])
    expect(said).toEqual(expect.arrayContaining([['worker', 'jobs/health.py', 14], ['worker', 'jobs/worker.py', 16], ['actors', 'jobs/actors.py', 16], ['web', 'jobs/web.py', 17]]))
    expect(r.diagnostics.some((d) => d.processType === 'worker' && d.message.includes('jobs/web.py:17'))).toBe(false)
  })
})
