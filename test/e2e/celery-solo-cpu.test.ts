/**
 * `celery worker -P solo` runs one task at a time in the worker process, whatever its concurrency
 * (docs.celeryq.dev concurrency: solo), so the concurrency Celery takes from the dyno's CPU count (8 on standard-1x) is
 * moot: 1 × 1 = 1, and no cpu-count-default warning beside it. The same worker on the default prefork pool forks 8
 * children (8 × 1 = 8) and keeps the warning.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('celery -P solo and the CPU count', () => {
  it('solo: 1, no cpu-count-default; prefork beside it: 8 with the warning', () => {
    const dir = app({
      Procfile: 'solo: celery -A shop worker -P solo --loglevel=INFO\nforks: celery -A shop worker --loglevel=INFO\n',
      'requirements.txt': 'celery==5.4.0\npsycopg2==2.9.9\n',
      'shop.py': "import os\n\nimport psycopg2\nfrom celery import Celery\n\napp = Celery('shop', broker=os.environ.get('REDIS_URL'))\n\n\n@app.task\ndef tally():\n    psycopg2.connect(os.environ['DATABASE_URL']).close()\n",
    })
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'solo=1:standard-1x', 'forks=1:standard-1x'])
    expect(r.type('solo')).toMatchObject({connections: 1, processesPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('forks')).toMatchObject({connections: 8, processesPerDyno: 8})
    expect(r.diagnostics.filter((d) => d.code === 'cpu-count-default').map((d) => d.processType)).toEqual(['forks'])
  })
})
