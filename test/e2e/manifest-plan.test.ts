/**
 * The plan an app's manifest provisions (app.json `addons`, heroku.yml `setup: addons:`), used when
 * nothing the user gave names one (src/app/plan.ts planOfManifests, src/platform/manifest-plan.ts).
 * Fixture manifest-plan: `web: node server.js`, a pg Pool with max 10, app.json formation web=3 and
 * add-ons heroku-redis:mini and {plan: heroku-postgresql:essential-1, as: DATABASE} (its plan on line 10).
 */
import {describe, expect, it} from 'vitest'

import {fixture, type PlanJson, runCliInProcess, runJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('manifest-plan')

function plan(dir: string, args: string[] = []): PlanJson & {code: null | number; notes: PlanJson['diagnostics']} {
  const r = runJson<PlanJson>(['plan', ...args], {cwd: dir})
  if (r.code !== 0 && r.code !== 1) throw new Error(`conncalc plan exited ${r.code}:\n${r.stderr}`)
  return {...r.json, code: r.code, notes: r.json.diagnostics.filter((d) => d.code === 'database-plan-from-manifest')}
}

/** app.json with these add-ons (formation web=3 kept). */
const appJson = (addons: unknown[]): string => JSON.stringify({addons, formation: {web: {quantity: 3}}, name: 'guestbook'}, null, 2)

describe("the plan app.json or heroku.yml provisions, when no --plan, --limit or config plan is given", () => {
  it('app.json {plan: "heroku-postgresql:essential-1"}: its limit 20, named with app.json:10 in the heading, --explain and an info line', () => {
    const dir = fixture('manifest-plan')
    // web: 3 dynos × 1 Node process × pool 10 = 30 connections, over essential-1's 20: exit 1.
    const r = runCliInProcess(['plan', '--explain'], {cwd: dir})
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')[0]).toBe('conncalc plan Procfile · plan essential-1 (limit 20, secondary source) from app.json:10')
    expect(r.stdout).toMatch(/^limit 20: plan essential-1 in plans\/heroku-postgres\.json ← app\.json:10 — secondary: /m)
    expect(r.stdout).toContain("app.json:10: info: the limit is essential-1's (20), the plan app.json provisions for DATABASE_URL: no --plan, --limit, config file plan or live database gives one [database-plan-from-manifest]")
    expect(r.stdout).toContain('fix: --plan NAME (or --limit N) overrides it: the database the app runs on may have been upgraded since app.json was written')
    const json = plan(dir)
    expect([json.total, json.limit, json.plan?.name]).toEqual([30, 20, 'essential-1'])
    expect(json.limitSource).toEqual({source: {kind: 'plan', plan: 'essential-1', table: 'plans/heroku-postgres.json'}, value: 20, via: [{file: 'app.json', kind: 'file', line: 10}]})
  })

  it('the string form "heroku-postgresql:standard-0": 30 of 120, exit 0', () => {
    const r = plan(app({'app.json': appJson(['heroku-postgresql:standard-0'])}))
    expect([r.total, r.limit, r.plan?.name, r.code]).toEqual([30, 120, 'standard-0', 0])
    expect(r.notes).toEqual([expect.objectContaining({file: 'app.json', line: 3, severity: 'info'})])
  })

  it('heroku.yml setup: addons: (beside a Procfile, heroku.yml declaring no process): its plan, at its line', () => {
    const dir = app({'app.json': appJson([]), 'heroku.yml': 'setup:\n  addons:\n    - plan: heroku-redis:mini\n    - plan: heroku-postgresql:standard-0\n      as: DATABASE\n'})
    const r = plan(dir)
    expect([r.limit, r.plan?.name]).toEqual([120, 'standard-0'])
    expect(r.limitSource?.via).toEqual([{file: 'heroku.yml', kind: 'file', line: 4}])
  })

  it('app.json and heroku.yml naming the same plan: that plan, cited where app.json names it', () => {
    const dir = app({'app.json': appJson(['heroku-postgresql:standard-0']), 'heroku.yml': 'setup:\n  addons:\n    - plan: heroku-postgresql:standard-0\n'})
    expect(plan(dir).limitSource?.via).toEqual([{file: 'app.json', kind: 'file', line: 3}])
  })

  it('--plan, --limit and the config file plan win, with no info line', () => {
    const dir = fixture('manifest-plan')
    const flagged = plan(dir, ['--plan', 'standard-0'])
    expect([flagged.limit, flagged.plan?.name, flagged.notes, flagged.code]).toEqual([120, 'standard-0', [], 0])
    expect(plan(dir, ['--limit', '50'])).toMatchObject({limit: 50, notes: [], plan: null})
    const configured = plan(app({'conncalc.yml': 'plan: standard-2\n'}))
    expect([configured.limit, configured.plan?.name, configured.notes]).toEqual([400, 'standard-2', []])
  })

  const cases: [string, Record<string, string>, string][] = [
    [
      'two Heroku Postgres add-ons in app.json',
      {'app.json': appJson(['heroku-postgresql:standard-0', 'heroku-postgresql:essential-0'])},
      'app.json provisions 2 Heroku Postgres add-ons (heroku-postgresql:standard-0 at line 3, heroku-postgresql:essential-0 at line 4), and which one DATABASE_URL is cannot be told from it',
    ],
    [
      'an add-on attached as another name',
      {'app.json': appJson([{as: 'ANALYTICS', plan: 'heroku-postgresql:standard-0'}])},
      'app.json:5 attaches heroku-postgresql:standard-0 as ANALYTICS, so it sets ANALYTICS_URL, not DATABASE_URL',
    ],
    [
      'app.json and heroku.yml naming different plans',
      {'app.json': appJson(['heroku-postgresql:essential-1']), 'heroku.yml': 'setup:\n  addons:\n    - plan: heroku-postgresql:standard-0\n'},
      'app.json:3 provisions heroku-postgresql:essential-1 and heroku.yml:3 provisions heroku-postgresql:standard-0: they disagree',
    ],
  ]
  for (const [what, files, why] of cases) {
    it(`${what}: said, and no plan is guessed`, () => {
      const r = plan(app(files))
      expect([r.limit, r.plan, r.code]).toEqual([null, null, 0])
      expect(r.notes.map((d) => [d.message, d.fix])).toEqual([[`no database plan is taken from the app's manifests: ${why}`, 'pass --plan NAME (or --limit N) for the database DATABASE_URL points at']])
    })
  }

  it('a plan the plan table does not know: said, no limit', () => {
    const r = plan(app({'app.json': appJson(['heroku-postgresql:mega-9'])}))
    expect([r.limit, r.plan]).toEqual([null, null])
    expect(r.notes).toEqual([
      expect.objectContaining({
        file: 'app.json',
        fix: 'pass --plan NAME or --limit N; conncalc plans lists the plans conncalc knows',
        line: 3,
        message: 'app.json provisions heroku-postgresql:mega-9, which is not in plans/heroku-postgres.json: no limit is taken from it',
      }),
    ])
  })

  it("another add-on only (Redis), or heroku-postgresql with no plan (Heroku's default when the app is created): nothing said, no plan", () => {
    for (const addons of [['heroku-redis:mini'], ['heroku-postgresql'], [{plan: 'heroku-postgresql'}]]) {
      const r = plan(app({'app.json': appJson(addons)}))
      expect([r.limit, r.plan, r.notes]).toEqual([null, null, []])
    }
  })
})
