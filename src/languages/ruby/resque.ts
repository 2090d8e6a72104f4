/**
 * Resque via its rake tasks (lib/resque/tasks.rb): `resque:work` runs one
 * worker process; `resque:workers` runs COUNT of them. Each worker forks a
 * child per job and handles one job at a time, so 1 thread per process.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFlag, sourced} from '../../model/source.js'
import {findCalls} from './evaluate.js'
import {forkFacts, loadRubyConfig, type RubyHook} from './ruby-server.js'
import {bootQueries, forkingParentExtra} from './boot-connection.js'
import {type Candidate, envCandidate, firstOf} from '../common/setting.js'
import {isResque, resqueTask} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'

const REF = 'https://github.com/resque/resque/blob/master/lib/resque/tasks.rb'
const HOOKS_REF = 'https://github.com/resque/resque/blob/master/docs/HOOKS.md'

/** Where Rails apps put Resque's fork hooks (the README's resque:setup task, or an initializer). */
export const RESQUE_HOOK_FILES = ['config/initializers/resque.rb', 'lib/tasks/resque.rake']

/** `Resque.before_fork do … end` / `Resque.after_fork = proc { … }`, anywhere in those files (inside `task "resque:setup"` too). */
async function resqueHooks(ctx: AnalyzerContext): Promise<{diagnostics: Diagnostic[]; file?: string; hooks: RubyHook[]}> {
  const diagnostics: Diagnostic[] = []
  const hooks: RubyHook[] = []
  let first: string | undefined
  for (const path of RESQUE_HOOK_FILES) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) continue
    first ??= path
    append(diagnostics, config.diagnostics)
    for (const name of ['before_fork', 'after_fork']) {
      for (const c of [...findCalls(config.calls, name, true), ...findCalls(config.calls, `${name}=`, true)]) {
        if (c.receiver === 'Resque' && c.blockBody) hooks.push({body: c.blockBody, file: path, line: c.line, name: `Resque.${name}`})
      }
    }
  }

  return {diagnostics, file: first, hooks}
}


/** `rake resque:workers COUNT=3`: rake turns VAR=value arguments into env vars. */
function countArgument(argv: readonly string[]): Candidate {
  const arg = argv.findLast((a) => a.startsWith('COUNT='))
  if (!arg) return {diagnostics: []}
  const n = /^COUNT=(\d+)$/.exec(arg)
  if (n) return {diagnostics: [], value: sourced(Number(n[1]), fromFlag(arg))}
  return {diagnostics: [{code: 'unknown-config-value', file: 'Procfile', message: `cannot read the worker count from \`${arg}\``, severity: 'warning'}]}
}

export const resque: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    let processes = sourced(1, fromDefault('`rake resque:work` runs one worker process', REF))
    const diagnostics: Diagnostic[] = []
    if (resqueTask(argv) === 'resque:workers') {
      const count = firstOf([countArgument(argv), envCandidate(ctx.env, ['COUNT'], 'Resque COUNT')], processes)
      append(diagnostics, count.diagnostics)
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

    // Each worker loads the app, then forks a child per job (unless FORK_PER_JOB=false).
    const hooks = await resqueHooks(ctx)
    append(diagnostics, hooks.diagnostics)
    const noFork = ctx.env.get('FORK_PER_JOB')
    const fork = forkFacts({
      // A Resque worker loads the app through rake, not config.ru.
      bootQueries: noFork?.value === 'false' ? [] : await bootQueries(ctx, {rackup: false}),
      childHookNames: ['Resque.after_fork'],
      file: hooks.file ?? RESQUE_HOOK_FILES[0],
      forks:
        noFork?.value === 'false'
          ? sourced(false, noFork.source)
          : sourced(true, fromDefault('a Resque worker forks a child for every job', HOOKS_REF)),
      hooks: hooks.hooks,
      parent: 'Resque worker',
      parentHookNames: ['Resque.before_fork'],
      preload: argv.includes('environment')
        ? sourced(true, fromFlag('environment'))
        : sourced(true, assumed('a Rails app\'s Resque worker loads it before forking (`task "resque:setup" => :environment`)')),
    })
    // Every worker process is a parent here, so its kept connection counts per process.
    const parentExtra = forkingParentExtra(ctx, fork)
    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      ...(parentExtra ? {extrasPerProcess: [parentExtra]} : {}),
      fork,
      language: 'ruby',
      processesPerDyno: processes,
      server: 'resque',
      threadsPerProcess: sourced(1, fromDefault('a Resque worker runs one job at a time', REF)),
      ...(ctx.versions.resque ? {versions: {resque: ctx.versions.resque}} : {}),
    }
  },
  id: 'resque',
  matches: isResque,
}
