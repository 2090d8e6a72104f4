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
    // said `Number("$(bin/pool-size)") is NaN`; now it names the Procfile line and the script. pg's default max 10 is
    // assumed for both types (api leaves PG_POOL_MAX unset): 10 + 10 = 20.
    const r = plan('env-command-output-node', ['--scale', 'web=1,api=1'])
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 10})
    const said = warnings(r)
    expect(said).toContain('server.js:4 cannot read pg Pool max: PG_POOL_MAX is set at Procfile:1 to the output of `bin/pool-size`, which conncalc does not run (bin/pool-size computes what it prints)')
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
      'config/horizon.php:50 cannot read the worker processes of Horizon supervisor supervisor-media at config/horizon.php:50: HORIZON_MEDIA_PROCESSES is set at Procfile:2 to the output of `bin/media-processes`, which conncalc does not run (bin/media-processes computes what it prints); 1 assumed',
    )
    expect(said).toContain(
      "Procfile:3 preview: cannot read the built-in server's workers: PHP_CLI_SERVER_WORKERS is set at Procfile:3 to the output of `bin/media-processes`, which conncalc does not run (bin/media-processes computes what it prints); 1 assumed",
    )
    expect(r.total).toBe(16)
  })
})
