/**
 * A Python script that loads no database library but starts other programs (subprocess.Popen for a scheduler and N
 * queue workers, os.system) is a launcher: the programs are processes of their own on the dyno, each with what it
 * loads, and conncalc does not follow them. It was counted 0 ("imports no database library"), silently; now 1
 * assumed, with an unknown-command warning on the line that starts them. Apps of our own, written here.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const temp = tempApps()
const django = {
  'manage.py': 'import os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_app.settings")\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n',
  'requirements.txt': 'Django==4.2.1\ndj-database-url==2.0.0\npsycopg2==2.9.6\ndjango-rq==2.8.0\ngunicorn==21.2.0\n',
  'site_app/__init__.py': '',
  'site_app/settings.py': 'import dj_database_url\n\nDATABASES = {"default": dj_database_url.config()}\n',
}

describe('a Python script that starts other programs (a launcher)', () => {
  it('Popen in a loop over commands it builds: 1 assumed, warned at the Popen line', () => {
    const dir = temp.app({
      ...django,
      'Procfile': 'web: gunicorn site_app.wsgi --workers 2\nworker: python -u run_workers.py\n',
      'run_workers.py': 'import os\nimport time\nfrom subprocess import Popen\n\nCOUNT = int(os.environ.get("WORKERS", 3))\ncommands = ["python manage.py rqscheduler"] + ["python manage.py rqworker default"] * COUNT\nchildren = [Popen(c, shell=True) for c in commands]\nwhile all(p.poll() is None for p in children):\n    time.sleep(1)\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1,worker=1'])
    const worker = r.type('worker')
    expect(worker).toMatchObject({connectionsPerDyno: 1, server: 'python-script', threadsPerProcess: 1})
    expect(worker.sources.threadsPerProcess?.source.kind).toBe('assumed')
    const warning = r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === 'worker')
    expect(warning).toMatchObject({file: 'run_workers.py', line: 7})
    expect(warning?.message).toContain('starts other programs (Popen at run_workers.py:7)')
    // web: 2 gunicorn workers × 1 (Django, sync) = 2; total 2 + 1
    expect(r.type('web').connectionsPerDyno).toBe(2)
    expect(r.total).toBe(3)
  })

  it('os.system with the command written out: the command is named; a script that starts nothing stays 0', () => {
    const dir = temp.app({
      ...django,
      'Procfile': 'jobs: python jobs.py\nclock: python clock.py\n',
      'clock.py': 'import time\n\nwhile True:\n    print("tick")\n    time.sleep(60)\n',
      'jobs.py': 'import os\n\nos.system("python manage.py rqworker high default")\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'jobs=1,clock=1'])
    expect(r.type('jobs').connectionsPerDyno).toBe(1)
    expect(r.diagnostics.find((d) => d.processType === 'jobs' && d.code === 'unknown-command')?.message).toContain('system("python manage.py rqworker high default") at jobs.py:3')
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 0, threadsPerProcess: 0})
    expect(r.total).toBe(1)
  })
})
