/**
 * The src layout (src/harbor/…) with a Procfile at the root that names `harbor.wsgi`: Python finds the module only when
 * something puts src/ on sys.path — the app installed as a package (pyproject [project] with `-e .` or `.` in the
 * requirements), PYTHONPATH, gunicorn --chdir/--pythonpath src. With none of them gunicorn's worker raises
 * ModuleNotFoundError and the process exits at start: said, and counted as if it ran (starred), as a module missing
 * from the app is. The app (test/fixtures/python-src-layout): Django, one connection per thread; gunicorn --workers 3
 * sync = 3 × 1 = 3 when it runs.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('python-src-layout')
const SAID = 'web: gunicorn imports harbor.wsgi (`gunicorn harbor.wsgi`), which is src/harbor/wsgi.py: src/ is not on sys.path'

describe('a module only under src/ that nothing puts on the path (test/fixtures/python-src-layout)', () => {
  it('is said (missing-config) and the 3 counted as if it ran, starred', () => {
    const r = planJson(`${fixture('python-src-layout')}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    expect(r.diagnostics.find((d) => d.code === 'missing-config')?.message).toContain(SAID)
    expect(r.type('web').sources.processesPerDyno?.via?.some((v: {kind: string}) => v.kind === 'assumed')).toBe(true)
  })

  it('not said when the app installs itself (`-e .` and a [project]), runs with --chdir src, or PYTHONPATH is set: 3', () => {
    const installed = app({'pyproject.toml': '[project]\nname = "harbor"\nversion = "1.0"\n', 'requirements.txt': 'Django==4.2.11\ndj-database-url==2.1.0\npsycopg2-binary==2.9.9\ngunicorn==21.2.0\n-e .\n'})
    const chdir = app({Procfile: 'web: gunicorn --chdir src harbor.wsgi --workers 3\n'})
    for (const [dir, extra] of [[installed, []], [chdir, []], [fixture('python-src-layout'), ['--env', 'PYTHONPATH=src']]] as const) {
      const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1', ...extra])
      expect(r.type('web').connectionsPerDyno).toBe(3)
      expect(r.diagnostics.some((d) => d.message.includes('src/ is not on sys.path'))).toBe(false)
    }
  })
})
