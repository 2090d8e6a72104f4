import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, runCli, runCliInProcess, runJson} from '../helpers/cli.js'

interface JsonProcessType {
  ceiling: number
  connections: number
  connectionsPerDyno: number
  connectionsPerProcess: number
  dynos: number
  maxDynos: null | number
  name: string
  poolPerProcess: null | number
  processesPerDyno: number
  server: string
  sources: Record<string, {source: {kind: string}}>
  threadsPerProcess: number
}
interface JsonReport {
  ceiling: number
  deployPeak: number
  diagnostics: {code: string; file?: string; line?: number; message: string; processType?: string; severity: string}[]
  limit: null | number
  processTypes: JsonProcessType[]
  reserve: number
  smallestFittingPlan: null | {limit: number; name: string}
  status: string
  total: number
  utilization: null | number
}

const README_COMMAND = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
const type = (r: JsonReport, name: string) => r.processTypes.find((p) => p.name === name)!

describe('conncalc plan on examples/rails (the README command)', () => {
  it('prints the budget table, the total against the limit, and exits 0 on a warning', () => {
    const r = runCli(README_COMMAND)
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('plan essential-0 (limit 20, secondary source)')
    expect(r.stdout).toMatch(/^web\s+puma\s+2\s+2\s+3\s+5\s+0\s+3\s+6\s+12\s+2$/m)
    expect(r.stdout).toMatch(/^worker\s+sidekiq\s+1\s+1\s+5\s+5\s+0\s+5\s+5\s+5\s+1$/m)
    // release `bin/rails db:migrate` (ActiveRecord 7.2): its connection + the migrator's advisory-lock connection
    expect(r.stdout).toMatch(/^release\s+release\s+1\s+1\s+1\s+-\s+1\s+2\s+2\s+\(2\)\s+-$/m)
    expect(r.stdout).toContain('total 17 of 20')
    expect(r.stdout).toContain('85%  warning')
    expect(r.stdout).toContain('headroom 3   ceiling 27 (if every pool fills)   deploy peak 19')
    expect(r.stdout).toContain('warning: 17 of 20 connections (85%) on plan essential-0: 3 left for one-off dynos, consoles and deploys [near-limit]')
  })

  it('--json keeps the contract field names and numbers', () => {
    const {code, json} = runJson<JsonReport>(README_COMMAND)
    expect(code).toBe(0)
    // Ceiling: 2 web dynos × (2 × pool 5 + 1 Puma master while booting) + 5 = 27.
    expect(json).toMatchObject({ceiling: 27, deployPeak: 19, limit: 20, reserve: 0, status: 'warning', total: 17, utilization: 0.85})
    expect(type(json, 'web')).toMatchObject({
      ceiling: 22,
      connections: 12,
      connectionsPerDyno: 6,
      connectionsPerProcess: 3,
      dynos: 2,
      maxDynos: 2,
      poolPerProcess: 5,
      processesPerDyno: 2,
      server: 'puma',
      threadsPerProcess: 3,
    })
    expect(type(json, 'worker')).toMatchObject({connections: 5, maxDynos: 1, server: 'sidekiq', threadsPerProcess: 5})
    expect(type(json, 'web').sources.dynos.source).toEqual({flag: '--scale web=2', kind: 'flag'})
    expect(type(json, 'web').sources.threadsPerProcess.source).toEqual({file: 'config/puma.rb', kind: 'file', line: 15})
    expect(json.diagnostics.map((d) => d.code)).toEqual(['near-limit'])
  })

  it('--explain says where every number came from', () => {
    const r = runCliInProcess([...README_COMMAND, '--explain'])
    expect(r.stdout).toMatch(/dynos\s+2\s+flag --scale web=2/)
    expect(r.stdout).toMatch(/processes per dyno\s+2\s+config\/puma.rb:19/)
    expect(r.stdout).toMatch(/pool \(primary\)\s+5\s+config\/database.yml:16 ← RAILS_MAX_THREADS from Procfile:3/)
    expect(r.stdout).toContain('connections per process = min(5, 3) + 0 extra outside the pool = 3')
    expect(r.stdout).toContain('connections per dyno = 2 × 3 = 6')
    expect(r.stdout).toContain('limit 20: plan essential-0 in plans/heroku-postgres.json — secondary')
  })

  it('types not named in --scale run one dyno, labelled an assumption', () => {
    const r = runCliInProcess(['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0'])
    expect(r.stdout).toMatch(/^web\s+puma\s+1\*/m)
    expect(r.stdout).toContain('* = assumption')
  })

  it('--scale worker=0 excludes a type; repeated --scale flags add up', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=3', '--scale', 'worker=0'])
    expect(type(json, 'worker').connections).toBe(0)
    expect(json.total).toBe(18)
  })

  it('exits 1 and names the error when the formation does not fit', () => {
    const r = runCli(['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=4', 'worker=1'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('OVER LIMIT')
    expect(r.stdout).toContain('error: 29 connections needed, plan essential-0 allows 20: new connections will fail with "FATAL: too many connections" [over-limit]')
  })

  it('--fail-on warning turns the near-limit warning into exit 1', () => {
    expect(runCliInProcess([...README_COMMAND, '--fail-on', 'warning']).code).toBe(1)
  })

  it('--limit overrides the plan; --reserve adds to the total; --warn-at moves the threshold', () => {
    const {json} = runJson<JsonReport>([...README_COMMAND, '--limit', '120', '--reserve', '5', '--warn-at', '0.15'])
    expect(json).toMatchObject({limit: 120, reserve: 5, status: 'warning', total: 22})
  })

  it('without a plan or limit, reports the budget and the smallest plan that fits', () => {
    const r = runJson<JsonReport>(['plan', '--procfile', 'examples/rails/Procfile', '--scale', 'web=10', 'worker=2'])
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({limit: null, status: 'unknown', total: 70, utilization: null})
    expect(r.json.smallestFittingPlan).toMatchObject({limit: 120, name: 'standard-0'})
    const text = runCliInProcess(['plan', '--procfile', 'examples/rails/Procfile', '--scale', 'web=10', 'worker=2'])
    expect(text.stdout).toContain('smallest plan that fits: standard-0 (limit 120)')
  })

  it('accepts the add-on form and any case for --plan', () => {
    expect(runJson<JsonReport>([...README_COMMAND.slice(0, 3), '--plan', 'heroku-postgresql:Standard-0']).json.limit).toBe(120)
  })

  it('reads formation quantity and size from app.json, with --scale winning', () => {
    const {json} = runJson<JsonReport & {processTypes: (JsonProcessType & {size: null | string})[]}>(['plan', '--procfile', fixture('formation-app-json/Procfile'), '--plan', 'standard-0', '--scale', 'worker=3'])
    expect(type(json, 'web')).toMatchObject({dynos: 4, size: 'standard-2x'})
    expect(type(json, 'worker')).toMatchObject({dynos: 3, size: 'standard-1x'})
  })
})

describe('conncalc plan: env layering', () => {
  it('--env and --env-file feed the configs; the Procfile line wins over both', () => {
    const {json} = runJson<JsonReport>([...README_COMMAND, '--env', 'RAILS_MAX_THREADS=8', '--env', 'SIDEKIQ_CONCURRENCY=12'])
    expect(type(json, 'web')).toMatchObject({connectionsPerProcess: 8, poolPerProcess: 8, threadsPerProcess: 8})
    // worker: RAILS_MAX_THREADS=${SIDEKIQ_CONCURRENCY:-5} on its Procfile line beats --env RAILS_MAX_THREADS=8
    expect(type(json, 'worker')).toMatchObject({poolPerProcess: 12, threadsPerProcess: 12})
    const explain = runCliInProcess([...README_COMMAND, '--env', 'SIDEKIQ_CONCURRENCY=12', '--explain']).stdout
    expect(explain).toMatch(/pool \(primary\)\s+12\s+config\/database.yml:16 ← RAILS_MAX_THREADS from Procfile:3 ← SIDEKIQ_CONCURRENCY from --env/)
  })

  it('--dotenv is --env-file under another name (npx hands --env-file to Node itself)', () => {
    const a = runJson<JsonReport>([...README_COMMAND, '--env-file', fixture('env-layers/override.env')]).json
    const b = runJson<JsonReport>([...README_COMMAND, '--dotenv', fixture('env-layers/override.env')]).json
    expect(type(b, 'web').processesPerDyno).toBe(4)
    expect(b).toEqual(a)
  })

  it('later --env-file wins over earlier; --env wins over files', () => {
    const files = ['--env-file', fixture('env-layers/base.env'), '--env-file', fixture('env-layers/override.env')]
    expect(type(runJson<JsonReport>([...README_COMMAND, ...files]).json, 'web').processesPerDyno).toBe(4)
    expect(type(runJson<JsonReport>([...README_COMMAND, ...files, '--env', 'WEB_CONCURRENCY=1']).json, 'web').processesPerDyno).toBe(1)
  })
})

describe('conncalc plan: bad input exits 2 with one actionable line', () => {
  const cases: [string, string[], RegExp][] = [
    ['missing Procfile', ['plan', '--procfile', 'nope/Procfile'], /no Procfile at nope\/Procfile: the folder nope does not exist[\s\S]*hint: run conncalc in the app folder, or pass --procfile PATH/],
    ['binary Procfile', ['plan', '--procfile', fixture('bad-inputs/binary-procfile/Procfile')], /is not a text file/],
    ['unknown plan', [...README_COMMAND.slice(0, 3), '--plan', 'essentail-0'], /unknown plan "essentail-0"[\s\S]*did you mean essential-0/],
    ['bad --scale', [...README_COMMAND.slice(0, 3), '--scale', 'web'], /--scale web: missing =QUANTITY[\s\S]*hint: use TYPE=QUANTITY/],
    ['--scale of a type not in the Procfile', [...README_COMMAND.slice(0, 3), '--scale', 'clock=2'], /--scale names "clock", which is not in .*Procfile[\s\S]*release, web, worker/],
    ['bad --env', [...README_COMMAND.slice(0, 3), '--env', 'NOPE'], /--env expects KEY=VALUE/],
    ['missing --env-file', [...README_COMMAND.slice(0, 3), '--env-file', 'nope.env'], /env file not found: nope\.env|nope\.env/],
    ['bad --warn-at', [...README_COMMAND.slice(0, 3), '--warn-at', '2'], /--warn-at must be a fraction between 0 and 1/],
    ['invalid --plans-file', [...README_COMMAND.slice(0, 3), '--plans-file', fixture('plans/invalid.json'), '--plan', 'x'], /invalid plan table [\s\S]*plans\[1\] \(big\)\.limit/],
    ['empty Procfile', ['plan', '--procfile', fixture('bad-inputs/empty-procfile/Procfile')], /declares no process types\n {2}hint: add a line such as `web: bundle exec puma/],
    // A Procfile whose lines are all rejected: the error says which line and why, not only "no process types".
    ['Procfile with no valid line', ['plan', '--procfile', fixture('bad-inputs/no-valid-line/Procfile')], /no-valid-line\/Procfile declares no process types: \S*no-valid-line\/Procfile:2: line ignored, not "type: command": "web bundle exec puma -C config\/puma.rb" \(and 1 more: \S*no-valid-line\/Procfile:3\)/],
  ]
  for (const [what, args, message] of cases) {
    it(what, () => {
      // The first in a process of its own (exit 2 and streams as a shell sees them), the rest in process.
      const r = (what === cases[0][0] ? runCli : runCliInProcess)(args)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
      expect(r.stdout).toBe('')
    })
  }

  it('an unknown flag is a usage error', () => {
    expect(runCli([...README_COMMAND, '--bogus']).code).toBe(2)
  })

  it('errors are JSON too under --json', () => {
    const r = runCli([...README_COMMAND.slice(0, 3), '--plan', 'nope', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toMatchObject({error: {exitCode: 2, message: 'unknown plan "nope" in plans/heroku-postgres.json'}})
  })
})

describe('conncalc plan: hostile files never crash or hang', () => {
  it('a YAML alias bomb in database.yml is a diagnostic; defaults are used', () => {
    const r = runJson<JsonReport>(['plan', '--procfile', fixture('bad-inputs/alias-bomb/Procfile'), '--plan', 'essential-0'])
    expect(r.code).toBe(0)
    expect(r.json.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'config/database.yml'}))
    expect(type(r.json, 'web')).toMatchObject({poolPerProcess: 5, processesPerDyno: 2})
  })

  it('a config over 1 MiB is skipped with a diagnostic, not read', () => {
    // Written here rather than committed: 1.5 MB of padding after one real line.
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-huge-'))
    mkdirSync(join(dir, 'config'))
    writeFileSync(join(dir, 'Procfile'), 'web: bundle exec puma -C config/puma.rb\n')
    writeFileSync(join(dir, 'config/puma.rb'), `threads 5, 5\n${'# padding\n'.repeat(150_000)}`)
    try {
      const r = runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile'), '--plan', 'essential-0'])
      expect(r.code).toBe(0)
      expect(r.json.diagnostics).toEqual([expect.objectContaining({code: 'unparsable-config', file: 'config/puma.rb', message: expect.stringContaining('larger than 1 MiB')})])
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('configs nested thousands deep (Ruby, Python, YAML) are diagnostics, not crashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-deep-'))
    const deep = (open: string, close: string) => open.repeat(20_000) + '2' + close.repeat(20_000)
    mkdirSync(join(dir, 'config'))
    writeFileSync(join(dir, 'Procfile'), 'web: bundle exec puma -C config/puma.rb\napi: gunicorn app:app -c gunicorn.conf.py\n')
    writeFileSync(join(dir, 'config/puma.rb'), `workers ${deep('(', ')')}\nthreads 5, 5\n`)
    writeFileSync(join(dir, 'config/database.yml'), `production:\n  pool: 5\n  x: ${deep('[', ']')}\n`)
    writeFileSync(join(dir, 'gunicorn.conf.py'), `workers = ${deep('(', ')')}\n`)
    writeFileSync(join(dir, 'requirements.txt'), 'gunicorn\n')
    try {
      const r = runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile'), '--plan', 'standard-0'])
      expect(r.code).toBe(0)
      const unreadable = r.json.diagnostics.filter((d) => d.code === 'unparsable-config').map((d) => d.file)
      expect(unreadable).toEqual(expect.arrayContaining(['config/puma.rb', 'config/database.yml', 'gunicorn.conf.py']))
      // The YAML parser's stack overflow is said as what it means, not as "Maximum call stack size exceeded".
      expect(r.json.diagnostics).toContainEqual(expect.objectContaining({file: 'config/database.yml', message: 'nested too deeply for conncalc to read; conncalc uses the defaults instead'}))
      // Puma's own defaults stand in for the unreadable file.
      expect(type(r.json, 'web').threadsPerProcess).toBe(5)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('a finding quoting a 20,000-character expression quotes its start, not all of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-long-quote-'))
    mkdirSync(join(dir, 'config'))
    writeFileSync(join(dir, 'Procfile'), 'web: bundle exec puma -C config/puma.rb\n')
    writeFileSync(join(dir, 'config/puma.rb'), 'threads 5, 5\n')
    writeFileSync(join(dir, 'config/database.yml'), `production:\n  adapter: postgresql\n  pool: <%= ${'('.repeat(10_000)}5${')'.repeat(10_000)} %>\n`)
    try {
      const r = runJson<JsonReport>(['plan', '--procfile', join(dir, 'Procfile'), '--plan', 'standard-0'])
      expect(r.code).toBe(0)
      const pool = r.json.diagnostics.find((d) => d.code === 'unknown-config-value' && d.file === 'config/database.yml')!
      // The quote keeps its first 200 characters (`<%= ` and 196 brackets), then "…", then the rest of the sentence.
      expect(pool.message).toContain(`\`<%= ${'('.repeat(196)}…\`; using 5 (default: ActiveRecord default pool size`)
      expect(pool.message.length).toBeLessThan(600)
      // 1 dyno × 1 process × 5 (the default pool, as the message says)
      expect(type(r.json, 'web').connections).toBe(5)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('a Ruby syntax error is a diagnostic with file and line', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', fixture('ruby-unparsable/Procfile'), '--plan', 'essential-0'])
    expect(json.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'config/puma.rb', line: expect.any(Number)}))
  })
})

