/**
 * A script that runs itself again by `$0` (serl/ttrss-heroku's update.sh: the `icons` branch clears a column, then
 * `"$0"` runs the script with no argument, whose default branch updates the feeds). `$0` is the path the script was
 * started by; conncalc does not follow a script into itself, and now says that, where it reported a program named ""
 * (`$0` has no value in the env). `$0` anywhere else on a line is left as it was. A made-up Flask app.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const FILES = {
  'app.py': 'import os\nfrom flask import Flask\nfrom sqlalchemy import create_engine\n\napp = Flask(__name__)\nengine = create_engine(os.environ["DATABASE_URL"], pool_size=3, max_overflow=0)\n',
  'requirements.txt': 'flask==3.0.3\ngunicorn==23.0.0\npsycopg2-binary==2.9.9\nSQLAlchemy==2.0.36\n',
  'run.sh': '#!/bin/bash\ncase "$1" in\n  again)\n    echo "usage: $0 [again]"\n    "$0"\n    ;;\n  *)\n    exec gunicorn app:app\n    ;;\nesac\n',
}

describe('a script that runs itself by $0', () => {
  it('says the script is run again from inside itself, not a program named ""', () => {
    const dir = app({...FILES, Procfile: 'web: ./run.sh\nagain: ./run.sh again\n'})
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'again=1:standard-1x'])
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({file: 'run.sh', line: 5, message: 'again: run.sh is run again from inside itself (run.sh → run.sh); conncalc does not follow a script into itself', processType: 'again'}),
    )
    expect(r.diagnostics.filter((d) => d.message.includes('recognise ""'))).toEqual([])
    // Not followed, so nothing stays up that conncalc read: the one-connection assumption, starred.
    expect(r.type('again').connections).toBe(1)
    expect(r.type('again').sources.processesPerDyno.source).toMatchObject({kind: 'assumed'})
    // web, the default branch, is untouched: gunicorn WEB_CONCURRENCY 2 × 1.
    expect(r.type('web').connections).toBe(2)
  })
})
