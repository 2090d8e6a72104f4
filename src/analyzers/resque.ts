/**
 * Resque via its rake tasks (lib/resque/tasks.rb): `resque:work` runs one
 * worker process; `resque:workers` runs COUNT of them. Each worker forks a
 * child per job and handles one job at a time, so 1 thread per process.
 */
import {fromDefault, fromFlag, sourced} from '../model/source.js'
import {type Candidate, envCandidate, firstOf, programName} from './setting.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from './types.js'

const REF = 'https://github.com/resque/resque/blob/master/lib/resque/tasks.rb'
const TASKS = new Set(['resque:work', 'resque:workers'])

const task = (argv: readonly string[]): string | undefined => argv.slice(1).find((a) => TASKS.has(a))

/** `rake resque:workers COUNT=3`: rake turns VAR=value arguments into env vars. */
function countArgument(argv: readonly string[]): Candidate {
  const arg = argv.findLast((a) => a.startsWith('COUNT='))
  if (!arg) return {diagnostics: []}
  const n = /^COUNT=(\d+)$/.exec(arg)
  if (n) return {diagnostics: [], value: sourced(Number(n[1]), fromFlag(arg))}
  return {diagnostics: [{code: 'unknown-config-value', file: 'Procfile', message: `cannot read the worker count from \`${arg}\``, severity: 'warning'}]}
}

export const resque: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const {argv} = ctx.command
    let processes = sourced(1, fromDefault('`rake resque:work` runs one worker process', REF))
    const diagnostics = []
    if (task(argv) === 'resque:workers') {
      const count = firstOf([countArgument(argv), envCandidate(ctx.env, ['COUNT'], 'Resque COUNT')], processes)
      diagnostics.push(...count.diagnostics)
      if (count.value === processes) {
        // tasks.rb aborts when COUNT < 1: the dyno would crash, not run one worker.
        diagnostics.push({
          code: 'unresolved-env',
          file: 'Procfile',
          fix: 'Set COUNT on the Procfile line (`COUNT=2 bundle exec rake resque:workers`) or with --env.',
          message: '`rake resque:workers` needs COUNT, which is not set anywhere (Resque aborts without it); counting 1 worker',
          severity: 'warning' as const,
        })
      }

      processes = count.value
    }

    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      language: 'ruby',
      processesPerDyno: processes,
      server: 'resque',
      threadsPerProcess: sourced(1, fromDefault('a Resque worker runs one job at a time', REF)),
      ...(ctx.versions.resque ? {versions: {resque: ctx.versions.resque}} : {}),
    }
  },
  id: 'resque',
  matches(cmd: ParsedCommand): boolean {
    return ['rake', 'rails'].includes(programName(cmd.argv[0])) && task(cmd.argv) !== undefined
  },
}
