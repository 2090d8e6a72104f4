/**
 * Pitchfork (Shopify's fork of Unicorn, `pitchfork -c config/pitchfork.rb`), read as Unicorn is (unicorn.ts, which
 * loads this module only for a `pitchfork` command): `worker_processes` (default 1) single-threaded workers ("No threads
 * are used at all"), forked from a mold process that loads the app (no preload_app setting: the monitor does not load it
 * when reforking is available); its hooks are `after_mold_fork` (in the mold, "similar to a before_fork callback found
 * on other servers") and `after_worker_fork` (in each worker).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, sourced, type Sourced} from '../../model/source.js'
import {lastCall} from './evaluate.js'
import {forkFacts, hooksOf, loadRubyConfig, missingConfig, type RubyServerFacts} from './ruby-server.js'
import {bootQueries, forkingParentExtra} from './boot-connection.js'
import {appPath, findFlag, firstOf, rubyCandidate, rubyEnvironment} from '../common/setting.js'
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'
import {append} from '../../util/arrays.js'

const PITCHFORK = {
  config: 'https://github.com/Shopify/pitchfork/blob/0793562d70e5fbdbbd84d164dc27b734d45f96f4/lib/pitchfork/configurator.rb',
  docs: 'https://github.com/Shopify/pitchfork/blob/0b88fffa1c9432019e75f23ac9b0666101434778/docs/CONFIGURATION.md',
}

/** `pitchfork [-c FILE]`: Unicorn's process model, Pitchfork's defaults and hook names (see the top of this file). */
export async function analyzePitchfork(ctx: AnalyzerContext): Promise<ServerAnalysis> {
  const {argv} = ctx.command
  const diagnostics: Diagnostic[] = []
  const environment = rubyEnvironment(ctx, findFlag(argv, ['-E', '--env'], ctx.command)?.value)
  const configFlag = findFlag(argv, ['-c', '--config-file'], ctx.command)
  // Like Unicorn, Pitchfork reads a config file only when given -c: a config/pitchfork.rb not passed is read, its values assumed.
  const implicit = !configFlag && ctx.files.exists('config/pitchfork.rb')
  const path = configFlag ? appPath(configFlag.value) : implicit ? 'config/pitchfork.rb' : undefined
  const config = path ? await loadRubyConfig(ctx, path, environment) : undefined
  if (configFlag && path && !ctx.files.exists(path)) diagnostics.push(missingConfig(configFlag.value, configFlag.written))
  if (config) append(diagnostics, config.diagnostics)
  const notPassed = implicit ? [assumed('config/pitchfork.rb is not passed with -c on the command line; read as if it were')] : []
  const call = config && lastCall(config, 'worker_processes')
  const workers = firstOf([config && call ? rubyCandidate(call.args[0], config.file, call.line, 'Pitchfork worker_processes') : {diagnostics: []}], sourced(1, fromDefault('Pitchfork default worker_processes (Configurator DEFAULTS)', PITCHFORK.config)))
  append(diagnostics, workers.diagnostics)
  const processes: Sourced<number> = implicit && workers.value.source.kind === 'file' ? {...workers.value, via: [...(workers.value.via ?? []), ...notPassed]} : workers.value
  const preload = sourced(true, fromDefault('Pitchfork forks its workers from a mold process that has loaded the app (it has no preload_app setting)', PITCHFORK.docs))
  const facts: RubyServerFacts = {configFile: config?.file, hooks: hooksOf(config), preloadApp: preload}
  const fork = forkFacts({
    bootQueries: await bootQueries(ctx),
    childHookNames: ['after_worker_fork'],
    file: config?.file ?? 'config/pitchfork.rb',
    forks: sourced(true, fromDefault('the Pitchfork mold forks worker_processes workers', PITCHFORK.docs)),
    hooks: facts.hooks,
    parent: 'Pitchfork mold',
    parentHookNames: ['after_mold_fork'],
    parentIdleAfterFork: true,
    preload,
  })
  const parentExtra = forkingParentExtra(ctx, fork)
  return {
    diagnostics: diagnostics.map((d) => ({...d, processType: ctx.processType})),
    ...(parentExtra ? {extrasPerDyno: [parentExtra]} : {}),
    facts: {...facts},
    fork,
    language: 'ruby',
    processesPerDyno: processes,
    server: 'pitchfork',
    threadsPerProcess: sourced(1, fromDefault('Pitchfork workers are single-threaded ("No threads are used at all")', PITCHFORK.docs)),
    ...(ctx.versions.pitchfork ? {versions: {pitchfork: ctx.versions.pitchfork}} : {}),
  }
}
