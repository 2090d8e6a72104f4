/**
 * A rackup file of its own that loads none of the app's code: `rackup sync.ru` whose file requires only gems
 * (`require "faye"; run Sync.pubsub_app`) runs a Rack app that never loads Rails, ActiveRecord or the app's files, so its
 * process opens no database connection (the pools database.yml describes are the Rails app's). Read with Prism, never
 * run: every require must be a literal gem name that is not an app file and no database library, and the file must name
 * no constant of Rails, ActiveRecord, Sequel or PG nor call Bundler.require (which loads every gem of the Gemfile). Only a
 * file other than config.ru is read so (config.ru is where an app boots itself). geobtaa/geoportal's `puma sidekiq.ru`
 * (`require 'sidekiq'`, `require 'sidekiq/web'`, `run Sidekiq::Web`) is Sidekiq's dashboard alone: 0.
 */
import type {AnalyzerContext} from '../common/types.js'
import {programName} from '../common/setting.js'
import {parseRuby, type RubyNode} from './prism.js'

const RACKUP = 'https://github.com/rack/rack/blob/v2.2.8/lib/rack/builder.rb'
const LOADS = new Set(['autoload', 'eval', 'instance_eval', 'load', 'require', 'require_dependency', 'require_relative'])
const APP_CONSTANTS = /^(?:::)?(?:Rails|ActiveRecord|Sequel|PG|Que|GoodJob)\b/

/** The `.ru` file the command runs, when it names one other than config.ru. */
function rackupFile(argv: readonly string[]): string | undefined {
  const args = programName(argv[0] ?? '') === 'bundle' && argv[1] === 'exec' ? argv.slice(2) : argv
  const program = programName(args[0] ?? '')
  if (!['rackup', 'thin', 'puma', 'unicorn', 'pitchfork', 'falcon', 'iodine'].includes(program)) return undefined
  for (let i = 1; i < args.length; i++) {
    const a = args[i]
    const v = a === '-R' || a === '--rackup' ? args[i + 1] : a.startsWith('--rackup=') ? a.slice(9) : a.endsWith('.ru') && !args[i - 1]?.startsWith('-') ? a : undefined
    if (v?.endsWith('.ru')) return v.replace(/^\.\//, '')
  }

  return undefined
}

export interface StandaloneRackup {
  file: string
  ref: string
  why: string
}

// Answered at once (no Promise) when the command names no rackup file of its own: nearly always (this runs per Ruby type).
export function standaloneRackup(ctx: AnalyzerContext): StandaloneRackup | undefined | Promise<StandaloneRackup | undefined> {
  const file = rackupFile(ctx.command.argv)
  if (!file || file === 'config.ru') return undefined
  const text = ctx.files.read(file)?.text
  if (!text) return undefined
  return standaloneIn(ctx, file, text)
}

async function standaloneIn(ctx: AnalyzerContext, file: string, text: string): Promise<StandaloneRackup | undefined> {
  const parsed = await parseRuby(file, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  const gems: string[] = []
  let loadsApp = false
  const visit = (node: RubyNode): void => {
    if (loadsApp) return
    if ((node instanceof P.ConstantReadNode || node instanceof P.ConstantPathNode) && APP_CONSTANTS.test(parsed.textOf(node))) loadsApp = true
    if (node instanceof P.CallNode) {
      if (node.name === 'require' && node.receiver && parsed.textOf(node.receiver).replace(/^::/, '') === 'Bundler') loadsApp = true
      if (!node.receiver && LOADS.has(node.name)) {
        const arg = node.arguments_?.arguments_[0]
        const name = arg instanceof P.StringNode ? arg.unescaped.value : undefined
        const appFile = name !== undefined && [`${name}.rb`, `lib/${name}.rb`, `config/${name}.rb`, name].some((p) => ctx.files.exists(p.replace(/^\.\//, '')))
        // A database library (not Sidekiq or Resque: they keep their jobs in Redis, and their web UIs, `require "sidekiq/web";
        // run Sidekiq::Web` and resque's Resque::Server, read Redis only; the app's jobs run, and connect, in their workers).
        if (node.name !== 'require' || name === undefined || appFile || /^(?:active_?record|activerecord|pg|sequel|rails|mysql2|sqlite3|trilogy|que|good_job|delayed_job)(?:\/|$)/.test(name)) loadsApp = true
        else gems.push(name)
      }
    }

    for (const c of node.compactChildNodes()) visit(c)
  }

  visit(parsed.program)
  if (loadsApp) return undefined
  return {file, ref: RACKUP, why: `${file} requires only gems (${gems.join(', ') || 'none'}) and none of the app's files, Rails or a database library: the Rack app it runs opens no database connection`}
}

/**
 * A rackup file of its own whose Rack app is a Redis-only dashboard, though it loads the app first:
 * `require './config/environment.rb'; run Sidekiq::Web` (vrtsev/Telegrammer's `sidekiqui: rackup apps/sidekiqui/config.ru`).
 * Sidekiq's Web UI and resque's Resque::Server read Redis only, so the server's request threads never check a
 * database connection out; the process holds what the app's boot opened and kept (boot-connection.ts bootQueries: Sequel
 * connects when it loads, ActiveRecord only when code checks a connection out). Only a file whose one `run` is such a
 * dashboard, with no `map` (another app mounted beside it) and no `use` but Rack's own middleware, is read so.
 */
const DASHBOARDS = new Set(['Sidekiq::Web', 'Resque::Server'])
const SIDEKIQ_WEB = 'https://github.com/sidekiq/sidekiq/blob/main/lib/sidekiq/web.rb'

export interface DashboardRackup {
  dashboard: string
  file: string
  line: number
  ref: string
}

export async function dashboardRackup(ctx: AnalyzerContext): Promise<DashboardRackup | undefined> {
  const file = rackupFile(ctx.command.argv)
  if (!file || file === 'config.ru') return undefined
  const text = ctx.files.read(file)?.text
  if (!text) return undefined
  const parsed = await parseRuby(file, text)
  if (parsed.errors.length > 0) return undefined
  const P = parsed.prism
  const runs: {line: number; target: string}[] = []
  let other = false
  const visit = (node: RubyNode): void => {
    if (node instanceof P.CallNode && !node.receiver) {
      const arg = node.arguments_?.arguments_[0]
      const target = arg ? parsed.textOf(arg).replace(/^::/, '') : ''
      if (node.name === 'run') runs.push({line: parsed.lineOf(node.location.startOffset), target})
      if (node.name === 'map' || node.name === 'mount') other = true
      if (node.name === 'use' && !/^Rack::/.test(target)) other = true
    }

    for (const c of node.compactChildNodes()) visit(c)
  }

  visit(parsed.program)
  const [run] = runs
  if (other || runs.length !== 1 || !run || !DASHBOARDS.has(run.target)) return undefined
  return {dashboard: run.target, file, line: run.line, ref: SIDEKIQ_WEB}
}
