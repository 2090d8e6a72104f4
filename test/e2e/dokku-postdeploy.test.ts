/**
 * Dokku's app.json `scripts.dokku.postdeploy` is a deploy task run on every deploy, in a container of the new image. Dokku's
 * scheduler-deploy (plugins/scheduler-docker-local) starts and checks the new containers of every type, then fires the
 * post-deploy trigger (app-json's TriggerPostDeploy runs the postdeploy script), and only then schedules the old containers
 * to stop DOKKU_WAIT_TO_RETIRE (60 s) later. So the task runs beside the old and the new containers.
 *
 * A made-up app: web `node web.js` (pg Pool max 4), worker `node worker.js` (pg Pool max 3): total 7. postdeploy
 * `node scripts/backfill.js`: a Pool max 2 whose two UPDATEs run at once (Promise.all): 2.
 * - Dokku's overlap: old 7 + new 7 = 14.
 * - The postdeploy task: new 7 + old 7 + the task's 2 = 16, the peak.
 * - `--no-preboot` (checks disabled: Dokku stops the old containers before starting the new): 7 + 2 = 9.
 * A Procfile `postdeploy:` line (Scalingo's hook) is the app's own: app.json's Dokku task is not added beside it.
 */
import {describe, expect, it} from 'vitest'

import {planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = {
  'Procfile': 'web: node web.js\nworker: node worker.js\n',
  'app.json': '{\n  "name": "seed-swap",\n  "scripts": {\n    "dokku": {\n      "postdeploy": "node scripts/backfill.js"\n    }\n  }\n}\n',
  'package.json': '{"name": "seed-swap", "dependencies": {"pg": "8.11.3"}}\n',
  'scripts/backfill.js':
    "const {Pool} = require('pg')\nconst pool = new Pool({max: 2})\nPromise.all([pool.query('update seeds set kind = 1 where kind is null'), pool.query('update swaps set done = false where done is null')]).then(() => pool.end())\n",
  'web.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 4})\nrequire('http').createServer((q, s) => pool.query('select 1').then(() => s.end())).listen(process.env.PORT)\n",
  'worker.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 3})\nsetInterval(() => pool.query('select 1'), 1000)\n",
}
const scale = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']

describe("Dokku's scripts.dokku.postdeploy", () => {
  it('runs beside the old and the new containers: a deploy moment of its own, sourced app.json:LINE', () => {
    const dir = app(files)
    const r = planJson(`${dir}/Procfile`, scale)
    expect(r.total).toBe(7)
    expect(r.type('postdeploy')).toMatchObject({connectionsPerDyno: 2, role: 'release'})
    expect(r.type('postdeploy').sources.dynos.source).toMatchObject({kind: 'default', ref: expect.stringContaining('scheduler-docker-local/scheduler-deploy'), what: expect.stringContaining('scripts.dokku.postdeploy')})
    expect(r.deployPeak).toBe(16)
    expect(planJson(`${dir}/Procfile`, [...scale, '--no-preboot']).deployPeak).toBe(9)
  })

  it('says the moment as Dokku\'s task, not a Scalingo hook', () => {
    const dir = app(files)
    const out = runCli(['plan', '--procfile', `${dir}/Procfile`, ...scale, '--explain']).stdout
    expect(out).toContain("peak during Dokku's postdeploy task (its container and the old web, worker containers, stopped DOKKU_WAIT_TO_RETIRE after it, add 9); old and new containers 14")
    expect(out).toContain('(n) = postdeploy task: counted in the deploy peak only')
    expect(out).toMatch(/dynos +1 {2}default: Dokku runs app\.json's scripts\.dokku\.postdeploy .* ← app\.json:5/)
    const checksOff = runCli(['plan', '--procfile', `${dir}/Procfile`, ...scale, '--no-preboot', '--explain']).stdout
    expect(checksOff).toContain("peak during Dokku's postdeploy task (its container adds 2)")
  })

  it('leaves a Procfile postdeploy line (Scalingo) as it is', () => {
    const dir = app({...files, 'Procfile': 'web: node web.js\nworker: node worker.js\npostdeploy: node scripts/notify.js\n', 'scripts/notify.js': "console.log('deployed')\n"})
    const r = planJson(`${dir}/Procfile`, scale)
    expect(r.type('postdeploy').connectionsPerDyno).toBe(0)
    expect(r.processTypes.filter((p) => p.name === 'postdeploy')).toHaveLength(1)
  })
})

describe("Scalingo's postdeploy hook read by the program's own analysis", () => {
  // The same web (4) with a Procfile `postdeploy: node scripts/backfill.js` (2, read by Node's analysis) and --preboot: Scalingo
  // starts the new containers, then the postdeploy container, then stops the old ones: 4 + 4 + 2 = 10 (was 8: the row was
  // taken for a release phase because its server is `node`, not the type's name).
  it('adds the hook to the overlap, whichever analysis read its command', () => {
    const dir = app({'Procfile': 'web: node web.js\npostdeploy: node scripts/backfill.js\n', 'package.json': files['package.json'], 'scripts/backfill.js': files['scripts/backfill.js'], 'web.js': files['web.js']})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', '--preboot'])
    expect(r.type('postdeploy')).toMatchObject({connectionsPerDyno: 2, server: 'node'})
    expect(r.deployPeak).toBe(10)
    expect(r.deployMoments).toContainEqual(expect.objectContaining({extra: 6, kind: 'postdeploy', processTypes: ['postdeploy', 'web']}))
  })
})
