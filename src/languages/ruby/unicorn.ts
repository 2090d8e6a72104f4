/**
 * Unicorn: `worker_processes` forked, single-threaded workers (1 connection
 * each). The config file is the one given with -c.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {HANDED_TO_CODE, lastCall, truthy} from './evaluate.js'
import {forkFacts, hooksOf, loadRubyConfig, missingConfig, type RubyServerFacts} from './ruby-server.js'
import {bootQueries, forkingParentExtra} from './boot-connection.js'
import {appPath, findFlag, firstOf, programName, rubyCandidate, rubyEnvironment} from '../common/setting.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'

const REF = 'https://yhbt.net/unicorn.git/tree/lib/unicorn/configurator.rb'

export const unicorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    const diagnostics: Diagnostic[] = []
    const environment = rubyEnvironment(ctx, findFlag(argv, ['-E', '--env'], ctx.command)?.value)
    const configFlag = findFlag(argv, ['-c', '--config-file'], ctx.command)
    // Unicorn reads a config file only when given -c; a config/unicorn.rb that
    // is never passed is read anyway, but its values are labelled an assumption.
    const implicit = !configFlag && ctx.files.exists('config/unicorn.rb')
    const path = configFlag ? appPath(configFlag.value) : (implicit ? 'config/unicorn.rb' : undefined)
    const config = path ? await loadRubyConfig(ctx, path, environment) : undefined
    if (configFlag && path && !ctx.files.exists(path)) diagnostics.push(missingConfig(configFlag.value, configFlag.written))
    if (config) append(diagnostics, config.diagnostics)
    const notPassed = implicit ? [assumed('config/unicorn.rb is not passed with -c on the command line; read as if it were')] : []

    const call = config && lastCall(config, 'worker_processes')
    const workers = firstOf(
      [config && call ? rubyCandidate(call.args[0], config.file, call.line, 'Unicorn worker_processes') : {diagnostics: []}],
      sourced(1, fromDefault('Unicorn default worker_processes', REF)),
    )
    append(diagnostics, workers.diagnostics)
    // The config hands itself to other code (`GovukUnicorn.configure(self)`, which sets worker_processes): the default is assumed.
    const handed = config?.diagnostics.find((x) => x.message.includes(HANDED_TO_CODE))
    if (handed && workers.value.source.kind === 'default') {
      const why = `${handed.file}:${handed.line} hands the config to code conncalc cannot read, which may set this; the default is assumed`
      workers.value = sourced(workers.value.value, assumed(why), [workers.value.source, ...(workers.value.via ?? [])])
    }

    const processes: Sourced<number> =
      implicit && workers.value.source.kind === 'file' ? {...workers.value, via: [...(workers.value.via ?? []), ...notPassed]} : workers.value

    const preload = config && lastCall(config, 'preload_app')
    const facts: RubyServerFacts = {
      configFile: config?.file,
      hooks: hooksOf(config),
      preloadApp:
        config && preload
          ? sourced(preload.args[0]?.kind === 'known' && truthy(preload.args[0].value), fromFile(config.file, preload.line), notPassed)
          : sourced(false, fromDefault('Unicorn default preload_app false', REF)),
    }

    // The master always forks its workers; with preload_app the app (and AR) is loaded first.
    const fork = forkFacts({
      bootQueries: facts.preloadApp.value ? await bootQueries(ctx) : [],
      childHookNames: ['after_fork'],
      file: config?.file ?? 'config/unicorn.rb',
      forks: sourced(true, fromDefault('the Unicorn master forks worker_processes workers', REF)),
      hooks: facts.hooks,
      parent: 'Unicorn master',
      parentHookNames: ['before_fork'],
      preload: facts.preloadApp,
    })
    const parentExtra = forkingParentExtra(ctx, fork)
    return {
      diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
      ...(parentExtra ? {extrasPerDyno: [parentExtra]} : {}),
      facts: {...facts},
      fork,
      language: 'ruby',
      processesPerDyno: processes,
      server: 'unicorn',
      threadsPerProcess: sourced(1, fromDefault('Unicorn workers are single-threaded', REF)),
      ...(ctx.versions.unicorn ? {versions: {unicorn: ctx.versions.unicorn}} : {}),
    }
  },
  id: 'unicorn',
  matches(cmd: ParsedCommand): boolean {
    const p = programName(cmd.argv[0])
    return p === 'unicorn' || p === 'unicorn_rails'
  },
}
