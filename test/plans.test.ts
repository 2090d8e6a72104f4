import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {loadBuiltinPlans} from '../src/io/plans.js'
import {closestPlans, findPlan, requirePlan, smallestPlanFitting, validatePlanTable} from '../src/platform/plans.js'

describe('the built-in plan table', () => {
  it('passes the zod schema (the CLI skips zod for it at start-up, so this test is the check)', async () => {
    const data = JSON.parse(readFileSync(new URL('../plans/heroku-postgres.json', import.meta.url), 'utf8'))
    await expect(validatePlanTable(data, 'plans/heroku-postgres.json')).resolves.toMatchObject({name: 'Heroku Postgres'})
  })

  it('has every plan of domain-facts §1 with its limit', () => {
    const t = loadBuiltinPlans()
    const limit = (n: string) => findPlan(t, n)?.limit
    expect([limit('essential-0'), limit('essential-1'), limit('essential-2')]).toEqual([20, 20, 40])
    for (const tier of ['standard', 'premium', 'private', 'shield']) {
      expect(limit(`${tier}-0`)).toBe(120)
      expect(limit(`${tier}-2`)).toBe(400)
      for (const size of ['3', '4', '5', '6', '7', '8', '9', '10']) expect(limit(`${tier}-${size}`)).toBe(500)
    }

    for (const tier of ['premium', 'private', 'shield']) for (const v of ['l-6', 'xl-6', 'l-9', 'xl-9']) expect(limit(`${tier}-${v}`)).toBe(500)
    expect(limit('standard-l-6')).toBeUndefined()
    expect(limit('standard-1')).toBeUndefined()
    expect([limit('hobby-dev'), limit('hobby-basic'), limit('mini'), limit('basic')]).toEqual([20, 20, 20, 20])
    expect([limit('advanced-4g-performance'), limit('8g-performance'), limit('32g-performance'), limit('1536g-performance')]).toEqual([380, 800, 3200, 5000])
  })

  it('labels what is not confirmed', () => {
    const t = loadBuiltinPlans()
    expect(findPlan(t, 'essential-0')?.confidence).toBe('secondary')
    // heroku/roadmap#292 (Essential-2 "40 connection limit") and #158 (500 for the largest plans), Heroku staff.
    expect(findPlan(t, 'essential-2')?.confidence).toBe('confirmed')
    for (const tier of ['standard', 'premium', 'private', 'shield']) expect(findPlan(t, `${tier}-10`)?.confidence).toBe('confirmed')
    expect(findPlan(t, 'mini')?.confidence).toBe('unconfirmed')
    expect(findPlan(t, 'standard-0')?.confidence).toBe('confirmed')
  })
})

describe('plan lookup', () => {
  const t = loadBuiltinPlans()
  it('is case-insensitive and accepts the add-on form', () => {
    expect(findPlan(t, 'Standard-0')?.name).toBe('standard-0')
    expect(findPlan(t, 'heroku-postgresql:premium-2')?.name).toBe('premium-2')
    expect(findPlan(t, ' ESSENTIAL-1 ')?.name).toBe('essential-1')
  })

  it('names the closest plans when it does not know one', () => {
    expect(closestPlans(t, 'standrd-0', 3)[0]).toBe('standard-0')
    expect(() => requirePlan(t, 'essentail-0')).toThrow(/unknown plan "essentail-0"/)
    try {
      requirePlan(t, 'essentail-0')
    } catch (error) {
      expect((error as {hint: string}).hint).toMatch(/did you mean essential-0/)
    }
  })

  it('finds the smallest plan that fits, skipping retired plans', () => {
    const tiers = ['essential', 'standard']
    expect(smallestPlanFitting(t, 17, tiers)?.name).toBe('essential-0')
    expect(smallestPlanFitting(t, 35, tiers)?.name).toBe('essential-2')
    expect(smallestPlanFitting(t, 121, tiers)?.name).toBe('standard-2')
    expect(smallestPlanFitting(t, 450, tiers)?.name).toBe('standard-3')
    expect(smallestPlanFitting(t, 600, tiers)).toBeUndefined()
    expect(smallestPlanFitting(t, 4000, ['advanced'])?.name).toBe('advanced-64g-performance')
    expect(smallestPlanFitting(t, 6000, ['advanced'])).toBeUndefined()
    expect(smallestPlanFitting(t, 10)?.name).toBe('essential-0')
  })
})

describe('a user plan table', () => {
  it('points zod errors at the bad entry', async () => {
    const bad = {name: 'mine', plans: [{confidence: 'confirmed', limit: 50, name: 'small', source: 'ops wiki', tier: 'x'}, {confidence: 'confirmed', limit: -3, name: 'big', source: 'ops wiki', tier: 'x'}]}
    await expect(validatePlanTable(bad, 'plans.json')).rejects.toThrow(/plans\[1\] \(big\)\.limit/)
  })

  it('rejects a plan without a source and duplicate names', async () => {
    await expect(validatePlanTable({name: 'm', plans: [{confidence: 'confirmed', limit: 5, name: 'a', tier: 'x'}]}, 'p.json')).rejects.toThrow(/plans\[0\] \(a\)\.source/)
    const dup = {name: 'm', plans: [1, 2].map(() => ({confidence: 'confirmed', limit: 5, name: 'a', source: 's', tier: 'x'}))}
    await expect(validatePlanTable(dup, 'p.json')).rejects.toThrow(/"a" appears twice/)
  })
})
