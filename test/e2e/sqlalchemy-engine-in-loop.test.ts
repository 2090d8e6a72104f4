/**
 * An SQLAlchemy engine built in a loop or comprehension builds one engine per item: fecgov/openFEC@ee6595e0ed3a
 * webservices/rest.py builds its follower engines as `[sa.create_engine(follower, pool_size=50, max_overflow=50, …) for
 * follower in followers if follower.strip()]` over the SQLA_FOLLOWERS env var (default '', no engine). How many items
 * there are conncalc does not count: one engine is counted, starred, and --explain says why. Before, the one engine was
 * counted as read (openFEC: 9 gevent workers × (100 + 100) = 1800 unstarred, half of it from followers it may not have).
 *
 * The app: gunicorn --workers 2 --threads 4 (gthread); engine app.py:7 pool 3 (3 + 0), the other engine pool 2 (2 + 0):
 * per process min(3, 4) + min(2, 4) = 5, 2 × 5 = 10 either way; starred only in the loop.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const HEAD = 'import os\n\nfrom flask import Flask\nfrom sqlalchemy import create_engine\n\napp = Flask(__name__)\nengine = create_engine(os.environ["DATABASE_URL"], pool_size=3, max_overflow=0)\n'
const FILES = {Procfile: 'web: gunicorn app:app --workers 2 --threads 4\n', 'requirements.txt': 'Flask==3.0.0\nSQLAlchemy==2.0.25\npsycopg2==2.9.9\ngunicorn==21.2.0\n'}
const loopWhy = (r: ReturnType<typeof planJson>, line = 8): string | undefined =>
  r.type('web').sources[`pool.engine app.py:${line}`]?.via?.find((v: {kind: string; why?: string}) => v.kind === 'assumed')?.why

describe('an SQLAlchemy engine built in a loop or comprehension', () => {
  const cases = {
    comprehension: {at: 8, code: 'followers = [create_engine(url, pool_size=2, max_overflow=0) for url in os.environ.get("FOLLOWER_URLS", "").split(",") if url]\n'},
    'for loop': {at: 10, code: 'engines = []\nfor url in os.environ.get("SHARD_URLS", "").split(","):\n    engines.append(create_engine(url, pool_size=2, max_overflow=0))\n'},
  }
  for (const [shape, {at, code}] of Object.entries(cases)) {
    it(`${shape}: one engine counted, starred, with why: 2 × (3 + 2) = 10`, () => {
      const r = planJson(`${app({...FILES, 'app.py': HEAD + code})}/Procfile`, ['--scale', 'web=1'])
      expect(r.type('web')).toMatchObject({connectionsPerDyno: 10, connectionsPerProcess: 5, poolPerProcess: 5})
      expect(loopWhy(r, at)).toBe(`the engine at app.py:${at} is built in a loop or comprehension, one per item; how many items there are conncalc does not count (none for an empty list): one engine counted`)
    })
  }

  it('the same engine built once, outside a loop: 10, not starred', () => {
    const r = planJson(`${app({...FILES, 'app.py': HEAD + 'follower = create_engine(os.environ["DATABASE_URL"], pool_size=2, max_overflow=0)\n'})}/Procfile`, ['--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 10, poolPerProcess: 5})
    expect(loopWhy(r)).toBeUndefined()
  })
})
