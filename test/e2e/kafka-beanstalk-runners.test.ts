/**
 * Karafka, Racecar and Backburner workers (were unknown commands, 1* each). A made-up Rails 7.1 app, database.yml
 * pool 6, one dyno per type:
 *   karafka:  `karafka server`, karafka.rb `config.concurrency = ENV.fetch("KARAFKA_THREADS", 8).to_i`:
 *             min(6, 8) = 6 (KARAFKA_THREADS=4: 4); without the setting Karafka 2's default 5 (setup/config.rb): 5
 *   swarm:    `karafka swarm`, karafka.rb `config.swarm.nodes = 2`: 2 processes × min(6, 8) = 12
 *   racecar:  `racecar EventsConsumer`, app/consumers/events_consumer.rb `self.parallel_workers = 3`: Racecar's
 *             ParallelRunner forks 3 one-thread workers: 3 × 1 = 3; `racecar AuditConsumer` (none set): 1
 *   jobs:     `rake backburner:work`, default worker Simple (configuration.rb): 1
 * Total 6 + 12 + 3 + 1 + 1 = 23.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const LOCK = `GEM
  remote: https://rubygems.org/
  specs:
    activerecord (7.1.4)
    backburner (1.6.1)
    karafka (2.4.8)
    pg (1.5.8)
    racecar (2.11.0)
    rails (7.1.4)
      activerecord (= 7.1.4)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  backburner
  karafka
  pg
  racecar
  rails
`

const KARAFKA = 'class KarafkaApp < Karafka::App\n  setup do |config|\n    config.kafka = { "bootstrap.servers": ENV["KAFKA_URL"] }\n    config.concurrency = ENV.fetch("KARAFKA_THREADS", 8).to_i\n    config.swarm.nodes = 2\n  end\nend\n'

const files = (extra: Record<string, string> = {}): Record<string, string> => ({
  'Gemfile': 'source "https://rubygems.org"\ngem "rails"\ngem "pg"\ngem "karafka"\ngem "racecar"\ngem "backburner"\n',
  'Gemfile.lock': LOCK,
  'Procfile': 'karafka: bundle exec karafka server\nswarm: bundle exec karafka swarm\nracecar: bundle exec racecar EventsConsumer\naudit: bundle exec racecar AuditConsumer\njobs: bundle exec rake backburner:work\n',
  'app/consumers/audit_consumer.rb': 'class AuditConsumer < Racecar::Consumer\n  subscribes_to "audit"\n\n  def process(message)\n    AuditEntry.create!(body: message.value)\n  end\nend\n',
  'app/consumers/events_consumer.rb': 'class EventsConsumer < Racecar::Consumer\n  subscribes_to "events"\n  self.parallel_workers = 3\n\n  def process(message)\n    Event.create!(payload: message.value)\n  end\nend\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 6\n',
  'karafka.rb': KARAFKA,
  ...extra,
})

const plan = (dir: string, env: string[] = []) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'karafka=1', 'swarm=1', 'racecar=1', 'audit=1', 'jobs=1', ...env.flatMap((e) => ['--env', e])])
const row = (r: ReturnType<typeof plan>, t: string) => [r.type(t).server, r.type(t).processesPerDyno, r.type(t).threadsPerProcess, r.type(t).connectionsPerDyno]

describe('Karafka, Racecar and Backburner workers', () => {
  it('read from karafka.rb, the consumer class and Backburner\'s default worker: 23', () => {
    const r = plan(app(files()))
    expect([row(r, 'karafka'), row(r, 'swarm'), row(r, 'racecar'), row(r, 'audit'), row(r, 'jobs')]).toEqual([
      ['karafka', 1, 8, 6],
      ['karafka', 2, 8, 12],
      ['racecar', 3, 1, 3],
      ['racecar', 1, 1, 1],
      ['backburner', 1, 1, 1],
    ])
    expect(r.total).toBe(23)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.type('karafka').sources.threadsPerProcess.source).toEqual({file: 'karafka.rb', kind: 'file', line: 4})
    expect(r.type('racecar').sources.processesPerDyno.source).toEqual({file: 'app/consumers/events_consumer.rb', kind: 'file', line: 3})
  })

  it('KARAFKA_THREADS=4: 4 threads; no concurrency or nodes set: Karafka 2\'s defaults, 5 threads and 3 swarm nodes', () => {
    expect(row(plan(app(files()), ['KARAFKA_THREADS=4']), 'karafka')).toEqual(['karafka', 1, 4, 4])
    const bare = plan(app(files({'karafka.rb': 'class KarafkaApp < Karafka::App\n  setup do |config|\n    config.client_id = "shop"\n  end\nend\n'})))
    expect(row(bare, 'karafka')).toEqual(['karafka', 1, 5, 5])
    expect(row(bare, 'swarm')).toEqual(['karafka', 3, 5, 15])
    expect(bare.type('karafka').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: 'https://github.com/karafka/karafka/blob/v2.6.0/lib/karafka/setup/config.rb'})
  })
})
