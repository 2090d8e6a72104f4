/**
 * The server a Procfile line starts is in no file the Python buildpack installs from: the command is not found and the
 * process exits at start. Said (missing-config, on the Procfile line), its processes starred, counted as if it ran.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {serverNotInstalled} from '../../src/languages/python/installed.js'
import {memoryFiles} from '../../src/model/files.js'
import type {AnalyzerContext} from '../../src/languages/common/types.js'

describe('a server no dependency file installs (fixture python-server-not-installed)', () => {
  const r = planJson(procfileOf('python-server-not-installed'), ['--limit', '120'])
  const missing = r.diagnostics.filter((d) => d.code === 'missing-config')

  it('gunicorn (named only in a comment) is said on its line; uvicorn (fastapi[standard]), rq (flask-rq2) and celery (-r requirements/base.txt) are not', () => {
    expect(missing.map((d) => [d.processType, d.file, d.line])).toEqual([['web', 'Procfile', 1]])
    expect(missing[0].message).toContain('web: `gunicorn shop.wsgi:app --workers …` runs gunicorn, but no file the Python buildpack installs from names gunicorn (requirements.txt, requirements/base.txt): unless a package listed there depends on it, the command is not found')
    expect(r.exit).toBe(0)
  })

  it('the numbers stay as if it ran, web\'s processes starred', () => {
    // web: --workers 2 × min(pool 4, 1 sync thread) = 2; api: WEB_CONCURRENCY 2 (standard-1x) × pool 4 on the event loop = 8;
    // jobs: rq 1 × 1 = 1; queue: -c 3 × min(4, 1) = 3. Total 2 + 8 + 1 + 3 = 14.
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('counted as if gunicorn were installed')}))
    expect(r.type('queue').sources.processesPerDyno.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.total).toBe(14)
  })
})

describe('which files say a server is installed', () => {
  const ctx = (argv: string[], files: Record<string, string>): AnalyzerContext =>
    ({appEnv: 'production', command: {argv, raw: argv.join(' '), wrappers: []}, env: new Map(), files: memoryFiles(files), processType: 'web', versions: {}}) as unknown as AnalyzerContext

  it('a lock file lists dependencies of dependencies: gunicorn only in Pipfile.lock is installed', () => {
    expect(serverNotInstalled(ctx(['gunicorn', 'app:app'], {Pipfile: '[packages]\nflask = "*"\n', 'Pipfile.lock': '{"default": {"gunicorn": {"version": "==22.0.0"}}}'}))).toBeUndefined()
  })

  it('a lock file that does not name it: said without "unless a package depends on it" (the lock lists them all)', () => {
    const said = serverNotInstalled(ctx(['python', '-m', 'uvicorn', 'app:app'], {'poetry.lock': '[[package]]\nname = "starlette"\n', 'pyproject.toml': '[tool.poetry.dependencies]\nstarlette = "^0.37"\n'}))
    expect(said?.diagnostic.message).toContain('names uvicorn (poetry.lock, pyproject.toml): the command is not found (or `python -m` says "No module named uvicorn")')
  })

  it('nothing is said when conncalc cannot read every file: a -r file not in the app, a Docker build (heroku.yml), no dependency file', () => {
    expect(serverNotInstalled(ctx(['gunicorn', 'app:app'], {'requirements.txt': '-r requirements/prod.txt\nflask\n'}))).toBeUndefined()
    expect(serverNotInstalled(ctx(['gunicorn', 'app:app'], {'heroku.yml': 'build:\n  docker:\n    web: Dockerfile\n', 'requirements.txt': 'flask\n'}))).toBeUndefined()
    expect(serverNotInstalled(ctx(['gunicorn', 'app:app'], {'app.py': ''}))).toBeUndefined()
  })

  it('a build hook that installs it, and a plugin whose name has the server\'s as a part, count as installed', () => {
    expect(serverNotInstalled(ctx(['gunicorn', 'app:app'], {'bin/post_compile': 'pip install gunicorn\n', 'requirements.txt': 'flask\n'}))).toBeUndefined()
    expect(serverNotInstalled(ctx(['celery', '-A', 'app', 'worker'], {'requirements.txt': 'django-celery-beat==2.6.0\n'}))).toBeUndefined()
    expect(serverNotInstalled(ctx(['celery', '-A', 'app', 'worker'], {'requirements.txt': 'django==5.0\n'}))?.diagnostic.message).toContain('names celery (requirements.txt)')
  })

  it("django-toolbelt (Heroku's Django starter package) installs gunicorn: not said; without it, said", () => {
    expect(serverNotInstalled(ctx(['gunicorn', 'shop.wsgi'], {'requirements.txt': 'Django==1.9\ndjango-toolbelt==0.0.1\n'}))).toBeUndefined()
    expect(serverNotInstalled(ctx(['gunicorn', 'shop.wsgi'], {'requirements.txt': 'Django==1.9\ndj-database-url==0.3.0\n'}))?.diagnostic.message).toContain('names gunicorn (requirements.txt)')
  })
})
