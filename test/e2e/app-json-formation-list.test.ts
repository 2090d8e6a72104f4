/**
 * app.json `formation` written as a list, `[{"process": "web", "quantity": 3}]`: Heroku's first form (its app.json
 * library's schema, app-json/app.json lib/schema.js; the Heroku Button applied such a list's size in 2015). Heroku's
 * schema now documents an object, so each count is read and starred, not dropped as unparsable.
 *
 * A made-up app: web `node web.js` (pg Pool max 5) at 3 dynos, worker `node worker.js` (Pool max 2) at 0: 3 × 5 = 15.
 */
import {describe, expect, it} from 'vitest'

import {planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pool = (max: number, body: string): string => `const {Pool} = require('pg')\nconst pool = new Pool({max: ${max}})\n${body}\n`
const files = {
  'Procfile': 'web: node web.js\nworker: node worker.js\n',
  'app.json': '{\n  "name": "kettle",\n  "formation": [\n    {"process": "web", "quantity": 3},\n    {"process": "worker", "quantity": 0}\n  ]\n}\n',
  'package.json': '{"name": "kettle", "dependencies": {"pg": "8.11.3"}}\n',
  'web.js': pool(5, "require('http').createServer((q, s) => pool.query('select 1').then(() => s.end())).listen(process.env.PORT)"),
  'worker.js': pool(2, "setInterval(() => pool.query('select 1'), 1000)"),
}

describe('app.json formation as a list', () => {
  it('reads each process type\'s quantity, starred, with no unparsable warning', () => {
    const dir = app(files)
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect([r.type('web').dynos, r.type('worker').dynos, r.total]).toEqual([3, 0, 15])
    expect(r.codes).not.toContain('unparsable-config')
    const out = runCli(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0', '--explain']).stdout
    expect(out).toMatch(/^web +node +3\*/m)
    expect(out).toMatch(/dynos +3 {2}app\.json:4 ← assumption: app\.json writes formation as a list of \{process, quantity, size\}, Heroku's first app\.json form/)
    expect(planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1']).total).toBe(5)
  })
})
