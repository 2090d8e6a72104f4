import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {InputError} from '../errors.js'
import {type PlanTable, validatePlanTable} from '../plans/table.js'

export const BUILTIN_PLANS_PATH = fileURLToPath(new URL('../../plans/heroku-postgres.json', import.meta.url))

/**
 * The built-in table ships with conncalc and is checked against the zod schema
 * by the test suite (test/plans.test.ts), so loading it skips zod — that keeps
 * every run fast. A user's --plans-file is always validated with zod.
 */
export function loadBuiltinPlans(): PlanTable {
  const data = JSON.parse(readFileSync(BUILTIN_PLANS_PATH, 'utf8')) as Omit<PlanTable, 'path'>
  return {...data, path: 'plans/heroku-postgres.json'}
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
