/**
 * Unicorn: `worker_processes` forked, single-threaded workers (1 connection
 * each). The config file is the one given with -c.
 * `pitchfork` (Unicorn's fork) is matched here and read by pitchfork.ts.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'
import {HANDED_TO_CODE, lastCall, truthy} from './evaluate.js'
import {forkFacts, hooksOf, loadRubyConfig, missingConfig, type RubyServerFacts} from './ruby-server.js'
import {bootQueries, forkingParentExtra} from './boot-connection.js'
import {appPath, envCandidate, findFlag, firstOf, programName, rubyCandidate, rubyEnvironment} from '../common/setting.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {railsServerUsing} from '../common/matchers.js'
import {append} from '../../util/arrays.js'
import {versionAtLeast} from '../../util/version.js'

const REF = 'https://yhbt.net/unicorn.git/tree/lib/unicorn/configurator.rb'

/**
 * The unicorn-rails gem replaces Rack's default handler with Unicorn (`def self.default … Rack::Handler::Unicorn`),
 * so `rails server` with no server named runs Unicorn once Bundler.require has loaded the gem. Its handler
 * (samuelkadolph/unicorn-rails v2.2.1 lib/unicorn_rails.rb:17-24) reads config/unicorn/RACK_ENV‖RAILS_ENV.rb, else
 * config/unicorn.rb, else runs UNICORN_WORKERS‖1 workers; v1.1.x reads only config/unicorn/ENV.rb over the
 * UNICORN_WORKERS‖1 default (v1.1.0 lib/unicorn/rails.rb), v1.0.x no file (v1.0.1: UNICORN_WORKERS‖1; v1.0.0: 1).
 */
const UNICORN_RAILS = 'https://github.com/samuelkadolph/unicorn-rails/blob/v2.2.1/lib/unicorn_rails.rb'

/** Groups Heroku's Ruby buildpack leaves out (BUNDLE_WITHOUT "development:test"): a gem only in them is not installed. */
const LEFT_OUT = new Set(['development', 'test'])

