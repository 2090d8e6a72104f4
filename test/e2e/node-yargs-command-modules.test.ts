/**
 * yargs command modules (https://github.com/yargs/yargs/blob/main/docs/advanced.md#providing-a-command-module): a module
 * exporting `command` (a string, or a list: the command then its aliases), `aliases` and `handler`, registered with
 * `.command(require('./cmds/worker'))` or `import * as worker from './cmds/worker.mjs'` + `.command(worker)`. The
 * handler runs only when the process names its command (js.ts commandSpecs / noteHandler on the module's handler).
 * Before: the module was an open command (names unread) and its handler's pool counted in every process (11 each).
 * Made-up app, pg Pool max as written in each handler.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  Procfile: ['web: node cli.js serve', 'worker: node cli.js worker fast', 'alias: node cli.js s', 'esm: node cli.mjs report', 'esmweb: node cli.mjs web'].join('\n'),
  'cli.js': ["const yargs = require('yargs/yargs')", "const {hideBin} = require('yargs/helpers')", 'yargs(hideBin(process.argv))', "  .command(require('./cmds/serve'))", "  .command(require('./cmds/worker'))", '  .demandCommand(1)', '  .parse()'].join('\n'),
  'cli.mjs': ["import yargs from 'yargs'", "import {hideBin} from 'yargs/helpers'", "import * as report from './esm/report.mjs'", "import * as web from './esm/web.mjs'", 'yargs(hideBin(process.argv)).command(report).command(web).parse()'].join('\n'),
  'cmds/serve.js': ["const {Pool} = require('pg')", "exports.command = ['serve', 's']", "exports.describe = 'web server'", 'exports.handler = () => {', '  const pool = new Pool({max: 8})', "  require('http').createServer(async (q, r) => r.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)", '}'].join('\n'),
  'cmds/worker.js': ["const {Pool} = require('pg')", 'module.exports = {', "  command: 'worker [queue]',", "  describe: 'jobs',", '  handler: async () => {', '    const pool = new Pool({max: 3})', "    setInterval(() => pool.query('select 1'), 1000)", '  },', '}'].join('\n'),
  'esm/report.mjs': ["import pg from 'pg'", "export const command = 'report'", 'export async function handler() {', '  const pool = new pg.Pool({max: 2})', "  setInterval(() => pool.query('select 1'), 1000)", '}'].join('\n'),
  'esm/web.mjs': ["import pg from 'pg'", "export const command = 'web'", "export const aliases = ['w']", 'export const handler = () => {', '  const pool = new pg.Pool({max: 5})', "  setInterval(() => pool.query('select 1'), 1000)", '}'].join('\n'),
  'package.json': JSON.stringify({dependencies: {pg: '^8.13.0', yargs: '^17.7.2'}, name: 'yg'}, null, 2),
}

describe('yargs command modules', () => {
  const r = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,worker=1:standard-1x,alias=1:standard-1x,esm=1:standard-1x,esmweb=1:standard-1x'])

  it('required modules: each process runs the handler its command (or alias) names', () => {
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(r.type('worker').connectionsPerDyno).toBe(3)
    expect(r.type('alias').connectionsPerDyno).toBe(8)
  })

  it('imported as namespaces (export const command / handler)', () => {
    expect(r.type('esm').connectionsPerDyno).toBe(2)
    expect(r.type('esmweb').connectionsPerDyno).toBe(5)
  })
})
