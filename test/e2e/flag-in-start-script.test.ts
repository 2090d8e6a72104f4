/**
 * A start script's server flag left without a value (test/fixtures/flag-in-start-script): bin/start.sh:5
 * runs `gunicorn … --workers $GUNICORN_WORKERS --threads 4`; with GUNICORN_WORKERS unset the shell
 * leaves `--workers --threads`, which gunicorn cannot take. The warning names the script's line, not the
 * Procfile. gunicorn's workers then fall back to $WEB_CONCURRENCY (the Python buildpack's 2 on standard-1x);
 * threads 4 (gthread) and Django's one connection per thread: 2 × 4 = 8. With GUNICORN_WORKERS=3: 3 × 4 = 12.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('flag-in-start-script'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...args])

describe('an unreadable flag in a start script', () => {
  it('is reported at the script\'s line (bin/start.sh:5), and the count falls back, starred: 2 × 4 = 8', () => {
    const r = plan()
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'bin/start.sh', line: 5, message: expect.stringContaining('cannot read gunicorn workers from `--workers --threads`')}))
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 2, threadsPerProcess: 4})
  })

  it('with GUNICORN_WORKERS=3 the flag is read: 3 × 4 = 12, no warning', () => {
    const r = plan('--env', 'GUNICORN_WORKERS=3')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, processesPerDyno: 3})
    expect(r.codes).not.toContain('unknown-config-value')
  })
})
