/**
 * A script that starts Celery in code with an argv it builds (test/fixtures/celery-worker-main-argv, the shape of
 * suitenumerique/transfers' worker.py): `worker_args = ["worker", …]`, then `.append("--beat")` under
 * `if not args.disable_scheduler:` where `args = parser.parse_args()` (argparse: store_true's default False when the
 * command line does not give it), `.append(f"--concurrency={args.concurrency}")` under `if args.concurrency:` (type=int,
 * default os.environ.get("WORKER_CONCURRENCY", "2"): the string "2" through type=int, argparse _get_values), `+=` and
 * `.extend(…)`. Hand count (celery/app/base.py worker_main: `celery worker` with that argv; prefork children = -c;
 * --beat runs beat beside them, whose django-celery-beat DatabaseScheduler holds one connection; Django: one
 * connection per process):
 * - worker `python worker.py`: argv worker --queues=default --concurrency=2 --beat --task-events --without-mingle:
 *   2 children + beat 1 = 3;
 * - quiet `python worker.py --disable-scheduler -c 3`: 3 children, no beat = 3;
 * - opaque `python worker_opaque.py`: its parser is handed to a library's add_worker_options(parser), so `args.beat` is
 *   not known: the worker's defaults (8 on standard-1x), starred, the reason said.
 * Total 14.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('celery-worker-main-argv'), ['--plan', 'standard-0', '--scale', 'worker=1:standard-1x', 'quiet=1:standard-1x', 'opaque=1:standard-1x'])
const starred = (sources: unknown): boolean => JSON.stringify(sources).includes('"kind":"assumed"')

describe('a Celery argv built by appends under argparse and env conditions', () => {
  const r = plan()

  it('worker: the defaults decide the appends: -c 2 (a string default through type=int) and --beat: 2 + beat 1 = 3, read', () => {
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 2, server: 'celery'})
    expect(starred(r.type('worker').sources)).toBe(false)
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno)).toContain('worker --queues=default --concurrency=2 --beat --task-events --without-mingle')
  })

  it('quiet: the command line given to the script (--disable-scheduler -c 3): 3 children, no beat', () => {
    expect(r.type('quiet')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'celery'})
    expect(starred(r.type('quiet').sources)).toBe(false)
  })

  it('opaque: a parser handed to code conncalc does not read: the worker defaults, starred, with the reason', () => {
    expect(r.type('opaque')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 8, server: 'celery'})
    expect(starred(r.type('opaque').sources.processesPerDyno)).toBe(true)
    const d = r.diagnostics.find((x) => x.code === 'unknown-config-value' && x.processType === 'opaque')
    expect(d?.message).toContain('worker_opaque.py:14 starts a Celery worker in code')
    expect(d?.message).toContain('`worker_args` depends on `if args.beat` (line 12)')
    expect(r.total).toBe(14)
  })
})
