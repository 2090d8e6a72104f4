import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

// Shapes found in the real-app corpus (session 9), each in a fixture of our own. Plan standard-0, one dyno of each type.
const plan = (app: string, args: string[] = []) => planJson(procfileOf(app), ['--plan', 'standard-0', ...args])
const warnings = (r: ReturnType<typeof plan>) => r.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => `${d.file ?? ''}:${d.line ?? ''} ${d.message}`)

describe('a variable set to a command\'s output is set to a value conncalc cannot know, in every language\'s env reader', () => {
  it('Python: os.environ.get reads it as unknown, not as the text `$(…)` and not as unset', () => {
    // web: `GUNICORN_WORKERS=$(bin/workers) gunicorn -c gunicorn.conf.py`; bin/workers computes (expr on nproc), so the
    // value is unknown. gunicorn.conf.py:4 `workers = int(os.environ.get("GUNICORN_WORKERS", "3"))`: neither the "3"
    // (that is for an unset variable) nor int("$(bin/workers)"). gunicorn's fallback, the buildpack's WEB_CONCURRENCY 2 on
    // standard-1x, is used and starred: 2 × min(pool 4, threads 4) = 8. api has no assignment: 3 × 4 = 12.
    const r = plan('env-command-output-python', ['--scale', 'web=1,api=1'])
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 2})
    expect(r.type('web').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(true)
    expect(r.type('api')).toMatchObject({connections: 12, processesPerDyno: 3})
    const said = warnings(r)
    expect(said.some((m) => m.startsWith('gunicorn.conf.py:4 ') && m.includes('GUNICORN_WORKERS is set at Procfile:1 to the output of `bin/workers`, which conncalc does not run (bin/workers computes what it prints)'))).toBe(true)
    expect(said.some((m) => m.includes('ValueError'))).toBe(false)
    expect(r.total).toBe(20)
  })

  it('Node: process.env.X reads it as unknown, said at the line that reads it', () => {
    // web: `PG_POOL_MAX=$(bin/pool-size) node server.js`; server.js:4 `max: Number(process.env.PG_POOL_MAX)`. Before, it
    // said `Number("$(bin/pool-size)") is NaN`; now it names the Procfile line, the script and the line conncalc does not
    // evaluate (`expr`). pg's default max 10 is
    // assumed for both types (api leaves PG_POOL_MAX unset): 10 + 10 = 20.
    const r = plan('env-command-output-node', ['--scale', 'web=1,api=1'])
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 10})
    const said = warnings(r)
    expect(said).toContain('server.js:4 cannot read pg Pool max: PG_POOL_MAX is set at Procfile:1 to the output of `bin/pool-size`, which conncalc does not run (bin/pool-size computes what it prints): line 3 runs `expr "$(nproc)" \\* 4`')
    expect(said.some((m) => m.includes('NaN'))).toBe(false)
    expect(r.total).toBe(20)
  })

  it('PHP: env() in a config array reads it as unknown; PHP_CLI_SERVER_WORKERS too', () => {
    // queues: `HORIZON_MEDIA_PROCESSES=$(bin/media-processes) php artisan horizon`. config/horizon.php production:
    // supervisor-1 maxProcesses 10, supervisor-media `'processes' => env('HORIZON_MEDIA_PROCESSES', 5)`: not the 5 (that
    // is for an unset variable): 1 assumed, said → 10 + 1 = 11 processes × 1.
    // preview: `PHP_CLI_SERVER_WORKERS=$(bin/media-processes) php -S …`: was silently 1; now 1 assumed and said.
    // web: heroku-php-apache2 on standard-1x, 4 FPM children. 4 + 11 + 1 = 16.
    const r = plan('env-command-output-php', ['--scale', 'web=1,queues=1,preview=1'])
    expect(r.type('queues')).toMatchObject({connections: 11, processesPerDyno: 11})
    expect(r.type('preview')).toMatchObject({connections: 1, processesPerDyno: 1})
    expect(r.type('preview').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(true)
    const said = warnings(r)
    expect(said).toContain(
      'config/horizon.php:50 cannot read the worker processes of Horizon supervisor supervisor-media at config/horizon.php:50: HORIZON_MEDIA_PROCESSES is set at Procfile:2 to the output of `bin/media-processes`, which conncalc does not run (bin/media-processes computes what it prints): line 3 runs `expr "$(nproc)" / 2`; 1 assumed',
    )
    expect(said).toContain(
      'Procfile:3 preview: cannot read the built-in server\'s workers: PHP_CLI_SERVER_WORKERS is set at Procfile:3 to the output of `bin/media-processes`, which conncalc does not run (bin/media-processes computes what it prints): line 3 runs `expr "$(nproc)" / 2`; 1 assumed',
    )
    expect(r.total).toBe(16)
  })
})

