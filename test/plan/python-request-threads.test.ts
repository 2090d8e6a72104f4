import {describe, expect, it} from 'vitest'

import {planFixture} from './helpers.js'

describe('threads a Python web app starts per request or in a loop', () => {
  // web: reports/web.py starts a thread at import (line 20, once per process) and one in every POST to the
  // queue_report route (line 26, per request). The engine's QueuePool (pool_size 6 + max_overflow 2 = 8) blocks any
  // thread past 8, so the per-request threads can hold what the 3 request threads leave: 8 − 3 = 5 counted (≥ the
  // 1 of the once-site). Per process min(8, 3 + 5) = 8; 2 workers → 16.
  it('bounded by the pool: the pool is counted full, with the route named', async () => {
    const r = await planFixture('python-request-threads')
    const web = r.type('web')
    expect(web.extras.map((x) => [x.kind, x.count, x.inPool])).toEqual([['app-threads', 5, true]])
    expect([web.processesPerDyno, web.threadsPerProcess, web.connectionsPerProcess, web.connectionsPerDyno]).toEqual([2, 3, 8, 16])
    const said = r.diagnostics.filter((d) => d.processType === 'web').map((d) => d.code)
    expect(said).toContain('unknown-command')
    expect(said).not.toContain('unbounded-pool')
    expect(said).not.toContain('pool-below-threads')
    expect(said).not.toContain('oversized-pool')
    expect(r.diagnostics.find((d) => d.processType === 'web' && d.code === 'unknown-command')?.message).toContain('threading.Thread at reports/web.py:26 (per request, in queue_report)')
  })

  // news: Django without a pool (one connection per thread, CONN_MAX_AGE 0), newsroom/wsgi.py runs start_pollers(),
  // which starts a thread per feed in a `for` (feeds.py:18): nothing caps them. Counted 1 (starred, too few) outside
  // the per-thread "pool", and said to be unbounded: per process 1 + 1 = 2, 2 workers → 4. Total 16 + 4 = 20.
  it('no pool caps them: said unbounded, counted one per site outside the per-thread pool', async () => {
    const r = await planFixture('python-request-threads')
    const news = r.type('news')
    expect(news.extras.map((x) => [x.kind, x.count, x.inPool])).toEqual([['app-threads', 1, false]])
    expect([news.connectionsPerProcess, news.connectionsPerDyno]).toEqual([2, 4])
    const unbounded = r.diagnostics.find((d) => d.processType === 'news' && d.code === 'unbounded-pool')
    expect(unbounded).toMatchObject({file: 'newsroom/feeds.py', line: 18, severity: 'warning'})
    expect(unbounded?.message).toContain('(in a loop) starts a thread each time it runs')
    expect(r.diagnostics.some((d) => d.processType === 'news' && d.code === 'pool-below-threads')).toBe(false)
    expect(r.json.total).toBe(16 + 4)
  })
})
