/**
 * Only what the deploy installs says which database driver an app has (fixture python-requirements-installed).
 * requirements.txt names requirements/common.txt (Django, dj-database-url and a git requirement whose packages conncalc
 * cannot list); requirements/production.txt lists mysqlclient, but nothing installs it (requirements.txt does not name
 * it, no build hook or Dockerfile installs it). The dyno has no known driver and a package that may pull one in: the
 * Django pool is counted as if it did, starred: gunicorn 3 workers × 1 = 3* (was 0, "the app's database is MySQL").
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('requirements files the deploy installs (fixture python-requirements-installed)', () => {
  it('a requirements file nothing installs is not read as the app\'s driver list', () => {
    const r = planJson(procfileOf('python-requirements-installed'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3})
    expect(r.total).toBe(3)
    expect(r.diagnostics.some((d) => d.code === 'not-postgresql')).toBe(false)
    const unseen = r.diagnostics.find((d) => d.code === 'unknown-config-value')
    expect(unseen).toMatchObject({file: 'requirements/common.txt', line: 4})
    expect(unseen?.message).toContain('requirements.txt, requirements/common.txt list no database driver')
  })
})
