import {type PlanOptions, runPlan} from '../../src/plan.js'
import {exitCodeFor, type FailOn, toJson} from '../../src/report.js'

/** `conncalc plan` on a fixture app, as the command runs it: the report, its JSON, codes and exit code. */
export async function planFixture(app: string, opts: Partial<PlanOptions> = {}) {
  const failOn: FailOn = opts.failOn ?? 'error'
  const {report} = await runPlan({env: [], envFiles: [], failOn, procfile: `test/fixtures/${app}/Procfile`, scale: [], warnAt: 0.8, ...opts})
  const json = toJson(report)
  const type = (name: string) => {
    const t = json.processTypes.find((p) => p.name === name)
    if (!t) throw new Error(`no process type ${name} in ${app}`)
    return t
  }

  return {
    codes: report.diagnostics.map((d) => d.code),
    diagnostics: report.diagnostics,
    exit: exitCodeFor(report, failOn),
    json,
    report,
    type,
  }
}
