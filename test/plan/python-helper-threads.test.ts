import {describe, expect, it} from 'vitest'

import {evaluatePython} from '../../src/languages/python/evaluate.js'
import {startsIn, threadStarts} from '../../src/languages/python/import-threads.js'
import {envOf} from '../analyzers/helpers.js'
import {planFixture} from './helpers.js'

describe('threads and thread pools a helper starts, where a view or a task calls it (fixture python-helper-threads)', () => {
  // One engine, QueuePool 4 + 0 (shop/db.py): it caps every process's connections. The numbers, worked by hand:
  // web: gunicorn 2 workers × 2 threads. shop/notify.py:13 starts a Thread in notify_later, which the route `paid`
  //   calls (shop/web.py:11): a thread per request. shop/reports.py:14 makes a ThreadPoolExecutor(max_workers=3) in
  //   rebuild_all, which the route `rebuild` calls: 3 threads per request. Both per request, so the pool is the bound:
  //   4 − 2 request threads = 2 counted, min(4, 2 + 2) = 4 per worker, 8 per dyno. (Before: notify_later's thread
  //   counted once, min(4, 2 + 1) = 3, and the executor not at all: 6.)
  // worker: celery prefork -c 2. The task `settle` calls notify_later (shop/tasks.py:12): a thread per job, in the
  //   children: 4 − 1 = 3 counted, min(4, 1 + 3) = 4 per child, 8 per dyno (before: min(4, 1 + 1) = 2, 4).
  //   rebuild_all is never called by a task: its pool is not the worker's.
  it('counts them per request in the web server and per job in the worker, bounded by the pool: 8 + 8', async () => {
    const r = await planFixture('python-helper-threads', {plan: 'standard-0', scale: ['web=1:standard-1x', 'worker=1:standard-1x']})
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, connectionsPerProcess: 4})
    expect(r.type('web').extras.map((x) => [x.kind, x.count, x.inPool])).toEqual([['app-threads', 2, true]])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 8, connectionsPerProcess: 4})
    expect(r.type('worker').extras.map((x) => [x.kind, x.count, x.inPool])).toEqual([['app-threads', 3, true]])
    expect(r.json.total).toBe(16)
    const web = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'web')
    expect(web?.message).toContain('threading.Thread at shop/notify.py:13 (per request, in notify_later, called from paid at shop/web.py:11)')
    expect(web?.message).toContain('concurrent.futures.ThreadPoolExecutor at shop/reports.py:14 (per request, in rebuild_all, called from rebuild at shop/web.py:17, a pool of 3)')
    const worker = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'worker')
    expect(worker?.message).toContain('(per job, in notify_later, called from settle at shop/tasks.py:12)')
    expect(worker?.message).not.toContain('reports.py')
  })

  it('--assume TYPE.extras=N replaces the assumption', async () => {
    const r = await planFixture('python-helper-threads', {assume: ['web.extras=0'], plan: 'standard-0', scale: ['web=1:standard-1x', 'worker=1:standard-1x']})
    expect(r.type('web').connectionsPerDyno).toBe(2 * 2)
  })
})

describe('threadStarts: a helper\'s callers decide how often its thread starts', () => {
  const read = async (files: Record<string, string>) => Promise.all(Object.entries(files).map(async ([f, t]) => evaluatePython(f, t, {env: envOf({})})))
  const helper = ['import threading', 'def ping(n):', '    pass', 'def ping_later(n):', '    threading.Thread(target=ping, args=(n,)).start()'].join('\n')

  it('a helper both a route and a task call: per request in a web server, per job in a worker', async () => {
    const modules = await read({
      'app/helpers.py': helper,
      'app/views.py': ['from flask import Flask', 'from app.helpers import ping_later', 'app = Flask(__name__)', '@app.get("/ping")', 'def ping_view():', '    ping_later(1)'].join('\n'),
      'app/tasks.py': ['from celery import shared_task', 'from app import helpers', '@shared_task', 'def ping_job():', '    helpers.ping_later(2)'].join('\n'),
    })
    const starts = threadStarts(modules)
    expect(startsIn(starts, true).map((s) => [s.many, s.handler])).toEqual([['request', 'ping_later, called from ping_view at app/views.py:6']])
    expect(startsIn(starts, false).map((s) => [s.many, s.handler])).toEqual([['job', 'ping_later, called from ping_job at app/tasks.py:5']])
  })

  it('a helper a task calls and also a function nobody is seen calling: per job in a worker, once in a web server', async () => {
    const modules = await read({
      'app/helpers.py': helper,
      'app/tasks.py': ['from celery import shared_task', 'from app.helpers import ping_later', '@shared_task', 'def ping_job():', '    ping_later(2)', 'def on_save(instance):', '    ping_later(instance.id)'].join('\n'),
    })
    const starts = threadStarts(modules)
    expect(startsIn(starts, false).map((s) => [s.many, s.handler])).toEqual([['job', 'ping_later, called from ping_job at app/tasks.py:5']])
    expect(startsIn(starts, true).map((s) => [s.many, s.handler, s.line])).toEqual([[undefined, undefined, 5]])
  })

  it('a thread whose target makes no database call (mail in the background) is marked quiet; one that queries is not', async () => {
    const modules = await read({
      'app/mail.py': ['from threading import Thread', 'from app import mail, db', 'def _deliver(app, msg):', '    with app.app_context():', '        mail.send(msg)', 'def send_later(app, msg):', '    Thread(target=_deliver, args=[app, msg]).start()', 'def _audit(n):', '    db.session.execute("INSERT INTO audit VALUES (:n)", {"n": n})', 'def audit_later(n):', '    Thread(target=_audit, args=(n,)).start()'].join('\n'),
      'app/views.py': ['from flask import Flask', 'from app.mail import send_later, audit_later', 'app = Flask(__name__)', '@app.post("/signup")', 'def signup():', '    send_later(app, "hi")', '    audit_later(1)'].join('\n'),
    })
    expect(threadStarts(modules).map((s) => [s.line, s.many, s.quiet])).toEqual([[7, 'request', '_deliver'], [11, 'request', undefined]])
  })

  it('two helpers deep, in a loop, or called only at import', async () => {
    const deep = await read({
      'svc.py': [helper, 'def notify_all(ids):', '    for i in ids:', '        ping_later(i)', 'def relay(n):', '    ping_later(n)'].join('\n'),
      'views.py': ['from svc import relay', 'def order_view(request, n):', '    relay(n)'].join('\n'),
    })
    const [s] = threadStarts(deep)
    // notify_all calls it in a loop (nobody calls notify_all: still a loop); relay ← order_view (request first parameter).
    expect([s.many, s.handler]).toEqual(['loop', undefined])
    const viaRelay = await read({'svc.py': [helper, 'def relay(n):', '    ping_later(n)'].join('\n'), 'views.py': ['from svc import relay', 'def order_view(request, n):', '    relay(n)'].join('\n')})
    expect(threadStarts(viaRelay).map((x) => [x.many, x.handler])).toEqual([['request', 'ping_later ← relay, called from order_view at views.py:3']])
    const atImport = await read({'boot.py': [helper, 'ping_later(0)'].join('\n')})
    expect(threadStarts(atImport).map((x) => [x.many, x.atImport])).toEqual([[undefined, true]])
  })
})
