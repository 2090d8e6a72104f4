/**
 * A server started with its own daemonizing flag (`gunicorn app --daemon`, `sidekiq -d`) forks into the background and
 * the command returns at once: the script goes on to what it runs next, and the daemon keeps serving beside it, as with
 * `&` (long-running.ts daemonizes, e796aa73); shown with its flag, not cut to `gunicorn app  &`.
 * The app (test/fixtures/django-gunicorn-celery): Django with dj_database_url (one connection per thread, kept 600 s);
 * gunicorn.conf.py gthread with 4 threads; Celery prefork on the same settings.
 * By hand: `gunicorn -w 3 --daemon` = 3 workers × 4 threads = 12 (the -w flag wins over the config file's workers),
 * then `celery worker --concurrency 2` in the foreground = 2 children × 1 = 2: 14 per dyno.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('django-gunicorn-celery')
const web = (files: Record<string, string>) => planJson(`${app(files)}/Procfile`, ['--scale', 'web=1']).type('web')

describe('a daemonizing server keeps running beside what comes after it', () => {
  it('a script: migrate, `gunicorn … --daemon`, then a Celery worker in the foreground: Celery 2 + gunicorn 12 beside = 14', () => {
    const boot = '#!/bin/bash\npython manage.py migrate --noinput\ngunicorn shop.wsgi:application -w 3 --daemon\ncelery -A shop worker -l info --concurrency 2\n'
    const row = web({'bin/boot.sh': boot, Procfile: 'web: bash bin/boot.sh\n'})
    expect(row).toMatchObject({connectionsPerDyno: 14, connectionsPerProcess: 1, processesPerDyno: 2, server: 'celery'})
    expect(row.extras).toHaveLength(1)
    expect(row.extras[0].reason).toContain('`gunicorn shop.wsgi:application -w 3 --daemon` runs beside it in each dyno (gunicorn: 3 × 4)')
  })

  it('a Procfile list: `gunicorn … -D && celery worker` is the same 14; without the flag gunicorn never returns: 12', () => {
    expect(web({Procfile: 'web: gunicorn shop.wsgi:application -w 3 -D && celery -A shop worker --concurrency 2\n'})).toMatchObject({connectionsPerDyno: 14, server: 'celery'})
    expect(web({Procfile: 'web: gunicorn shop.wsgi:application -w 3; celery -A shop worker --concurrency 2\n'})).toMatchObject({connectionsPerDyno: 12, server: 'gunicorn'})
  })
})
