/**
 * `celery -A proj -l INFO` with no subcommand: Celery's command group prints its help (or, -l being worker's option,
 * "No such option") and exits; no worker runs. Said on the Procfile line, counted as the worker it was meant to be, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a celery command with no subcommand (fixture python-celery-no-subcommand)', () => {
  const r = planJson(procfileOf('python-celery-no-subcommand'), ['--limit', '120'])

  it('is said on its line; `celery -A tasks worker -c 2` is not', () => {
    const missing = r.diagnostics.filter((d) => d.code === 'missing-config')
    expect(missing.map((d) => [d.processType, d.file, d.line])).toEqual([['ticker', 'Procfile', 2]])
    expect(missing[0].message).toContain('names no celery subcommand (worker, beat, …)')
  })

  it('counted as a worker, its processes starred', () => {
    // worker: -c 2 prefork × min(pool 2, 1) = 2. ticker: as a worker at the CPU count (8 on standard-1x) × 1 = 8, starred.
    expect(r.type('worker')).toMatchObject({connections: 2, processesPerDyno: 2})
    expect(r.type('ticker')).toMatchObject({connections: 8, processesPerDyno: 8})
    expect(r.type('ticker').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('counted as a worker')}))
    expect(r.total).toBe(10)
  })
})
