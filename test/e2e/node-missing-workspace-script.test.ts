/**
 * A package manager told to run, in a workspace package, a script that package does not have (procfile/node-run.ts):
 * - pnpm --filter P x / pnpm -r run x: pnpm's recursive run runs the script only in the selected packages that have it;
 *   none has it: "None of the selected packages has a "x" script" and nothing runs (no binary fallback, no `node
 *   server.js` for start: pnpm exec/plugin-commands-script-runners/src/runRecursive.ts);
 * - npm -w P run x, npm --prefix DIR run x, npm --workspaces run x: npm stops with "Missing script" (npm-run-script docs).
 * The process exits at start and holds no connection: 0, with a missing-config warning. Before, each was an unknown
 * command counted as 1 (starred). yarn may run a binary of that name (yarn workspace P x), so it stays unknown.
 * Made-up pnpm + npm workspace: @ledger/api (start → src/server.js, pg max 6), @ledger/db (reconcile → pg max 4).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const procfile = [
  'web: pnpm --filter @ledger/api start',
  'worker: pnpm --filter @ledger/api start:reports',
  'digest: pnpm --filter @ledger/api run digest',
  'sweep: pnpm -r run reconcile',
  'npmw: npm -w packages/api run digest',
  'npmok: npm -w packages/api run start',
  'prefix: npm --prefix packages/api run digest',
  'npmws: npm --workspaces run digest',
  'yarnws: yarn workspace @ledger/api digest',
  'pexec: pnpm --filter @ledger/api exec node src/server.js',
]

const files = {
  Procfile: `${procfile.join('\n')}\n`,
  'package.json': JSON.stringify({name: 'ledger', private: true, workspaces: ['packages/*']}, null, 2),
  'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
  'packages/api/package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}, name: '@ledger/api', scripts: {reports: 'node src/reports.js', start: 'node src/server.js'}}, null, 2),
  'packages/api/src/server.js': ["const {Pool} = require('pg')", 'const pool = new Pool({max: 6})', "require('http').createServer(async (q, r) => r.end(JSON.stringify((await pool.query('select 1')).rows))).listen(process.env.PORT)"].join('\n'),
  'packages/db/package.json': JSON.stringify({dependencies: {pg: '^8.13.0'}, name: '@ledger/db', scripts: {reconcile: 'node reconcile.js'}}, null, 2),
  'packages/db/reconcile.js': ["const {Pool} = require('pg')", 'const pool = new Pool({max: 4})', "setInterval(() => pool.query('select 1'), 1000)"].join('\n'),
}

const scale = procfile.map((l) => `${l.slice(0, l.indexOf(':'))}=1:standard-1x`).join(',')

describe('a script no selected workspace package has', () => {
  const r = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', scale])

  it('pnpm --filter / pnpm -r: nothing runs when no selected package has the script; the ones that have it run', () => {
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(r.type('worker').connectionsPerDyno).toBe(0)
    expect(r.type('digest').connectionsPerDyno).toBe(0)
    // @ledger/db has reconcile, @ledger/api does not: only db's runs (4).
    expect(r.type('sweep').connectionsPerDyno).toBe(4)
    // exec runs a command, not a script: the file it names is read.
    expect(r.type('pexec').connectionsPerDyno).toBe(6)
    const worker = r.diagnostics.find((d) => d.processType === 'worker')
    expect(worker).toMatchObject({code: 'missing-config', severity: 'warning'})
    expect(worker?.message).toContain('None of the selected packages has a "start:reports" script')
  })

  it('npm -w / --prefix / --workspaces: "Missing script", 0; a script that is there still runs', () => {
    for (const t of ['npmw', 'prefix', 'npmws']) {
      expect(r.type(t).connectionsPerDyno).toBe(0)
      expect(r.diagnostics.find((d) => d.processType === t)?.message).toContain('Missing script: digest')
    }

    expect(r.type('npmok').connectionsPerDyno).toBe(6)
  })

  it('yarn workspace P x: yarn may run a binary of that name, so it stays an unknown command (1, starred)', () => {
    expect(r.type('yarnws').connectionsPerDyno).toBe(1)
    expect(r.diagnostics.find((d) => d.processType === 'yarnws')?.code).toBe('unknown-command')
  })
})
