/**
 * Django settings that import, on the path the dyno's env takes, a module .gitignore keeps out of the repository
 * (a developer's local.py): it is never pushed, so on a dyno the import raises ModuleNotFoundError and the process
 * exits at start. Said with the chain (wsgi.py sets Django up → the settings module → `from .local import *`) and the
 * .gitignore line, and counted as if it ran, starred. The shape of pleasedontbelong/front_alerts@b876f8dca431
 * (settings/__init__.py: `from .local import *` unless APP_ENVIRONMENT is 'heroku'; its settings/local.py ignored by a `*` pattern): 2
 * unstarred before, with only "sets no DATABASES conncalc can find".
 *
 * The app (test/fixtures/django-gitignored-local-settings): gunicorn --workers 3, sync (one thread); with
 * ENVIRONMENT=production the settings read production.py's DATABASES (dj_database_url, no pool): one connection per
 * thread, 3 × 1 = 3.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('django-gitignored-local-settings')
const PROCFILE = `${fixture('django-gitignored-local-settings')}/Procfile`
const said = (r: ReturnType<typeof planJson>): string | undefined => r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('keeps it out of git'))?.message
const starred = (r: ReturnType<typeof planJson>): boolean => r.type('web').sources.processesPerDyno?.via?.some((v: {kind: string}) => v.kind === 'assumed') === true

describe('settings importing a gitignored module (test/fixtures/django-gitignored-local-settings)', () => {
  it('ENVIRONMENT unset: the settings import .local, which .gitignore keeps out: said, 3 starred', () => {
    const r = planJson(PROCFILE, ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(3)
    expect(starred(r)).toBe(true)
    expect(said(r)).toBe(
      'web: gunicorn imports kiosk/settings/__init__.py (kiosk/wsgi.py:6 sets Django up (get_wsgi_application()), which imports the settings module kiosk.settings, kiosk/settings/__init__.py), whose line 8 imports .local: kiosk/settings/local.py is not in the repository, .gitignore:4 keeps it out of git (a developer\'s own file, never pushed): on a dyno the import raises ModuleNotFoundError (https://docs.python.org/3/library/importlib.html#importlib.import_module) and the process exits at start; conncalc counts it as if it ran',
    )
    expect(r.diagnostics.find((d) => d.message === said(r))?.fix).toContain('an env var an `if` around line 8 reads')
  })

  it('ENVIRONMENT=production (as the dynos set it): production.py read, 3, nothing said', () => {
    const r = planJson(PROCFILE, ['--scale', 'web=1', '--env', 'ENVIRONMENT=production'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, poolPerProcess: 1})
    expect(said(r)).toBeUndefined()
    expect(starred(r)).toBe(false)
  })

  it('not said when the import is guarded (try/except ImportError, with contextlib.suppress(ImportError)), or .gitignore does not list the module', () => {
    const guarded = app({'kiosk/settings/__init__.py': 'import os\n\nfrom .production import *  # noqa\n\ntry:\n    from .local import *  # noqa\nexcept ImportError:\n    pass\n'})
    // torchbox/torchbox.com@8a6cdb853f0a tbx/settings/production.py: `with contextlib.suppress(ImportError): from .local import *`
    const suppressed = app({'kiosk/settings/__init__.py': 'import contextlib\n\nfrom .production import *  # noqa\n\nwith contextlib.suppress(ImportError):\n    from .local import *  # noqa\n'})
    const suppressedFrom = app({'kiosk/settings/__init__.py': 'from contextlib import suppress\n\nfrom .production import *  # noqa\n\nwith suppress(KeyError, ModuleNotFoundError):\n    from .local import *  # noqa\n'})
    const notIgnored = app({'.gitignore': '__pycache__/\n'})
    for (const dir of [guarded, suppressed, suppressedFrom, notIgnored]) {
      const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
      expect(said(r)).toBeUndefined()
      expect(r.type('web').connectionsPerDyno).toBe(3)
    }
  })

  it('said when the with statement does not catch ImportError (contextlib.suppress(KeyError), open(…))', () => {
    for (const wrap of ['import contextlib\n\nwith contextlib.suppress(KeyError):', 'with open("/dev/null"):']) {
      const dir = app({'kiosk/settings/__init__.py': `from .production import *  # noqa\n\n${wrap}\n    from .local import *  # noqa\n`})
      const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
      expect(said(r)).toContain('imports .local: kiosk/settings/local.py is not in the repository')
      expect(starred(r)).toBe(true)
      expect(r.type('web').connectionsPerDyno).toBe(3)
    }
  })
})
