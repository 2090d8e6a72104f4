import {describe, expect, it} from 'vitest'

import {fixture, runCliInProcess} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

// Numbers at the edges: refused with a clear message (exit 2), or computed — never a hang.
// A time bound is enforced by runCliInProcess's timeout (a run it stops has no exit code).
describe('numbers at the edges', () => {
  const procfile = `${fixture('rails-7-2')}/Procfile`
  const apps = tempApps('rails-7-2')

  it('a --limit beyond what PostgreSQL allows (262,143) is a usage error, not a hang', () => {
    const r = runCliInProcess(['plan', '--procfile', procfile, '--limit', '10000000000'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--limit/)
    expect(r.stderr).toMatch(/262143/)
  })

  it('the largest limit PostgreSQL allows is accepted', () => {
    const r = runCliInProcess(['plan', '--procfile', procfile, '--limit', '262143'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('of 262143')
  })

  it('--suggest with the most dynos accepted (262,143) ends and brings web back under the limit', () => {
    const r = runCliInProcess(['plan', '--procfile', procfile, '--plan', 'standard-0', '--scale', 'web=262143', '--suggest', '--json'])
    expect(r.code).toBe(1)
    const json = JSON.parse(r.stdout) as {suggestions: {items: {kind: string; total: number}[]}}
    const scale = json.suggestions.items.find((s) => s.kind === 'scale')
    expect(scale?.total).toBeLessThanOrEqual(120)
  })

  it('a dyno count past 262,143 is a typo, refused wherever it is written (totals past 2⁵³ would not be exact)', () => {
    for (const spec of ['web=9007199254740991', 'web=262144', 'web=2..300000']) {
      const r = runCliInProcess(['plan', '--procfile', procfile, '--plan', 'standard-0', '--scale', spec])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`--scale ${spec}: `)
      expect(r.stderr).toContain('more than any PostgreSQL server has connection slots (262143)')
    }

    const cfg = runCliInProcess(['plan', '--plan', 'standard-0'], {cwd: apps.app({'conncalc.yml': 'scale:\n  web: 300000\n'})})
    expect(cfg.code).toBe(2)
    expect(cfg.stderr).toContain("conncalc.yml:2: scale.web: a dyno count above 262143 (PostgreSQL's most connection slots) is a typo")

    const appJson = JSON.stringify({formation: {web: {quantity: 300000}}})
    const aj = runCliInProcess(['plan', '--plan', 'standard-0'], {cwd: apps.app({'app.json': appJson})})
    expect(aj.stdout + aj.stderr).toContain('app.json: formation.web.quantity is not a whole number of dynos from 0 to 262143; not used')
  })
})

describe('counts read from env values at the edges', () => {
  const apps = tempApps('rails-7-2')
  const puma = 'threads_count = ENV.fetch("RAILS_MAX_THREADS") { 5 }.to_i\nthreads threads_count, threads_count\nworkers ENV.fetch("WEB_CONCURRENCY") { 2 }\n'
  const database = "production:\n  adapter: postgresql\n  pool: <%= ENV.fetch('RAILS_MAX_THREADS') { 5 } %>\n"
  const plan = (env: string) => {
    const cwd = apps.app({'.env': env, 'Procfile': 'web: bundle exec puma -C config/puma.rb\n', 'config/database.yml': database, 'config/puma.rb': puma})
    return runCliInProcess(['plan', '--plan', 'standard-0', '--env-file', '.env', '--json'], {cwd})
  }

  type Json = {diagnostics: {message: string}[]; processTypes: {connections: number; name: string; poolPerProcess: number; processesPerDyno: number; threadsPerProcess: number}[]; total: number}

  it('a negative pool counts 0 connections with a warning, never a negative total', () => {
    const r = plan('RAILS_MAX_THREADS=-1\nWEB_CONCURRENCY=2\n')
    const json = JSON.parse(r.stdout) as Json
    // pool -1 → 0 (it opens none); threads -1 → 1 (assumed); 1 dyno × 2 workers × min(0, 1) = 0
    expect(json.processTypes[0]).toMatchObject({connections: 0, poolPerProcess: 0, processesPerDyno: 2, threadsPerProcess: 1})
    expect(json.total).toBe(0)
    expect(json.diagnostics.map((d) => d.message)).toContain('web: the primary pool is -1, which can open no connection; conncalc counts 0')
  })

  it('2**64 in an env var is counted as 262,143 (PostgreSQL\'s most slots) with a warning, not as 1.8e19', () => {
    const r = plan('RAILS_MAX_THREADS=18446744073709551616\nWEB_CONCURRENCY=18446744073709551616\n')
    expect(r.code).toBe(1)
    const json = JSON.parse(r.stdout) as Json
    // 1 dyno × 262143 processes × min(pool 262143, threads 262143) = 262143² = 68718952449
    expect(json.processTypes[0]).toMatchObject({connections: 68_718_952_449, poolPerProcess: 262_143, processesPerDyno: 262_143, threadsPerProcess: 262_143})
    expect(json.diagnostics.map((d) => d.message)).toContain('web: threads per process is about 1.845e+19, more than any PostgreSQL server has connection slots (262143); conncalc counts 262143')
    expect(r.stdout).not.toMatch(/": \d[\d.]*e\+/) // no JSON number in exponent form
  })
})

describe('paths in the config file stay inside its folder', () => {
  it('procfile: ../x is refused with the file and line, and nothing of the file outside is printed', async () => {
    const {mkdtempSync, mkdirSync, writeFileSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {tmpdir} = await import('node:os')
    const top = mkdtempSync(join(tmpdir(), 'conncalc-cfg-'))
    mkdirSync(join(top, 'app'))
    writeFileSync(join(top, 'secret'), 'web: localhost:5432:*:app:SUPERSECRET\n')
    for (const [yaml, line] of [
      ['plan: standard-0\nprocfile: ../secret\n', 2],
      ['envFiles:\n  - ok.env\n  - ../secret\n', 3],
      ['plansFile: ../secret\n', 1],
      ['apps:\n  - name: a\n    procfile: ../secret\n', 3],
    ] as const) {
      writeFileSync(join(top, 'app', 'conncalc.yml'), yaml)
      writeFileSync(join(top, 'app', 'ok.env'), 'A=1\n')
      writeFileSync(join(top, 'app', 'Procfile'), 'web: bundle exec puma\n')
      const r = runCliInProcess(['plan'], {cwd: join(top, 'app')})
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`conncalc.yml:${line}:`)
      expect(r.stderr).toContain("points outside the config file's folder")
      expect(r.stdout + r.stderr).not.toContain('SUPERSECRET')
    }
  })
})
