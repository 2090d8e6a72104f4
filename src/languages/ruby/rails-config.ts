/**
 * `config.<namespace>.<key> = value` settings in a Rails app's own config
 * (`config.good_job.max_threads = 4`, `config.solid_queue.connects_to = …`),
 * and the hash form `config.good_job = {max_threads: 4}`. Files are read in the
 * order Rails runs them — config/application.rb, config/environments/<env>.rb,
 * then the initializers named — so a later assignment wins, as it does at boot.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {type DslCall, type EvalValue} from './evaluate.js'
import {loadRubyConfig} from './ruby-server.js'
import type {AnalyzerContext} from '../common/types.js'
import {append} from '../../util/arrays.js'

export interface RailsSetting {
  /** Inside an `if` conncalc could not decide. */
  conditional: boolean
  file: string
  line: number
  value: EvalValue
}

export interface RailsSettings {
  diagnostics: Diagnostic[]
  /** Which of the files exist and were read. */
  files: string[]
  settings: Map<string, RailsSetting>
}

/** Every call, blocks included, in source order. */
function* allCalls(calls: readonly DslCall[]): Generator<DslCall> {
  for (const c of calls) {
    yield c
    if (c.blockBody) yield* allCalls(c.blockBody)
  }
}

/** `config.good_job`, `Rails.application.config.good_job`, `app.config.good_job`. */
const isNamespace = (receiver: string | undefined, ns: string): boolean =>
  receiver !== undefined && (receiver === `config.${ns}` || receiver.endsWith(`.config.${ns}`))
const isConfig = (receiver: string | undefined): boolean => receiver !== undefined && (receiver === 'config' || receiver.endsWith('.config'))

export async function railsSettings(ctx: AnalyzerContext, ns: string, initializers: readonly string[]): Promise<RailsSettings> {
  const diagnostics: Diagnostic[] = []
  const files: string[] = []
  const settings = new Map<string, RailsSetting>()
  const paths = ['config/application.rb', `config/environments/${ctx.appEnv}.rb`, ...initializers]
  for (const path of paths) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) continue
    files.push(path)
    append(diagnostics, config.diagnostics)
    // Named from the app root (a reader scoped to a folder, `cd backend` or a Rails app in demo/, reads `path` there).
    const file = ctx.files.read(path)?.path ?? path
    for (const c of allCalls(config.calls)) {
      if (isNamespace(c.receiver, ns) && c.name.endsWith('=') && c.args[0]) {
        settings.set(c.name.slice(0, -1), {conditional: c.conditional, file, line: c.line, value: c.args[0]})
      } else if (isConfig(c.receiver) && c.name === `${ns}=`) {
        for (const [key, value] of Object.entries(c.kwargs)) settings.set(key, {conditional: c.conditional, file, line: value.line, value})
      }
    }
  }

  return {diagnostics, files, settings}
}

/**
 * A top-level `config.<key> = value` (`config.eager_load = true`) in config/application.rb then
 * config/environments/<env>.rb, the later one winning as at boot; undefined when neither sets it.
 */
export async function railsTopSetting(ctx: AnalyzerContext, key: string): Promise<RailsSetting | undefined> {
  let found: RailsSetting | undefined
  for (const path of ['config/application.rb', `config/environments/${ctx.appEnv}.rb`]) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) continue
    const file = ctx.files.read(path)?.path ?? path
    for (const c of allCalls(config.calls)) {
      if (c.receiver === 'config' && c.name === `${key}=` && c.args[0]) found = {conditional: c.conditional, file, line: c.line, value: c.args[0]}
    }
  }

  return found
}
