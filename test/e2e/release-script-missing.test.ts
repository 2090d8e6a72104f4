/**
 * `release: python manage.py migrate` where the folder the line runs in holds no manage.py (the project lives in src/):
 * Python stops with "can't open file" before it runs anything, the release command fails, and a failing release
 * command stops the deploy (https://devcenter.heroku.com/articles/release-phase). Said, with where the script is, and
 * the release counted as if it ran (1, starred). Not said after `cd src &&`.
 * The app: Django in src/, gunicorn --chdir src --workers 2 (sync, one connection per thread): web 2; release 1 in the
 * deploy peak (3).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const FILES = {
  'requirements.txt': 'Django==4.2.16\ndj-database-url==2.2.0\npsycopg2-binary==2.9.9\ngunicorn==22.0.0\n',
  'src/manage.py': 'import os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n',
  'src/proj/__init__.py': '',
  'src/proj/settings.py': 'import dj_database_url\n\nSECRET_KEY = "x"\nDATABASES = {"default": dj_database_url.config()}\n',
  'src/proj/wsgi.py': 'import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\napplication = get_wsgi_application()\n',
}
const said = (r: ReturnType<typeof planJson>) => r.diagnostics.find((d) => d.processType === 'release' && d.code === 'missing-config')

describe('a release command running a script the folder does not hold', () => {
  it('release: python manage.py migrate with manage.py only in src/: said, with the fix, starred', () => {
    const dir = app({...FILES, Procfile: 'web: gunicorn --chdir src proj.wsgi --workers 2\nrelease: python manage.py migrate --noinput\n'})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(said(r)?.message).toBe('release: manage.py is not in the app: Python stops with "can\'t open file" at start (a script made at build, or one the repo no longer has?) (src/manage.py is); the release command fails, and a failing release command stops the deploy (https://devcenter.heroku.com/articles/release-phase): conncalc counts it as if it ran')
    expect(said(r)?.fix).toBe('run it where the script is: `cd src && python manage.py migrate --noinput`, or `python src/manage.py …`')
    expect(r.type('release').sources.threadsPerProcess?.via?.some((v: {kind: string}) => v.kind === 'assumed')).toBe(true)
    expect(r.total).toBe(2)
    expect(r.deployPeak).toBe(3)
  })

  it('not said after cd src &&, or with python src/manage.py', () => {
    for (const release of ['cd src && python manage.py migrate --noinput', 'python src/manage.py migrate --noinput']) {
      const dir = app({...FILES, Procfile: `web: gunicorn --chdir src proj.wsgi --workers 2\nrelease: ${release}\n`})
      const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
      expect(said(r)).toBeUndefined()
      expect(r.deployPeak).toBe(3)
    }
  })
})
