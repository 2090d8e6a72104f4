/**
 * What the platform really starts and with which env (issue 13): app.json
 * `env`, Fir dyno sizes, apps without a Procfile, scripts in the repo, Node
 * workspaces, Scalingo's postdeploy, granian.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('app.json env is a layer below the user and above the platform', () => {
  const app = procfileOf('app-json-env')

  it('WEB_CONCURRENCY and RAILS_MAX_THREADS from app.json env decide Puma and the pool', () => {
    const r = planJson(app, ['--plan', 'essential-0'])
    // puma.rb: workers ENV.fetch("WEB_CONCURRENCY") { 4 } → app.json "2" (not 4);
    // threads ENV.fetch("RAILS_MAX_THREADS") { 5 } → app.json "3"; pool the same 3.
    // before_fork disconnects, so no master connection: 2 workers × min(3, 3) = 6 per dyno × 2 dynos = 12.
    expect(r.type('web')).toMatchObject({connections: 12, connectionsPerDyno: 6, dynos: 2, poolPerProcess: 3, processesPerDyno: 2, threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({from: 'app.json:8 (env)', kind: 'env', name: 'WEB_CONCURRENCY'})
    // `environments.test.env` (WEB_CONCURRENCY 1) is for CI test runs, not the running app.
    expect(r.type('web').processesPerDyno).not.toBe(1)
  })

  it('a required var with no value stays unset: the number that reads it says so', () => {
    const r = planJson(app, ['--plan', 'essential-0'])
    // sidekiq.yml reads ENV.fetch("SIDEKIQ_CONCURRENCY") with no default; Sidekiq falls back to
    // RAILS_MAX_THREADS (3, from app.json env): 1 process × min(3, 3) = 3. Total 12 + 3 = 15.
    expect(r.type('worker')).toMatchObject({connections: 3, threadsPerProcess: 3})
    expect(r.total).toBe(15)
    const d = r.diagnostics.find((x) => x.code === 'unresolved-env')!
    expect(d.message).toContain('app.json requires SIDEKIQ_CONCURRENCY and gives it no value')
    expect(d.fix).toContain('--env SIDEKIQ_CONCURRENCY=')
  })

  it('--env wins over app.json env', () => {
    // --env WEB_CONCURRENCY=3: 3 workers × 3 = 9 per dyno × 2 = 18.
    expect(planJson(app, ['--env', 'WEB_CONCURRENCY=3']).type('web')).toMatchObject({connections: 18, processesPerDyno: 3})
    // --env SIDEKIQ_CONCURRENCY=8: Sidekiq 8 threads, pool still 3 (RAILS_MAX_THREADS from app.json) → min(3, 8) = 3, and no unresolved-env.
    const r = planJson(app, ['--env', 'SIDEKIQ_CONCURRENCY=8'])
    expect(r.type('worker')).toMatchObject({connections: 3, threadsPerProcess: 8})
    expect(r.codes).not.toContain('unresolved-env')
  })
})
