/**
 * A process type that only sleeps (`web: sleep 7d`, a placeholder kept in the Procfile while the app runs elsewhere) opens
 * no connection: `sleep` waits and exits (GNU coreutils sleep), and the platform starts it again. Counted 0 with that reason,
 * not an unknown command counted 1 × 1.
 *
 * App (temp): requirements.txt with psycopg2 and gunicorn; Procfile web `sleep 7d`, worker `sleep infinity`,
 * clock `python clock.py` (a script with no threads: 1). Total 0 + 0 + 1 = 1 (before: 1* + 1* + 1 = 3, two unknown commands).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('a process type that only sleeps', () => {
  it('holds 0 connections, said, with no unknown-command warning', () => {
    const dir = app({
      Procfile: 'web: sleep 7d\nworker: sleep infinity\nclock: python clock.py\n',
      'clock.py': 'import os\nimport time\n\nimport psycopg2\n\nconn = psycopg2.connect(os.environ["DATABASE_URL"])\nwhile True:\n    conn.cursor().execute("SELECT 1")\n    time.sleep(60)\n',
      'requirements.txt': 'gunicorn==22.0.0\npsycopg2==2.9.9\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1', 'clock=1'])
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 1, server: 'sleep', threadsPerProcess: 0})
    expect(r.type('worker')).toMatchObject({connections: 0, server: 'sleep'})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining('`sleep 7d` only waits')})
    expect(r.total).toBe(1)
    expect(r.codes).not.toContain('unknown-command')
  })
})
