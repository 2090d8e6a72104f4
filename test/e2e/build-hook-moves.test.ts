/**
 * A build hook that moves the app's files before it runs (test/fixtures/scalingo-build-moves, La Suite's Scalingo shape):
 * bin/scalingo_postfrontend runs `mv src/backend/* ./`, so the dyno's gunicorn reads src/backend/gunicorn.conf.py as its
 * default ./gunicorn.conf.py (workers = 3) and `python worker.py` is src/backend/worker.py; `cp -r deploy/gunicorn
 * gunicorn_cfg` makes a folder `-c gunicorn_cfg/web2.conf.py` reads. Before, those files were "not in the app": gunicorn
 * ran on WEB_CONCURRENCY's 2, the scripts were unknown commands (1*).
 * worker.py starts Celery in code, `app.worker_main(argv=["worker", "--concurrency=2", "--beat", …])`
 * (celery/app/base.py: `celery worker` with that argv): 2 prefork children + beat beside them, whose django-celery-beat
 * DatabaseScheduler holds one connection. worker_built.py builds its argv in code, appending `--concurrency=…` under
 * `if args.concurrency:` of an argparse option (type=int, default None) the command line does not give: the argv is
 * `worker --loglevel=INFO` (argparse.ts), whose concurrency is Celery's default, the CPU count (8 on standard-1x).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('scalingo-build-moves'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'web2=1:standard-1x', 'worker=1:standard-1x', 'worker2=1:standard-1x'])
const starred = (sources: unknown): boolean => JSON.stringify(sources).includes('"kind":"assumed"')

describe('files a build hook moves', () => {
  const r = plan()

  it('web: gunicorn reads the moved src/backend/gunicorn.conf.py: 3 workers, read (not WEB_CONCURRENCY 2*)', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    // Named as the built app has it; the hook's info (below) says where that file comes from.
    expect(r.type('web').sources.processesPerDyno).toMatchObject({source: {file: 'gunicorn.conf.py', kind: 'file', line: 2}})
  })

  it('web2: a folder the hook copies (`cp -r deploy/gunicorn gunicorn_cfg`) is read where it comes from: 4 workers', () => {
    expect(r.type('web2')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4})
  })

  it('worker: worker.py is the moved script, a Celery worker started by worker_main: 2 children + beat 1 = 3', () => {
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 2, server: 'celery'})
    expect(starred(r.type('worker').sources)).toBe(false)
  })

  it('worker2: an argv built in code under an argparse default is read: `worker --loglevel=INFO`, Celery`s default 8 on standard-1x', () => {
    expect(r.type('worker2')).toMatchObject({processesPerDyno: 8, server: 'celery'})
    expect(starred(r.type('worker2').sources.processesPerDyno)).toBe(false)
    expect(JSON.stringify(r.type('worker2').sources.processesPerDyno)).toContain('worker_built.py:14 starts a Celery worker in code (Celery().worker_main), as `celery -A proj.celery_app worker --loglevel=INFO` would')
    expect(r.diagnostics.some((d) => d.code === 'unknown-config-value' && d.processType === 'worker2')).toBe(false)
    expect(r.total).toBe(18)
  })

  it('says which moves it read through, at the hook line', () => {
    const infos = r.diagnostics.filter((d) => d.file === 'bin/scalingo_postfrontend').map((d) => d.line)
    expect(infos).toEqual(expect.arrayContaining([9, 12]))
    // The mv inside `cd src/frontend` … `cd -` is the frontend folder's, not the root's: not read.
    expect(r.diagnostics.some((d) => d.file === 'bin/scalingo_postfrontend' && d.line === 15)).toBe(false)
  })
})
