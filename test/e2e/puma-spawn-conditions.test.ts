/**
 * Processes config/puma.rb starts under conditions conncalc can decide (fixture puma-spawn-conditions, made up; Rails 7.1,
 * Puma 2 workers × 3 threads, preload_app!, pool 5; app.json sets EMBED_SIDEKIQ "true"):
 * - before_fork: `spawn "bundle exec sidekiq -c 4" if ENV["EMBED_SIDEKIQ"] == "true"`: runs, once per dyno (the master
 *   runs before_fork), a Sidekiq process of its own: min(5, 4) = 4;
 * - on_worker_boot: `spawn "bundle exec rake reports:watch" unless Rails.env.production?`: never in production;
 * - top level: `if ENV["CLOCK_IN_WEB"] && Rails.env.production?`: CLOCK_IN_WEB is unset, so it never runs.
 * web 2 × min(5, 3) = 6 + 4 = 10, no warnings. EMBED_SIDEKIQ=false: 6. CLOCK_IN_WEB=1: + the clockwork process
 * (config/clock.rb is not in the app: 1, starred) = 11.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const run = (args: string[] = []) => planJson(procfileOf('puma-spawn-conditions'), ['--plan', 'standard-0', '--scale', 'web=1', ...args])
const spawnWarnings = (r: ReturnType<typeof run>) => r.diagnostics.filter((d) => d.message.includes('starts another process'))

describe('spawns in a Puma config under conditions decided from the env and Rails.env', () => {
  it('counts the Sidekiq the env turns on, drops the two that never run: 6 + 4 = 10', () => {
    const r = run()
    expect(r.type('web')).toMatchObject({connections: 10, connectionsPerProcess: 3, processesPerDyno: 2})
    expect(spawnWarnings(r)).toEqual([])
  })

  it('EMBED_SIDEKIQ=false: nothing runs beside Puma, 6', () => {
    const r = run(['--env', 'EMBED_SIDEKIQ=false'])
    expect(r.type('web').connections).toBe(6)
    expect(spawnWarnings(r)).toEqual([])
  })

  it('CLOCK_IN_WEB=1: the top-level clockwork runs too, 11', () => {
    const r = run(['--env', 'CLOCK_IN_WEB=1'])
    expect(r.type('web').connections).toBe(11)
  })
})
