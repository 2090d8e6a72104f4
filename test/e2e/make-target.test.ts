/**
 * `make TARGET` as what a process type runs (a Procfile line, a script's line): GNU make makes the target's rule
 * prerequisites first, then runs its recipe lines one after another, each in a shell of its own, after expanding make's
 * variables (procfile/makefile.ts). Before, `make` was an unknown program: 1 process × 1 connection, assumed and warned.
 *
 * App (temp, made up): Node, server.js a pg Pool of max 6, worker.js one of max 2; a Makefile with
 *   `PORT ?= 5000`, `migrate:` (`@npx knex migrate:latest`), `run-web: migrate` (`NODE_ENV=production node server.js
 *   --port $(PORT)`), `start:` first in the file (`exec node worker.js`), `api:` in services/api/Makefile.
 *   web: make run-web: the migration, then server.js: 6.
 *   worker: make (the default goal, the first target start): worker.js: 2.
 *   api: make -C services/api serve POOL_MAX=4 (its recipe `node index.js`, max Number(process.env.POOL_MAX)): 4.
 *   a target the Makefile lacks, or a recipe using $(shell …): said at the Makefile, 1*.
 *   a Makefile that `include`s make/run.mk, whose pattern rule `run-%:` runs `exec node $*.js`: make run-server, 6;
 *     `jobs: run-worker` there, 2.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pool = (max: string, serve: boolean): string =>
  [
    "const {Pool} = require('pg')",
    `const pool = new Pool({connectionString: process.env.DATABASE_URL, max: ${max}})`,
    serve ? "require('node:http').createServer(async (q, r) => r.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)" : "setInterval(() => pool.query('select 1'), 1000)",
    '',
  ].join('\n')

const makefile = ['PORT ?= 5000', '', '.PHONY: start migrate run-web', '', 'start:', '\texec node worker.js', '', 'migrate:', '\t@npx knex migrate:latest', '', 'run-web: migrate', '\tNODE_ENV=production node server.js --port $(PORT)', ''].join('\n')

const base = {
  Makefile: makefile,
  'knexfile.js': "module.exports = {client: 'pg', connection: process.env.DATABASE_URL}\n",
  'package.json': '{"name": "ledger", "dependencies": {"knex": "^3.1.0", "pg": "^8.13.1"}}\n',
  'server.js': pool('6', true),
  'services/api/Makefile': 'serve:\n\tnode index.js\n',
  'services/api/index.js': pool('Number(process.env.POOL_MAX)', true),
  'services/api/package.json': '{"name": "api", "dependencies": {"pg": "^8.13.1"}}\n',
  'worker.js': pool('2', false),
}

const plan = (procfile: string, more: Record<string, string> = {}) => planJson(join(app({...base, ...more, Procfile: procfile}), 'Procfile'), ['--limit', '100', '--scale', `${procfile.split(':')[0]}=1`])
const starred = (v: {source: {kind: string}; via?: {kind: string}[]}): boolean => v.source.kind === 'assumed' || (v.via ?? []).some((s) => s.kind === 'assumed')

describe('make TARGET runs its recipe', () => {
  it("web: make run-web makes migrate first, then runs node server.js: 6, the pool cited in server.js", () => {
    const r = plan('web: make run-web\n')
    expect(r.type('web')).toMatchObject({connections: 6, server: 'node'})
    expect(starred(r.type('web').sources.processesPerDyno)).toBe(false)
  })

  it('worker: make with no target makes the first target (start): worker.js, 2', () => {
    expect(plan('worker: make\n').type('worker')).toMatchObject({connections: 2})
  })

  it('api: make -C services/api serve POOL_MAX=4: the recipe runs in that folder with the variable in its environment, 4', () => {
    expect(plan('api: make -C services/api serve POOL_MAX=4\n').type('api')).toMatchObject({connections: 4})
  })

  it('a target the Makefile lacks, or a recipe with $(shell …): said at the Makefile, and the command stays unknown (1*)', () => {
    const missing = plan('web: make serve\n')
    expect(missing.type('web')).toMatchObject({connections: 1})
    expect(missing.diagnostics).toContainEqual(expect.objectContaining({file: 'Makefile', message: expect.stringContaining('Makefile has no rule for `serve`'), severity: 'warning'}))
    const fn = plan('web: make run-web\n', {Makefile: makefile.replace('--port $(PORT)', '--port $(shell cat .port)')})
    expect(fn.type('web')).toMatchObject({connections: 1})
    expect(fn.diagnostics).toContainEqual(expect.objectContaining({file: 'Makefile', line: 12, message: expect.stringContaining('`$(shell cat .port)` is a make function'), severity: 'warning'}))
  })

  it('`include make/run.mk` (its rules read where the line is) and a pattern rule `run-%:` (its recipe with `$*` the stem): web 6, worker 2', () => {
    // GNU make, "Including Other Makefiles" and "Pattern Rules": `make run-server` takes run-%'s recipe with $* = server.
    // Before: "Makefile has no rule for `run-server`", 1*.
    const more = {
      Makefile: ['SERVICE_DIR = .', '-include .env.mk', 'include make/run.mk', ''].join('\n'),
      'make/run.mk': ['run-%:', '\texec node $*.js', '', 'jobs: run-worker', ''].join('\n'),
    }
    const r = planJson(join(app({...base, ...more, Procfile: 'web: make run-server\nworker: make jobs\n'}), 'Procfile'), ['--limit', '100', '--scale', 'web=1', '--scale', 'worker=1'])
    expect(r.type('web')).toMatchObject({connections: 6, server: 'node'})
    expect(r.type('worker')).toMatchObject({connections: 2, server: 'node'})
    expect(JSON.stringify(r.type('web').sources)).not.toContain('"assumed"')
  })
})
