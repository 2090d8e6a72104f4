import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Ruby shapes found in the real-app corpus (session 6: travis-logs, ubicloud, chart_cyanvas), each in a
// fixture of our own. Plan standard-0 (limit 120), one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])

describe('Ruby shapes from the real-app corpus (session 6)', () => {
  it('wrapper scripts (`main "${@}"`, `: ${VAR:=default}`), the jemalloc gem\'s `je`, `unless Gem.win_platform?` and Sequel\'s `max_connections:` shorthand', () => {
    // web: bin/pgbouncer-exec runs `main "${@}"` whose function execs "${@}" = bin/server; bin/server gives
    // PUMA_MAX_THREADS its default with `: ${PUMA_MAX_THREADS:=6}` and execs `je -v puma -C config/puma.rb -t 2:6`.
    // config/puma.rb: `workers ENV.fetch("WEB_CONCURRENCY", 2) unless Gem.win_platform?` = 2 on a Linux dyno.
    // db.rb: max_connections ||= Integer(ENV.fetch("DB_POOL", 8)) - 1 = 7, passed as `max_connections:`.
    // web: 2 × min(7, 6) = 12 (no preload: the master never connects); worker: `je -v sidekiq -c 3`: min(7, 3) = 3.
    const r = plan('sinatra-sequel-scripts', ['--scale', 'web=1,worker=1'])
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 7, processesPerDyno: 2, server: 'puma', threadsPerProcess: 6})
    expect(r.type('worker')).toMatchObject({connections: 3, poolPerProcess: 7, server: 'sidekiq', threadsPerProcess: 3})
    expect(r.type('web').sources['pool.primary'].source).toMatchObject({file: 'db.rb', kind: 'file', line: 10})
    expect(r.type('web').sources['pool.primary'].via).toContainEqual({file: 'db.rb', kind: 'file', line: 8})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({file: 'config/puma.rb', kind: 'file', line: 1})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('unknown-config-value')
    expect(JSON.stringify([r.type('web').sources, r.type('worker').sources])).not.toContain('"assumed"')

    // DB_POOL=3: max_connections 2. web 2 × min(2, 6) = 4, worker min(2, 3) = 2, and the fix names Sequel's option.
    const small = plan('sinatra-sequel-scripts', ['--scale', 'web=1,worker=1', '--env', 'DB_POOL=3'])
    expect(small.type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 2})
    expect(small.type('worker')).toMatchObject({connections: 2})
    expect(small.diagnostics.find((d) => d.code === 'pool-below-threads' && d.processType === 'web')?.fix).toContain('raise the pool that db.rb:10 sets for web to at least 6')

    // PUMA_MAX_THREADS given: `:=` leaves it as it is: 2 × min(7, 4) = 8.
    expect(plan('sinatra-sequel-scripts', ['--scale', 'web=1', '--env', 'PUMA_MAX_THREADS=4']).type('web')).toMatchObject({connectionsPerDyno: 8, threadsPerProcess: 4})
  })
})
