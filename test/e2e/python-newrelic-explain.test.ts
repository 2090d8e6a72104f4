/**
 * The New Relic Python agent's explain-plan connection (test/fixtures/python-newrelic-explain, Django on psycopg2):
 * each harvest opens a connection of its own with the app's connect arguments to EXPLAIN the slow SQL it kept
 * (newrelic/core/database_utils.py SQLConnections.connection: `database.connect(*args, **kwargs)`), so a process run
 * under `newrelic-admin run-program` can hold one beside its pool, as the Ruby agent's explain does.
 * - web: newrelic-admin run-program gunicorn --workers 2: 2 × (1 + 1 assumed) = 4 (DemocracyLab/CivicTechExchange).
 * - quiet: the same, with NEW_RELIC_CONFIG_FILE=newrelic.ini, whose transaction_tracer.explain_enabled = false: 2.
 * - plain: gunicorn without the agent: 2.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('New Relic Python agent explain plans (test/fixtures/python-newrelic-explain)', () => {
  const r = planJson(`${fixture('python-newrelic-explain')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', 'quiet=1', 'plain=1'])

  it('adds one assumed connection per process under newrelic-admin run-program', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, connectionsPerProcess: 2, processesPerDyno: 2})
    const extra = JSON.stringify(r.type('web').extras)
    expect(extra).toContain('New Relic agent explain-plan connection')
    expect(extra).toContain('`newrelic-admin run-program` starts the agent in each process, and requirements.txt installs a driver it explains through')
  })

  it('adds none when the config file turns explain plans off, or without the agent', () => {
    expect(r.type('quiet')).toMatchObject({connectionsPerDyno: 2, connectionsPerProcess: 1})
    expect(r.type('plain')).toMatchObject({connectionsPerDyno: 2, connectionsPerProcess: 1})
    expect(r.total).toBe(8)
  })
})
