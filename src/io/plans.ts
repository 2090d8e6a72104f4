import type {PlanTable} from '../model/plan.js'

import {InputError} from '../util/errors.js'
import {validatePlanTable} from '../platform/plans.js'
import {jsonSyntaxError} from '../util/json-lines.js'
import {parseYaml} from '../util/yaml.js'
import {syntaxError} from './config.js'
import {readTextFile, whyNotText} from './files.js'
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
  // readTextFile: a FIFO or device is refused before it is opened, and the size is capped.
  const file = readTextFile(path)
  if (file.kind !== 'text') {
    throw new InputError(file.kind === 'missing' ? `plans file not found: ${path}` : `cannot read plans file ${path} (${whyNotText(file)})`, 'pass --plans-file PATH to a JSON or YAML plan table')
  }

  const {text} = file
  const yaml = /\.ya?ml$/i.test(path)
  // JSON is YAML: the YAML parser gives every key's line, for the schema's messages, in both.
  const parsed = parseYaml(text, path)
  const json = yaml ? undefined : jsonSyntaxError(text)
  const errors = json ? [json] : yaml ? parsed.errors : []
  if (errors.length > 0) throw syntaxError(path, yaml ? 'YAML' : 'JSON', errors, 'plans file', 'fix the file, or leave --plans-file out to use the built-in table')
  return validatePlanTable(parsed.value, path, (at) => parsed.lineOf(at))
}
