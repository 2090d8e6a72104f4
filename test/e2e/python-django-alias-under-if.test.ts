/**
 * A DATABASES alias added under an `if` conncalc cannot decide (fixture python-django-alias-under-if:
 * `if env("REPORTS_DATABASE_URL") != "": DATABASES["reports"] = …`, env() a helper with try/except) is
 * counted as if the branch runs, but as an assumption, named with the file:line of the `if`. Before, it was
 * counted with no star, as if read.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Django alias added under an undecided if', () => {
  it('is counted, starred, with the if named: 2 workers × (3 default + 3 reports) = 12', () => {
    // Django without a pool: one connection per thread per alias; gunicorn --workers 2 --threads 3.
    const r = planJson(procfileOf('python-django-alias-under-if'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, processesPerDyno: 2, threadsPerProcess: 3})
    const why = 'DATABASES["reports"] is set only when `if env("REPORTS_DATABASE_URL") != ""` (proj/settings.py:14) holds, which conncalc cannot decide; counted as if it does'
    expect(r.type('web').sources['pool.reports']).toMatchObject({value: 3, via: expect.arrayContaining([{kind: 'assumed', why}])})
    expect(r.type('web').sources['pool.default'].via).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
  })
})
