import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'

/**
 * An app whose functions each call the next five times, ten deep: conncalc walks each definition for its calls and
 * follows calls with known arguments up to 8 deep, so defining f0 alone would walk 5^8 ≈ 390,000 calls. The process
 * type's analysis stops following calls after STATEMENT_BUDGET (400,000) statements and says so: the value the cut
 * call gives (`POOL = f0(5)`, the engine's pool_size) is unknown and assumed, never the 5 a full walk returns silently.
 */
function chainApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-budget-'))
  const lines = ['import os', 'from flask import Flask', 'from sqlalchemy import create_engine', '', '', 'def f9(n):', '    return n', '']
  for (let k = 8; k >= 0; k--) lines.push('', `def f${k}(n):`, ...Array.from({length: 4}, () => `    f${k + 1}(n)`), `    return f${k + 1}(n)`, '')
  lines.push('', 'POOL = f0(5)', "engine = create_engine(os.environ['DATABASE_URL'], pool_size=POOL)", 'app = Flask(__name__)', '')
  writeFileSync(join(dir, 'app.py'), lines.join('\n'))
  writeFileSync(join(dir, 'Procfile'), 'web: gunicorn app:app\n')
  writeFileSync(join(dir, 'requirements.txt'), 'flask\nsqlalchemy\npsycopg2\ngunicorn\n')
  return dir
}

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, {force: true, recursive: true})
})

describe('a Python app whose calls fan out past the statement budget', () => {
  it('ends, says where the analysis stopped following calls, and assumes the value the cut call gives', () => {
    const dir = chainApp()
    dirs.push(dir)
    const plan = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    const web = plan.type('web')
    // pool_size = f0(5) (app.py:82) is not read: SQLAlchemy's QueuePool defaults (pool_size 5 + max_overflow 10 = 15) are assumed.
    expect(web.poolPerProcess).toBe(15)
    const pool = web.sources['pool.engine app.py:83']
    expect(pool.via?.find((v) => v.kind === 'assumed')?.why).toBe(
      "the app sets SQLAlchemy pool_size at app.py:82, which conncalc cannot read (`f0()` is not followed: the analysis of this process type already walked 400,000 statements of the app's Python (conncalc's limit: an app whose functions call many others is walked once per definition and per call), and stops following calls of the app's own functions there; what they return or change is unknown); the default 5 is assumed",
    )
    // gunicorn on standard-1x: WEB_CONCURRENCY 2 (heroku/python), 1 thread each: 2 connections.
    expect(plan.total).toBe(2)
    const stopped = plan.diagnostics.filter((d) => d.message.startsWith("web: stopped following calls of the app's Python functions"))
    expect(stopped).toHaveLength(1)
    expect(stopped[0]).toMatchObject({code: 'unknown-config-value', file: 'app.py', processType: 'web', severity: 'warning'})
  }, 120_000)
})
