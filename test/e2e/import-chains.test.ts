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
    const files: Record<string, string> = {'Procfile': 'web: gunicorn app.m0:app --workers 2 --threads 8\n', 'app/__init__.py': '', 'requirements.txt': 'gunicorn\nSQLAlchemy\n'}
    for (let i = 0; i < N - 1; i++) files[`app/m${i}.py`] = `import app.m${i + 1}\n\napp = None\n`
    files[`app/m${N - 1}.py`] = 'import os\n\nimport app.m0\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.environ["DATABASE_URL"], pool_size=7, max_overflow=0)\n'
    const r = planJson(app(files), ['--scale', 'web=1'])
    // 2 workers × min(pool 7, 8 threads) = 14 on one dyno.
    expect(r.type('web')).toMatchObject({connections: 14, connectionsPerProcess: 7, poolPerProcess: 7})
    expect(r.type('web').sources[`pool.engine app/m${N - 1}.py:6`].source).toEqual({file: `app/m${N - 1}.py`, kind: 'file', line: 6})
  })
})
