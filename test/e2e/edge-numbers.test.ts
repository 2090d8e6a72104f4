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
