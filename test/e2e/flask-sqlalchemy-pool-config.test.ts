/**
 * Flask-SQLAlchemy's pool from its pre-3.0 config keys, on the app's own subclass of its
 * SQLAlchemy class (test/fixtures/flask-sqlalchemy-pool-config; alphagov/GSA
 * notifications-api's shape, whose pool was "not known" and counted one per greenlet).
 * app/config.py: SQLALCHEMY_POOL_SIZE = 8, SQLALCHEMY_MAX_OVERFLOW = 2.
 * Flask-SQLAlchemy 2.5.1 apply_pool_defaults → create_engine(pool_size=8, max_overflow=2): 10 per
 * process (flask_sqlalchemy/__init__.py); 3.0 removed the keys (CHANGES.rst 3.0.0 "Remove previously
 * deprecated code"), so QueuePool's 5 + 10 = 15 apply.
 * web: gunicorn_config.py workers = 4, eventlet, worker_connections = 256: min(pool, 256) per process.
 * worker: celery --concurrency=4, prefork, one task at a time: 4 × min(pool, 1) = 4.
 */
import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {pinnedVersion} from '../../src/languages/python/pins.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`flask-sqlalchemy-pool-config/${v}`), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1'])

describe('Flask-SQLAlchemy SQLALCHEMY_POOL_SIZE / SQLALCHEMY_MAX_OVERFLOW', () => {
  it('2.5.1 pinned: read through the subclass, 8 + 2 = 10 per process; web 4 × min(10, 256) = 40, worker 4 × 1 = 4', () => {
    const r = plan('v2')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 40, poolPerProcess: 10, processesPerDyno: 4, threadsPerProcess: 256})
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4})
    expect(r.total).toBe(44)
    const pool = r.type('web').sources['pool.flask-sqlalchemy']
    expect(pool.source).toEqual({file: 'app/config.py', kind: 'file', line: 7})
    expect(pool.via).toContainEqual({file: 'requirements.txt', kind: 'file', line: 2})
    expect(pool.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('Flask-SQLAlchemy 2.5.1 (< 3.0) passes SQLALCHEMY_POOL_SIZE')}))
    // The pool (10) bounds the 256 greenlets: no "only a pool bounds them" note, and nothing assumed.
    expect(r.codes).not.toContain('greenlet-concurrency')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('3.0.5 pinned: the keys are not read, said; QueuePool 5 + 10 = 15, web 4 × 15 = 60', () => {
    const r = plan('v3')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 60, poolPerProcess: 15})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('Flask-SQLAlchemy 3.0.5 no longer reads SQLALCHEMY_POOL_SIZE')}))
    expect(r.total).toBe(64)
  })

  it('pinned to a git commit: < 3.0 assumed because the app sets the keys, labelled; 10 per process', () => {
    const r = plan('unpinned')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 40, poolPerProcess: 10})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('Flask-SQLAlchemy < 3.0 is assumed')}))
  })

  it('pinned to a git tag (@3.0.5): 3.0.5 read from the URL, the keys are not read; 4 × (5 + 10) = 60, worker 4 → 64', () => {
    const r = plan('git-tag')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 60, poolPerProcess: 15})
    expect(r.type('web').sources['pool.flask-sqlalchemy'].via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('Flask-SQLAlchemy 3.0.5 no longer reads SQLALCHEMY_POOL_SIZE')}))
    expect(r.total).toBe(64)
  })

  it('a git URL gives a version only from a dotted tag or an #egg=Name==version fragment', () => {
    const pin = (text: string, file = 'requirements.txt') => pinnedVersion(memoryFiles({[file]: text}), 'flask-sqlalchemy')
    expect(pin('Flask==2.1.2\nflask-sqlalchemy @ git+https://github.com/o/flask-sqlalchemy.git@v2.5.1\n')).toEqual({file: 'requirements.txt', line: 2, version: '2.5.1'})
    // pip-tools' input names the version in the legacy egg fragment; the compiled file only has the commit.
    const both = memoryFiles({
      'requirements.in': 'Flask==2.1.2\ngit+https://github.com/o/flask-sqlalchemy.git@500e732#egg=Flask-SQLAlchemy==2.3.2.dev20190108\n',
      'requirements.txt': 'flask-sqlalchemy @ git+https://github.com/o/flask-sqlalchemy.git@500e732dd1b975a56ab06a46bd1a20a21e682262\n',
    })
    expect(pinnedVersion(both, 'flask-sqlalchemy')).toEqual({file: 'requirements.in', line: 2, version: '2.3.2.dev20190108'})
    // A commit (even all digits), a branch, or a commented-out line: no version.
    expect(pin('flask-sqlalchemy @ git+https://github.com/o/flask-sqlalchemy.git@1234567\n')).toBeUndefined()
    expect(pin('flask-sqlalchemy @ git+https://github.com/o/flask-sqlalchemy.git@main\n')).toBeUndefined()
    expect(pin('# git+https://github.com/o/x.git#egg=Flask-SQLAlchemy==2.4.0\n')).toBeUndefined()
  })

  it('pins compare by PEP 503 name, in requirements and lock files, with their line', () => {
    expect(pinnedVersion(memoryFiles({'requirements.txt': 'Flask==2.0.3\nflask_SQLAlchemy == 2.4.4\n'}), 'flask-sqlalchemy')).toEqual({file: 'requirements.txt', line: 2, version: '2.4.4'})
    // "flask" is not "flask-sqlalchemy", nor the other way round.
    expect(pinnedVersion(memoryFiles({'requirements.txt': 'Flask-SQLAlchemy==2.4.4\n'}), 'flask')).toBeUndefined()
    expect(pinnedVersion(memoryFiles({'poetry.lock': '[[package]]\nname = "flask-sqlalchemy"\nversion = "3.1.1"\n'}), 'flask-sqlalchemy')).toEqual({file: 'poetry.lock', line: 3, version: '3.1.1'})
    expect(pinnedVersion(memoryFiles({'requirements.txt': 'flask-sqlalchemy>=2\n'}), 'flask-sqlalchemy')).toBeUndefined()
    // A dev or post release in a lock (cds-snc/notification-api's poetry.lock: a fork's 2.3.2.dev version).
    expect(pinnedVersion(memoryFiles({'poetry.lock': '[[package]]\nname = "Flask-SQLAlchemy"\nversion = "2.3.2.dev20260422"\n'}), 'flask-sqlalchemy')).toEqual({file: 'poetry.lock', line: 3, version: '2.3.2.dev20260422'})
    expect(pinnedVersion(memoryFiles({'Pipfile.lock': '{"default": {"flask-sqlalchemy": {"hashes": [], "version": "==2.5.1.post1"}}}'}), 'flask-sqlalchemy')).toEqual({file: 'Pipfile.lock', line: 1, version: '2.5.1.post1'})
  })
})
