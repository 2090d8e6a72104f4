/**
 * Railties' file tasks in a deploy hook (`bin/rails tmp:cache:clear`, `rake log:clear`): they depend on no
 * :environment, so the app is not loaded and nothing connects (railties/lib/rails/tasks/tmp.rake, log.rake).
 * The app (test/fixtures/rake-loop-parent): web Puma 2 threads, pool 8 → 2.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rake-loop-parent')
const plan = (release: string) => planJson(`${app({Procfile: `web: bundle exec puma -t 2:2\nrelease: ${release}\n`})}/Procfile`, ['--scale', 'web=1'])

describe('railties file tasks in a release', () => {
  it('`bin/rails tmp:cache:clear` holds 0: deploy peak = web 2', () => {
    const p = plan('bin/rails tmp:cache:clear')
    expect(p.type('release').connections).toBe(0)
    expect(p.deployPeak).toBe(2)
  })

  it('`bundle exec rake log:clear tmp:clear` holds 0; with a task that loads the app (`db:seed`) it is counted as before (1)', () => {
    expect(plan('bundle exec rake log:clear tmp:clear').type('release').connections).toBe(0)
    expect(plan('bundle exec rake tmp:clear db:seed').type('release').connections).toBe(1)
  })
})
