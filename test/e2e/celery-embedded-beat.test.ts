/**
 * `celery worker -B` embeds beat (test/fixtures/celery-embedded-beat): celery/worker/components.py
 * Beat.create → celery/beat.py EmbeddedService, one process beside the pool unless threaded.
 * django-celery-beat's DatabaseScheduler reads the schedule from the database over one
 * connection; the default celery.beat:PersistentScheduler (a shelve file) and RedBeat (Redis)
 * hold none. Django holds one connection per prefork child (pool 1, 1 thread).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const types = ['web', 'worker', 'worker_flag', 'worker_redbeat', 'worker_plain', 'worker_default', 'worker_redbeat_class']
const plan = () => planJson(procfileOf('celery-embedded-beat'), ['--plan', 'standard-0', '--scale', ...types.map((t) => `${t}=1`)])

describe('celery worker -B', () => {
  it('DatabaseScheduler from CELERY_BEAT_SCHEDULER in the settings: 3 children + beat 1 = 4', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 3})
    const beat = r.type('worker').extras.find((e) => e.kind === 'celery-beat')
    expect(beat?.count).toBe(1)
    expect(beat?.source.source).toEqual({file: 'shop/settings.py', kind: 'file', line: 7})
  })

  it('--beat --scheduler …DatabaseScheduler on the command line: 2 + 1 = 3; -BE with RedBeat: 2 + 0 = 2', () => {
    const r = plan()
    expect(r.type('worker_flag').connectionsPerDyno).toBe(3)
    expect(r.type('worker_flag').extras.find((e) => e.kind === 'celery-beat')?.source.source).toEqual({flag: '--scheduler django_celery_beat.schedulers:DatabaseScheduler', kind: 'flag'})
    expect(r.type('worker_redbeat').connectionsPerDyno).toBe(2)
    expect(r.type('worker_redbeat').extras.find((e) => e.kind === 'celery-beat')?.count).toBe(0)
  })

  it('no scheduler set (settings without one): PersistentScheduler, beat beside the pool holds 0: 2; no -B, no beat: 2', () => {
    const r = plan()
    expect(r.type('worker_default').connectionsPerDyno).toBe(2)
    const beat = r.type('worker_default').extras.find((e) => e.kind === 'celery-beat')
    expect(beat?.count).toBe(0)
    expect(beat?.source.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('PersistentScheduler')}))
    expect(r.type('worker_plain').extras.find((e) => e.kind === 'celery-beat')).toBeUndefined()
    // web 2 + worker 4 + worker_flag 3 + worker_redbeat 2 + worker_plain 2 + worker_default 2 + worker_redbeat_class 2 = 17.
    expect(r.total).toBe(17)
    expect(r.codes.filter((c) => c !== 'cpu-count-default')).toEqual([])
  })

  it('CELERY_BEAT_SCHEDULER = RedBeatScheduler (a class imported into the settings): read as written, 0, from its line', () => {
    const beat = plan().type('worker_redbeat_class').extras.find((e) => e.kind === 'celery-beat')
    expect(beat?.count).toBe(0)
    expect(beat?.source.source).toEqual({file: 'shop/settings_redbeat.py', kind: 'file', line: 8})
  })

  it('-S django, django-celery-beat\'s entry-point name for its DatabaseScheduler: 1, not an unknown scheduler', () => {
    // celery/beat.py Service.get_scheduler resolves the name through the celery.beat_schedulers entry points;
    // django-celery-beat's setup.py registers `django = django_celery_beat.schedulers:DatabaseScheduler`.
    const r = planJson(procfileOf('celery-embedded-beat/Procfile.alias'), ['--plan', 'standard-0', '--scale', 'beat=1', 'worker=1'])
    expect(r.type('beat')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.type('beat').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('django-celery-beat')}))
    // worker -B --scheduler=django: 2 prefork children + beat's 1 = 3 (settings_local names no scheduler: the flag decides).
    expect(r.type('worker').connectionsPerDyno).toBe(3)
    expect(r.total).toBe(4)
    expect(r.codes).toEqual([])
  })
})
