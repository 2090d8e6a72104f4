/**
 * `pumactl -F config/puma.rb start` as what a container runs (ministryofjustice's run.sh: `bundle exec bin/rails
 * db:prepare` then `bundle exec pumactl -F config/puma.rb start`, the Dockerfile's ENTRYPOINT). conncalc did not know
 * pumactl and counted an unknown process, 1*. ControlCLI#start runs Puma in the same process with Puma::CLI's `-C`
 * taken from pumactl's `-F`/`--config-file` and `-e` from its `-e` (puma lib/puma/control_cli.rb, start); pumactl's own
 * `-C` is the control URL. Its other commands (stop, restart, status) signal a running Puma and serve nothing.
 *
 * Fixture rails-pumactl-start: config/puma.rb `workers 2`, `threads 3, 3`; database.yml pool 10; Puma 6.5, which does
 * not preload unless WEB_CONCURRENCY asks for workers. 2 workers × min(10, 3) = 6.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const name = 'rails-pumactl-start'
const {app} = tempApps(name)

describe('pumactl start', () => {
  it('run.sh `pumactl -F config/puma.rb start`: Puma with that file, 2 × 3 = 6 (was unknown, 1*)', () => {
    const r = planJson(join(fixture(name), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 6, connectionsPerProcess: 3, processesPerDyno: 2, server: 'puma', threadsPerProcess: 3})
    expect(r.total).toBe(6)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('pumactl -C is the control URL, not a config; -e picks config/puma/<env>.rb as Puma does: 4 × 2 = 8', () => {
    const dir = app({
      Procfile: 'web: bundle exec pumactl -S tmp/pids/puma.state -C unix://tmp/pumactl.sock -e production start\n',
      'config/puma/production.rb': 'workers 4\nthreads 2, 2\n',
    })
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 4, server: 'puma', threadsPerProcess: 2})
  })

  it('pumactl stop is not a server', () => {
    const r = planJson(join(app({Procfile: 'web: bundle exec pumactl -F config/puma.rb stop\n'}), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').server).not.toBe('puma')
    expect(r.codes).toContain('unknown-command')
  })
})
