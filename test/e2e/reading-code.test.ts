import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'

const roots: string[] = []
afterAll(() => {
  for (const r of roots) rmSync(r, {force: true, recursive: true})
})

/** An app written by the test: a chain of N modules, each importing the next, the last one importing the first again. */
function app(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'conncalc-chain-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), {recursive: true})
    writeFileSync(join(root, path), text)
  }

  return join(root, 'Procfile')
}

const N = 150

describe('import chains are followed to their end, cycles included', () => {
  it(`Python: the SQLAlchemy engine ${N} imports away from the gunicorn app module is the pool`, () => {
    const files: Record<string, string> = {'Procfile': 'web: gunicorn app.m0:app --workers 2 --threads 8\n', 'app/__init__.py': '', 'requirements.txt': 'gunicorn\nSQLAlchemy\npsycopg2-binary\n'}
    for (let i = 0; i < N - 1; i++) files[`app/m${i}.py`] = `import app.m${i + 1}\n\napp = None\n`
    files[`app/m${N - 1}.py`] = 'import os\n\nimport app.m0\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"], pool_size=7, max_overflow=0)\n'
    const r = planJson(app(files), ['--scale', 'web=1'])
    // 2 workers × min(pool 7, 8 threads) = 14 on one dyno.
    expect(r.type('web')).toMatchObject({connections: 14, connectionsPerProcess: 7, poolPerProcess: 7})
    expect(r.type('web').sources[`pool.engine app/m${N - 1}.py:6`].source).toEqual({file: `app/m${N - 1}.py`, kind: 'file', line: 6})
  })

  it(`Node: the pg Pool ${N} requires away from the entry is the pool (the walk used to stop at 60 files, silently)`, () => {
    const files: Record<string, string> = {'Procfile': 'web: node server.js\n', 'package.json': '{"name": "chain", "dependencies": {"pg": "^8.13.1"}}\n', 'server.js': "require('./lib/m0')\n"}
    for (let i = 0; i < N - 1; i++) files[`lib/m${i}.js`] = `require('./m${i + 1}')\nmodule.exports = {}\n`
    files[`lib/m${N - 1}.js`] = "const {Pool} = require('pg')\nrequire('./m0')\n\nmodule.exports = new Pool({max: 7})\n"
    const r = planJson(app(files), ['--scale', 'web=2'])
    // One node process per dyno holding a pool of 7: 2 dynos × 7 = 14.
    expect(r.type('web')).toMatchObject({connections: 14, poolPerProcess: 7, processesPerDyno: 1})
    expect(r.codes).not.toContain('unknown-config-value')
  })
})

describe('an import cycle is named as one, not as an unreadable value', () => {
  it('Node: db.js takes poolMax from server.js, which requires db.js first: the cycle is said, pg\'s 10 assumed', () => {
    const files = {
      'Procfile': 'web: node server.js\n',
      'db.js': "const {Pool} = require('pg')\nconst {poolMax} = require('./server')\n\nmodule.exports = new Pool({max: poolMax})\n",
      'package.json': '{"dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const db = require('./db')\n\nmodule.exports = {poolMax: 15, db}\n",
    }
    // Node hands db.js the exports server.js has assigned so far (none): max is undefined, pg's default 10 applies.
    const r = planJson(app(files), ['--scale', 'web=1'])
    expect(r.type('web').poolPerProcess).toBe(10)
    const why = "'./server' is server.js, which is still loading when db.js imports it (an import cycle: server.js → db.js → server.js), so what it exports is not known here"
    expect(r.type('web').sources['pool.pg db.js:4'].via).toContainEqual({kind: 'assumed', why: expect.stringContaining(why)})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'db.js', line: 2, message: expect.stringContaining(why)}))
  })
})

describe('a number the app sets in a way conncalc cannot read is an assumption, never a silent default', () => {
  it('Python: SQLAlchemy pool_size from a comprehension is the default 5, marked assumed and named with its line', () => {
    const files = {
      'Procfile': 'web: gunicorn app.main:app --workers 2 --threads 8\n',
      'app/__init__.py': '',
      'app/main.py': 'import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"], pool_size=[n for n in range(3)][0], max_overflow=2)\napp = None\n',
      'requirements.txt': 'gunicorn\nSQLAlchemy\npsycopg2-binary\n',
    }
    const r = planJson(app(files), ['--scale', 'web=1'])
    // QueuePool default pool_size 5 (assumed) + max_overflow 2 = 7.
    const pool = r.type('web').sources['pool.engine app/main.py:4']
    expect(r.type('web').poolPerProcess).toBe(7)
    expect(pool.via).toContainEqual({kind: 'assumed', why: expect.stringContaining('SQLAlchemy pool_size at app/main.py:4')})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'app/main.py', line: 4}))
  })

  it('Node: pg Pool options a function returns are pg’s default 10, marked assumed and named with its line', () => {
    const files = {'Procfile': 'web: node server.js\n', 'package.json': '{"dependencies": {"pg": "^8.13.1"}}\n', 'server.js': "const {Pool} = require('pg')\n\nconst pool = new Pool(poolOptions())\n"}
    const r = planJson(app(files), ['--scale', 'web=1'])
    const pool = r.type('web').sources['pool.pg server.js:3']
    expect(r.type('web').poolPerProcess).toBe(10)
    expect(pool.via).toContainEqual({kind: 'assumed', why: expect.stringContaining('the pg options at server.js:3')})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'server.js', line: 3}))
  })
})
