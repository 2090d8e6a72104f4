/**
 * Dramatiq (dramatiq/cli.py, v2.2): --processes defaults to the CPU count (8
 * on a Standard dyno), --threads to 8: up to 64 connections per dyno with a
 * connection per thread.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from './types.js'

import {assumed, fromDefault, sourced, type Sourced} from '../model/source.js'
import {entryFiles} from '../python/app-pools.js'
import {PythonProject} from '../python/modules.js'
import {pythonProgram} from '../python/program.js'
import {cpuCountWarning} from '../platform/cpu-count.js'
import {pythonAnalysis} from '../python/server.js'
import {positionals} from './gunicorn.js'
import {findFlag, firstOf, flagCandidate} from './setting.js'

const REF = 'https://github.com/Bogdanp/dramatiq/blob/master/dramatiq/cli.py'

function cpuDefault(ctx: AnalyzerContext): Sourced<number> {
  const what = fromDefault('Dramatiq default --processes: multiprocessing.cpu_count()', REF)
  const n = ctx.dyno?.nproc
  return n ? sourced(n.value, what, [n.source, ...(n.via ?? [])]) : sourced(8, what, [assumed('dyno CPU count unknown; 8, as on Standard dynos')])
}

export const dramatiq: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const processes = firstOf([flagCandidate(findFlag(args, ['-p', '--processes']), 'Dramatiq processes')], cpuDefault(ctx))
    const threads = firstOf([flagCandidate(findFlag(args, ['-t', '--threads']), 'Dramatiq threads')], sourced(8, fromDefault('Dramatiq default --threads', REF)))
    const modules = positionals(args.filter((a) => !/^-[pt]\d+$/.test(a))).filter((a) => !/^\d+$/.test(a))
    return pythonAnalysis({
      ctx,
      diagnostics: [
        ...processes.diagnostics,
        ...threads.diagnostics,
        ...cpuCountWarning(ctx, processes.value, 'Dramatiq processes', `pass --processes N to dramatiq (e.g. --processes 2 on a ${ctx.dyno?.name ?? 'Standard'} dyno)`),
      ],
      entries: entryFiles(project, modules.map((m) => m.split(':')[0])),
      processes: processes.value,
      project,
      server: 'dramatiq',
      threads: threads.value,
    })
  },
  id: 'dramatiq',
  matches: (cmd) => pythonProgram(cmd.argv).name === 'dramatiq',
}
