/**
 * An unquoted `$@`, `$*` or `$1` in a script or `sh -c` text splits each argument it gives into words at blanks
 * (POSIX Shell Command Language 2.6.5 Field Splitting; only "$@" keeps each argument one word). Fixture:
 * test/fixtures/unquoted-args.
 *
 * Dockerfile: `ENTRYPOINT /app/bin/entry.sh $0 $@` (shell form) with `CMD ["gunicorn", "--workers 3", "--threads 2",
 * "shop.wsgi:application"]`: sh gets $0=gunicorn and the rest as $1…; `$@` unquoted splits "--workers 3" into
 * --workers 3, and entry.sh's `exec "$@"` runs gunicorn --workers 3 --threads 2: Django holds one connection per
 * thread, 3 × 2 = 6 (the shape of openfoodfacts/robotoff's runtime-dev CMD, `"--config /opt/robotoff/gunicorn.py"` as one
 * element). Before: "--workers 3" stayed one word gunicorn does not take as --workers: 1 worker, 1 thread, 1, with
 * nothing said.
 *
 * Procfile: `web: bin/web.sh "--workers 5 --threads 2"` and bin/web.sh runs `exec gunicorn $1 shop.wsgi:application`:
 * gunicorn --workers 5 --threads 2, 5 × 2 = 10. Before: one word, WEB_CONCURRENCY's Heroku default 2 × 1 = 2.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'

describe('unquoted positional parameters split into words', () => {
  it('a shell-form ENTRYPOINT passing CMD on as $0 $@: "--workers 3" is two words, 3 × 2 = 6', () => {
    const r = planJson(fixture('unquoted-args/Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 2})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('assumed')
  })

  it('a script running `gunicorn $1` with the options as one argument: 5 × 2 = 10', () => {
    const r = planJson(procfileOf('unquoted-args'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 5, server: 'gunicorn', threadsPerProcess: 2})
    expect(r.total).toBe(10)
  })
})
