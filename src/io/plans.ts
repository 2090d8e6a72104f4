import type {PlanTable} from '../model/plan.js'
import {readFileSync} from 'node:fs'

import {InputError} from '../util/errors.js'
import {validatePlanTable} from '../platform/plans.js'
// Bundled into dist/main.js at build time: no file to find or read at run time.
import builtin from '../../plans/heroku-postgres.json' with {type: 'json'}

export const BUILTIN_PLANS_FILE = 'plans/heroku-postgres.json'

/**
 * The built-in table ships with conncalc and is checked against the zod schema
 * by the test suite (test/plans.test.ts), so loading it skips zod — that keeps
 * every run fast. A user's --plans-file is always validated with zod.
 */
export function loadBuiltinPlans(): PlanTable {
  return {...(builtin as Omit<PlanTable, 'path'>), path: BUILTIN_PLANS_FILE}
}

export async function loadPlansFile(path: string): Promise<PlanTable> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(
      code === 'ENOENT' ? `plans file not found: ${path}` : `cannot read plans file ${path} (${code ?? 'error'})`,
      'pass --plans-file PATH to a JSON or YAML plan table',
    )
  }

  let data: unknown
  try {
    if (/\.ya?ml$/i.test(path)) {
      const {parse} = await import('yaml')
      data = parse(text, {maxAliasCount: 50})
    } else {
      data = JSON.parse(text)
    }
  } catch (error) {
    throw new InputError(`plans file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`)
  }

  return validatePlanTable(data, path)
}
