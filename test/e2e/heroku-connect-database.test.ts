/**
 * Heroku Connect syncs Salesforce data into a Heroku Postgres database attached to the app, in a schema of its own
 * (https://devcenter.heroku.com/articles/heroku-connect): usually DATABASE_URL's. A pool an app points at its Heroku
 * Connect database through a var of its own with no value here (SALESFORCE_CONNECT_URL, HEROKUCONNECT_URL) is counted on
 * the plan's server, starred, the reason said, instead of being listed as on an unknown server.
 *
 * A made-up Node app: pg Pool max 5 on DATABASE_URL, max 3 on SALESFORCE_CONNECT_URL, max 2 on ANALYTICS_DATABASE_URL,
 * all queried at once per request. Before: 5 (3 and 2 listed on unknown servers). Now: 5 + 3 = 8, the 3 starred; the
 * analytics pool stays listed. Given SALESFORCE_CONNECT_URL on another host than DATABASE_URL: 5, the 3 listed there.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  'Procfile': 'web: node server.js\n',
  'package.json': '{"name": "crm-portal", "dependencies": {"pg": "8.11.3"}}\n',
  'server.js': [
    "const {Pool} = require('pg')",
    'const app = new Pool({connectionString: process.env.DATABASE_URL, max: 5})',
    'const sf = new Pool({connectionString: process.env.SALESFORCE_CONNECT_URL, max: 3})',
    'const stats = new Pool({connectionString: process.env.ANALYTICS_DATABASE_URL, max: 2})',
    "require('http').createServer((q, s) => Promise.all([app.query('select 1'), sf.query('select 1 from salesforce.account'), stats.query('select 1')]).then(() => s.end())).listen(process.env.PORT)",
    '',
  ].join('\n'),
}
const args = ['--plan', 'standard-0', '--scale', 'web=1']

describe('a pool on a Heroku Connect database var with no value', () => {
  it('is counted on the plan, starred with the reason; another unset var stays listed apart', () => {
    const r = planJson(`${app(files)}/Procfile`, args)
    expect(r.total).toBe(8)
    const web = r.type('web')
    expect(web.databases).toEqual(['pg server.js:2', 'pg server.js:3'])
    expect(web.sources['pool.pg server.js:3'].via).toEqual([expect.objectContaining({kind: 'assumed', why: expect.stringContaining('SALESFORCE_CONNECT_URL has no value here and names a Heroku Connect database')})])
    expect(web.otherServerPools.map((p) => [p.database, p.pool])).toEqual([['pg server.js:4', 2]])
  })

  it('given its URL on another host, it is listed on that server', () => {
    const r = planJson(`${app(files)}/Procfile`, [...args, '--env', 'DATABASE_URL=postgres://u:p@db-a.example.com:5432/app', '--env', 'SALESFORCE_CONNECT_URL=postgres://u:p@db-b.example.com:5432/sf'])
    expect(r.total).toBe(5)
    expect(r.type('web').otherServerPools.map((p) => p.pool)).toEqual([3, 2])
  })
})
