/**
 * A Celery worker whose app module and the modules it imports reach no database library and build no pool (broker and
 * results in Redis): nothing read opens a connection, but tasks may come from modules conncalc does not read, so the one
 * connection per prefork child stays, marked as the assumption it is and said in --explain.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const REASON = 'no module the worker imports opens a database connection'

describe('a Celery worker whose imports reach no database (fixture python-celery-idle-worker)', () => {
  const r = planJson(procfileOf('python-celery-idle-worker'), ['--limit', '120'])

  it('counts 1 per child, starred, with the reason', () => {
    // idle: -c 3 prefork children × 1 (no pool known; jobs/queue.py and jobs/settings.py import celery, redis, os only) = 3.
    expect(r.type('idle')).toMatchObject({connections: 3, processesPerDyno: 3, threadsPerProcess: 1})
    const via = r.type('idle').sources.threadsPerProcess.via
    expect(via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining(REASON)}))
    expect(via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('read: jobs/queue.py, jobs/settings.py')}))
  })

  it('leaves a worker whose task module imports the engine, and the web server, as read', () => {
    // reports: -c 2 children × min(pool 2 + 0 overflow, 1 task at a time) = 2; web: gunicorn -w 2 sync × min(2, 1) = 2.
    expect(r.type('reports')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('web')).toMatchObject({connections: 2, processesPerDyno: 2})
    for (const t of ['reports', 'web']) expect(JSON.stringify(r.type(t).sources.threadsPerProcess)).not.toContain(REASON)
    expect(r.total).toBe(2 + 3 + 2)
  })

  it('says it in --explain and stars the threads column', () => {
    const out = runCliInProcess(['plan', '--procfile', procfileOf('python-celery-idle-worker'), '--limit', '120', '--explain']).stdout
    expect(out).toMatch(/idle\s+celery\s+1\*\s+3\s+1\*/)
    expect(out).toContain(`${REASON} (read: jobs/queue.py, jobs/settings.py; none imports a database library or builds a pool): 1 per child assumed`)
    expect(out).toContain('--assume idle=PROCESSES:THREADS')
  })

  it('--assume replaces the assumption; --scale idle=0 drops the worker', () => {
    const kept = planJson(procfileOf('python-celery-idle-worker'), ['--limit', '120', '--assume', 'idle=3:1'])
    expect(kept.type('idle').connections).toBe(3)
    expect(JSON.stringify(kept.type('idle').sources.threadsPerProcess)).not.toContain(REASON)
    const none = planJson(procfileOf('python-celery-idle-worker'), ['--limit', '120', '--scale', 'idle=0'])
    expect(none.total).toBe(4)
  })
})
