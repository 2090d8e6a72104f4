/**
 * Dokku's app.json `scripts.dokku.predeploy` is a deploy task: Dokku runs it once per deploy in a container of the
 * new image, before the new containers start (https://dokku.com/docs/advanced-usage/deployment-tasks/), so it adds
 * to the deploy peak like Heroku's release phase, and is read through the same deploy-hook analysis.
 * test/fixtures/node-dokku-predeploy: web `node server.js`, pg Pool max 5: 5. predeploy (app.json:5)
 * `node scripts/migrate.js`: a Pool max 3 whose three CREATE TABLEs run at once (Promise.all): 3. The Procfile's
 * release `node scripts/warm.js`: Pool max 2. Dokku runs predeploy, then release, one after the other: two moments,
 * 5 + 3 = 8 and 5 + 2 = 7 (not 5 + 3 + 2). Deploy peak 8. Without a release line: still 8.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCli} from '../helpers/cli.js'

const args = ['--plan', 'standard-0', '--scale', 'web=1']

describe("Dokku's scripts.dokku.predeploy", () => {
  it('is a deploy moment of its own, read from the command it runs, sourced app.json:LINE', () => {
    const r = planJson(procfileOf('node-dokku-predeploy'), args)
    expect(r.total).toBe(5)
    expect(r.type('predeploy')).toMatchObject({connectionsPerDyno: 3, role: 'release', server: 'node'})
    expect(r.type('predeploy').sources.dynos.source).toMatchObject({kind: 'default', ref: 'https://dokku.com/docs/advanced-usage/deployment-tasks/'})
    expect(r.type('release').connectionsPerDyno).toBe(2)
    expect(r.deployPeak).toBe(8)
  })

  it('says which moment is the peak', () => {
    const out = runCli(['plan', '--procfile', procfileOf('node-dokku-predeploy'), ...args, '--explain']).stdout
    expect(out).toContain("peak during Dokku's predeploy task (its container adds 3); release phase 7")
    expect(out).toContain('(n) = predeploy task, release phase: counted in the deploy peak only')
    expect(out).toMatch(/dynos +1 {2}default: Dokku runs app\.json's scripts\.dokku\.predeploy .* ← app\.json:5/)
  })

  it('counts without a Procfile release', () => {
    const r = planJson(procfileOf('node-dokku-predeploy/Procfile.web-only'), args)
    expect(r.type('predeploy').connectionsPerDyno).toBe(3)
    expect(r.deployPeak).toBe(8)
  })
})
