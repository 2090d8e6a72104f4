/**
 * SQLAlchemy options conncalc cannot read (fixture python-engine-options-unread): `create_engine(url,
 * **REPORTING_OPTIONS)` with the options imported from a package outside the app, and Flask-SQLAlchemy's
 * SQLALCHEMY_ENGINE_OPTIONS spreading in what a function returns. Before, a keyword that could be in the
 * unread options was taken as unset and SQLAlchemy's default counted as a plain default, without a word.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('SQLAlchemy options that cannot be read', () => {
  const r = planJson(procfileOf('python-engine-options-unread'), ['--plan', 'standard-0'])

  it('counts QueuePool defaults for both engines as assumptions', () => {
    // QueuePool defaults pool_size 5 + max_overflow 10 = 15 per engine (sqlalchemy/pool/impl.py), two engines.
    // gunicorn --workers 2 --threads 8: each engine min(15, 8) = 8 → 16 per process, 2 × 16 = 32; ceiling 2 × 30 = 60.
    expect(r.total).toBe(32)
    expect(r.type('web')).toMatchObject({connections: 32, poolPerProcess: 30, processesPerDyno: 2, threadsPerProcess: 8})
    const engine = JSON.stringify(r.type('web').sources['pool.engine app.py:16'])
    expect(engine).toContain('pool_size may be set in the options at app.py:16, which conncalc cannot read')
    expect(engine).toContain('max_overflow may be set in the options at app.py:16')
    expect(JSON.stringify(r.type('web').sources['pool.flask-sqlalchemy'])).toContain('pool_size may be set in the options at app.py:12, which conncalc cannot read (they spread in a dict conncalc cannot read)')
  })

  it('warns once per engine, at the options', () => {
    const warnings = r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => [d.file, d.line, d.severity])
    expect(warnings).toEqual([['app.py', 12, 'warning'], ['app.py', 16, 'warning']])
  })
})
