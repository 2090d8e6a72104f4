import type {ScaleChange, ScaleResult} from '../model/scale.js'
import type {ProcessBudget} from '../model/budget.js'
import {UsageError} from '../util/errors.js'
import {parseScaleSpec} from '../platform/formation.js'
import {fromFlag, isAssumption} from '../model/source.js'
import {runPlan} from './plan.js'
import {type InputFlags, resolveRequest} from './request.js'

/**
 * `conncalc scale web=10 worker=3`: the budget of the formation as it is (config
 * file, app.json, --scale) and as `heroku ps:scale` with the same arguments would
 * leave it (types not named keep their dynos).
 */
export async function runScale(flags: InputFlags, args: string[]): Promise<ScaleResult> {
  const specs = args.flatMap((a) => a.split(/[\s,]+/)).filter(Boolean)
  if (specs.length === 0) {
    throw new UsageError('say how to scale, as heroku ps:scale takes it', 'e.g. conncalc scale web=4 worker=2, or web=2:standard-2x')
  }

  // Check the arguments first, so errors name them as the user typed them.
  for (const spec of specs) if (!RELATIVE.test(spec)) parseScaleSpec(spec, {hint: SCALE_ARGS_HINT, label: spec, source: fromFlag(spec)})

  const before = await runPlan(await resolveRequest(flags))
  // A type the app does not run, named as the user typed it (not as the --scale it becomes).
  for (const spec of specs) {
    const type = RELATIVE.exec(spec)?.[1] ?? spec.slice(0, spec.indexOf('='))
    const rows = before.report.budget.processTypes
    if (!rows.some((p) => p.name === type)) throw new UsageError(`${spec}: no process type ${type} in ${before.typesFrom}`, `process types in ${before.typesFrom}: ${[...new Set(rows.map((p) => p.name))].join(', ')}`)
  }

  const after = await runPlan(await resolveRequest(flags, specs.map((spec) => absolute(spec, before.report.budget.processTypes))))
  const key = (p: ProcessBudget): string => `${p.model.app ?? ''}\u0000${p.name}`
  const old = new Map(before.report.budget.processTypes.map((p) => [key(p), p]))
  const changes = after.report.budget.processTypes.map((p): ScaleChange => {
    const was = old.get(key(p))
    const connectionsBefore = was?.connections ?? 0
    const sizeBefore = was?.model.size?.value ?? null
    const sizeAfter = p.model.size?.value ?? null
    return {
      app: p.model.app ?? null,
      changed: was === undefined || was.dynos !== p.dynos || sizeBefore !== sizeAfter || was.connections !== p.connections,
      connectionsAfter: p.connections,
      connectionsBefore,
      delta: p.connections - connectionsBefore,
      dynosAfter: p.dynos,
      dynosBefore: was?.dynos ?? 0,
      processType: p.name,
      role: p.role,
      sizeAfter,
      sizeBefore,
    }
  })
  return {after, before, changes}
}

const SCALE_ARGS_HINT = 'use TYPE=QUANTITY[:SIZE] as heroku ps:scale takes it, e.g. conncalc scale web=2 worker=1, web=2:standard-2x, or web=2..10 for an autoscaling range'

/** `web+1`, `worker-2`: as heroku ps:scale takes them, against the formation as it is. */
const RELATIVE = /^([\w-]+)([+-])(\d+)$/

/**
 * A relative change as the dynos it leaves (`web+1` with web=2 → web=3, the size
 * kept), from the formation --scale, the config file or app.json gave; a type whose
 * count conncalc only assumed has nothing to add to.
 */
function absolute(spec: string, rows: readonly ProcessBudget[]): string {
  const m = RELATIVE.exec(spec)
  if (!m) return spec
  const [, type, sign, n] = m
  const matches = rows.filter((p) => p.name === type)
  if (matches.length === 0) {
    throw new UsageError(`${spec}: no process type ${type}`, `the app runs ${rows.map((p) => p.name).join(', ')}`)
  }

  const row = matches[0]
  if (matches.length > 1 || isAssumption(row.model.dynos) || row.model.dynoRange !== undefined) {
    const why = matches.length > 1 ? `several apps run ${type}` : isAssumption(row.model.dynos) ? `the formation does not say how many ${type} dynos run now` : `${type} is an autoscaling range`
    throw new UsageError(`${spec}: relative changes need the current formation, and ${why}`, `give it with --scale (e.g. --scale ${type}=2) or in conncalc.yml, or give the number of dynos: ${type}=3`)
  }

  const dynos = row.dynos + (sign === '+' ? 1 : -1) * Number(n)
  if (dynos < 0) throw new UsageError(`${spec}: ${type} runs ${row.dynos} dynos; ${dynos} is below zero`, `e.g. ${type}=0 stops it`)
  return `${type}=${dynos}${row.model.size ? `:${row.model.size.value}` : ''}`
}
