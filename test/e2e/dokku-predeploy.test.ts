/**
 * Dokku's app.json `scripts.dokku.predeploy` is a deploy task: Dokku runs it once per deploy in a container of the
 * new image, before the new containers start (https://dokku.com/docs/advanced-usage/deployment-tasks/), so it adds
 * to the deploy peak like Heroku's release phase, and is read through the same deploy-hook analysis.
 * test/fixtures/node-dokku-predeploy: web `node server.js`, pg Pool max 5: 5. predeploy (app.json:5)
 * `node scripts/migrate.js`: a Pool max 3 whose three CREATE TABLEs run at once (Promise.all over a list of three):
 * 3. The Procfile's release `node scripts/warm.js`: Pool max 2, one query, then pool.end(): 1 at a time
 * (src/languages/node/at-once.ts). Dokku runs predeploy, then release, one after the other: two moments,
 * 5 + 3 = 8 and 5 + 1 = 6 (not 5 + 3 + 1). And Dokku's zero-downtime deploy keeps the old containers of every
 * type running DOKKU_WAIT_TO_RETIRE (60 s by default) after the new ones take traffic
 * (https://dokku.com/docs/deployment/zero-downtime-deploys/): old web 5 + new web 5 = 10, the deploy peak.
 * `--no-preboot` (checks disabled: the old containers stop first): 8. Without a release line: the same.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const args = ['--plan', 'standard-0', '--scale', 'web=1']

describe("Dokku's scripts.dokku.predeploy", () => {
  it('is a deploy moment of its own, read from the command it runs, sourced app.json:LINE', () => {
    const r = planJson(procfileOf('node-dokku-predeploy'), args)
    expect(r.total).toBe(5)
    expect(r.type('predeploy')).toMatchObject({connectionsPerDyno: 3, role: 'release', server: 'node'})
    expect(r.type('predeploy').sources.dynos.source).toMatchObject({kind: 'default', ref: 'https://dokku.com/docs/advanced-usage/deployment-tasks/'})
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('web').sources.deployOverlap).toMatchObject({source: {kind: 'default', ref: 'https://dokku.com/docs/deployment/zero-downtime-deploys/', what: expect.stringContaining('app.json:4')}, value: true})
    expect(r.deployPeak).toBe(10)
    expect(planJson(procfileOf('node-dokku-predeploy'), [...args, '--no-preboot']).deployPeak).toBe(8)
  })

  it('says which moment is the peak', () => {
    const out = runCli(['plan', '--procfile', procfileOf('node-dokku-predeploy'), ...args, '--explain']).stdout
    expect(out).toContain("peak during Dokku's old and new containers overlapping (a second set of web containers adds 5); predeploy task 8, release phase 6")
    const checksOff = runCli(['plan', '--procfile', procfileOf('node-dokku-predeploy'), ...args, '--no-preboot', '--explain']).stdout
    expect(checksOff).toContain("peak during Dokku's predeploy task (its container adds 3); release phase 6")
    expect(out).toContain('(n) = predeploy task, release phase: counted in the deploy peak only')
    expect(out).toMatch(/dynos +1 {2}default: Dokku runs app\.json's scripts\.dokku\.predeploy .* ← app\.json:5/)
  })

  it('counts without a Procfile release', () => {
    const r = planJson(procfileOf('node-dokku-predeploy/Procfile.web-only'), args)
    expect(r.type('predeploy').connectionsPerDyno).toBe(3)
    expect(r.deployPeak).toBe(10)
    expect(planJson(procfileOf('node-dokku-predeploy/Procfile.web-only'), [...args, '--no-preboot']).deployPeak).toBe(8)
  })
})

describe("Dokku's zero-downtime deploy", () => {
  it('overlaps the old and new containers of every process type; an app with no Dokku file does not', () => {
    // A made-up app: web pg Pool max 4, worker pg Pool max 3, a CHECKS file (only Dokku reads it). Total 7; for
    // DOKKU_WAIT_TO_RETIRE the old web and worker containers run beside the new ones: 7 + 7 = 14.
    const files = {
      'Procfile': 'web: node web.js\nworker: node worker.js\n',
      'package.json': '{"name": "made-up", "dependencies": {"pg": "8.11.3"}}\n',
      'web.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 4})\nrequire('http').createServer((q, s) => pool.query('select 1').then(() => s.end())).listen(process.env.PORT)\n",
      'worker.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 3})\nsetInterval(() => pool.query('select 1'), 1000)\n",
    }
    const dokku = app({...files, CHECKS: '/health ok\n'})
    const scale = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']
    const r = planJson(`${dokku}/Procfile`, scale)
    expect(r.total).toBe(7)
    expect(r.deployPeak).toBe(14)
    expect(r.type('worker').sources.deployOverlap.source.what).toContain('CHECKS: a file only Dokku reads')
    expect(planJson(`${app(files)}/Procfile`, scale).deployPeak).toBe(7)
  })
})
