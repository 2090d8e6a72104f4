/**
 * Processes uWSGI starts beside its workers that run the app's code (test/fixtures/uwsgi-beside-workers, Django):
 * a spooler directory with spooler-processes = 2 (Spooler.rst), a cron command running manage.py (Cron.rst: the master
 * runs it as a process of its own when its schedule fires), an attached daemon running manage.py (AttachingDaemons.rst)
 * and a mule (Mules.rst). Each is one connection per dyno, an assumption (what the tasks and commands do is not read);
 * a cron command that runs no Python (curl) is none. ministryofjustice/money-to-prisoners-api's api.ini (a spooler,
 * three manage.py crons) was counted 20 with nothing said.
 * Workers: 2 processes × 4 threads = 8; beside them 2 + 1 + 1 + 1 = 5: 13, starred.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('uWSGI spoolers, crons, daemons and mules (test/fixtures/uwsgi-beside-workers)', () => {
  const r = planJson(`${fixture('uwsgi-beside-workers')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])

  it('adds each to the dyno, assumed, with the line that starts it', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 13, extraPerDyno: 5, processesPerDyno: 2, threadsPerProcess: 4})
    const extras = JSON.stringify(r.type('web').extras)
    expect(extras).toContain('uWSGI spooler processes running the app\'s tasks')
    expect(extras).toContain('the 2 spooler processes run the app\'s spooled tasks one at a time')
    expect(extras).toContain('`cron = -1 -1 -1 -1 -1 python manage.py run_scheduled_commands` runs the command as a process of its own')
    expect(extras).toContain('`attach-daemon = python manage.py listen_for_events` runs the command for the instance\'s lifetime')
    expect(extras).toContain('`mule = depot/feeder.py` is a process of its own running the app\'s code')
    expect(extras).not.toContain('curl')
    expect(r.total).toBe(13)
  })
})
