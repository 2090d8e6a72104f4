/**
 * Node monorepos (issue 13): a Procfile or package.json script that runs a
 * workspace package's script is budgeted with that package's server and pools;
 * commands started together (concurrently, run-p, lerna/turbo over several
 * packages) each count in the dyno; what cannot be resolved is unknown-command
 * with why. Fixtures: node-workspaces (npm/yarn `workspaces`, object form with
 * an exclusion), node-pnpm-workspace (pnpm-workspace.yaml, turbo), node-lerna.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

// Every type at 1 dyno, so each type's connections are its connections per dyno.
const ONE = (types: string[]): string[] => ['--plan', 'standard-0', '--scale', types.map((t) => `${t}=1`).join(',')]

describe('npm and yarn workspaces (package.json "workspaces")', () => {
  const app = procfileOf('node-workspaces')
  const types = ['web', 'jobs', 'all', 'both', 'cdweb', 'rootweb', 'missing', 'excluded', 'noscript', 'loop', 'distweb']
  const r = planJson(app, ONE(types))

  it('yarn workspace @acme/api start runs apps/api\'s start: its pg Pool', () => {
    // apps/api/package.json start: node dist/server.js → src/server.ts (dist/ is built at deploy)
    // → ./db: new Pool({max: 12}). 1 process × 12 = 12.
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 12, processesPerDyno: 1, server: 'node', threadsPerProcess: 12})
    // The pool is named with its path from the app root, and the workspace script is in the chain.
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'apps/api/src/db.ts', kind: 'file', line: 4})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual({file: 'apps/api/package.json', kind: 'file', line: 7})
  })

  it('npm run work --workspace=apps/jobs (a folder) runs apps/jobs\' knex pool', () => {
    // apps/jobs/package.json work: node worker.js → knex pool {max: 4}: 1 × 4 = 4.
    expect(r.type('jobs')).toMatchObject({connections: 4, poolPerProcess: 4, threadsPerProcess: 4})
  })

  it('cd apps/api && npm start, and a root npm start that delegates, reach the same package', () => {
    expect(r.type('cdweb')).toMatchObject({connections: 12, poolPerProcess: 12})
    // root start: yarn workspace @acme/api start (package.json:9) → 12.
    expect(r.type('rootweb')).toMatchObject({connections: 12, poolPerProcess: 12})
    expect(r.type('rootweb').sources.processesPerDyno.via).toContainEqual({file: 'package.json', kind: 'file', line: 9})
  })

  it('a workspace script that does `cd dist && node server.js` reads dist/server.js from its source', () => {
    // apps/api start:prod: cd dist && … node server.js → dist/server.js is built at deploy → src/server.ts → 12.
    expect(r.type('distweb')).toMatchObject({connections: 12, poolPerProcess: 12})
  })

  it('concurrently "npm:serve:*" and run-p: each command is a process in the dyno', () => {
    // dev: concurrently "npm:serve:*" → serve:api (npm start -w @acme/api: 12) and serve:jobs
    // (npm --workspace=apps/jobs run work: 4). The first is the type's process; the second runs
    // beside it: per dyno 1 × 12 + 1 × 4 = 16.
    expect(r.type('all')).toMatchObject({connections: 16, connectionsPerDyno: 16, connectionsPerProcess: 12})
    const extra = r.type('all').extras
    expect(extra).toHaveLength(1)
    expect(extra[0].reason).toContain('`npm run work` in apps/jobs/ runs beside it in each dyno, started by concurrently (package.json:10) (node: 1 × 4)')
    // both: run-p serve:api serve:jobs — the same two processes, 16.
    expect(r.type('both')).toMatchObject({connections: 16, connectionsPerDyno: 16})
    expect(r.type('both').extras[0].reason).toContain('started by run-p (package.json:13)')
  })

  it('what cannot be resolved is unknown-command saying why, never a silent 1 × 1', () => {
    const unknown = r.diagnostics.filter((d) => d.code === 'unknown-command')
    const say = (type: string): string => unknown.find((d) => d.processType === type)?.message ?? ''
    // No package by that name: the workspaces found are listed (packages/ui is excluded by "!packages/ui").
    expect(say('missing')).toBe('missing: "yarn": yarn workspace @acme/nope: no workspace package matches "@acme/nope" (workspaces in package.json:4: @acme/api, @acme/jobs, @acme/shared); counting 1 process × 1 connection')
    expect(say('excluded')).toContain('no workspace package matches "@acme/ui"')
    expect(say('noscript')).toBe('noscript: "yarn": yarn workspace @acme/jobs: apps/jobs/package.json has no "start" script; counting 1 process × 1 connection')
    // loop: root "loop" runs packages/shared's "loop", which runs the root's again.
    expect(say('loop')).toContain('package.json scripts deep (do they call each other?); not followed')
    for (const t of ['missing', 'excluded', 'noscript', 'loop']) expect(r.type(t)).toMatchObject({connections: 1, server: 'unknown'})
    // web 12 + jobs 4 + all 16 + both 16 + cdweb 12 + rootweb 12 + distweb 12 + 4 unknown × 1 = 88.
    expect(r.total).toBe(88)
  })

  it('--explain says which package ran and what runs beside it', () => {
    const out = runCliInProcess(['plan', '--procfile', app, ...ONE(types), '--explain']).stdout
    expect(out).toContain('pool (pg apps/api/src/db.ts:4)')
    expect(out).toMatch(/\+ per dyno +4 {2}`npm run work` in apps\/jobs\/ runs beside it in each dyno, started by concurrently \(package\.json:10\)/)
  })
})

describe('pnpm workspaces and turbo', () => {
  const app = procfileOf('node-pnpm-workspace')
  const r = planJson(app, ONE(['web', 'byfolder', 'dir', 'turbo', 'root', 'legacy', 'graph']))

  it('--filter NAME, -F ./folder, -C folder, turbo --filter and a root script all reach services/api', () => {
    // services/api start: node build/index.js → src/index.ts: new Sequelize(url, {pool: {max: 7}}): 1 × 7.
    for (const t of ['web', 'byfolder', 'dir', 'turbo', 'root']) expect(r.type(t)).toMatchObject({connections: 7, poolPerProcess: 7})
  })

  it('a package pnpm-workspace.yaml excludes, and a dependency-graph selector, are unknown with why', () => {
    const say = (type: string): string => r.diagnostics.find((d) => d.code === 'unknown-command' && d.processType === type)?.message ?? ''
    // packages: services/*, !services/legacy, tools/** → api-server and @shop/cli only.
    expect(say('legacy')).toContain('no workspace package matches "legacy" (workspaces in pnpm-workspace.yaml:2: api-server, @shop/cli)')
    expect(say('graph')).toContain('the selector "api-server..." uses dependency-graph or change filters')
    // 5 × 7 + 2 × 1 = 37.
    expect(r.total).toBe(37)
  })
})

describe('lerna and npm --prefix', () => {
  const r = planJson(procfileOf('node-lerna'), ONE(['web', 'prefix', 'every']))

  it('lerna run start --scope @reports/web runs that package (lerna.json packages: modules/*)', () => {
    // modules/web: new Pool({max: Number(process.env.PG_POOL_MAX || 6)}), PG_POOL_MAX unset → 6.
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6})
  })

  it('npm start --prefix modules/worker runs the worker\'s own pool', () => {
    // modules/worker: new Pool({max: 2}) → 2.
    expect(r.type('prefix')).toMatchObject({connections: 2, poolPerProcess: 2})
  })

  it('lerna run start with no scope runs every package that has the script, together', () => {
    // @reports/web (6) is the type's process; @reports/worker (2) runs beside it: 6 + 2 = 8 per dyno.
    expect(r.type('every')).toMatchObject({connections: 8, connectionsPerProcess: 6, connectionsPerDyno: 8})
    expect(r.type('every').extras[0].reason).toContain('`npm run start` in modules/worker/ runs beside it in each dyno, started by lerna run start (node: 1 × 2)')
    expect(r.codes).not.toContain('unknown-command')
  })
})

describe('a workspace package imported by name, built entries and the root lock file', () => {
  const r = planJson(procfileOf('node-monorepo-packages'), ONE(['web', 'worker', 'admin']))

  it('import {pool} from \'@acme/db\' follows the workspace package to the pool it makes', () => {
    // apps/api start: node dist/server.js, built by `tsc` (tsconfig.json outDir dist, rootDir src) → src/server.ts
    // imports @acme/db: packages/db/package.json main dist/index.js, built by tsc -p tsconfig.build.json (outDir
    // dist, include ["src"] → rootDir src) → packages/db/src/index.ts: new Pool({max: settings.poolMax}),
    // settings.ts: parseInt(PG_POOL_MAX || '6') → 6. 1 process × 6 = 6.
    expect(r.type('web')).toMatchObject({connections: 6, poolPerProcess: 6, processesPerDyno: 1})
    expect(r.type('web').databases).toEqual(['pg packages/db/src/index.ts:6'])
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'packages/db/src/settings.ts', kind: 'file', line: 2})
    // --explain says the entry was built at deploy, by what, and which source was read.
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('dist/server.js is built at deploy by tsc (apps/api/package.json:6) from tsconfig.json, whose outDir dist/ mirrors src/: conncalc read its source src/server.ts')}))
  })

  it('the worker\'s knexfile section is its pool: knex({min: 1, max: 4}) → 4', () => {
    expect(r.type('worker')).toMatchObject({connections: 4, poolPerProcess: 4})
  })

  it('a package with no lock file of its own takes versions from the root package-lock.json', () => {
    // apps/admin lists @prisma/client "latest" (no version in the range); the root lock installs 7.2.0: Prisma 7's
    // driver adapter, pg's Pool default max 10 (not Prisma ≤ 6's CPUs × 2 + 1 = 17 on a standard-1x's 8 CPUs).
    // Its code creates no client (routes are not in the app): the default, labelled. 6 + 4 + 10 = 20.
    expect(r.type('admin')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(r.type('admin').sources['pool.prisma'].via).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('Prisma 7 driver adapter')}))
    expect(r.total).toBe(20)
  })
})
