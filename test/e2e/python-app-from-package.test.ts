/**
 * A Python process whose app code is not in the repository but in a package its requirements install (uWSGI's
 * `module = teamboard` with `teamboard-server` in requirements.txt; `gunicorn ledgerkit.wsgi:app` with `ledgerkit`):
 * the dependency files list the app's own package, not what that package installs, so "no database driver is listed"
 * says nothing about whether it reaches PostgreSQL. Before, such an app was counted with 0 connections (not-postgresql,
 * an info); now each process is counted as the server runs it (one connection per request thread, no pool known),
 * starred, and the plain output names the module. An app whose code is in the repository and lists no driver stays 0.
 * Made-up apps.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const args = ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']
const json = (dir: string) => planJson(join(dir, 'Procfile'), args)
const plain = (dir: string) => runCliInProcess(['plan', '--procfile', join(dir, 'Procfile'), ...args]).stdout

describe('Python: the app is a package the requirements install (made-up apps)', () => {
  it('uWSGI `module = tb` with a paste config naming egg:teamboard-server (in requirements.txt): 3 processes × 1 thread = 3, starred, not 0', () => {
    const dir = app({
      Procfile: 'web: uwsgi uwsgi.ini\n',
      'production.ini': '[app:main]\nuse = egg:teamboard-server\nsqlalchemy.url = postgresql://localhost/tb\n',
      'requirements.txt': 'uWSGI==2.0.24\nteamboard-server==0.9.1\n',
      'uwsgi.ini': '[uwsgi]\nhttp-socket = :$(PORT)\nmaster = true\nprocesses = 3\nmodule = tb\npaste = config:/app/production.ini\n',
    })
    const r = json(dir)
    // uwsgi.ini processes = 3, threads default 1; the app's pools are in the package, unseen: 1 per thread → 3 × 1 = 3.
    expect(r.type('web')).toMatchObject({connections: 3, processesPerDyno: 3, threadsPerProcess: 1})
    expect(r.total).toBe(3)
    expect(r.codes).not.toContain('not-postgresql')
    // The paste config's egg names the package that provides tb: no "exits at start".
    expect(r.codes).not.toContain('missing-config')
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('uwsgi imports tb')}))
    expect(plain(dir)).toContain('web: uwsgi imports tb (`module = tb`), which is not in the app: its code, and what it installs, come from a package requirements.txt names')
  })

  it('gunicorn of a module named in requirements.txt: 2 workers (heroku/python on standard-1x) × 1 = 2, starred', () => {
    const dir = app({
      Procfile: 'web: gunicorn ledgerkit.wsgi:app\n',
      'requirements.txt': 'gunicorn==22.0.0\nledgerkit==1.4.0\n',
    })
    const r = json(dir)
    // WEB_CONCURRENCY=2 (heroku/python on standard-1x), 1 sync thread, no pool known: 2 × 1 = 2.
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.codes).not.toContain('not-postgresql')
  })

  it('an app whose code is in the repository and lists no driver stays at 0', () => {
    const dir = app({
      Procfile: 'web: gunicorn shop.wsgi:app\n',
      'requirements.txt': 'gunicorn==22.0.0\nflask==3.0.3\n',
      'shop/__init__.py': '',
      'shop/wsgi.py': 'from flask import Flask\napp = Flask(__name__)\n',
    })
    const r = json(dir)
    expect(r.total).toBe(0)
    expect(r.codes).toContain('not-postgresql')
  })
})
