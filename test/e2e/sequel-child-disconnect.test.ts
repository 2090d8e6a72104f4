/**
 * A preloading Puma or Unicorn master whose app connects with Sequel at boot (Sequel.connect tests the connection)
 * keeps that connection unless something closes it. When each worker's boot hook disconnects Sequel
 * (`on_worker_boot { DB.disconnect }`, Sequel's `Sequel::DATABASES.each(&:disconnect)`), the worker closes the
 * connections it inherited: Sequel's postgres adapter calls PG::Connection#finish (PQfinish), which sends the
 * protocol's Terminate message on the socket, and "on receipt of this message, the backend closes the connection
 * and terminates" (PostgreSQL docs, protocol-flow.html#PROTOCOL-FLOW-TERMINATION). The socket is the one the master
 * holds, so the master's connection ends with the first worker's boot: ceiling only.
 *
 * ActiveRecord's `establish_connection`/`disconnect!` in a child do not do this (its pools are keyed by process id:
 * a child reaches a pool of its own), so only Sequel's disconnect is read so.
 *
 * The app (test/fixtures/roda-sequel): db/connection.rb `Sequel.connect(…, max_connections: 6)`; Puma workers 2,
 * threads 8, preload_app!: 2 × min(6, 8) = 12. When nothing closes the master's connection, each worker inherits it in
 * its pool and checks it out first (Sequel's ThreadedConnectionPool#next_available): it is one of the worker's 6, so
 * still 12 at the peak (1 + 2 × 5 = 11 while they share it), the master's 1 in the ceiling only; the processes sharing
 * one socket is said (fork-disconnect-missing).
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('roda-sequel')
const PUMA = 'workers 2\nthreads 8, 8\npreload_app!\n'
const web = (files: Record<string, string>) => planJson(`${app(files)}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1']).type('web')
const master = (row: ReturnType<typeof web>) => row.extras.find((x) => x.kind === 'forking-parent')

describe('a Sequel disconnect in the worker boot hook ends the preloading master\'s connection', () => {
  it('on_worker_boot { DB.disconnect }: 12, the master in the ceiling only (13)', () => {
    const row = web({'config/puma.rb': `${PUMA}on_worker_boot do\n  DB.disconnect\nend\n`})
    expect(row).toMatchObject({ceiling: 13, connectionsPerDyno: 12})
    expect(master(row)).toMatchObject({ceilingOnly: true, count: 1})
    expect(JSON.stringify(master(row)!.source)).toContain("each worker's on_worker_boot (config/puma.rb:5) disconnects Sequel")
  })

  it('Puma 7\'s before_worker_boot { Sequel::DATABASES.each(&:disconnect) }: 12', () => {
    const row = web({'config/puma.rb': `${PUMA}before_worker_boot { Sequel::DATABASES.each(&:disconnect) }\n`})
    expect(row).toMatchObject({ceiling: 13, connectionsPerDyno: 12})
  })

  it('no hook, a disconnect under a condition conncalc does not decide, or a Redis client\'s disconnect: the workers share the master\'s connection, 12 and said', () => {
    const plain = planJson(`${app({'config/puma.rb': PUMA})}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(plain.type('web')).toMatchObject({ceiling: 13, connectionsPerDyno: 12})
    expect(master(plain.type('web'))).toMatchObject({ceilingOnly: true, count: 1})
    expect(plain.diagnostics.find((d) => d.code === 'fork-disconnect-missing')?.message).toContain('its children inherit that connection and use it at once over one socket')
    for (const hook of ['on_worker_boot do\n  DB.disconnect if File.exist?("tmp/reset")\nend\n', 'on_worker_boot do\n  $redis.disconnect\nend\n']) {
      const r = planJson(`${app({'config/puma.rb': `${PUMA}${hook}`})}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
      expect(r.type('web')).toMatchObject({connectionsPerDyno: 12})
      expect(r.codes).toContain('fork-disconnect-missing')
    }

    // A disconnect in the master's before_fork needs no worker to end it: nothing counted, not even the ceiling.
    const parent = web({'config/puma.rb': `${PUMA}before_fork { DB.disconnect }\n`})
    expect(parent).toMatchObject({ceiling: 12, connectionsPerDyno: 12})
  })

  it('Unicorn after_fork { |server, worker| DB.disconnect }: 3 workers × min(6, 1) = 3 (ceiling 3 × 6 + 1 = 19); without it also 3 (the workers share the master\'s one until it breaks), said', () => {
    const lock = `GEM
  remote: https://rubygems.org/
  specs:
    kgio (2.11.4)
    pg (1.5.6)
    rack (3.0.11)
    raindrops (0.20.1)
    roda (3.81.0)
      rack
    sequel (5.81.0)
    unicorn (6.1.0)
      kgio (~> 2.6)
      raindrops (~> 0.7)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  pg
  roda
  sequel
  unicorn

BUNDLED WITH
   2.5.11
`
    const unicorn = 'worker_processes 3\npreload_app true\n'
    const files = {'Gemfile.lock': lock, Procfile: 'web: bundle exec unicorn -c config/unicorn.rb\n'}
    expect(web({...files, 'config/unicorn.rb': `${unicorn}after_fork do |server, worker|\n  DB.disconnect\nend\n`})).toMatchObject({ceiling: 19, connectionsPerDyno: 3})
    expect(web({...files, 'config/unicorn.rb': unicorn})).toMatchObject({ceiling: 19, connectionsPerDyno: 3})
  })
})
