/**
 * Whose deploy the peak counts when an app carries both Dokku's files and Heroku's. Dokku starts the new containers of
 * every type and stops the old ones DOKKU_WAIT_TO_RETIRE later (https://dokku.com/docs/deployment/zero-downtime-deploys/),
 * and runs app.json's scripts.dokku tasks; Heroku runs the release phase beside the old formation and overlaps web only
 * with preboot. app.json `healthchecks` is Dokku's key (https://dokku.com/docs/appendices/file-formats/app-json/),
 * `addons` Heroku's (https://devcenter.heroku.com/articles/app-json-schema; Dokku provisions none).
 *
 * A made-up app: web `node web.js` (pg Pool max 5), worker `node worker.js` (Pool max 2): total 7. release
 * `node migrate.js` (Pool max 1): 1.
 * - Dokku (default with both signs, starred): old 7 + new 7 = 14; the release phase 7 + 1 = 8. Peak 14*.
 * - --platform heroku: the release phase 8; no overlap. With --preboot: 7 + web 5 = 12.
 * - --platform dokku, or Dokku's key alone: 14, not starred.
 * - With scripts.dokku.postdeploy `node backfill.js` (Pool max 2, two queries at once: 2): Dokku 14 + 2 = 16*, its row's
 *   dynos starred; --platform heroku drops the task (Heroku ignores scripts.dokku): 8.
 */
import {describe, expect, it} from 'vitest'

import {planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const pool = (max: number, body: string): string => `const {Pool} = require('pg')\nconst pool = new Pool({max: ${max}})\n${body}\n`
const base = {
  'Procfile': 'release: node migrate.js\nweb: node web.js\nworker: node worker.js\n',
  'migrate.js': pool(1, "pool.query('create table if not exists pots (id int)').then(() => pool.end())"),
  'package.json': '{"name": "pot-lid", "dependencies": {"pg": "8.11.3"}}\n',
  'web.js': pool(5, "require('http').createServer((q, s) => pool.query('select 1').then(() => s.end())).listen(process.env.PORT)"),
  'worker.js': pool(2, "setInterval(() => pool.query('select 1'), 1000)"),
}
const both = '{\n  "name": "pot-lid",\n  "healthchecks": {\n    "web": [{"type": "startup", "path": "/up"}]\n  },\n  "addons": ["papertrail"]\n}\n'
const scale = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']

describe('the platform whose deploy is counted', () => {
  it("takes Dokku's deploy when both platforms' files are there, starred and said", () => {
    const dir = app({...base, 'app.json': both})
    const r = planJson(`${dir}/Procfile`, scale)
    expect(r.total).toBe(7)
    expect(r.deployPeak).toBe(14)
    const said = r.diagnostics.find((d) => d.code === 'deploy-platform')
    expect(said).toMatchObject({file: 'app.json', line: 3, severity: 'info'})
    expect(said?.message).toContain("Heroku's (app.json:6: its `addons` key")
    const out = runCli(['plan', '--procfile', `${dir}/Procfile`, ...scale, '--explain']).stdout
    expect(out).toContain('deploy peak 14*')
    expect(out).toMatch(/deploy on Dokku: assumption: the app has Dokku's files \(app\.json:3: its `healthchecks` key \(Dokku's\)\) and Heroku's .*pass --platform heroku/)
  })

  it('counts Heroku\'s deploy with --platform heroku (or the config file), Dokku\'s with --platform dokku', () => {
    const dir = app({...base, 'app.json': both})
    const heroku = planJson(`${dir}/Procfile`, [...scale, '--platform', 'heroku'])
    expect([heroku.total, heroku.deployPeak]).toEqual([7, 8])
    expect(heroku.codes).not.toContain('deploy-platform')
    expect(planJson(`${dir}/Procfile`, [...scale, '--platform', 'heroku', '--preboot']).deployPeak).toBe(12)
    const dokku = planJson(`${dir}/Procfile`, [...scale, '--platform', 'dokku'])
    expect(dokku.deployPeak).toBe(14)
    expect(dokku.codes).not.toContain('deploy-platform')
    const out = runCli(['plan', '--procfile', `${dir}/Procfile`, ...scale, '--platform', 'dokku', '--explain']).stdout
    expect(out).toContain('deploy peak 14\n')
    expect(out).toContain('deploy on Dokku: flag --platform dokku')
    const configured = app({...base, 'app.json': both, 'conncalc.yml': 'platform: heroku\n'})
    expect(planJson(`${configured}/Procfile`, scale).deployPeak).toBe(8)
  })

  it("keeps Dokku's deploy unstarred when only Dokku's files are there, and takes it from --platform dokku alone", () => {
    const dokkuOnly = app({...base, 'app.json': '{\n  "healthchecks": {"web": [{"type": "startup", "path": "/up"}]}\n}\n'})
    const r = planJson(`${dokkuOnly}/Procfile`, scale)
    expect(r.deployPeak).toBe(14)
    expect(r.codes).not.toContain('deploy-platform')
    expect(runCli(['plan', '--procfile', `${dokkuOnly}/Procfile`, ...scale]).stdout).toContain('deploy peak 14\n')
    const plain = app(base)
    expect(planJson(`${plain}/Procfile`, scale).deployPeak).toBe(8)
    expect(planJson(`${plain}/Procfile`, [...scale, '--platform', 'dokku']).deployPeak).toBe(14)
  })

  it("stars Dokku's app.json task when the platform is assumed, and drops it on Heroku", () => {
    const appJson = '{\n  "scripts": {"dokku": {"postdeploy": "node backfill.js"}},\n  "addons": ["heroku-postgresql"]\n}\n'
    const backfill = pool(2, "Promise.all([pool.query('update pots set id = 1'), pool.query('update lids set id = 2')]).then(() => pool.end())")
    const dir = app({...base, 'app.json': appJson, 'backfill.js': backfill})
    const r = planJson(`${dir}/Procfile`, scale)
    expect(r.deployPeak).toBe(16)
    expect(r.type('postdeploy').sources.dynos.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    const heroku = planJson(`${dir}/Procfile`, [...scale, '--platform', 'heroku'])
    expect(heroku.processTypes.map((p) => p.name)).toEqual(['release', 'web', 'worker'])
    expect(heroku.deployPeak).toBe(8)
  })

  it('rejects another platform name', () => {
    const r = runCli(['plan', '--procfile', `${app(base)}/Procfile`, '--platform', 'render'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--platform render is not one of heroku, dokku')
  })
})
