/**
 * The task modules a Celery worker imports as it starts (celery/loaders/base.py): the packages autodiscover_tasks
 * names with their `tasks` module, and Celery(include=[…]). Their engines are the worker's pools.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('Celery autodiscover_tasks and include= (fixture python-celery-autodiscover)', () => {
  const r = planJson(procfileOf('python-celery-autodiscover'), ['--limit', '20'])

  it("the worker counts the engines of proj/jobs/tasks.py (autodiscover_tasks) and proj/reports.py (include=)", () => {
    // -c 2 prefork children, each running one task at a time: per engine min(pool, 1 thread) = 1, two engines (orders
    // 3 + 2 = 5, reporting 2 + 0 = 2) → 2 a child; 2 × 2 = 4. Before, no pool was found: 2 × 1 = 2.
    expect(r.type('worker')).toMatchObject({connections: 4, processesPerDyno: 2})
    expect(Object.keys(r.type('worker').sources).filter((k) => k.startsWith('pool.')).sort()).toEqual(['pool.engine proj/jobs/tasks.py:6', 'pool.engine proj/reports.py:6'])
  })

  it('beat and the web server do not import the task modules', () => {
    // beat: no database scheduler, 0. web: 2 sync workers, no pool in proj/web.py: 1 each = 2. Total 4 + 0 + 2 = 6.
    expect(r.type('beat').connections).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 2})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.'))).toEqual([])
    expect(r.total).toBe(6)
  })
})
