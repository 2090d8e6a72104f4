/**
 * A module the server imports at start that the app's Python does not compile: the import raises SyntaxError
 * ("This may occur in an import statement", https://docs.python.org/3/library/exceptions.html#SyntaxError), the
 * worker fails to boot and the process exits at start (as for a module Python cannot find). Said (missing-config),
 * and counted as if it ran, starred. The shape of 22-36829/PHOEBE@0841ee8279ee (a statement at column 0 inside a
 * try body of the gunicorn app module, runtime.txt python-3.11.0): 2 unstarred before.
 *
 * The app (test/fixtures/python-module-rejected): gunicorn app:app --workers 2 --threads 4; app.py imports db.py,
 * whose engine has pool_size=3, max_overflow=0 (SQLAlchemy QueuePool: at most 3 connections). Per process
 * min(pool 3, threads 4) = 3; per dyno 2 × 3 = 6, whether counted or starred. runtime.txt asks for Python 3.11,
 * which compiles app.py's match statement (3.10+).
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('python-module-rejected')
const APP = `${fixture('python-module-rejected')}/app.py`
const appPy = (): string => readFileSync(APP, 'utf8')
const dbPy = (): string => readFileSync(`${fixture('python-module-rejected')}/db.py`, 'utf8')

const starred = (r: ReturnType<typeof planJson>): boolean => r.type('web').sources.processesPerDyno?.via?.some((v: {kind: string}) => v.kind === 'assumed') === true
const said = (r: ReturnType<typeof planJson>): string | undefined => r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('does not compile'))?.message

describe('a module the server imports that the app\'s Python does not compile (test/fixtures/python-module-rejected)', () => {
  it('compiles as it is (match under Python 3.11): 6, unstarred, nothing said', () => {
    const r = planJson(`${fixture('python-module-rejected')}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 2})
    expect(said(r)).toBeUndefined()
    expect(starred(r)).toBe(false)
  })

  // app.py unread, its import of db.py is not seen: no pool known, one connection per thread, 2 × 4 = 8.
  it('a statement at column 0 inside a with body of app.py (an IndentationError): said with the line, 8 (no pool read) starred', () => {
    const dir = app({'app.py': appPy().replace('            count = conn.execute', 'count = conn.execute')})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(starred(r)).toBe(true)
    expect(said(r)).toContain('web: gunicorn imports app.py, which Python 3.11 (runtime.txt:1) does not compile: app.py:')
    expect(said(r)).toContain('the import raises SyntaxError')
  })

  it('Python 2 in a module app.py imports at its top (db.py: print "…"): the import chain is named, 6 starred', () => {
    const dir = app({'db.py': `${dbPy()}print "engine ready"\n`})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(starred(r)).toBe(true)
    expect(said(r)).toContain('web: gunicorn imports db.py (app.py:4 imports db.py), which Python 3.11 (runtime.txt:1) does not compile: db.py:7: a Python 2 print statement (`print "engine ready"`)')
    const fix = r.diagnostics.find((d) => d.message === said(r))?.fix
    expect(fix).toContain('port it to Python 3')
  })

  it('no version named: the buildpack\'s Python 3 rejects the Python 2 (`except E, e:` is not flagged alone: 3.14 compiles it)', () => {
    const dir = app({'db.py': 'import os\nfrom sqlalchemy import create_engine\nengine = create_engine(os.environ["DATABASE_URL"], pool_size=3, max_overflow=0)\nif os.environ.get("DEBUG") <> "1":\n    pass\n', 'runtime.txt': ''})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(said(r)).toContain("which Python 3 (the buildpack's default; the app names no version) does not compile: db.py:4: the Python 2 `<>` operator")
    expect(starred(r)).toBe(true)
    const bare = app({'db.py': 'import os\nfrom sqlalchemy import create_engine\ntry:\n    engine = create_engine(os.environ["DATABASE_URL"], pool_size=3, max_overflow=0)\nexcept ValueError, e:\n    raise\n', 'runtime.txt': ''})
    expect(said(planJson(`${bare}/Procfile`, ['--scale', 'web=1']))).toBeUndefined()
  })

  it('runtime.txt python-3.9: the match statement is newer than the app\'s Python; the fix names the version that has it', () => {
    const dir = app({'runtime.txt': 'python-3.9.18\n'})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(said(r)).toContain('which Python 3.9 (runtime.txt:1) does not compile: app.py:10: a match statement (Python 3.10)')
    expect(r.diagnostics.find((d) => d.message === said(r))?.fix).toContain('ask for Python 3.10 or later in runtime.txt')
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(starred(r)).toBe(true)
  })

  // `from lib.db import engine` imports the package lib first: its __init__.py runs before lib/db.py.
  it('Python 2 in the __init__.py of a package a dotted import goes through (app.py: from lib.db import engine): said, 6 starred', () => {
    const dir = app({'app.py': appPy().replace('from db import engine', 'from lib.db import engine'), 'lib/__init__.py': 'print "lib loaded"\n', 'lib/db.py': dbPy()})
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(starred(r)).toBe(true)
    expect(said(r)).toContain('web: gunicorn imports lib/__init__.py (app.py:4 imports lib/__init__.py), which Python 3.11 (runtime.txt:1) does not compile: lib/__init__.py:1: a Python 2 print statement (`print "lib loaded"`)')
  })

  it('not said when the bad module is imported in a try body or a function, or the app names Python 2: 6 unstarred', () => {
    const bad = {'reports.py': 'print "loaded"\n'}
    const guarded = app({...bad, 'app.py': appPy().replace('from db import engine\n', 'from db import engine\n\ntry:\n    import reports\nexcept Exception:\n    reports = None\n')})
    const inFunction = app({...bad, 'app.py': appPy().replace('def describe(kind):\n', 'def describe(kind):\n    import reports\n')})
    const python2 = app({'db.py': `${dbPy()}print "engine ready"\n`, 'app.py': appPy().replace(/def describe[\s\S]*?FROM entries"\n/, 'def describe(kind):\n    return "SELECT count(*) FROM entries"\n'), 'runtime.txt': 'python-2.7.18\n'})
    for (const dir of [guarded, inFunction, python2]) {
      const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
      expect(said(r)).toBeUndefined()
      expect(r.type('web').connectionsPerDyno).toBe(6)
      expect(starred(r)).toBe(false)
    }
  })
})
