/**
 * Which pools Solid Queue's processes use, as `config.solid_queue.connects_to` names its database.
 *
 * SolidQueue::Record calls `connects_to(**SolidQueue.connects_to) if SolidQueue.connects_to` (solid_queue
 * app/models/solid_queue/record.rb); ActiveRecord's ConnectionHandler keeps a pool per owner class, so once the setting
 * is there Solid Queue's records have a pool of their own, even on the primary's config (`writing: :primary`, o19s/quepid).
 * A worker's job threads run the app's jobs (ActiveRecord::Base's pool) and claim/finish them through SolidQueue::Record;
 * its polling loop and heartbeat use SolidQueue::Record only (configuration.rb: "threads + 1 thread for the worker + 1
 * thread for the heartbeat task"); the dispatcher (polling, heartbeat, concurrency maintenance) and the supervisor
 * (heartbeat, prune) likewise.
 *
 * Fixture rails-solid-queue-databases: primary pool RAILS_MAX_THREADS → 10; Puma single mode, 3 threads; queue.yml two
 * workers — [critical] 2 threads × 1 process, "*" 5 threads × 2 processes — and one dispatcher; no recurring.yml.
 * By hand:
 * - `writing: :queue`, the queue entry on SQLite (baizhiheizi/quill's shape): web min(10, 3) = 3; worker: the 5-thread
 *   processes 2 × min(10, 5) = 10 and the 2-thread one min(10, 2) = 2 on the primary — its polling and heartbeat, the
 *   dispatcher's and the supervisor's go to SQLite — 12; total 15 (main counted the 2-thread process nowhere: 13).
 * - `writing: :primary`: web min(10, 3) + SolidQueue::Record min(10, 3) (requests enqueue) = 6; worker: 2 × (min(10, 5)
 *   + min(10, 5 + 2)) = 24, + min(10, 2) + min(10, 2 + 2) = 6, + dispatcher min(10, 3) = 3, + supervisor min(10, 2) = 2:
 *   35; total 41 (main took Solid Queue to share ActiveRecord::Base's pool: 26).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const fixture = 'rails-solid-queue-databases'
const {app} = tempApps(fixture)
const procfile = procfileOf(fixture)
const args = ['--plan', 'standard-0', '--scale', 'web=1', 'worker=1']
const production = readFileSync(join(procfile, '..', 'config/environments/production.rb'), 'utf8')
const onPrimary = production.replace('writing: :queue', 'writing: :primary')

describe('Solid Queue with its queue database on another server', () => {
  it("a worker group's job threads still count on the primary, its polling and heartbeat do not: worker 12, total 15", () => {
    const r = planJson(procfile, args)
    expect(r.exit).toBe(0)
    expect(r.type('web').connections).toBe(3)
    const w = r.type('worker')
    expect(w).toMatchObject({connections: 12, connectionsPerProcess: 5, processesPerDyno: 2})
    const group = w.extras.filter((x) => x.kind === 'solid-queue-worker-group')
    expect(group.map((x) => [x.count, x.counted, x.database])).toEqual([
      [2, true, null],
      [2, false, 'queue'],
    ])
    expect(group[0].reason).toContain('min(10, 2)')
    expect(w.extras.filter((x) => x.counted && x.kind !== 'solid-queue-worker-group')).toEqual([])
    expect(r.total).toBe(15)
  })
})

describe('Solid Queue on the primary config (`writing: :primary`): a pool of its own there', () => {
  it('web 6 (requests enqueue), worker 35, total 41', () => {
    const r = planJson(join(app({'config/environments/production.rb': onPrimary}), 'Procfile'), args)
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 6, connectionsPerProcess: 6})
    const w = r.type('worker')
    expect(w).toMatchObject({connections: 35, connectionsPerProcess: 12, processesPerDyno: 2})
    expect(w.extras.filter((x) => x.per === 'dyno').map((x) => [x.kind, x.count])).toEqual([
      ['solid-queue-worker-group', 6],
      ['solid-queue-dispatcher', 3],
      ['solid-queue-supervisor', 2],
    ])
    expect(w.databases).toEqual(['primary', 'primary (SolidQueue::Record)'])
    expect(JSON.stringify(w)).toContain('SolidQueue::Record connects to the `primary` entry (config/environments/production.rb:6)')
    expect(r.total).toBe(41)
  })

  it("the environment's name in a flat database.yml resolves to its config: the same 41", () => {
    const flat = 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 10 } %>\n'
    const r = planJson(join(app({'config/database.yml': flat, 'config/environments/production.rb': production.replace('writing: :queue', 'writing: :production')}), 'Procfile'), args)
    expect(r.type('web').connections).toBe(6)
    expect(r.type('worker').connections).toBe(35)
    expect(r.total).toBe(41)
  })

  it('a web process whose jobs go elsewhere (Active Job on Sidekiq) opens no Solid Queue pool: web 3, worker 35', () => {
    const sidekiq = onPrimary.replace('queue_adapter = :solid_queue', 'queue_adapter = :sidekiq')
    const r = planJson(join(app({'config/environments/production.rb': sidekiq}), 'Procfile'), args)
    expect(r.type('web').connections).toBe(3)
    expect(r.type('worker').connections).toBe(35)
  })
})
