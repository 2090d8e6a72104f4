/**
 * commander subcommands made in one place and added in another (src/languages/node/js.ts SUBCOMMANDS, cli-commands.ts
 * CliProgram.detached/parent): `module.exports = new Command('worker').action(…)` in commands/worker.js and
 * `program.addCommand(require('./commands/worker'))` in cli.js; `const serve = new Command('serve'); serve.action(…)`
 * added with `{isDefault: true}`; and nested commands, `const db = program.command('db'); db.command('sync').action(…)`
 * (commander's `.command(name)` returns the new subcommand, whose own `.command()` declares its subcommands:
 * https://github.com/tj/commander.js#commands). `node cli.js worker` runs only worker's action; `node db.js db sync` only
 * sync's. Before: every action's pool counted in every process (web/worker 3 + 8 = 11), and `db sync`/`db migrate` ran
 * none (1*). Made-up app, pg Pool max as written in each action.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pooled = (max: number, what = "setInterval(() => pool.query('select 1'), 1000)") => [`  const pool = new Pool({max: ${max}})`, `  ${what}`]
const files = {
  Procfile: ['web: node cli.js serve', 'worker: node cli.js worker', 'dflt: node cli.js', 'sync: node db.js db sync', 'mig: node db.js db migrate', 'srv: node db.js serve', 'other: node db.js db'].join('\n'),
  'cli.js': ["const {Command} = require('commander')", 'const program = new Command()', "program.addCommand(require('./commands/worker'))", "program.addCommand(require('./commands/serve'), {isDefault: true})", 'program.parse(process.argv)'].join('\n'),
  'commands/serve.js': ["const {Command} = require('commander')", "const {Pool} = require('pg')", "const serve = new Command('serve')", 'serve.action(() => {', ...pooled(8), '})', 'module.exports = serve'].join('\n'),
  'commands/worker.js': ["const {Command} = require('commander')", "const {Pool} = require('pg')", "module.exports = new Command('worker').description('jobs').action(() => {", ...pooled(3), '})'].join('\n'),
  'db.js': [
    "const {program} = require('commander')",
    "const {Pool} = require('pg')",
    "const db = program.command('db')",
    "db.command('migrate').action(async () => {",
    ...pooled(1, "await pool.query('select 1')"),
    '})',
    "db.command('sync').action(() => {",
    ...pooled(6),
    '})',
    "program.command('serve').action(() => {",
    ...pooled(4),
    '})',
    'program.parse()',
  ].join('\n'),
  'package.json': JSON.stringify({dependencies: {commander: '^12.1.0', pg: '^8.13.0'}, name: 'cmdr'}, null, 2),
}

describe('commander subcommands added from another module, and nested ones', () => {
  const r = planJson(join(app(files), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,worker=1:standard-1x,dflt=1:standard-1x,sync=1:standard-1x,mig=1:standard-1x,srv=1:standard-1x,other=1:standard-1x'])

  it('addCommand(require(…)): each process runs the action its command names; the default one with none', () => {
    expect(r.exit).toBe(0)
    expect(r.type('web').connectionsPerDyno).toBe(8)
    expect(r.type('worker').connectionsPerDyno).toBe(3)
    expect(r.type('dflt').connectionsPerDyno).toBe(8)
  })

  it('a subcommand of a subcommand: `db sync` runs sync only, `serve` none of db’s', () => {
    expect(r.type('sync').connectionsPerDyno).toBe(6)
    expect(r.type('mig').connectionsPerDyno).toBe(1)
    expect(r.type('srv').connectionsPerDyno).toBe(4)
  })
})
