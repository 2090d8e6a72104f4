/**
 * A Procfile line that runs a Python Invoke task (issue 10): `inv server.start.prod -p $PORT -w 3`
 * is the gunicorn command the task passes to c.run, with the task's parameters bound from the
 * flags, else their defaults (test/fixtures/invoke-tasks).
 *
 * The app: one SQLAlchemy engine, app/db.py:5 `pool_size=3, max_overflow=1` → pool 4. gunicorn's
 * sync worker runs 1 thread (gunicorn/config.py threads default 1), so a worker holds min(4, 1) = 1.
 * A celery prefork child runs one task at a time: min(4, 1) = 1 each.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('invoke-tasks'), ['--plan', 'standard-0'])
const INVOKE = 'https://github.com/pyinvoke/invoke/blob/main/invoke/collection.py'

describe('inv/invoke TASK runs what the task passes to c.run', () => {
  it('web: `inv jobs.start -c 3 & inv server.start.prod -p … -w 3`: gunicorn 3 × 1 + celery beside it 3 × 1 = 6', () => {
    const web = plan().type('web')
    // tasks/__init__.py: ns = Collection(db, jobs) + add_collection(server); server's ns = Collection(start) → server.start.prod.
    // -w is workers' short flag (its first letter, not taken); -c is concurrency's. --workers 3 → 3 × min(4, 1) = 3;
    // jobs.start's `if concurrency:` is decided by -c 3 → celery --concurrency=3 → 3 × 1 = 3 beside it; 3 + 3 = 6.
    expect(web).toMatchObject({connectionsPerDyno: 6, extraPerDyno: 3, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 1})
    const why = JSON.stringify(web.sources.processesPerDyno.via?.find((s) => s.kind === 'default' && JSON.stringify(s).includes(INVOKE)))
    expect(why).toContain('workers=3 (-w), preload=True (default)')
    // The task's first c.run (a migration) returns before gunicorn starts: it is not a process of the dyno.
    expect(why).toContain('after `alembic upgrade head` (tasks/server/start.py:11), which finished first')
  })

  it('a collection\'s default task, --name=value, % and .format commands, and --no-flag for a True default', () => {
    const r = plan()
    // `invoke server.start --workers=2`: @task(default=True) serve → "… --workers %d …" % (2, 8000) → 2 × 1 = 2.
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2, server: 'gunicorn'})
    // `inv server.start.fmt`: no flags, workers defaults to 2 → "-w {}".format(2) → 2 × 1 = 2.
    expect(r.type('fmt')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2})
    // `--workers 5 --no-preload`: 5 × 1 = 5.
    expect(r.type('many')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 5})
  })

  it('a task it cannot find or a command it cannot evaluate stays unknown-command, saying exactly why', () => {
    const r = plan()
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-command')
    expect(unknown.map((d) => d.processType).sort()).toEqual(['helper', 'lost', 'opaque'])
    expect(unknown.find((d) => d.processType === 'lost')?.message).toContain('invoke finds no task `server.start.nowhere` in tasks/__init__.py (its tasks: db.upgrade, jobs.start, jobs.opaque, jobs.indirect, server.start.serve')
    expect(unknown.find((d) => d.processType === 'opaque')?.message).toContain('the command the task `jobs.opaque` runs at tasks/jobs.py:16 is not evaluated: `get_settings().WORKER_COMMAND`')
    expect(unknown.find((d) => d.processType === 'helper')?.message).toContain('the task `jobs.indirect` (tasks/jobs.py:24) calls no c.run(...) in its own body (a function it calls is not followed)')
    // 6 + 2 + 2 + 5 + 1 (lost) + 1 (opaque) + 1 (helper) = 18; the release task (alembic) counts in the deploy peak only.
    expect(r.total).toBe(18)
  })
})
