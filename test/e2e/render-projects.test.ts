/**
 * render.yaml with `projects:` (https://render.com/docs/blueprint-spec#projects-and-environments): each
 * environment lists its own services, databases and envVarGroups. Before, only top-level `services:` were read and
 * such a Blueprint was "no service that runs a process" (exit 2). A made-up Node app: a pg Pool of max 4 in the
 * API, 3 instances in Production; Staging declares the same service again (said; the first is read).
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const server = [
  "const {Pool} = require('pg')",
  'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 4})',
  "require('node:http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)",
  '',
].join('\n')

const blueprint = [
  'projects:',
  '  - name: ledger',
  '    environments:',
  '      - name: Production',
  '        services:',
  '          - type: web',
  '            name: ledger-api',
  '            runtime: node',
  '            startCommand: node server.js',
  '            numInstances: 3',
  '            envVars:',
  '              - key: DATABASE_URL',
  '                fromDatabase:',
  '                  name: ledger-db',
  '                  property: connectionString',
  '        databases:',
  '          - name: ledger-db',
  '      - name: Staging',
  '        services:',
  '          - type: web',
  '            name: ledger-api',
  '            runtime: node',
  '            startCommand: node server.js',
  '',
].join('\n')

describe('render.yaml projects and environments', () => {
  it("reads an environment's services: 3 instances × pool 4 = 12; the repeated service in Staging is said", () => {
    const r = planJson(join(app({'package.json': '{"name": "ledger", "dependencies": {"pg": "^8.13.1"}}\n', 'render.yaml': blueprint, 'server.js': server}), 'render.yaml'), ['--limit', '100'])
    expect(r.type('ledger-api')).toMatchObject({connections: 12, poolPerProcess: 4})
    expect(r.total).toBe(12)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({line: 20, message: expect.stringContaining('service ledger-api is declared again')}))
  })
})

/**
 * A Blueprint at a path of its own (render.production.yaml: "you can define your Blueprint file anywhere",
 * https://render.com/docs/infrastructure-as-code), named with --procfile. Before, any name but render.yaml was read as a
 * Procfile: its YAML keys (`- type: web`, `name:`, `runtime:`, `startCommand:`) became four process types, 13 connections.
 */
describe('a Blueprint named with --procfile under another name', () => {
  it('is read as a Blueprint: 3 instances × pool 4 = 12', () => {
    const dir = app({'package.json': '{"name": "ledger", "dependencies": {"pg": "^8.13.1"}}\n', 'render.production.yaml': blueprint, 'server.js': server})
    const r = planJson(join(dir, 'render.production.yaml'), ['--limit', '100'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['ledger-api'])
    expect(r.total).toBe(12)
  })
})
