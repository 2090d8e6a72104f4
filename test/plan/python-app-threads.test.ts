import {describe, expect, it} from 'vitest'

import {Chalk} from 'chalk'
import {renderTable} from '../../src/render/table.js'
import {planFixture} from './helpers.js'

const explain = (r: Awaited<ReturnType<typeof planFixture>>) => renderTable(r.report, {chalk: new Chalk({level: 0}), explain: true, procfile: 'Procfile'})

describe('threads a Python web app starts in every worker process', () => {
  // shop/wsgi.py builds the app at import: Ticker.every starts a threading.Thread (shop/ticker.py:18) and a
  // Reaper (a threading.Thread subclass) is started (shop/wsgi.py:18); the Thread under `if __name__ == "__main__":`
  // never runs in gunicorn. Each gunicorn worker imports the app, so each has 4 request threads + 2 of its own, all
  // from the engine's pool of 10 (pool_size=10, max_overflow=0): min(10, 4 + 2) = 6 per worker, 3 workers = 18.
  it('counts each start site as one connection per process, starred, with the file:line', async () => {
    const r = await planFixture('python-app-threads')
    const web = r.type('web')
    expect(web.extras.map((x) => [x.kind, x.count, x.per, x.inPool])).toEqual([['app-threads', 2, 'process', true]])
    expect([web.processesPerDyno, web.threadsPerProcess, web.connectionsPerProcess, web.connectionsPerDyno]).toEqual([3, 4, 6, 18])
    expect(web.extras[0].source.source).toMatchObject({kind: 'assumed'})
    const warning = r.diagnostics.find((d) => d.code === 'unknown-command')
    expect(warning).toMatchObject({file: 'shop/wsgi.py', line: 18, processType: 'web', severity: 'warning'})
    expect(warning?.message).toContain('threading.Thread at shop/ticker.py:18')
    expect(warning?.message).not.toContain('wsgi.py:25')
    expect(warning?.fix).toContain('--assume web.extras=N')
    expect(explain(r)).toMatch(/web +gunicorn +1\* +3 +4 +10 +2\* +6 +18 +18/)
  })

  it('--assume web.extras=1 replaces the assumption: min(10, 4 + 1) = 5 per worker, 15 per dyno', async () => {
    const r = await planFixture('python-app-threads', {assume: ['web.extras=1']})
    const web = r.type('web')
    expect([web.connectionsPerProcess, web.connectionsPerDyno]).toEqual([5, 15])
  })
})
