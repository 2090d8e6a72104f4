/**
 * django-rq's commands, run directly or through the app's own commands that extend them (fixture
 * django-rq-subclassed-commands; Django 4.2 with dj-database-url, conn_max_age 600, django-rq 2.10, rq-scheduler 0.13).
 * django-rq's rqworker.py handle(): get_worker(...), reset_db_connections() (closes every Django connection before the
 * worker forks), w.work(): one job at a time in a forked work horse. rqscheduler.py handle(): get_scheduler(queue).run(),
 * rq-scheduler moving due jobs onto their queues in Redis: no database connection.
 * - web: gunicorn shop.wsgi --workers 3, sync: 3 × 1 = 3;
 * - jobs: `manage.py orders_worker`, whose Command extends rqworker.Command: 1 (was 1 as an app command, now rq's);
 * - cron: `manage.py orders_scheduler`, extends rqscheduler.Command, its handle() talks to Redis only: 0 (was 1);
 * - stock: `manage.py stock_scheduler`, extends rqscheduler.Command, but its handle() runs Product.objects.all() first:
 *   Django keeps that connection until the command exits: 1;
 * - plainsched: django-rq's own `manage.py rqscheduler`: 0 (was 1*, an unknown command);
 * - rqsched: rq-scheduler's `rqscheduler` script: 0 (was 1*, unknown).
 * Total 5 (was 8).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('django-rq commands and app commands extending them (fixture django-rq-subclassed-commands)', () => {
  const r = planJson(procfileOf('django-rq-subclassed-commands'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,jobs=1:standard-1x,cron=1:standard-1x,stock=1:standard-1x,plainsched=1:standard-1x,rqsched=1:standard-1x'])

  it('reads an rqworker subclass as an RQ worker', () => {
    expect(r.type('jobs')).toMatchObject({connections: 1, server: 'rq', threadsPerProcess: 1})
    expect(JSON.stringify(r.type('jobs'))).toContain("orders/management/commands/orders_worker.py's Command extends django-rq's rqworker command")
  })

  it('counts a scheduler 0 unless its own handle() queries first', () => {
    expect([r.type('cron').connections, r.type('stock').connections, r.type('plainsched').connections, r.type('rqsched').connections]).toEqual([0, 1, 0, 0])
    expect([r.type('cron').server, r.type('plainsched').server, r.type('rqsched').server]).toEqual(['rq-scheduler', 'rq-scheduler', 'rq-scheduler'])
    expect(r.type('stock').sources.threadsPerProcess.source).toEqual({file: 'orders/management/commands/stock_scheduler.py', kind: 'file', line: 10})
    expect(r.total).toBe(5)
    expect(r.codes).not.toContain('unknown-command')
  })
})
