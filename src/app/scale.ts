import type {ScaleChange, ScaleResult} from '../model/scale.js'
import type {ProcessBudget} from '../model/budget.js'
import {UsageError} from '../util/errors.js'
import {parseScaleSpec} from '../platform/formation.js'
import {fromFlag} from '../model/source.js'
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
  for (const spec of specs) parseScaleSpec(spec, {label: spec, source: fromFlag(spec)})

  const before = await runPlan(await resolveRequest(flags))
  const after = await runPlan(await resolveRequest(flags, specs))
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