describe('secrets never reach the screen', () => {
  const args = ['plan', '--procfile', fixture('bad-inputs/secrets/Procfile'), '--env-file', fixture('bad-inputs/secrets/.env'), '--plan', 'essential-0']
  for (const [what, extra] of [['table', ['--explain']], ['json', ['--json']]] as const) {
    it(`in the ${what} output`, () => {
      const r = runCliInProcess([...args, ...extra])
      const all = r.stdout + r.stderr
      expect(all).not.toContain('s3cr3t-passw0rd')
      expect(all).not.toContain('hunter2secret')
      expect(all).toContain('***')
      // the pool=7 in DATABASE_URL's query still counts
      expect(all).toMatch(/pool \(primary\)\s+7|"poolPerProcess": 7/)
    })
  }

  it('in errors', () => {
    const r = runCli(['plan', '--procfile', fixture('bad-inputs/secrets/Procfile'), '--env', 'DATABASE_URL=postgres://u:topsecretpw@h/db', '--plan', 'postgres://u:topsecretpw@h/db'])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toContain('topsecretpw')
  })
})

describe('conncalc plans and rules', () => {
  it('plans lists every plan with limit and source; --json gives the table', () => {
    const r = runCli(['plans'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^essential-0\s+essential\s+20\s+secondary\s+https:\/\/judoscale/m)
    expect(r.stdout).toMatch(/^standard-0\s+standard\s+120\s+confirmed/m)
    const {json} = runJson<{plans: {limit: number; name: string}[]}>(['plans'])
    expect(json.plans.find((p) => p.name === 'standard-2')?.limit).toBe(400)
  })

  it('rules lists every code with its severity', () => {
    const {json} = runJson<{code: string; severity: string}[]>(['rules'])
    expect(json).toContainEqual(expect.objectContaining({code: 'over-limit', severity: 'error'}))
    expect(json).toContainEqual(expect.objectContaining({code: 'pool-below-threads', severity: 'warning'}))
  })
})
