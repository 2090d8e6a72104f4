import type {FailOn} from '../../src/model/diagnostic.js'
import {runPlan} from '../../src/app/plan.js'
import {exitCodeFor} from '../../src/app/report.js'
import {toJson} from '../../src/render/json.js'
import {resolveRequest} from '../../src/app/request.js'

interface FixtureOptions {
  assume?: string[]
  appEnv?: string
  env?: string[]
  failOn?: FailOn
  plan?: string
  scale?: string[]
}

/** `conncalc plan` on a fixture app, as the command runs it: the report, its JSON, codes and exit code. */
export async function planFixture(app: string, opts: FixtureOptions = {}) {
  const failOn: FailOn = opts.failOn ?? 'error'
  const request = await resolveRequest({
    assume: opts.assume,
    env: opts.env,
    'fail-on': failOn,
    plan: opts.plan,
    procfile: `test/fixtures/${app}/Procfile`,
    'rails-env': opts.appEnv,
    scale: opts.scale,
  })
  const {report} = await runPlan(request)
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
