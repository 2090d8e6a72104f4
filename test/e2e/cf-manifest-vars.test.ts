/**
 * A Cloud Foundry manifest whose applications are named by a variable cf push fills in (`name: ((app_name))`,
 * `((app_name))-next`; test/fixtures/cf-manifest-flask-vars, the shape of GSA/datagov-harvester), and a Flask app with
 * two SQLAlchemy engines on one var the app's .profile exports at start (DATABASE_URI, from VCAP_SERVICES): Flask-SQLAlchemy
 * (SQLALCHEMY_DATABASE_URI = os.getenv("DATABASE_URI")) and a create_engine in ledger/jobs.py that a request uses.
 * - conncalc shows the types as `((app_name))`: --scale takes those names (was: exit 2, "not a process type name").
 * - Both engines are on DATABASE_URI, which has no value here and is the only database the process names: both are
 *   the app's own database, counted, starred (model/other-server.ts). Was: Flask-SQLAlchemy's counted as DATABASE_URL,
 *   the other listed "on an unknown server" and left out.
 * Each type: gunicorn --workers 2 (sync, 1 thread) × (min(15, 1) + min(15, 1)) = 4; two types at 1 instance: 8.
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('Cloud Foundry manifest with ((variables)) and two engines on one unset var (test/fixtures/cf-manifest-flask-vars)', () => {
  const r = planJson(`${fixture('cf-manifest-flask-vars')}/manifest.yml`, ['--plan', 'standard-0', '--scale', '((app_name))=1', '((app_name))-next=1'])

  it('scales the types by the names it shows them with', () => {
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((t) => [t.name, t.dynos])).toEqual([['((app_name))', 1], ['((app_name))-next', 1]])
  })

  it('counts both engines on DATABASE_URI as the app\'s own database: 2 × (1 + 1) per instance, 8 in all', () => {
    for (const name of ['((app_name))', '((app_name))-next']) {
      expect(r.type(name)).toMatchObject({connectionsPerDyno: 4, connectionsPerProcess: 2, poolPerProcess: 30, processesPerDyno: 2})
      expect(r.type(name).otherServerPools).toEqual([])
      expect(JSON.stringify(r.type(name).sources).match(/its URL is read from DATABASE_URI, which has no value here, and nothing else in this process connects to DATABASE_URL: taken as the app's own database/g)).toHaveLength(2)
    }

    expect(r.total).toBe(8)
    expect(r.codes).not.toContain('other-server-pools')
  })
})
