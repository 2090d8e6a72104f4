/**
 * A Django command whose handle() takes its options as keywords and hands them to a runner class that sizes a thread pool
 * from `self.` (the jointakahe/takahe runstator shape; fixture django-command-handle-options, Django 5.1).
 * django/core/management/base.py: run_from_argv parses argv with the parser add_arguments filled, then execute() calls
 * handle(*args, **options), so `concurrency` is `--concurrency`'s value, else its argparse default 15. Runner.__init__
 * binds `self.concurrency = concurrency`; run() makes ThreadPoolExecutor(max_workers=self.concurrency), each worker thread
 * with Django's connection, plus the main thread (pending() queries there).
 * - web: gunicorn --workers 2, sync: 2;
 * - worker: `runjobs`: 15 + 1 = 16 (was 1*: "starts threads or processes … conncalc does not count");
 * - fast: `runjobs --concurrency 4 --run-for 600`: 5; short: `-c 6`: 7; eq: `--concurrency=8`: 9.
 * Total 2 + 16 + 5 + 7 + 9 = 39.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe("Django command options reach a pool through handle() and an instance's attributes (fixture django-command-handle-options)", () => {
  const r = planJson(procfileOf('django-command-handle-options'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,fast=1,short=1,eq=1'])

  it("reads the argparse default when the command line does not set it", () => {
    expect(r.type('worker')).toMatchObject({connections: 16, server: 'django-command', threadsPerProcess: 16})
    const threads = r.type('worker').sources.threadsPerProcess
    expect(threads.source).toEqual({file: 'jobs/runner.py', kind: 'file', line: 25})
    expect(threads.via).toContainEqual({file: 'jobs/management/commands/runjobs.py', kind: 'file', line: 10})
    expect(JSON.stringify(threads.via)).toContain("Django calls handle() with the parsed options: --concurrency's default")
    expect(r.codes).not.toContain('unknown-command')
  })

  it('reads the option from the command line, long, short and with =', () => {
    expect([r.type('fast').threadsPerProcess, r.type('short').threadsPerProcess, r.type('eq').threadsPerProcess]).toEqual([5, 7, 9])
    expect(r.type('fast').sources.threadsPerProcess.via).toContainEqual({flag: '--concurrency 4', kind: 'flag'})
    expect(r.type('short').sources.threadsPerProcess.via).toContainEqual({flag: '-c 6', kind: 'flag'})
    expect(r.total).toBe(39)
  })
})
