/**
 * Dramatiq (dramatiq/cli.py, v2.2): --processes defaults to the CPU count (8
 * on a Standard dyno), --threads to 8: up to 64 connections per dyno with a
 * connection per thread. django_dramatiq's `manage.py rundramatiq` passes its
 * own defaults: the CPU count for both (management/commands/rundramatiq.py).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, type Source, sourced, type Sourced} from '../../model/source.js'
import {entryFiles} from './app-pools.js'
import {PythonProject} from './modules.js'
import {manageInvocation, pythonProgram, scriptRoot} from './program.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {pythonAnalysis} from './server.js'
import {positionals} from './gunicorn.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isDramatiq} from '../common/matchers.js'

const REF = 'https://github.com/Bogdanp/dramatiq/blob/master/dramatiq/cli.py'
const DJANGO_REF = 'https://github.com/Bogdanp/django_dramatiq/blob/master/django_dramatiq/management/commands/rundramatiq.py'

function cpuDefault(ctx: AnalyzerContext, what: Source): Sourced<number> {
  const n = ctx.dyno?.nproc
  return n ? sourced(n.value, what, [n.source, ...(n.via ?? [])]) : sourced(8, what, [assumed('dyno CPU count unknown; 8, as on Standard dynos')])
}

export const dramatiq: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const manage = manageInvocation(ctx.command.argv)
    const args = manage?.args ?? pythonProgram(ctx.command.argv).args
    const project = new PythonProject(ctx, scriptRoot(manage?.script))
    const processes = firstOf(
      [flagCandidate(numericFlag(args, ['-p', '--processes']), 'Dramatiq processes')],
      cpuDefault(ctx, manage ? fromDefault('django_dramatiq rundramatiq default --processes: multiprocessing.cpu_count()', DJANGO_REF) : fromDefault('Dramatiq default --processes: multiprocessing.cpu_count()', REF)),
    )
    const threads = firstOf(
      [flagCandidate(numericFlag(args, ['-t', '--threads']), 'Dramatiq threads')],
      manage ? cpuDefault(ctx, fromDefault('django_dramatiq rundramatiq default --threads: multiprocessing.cpu_count()', DJANGO_REF)) : sourced(8, fromDefault('Dramatiq default --threads', REF)),
    )
    const modules = manage?.script ? [manage.script] : positionals(args.filter((a) => !/^-[pt]\d+$/.test(a))).filter((a) => !/^\d+$/.test(a))
    return pythonAnalysis({
      ctx,
      diagnostics: [
        ...processes.diagnostics,
        ...threads.diagnostics,
        ...cpuCountWarning(ctx, processes.value, 'Dramatiq processes', `pass --processes N to dramatiq (e.g. --processes 2 on a ${ctx.dyno?.name ?? 'Standard'} dyno)`),
      ],
      entries: manage?.script ? modules : entryFiles(project, modules.map((m) => m.split(':')[0])),
      processes: processes.value,
      project,
      server: 'dramatiq',
      threads: threads.value,
    })
  },
  id: 'dramatiq',
  matches: isDramatiq,
}
