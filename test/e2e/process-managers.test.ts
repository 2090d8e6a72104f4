/**
 * Process managers inside one dyno (issue 10): honcho and foreman reading a Procfile of
 * their own, supervisord's [program:x] sections with numprocs, supercronic's crontab, and a
 * wrapper script ending in `exec "$@"` (test/fixtures/process-managers).
 *
 * The app: Puma `workers 2`, `threads 4, 4`, preload_app! with a before_fork disconnect, so
 * the master holds nothing (config/puma.rb); database.yml pool 6. Per Puma worker min(6, 4) = 4,
 * so Puma is 2 × 4 = 8 per dyno. Sidekiq `-c N` uses min(6, N).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('process-managers'), ['--plan', 'standard-0', ...args])

describe('a process manager runs several processes in the dyno, each counted', () => {
  it('honcho start -f Procfile.inside -c worker=2: Puma 8 + 2 × Sidekiq 3 (through bin/run\'s exec "$@") + tail 0 = 14', () => {
    const web = plan().type('web')
    expect(web).toMatchObject({connectionsPerDyno: 14, processesPerDyno: 2, server: 'puma', threadsPerProcess: 4})
    expect(web.extraPerDyno).toBe(6)
    expect(web.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'default', ref: 'https://github.com/nickstenning/honcho/blob/main/honcho/command.py'}))
  })

  it('honcho\'s common options also go before the subcommand (honcho/command.py adds them to the top parser): `honcho -f Procfile.inside start worker` runs only worker, Sidekiq min(6, 3) = 3', () => {
    const front = plan().type('front')
    expect(front).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 1, server: 'sidekiq', threadsPerProcess: 3})
  })

  it('foreman -m all=1,clock=0: Puma 8 + Sidekiq 3 = 11; `foreman start -f … worker` runs only worker: 3', () => {
    const r = plan()
    expect(r.type('all')).toMatchObject({connectionsPerDyno: 11, server: 'puma'})
    expect(r.type('one')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 1, server: 'sidekiq', threadsPerProcess: 3})
  })

  it('supervisord: [program:puma] 8 + [program:jobs] numprocs=3 × Sidekiq -c %(ENV_SIDEKIQ_THREADS)s; autostart=false nginx is not started', () => {
    // --env SIDEKIQ_THREADS=2: 3 × min(6, 2) = 6; 8 + 6 = 14.
    const withEnv = plan('--env', 'SIDEKIQ_THREADS=2')
    expect(withEnv.type('sup')).toMatchObject({connectionsPerDyno: 14, extraPerDyno: 6, server: 'puma'})
    expect(withEnv.codes).not.toContain('unresolved-env')
    // Without it the flag is empty and Sidekiq 7's default 5 applies: 3 × min(6, 5) = 15; 8 + 15 = 23, and it is said.
    const without = plan()
    expect(without.type('sup')).toMatchObject({connectionsPerDyno: 23, extraPerDyno: 15})
    expect(without.diagnostics.find((d) => d.code === 'unresolved-env')).toMatchObject({file: 'config/supervisord.conf', line: 10, processType: 'sup'})
  })

  it('supercronic: each of the 3 crontab jobs (rake tasks, one thread each) counted at once: 3', () => {
    const cron = plan().type('cron')
    expect(cron).toMatchObject({connectionsPerDyno: 3, server: 'rake', threadsPerProcess: 1})
    expect(cron.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({ref: 'https://github.com/aptible/supercronic#readme'}))
  })

  it('a manager whose file is missing is an unknown command that names the reason', () => {
    const r = plan()
    expect(r.type('lost')).toMatchObject({connectionsPerDyno: 1, server: 'unknown'})
    const d = r.diagnostics.filter((x) => x.code === 'unknown-command')
    expect(d).toHaveLength(1)
    expect(d[0]).toMatchObject({line: 7, processType: 'lost'})
    expect(d[0].message).toContain('honcho start reads Procfile.nowhere, which is not in the app')
    // 14 + 11 + 3 + 23 + 3 + 1 + 3 (front) = 58.
    expect(r.total).toBe(58)
    // Procfile.inside's `nginx: bin/start-nginx` (the nginx buildpack's script with no command after it) is nginx alone:
    // 0 connections and no unknown-command (the one above is lost's) in web, all and sup's totals.
    // Procfile.inside's `clock: tail -f log/production.log` opens no connection: 0 threads is its finding, not a config to warn about.
    // The one unreadable value is sup's: supervisord.conf's `sidekiq -c %(ENV_SIDEKIQ_THREADS)s` with the variable unset leaves a bare `-c`.
    const unreadable = r.diagnostics.filter((x) => x.code === 'unknown-config-value')
    expect(unreadable.map((x) => x.processType)).toEqual(['sup'])
    expect(unreadable[0].message).toContain('cannot read Sidekiq concurrency from `-c` (nothing follows it')
  })

  it('the table says why conn/dyno is more than proc/dyno × conn/proc: what runs beside the processes in each dyno', () => {
    // web 2 × 4 = 8, conn/dyno 14: +6 (2 × Sidekiq 3); all 8 + 3 = 11: +3; sup 8 + 15: +15; cron 1 × 1, conn/dyno 3: +2 (the other
    // two crontab jobs). one, front and lost run nothing beside them (3 = 1 × 3, 1 = 1 × 1).
    const text = runCliInProcess(['plan', '--procfile', procfileOf('process-managers'), '--plan', 'standard-0']).stdout
    expect(text).toContain('conn/dyno = proc/dyno × conn/proc + what runs beside the processes in each dyno: web +6, all +3, sup +15, cron +2 (see --explain)')
  })
})
