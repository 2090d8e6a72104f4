/**
 * A thread pool whose every task is a function of the app's that makes no database call (an HTTP request to a hosted
 * model) holds no connection on its threads, however many: counted once, as a quiet threading.Thread is, not per thread.
 * Fixture python-quiet-executor: `gunicorn assistant:app --workers 2` (sync, 1 thread), psycopg2 opened per call, no
 * pool (so each thread's connection is its own). Three pools made while the module is imported:
 * - warm_models: ThreadPoolExecutor(max_workers=8), `submit(ask_model, …)` in a comprehension; ask_model only calls
 *   requests.post: once, 1 (was 8);
 * - preload_notes: ThreadPoolExecutor(max_workers=4) mapping load_note, which runs cur.execute: its 4;
 * - fan_out(load_note, …, threads=3): the pool maps `wrapped`, which calls the parameter `func`; what it runs comes from
 *   the caller, so it is not quiet: its 3.
 * Per process 1 (the request thread) + 1 + 4 + 3 = 9; 2 workers: 18 (was 1 + 8 + 4 + 3 = 16, 32).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a thread pool whose tasks never query (fixture python-quiet-executor)', () => {
  it('counts once; pools whose tasks query, or run a function a caller passes, count their threads', () => {
    const r = planJson(procfileOf('python-quiet-executor'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 18, connectionsPerProcess: 9, extraPerProcess: 8, processesPerDyno: 2, threadsPerProcess: 1})
    const text = JSON.stringify(r.type('web'))
    expect(text).toContain('concurrent.futures.ThreadPoolExecutor at assistant.py:38 (its tasks (ask_model) make no database call conncalc sees: counted once, not per thread, a pool of 8)')
    expect(text).toContain('concurrent.futures.ThreadPoolExecutor at assistant.py:45 (a pool of 4)')
    expect(text).toContain('concurrent.futures.ThreadPoolExecutor at assistant.py:32 (a pool of 3)')
  })
})
