/**
 * A Puma config a Capistrano deploy renders from the repository's template (`puma -C /var/www/shop/shared/puma.rb`,
 * capistrano3-puma's `puma:config`), whose ERB fetches the deploy's settings: `threads <%= fetch(:puma_threads).join(',') %>`,
 * `workers <%= puma_workers %>` (the plugin's helper, `fetch(:puma_workers, 0)`). Capistrano loads config/deploy.rb, then
 * the stage's config/deploy/STAGE.rb (its `set`s win); capistrano3-puma 5.2 (lib/capistrano/puma.rb set_defaults)
 * `set_if_empty :puma_workers, 0` and `:puma_threads, [0, 16]`.
 *
 * Fixture rails-capistrano-puma-settings: deploy.rb `set :puma_threads, [2, 6]`, `set :puma_workers, 2`; production.rb
 * `set :puma_workers, 3`, staging.rb 1; pool 10. By hand: production 3 × min(10, 6) = 18 (main: workers unread → the
 * template's line starred, threads 5* — 15*); staging 1 × 6 = 6; no puma_workers set anywhere: the plugin's 0, single
 * mode, 6; no puma_threads either: [0, 16] → min(10, 16) = 10.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const fixture = 'rails-capistrano-puma-settings'
const {app} = tempApps(fixture)
const procfile = procfileOf(fixture)
const args = ['--plan', 'standard-0', '--scale', 'web=1']
const read = (f: string) => readFileSync(join(procfile, '..', f), 'utf8')
const starred = (s: {source: {kind: string}; via?: Array<{kind: string}>}): boolean => s.source.kind === 'assumed' || (s.via ?? []).some((x) => x.kind === 'assumed')

describe("Capistrano deploy settings in a rendered Puma template", () => {
  it('the production stage: 3 workers × min(10, 6) = 18, unstarred, the settings named', () => {
    const r = planJson(procfile, args)
    expect(r.exit).toBe(0)
    const web = r.type('web')
    expect(web).toMatchObject({connections: 18, processesPerDyno: 3, threadsPerProcess: 6})
    expect(starred(web.sources.processesPerDyno) || starred(web.sources.threadsPerProcess)).toBe(false)
    const said = r.diagnostics.find((d) => d.code === 'missing-config' && d.file === 'Gemfile.lock')!
    expect(said.message).toContain(':puma_workers 3 (config/deploy/production.rb:3), :puma_threads [2,6] (config/deploy.rb:7)')
    expect(said.message).not.toContain('git@example.com')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it("the staging stage's set wins over deploy.rb's: 1 worker, 6", () => {
    const r = planJson(procfile, [...args, '--env', 'RACK_ENV=staging', '--env', 'RAILS_ENV=staging'])
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 1})
  })

  it("no puma_workers or puma_threads set: capistrano3-puma's defaults, single mode and 16 threads: min(10, 16) = 10", () => {
    const deploy = read('config/deploy.rb').replace(/^set :puma_(workers|threads).*\n/gm, '')
    const dir = app({'config/deploy.rb': deploy, 'config/deploy/production.rb': 'server "app1.example.com", roles: %w[app db web]\n'})
    const r = planJson(join(dir, 'Procfile'), args)
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 1, threadsPerProcess: 16})
    expect(starred(r.type('web').sources.processesPerDyno)).toBe(false)
  })
})
