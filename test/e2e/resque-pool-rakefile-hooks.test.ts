/**
 * Resque's fork hooks written in the Rakefile (ScienceCommons/api: `task "resque:pool:setup"` with
 * `ActiveRecord::Base.connection.disconnect!` and a `Resque::Pool.after_prefork` that disconnects the pools): rake loads
 * the Rakefile and every lib/tasks/**\/*.rake, so `rake resque:pool` runs them wherever they are. Before, only
 * config/initializers/resque.rb and lib/tasks/resque.rake were read: a false fork-reconnect-missing error. A child hook
 * that empties the pool it inherited (`connection_pool.disconnect!`) is a reconnect: ActiveRecord's establish_connection
 * does the same (remove_connection → ConnectionPool#disconnect!). Fixture resque-pool-rakefile-hooks (made up): Rails 4.2,
 * resque-pool with imports 1 + mailers 2 workers, pool 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

describe('Resque fork hooks in the Rakefile', () => {
  const temp = tempApps('resque-pool-rakefile-hooks')

  it('read from the Rakefile: the workers empty the inherited pool, so no error; 3 workers × 1 job = 3', () => {
    const r = planJson(procfileOf('resque-pool-rakefile-hooks'), ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.type('worker').connections).toBe(3)
    expect(r.codes).not.toContain('fork-reconnect-missing')
    expect(r.type('worker').fork).toMatchObject({disconnect: {file: 'Rakefile', hook: 'task "resque:pool:setup"'}, reconnect: {file: 'Rakefile', hook: 'Resque::Pool.after_prefork'}})
    expect(r.exit).toBe(0)
  })

  it('a Rakefile whose pool setup only closes the manager\'s socket still gets the error, at the Rakefile', () => {
    const dir = temp.app({
      Rakefile: 'require "resque/pool/tasks"\n\ntask "resque:setup" => :environment\n\ntask "resque:pool:setup" do\n  ActiveRecord::Base.connection.disconnect!\nend\n',
    })
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'worker=1'])
    expect(r.diagnostics.find((d) => d.code === 'fork-reconnect-missing')).toMatchObject({file: 'Rakefile', severity: 'error'})
    expect(r.exit).toBe(1)
  })
})