/** The Gemfile groups a gem is declared in (`group :development do … end`, `group: :test`); [] for the default group. */
export function gemGroups(gemfile: string, gem: string): string[] | undefined {
  const stack: {groups: string[]; indent: number}[] = []
  let found: string[] | undefined
  for (const line of gemfile.split(/\r?\n/)) {
    const indent = /^\s*/.exec(line)![0].length
    const group = /^\s*group\s*\(?\s*((?::\w+|["']\w+["'])(?:\s*,\s*(?::\w+|["']\w+["']))*)\s*\)?\s*do\b/.exec(line)
    if (group) {
      stack.push({groups: group[1].split(',').map((g) => g.trim().replace(/^:|["']/g, '')), indent})
      continue
    }

    if (/^\s*end\b/.test(line) && stack.length > 0 && stack.at(-1)!.indent === indent) {
      stack.pop()
      continue
    }

    const m = new RegExp(`^\\s*gem\\s*\\(?\\s*["']${gem.replaceAll(/[-.]/g, (c) => `\\${c}`)}["'](.*)$`).exec(line)
    if (!m) continue
    const inline = /\bgroups?:\s*(?:\[([^\]]*)\]|(:\w+|["']\w+["']))/.exec(m[1])
    const own = inline ? (inline[1] ?? inline[2]).split(',').map((g) => g.trim().replace(/^:|["']/g, '')).filter((g) => g !== '') : []
    found = [...(found ?? []), ...stack.flatMap((s) => s.groups), ...own]
    if (stack.length === 0 && own.length === 0) return []
  }

  return found
}

/** `rails server` with no server named (`-u`/`--using`, or the old positional `rails server thin`), or naming unicorn. */
function railsServerDefault(argv: readonly string[]): boolean {
  const using = railsServerUsing(argv)
  return using === null || using === 'unicorn'
}

/** `rails server` that unicorn-rails turns into Unicorn: the gem is in Gemfile.lock and loaded in production. */
export function unicornRailsServer(argv: readonly string[], ctx: Pick<AnalyzerContext, 'files' | 'versions'>): boolean {
  if (ctx.versions['unicorn-rails'] === undefined || !railsServerDefault(argv)) return false
  const gemfile = ctx.files.read('Gemfile')?.text
  const groups = gemfile === undefined ? undefined : gemGroups(gemfile, 'unicorn-rails')
  // Not declared in the Gemfile (a dependency of another gem): Bundler.require does not load it.
  if (gemfile !== undefined && groups === undefined) return false
  return groups === undefined || groups.length === 0 || groups.some((g) => !LEFT_OUT.has(g))
}

/** bin/unicorn's options that take a value (its OptionParser); `-s`/`--server` and `-P`/`--pid` are kept for rackup's sake. */
const VALUE_OPTIONS = new Set(['-e', '--eval', '-I', '--include', '-r', '--require', '-o', '--host', '-p', '--port', '-E', '--env', '-c', '--config-file', '-l', '--listen', '-s', '--server', '-P', '--pid'])

/**
 * The rackup file `unicorn` is given: the word left once its options are read (`unicorn start -c x.rb` → `start`), as
 * bin/unicorn takes `ARGV[0] || "config.ru"`. Undefined when there is none (config.ru).
 */
function rackupArgument(argv: readonly string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]
    if (word === '--') return argv[i + 1]
    if (!word.startsWith('-') || word === '-') return word
    if (VALUE_OPTIONS.has(word)) i++
  }

  return undefined
}

export const unicorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    const diagnostics: Diagnostic[] = []
    // Pitchfork, Unicorn's fork: read in its own module, loaded only for it (issue 19).
    if (programName(argv[0]) === 'pitchfork') return (await import('./pitchfork.js')).analyzePitchfork(ctx)
    const viaRails = unicornRailsServer(argv, ctx)
    const environment = rubyEnvironment(ctx, viaRails ? undefined : findFlag(argv, ['-E', '--env'], ctx.command)?.value)
    const configFlag = viaRails ? undefined : findFlag(argv, ['-c', '--config-file'], ctx.command)
    const gem = ctx.versions['unicorn-rails'] ?? '0'
    // unicorn-rails (UNICORN_RAILS): config/unicorn/ENV.rb (1.1+), else config/unicorn.rb (2.0+), else no file.
    const railsConfig = viaRails
      ? [...(versionAtLeast(gem, '1.1.0') ? [`config/unicorn/${environment}.rb`] : []), ...(versionAtLeast(gem, '2.0.0') ? ['config/unicorn.rb'] : [])].find((f) => ctx.files.exists(f))
      : undefined
    // Unicorn reads a config file only when given -c; a config/unicorn.rb that
    // is never passed is read anyway, but its values are labelled an assumption.
    const implicit = !viaRails && !configFlag && ctx.files.exists('config/unicorn.rb')
    const path = railsConfig ?? (configFlag ? appPath(configFlag.value) : (implicit ? 'config/unicorn.rb' : undefined))
    const config = path ? await loadRubyConfig(ctx, path, environment) : undefined
    if (configFlag && path && !ctx.files.exists(path)) diagnostics.push(missingConfig(configFlag.value, configFlag.written))
    // bin/unicorn: `abort "rackup file (#{ru}) not readable" unless File.readable?(ru)` — a word that is no file of the app
    // (`unicorn start`, read as foreman's or a daemon's verb) stops it before any worker starts.
    const rackup = programName(argv[0]) === 'unicorn' ? rackupArgument(argv) : undefined
    if (rackup !== undefined && !ctx.files.exists(appPath(rackup))) {
      diagnostics.push({
        code: 'missing-config',
        file: appPath(rackup),
        message: `\`unicorn\` takes \`${rackup}\` as its rackup file, which does not exist: Unicorn aborts with "rackup file (${rackup}) not readable" (bin/unicorn) and the process never boots; conncalc counts it as if it did`,
        severity: 'error',
      })
    }
    if (config) append(diagnostics, config.diagnostics)
    const notPassed = implicit ? [assumed('config/unicorn.rb is not passed with -c on the command line; read as if it were')] : []

    const call = config && lastCall(config, 'worker_processes')
    // unicorn-rails passes worker_processes UNICORN_WORKERS‖1 when it reads no file (and, in 1.x, under the file's).
    const handlerWorkers = viaRails && (!railsConfig || !versionAtLeast(gem, '2.0.0')) && versionAtLeast(gem, '1.0.1')
    const workers = firstOf(
      [
        config && call ? rubyCandidate(call.args[0], config.file, call.line, 'Unicorn worker_processes') : {diagnostics: []},
        handlerWorkers ? envCandidate(ctx.env, ['UNICORN_WORKERS'], 'unicorn-rails worker_processes') : {diagnostics: []},
      ],
      viaRails
        ? sourced(1, fromDefault(`\`rails server\` runs Unicorn (the unicorn-rails gem ${gem} in Gemfile.lock makes it Rack's default handler)${railsConfig ? ` with ${railsConfig}` : ''}; ${handlerWorkers ? 'its default worker_processes UNICORN_WORKERS‖1' : 'Unicorn default worker_processes'}`, UNICORN_RAILS))
        : sourced(1, fromDefault('Unicorn default worker_processes', REF)),
    )
    append(diagnostics, workers.diagnostics)
    // The config hands itself to other code (`GovukUnicorn.configure(self)`, which sets worker_processes): the default is assumed.
    const handed = config?.diagnostics.find((x) => x.message.includes(HANDED_TO_CODE))
    if (handed && workers.value.source.kind === 'default') {
      const why = `${handed.file}:${handed.line} hands the config to code conncalc cannot read, which may set this; the default is assumed`
      workers.value = sourced(workers.value.value, assumed(why), [workers.value.source, ...(workers.value.via ?? [])])
    }

    const byGem = viaRails && workers.value.source.kind !== 'default' ? [fromDefault(`\`rails server\` runs Unicorn: the unicorn-rails gem ${gem} in Gemfile.lock makes it Rack's default handler${railsConfig ? `, and it reads ${railsConfig}` : ''}`, UNICORN_RAILS)] : []
    const processes: Sourced<number> =
      (implicit && workers.value.source.kind === 'file') || byGem.length > 0 ? {...workers.value, via: [...(workers.value.via ?? []), ...notPassed, ...byGem]} : workers.value

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
      parentIdleAfterFork: true,
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
  matches(cmd: ParsedCommand, ctx: AnalyzerContext): boolean {
    const p = programName(cmd.argv[0])
    return p === 'unicorn' || p === 'unicorn_rails' || p === 'pitchfork' || unicornRailsServer(cmd.argv, ctx)
  },
}
