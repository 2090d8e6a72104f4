/**
 * A thread pool runs at most as many threads at once as it has tasks (concurrent.futures: `submit` hands one task,
 * which one worker thread runs; `map` and a `submit` in a comprehension hand one per item). Made-up Flask app,
 * `gunicorn app:app --workers 2` (1 thread each), psycopg2 opened per request: 1 connection per process, plus the
 * threads of the three pools the app makes in helpers nothing here calls (each counted once, as any start site):
 * - summary_sync: ThreadPoolExecutor(max_workers=4) handed one `submit` and nothing else: 1 at once (was 4);
 * - sizes: ThreadPoolExecutor(max_workers=3) fed by `map`: its 3;
 * - each: ThreadPoolExecutor(max_workers=2) fed by a `submit` in a comprehension: its 2.
 * Per process 1 + 1 + 3 + 2 = 7, per dyno 2 × 7 = 14 (before: 1 + 4 + 3 + 2 = 10, 20).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pools = (summary: string): string =>
  app({
    'Procfile': 'web: gunicorn app:app --workers 2\n',
    'app.py': `import concurrent.futures
import os

import psycopg2
from flask import Flask

app = Flask(__name__)


def summary_sync(text):
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as executor:
${summary}


def sizes(items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(len, items))


def each(items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(len, i) for i in items]
        return [f.result() for f in futures]


@app.route("/")
def index():
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    with conn.cursor() as cur:
        cur.execute("select 1")
        return str(cur.fetchone()[0])
`,
    'requirements.txt': 'Flask==3.0.3\ngunicorn==23.0.0\npsycopg2-binary==2.9.9\n',
  })

const plan = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe('a thread pool handed a known number of tasks', () => {
  it('one `submit` and nothing else: 1 thread at once, not the pool’s 4 (said, with the line)', () => {
    const r = plan(pools('        future = executor.submit(len, text)\n        return future.result(timeout=5)'))
    expect(r.type('web').extras.map((x) => x.count)).toEqual([6])
    expect(r.type('web').connectionsPerProcess).toBe(7)
    expect(r.total).toBe(14)
    expect(JSON.stringify(r.type('web').extras)).toContain('a pool of 4, handed 1 task at app.py:12 and nothing else: 1 at once')
  })

  it('two `submit`s: 2 at once', () => {
    const r = plan(pools('        a = executor.submit(len, text)\n        b = executor.submit(str.upper, text)\n        return a.result(), b.result()'))
    expect(r.type('web').connectionsPerProcess).toBe(1 + 2 + 3 + 2)
    expect(r.total).toBe(16)
  })

  it('a `submit` in a loop: the pool’s 4', () => {
    const r = plan(pools('        for part in text.split():\n            executor.submit(len, part)\n        return 0'))
    expect(r.type('web').connectionsPerProcess).toBe(1 + 4 + 3 + 2)
    expect(r.total).toBe(20)
  })
})
