/**
 * Modules loaded from a folder at run time, which no import names (fixture node-folder-loaders, in
 * the shapes of betagouv/api-particulier's Forest Admin app and sequelize-cli's models/index.js):
 * `requireAll({dirname: path.join(__dirname, 'routes')})` and
 * `fs.readdirSync(path.join(__dirname, 'jobs'))` with a require of each file. Before, those
 * folders were never read and the pools in them were the dependencies' defaults, assumed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('folders loaded at run time', () => {
  const r = planJson(procfileOf('node-folder-loaders'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1'])

  it('requireAll over routes/ (recursive by default) reaches both pg pools: 6 + 2, and says why knex is not found', () => {
    // routes/items.js → lib/db.js Pool max 6; routes/admin/reports.js → lib/reports-db.js Pool max 2.
    // knex is in package.json but only jobs/send-mail.js imports it, which server.js never loads:
    // knex's default 10 stays assumed, and the reason names that file. 1 × (6 + 2 + 10) = 18.
    expect(r.type('web')).toMatchObject({connections: 18, processesPerDyno: 1, threadsPerProcess: 18})
    const via = r.type('web').sources.threadsPerProcess.via
    expect(via).toContainEqual({file: 'lib/db.js', kind: 'file', line: 5})
    expect(via).toContainEqual({file: 'lib/reports-db.js', kind: 'file', line: 5})
    expect(JSON.stringify(via)).toContain('jobs/send-mail.js imports knex, but no module reached from server.js (5 read) imports it')
  })

  it('fs.readdirSync over jobs/ reaches the knex pool max 3', () => {
    // worker.js requires each file of jobs/: send-mail.js makes knex({pool: {min: 0, max: 3}}): 1 × 3 = 3.
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 3, processesPerDyno: 1, threadsPerProcess: 3})
    expect(r.type('worker').sources.threadsPerProcess.via).toContainEqual({file: 'jobs/send-mail.js', kind: 'file', line: 4})
  })
})
