/**
 * render.yaml envVars that take a value `fromDatabase` (https://render.com/docs/blueprint-spec): a second URL var filled
 * from the database DATABASE_URL comes from is on DATABASE_URL's server (counted there, starred, render.yaml's line
 * named); one filled from another database is not. A service whose `repo:` is another repository runs that
 * repository's code: said, not counted as this app's process. Made-up Node apps (pg Pools on two URL vars).
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const server = [
  "const {Pool} = require('pg')",
  'const main = new Pool({connectionString: process.env.DATABASE_URL, max: 5})',
  'const reports = new Pool({connectionString: process.env.REPORTS_DATABASE_URL, max: 3})',
  "require('node:http').createServer(async (req, res) => res.end(String((await main.query('select 1')).rowCount + (await reports.query('select 1')).rowCount))).listen(process.env.PORT)",
  '',
].join('\n')

const blueprint = (reportsFrom: string, extra = ''): string =>
  [
    'services:',
    '  - type: web',
    '    name: api',
    '    runtime: node',
    '    startCommand: node server.js',
    '    numInstances: 2',
    '    envVars:',
    '      - key: DATABASE_URL',
    '        fromDatabase:',
    '          name: main-db',
    '          property: connectionString',
    '      - fromGroup: reporting',
    extra,
    'envVarGroups:',
    '  - name: reporting',
    '    envVars:',
    '      - key: REPORTS_DATABASE_URL',
    '        fromDatabase:',
    `          name: ${reportsFrom}`,
    '          property: connectionString',
    'databases:',
    '  - name: main-db',
    '  - name: analytics-db',
    '',
  ].join('\n')

const files = {'package.json': '{"name": "api", "dependencies": {"pg": "^8.13.1"}}\n', 'server.js': server}

describe('render.yaml fromDatabase on a second URL var', () => {
  it("from DATABASE_URL's database (through a group): both pools on the plan's server, the second starred with render.yaml's line", () => {
    const r = planJson(join(app({...files, 'render.yaml': blueprint('main-db')}), 'render.yaml'), ['--limit', '100'])
    // api: 2 instances × (pool 5 + pool 3) = 16.
    expect(r.type('api')).toMatchObject({connections: 16, poolPerProcess: 8})
    expect(r.total).toBe(16)
    const via = Object.values(r.type('api').sources).flatMap((s) => s.via ?? [])
    expect(via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining("render.yaml:17 gives REPORTS_DATABASE_URL DATABASE_URL's database (main-db) through fromDatabase: counted on the plan's server")}))
  })

  it('from another database: that pool is on its own server, not in the total', () => {
    const r = planJson(join(app({...files, 'render.yaml': blueprint('analytics-db')}), 'render.yaml'), ['--limit', '100'])
    // api: 2 × pool 5 = 10.
    expect(r.type('api')).toMatchObject({connections: 10, poolPerProcess: 5})
    expect(r.total).toBe(10)
  })

  it("a service built from another repository (repo:) is said and not counted; one naming this Blueprint's repository for every service is", () => {
    const other = ['  - type: worker', '    name: mailer', '    runtime: node', '    repo: https://github.com/example/mailer', '    startCommand: node worker.js', '    envVars:', '      - key: DATABASE_URL', '        fromDatabase:', '          name: main-db', '          property: connectionString', ''].join('\n')
    const text = blueprint('main-db').replace('envVarGroups:', `${other}envVarGroups:`)
    const r = planJson(join(app({...files, 'render.yaml': text}), 'render.yaml'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['api'])
    expect(r.total).toBe(16)
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'missing-config',
        file: 'render.yaml',
        line: 17,
        message: "service mailer runs the code of another repository (repo: https://github.com/example/mailer), not this one: it is not counted as this app's process, though it takes DATABASE_URL from database main-db",
        severity: 'warning',
      }),
    )
    // Every service naming one repository: that is the Blueprint's own, and its services are counted.
    const same = text.replace('    startCommand: node server.js', '    repo: https://github.com/example/mailer.git\n    startCommand: node server.js')
    const both = planJson(join(app({...files, 'render.yaml': same, 'worker.js': "const {Pool} = require('pg')\nnew Pool({max: 2})\n"}), 'render.yaml'), ['--limit', '100'])
    expect(both.processTypes.map((p) => p.name)).toEqual(['api', 'mailer'])
  })
})
