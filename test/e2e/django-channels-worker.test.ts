/**
 * Channels ≥ 2 `manage.py runworker` (test/fixtures/django-channels-worker, channels 4.1, asgiref 3.8.1):
 * a Worker consumes the named channels on one event loop (channels/worker.py), and its SyncConsumers'
 * handlers run through database_sync_to_async, thread-sensitive since asgiref 3.3; with no
 * ThreadSensitiveContext (Django's ASGIHandler makes one per HTTP request only) they all run on asgiref's
 * single_thread_executor (ThreadPoolExecutor(max_workers=1), asgiref/sync.py): one thread, one
 * connection per alias. So 1 process × 1 thread × 1 alias = 1.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Channels ≥ 2 runworker', () => {
  it('1 process × 1 thread (asgiref\'s single thread executor) = 1 connection, read from the pins, not an unknown command', () => {
    const r = planJson(procfileOf('django-channels-worker'), ['--plan', 'standard-0'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 1, poolPerProcess: 1, processesPerDyno: 1, server: 'channels-worker', threadsPerProcess: 1})
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: 'https://github.com/django/asgiref/blob/main/asgiref/sync.py'})
    expect(r.type('worker').sources.threadsPerProcess.via).toContainEqual({file: 'requirements.txt', kind: 'file', line: 5})
    expect(r.diagnostics.filter((d) => d.processType === 'worker' && d.code === 'unknown-command')).toEqual([])
  })
})
