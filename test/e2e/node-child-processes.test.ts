/**
 * Node programs the app's code starts as child processes of their own: `spawn('node', [path.resolve(__dirname, …)])`
 * (node:child_process and cross-spawn, the same signature) and `fork(modulePath)`. Each child is another Node process
 * with its own module instances and so its own pools ("each process has its own memory, with their own V8 instances":
 * https://nodejs.org/api/child_process.html#child_processforkmodulepath-args-options), running beside the type's
 * process in every dyno. A literal path is resolved from the working directory, a __dirname one from the module's folder.
 * Apps in the shape of evershopcommerce/evershop (its start spawns an event-manager and a cron process with
 * cross-spawn), counted as the server's pool alone (20 there; 51* now, hand 61).
 * The fixture (test/fixtures/node-child-processes), by hand: the server's pg Pool max 5; src/jobs/worker.js (spawned)
 * a Pool of max 3; src/listener.js (forked) requires ./db, its own copy of the max-5 pool: 5 + 3 + 5 = 13 per dyno.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('node-child-processes')
const web = (files: Record<string, string> = {}) => planJson(`${app(files)}/Procfile`, ['--scale', 'web=1']).type('web')

describe('Node child processes the code starts', () => {
  it('spawn("node", args) with args a list built from __dirname, and fork("src/listener.js"): 5 + 3 + 5 = 13 per dyno', () => {
    const row = web()
    expect(row).toMatchObject({connectionsPerDyno: 13, connectionsPerProcess: 5, processesPerDyno: 1})
    expect(row.extras.map((e: {count: number; reason: string}) => [e.count, e.reason.split(' (a child')[0]])).toEqual([
      [3, '`node src/jobs/worker.js` runs beside it in each dyno, started by cross-spawn() at src/server.js:11'],
      [5, '`node src/listener.js` runs beside it in each dyno, started by child_process.fork() at src/server.js:18'],
    ])
  })

  it('a child started inside a `new Promise(…)` the code waits on (a start-up check that exits): said, not counted', () => {
    const server = [
      "const path = require('path')",
      "const {fork} = require('child_process')",
      "const pool = require('./db')",
      'function checkMigrations() {',
      '  return new Promise((resolve) => {',
      "    const child = fork(path.join(__dirname, 'jobs', 'worker.js'))",
      "    child.once('exit', () => resolve())",
      '  })',
      '}',
      "checkMigrations().then(() => pool.query('select 1'))",
    ].join('\n')
    const out = planJson(`${app({'src/server.js': server})}/Procfile`, ['--scale', 'web=1'])
    // The server's pool alone: 5.
    expect(out.type('web')).toMatchObject({connectionsPerDyno: 5, extras: []})
    expect(out.diagnostics.map((d: {message: string}) => d.message)).toContain('web: the code starts a child Node process here (child_process.fork) inside a `new Promise(…)` it waits on: a run that ends (a start-up check, a job), not counted as a process beside it')
  })

  it('a child whose file is not in the app, or held in a variable: said (a warning), not counted', () => {
    const server = "const {fork} = require('child_process')\nconst pool = require('./db')\nfork(process.env.WORKER_FILE)\nfork('src/missing.js')\npool.query('select 1')\n"
    const out = planJson(`${app({'src/server.js': server})}/Procfile`, ['--scale', 'web=1'])
    expect(out.type('web')).toMatchObject({connectionsPerDyno: 5})
    const messages = out.diagnostics.filter((d: {code: string}) => d.code === 'unknown-command').map((d: {message: string}) => d.message)
    expect(messages).toEqual([
      'web: the code starts a child Node process here (child_process.fork), its file is not a literal or a path built from __dirname: its connections are not counted',
      'web: the code starts a child Node process here (child_process.fork), running src/missing.js, which is not in the app: its connections are not counted',
    ])
  })
})
