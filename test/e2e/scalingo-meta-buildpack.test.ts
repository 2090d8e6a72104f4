/**
 * La Suite numérique's Scalingo shape (suitenumerique/meet, docs, drive; fixture scalingo-meta-buildpack): nothing at
 * the repository root passes a language buildpack's detection (the backend is src/backend/pyproject.toml), no buildpack
 * is named in the repository (BUILDPACK_URL is set on the platform: a meta-buildpack builds src/backend with the Python
 * buildpack and deploy/paas with the nginx one, then moves both to the root). The web process is
 * bin/buildpack_start.sh: `gunicorn … &`, `bin/run &`, `wait -n`.
 * - gunicorn's workers are WEB_CONCURRENCY, which the Python buildpack's .profile.d sets (min(nproc × 2 + 1, MB ÷ 256):
 *   4 on standard-2x), taken as the last buildpack because the web process runs gunicorn — an assumption, starred
 *   (was 1, shown as gunicorn's plain default "when WEB_CONCURRENCY is unset").
 * - bin/run is not in the repository; deploy/paas/servers.conf.erb is the config the nginx buildpack's bin/run renders
 *   (Scalingo/nginx-buildpack bin/compile), so bin/run is that buildpack's nginx: 0 (was 1*, an unknown command).
 * 4 × 1 + 0 = 4 per dyno.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Scalingo meta-buildpack app (fixture scalingo-meta-buildpack)', () => {
  it('gunicorn takes the Python buildpack\'s WEB_CONCURRENCY (assumed), bin/run is the nginx buildpack\'s: 4 per standard-2x dyno', () => {
    const r = planJson(procfileOf('scalingo-meta-buildpack'), ['--plan', 'standard-0', '--scale', 'web=2:standard-2x'])
    expect(r.type('web')).toMatchObject({connections: 8, connectionsPerDyno: 4, processesPerDyno: 4, server: 'gunicorn'})
    const workers = r.type('web').sources.processesPerDyno
    expect(workers.source.kind).toBe('assumed')
    expect(workers.source.why).toContain('the web process runs gunicorn in bin/buildpack_start.sh (Procfile:1)')
    expect(r.total).toBe(8)
    expect(r.codes).not.toContain('unknown-command')
  })
})
