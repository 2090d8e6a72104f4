/**
 * huey's own consumer CLI (test/fixtures/huey-consumer-cli), huey@2.5.2 huey/bin/huey_consumer.py and
 * huey/consumer_options.py: options from the command line only, workers 1 and worker_type thread by default.
 * The Huey instance is tasks.huey; tasks.py imports models.py, whose module statement
 * `Base.metadata.create_all(bind=engine)` (models.py:12) opens a connection at import. The engine's pool is
 * pool_size 3 + max_overflow 2 = 5 (db.py:6). huey 3.x adds `-M/--max-tasks COUNT` (huey@3.3.0 consumer_options.py).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const types = ['web', 'consumer', 'consumer_procs', 'consumer_default', 'consumer_huey3']
const plan = () => planJson(procfileOf('huey-consumer-cli'), ['--plan', 'standard-0', '--scale', ...types.map((t) => `${t}=1`)])

describe('huey_consumer', () => {
  const r = plan()

  it('-w 4 thread workers: one process, min(pool 5, 4 threads) = 4 (was an unknown command, 1*)', () => {
    expect(r.type('consumer')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 1, server: 'huey', threadsPerProcess: 4})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('--workers 3 -k process: 3 processes × 1 + the consumer main process that imported the app (create_all) 1 = 4', () => {
    expect(r.type('consumer_procs')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 3, threadsPerProcess: 1})
    expect(r.type('consumer_procs').extras.find((e) => e.kind === 'import-connection')?.source.source).toEqual({file: 'models.py', kind: 'file', line: 12})
  })

  it('no -w (a -v before the path): huey defaults, 1 thread worker = 1', () => {
    expect(r.type('consumer_default')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
  })

  it("huey 3's -M 500 before the path takes its value: the Huey path is tasks.huey, so -k process -w 2 is 2 × 1 + the main process's import connection 1 = 3 (2 when '500' was taken for the path); total 2 + 4 + 4 + 1 + 3 = 14", () => {
    expect(r.type('consumer_huey3')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 2})
    expect(r.total).toBe(14)
  })
})
