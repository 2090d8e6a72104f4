/**
 * A module the command names for the server to import (gunicorn's app, celery -A) that is neither in the app
 * nor a package its requirements name: the server exits at start (importlib.import_module raises). Said with
 * missing-config, the process still counted as if the module were installed, its processes an assumption.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('an app module missing from the app (fixture python-missing-app-module)', () => {
  const r = planJson(procfileOf('python-missing-app-module'), ['--limit', '20'])
  const missing = r.diagnostics.filter((d) => d.code === 'missing-config')

  it('gunicorn storefront.wsgi and celery -A schedule are said, on their Procfile lines; jobs.py (also as `-A jobs.app`, its attribute) and the ledger-admin package are not', () => {
    expect(missing.map((d) => [d.processType, d.file, d.line])).toEqual([
      ['web', 'Procfile', 1],
      ['beat', 'Procfile', 3],
    ])
    expect(missing[0].message).toContain('web: gunicorn imports storefront.wsgi (`gunicorn storefront.wsgi:app`), which is not in the app (storefront/wsgi.py, or a package folder)')
    expect(missing[1].message).toContain('(schedule/celery.py, schedule.py, or a package folder)')
    expect(r.exit).toBe(0) // a warning: an installed package conncalc does not see may provide it
  })

  it('the numbers stay as if the module were there, the missing one starred', () => {
    // celery's find_app reads `-A jobs.app` as module jobs, attribute app (celery/app/utils.py), so jobs.py is the app's.
    // web: --workers 2 × 1 sync thread × 1 connection (no pool found) = 2; worker: -c 3 prefork = 3; beat 1, assumed
    // (schedule's beat_scheduler is not read: a DatabaseScheduler holds one, as for an installed package's app);
    // admin 1 × 1 = 1; reports -c 2 = 2. Total 2 + 3 + 1 + 1 + 2 = 9.
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('counted as if the module were installed')}))
    expect(r.type('worker').sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('admin').sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('reports')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('beat')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(JSON.stringify(r.type('beat').sources.threadsPerProcess)).toContain("celery beat's app schedule is not in the app's files")
    expect(r.total).toBe(9)
  })
})
