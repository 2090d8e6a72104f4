/**
 * SQLAlchemy engines whose URL conncalc cannot read in full (fixture python-engine-url-unread). Before, any URL but a
 * literal `sqlite…` string was counted as a PostgreSQL database without a word: an app whose settings default to
 * SQLite (mealie-recipes/mealie: 45 counted, 0 by hand) looked like one with three PostgreSQL pools. Now the scheme is
 * read where the text it begins with is known (an f-string, `"sqlite:///" + path`), and an engine whose URL cannot be
 * read is counted as PostgreSQL, an assumption said with its file and line.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('SQLAlchemy engine URLs conncalc cannot read', () => {
  const r = planJson(procfileOf('python-engine-url-unread'), ['--plan', 'standard-0'])

  it('counts the unread URL as PostgreSQL, starred; reads the schemes of the f-string and the concatenation', () => {
    // gunicorn --workers 2 --threads 4. app.py:10 unread URL: QueuePool 5 + 10 = 15, min(15, 4) = 4 (assumed PostgreSQL);
    // app.py:13 f"postgresql+psycopg2://{…}": pool_size=2 + max_overflow=1 = 3, min(3, 4) = 3; app.py:16 "sqlite:///" + …:
    // SQLite, no PostgreSQL connection. 2 × (4 + 3) = 14.
    expect(r.total).toBe(14)
    expect(r.type('web')).toMatchObject({connections: 14, poolPerProcess: 18, processesPerDyno: 2, threadsPerProcess: 4})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual(['pool.engine app.py:10', 'pool.engine app.py:13'])
    const unread = JSON.stringify(r.type('web').sources['pool.engine app.py:10'])
    expect(unread).toContain('the URL of the engine at app.py:10 cannot be read (`settings_provider().database_url` is not something conncalc evaluates): a PostgreSQL database is assumed')
    expect(JSON.stringify(r.type('web').sources['pool.engine app.py:13'])).not.toContain('assumed')
  })

  it('warns once, at the engine whose URL it cannot read', () => {
    const warnings = r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => [d.file, d.line, d.message])
    expect(warnings).toEqual([['app.py', 10, expect.stringContaining('cannot read the URL of the SQLAlchemy engine at app.py:10')]])
  })
})
