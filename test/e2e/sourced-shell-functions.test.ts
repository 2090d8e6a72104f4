/**
 * Start scripts that call functions defined in the files they source, and read `$?`
 * (test/fixtures/sourced-shell-functions; the shape of CMSgov/bluebutton-web-server's
 * ops/containers/bb-api/scripts/internal/entrypoint.bash).
 *
 * web: bin/entrypoint.bash sources bin/lib/checks.bash and bin/lib/launch.bash, then calls their functions. `source`
 * runs a file in the current shell, so the functions it defines stay defined after it (bash manual, "Bourne Shell
 * Builtins": `.`/`source`). launch_web runs `gunicorn … --workers ${GUNICORN_WORKERS} --threads 2` with
 * GUNICORN_WORKERS defaulted to 3 by the script; check_step reads `result=$?` right after `STEP=$1`, an assignment,
 * whose status is 0 (bash manual, "Simple Command Expansion": with no command name, the status is 0 unless a command
 * substitution ran), so it returns 0 and the script goes on. Django opens one connection per thread:
 * 3 workers × 2 threads = 6 per dyno. Before: the sourced file's functions were lost (1*, "conncalc does not
 * recognise"), and `$?` read as an empty string made check_step exit.
 *
 * worker: bin/checked-start.bash runs `manage.py check --deploy`, then `if [ "$?" != "0" ]; then … exit 1; fi`, then
 * `exec gunicorn … --workers 2`. The check's status is not known here, so the test is not decided (the guard that
 * exits is passed, as for other guards): gunicorn's 2 workers × 1 thread = 2. Before: `$?` was "", the test true,
 * the script taken to exit there, and `manage.py check` counted as the process (1).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('sourced-shell-functions'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', ...args])

describe('start scripts calling functions of sourced files', () => {
  it('web runs the sourced launch_web: gunicorn 3 workers × 2 threads = 6', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 2})
    expect(r.diagnostics).not.toContainEqual(expect.objectContaining({code: 'unknown-command', processType: 'web'}))
  })

  it('GUNICORN_WORKERS=5 reaches the function: 5 × 2 = 10', () => {
    expect(plan('--env', 'GUNICORN_WORKERS=5').type('web')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 5})
  })

  it('worker: `$?` of a command not run here leaves the guard undecided; gunicorn 2 workers = 2', () => {
    expect(plan().type('worker')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2, server: 'gunicorn'})
  })

  it('the total is 6 + 2 = 8', () => {
    expect(plan().total).toBe(8)
  })
})
