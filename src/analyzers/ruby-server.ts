/**
 * What Puma and Unicorn share: reading their Ruby config file with the safe
 * evaluator, and the facts later rules need (preload_app, fork hooks).
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {Sourced} from '../model/source.js'
import {type DslCall, evaluateRubyConfig, type RubyConfig} from '../ruby/evaluate.js'
import {processorsFor} from './dyno.js'
import type {AnalyzerContext, ServerAnalysis} from './types.js'

/** A block hook in a server config: `on_worker_boot do … end`, `before_fork do |server, worker| … end`. */
export interface RubyHook {
  /** The calls inside the block (e.g. `ActiveRecord::Base.establish_connection`). */
  body: DslCall[]
  file: string
  line: number
  name: string
}

/** Facts a forking Ruby server reports in `ServerAnalysis.facts`. */
export interface RubyServerFacts {
  configFile?: string
  hooks: RubyHook[]
  /** Whether the app is loaded in the master before forking. */
  preloadApp: Sourced<boolean>
}

export function rubyServerFacts(analysis: ServerAnalysis): RubyServerFacts | undefined {
  const f = analysis.facts as Partial<RubyServerFacts> | undefined
  return f && Array.isArray(f.hooks) && f.preloadApp ? (f as RubyServerFacts) : undefined
}

/** Hooks are the top-level calls that carry a block. */
export function hooksOf(config: RubyConfig | undefined): RubyHook[] {
  if (!config) return []
  return config.calls
    .filter((c) => c.blockBody !== undefined && c.receiver === undefined)
    .map((c) => ({body: c.blockBody!, file: config.file, line: c.line, name: c.name}))
}

export function missingConfig(path: string, flag: string): Diagnostic {
  return {
    code: 'missing-config',
    file: path,
    message: `${path} (from \`${flag}\`) does not exist; the server would fail to boot, conncalc uses the defaults`,
    severity: 'error',
  }
}

/** Read and evaluate a Ruby config file; undefined when it does not exist. */
export async function loadRubyConfig(ctx: AnalyzerContext, path: string, appEnv: string): Promise<RubyConfig | undefined> {
  const file = ctx.files.read(path)
  return file ? evaluateRubyConfig(file, ctx.env, appEnv, {processors: processorsFor(ctx)}) : undefined
}
