import type {ScaleChange} from '../../src/model/scale.js'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, ROOT, runCli, runCliInProcess, runJson} from '../helpers/cli.js'

interface ScaleJson {
  after: {deployPeak: number; diagnostics: {code: string}[]; status: string; total: number}
  before: {status: string; total: number}
  changes: ScaleChange[]
}

const APP = ['--procfile', 'examples/rails/Procfile', '--scale', 'web=2', 'worker=1']
const change = (j: ScaleJson, type: string) => j.changes.find((c) => c.processType === type)!

describe('conncalc scale', () => {
  it('a formation that fits: before and after, the change per type, exit 0', () => {
    const r = runCli(['scale', 'web=4', 'worker=2', ...APP, '--plan', 'standard-0'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('conncalc scale examples/rails/Procfile · plan standard-0 (limit 120)')
    expect(r.stdout).toMatch(/^web\s+2 → 4\s+12 → 24\s+\+12$/m)
    expect(r.stdout).toMatch(/^worker\s+1 → 2\s+5 → 10\s+\+5$/m)
    // release `bin/rails db:migrate` (ActiveRecord 7.2): its connection + the migrator's advisory-lock connection
    expect(r.stdout).toMatch(/^release\s+1\s+\(2\)$/m)
    expect(r.stdout).toMatch(/^total before\s+17 of 120\s+14%\s+ok\s+deploy peak 19$/m)
    expect(r.stdout).toMatch(/^total after\s+34 of 120\s+28%\s+ok\s+deploy peak 36\s+\(\+17\)$/m)
  })

  it('a formation that does not fit: exit 1, with the over-limit error', () => {
    const r = runCli(['scale', 'web=4', ...APP, '--plan', 'essential-0'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^total after\s+29 of 20\s+145%\s+OVER LIMIT/m)
    expect(r.stdout).toContain('[over-limit]')
  })

  it('types not named keep their dynos, as heroku ps:scale does', () => {
    const {code, json} = runJson<ScaleJson>(['scale', 'worker=3', ...APP, '--plan', 'standard-0'])
    expect(code).toBe(0)
    expect(change(json, 'web')).toMatchObject({connectionsAfter: 12, connectionsBefore: 12, delta: 0, dynosAfter: 2, dynosBefore: 2})
    expect(change(json, 'worker')).toMatchObject({connectionsAfter: 15, delta: 10, dynosAfter: 3, dynosBefore: 1})
    expect(json.before.total).toBe(17)
    expect(json.after.total).toBe(27)
  })

  it('scaling down out of a warning exits 0; --fail-on warning fails a warning', () => {
    expect(runCliInProcess(['scale', 'web=1', ...APP, '--plan', 'essential-0']).code).toBe(0)
    const warn = runJson<ScaleJson>(['scale', 'worker=1', ...APP, '--plan', 'essential-0', '--fail-on', 'warning'])
    expect(warn.json.after.status).toBe('warning')
    expect(warn.code).toBe(1)
    expect(runCliInProcess(['scale', 'worker=1', ...APP, '--plan', 'essential-0']).code).toBe(0)
  })

  it('takes sizes as heroku ps:scale does (web=2:standard-2x), and several specs in one argument', () => {
    const {json} = runJson<ScaleJson>(['scale', 'web=3:Standard-2X,worker=2', ...APP, '--plan', 'standard-0'])
    expect(change(json, 'web')).toMatchObject({dynosAfter: 3, sizeAfter: 'standard-2x'})
    expect(change(json, 'worker').dynosAfter).toBe(2)
    const text = runCliInProcess(['scale', 'web=3:standard-2x', ...APP, '--plan', 'standard-0'])
    expect(text.stdout).toMatch(/^web\s+2 → 3:standard-2x\s+12 → 18\s+\+6$/m)
  })

  it('an autoscaling range budgets its max', () => {
    const {json} = runJson<ScaleJson>(['scale', 'web=2..5', ...APP, '--plan', 'standard-0'])
    expect(change(json, 'web')).toMatchObject({connectionsAfter: 30, dynosAfter: 5})
    expect(runCliInProcess(['scale', 'web=2..5', ...APP, '--plan', 'standard-0']).stdout).toContain('web autoscales 2..5: budgeted at the max, 5 dynos')
  })

  it('counts the preboot overlap in the new deploy peak, and fails when only the deploy does not fit', () => {
    // web 3 × 6 + worker 5 = 23 fits 40 (57%) but preboot adds 18 → 41
    const r = runJson<ScaleJson>(['scale', 'web=3', ...APP, '--limit', '40', '--preboot'])
    expect(r.json.after).toMatchObject({deployPeak: 41, status: 'ok', total: 23})
    expect(r.json.after.diagnostics.map((d) => d.code)).toContain('deploy-over-limit')
    expect(r.code).toBe(1)
  })

  it('bad arguments exit 2 and name the argument', () => {
    for (const [args, message] of [
      [['scale'], /say how to scale/],
      [['scale', 'web'], /^conncalc: web: missing =QUANTITY/m],
      [['scale', 'web=two'], /web=two: "two" is not a number of dynos/],
      [['scale', 'web=2:huge'], /unknown dyno size "huge"/],
      [['scale', 'web-3'], /^conncalc: web-3: web runs 2 dynos; -1 is below zero$/m],
      [['scale', 'clock+1'], /^conncalc: clock\+1: no process type clock in examples\/rails\/Procfile\n {2}hint: process types in examples\/rails\/Procfile: release, web, worker$/m],
      // The argument as typed (not the --scale it becomes).
      [['scale', 'clock=2'], /^conncalc: clock=2: no process type clock in examples\/rails\/Procfile$/m],
    ] as const) {
      // The first in a process of its own (exit 2 as a shell sees it), the rest in process.
      const r = (args.length === 1 ? runCli : runCliInProcess)([...args, ...APP, '--plan', 'standard-0'])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('relative changes (web+1, worker-1) apply to the formation --scale gives, keeping the size', () => {
    // web 2 → 3 dynos × 6 = 18 connections; worker 1 → 0; total 18 + release not counted = 18
    const r = runJson<ScaleJson>(['scale', 'web+1', 'worker-1', ...APP, '--plan', 'standard-0'])
    expect(r.code).toBe(0)
    expect([change(r.json, 'web').dynosBefore, change(r.json, 'web').dynosAfter]).toEqual([2, 3])
    expect([change(r.json, 'worker').dynosBefore, change(r.json, 'worker').dynosAfter]).toEqual([1, 0])
    expect(r.json.after.total).toBe(18)
    const sized = runJson<ScaleJson>(['scale', 'web+2', '--procfile', 'examples/rails/Procfile', '--scale', 'web=1:standard-2x', 'worker=1', '--plan', 'standard-0'])
    expect(change(sized.json, 'web').sizeAfter).toBe('standard-2x')
    expect(change(sized.json, 'web').dynosAfter).toBe(3)
  })

  it('… and to the formation in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-scale-'))
    try {
      cpSync(`${ROOT}examples/rails`, dir, {recursive: true})
      writeFileSync(join(dir, 'conncalc.yml'), 'plan: standard-0\nscale: {web: 2, worker: 1}\n')
      // web 2 → 4 dynos × 6 = 24, worker 1 × 5 = 5: 29
      const r = runJson<ScaleJson>(['scale', 'web+2'], {cwd: dir})
      expect(r.code).toBe(0)
      expect(change(r.json, 'web').dynosAfter).toBe(4)
      expect(r.json.after.total).toBe(29)
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('a relative change needs a formation: with none given, it says so', () => {
    const r = runCliInProcess(['scale', 'web+1', '--procfile', 'examples/rails/Procfile', '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'conncalc: web+1: relative changes need the current formation, and the formation does not say how many web dynos run now\n' +
        '  hint: give it with --scale (e.g. --scale web=2) or in conncalc.yml, or give the number of dynos: web=3\n',
    )
  })

  it('with several apps, --config-app says which one scales (-a now names the Heroku app)', () => {
    const cwd = fixture('capacity/shared-db')
    const needs = runCliInProcess(['scale', 'web=3'], {cwd})
    expect(needs.code).toBe(2)
    expect(needs.stderr).toContain('conncalc.yml lists 2 apps: say which one to scale with --config-app')
    const {code, json} = runJson<ScaleJson>(['scale', 'web=3', '--config-app', 'admin'], {cwd})
    expect(code).toBe(0)
    expect(json.changes.filter((c) => c.delta !== 0)).toEqual([expect.objectContaining({app: 'admin', delta: 10, dynosAfter: 3, processType: 'web'})])
    expect(runCliInProcess(['scale', 'web=3', '--config-app', 'nope'], {cwd}).stderr).toMatch(/--config-app nope: no such app in conncalc.yml[\s\S]*storefront, admin/)
    // The old spelling names an entry of the config file: a clear error, not a Heroku API call.
    const old = runCliInProcess(['scale', 'web=3', '-a', 'admin'], {cwd})
    expect(old.code).toBe(2)
    expect(old.stderr).toContain('conncalc: -a/--app names the Heroku app to read; "admin" is an app of conncalc.yml: pick it with --config-app admin')
  })
})
