/**
 * A Celery app's own configuration decides worker concurrency (test/fixtures/python-celery-app-config), read as
 * celery@v5.3.6 reads it: writes to app.conf (Celery(**kw), conf.update, conf.x = v, conf["x"] = v) are the
 * pending changes (app/base.py:270,325), above config_from_object's source (utils.py:281 Settings(preconf,
 * [conf, defaults])); with a namespace, `NAMESPACE_WORKER_CONCURRENCY` is looked up in every layer before the
 * plain key (utils/collections.py:384); `-c` beats all of it (bin/worker.py:185 `value or
 * app.conf.worker_concurrency`). Prefork: one process per child, one thread; no pool in these modules (they import psycopg2
 * at their end: their tasks query PostgreSQL), so one
 * connection per child (threads pool: one process, one per thread). Every type on one standard-1x (nproc 8).
 */
import {describe, expect, it} from 'vitest'

import {type LooseSourced, planJson, procfileOf} from '../helpers/cli.js'

const assumed = (s: LooseSourced): string[] => [s.source, ...(s.via ?? [])].flatMap((x) => (x.kind === 'assumed' && x.why ? [x.why] : []))

const types = ['update', 'spread', 'attr', 'module', 'django', 'flag', 'cpu', 'unread', 'maybe', 'old', 'pool', 'vhost']
const plan = () => planJson(procfileOf('python-celery-app-config'), ['--plan', 'standard-0', '--scale', types.map((t) => `${t}=1:standard-1x`).join(',')])

describe('Celery worker concurrency from the app config', () => {
  it('conf.update(worker_concurrency=3), conf.update(**settings) with 2, conf.worker_concurrency = 4: 3, 2, 4 children', () => {
    const r = plan()
    expect(r.type('update')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    expect(r.type('update').sources.processesPerDyno.source).toEqual({file: 'queues/update.py', kind: 'file', line: 4})
    // queues/spread.py: the dict has an extra key only under `if redis_url.startswith("rediss://")`; worker_concurrency is not in that arm.
    expect(r.type('spread')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2})
    expect(r.type('spread').sources.processesPerDyno.source).toEqual({file: 'queues/spread.py', kind: 'file', line: 17})
    expect(r.type('attr')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4})
    expect(r.type('attr').sources.processesPerDyno.source).toEqual({file: 'queues/attr.py', kind: 'file', line: 5})
  })

  it('config_from_object("queues.celeryconfig") → 5; a module of old names (CELERYD_CONCURRENCY = 3) → 3; another app built in a function keeps its own config', () => {
    const r = plan()
    // queues/vhost.py: `app` (module level) reads queues.celeryconfig (5); tenant_app.config_from_object(TenantConfig) (9) is another app's.
    expect(r.type('vhost')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 5})
    expect(r.type('module')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 5})
    expect(r.type('module').sources.processesPerDyno.source).toEqual({file: 'queues/celeryconfig.py', kind: 'file', line: 3})
    expect(r.type('old')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    expect(r.type('old').sources.processesPerDyno.source).toEqual({file: 'queues/oldconfig.py', kind: 'file', line: 3})
  })

  it('namespace="CELERY": the settings\' CELERY_WORKER_CONCURRENCY = 3 beats conf.update(worker_concurrency=6); -c 5 beats conf.update(3)', () => {
    const r = plan()
    expect(r.type('django')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    expect(r.type('django').sources.processesPerDyno.source).toEqual({file: 'bakery/settings.py', kind: 'file', line: 10})
    expect(r.type('flag')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 5})
    expect(r.type('flag').sources.processesPerDyno.source).toMatchObject({kind: 'flag'})
  })

  it('worker_pool="threads" with worker_concurrency=4: 1 process × 4 threads = 4', () => {
    const r = plan()
    expect(r.type('pool')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 1, threadsPerProcess: 4})
    expect(r.type('pool').sources.threadsPerProcess.source).toEqual({file: 'queues/pool.py', kind: 'file', line: 4})
  })

  it('worker_concurrency = multiprocessing.cpu_count(): 8, and the warning names the config line as the reason', () => {
    const r = plan()
    expect(r.type('cpu')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 8})
    const cpu = r.diagnostics.filter((d) => d.code === 'cpu-count-default')
    expect(cpu.map((d) => d.processType)).toEqual(['cpu'])
    expect(cpu[0].message).toBe("cpu: Celery concurrency is 8 because the app's Celery config makes worker_concurrency the CPU count (queues/cpuconfig.py:3), and a standard-1x dyno reports 8 CPUs (a shared host), not its share")
    expect(cpu[0].fix).toContain('set worker_concurrency to a number at queues/cpuconfig.py:3')
  })

  it('conf.update(load_celery_settings()): 8 CPUs assumed, said as unreadable, not as "follows the CPU count"', () => {
    const r = plan()
    expect(r.type('unread')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 8})
    expect(assumed(r.type('unread').sources.processesPerDyno)).toEqual(['queues/unread.py:5 sets this in a way conncalc cannot read; 8 used instead'])
    expect(assumed(r.type('unread').sources.threadsPerProcess)[0]).toContain('queues/unread.py:5 may set worker_pool')
    const said = r.diagnostics.filter((d) => d.file === 'queues/unread.py')
    expect(said.map((d) => [d.code, d.line])).toEqual([['unknown-config-value', 5]])
    expect(said[0].message).toContain("cannot read whether this sets Celery's worker_concurrency: it is what `bakery_ops.config.load_celery_settings()` returns")
    expect(r.diagnostics.filter((d) => d.processType === 'unread' && d.code === 'cpu-count-default')).toEqual([])
  })

  it('conf.worker_concurrency = 6 under an `if` conncalc cannot decide, after = 2: 6, starred, naming the if', () => {
    const r = plan()
    expect(r.type('maybe')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 6})
    expect(assumed(r.type('maybe').sources.processesPerDyno)).toEqual(['queues/maybe.py:8 sets worker_concurrency only when `platform.node().endswith("-burst")` (queues/maybe.py:7), which conncalc cannot decide'])
    // 3 + 2 + 4 + 5 + 3 + 5 + 8 + 8 + 6 + 3 + 4 + 5 = 56
    expect(r.total).toBe(56)
  })
})
