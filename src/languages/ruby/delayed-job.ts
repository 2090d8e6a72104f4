/**
 * Delayed Job (https://github.com/collectiveidea/delayed_job): single-threaded
 * workers, one connection each. `rake jobs:work` runs one worker in the
 * foreground; `script/delayed_job` (or bin/delayed_job) runs `-n N` workers, or
 * with `--pool=queues:N` (repeatable) the sum of the pools' counts, which then
 * replace -n (lib/delayed/command.rb). The daemon forks its workers after loading
 * the app and delayed_job_active_record re-establishes the connection in each.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {fromDefault, fromFlag, sourced, type Sourced} from '../../model/source.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isDelayedJob, isDelayedJobDaemon} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'

const COMMAND = 'https://github.com/collectiveidea/delayed_job/blob/master/lib/delayed/command.rb'
const README = 'https://github.com/collectiveidea/delayed_job#running-jobs'


/** Every `--pool=queues:N` (N defaults to 1), summed. */
function pools(argv: readonly string[]): {diagnostics: Diagnostic[]; value?: Sourced<number>} {
  const written: string[] = []
  let total = 0
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = a.startsWith('--pool=') ? a.slice('--pool='.length) : a === '--pool' ? argv[i + 1] : undefined
    if (value === undefined) continue
    written.push(`--pool=${value}`)
    const count = value.includes(':') ? value.split(':').pop()! : '1'
    if (!/^\d+$/.test(count)) {
      return {diagnostics: [{code: 'unknown-config-value', file: 'Procfile', message: `cannot read the worker count from \`--pool=${value}\``, severity: 'warning'}]}
    }

    total += Number(count)
  }

  return written.length === 0 ? {diagnostics: []} : {diagnostics: [], value: sourced(total, fromFlag(written.join(' ')))}
}

export const delayedJob: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const {argv} = ctx.command
    const version = ctx.versions.delayed_job
    const diagnostics: Diagnostic[] = []
    let processes = sourced(1, fromDefault('`rake jobs:work` runs one worker', README))
    if (isDelayedJobDaemon(argv[0])) {
      const count = firstOf(
        [pools(argv), flagCandidate(numericFlag(argv, ['-n', '--number_of_workers', '--number-of-workers']), 'Delayed Job workers')],
        sourced(1, fromDefault('script/delayed_job runs one worker without -n', COMMAND)),
      )
      append(diagnostics, count.diagnostics)
      processes = count.value
    }

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      processesPerDyno: processes,
      server: 'delayed_job',
      threadsPerProcess: sourced(1, fromDefault('a Delayed Job worker runs one job at a time', README)),
      ...(version ? {versions: {delayed_job: version}} : {}),
    }
  },
  id: 'delayed_job',
  matches: isDelayedJob,
}
