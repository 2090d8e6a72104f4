/**
 * Shoryuken: one process whose threads are the sum of its groups' concurrency (shoryuken.ts, read in
 * ruby-shoryuken/shoryuken v3.1.0-v7.0.3). The app (test/fixtures/shoryuken-groups): Rails 7.1, pool DB_POOL or 12,
 * Shoryuken 7.0.3, config/shoryuken.yml: concurrency 4, `queues` (so the default group runs), groups imports
 * (concurrency 3) and exports (none: takes the process's 4 in 4.0.3+, 25 before).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'
import {readFileSync} from 'node:fs'

const {app} = tempApps('shoryuken-groups')
const lock = readFileSync(`${fixture('shoryuken-groups')}/Gemfile.lock`, 'utf8')
const withVersion = (v: string) => lock.replace('shoryuken (7.0.3)', `shoryuken (${v})`)
const plan = (files: Record<string, string>, env: string[] = []) =>
  planJson(`${app(files)}/Procfile`, ['--scale', 'worker=1', ...env.flatMap((e) => ['--env', e])])
const worker = (files: Record<string, string>, env: string[] = []) => plan(files, env).type('worker')
const assumedIn = (row: {sources: Record<string, unknown>}) => JSON.stringify(row.sources.threadsPerProcess).includes('"assumed"')

describe('Shoryuken workers', () => {
  it('default group 4 + imports 3 + exports 4 (the process concurrency, Options#add_group) = 11 threads; min(pool 12, 11) = 11', () => {
    const row = worker({})
    expect(row).toMatchObject({connectionsPerDyno: 11, poolPerProcess: 12, server: 'shoryuken', threadsPerProcess: 11})
    expect(assumedIn(row)).toBe(false)
  })

  it('-c 6 wins over the file (merged after it): 6 + 3 + 6 = 15 threads, capped by the pool 12; DB_POOL=20: 15', () => {
    const procfile = 'worker: bundle exec shoryuken -R -C config/shoryuken.yml -c 6\n'
    expect(worker({Procfile: procfile})).toMatchObject({connectionsPerDyno: 12, threadsPerProcess: 15})
    expect(worker({Procfile: procfile}, ['DB_POOL=20'])).toMatchObject({connectionsPerDyno: 15, threadsPerProcess: 15})
  })

  it('Shoryuken 4.0.2: a group without concurrency gets 25 (`options.fetch(:concurrency, 25)`): 4 + 3 + 25 = 32; DB_POOL=40: 32', () => {
    const files = {'Gemfile.lock': withVersion('4.0.2')}
    expect(worker(files)).toMatchObject({connectionsPerDyno: 12, threadsPerProcess: 32})
    expect(worker(files, ['DB_POOL=40'])).toMatchObject({connectionsPerDyno: 32, threadsPerProcess: 32})
  })

  it('no `queues` (groups only): no default group, 3 + 4 = 7', () => {
    const yml = 'concurrency: 4\ngroups:\n  imports:\n    concurrency: 3\n    queues: [a]\n  exports:\n    queues: [b]\n'
    expect(worker({'config/shoryuken.yml': yml})).toMatchObject({connectionsPerDyno: 7, threadsPerProcess: 7})
  })

  it('no -C: no file is read (bin/shoryuken has no default path): the default 25, capped by the pool 12', () => {
    const row = worker({Procfile: 'worker: bundle exec shoryuken -R -q lanternfish_default\n'})
    expect(row).toMatchObject({connectionsPerDyno: 12, threadsPerProcess: 25})
    expect(JSON.stringify(row.sources.threadsPerProcess)).toContain('Options::DEFAULTS')
  })

  it('`concurrency: <%= ENV["SQS_THREADS"] %>` with SQS_THREADS unset is nil (the Manager fails at its first dispatch): said, 25 assumed → 25 + 3 + 25 capped at 12*; SQS_THREADS=2: 2 + 3 + 2 = 7', () => {
    const yml = 'concurrency: <%= ENV["SQS_THREADS"] %>\nqueues:\n  - [<%= ENV["SQS_QUEUE"] %>, 1]\ngroups:\n  imports:\n    concurrency: 3\n    queues: [a]\n  exports:\n    queues: [b]\n'
    const p = plan({'config/shoryuken.yml': yml})
    const row = p.type('worker')
    expect(row).toMatchObject({connectionsPerDyno: 12, threadsPerProcess: 53})
    expect(assumedIn(row)).toBe(true)
    const nil = p.diagnostics.find((d) => d.code === 'unknown-config-value' && d.message.includes('@max_processors - busy'))
    expect(nil).toMatchObject({file: 'config/shoryuken.yml', line: 1, processType: 'worker'})
    expect(nil!.message).toContain('SQS_THREADS is unset')
    expect(p.codes).not.toContain('unparsable-config')
    const set = worker({'config/shoryuken.yml': yml}, ['SQS_THREADS=2', 'SQS_QUEUE=q'])
    expect(set).toMatchObject({connectionsPerDyno: 7, threadsPerProcess: 7})
    expect(assumedIn(set)).toBe(false)
  })

  it('Shoryuken 2.1 (before groups): `options[:concurrency] || 25`, groups are not read: 4', () => {
    expect(worker({'Gemfile.lock': withVersion('2.1.0')})).toMatchObject({connectionsPerDyno: 4, threadsPerProcess: 4})
  })

  it('`shoryuken sqs create q` is the queue CLI, not a worker', () => {
    const row = worker({Procfile: 'worker: bundle exec shoryuken sqs create lanternfish_default\n'})
    expect(row.server).not.toBe('shoryuken')
  })
})
