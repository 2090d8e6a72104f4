/**
 * A DATABASES alias set in the elif/else arm of an `if` conncalc cannot decide (fixture
 * python-django-alias-in-else: `if not from_env: print(…) else: DATABASES["default"] = from_env`, the
 * shape of a settings module that falls back to SQLite) is counted as an assumption that names the arm
 * truly: it is set when the condition does NOT hold. Before, the assumption said the alias was set
 * "only when `if not from_env` holds", the opposite of the code. An alias set in every arm of an inner
 * `if`/`else` (Flagsmith's task_processor database: by URL, else by name) depends on the outer `if` only,
 * and the assumption names that one.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Django alias set in the else arm of an undecided if', () => {
  it('is counted, starred, and said to be set when the condition does not hold: 2 workers × (4 default + 4 analytics + 4 archive) = 24', () => {
    // Django without a pool: one connection per thread per alias; gunicorn --workers 2 --threads 4.
    const r = planJson(procfileOf('python-django-alias-in-else'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, processesPerDyno: 2, threadsPerProcess: 4})
    const inElse =
      'DATABASES["default"] is set only in an elif/else arm of `if not from_env` (proj/settings.py:22), when that condition does not hold, which conncalc cannot decide; counted as if that arm runs'
    expect(r.type('web').sources['pool.default']).toMatchObject({value: 4, via: expect.arrayContaining([{kind: 'assumed', why: inElse}])})
    // Set in both the elif and the else arm of the `if` at line 27: the last arm walked names it, still "does not hold".
    const inElif =
      'DATABASES["analytics"] is set only in an elif/else arm of `if env("ANALYTICS_MODE") == "off"` (proj/settings.py:27), when that condition does not hold, which conncalc cannot decide; counted as if that arm runs'
    expect(r.type('web').sources['pool.analytics']).toMatchObject({value: 4, via: expect.arrayContaining([{kind: 'assumed', why: inElif}])})
    // Set by URL in the inner `if`, by name in its `else`: whichever runs, so the outer `if` at line 35 is the condition.
    const inBoth =
      'DATABASES["archive"] is set only when `if env("ARCHIVE_DATABASE_URL") or env("ARCHIVE_DATABASE_NAME")` (proj/settings.py:35) holds, which conncalc cannot decide; counted as if it does'
    expect(r.type('web').sources['pool.archive']).toMatchObject({value: 4, via: expect.arrayContaining([{kind: 'assumed', why: inBoth}])})
    // The wording of the first arm is unchanged (python-django-alias-under-if); no "holds, … counted as if it does" here.
    expect(JSON.stringify(r.type('web').sources['pool.default'])).not.toContain('holds, which conncalc cannot decide')
  })
})
