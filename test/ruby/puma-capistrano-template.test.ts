/**
 * `puma -C /home/deploy/apps/shop/shared/puma.rb`: a config outside the app that a Capistrano deploy writes into
 * deploy_to/shared from an ERB template of the repository (vdaubry/github-awards' shape), or deploy_to/current, the
 * release's checkout. Read from that file, with a warning that says where it comes from (languages/ruby/capistrano.ts).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`puma-capistrano-template/${v}`), ['--plan', 'standard-0', '--scale', v === 'custom' ? 'web=1:standard-1x,other=1:standard-1x' : 'web=1:standard-1x'])

describe('Puma config written by a Capistrano deploy (fixture puma-capistrano-template)', () => {
  it("the app's own task renders config/deploy/templates/puma.rb.erb into deploy_to/shared: 4 workers x min(pool 5, 3 threads) = 12", () => {
    const r = plan('custom')
    expect(r.type('web')).toMatchObject({connections: 12, processesPerDyno: 4, threadsPerProcess: 3})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'config/deploy/templates/puma.rb.erb', kind: 'file', line: 2})
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.processType !== 'other' && d.file === 'config/deploy.rb')
    expect(said).toMatchObject({line: 12, severity: 'warning'})
    expect(said?.message).toContain('config/deploy.rb:12 writes /home/deploy/apps/shop/shared/puma.rb at deploy from config/deploy/templates/puma.rb.erb')
  })

  it('a path under no deploy_to of the app stays a missing file: the error, and Puma 6.4.3 defaults (1 x 5)', () => {
    const r = plan('custom')
    expect(r.type('other')).toMatchObject({connections: 5, processesPerDyno: 1, threadsPerProcess: 5})
    expect(r.diagnostics.find((d) => d.file === '/var/www/elsewhere/shared/puma.rb' && d.code === 'missing-config')).toMatchObject({severity: 'error'})
  })

  it("capistrano3-puma's lib/capistrano/templates/puma.rb.erb: fetch(:puma_workers) 2 and fetch(:puma_threads) [2, 6] from config/deploy.rb: 2 × min(5, 6) = 10", () => {
    const r = plan('gem')
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 2, threadsPerProcess: 6})
    // Read from the template's lines, the deploy's settings named; no assumption (was 5, both starred).
    for (const n of ['processesPerDyno', 'threadsPerProcess'] as const) expect(JSON.stringify(r.type('web').sources[n])).not.toContain('"kind":"assumed"')
    const said = r.diagnostics.find((d) => d.code === 'missing-config')
    expect(said).toMatchObject({file: 'Gemfile.lock', severity: 'warning'})
    expect(said!.message).toContain(':puma_workers 2 (config/deploy.rb:5), :puma_threads [2,6] (config/deploy.rb:6)')
  })

  it("deploy_to/current/config/puma.rb is the repository's config/puma.rb: 2 workers x 4 threads = 8", () => {
    const r = plan('current')
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 2, threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'config/puma.rb', line: 1})
  })
})