describe('commands whose output the dyno size gives: $(nproc), $(ulimit -u) (travis-ci/travis-api script/web_concurrency)', () => {
  const scale = (web = '') => ['--scale', `web=1${web},api=1,admin=1`]

  it('a script that picks WEB_CONCURRENCY by `case $(ulimit -u)` prints the branch the dyno size takes', () => {
    // bin/web exports WEB_CONCURRENCY=$(script/web_concurrency); that bash script: RACK_ENV is production (the Ruby
    // buildpack's default), so not the development branch; `case $(ulimit -u)`: Standard-1X allows 256 processes
    // (devcenter dyno-scaling-and-process-limits) → `echo -n 2`. puma.rb reads it: 2 workers × min(pool 5, threads 5) = 10,
    // starred because no size was given (Standard-1X assumed).
    const r = plan('dyno-command-output', scale())
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 2})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toContain('"file":"script/web_concurrency","kind":"file","line":10')
    expect(r.type('web').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(true)
    // Standard-2X: 512 → `echo -n 3`: 3 × 5 = 15. Performance-M: 16384, no branch → the last line, `echo -n 6`: 6 × 5 = 30.
    expect(plan('dyno-command-output', scale(':standard-2x')).type('web')).toMatchObject({connections: 15, processesPerDyno: 3})
    expect(plan('dyno-command-output', scale(':performance-m')).type('web')).toMatchObject({connections: 30, processesPerDyno: 6})
    // RACK_ENV=development takes the first branch: `echo -n 1` → 1 × 5 = 5.
    expect(plan('dyno-command-output', [...scale(':standard-2x'), '--env', 'RACK_ENV=development']).type('web')).toMatchObject({connections: 5, processesPerDyno: 1})
  })

  it('a size whose process limit is not documented leaves the value unknown, said with the line that needs it', () => {
    // Performance-L-RAM: Heroku's page has given its limit as both 24576 and 16384, so plans/dyno-sizes.json has none:
    // `case $(ulimit -u)` cannot be decided, WEB_CONCURRENCY is unknown, Puma single mode assumed: 1 × 5 = 5.
    const r = plan('dyno-command-output', scale(':performance-l-ram'))
    expect(r.type('web')).toMatchObject({connections: 5, processesPerDyno: 1})
    expect(warnings(r).some((m) => m.startsWith('config/puma.rb:1 ') && m.includes('(script/web_concurrency computes what it prints): `case $(ulimit -u)` at line 9 cannot be decided here'))).toBe(true)
  })

  it('`$(nproc)` on a Procfile line, in a flag or in arithmetic, is the CPU count the dyno reports, and says so', () => {
    // api: `puma -w $(nproc) -t 5:5`: a Standard-1X dyno reports the host's 8 CPUs → 8 × 5 = 40.
    // admin: `WEB_CONCURRENCY=$(( $(nproc) / 4 ))` → 8 / 4 = 2 workers (puma.rb) × 5 = 10. Before, both were unreadable:
    // api took puma.rb's `{ 2 }` and admin single mode, each with a warning. Web 10: total 10 + 40 + 10 = 60.
    const r = plan('dyno-command-output', ['--scale', 'web=1:standard-1x,api=1:standard-1x,admin=1:standard-1x'])
    expect(r.type('api')).toMatchObject({connections: 40, processesPerDyno: 8})
    expect(r.type('admin')).toMatchObject({connections: 10, processesPerDyno: 2})
    expect(r.total).toBe(60)
    // The size was given, so the counts are not assumptions; each is said to follow the shared host's CPU count.
    expect(r.type('api').sources.processesPerDyno.via?.some((s) => s.kind === 'assumed')).toBe(false)
    const cpu = r.diagnostics.filter((d) => d.code === 'cpu-count-default').map((d) => `${d.file}:${d.line} ${d.processType}`)
    expect(cpu.sort()).toEqual(['Procfile:2 api', 'Procfile:3 admin'])
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value' && d.processType !== 'web')).toEqual([])
    // Performance-M reports 2 CPUs: api 2 × 5 = 10; admin 2 / 4 = 0 workers, Puma's single mode: 1 × 5 = 5.
    const m = plan('dyno-command-output', ['--scale', 'web=1:performance-m,api=1:performance-m,admin=1:performance-m'])
    expect(m.type('api')).toMatchObject({connections: 10, processesPerDyno: 2})
    expect(m.type('admin')).toMatchObject({connections: 5, processesPerDyno: 1})
    expect(m.codes).not.toContain('cpu-count-default')
  })
})

describe('`foreman s` (rustyio/super-imap: `bundle exec foreman s -f Procfile.imap-client-px`)', () => {
  it('is `foreman start`: Thor runs a command named by a prefix only one command has', () => {
    // thor lib/thor.rb find_command_possibilities: "s" is a prefix of start only among foreman's check, export, help,
    // run, start, version. Procfile.pair: north `puma -w 2 -t 3:3` 2 × min(5, 3) = 6, south `puma -t 4:4` 1 × 4 = 4:
    // pair 10 per dyno. Before, `foreman s` was an unknown command counted 1 × 1. web 5: total 15.
    const r = plan('foreman-prefix', ['--scale', 'web=1,pair=1'])
    expect(r.type('pair')).toMatchObject({connectionsPerDyno: 10, server: 'puma'})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(15)
  })
})
