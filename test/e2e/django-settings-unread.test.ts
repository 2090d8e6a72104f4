/**
 * A Django app whose DATABASES conncalc cannot read says so (fixture django-settings-unread): the
 * settings module is named nowhere it reads, or names no module of the app, or sets no DATABASES.
 * The count stays Django's one connection per thread (gunicorn --workers 2 × 1 thread = 2; the
 * rqworker 1), never silently: that pool is an assumption (starred), not a default read from the app.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

/** The pool conncalc counts for the type: its value and whether it is an assumption. */
const pool = (r: ReturnType<typeof planJson>, type: string) => {
  const p = r.type(type).sources['pool.default']
  return {assumed: p?.source.kind === 'assumed', value: p?.value}
}

const warnings = (r: ReturnType<typeof planJson>) => r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => [d.processType, d.message])

describe('Django settings conncalc cannot read', () => {
  it("manage.py's DJANGO_SETTINGS_MODULE names a module that is not in the app (local_settings): said for each type", () => {
    const r = planJson(procfileOf('django-settings-unread'), ['--limit', '20'])
    expect(r.type('web').connections).toBe(2)
    expect(r.type('worker').connections).toBe(1)
    expect(warnings(r)).toEqual([
      ['web', 'web: DJANGO_SETTINGS_MODULE is local_settings, which is no module of the app; DATABASES is not read, so one connection per thread is counted'],
      ['worker', 'worker: DJANGO_SETTINGS_MODULE is local_settings, which is no module of the app; DATABASES is not read, so one connection per thread is counted'],
    ])
    // gunicorn's default sync worker has 1 thread: Django's one connection per thread is 1 per process, assumed.
    expect(pool(r, 'web')).toEqual({assumed: true, value: 1})
    expect(pool(r, 'worker')).toEqual({assumed: true, value: 1})
  })

  it('the settings module named with --env sets no DATABASES: said, pointing at the file', () => {
    const r = planJson(procfileOf('django-settings-unread'), ['--limit', '20', '--env', 'DJANGO_SETTINGS_MODULE=app.settings'])
    expect(r.total).toBe(3)
    const d = r.diagnostics.filter((x) => x.code === 'unknown-config-value')
    expect(d.length).toBeGreaterThan(0)
    for (const x of d) expect(x).toMatchObject({file: 'app/settings.py', message: 'app/settings.py (the settings module) sets no DATABASES conncalc can find, itself or through what it imports; counting one connection per thread'})
    expect(pool(r, 'web')).toEqual({assumed: true, value: 1})
  })
})
