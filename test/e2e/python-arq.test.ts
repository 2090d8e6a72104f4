/**
 * arq workers (test/fixtures/fastapi-arq), arq@0.26.1 arq/cli.py and arq/worker.py: `arq SETTINGS` imports the
 * class and runs one Worker process whose jobs are asyncio tasks, at most `max_jobs` at once (Worker's
 * `max_jobs: int = 10`), taken from the class's own `__dict__` only (get_kwargs): a base class's max_jobs is not
 * passed. The web and the `worker` jobs share the async engine app/db.py:6, pool_size 7 + max_overflow 3 = 10
 * (pydantic-settings defaults, env prefix APP_); `reports` uses app/reports_db.py's pool 15 + 0.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const scale = ['--scale', 'web=1', 'worker=1', 'reports=1', 'mailer=1']
const plan = (...extra: string[]) => planJson(procfileOf('fastapi-arq'), ['--plan', 'standard-0', ...scale, ...extra])

describe('arq workers', () => {
  const r = plan()

  it('max_jobs 20 (Settings.WORKER_MAX_JOBS) over the shared pool 10: min(10, 20) = 10 (was an unknown command, 1*)', () => {
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 10, processesPerDyno: 1, server: 'arq', threadsPerProcess: 20})
    expect(r.type('worker').sources.threadsPerProcess.source).toMatchObject({file: 'app/core/config.py', kind: 'file', line: 12})
  })

  it('APP_WORKER_MAX_JOBS=5 in the env: min(10, 5) = 5', () => {
    expect(plan('--env', 'APP_WORKER_MAX_JOBS=5').type('worker')).toMatchObject({connectionsPerDyno: 5, threadsPerProcess: 5})
  })

  it('`python -m arq --watch app …`: the class sets no max_jobs of its own (its base\'s 2 is not passed): default 10 over pool 15 = 10', () => {
    expect(r.type('reports')).toMatchObject({connectionsPerDyno: 10, server: 'arq', threadsPerProcess: 10})
  })

  it('a worker whose module builds no pool (HTTP only, max_jobs 50): 1, assumed and said, not 50', () => {
    expect(r.type('mailer')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('mailer').sources.threadsPerProcess.source.kind).toBe('assumed')
    expect(r.diagnostics.some((d) => d.processType === 'mailer' && d.message.includes('no database pool conncalc knows'))).toBe(true)
  })

  it('total 3 × 10 + 10 + 10 + 1 = 51', () => {
    expect(r.total).toBe(51)
    expect(r.codes).not.toContain('unknown-command')
  })
})
