/**
 * A Django command whose handle() takes its options as `**options` and reads them by key (fixture
 * django-command-kwargs-options). django/core/management/base.py: run_from_argv parses argv with the parser add_arguments
 * filled and execute() calls handle(*args, **options) with every option's dest, argparse giving each its command-line
 * value or its default, so `options["workers"]` is --workers' value and `options.get("threads", 2)` is --threads' default
 * 3 (the key is always passed: .get's own default never applies). ThreadPoolExecutor(max_workers=…) threads each hold
 * Django's connection, plus the main thread (pending() queries there).
 * - web: gunicorn --workers 2, sync: 2;
 * - pool: `runpool`: options["workers"], default 6: 6 + 1 = 7 (was 1*);
 * - wide: `runpool --workers 9`: 9 + 1 = 10 (was 1*);
 * - get: `runget`: options.get("threads", 2), default 3: 3 + 1 = 4 (was 1*).
 * Total 2 + 7 + 10 + 4 = 23.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Django command options read from **options by key (fixture django-command-kwargs-options)', () => {
  const r = planJson(procfileOf('django-command-kwargs-options'), ['--plan', 'standard-0', '--scale', 'web=1,pool=1,wide=1,get=1'])

  it('options["workers"]: the argparse default, or the command line', () => {
    expect(r.type('pool')).toMatchObject({connections: 7, server: 'django-command', threadsPerProcess: 7})
    expect(JSON.stringify(r.type('pool').sources.threadsPerProcess)).toContain("Django calls handle() with the parsed options: --workers's default")
    expect(r.type('wide')).toMatchObject({connections: 10, threadsPerProcess: 10})
    expect(r.type('wide').sources.threadsPerProcess.via).toContainEqual({flag: '--workers 9', kind: 'flag'})
  })

  it('options.get("threads", 2): the option is always passed, so its argparse default 3', () => {
    expect(r.type('get')).toMatchObject({connections: 4, threadsPerProcess: 4})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(23)
  })
})
