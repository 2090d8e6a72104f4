import type {Suggestion} from '../../src/model/suggestion.js'
import {describe, expect, it} from 'vitest'

import {runPlan} from '../../src/app/plan.js'
import {type InputFlags, resolveRequest} from '../../src/app/request.js'
import {applyChange} from '../../src/suggest/suggest.js'
import {fixture, ROOT, runCliInProcess, runJson} from '../helpers/cli.js'

interface JsonReport {
  deployMoments: {app: null | string; extra: number; kind: string; peak: number}[]
  deployPeak: number
  diagnostics: {code: string; message: string; severity: string}[]
  limit: null | number
  processTypes: {connections: number; deployOverlap: boolean; dynoRange: null | {max: number; min: number}; dynos: number; maxDynos: null | number; name: string}[]
  status: string
  suggestions: null | {goal: string; items: Suggestion[]; needed: boolean}
  total: number
}

const RAILS = `${ROOT}examples/rails/Procfile`
const type = (r: JsonReport, name: string) => r.processTypes.find((p) => p.name === name)!

describe('autoscaling ranges', () => {
  it('--scale web=2..10 budgets the max and says so', () => {
    const {code, json} = runJson<JsonReport>(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--scale', 'web=2..10', 'worker=1'])
    expect(code).toBe(0)
    expect(type(json, 'web')).toMatchObject({connections: 60, dynoRange: {max: 10, min: 2}, dynos: 10})
    expect(json.total).toBe(65)
    const text = runCliInProcess(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--scale', 'web=2..10', 'worker=1'])
    // max dynos: (120 − worker 5 − the release's 2 (its migration and the migrator's lock connection)) ÷ 6 = 18
    expect(text.stdout).toMatch(/^web\s+puma\s+2\.\.10\s+2\s+3\s+5\s+0\s+3\s+6\s+60\s+18$/m)
    expect(text.stdout).toContain('web autoscales 2..10: budgeted at the max, 10 dynos')
  })

  it('a range whose max does not fit fails even though its min would', () => {
    const r = runJson<JsonReport>(['plan', '--procfile', RAILS, '--plan', 'essential-0', '--scale', 'web=1..4', 'worker=1'])
    expect(r.code).toBe(1)
    expect(r.json).toMatchObject({status: 'over', total: 29})
  })
})

describe('deploy peaks', () => {
  it('the release phase counts only during a deploy: total + the release dyno', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--scale', 'web=2', 'worker=1'])
    expect(json.total).toBe(17)
    // release: `rails db:migrate` on ActiveRecord 7.2: the migration's connection + the migrator's advisory-lock connection
    expect(json.deployMoments).toEqual([{app: null, extra: 2, kind: 'release', peak: 19, processTypes: ['release']}])
    expect(json.deployPeak).toBe(19)
  })

  it('--preboot counts a second set of web dynos; the peak is the larger moment', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--scale', 'web=2', 'worker=1', '--preboot'])
    expect(type(json, 'web').deployOverlap).toBe(true)
    expect(json.deployMoments.map((m) => [m.kind, m.peak])).toEqual([
      ['release', 19],
      ['preboot', 29],
    ])
    expect(json.deployPeak).toBe(29)
    const text = runCliInProcess(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--scale', 'web=2', 'worker=1', '--preboot'])
    // Ceiling: 2 web dynos × (2 workers × pool 5 + 1 Puma master while booting) + 1 worker × pool 5 = 27.
    expect(text.stdout).toContain('headroom 103   ceiling 27 (if every pool fills)   deploy peak 29')
    expect(text.stdout).toContain('  peak during the preboot overlap (a second set of web dynos adds 12); release phase 19')
  })

  it('a formation that fits but whose deploy does not: deploy-over-limit, exit 1', () => {
    const r = runJson<JsonReport>(['plan', '--procfile', RAILS, '--limit', '25', '--scale', 'web=2', 'worker=1', '--preboot'])
    expect(r.json).toMatchObject({deployPeak: 29, status: 'ok', total: 17})
    expect(r.json.diagnostics[0]).toMatchObject({code: 'deploy-over-limit', severity: 'error'})
    expect(r.code).toBe(1)
    expect(runCliInProcess(['plan', '--procfile', RAILS, '--limit', '25', '--scale', 'web=2', 'worker=1', '--no-preboot']).code).toBe(0)
  })

  it('preboot from the config file, overridden by --no-preboot', () => {
    const shop = fixture('capacity/shop/Procfile')
    expect(runJson<JsonReport>(['plan', '--procfile', shop]).json.deployPeak).toBe(97)
    expect(runJson<JsonReport>(['plan', '--procfile', shop, '--no-preboot']).json.deployPeak).toBe(63)
  })
})

/** Re-run the whole budget (read → analyze → budget → rules) with the suggestion applied. */
async function reRun(flags: InputFlags, s: Suggestion) {
  const request = await resolveRequest(flags)
  return (await runPlan(applyChange(request, s))).report
}

describe('plan --suggest: every suggestion really fits when applied', () => {
  const scenarios: [string, InputFlags, string][] = [
    ['over the limit (examples/rails, 29 of 20)', {plan: 'essential-0', procfile: RAILS, scale: ['web=4', 'worker=1']}, 'fit'],
    ['near the limit (85%: get under --warn-at)', {plan: 'essential-0', procfile: RAILS, scale: ['web=2', 'worker=1']}, 'below-warn-at'],
    ['only the deploy does not fit (preboot)', {limit: 25, preboot: true, procfile: RAILS, scale: ['web=2', 'worker=1']}, 'fit'],
    ['a config file with a range and preboot, on a smaller plan', {plan: 'essential-2', procfile: fixture('capacity/shop/Procfile')}, 'fit'],
    ['two apps on one database', {'config-app': 'storefront', config: fixture('capacity/shared-db/conncalc.yml'), scale: ['web=15']}, 'fit'],
  ]

  for (const [what, flags, goal] of scenarios) {
    it(what, async () => {
      const request = await resolveRequest(flags)
      const {report} = await runPlan(request, {suggest: true})
      const set = report.suggestions!
      expect(set.needed).toBe(true)
      expect(set.goal).toBe(goal)
      expect(set.items.length).toBeGreaterThanOrEqual(3)
      expect(set.items.map((s) => s.kind)).toContain('plan')
      expect(set.items.map((s) => s.kind)).toContain('pgbouncer')
      for (const s of set.items) {
        const again = await reRun(flags, s)
        const b = again.budget
        expect(b.limit, s.summary).not.toBeNull()
        expect(b.total, s.summary).toBeLessThanOrEqual(b.limit!)
        expect(b.deployPeak, s.summary).toBeLessThanOrEqual(b.limit!)
        if (goal === 'below-warn-at') expect(b.status, s.summary).toBe('ok')
        // The suggestion's own numbers are what the full run gives.
        expect({deployPeak: b.deployPeak, limit: b.limit, total: b.total}, s.summary).toEqual({deployPeak: s.deployPeak, limit: s.limit, total: s.total})
        expect(again.diagnostics.filter((d) => d.severity === 'error'), s.summary).toEqual([])
      }
    })
  }

  it('names the smallest plan, the largest dyno counts, threads and PgBouncer, each with its new total', async () => {
    const {report} = await runPlan(await resolveRequest({plan: 'essential-0', procfile: RAILS, scale: ['web=4', 'worker=1']}), {suggest: true})
    const by = (kind: string, type?: string) => report.suggestions!.items.find((s) => s.kind === kind && (type === undefined || s.processType === type))
    expect(by('plan')).toMatchObject({change: {plan: 'essential-2'}, limit: 40, total: 29})
    expect(by('scale', 'web')).toMatchObject({change: {scale: {app: null, specs: ['web=2']}}, total: 17})
    // web: 4 dynos × 2 processes × min(t, pool t); worker 5; release 2 → 8t + 5 + 2 ≤ 20 → t = 1
    expect(by('threads', 'web')).toMatchObject({change: {assumptions: [{app: null, type: 'web', values: {pool: 1, threads: 1}}]}, total: 13})
    // PgBouncer: (pool + 1 reserve) per dyno for 5 dynos, + the release dyno's 2 ≤ 20 → pool 2: 15, deploy peak 17
    expect(by('pgbouncer')).toMatchObject({deployPeak: 17, total: 15})
    expect(by('pgbouncer')!.how).toContain('PGBOUNCER_DEFAULT_POOL_SIZE=')
  })

  it('the flags in each "how" give the same answer from the command line', async () => {
    const app = ['plan', '--procfile', RAILS, '--scale', 'web=4', 'worker=1']
    const base = [...app, '--plan', 'essential-0']
    expect(runCliInProcess(base).code).toBe(1)
    expect(runCliInProcess([...app, '--plan', 'essential-2']).code).toBe(0)
    expect(runCliInProcess([...base, '--scale', 'web=2']).code).toBe(0)
    // The threads suggestion through the real env var: RAILS_MAX_THREADS drives Puma's threads and the pool.
    const {report} = await runPlan(await resolveRequest({plan: 'essential-0', procfile: RAILS, scale: ['web=4', 'worker=1']}), {suggest: true})
    const threads = report.suggestions!.items.find((s) => s.kind === 'threads' && s.processType === 'web')!
    const n = threads.change.assumptions![0].values.threads!
    const viaEnv = runJson<JsonReport>([...base, '--env', `RAILS_MAX_THREADS=${n}`])
    expect(viaEnv.json.total).toBe(threads.total)
    expect(viaEnv.code).toBe(0)
  })

  it('prints them as a list, and JSON has them as data', () => {
    const args = ['plan', '--procfile', RAILS, '--plan', 'essential-0', '--scale', 'web=4', 'worker=1', '--suggest']
    const r = runCliInProcess(args)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('what would make it fit (limit 20, deploy peak included):')
    expect(r.stdout).toContain('  - move to plan essential-2 (limit 40): 29 of 40 (73%), deploy peak 31')
    expect(r.stdout).toContain('  - scale web from 4 to 2 dynos: 17 of 20 (85%), deploy peak 19')
    const {json} = runJson<JsonReport>(args)
    expect(json.suggestions).toMatchObject({goal: 'fit', needed: true})
    expect(json.suggestions!.items[0]).toMatchObject({change: {plan: 'essential-2'}, kind: 'plan', limit: 40, status: 'ok', total: 29})
  })

  it('an autoscaling range whose minimum is already too many: the cap says the minimum comes down too', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', RAILS, '--plan', 'essential-0', '--scale', 'web=3..6', 'worker=1', '--suggest'])
    const cap = json.suggestions!.items.find((s) => s.kind === 'scale')!
    expect(cap).toMatchObject({change: {scale: {specs: ['web=2']}}, total: 17})
    expect(cap.summary).toBe('cap web autoscaling at 2 dynos (now 3..6, so the minimum comes down too)')
    expect(cap.how).toContain("set the autoscaler's maximum for web to 2 and its minimum to 2 too")
  })

  it('when it already fits, there is nothing to change', () => {
    const r = runJson<JsonReport>(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--scale', 'web=2', 'worker=1', '--suggest'])
    expect(r.json.suggestions).toEqual({goal: 'fit', items: [], needed: false})
    expect(runCliInProcess(['plan', '--procfile', RAILS, '--plan', 'standard-0', '--suggest']).stdout).toContain('fits: nothing to change')
  })

  it('without a plan or limit, suggests the smallest plan for the deploy peak', () => {
    const {json} = runJson<JsonReport>(['plan', '--procfile', RAILS, '--scale', 'web=3', 'worker=1', '--suggest', '--preboot'])
    // 3 × 6 + 5 = 23; preboot adds 18 → 41: more than essential-2's 40
    expect(json.suggestions!.items).toEqual([expect.objectContaining({change: {plan: 'standard-0'}, deployPeak: 41, kind: 'plan', limit: 120, total: 23})])
  })
})
