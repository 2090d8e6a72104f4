/**
 * A Celery app conncalc finds no file of (test/fixtures/celery-app-not-found): the Procfile runs
 * `celery -A relay.celery_app` from the root, but relay/ is under server/, which a build step the repository does not
 * call moves to the root. The beat scheduler the app configures (celery/beat.py Service.get_scheduler reads
 * beat_scheduler; django-celery-beat's DatabaseScheduler reads the schedule over one connection) is then not read:
 * one connection assumed for beat, standalone or embedded by `worker --beat`, as for a Celery app from an installed
 * package — not PersistentScheduler's 0 as if the app set none.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('celery-app-not-found'), ['--plan', 'standard-0', '--scale', 'worker=1', 'beat=1'])

describe('celery beat whose -A module is not in the app', () => {
  it('worker --beat: 2 prefork children + beat 1, assumed = 3; standalone beat 1, assumed; total 4', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 2})
    const beat = r.type('worker').extras.find((e) => e.kind === 'celery-beat')
    expect(beat?.count).toBe(1)
    expect(JSON.stringify(beat?.source)).toContain("celery beat's app relay.celery_app is not in the app's files from the command's folder")
    expect(r.type('beat')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(JSON.stringify(r.type('beat').sources.threadsPerProcess)).toContain('the beat scheduler it configures is not read')
    expect(r.total).toBe(4)
  })
})
