/**
 * RQ (rq/cli, v2.10): `rq worker` is one process that forks a work horse per
 * job — one job, one connection at a time. `rq worker-pool -n N` runs N such
 * workers; the CLI's default N is 1 while the docs say 2 (they disagree, so
 * the default is labelled). django-rq's `manage.py rqworker` is `rq worker`, and so is Flask-RQ2's `flask rq
 * worker` (https://github.com/rq/Flask-RQ2/blob/18.3/src/flask_rq2/cli.py, the last release: its `worker` runs rq.cli's worker; Flask-RQ's
 * `flask rq worker` likewise).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, sourced} from '../../model/source.js'
import {PythonProject} from './modules.js'
import {flaskAppEntries} from './app-pools.js'
import {flaskSubcommand, manageInvocation, pythonProgram, scriptRoot} from './program.js'
import {pythonAnalysis} from './server.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isRq} from '../common/matchers.js'

const REF = 'https://python-rq.org/docs/workers/'

export const rq: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args, name} = pythonProgram(ctx.command.argv)
    const manage = manageInvocation(ctx.command.argv)
    const project = new PythonProject(ctx, scriptRoot(manage?.script))
    // Flask-RQ2's `flask rq worker` runs rq.cli's worker in the Flask app's context: the app flask loads is the entry.
    const flask = manage ? undefined : flaskSubcommand(ctx.command.argv)
    const isPool = name === 'rq' && args[0] === 'worker-pool'
    const one = sourced(1, fromDefault('an RQ worker runs one job at a time (in a forked work horse)', REF))
    const n = isPool
      ? firstOf(
          [flagCandidate(numericFlag(args, ['-n', '--num-workers']), 'rq worker-pool -n')],
          sourced(1, fromDefault('rq worker-pool default --num-workers in rq/cli/workers.py', 'https://github.com/rq/rq/blob/master/rq/cli/workers.py'), [assumed('the RQ docs say 2; the CLI source says 1')]),
        )
      : {diagnostics: [], value: one}
    return pythonAnalysis({
      ctx,
      diagnostics: n.diagnostics,
      entries: manage?.script ? [manage.script] : flask?.name === 'rq' ? flaskAppEntries(ctx, project, flask.app) : [],
      processes: n.value,
      project,
      server: isPool ? 'rq-worker-pool' : 'rq',
      threads: one,
    })
  },
  id: 'rq',
  matches: isRq,
}
