/**
 * A Django app whose INSTALLED_APPS grows in one arm of an `if` conncalc cannot decide (SFDO-Tooling/MetaDeploy's
 * config/settings/base.py: `if all([AWS_ACCESS_KEY_ID, …]): … else: INSTALLED_APPS += ["binary_database_files"]`).
 * Fixture django-installed-apps-undecided (Django 4.2, django-environ, django-rq 2.10, rq-scheduler 0.13). The
 * value after the `if` is one of the arms' lists: the app's commands are still found in either's apps.
 * - web: gunicorn shop.wsgi --workers 3, sync: 3 × 1 = 3;
 * - cron: `manage.py orders_scheduler`, orders listed in every arm, its Command extends django-rq's
 *   rqscheduler.Command and its handle() talks to Redis only (django_rq get_scheduler, cron, cancel) before
 *   super().handle(): rq-scheduler moves due jobs onto their queues in Redis, no database connection: 0
 *   (was 1*: "a Django management command conncalc does not find in the app");
 * - export: `manage.py export_files` of exports, listed only in the else arm: handle() maps on
 *   ThreadPoolExecutor(max_workers=4), each worker thread with Django's connection, plus the main thread: 5, starred
 *   (counted as if exports is installed; was 1*, unknown).
 * Total 8 (was 5 with two unknown commands).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Django commands of INSTALLED_APPS set in the arms of an undecided if (fixture django-installed-apps-undecided)', () => {
  const r = planJson(procfileOf('django-installed-apps-undecided'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,cron=1:standard-1x,export=1:standard-1x'])

  it("finds an app's command when INSTALLED_APPS is one of several lists", () => {
    expect(r.type('cron')).toMatchObject({connections: 0, server: 'rq-scheduler', threadsPerProcess: 0})
    expect(JSON.stringify(r.type('cron'))).toContain("orders/management/commands/orders_scheduler.py's Command extends django-rq's rqscheduler command")
    expect(r.codes).not.toContain('unknown-command')
  })

  it('stars a command whose app only one arm installs, and says so', () => {
    expect(r.type('export')).toMatchObject({connections: 5, server: 'django-command', threadsPerProcess: 5})
    const via = r.type('export').sources.threadsPerProcess.via ?? []
    expect(via).toContainEqual({kind: 'assumed', why: expect.stringContaining('exports/management/commands/export_files.py is a command of exports, which INSTALLED_APPS lists only in some arms')})
    expect(r.total).toBe(8)
  })
})
