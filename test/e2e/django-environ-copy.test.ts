/**
 * Settings that read a copy of the environment, `env = os.environ.copy()`, then `if "DATABASE_URL" in env:`
 * (Torchbox's Wagtail settings do): the copy is read as os.environ, so the branch is decided — the Heroku
 * Postgres add-on sets DATABASE_URL — instead of "cannot read DATABASES".
 * Fixture test/fixtures/django-environ-copy: gunicorn --threads 4, the buildpack's WEB_CONCURRENCY=2 on
 * standard-1x; Django one connection per thread on the `default` alias: 2 × 4 = 8 per dyno.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Django settings reading os.environ.copy()', () => {
  it('decides `"DATABASE_URL" in env`: 2 workers × 4 threads = 8, no unknown-config-value', () => {
    const r = planJson(procfileOf('django-environ-copy'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, connectionsPerProcess: 4, processesPerDyno: 2})
    expect(r.codes).not.toContain('unknown-config-value')
    expect(r.type('web').sources['pool.default'].source).toMatchObject({file: 'site/settings.py', line: 11})
  })
})
