import type {Plan, PlanTable} from '../model/plan.js'
import type {Source} from '../model/source.js'

import {closest, didYouMean} from '../util/did-you-mean.js'
import {InputError, UsageError} from '../util/errors.js'
import {missingOrEmpty} from '../util/schema-words.js'

/** The zod schema of a plan table; zod is loaded only when a table is validated. */
export async function planTableSchema() {
  const {z} = await import('zod')
  const plan = z.strictObject({
    aliases: z.array(z.string().min(1)).optional(),
    confidence: z.enum(['confirmed', 'secondary', 'derived', 'unconfirmed']),
    limit: z.number().int().positive(),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'plan names are lower-case letters, digits and dashes'),
    note: z.string().optional(),
    source: z.string().min(1, 'every plan needs a source'),
    tier: z.string().min(1),
  })
  return z.strictObject({
    $schema: z.string().optional(),
    description: z.string().optional(),
    name: z.string().min(1),
    plans: z.array(plan).min(1),
  })
}

/**
 * Validate a parsed plan table. Errors name the entry: `plans[3] (standard-9).limit: …`.
 * Throws InputError (exit 2).
 */
export async function validatePlanTable(data: unknown, path: string, lineOf?: (at: ReadonlyArray<number | string>) => number | undefined): Promise<PlanTable> {
  const schema = await planTableSchema()
  const result = schema.safeParse(data)
  if (!result.success) {
    // Every problem at once, each at the line of the key it is about (the nearest written one).
    const found = result.error.issues.map((issue) => {
      const keys = issue.path.filter((p): p is number | string => typeof p !== 'symbol')
      const at = keys
        .map((p, i) => {
          if (typeof p !== 'number') return `.${String(p)}`
          const name = i === 1 && keys[0] === 'plans' ? (data as {plans: {name?: unknown}[]}).plans[p]?.name : undefined
          return typeof name === 'string' ? `[${p}] (${name})` : `[${p}]`
        })
        .join('')
        .replace(/^\./, '')
      let line: number | undefined
      for (let n = keys.length; n >= 0 && line === undefined; n--) line = n === 0 ? undefined : lineOf?.(keys.slice(0, n))
      return {line: line ?? 1, text: `${at || '(root)'}: ${planIssueText(issue, data, keys)}`}
    })
    found.sort((a, b) => a.line - b.line)
    const lines = found.map((f) => `  ${lineOf ? `${path}:${f.line}: ` : ''}${f.text}`)
    throw new InputError(`invalid plan table ${path}:`, 'each plan needs name, tier, limit, confidence and source', lines)
  }

  const seen = new Set<string>()
  for (const p of result.data.plans) {
    for (const n of [p.name, ...(p.aliases ?? [])]) {
      if (seen.has(n)) throw new InputError(`invalid plan table ${path}: plan name "${n}" appears twice`)
      seen.add(n)
    }
  }

  return {...result.data, path}
}

/** The keys a plan table and each of its plans may have, for the message about one it does not know. */
const TABLE_KEYS = ['$schema', 'description', 'name', 'plans']
const PLAN_KEYS = ['aliases', 'confidence', 'limit', 'name', 'note', 'source', 'tier']

/**
 * zod's words for one problem, in the user's: a key left out is "missing" (zod says `Invalid input: expected string,
 * received undefined`), an unknown key is named with the keys that are known.
 */
function planIssueText(issue: {code: string; expected?: unknown; keys?: string[]; message: string; values?: unknown[]}, data: unknown, keys: ReadonlyArray<number | string>): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const known = keys.length === 0 ? TABLE_KEYS : PLAN_KEYS
    return `unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}; known keys: ${known.join(', ')}`
  }

  const value = keys.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<number | string, unknown>)[k] : undefined), data)
  return missingOrEmpty(issue, value, keys.length === 0, 'a plan table is an object with a name and plans (a list of plans)') ?? issue.message
}

/** `heroku-postgresql:standard-0`, `Standard-0`, ` standard-0 ` → `standard-0`. */
export function normalizePlanName(input: string): string {
  const name = input.trim().toLowerCase()
  return name.startsWith('heroku-postgresql:') ? name.slice('heroku-postgresql:'.length) : name
}

export function findPlan(table: PlanTable, input: string): Plan | undefined {
  const name = normalizePlanName(input)
  return table.plans.find((p) => p.name === name || (p.aliases ?? []).includes(name))
}

/** Like findPlan, but an unknown plan is a usage error naming the closest matches. */
export function requirePlan(table: PlanTable, input: string): Plan {
  const plan = findPlan(table, input)
  if (plan) return plan
  const near = closestPlans(table, normalizePlanName(input), 3)
  throw new UsageError(
    `unknown plan "${input}" in ${table.path}`,
    near.length > 0 ? `${didYouMean(near)} (conncalc plans lists them all)` : 'conncalc plans lists the known plans',
  )
}

export function closestPlans(table: PlanTable, name: string, n: number): string[] {
  // Plan names are short and differ in one digit (standard-0, standard-2): a wider cut-off.
  return closest(name, table.plans.map((p) => ({name: p.name, spellings: p.aliases})), {limit: n, within: Math.max(3, Math.floor(name.length / 2))})
}

export function planSource(table: PlanTable, plan: Plan): Source {
  return {kind: 'plan', plan: plan.name, table: table.path}
}

/** Plans that need labelling as assumptions in the output. */
export const isUnconfirmedPlan = (p: Plan): boolean => p.confidence === 'unconfirmed' || p.confidence === 'secondary'

/** The smallest plan (by limit, then table order) whose limit is at least `needed`. */
export function smallestPlanFitting(table: PlanTable, needed: number, tiers?: string[]): Plan | undefined {
  return table.plans
    .filter((p) => p.limit >= needed && (!tiers || tiers.includes(p.tier)))
    .sort((a, b) => a.limit - b.limit)[0]
}
