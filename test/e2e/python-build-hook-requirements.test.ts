/**
 * A build hook that replaces the requirements file before the install (fixture python-build-hook-requirements):
 * heroku-buildpack-python runs bin/pre_compile before installing, and this one downloads the release's pinned list
 * over requirements.txt (`curl … -o "$BUILD_DIR/requirements.txt"`). The repository's requirements.txt names only
 * `feedreader-server` (no driver), so what is installed is not known here:
 * - not "no PostgreSQL driver: 0" (was: the no-driver finding, every process 0 but the server-outside star);
 * - not "feedreader is no package the dependency files name: ModuleNotFoundError" (was: web 3* processes);
 * - web: gunicorn imports feedreader.wsgi, a package's module: its pools unread, 3 workers × 1 per thread assumed = 3*;
 * - beat: `celery -A feedreader beat` with the Celery app in that package: its beat_scheduler is unread; a
 *   DatabaseScheduler holds one connection, PersistentScheduler none: 1* (was 0, unstarred).
 * Total 4* (was 3*).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('bin/pre_compile replaces requirements.txt (fixture python-build-hook-requirements)', () => {
  const r = planJson(procfileOf('python-build-hook-requirements'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,beat=1:standard-1x'])

  it('does not decide from the replaced list that no driver or no package is installed', () => {
    expect(r.codes).not.toContain('not-postgresql')
    expect(r.diagnostics.some((d) => d.message.includes('ModuleNotFoundError'))).toBe(false)
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3, threadsPerProcess: 1})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({flag: '--workers 3', kind: 'flag'})
    const web = r.diagnostics.find((d) => d.processType === 'web' && d.code === 'unknown-config-value')
    expect(web?.message).toContain('the requirements.txt bin/pre_compile:7 writes at build time')
  })

  it("stars a beat whose Celery app is a package outside the repository", () => {
    expect(r.type('beat')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(JSON.stringify(r.type('beat').sources.threadsPerProcess)).toContain("celery beat's app feedreader is not in the app")
    expect(r.total).toBe(4)
  })
})
