/**
 * Start scripts that gather a server's options in bash arrays, and a Dockerfile whose shell-form ENTRYPOINT passes
 * CMD's words on as `$0 $@` (test/fixtures/shell-arrays; the shapes of openfoodfacts/robotoff's Dockerfile and
 * docker/docker-entrypoint.sh, and of baserow's and mathesar's start scripts).
 *
 * web: bin/start-web.sh builds GUNICORN_ARGS=(--bind … --workers "${WEB_WORKERS:-3}"), appends (--threads 2 …) with
 * `+=`, sets EXTRA_ARGS=() and runs `exec gunicorn "${GUNICORN_ARGS[@]}" "${EXTRA_ARGS[@]}" shop.wsgi:application`.
 * "${NAME[@]}" expands to each element as a word, and to no word at all for an empty array (bash manual, "Arrays"):
 * gunicorn --workers 3 --threads 2; Django holds one connection per thread: 3 × 2 = 6. Before: the arrays were not
 * read, gunicorn counted with the platform's WEB_CONCURRENCY (2) and 1 thread, 2, with nothing said.
 *
 * worker: bin/start-worker.sh sets ARGS=(shop.wsgi:application --workers 1), then ARGS[2]=2 (an element by index), and
 * runs `exec gunicorn ${ARGS[*]}`: --workers 2. An `if [ -f /run/secrets/worker-size ]` conncalc cannot decide sets
 * ARGS[2]=5: the two ways start 5 and 2 workers; the larger is counted, an assumption (5*).
 *
 * Dockerfile: `ENTRYPOINT /docker-entrypoint.sh $0 $@` (shell form) with `CMD ["gunicorn", "--workers", "4",
 * "--threads", "2", …]` after it. Docker keeps a CMD the stage sets and runs ENTRYPOINT's `/bin/sh -c TEXT` followed
 * by it (buildkit dockerfile2llb dispatchEntrypoint clears Cmd only when the stage set none), so sh gives TEXT
 * `$0`=gunicorn and `$@`=the rest; the script's PRE_ARGS=() adds nothing before `"$@"`: gunicorn 4 × 2 = 8. Before:
 * CMD was dropped and `"${PRE_ARGS[@]}"` read as a command `()`: 1*, unknown.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('shell-arrays'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'worker=1:standard-1x', ...args])

describe('bash arrays in start scripts', () => {
  it('web: "${GUNICORN_ARGS[@]}" gives gunicorn --workers 3 --threads 2 (the empty array nothing): 6', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 2})
    expect(r.type('web').sources.processesPerDyno.via).toEqual([{from: 'bin/start-web.sh:5', kind: 'env', name: 'GUNICORN_ARGS[3]'}])
    expect(r.diagnostics).not.toContainEqual(expect.objectContaining({code: 'unknown-command'}))
  })

  it('WEB_WORKERS=5 reaches the array element: 5 × 2 = 10', () => {
    expect(plan('--env', 'WEB_WORKERS=5').type('web')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 5})
  })

  it('worker: ARGS[2]=2, and 5 in a branch conncalc cannot decide: the larger, 5, assumed', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 5, server: 'gunicorn'})
    expect(r.type('worker').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.total).toBe(11)
  })
})

describe('a shell-form ENTRYPOINT that passes CMD on as $0 $@', () => {
  it('runs the entrypoint script with CMD: gunicorn 4 workers × 2 threads = 8', () => {
    const r = planJson(fixture('shell-arrays/Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 8, processesPerDyno: 4, server: 'gunicorn', threadsPerProcess: 2})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('assumed')
    expect(r.diagnostics).not.toContainEqual(expect.objectContaining({code: 'unknown-command'}))
  })
})
