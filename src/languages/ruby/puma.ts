/**
 * Puma: processes = workers (1 in single mode), threads = max threads.
 * Precedence is Puma's own (lib/puma/configuration.rb, UserFileDefaultOptions):
 * command-line flags, then the config file, then defaults (which read env vars).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {asInteger, findCalls, HANDED_TO_CODE, isSymbol, lastCall, type RubyConfig, truthy} from './evaluate.js'
import {hasFlag} from '../common/argv.js'
import {versionAtLeast} from '../../util/version.js'
import {processorsFor} from './processors.js'
import {launcherServer, rackLauncher, rackupServer} from '../common/matchers.js'
import {forkFacts, hanamiDisconnects, hooksOf, loadRubyConfig, missingConfig, type RubyServerFacts} from './ruby-server.js'
import {bootQueries, forkingParentExtra} from './boot-connection.js'
import {unicornRailsServer} from './unicorn.js'
import {withGemSettings} from './gem-server-config.js'
import {railsRequestLock} from './rails-request-lock.js'
import {appPath, type Candidate, COMMAND_LINE, envCandidate, findFlag, firstOf, flagCandidate, type FoundFlag, numericFlag, programName, rubyCandidate, rubyEnvironment} from '../common/setting.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'

const REF = 'https://github.com/puma/puma/blob/master/lib/puma/configuration.rb'
const REF_4 = 'https://github.com/puma/puma/blob/v4.3.0/lib/puma/configuration.rb'
const REF_6 = 'https://github.com/puma/puma/blob/v6.4.3/lib/puma/configuration.rb'
/** `clustered?` is `(@options[:workers] || 0) > 0`; otherwise the runner is Puma::Single: one process, no master. */
const LAUNCHER = 'https://github.com/puma/puma/blob/master/lib/puma/launcher.rb'

/**
 * `pumactl [options] start` runs Puma in its own process: ControlCLI#start hands Puma::CLI `-C` with its `-F`/`--config-file`
 * and `-e` with its `-e`/`--environment` (https://github.com/puma/puma/blob/master/lib/puma/control_cli.rb, start); with no
 * `-F`, Puma finds its default config file. pumactl's other commands (stop, restart, status…) signal a running Puma. The
 * command is the first word that is not an option or the value of one (-S, -P, -p, -C (the control URL), -T, -F, -e).
 */
export function pumactlStarts(argv: readonly string[]): boolean {
  if (programName(argv[0]) !== 'pumactl') return false
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    if (/^-[SPpCTFe]$|^--(?:state|pidfile|pid|control-url|control-token|config-file|environment)$/.test(a)) i++
    else if (!a.startsWith('-')) return a === 'start'
  }

  return false
}

/**
 * `workers :auto` / WEB_CONCURRENCY=auto: Puma's configuration.rb `Integer(::Concurrent.available_processor_count)`,
 * the processors the process may use — fewer than the machine's when a cgroup CPU quota limits it
 * (concurrent-ruby processor_counter.rb). A dyno's quota is not published, so its processor count is assumed.
 */
const AUTO_WORKERS = 'https://github.com/puma/puma/blob/master/lib/puma/configuration.rb'

function autoWorkers(ctx: AnalyzerContext, where: Source): Sourced<number> {
  const cpu = processorsFor(ctx)
  return sourced(cpu.value, assumed(`Puma "auto" workers = Concurrent.available_processor_count: the dyno's processors, unless a CPU quota (not published for dynos) allows fewer`), [where, fromDefault('Puma: workers :auto is Integer(Concurrent.available_processor_count)', AUTO_WORKERS), cpu.source])
}

interface PumaDefaults {
  maxThreads: Sourced<number>
  newStyle: boolean
  workers: Sourced<number>
}

/** Puma's defaults by version, made once per version (frozen: every process type of that version shares them). */
const defaultsByVersion = new Map<string | undefined, PumaDefaults>()
function defaults(version: string | undefined): PumaDefaults {
  let found = defaultsByVersion.get(version)
  if (!found) {
    const made = defaultsOf(version)
    const frozen = (v: Sourced<number>): Sourced<number> => (v.via && Object.freeze(v.via), Object.freeze(v))
    found = Object.freeze({...made, maxThreads: frozen(made.maxThreads), workers: frozen(made.workers)})
    if (defaultsByVersion.size < 64) defaultsByVersion.set(version, found)
  }

  return found
}

/** Puma's defaults by version; unknown version → the newest, labelled an assumption. */
function defaultsOf(version: string | undefined): PumaDefaults {
  if (version && !versionAtLeast(version, '5.0.0')) {
    return {
      maxThreads: sourced(16, fromDefault(`Puma ${version} default max threads (0:16)`, REF_4)),
      newStyle: false,
      workers: sourced(0, fromDefault(`Puma ${version} default workers (single mode)`, REF_4)),
    }
  }

  const label = version ? `Puma ${version}` : 'Puma 5+'
  const unknown = version ? [] : [assumed('Puma version unknown (no Gemfile.lock entry); using Puma 5+ defaults')]
  return {
    maxThreads: sourced(5, fromDefault(`${label} default max threads on MRI`, REF), unknown),
    newStyle: true,
    // Every Puma version defaults to 0 workers (WEB_CONCURRENCY aside, read below): no version guess here.
    workers: sourced(0, fromDefault(`${label} default workers (single mode)`, REF)),
  }
}

/** A `plugin :name` line in the Puma config (`plugin :solid_queue if ENV["SOLID_QUEUE_IN_PUMA"]`). */
export interface PumaPlugin {
  conditional: boolean
  file: string
  line: number
  name: string
}

export interface PumaFacts extends RubyServerFacts {
  plugins: PumaPlugin[]
  /** `solid_queue_mode :async` (the Solid Queue plugin's own DSL method; fork when absent). */
  solidQueueMode?: {file: string; line: number; mode: string}
}

function solidQueueModeOf(config: RubyConfig | undefined): PumaFacts['solidQueueMode'] {
  const call = config && lastCall(config, 'solid_queue_mode')
  const arg = call?.args[0]
  if (!config || !call || call.conditional) return undefined
  // `solid_queue_mode` with no argument is :fork (lib/puma/plugin/solid_queue.rb).
  const mode = arg === undefined ? 'fork' : arg.kind === 'known' ? (isSymbol(arg.value) ? arg.value.symbol : typeof arg.value === 'string' ? arg.value : undefined) : undefined
  return mode ? {file: config.file, line: call.line, mode} : undefined
}

function pluginsOf(config: RubyConfig | undefined): PumaPlugin[] {
  if (!config) return []
  return findCalls(config.calls, 'plugin')
    .filter((c) => c.receiver === undefined)
    .flatMap((c) => {
      const arg = c.args[0]
      const name = arg?.kind === 'known' ? (isSymbol(arg.value) ? arg.value.symbol : typeof arg.value === 'string' ? arg.value : undefined) : undefined
      return name ? [{conditional: c.conditional, file: config.file, line: c.line, name}] : []
    })
}

/**
 * Puma DSL calls that read settings from another file: `_load_from PATH` evaluates it in place, `load PATH` adds it to
 * the config files Puma reads after this one (puma/puma@00e8cb19502d lib/puma/dsl.rb `def _load_from`, `def load`). conncalc
 * does not follow them: a file outside the app (a platform's own, /opt/elasticbeanstalk/…) cannot be read at all.
 */
function loadedConfigFiles(ctx: AnalyzerContext, config: RubyConfig): {after: boolean; diagnostic: Diagnostic; line: number}[] {
  return config.calls
    .filter((c) => (c.name === '_load_from' || c.name === 'load') && c.receiver === undefined)
    .map((c) => {
      const arg = c.args[0]
      const path = arg?.kind === 'known' && typeof arg.value === 'string' ? arg.value : undefined
      const inApp = path !== undefined && !path.startsWith('/') && ctx.files.exists(path)
      const what = path === undefined ? 'a file conncalc cannot name' : inApp ? `${path}, which conncalc does not read` : `${path}, which is not in the app`
      return {
        // `load` queues the file after this whole config: it overrides any line here; `_load_from` only the lines above it.
        after: c.name === 'load',
        diagnostic: {
          code: 'unknown-config-value',
          file: config.file,
          line: c.line,
          message: `${config.file}:${c.line} \`${c.name}\` loads Puma settings from ${what}${c.conditional ? ` (when ${c.condition ?? 'a condition conncalc cannot decide'} holds)` : ''}; whatever it sets (workers, threads, preloading, hooks) is not seen, and the defaults or earlier lines are used instead`,
          severity: 'warning' as const,
        },
        line: c.line,
      }
    })
}

/** The Puma facts of a ServerAnalysis (undefined for other servers). */
export function pumaFacts(facts: Record<string, unknown> | undefined): PumaFacts | undefined {
  const f = facts as Partial<PumaFacts> | undefined
  return f && Array.isArray(f.plugins) ? (f as PumaFacts) : undefined
}

/** Which config file Puma loads: -C, else config/puma/<env>.rb if it exists, else config/puma.rb. */
function configPath(ctx: AnalyzerContext, flag: string | undefined, environment: string): string | undefined {
  if (flag === '-') return undefined
  if (flag) return appPath(flag)
  return [`config/puma/${environment}.rb`, 'config/puma.rb'].find((p) => ctx.files.exists(p))
}

function workersFromConfig(ctx: AnalyzerContext, config: RubyConfig | undefined): Candidate {
  const call = config && lastCall(config, 'workers')
  if (!config || !call) return {diagnostics: []}
  const arg = call.args[0]
  if (arg?.kind === 'known' && isSymbol(arg.value) && arg.value.symbol === 'auto') {
    return {diagnostics: [], value: autoWorkers(ctx, fromFile(config.file, call.line))}
  }

  return conditional(rubyCandidate(arg, config.file, call.line, 'Puma workers'), config.file, call.line, call.conditional)
}

/**
 * Puma's DSL#threads raises when the minimum is above the maximum, `raise "The minimum (#{min}) number of threads must be
 * less than or equal to the max (#{max})"` (lib/puma/dsl.rb, the same from 3.x to 7.x), before Puma binds its port: for
 * `threads min, max` in a config file and for `-t min:max` (the CLI calls the same method). The process stops at start,
 * so it holds no connection until the minimum or the maximum is changed; conncalc counts the maximum, as if it had.
 * willcheung/longclaw's `threads Integer(ENV['MIN_THREADS'] || 5), Integer(ENV['MAX_THREADS'] || 3)`.
 */
const DSL_THREADS = 'https://github.com/puma/puma/blob/v6.4.3/lib/puma/dsl.rb'

function minAboveMax(min: number | undefined, max: number | undefined, version: string | undefined, file: string, line: number | undefined, written: string, example: string): Diagnostic[] {
  if (min === undefined || max === undefined || min <= max) return []
  // Puma 2.x is not checked here: read from 3.0 on, or when Gemfile.lock pins no version (a current Puma).
  if (version && !versionAtLeast(version, '3.0.0')) return []
  return [{
    code: 'missing-config',
    file,
    fix: `give Puma a minimum no larger than its maximum (\`${example}\`), or set the variables the two values come from`,
    ...(line === undefined ? {} : {line}),
    message: `\`${written}\` asks Puma for at least ${min} threads and at most ${max}: Puma${version ? ` ${version}` : ''} stops at start with "The minimum (${min}) number of threads must be less than or equal to the max (${max})" (Puma::DSL#threads, ${DSL_THREADS}), so the process would not boot; conncalc counts its ${max} threads as if it did`,
    severity: 'error',
  }]
}

/** `-t min:max`, or `-t n` meaning n:n (Puma's lib/puma/cli.rb). */
function threadsFlag(found: FoundFlag | undefined, version: string | undefined): Candidate & {stops?: Diagnostic[]} {
  if (!found) return {diagnostics: []}
  // Puma's CLI: `min, max = arg.split(":")`, and `threads min, min` when there is no max (lib/puma/cli.rb). Ruby's
  // split drops trailing empty fields, so `-t 4:` (a variable after the colon that expands to nothing) is 4:4.
  const parts = found.value.split(':')
  while (parts.length > 1 && parts.at(-1) === '') parts.pop()
  const max = parts[1] ?? parts[0] ?? ''
  const c = flagCandidate({value: max, via: found.via, written: found.written}, 'Puma max threads')
  if (!c.value) return c
  const min = parts.length > 1 && /^\d+$/.test(parts[0] ?? '') ? Number(parts[0]) : undefined
  // The variables the flag was built from (`-t 2:${PUMA_MAX_THREADS}`) stay in its chain.
  return {diagnostics: [], stops: minAboveMax(min, c.value.value, version, COMMAND_LINE, undefined, found.written, `-t ${c.value.value}:${c.value.value}`), value: sourced(c.value.value, fromFlag(found.written), c.value.via)}
}

/**
 * Puma 8 `max_io_threads`: requests marked IO-bound may run beyond max threads, up to
 * max_threads + max_io_threads at once (lib/puma/thread_pool.rb can_spawn_processor?;
 * DSL only, default 0), each able to hold a connection.
 */
function withIoThreads(threads: Sourced<number>, config: RubyConfig | undefined): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const call = config && lastCall(config, 'max_io_threads')
  if (!config || !call) return {diagnostics: [], value: threads}
  const io = conditional(rubyCandidate(call.args[0], config.file, call.line, 'Puma max_io_threads'), config.file, call.line, call.conditional)
  if (!io.value) return {diagnostics: io.diagnostics, value: threads}
  if (io.value.value === 0) return {diagnostics: [], value: threads}
  const total = threads.value + io.value.value
  return {diagnostics: [], value: sourced(total, fromDefault(`Puma 8: max threads ${threads.value} + max_io_threads ${io.value.value}`, REF), [threads.source, io.value.source])}
}

function threadsFromConfig(config: RubyConfig | undefined, version: string | undefined): Candidate & {stops?: Diagnostic[]} {
  const call = config && lastCall(config, 'threads')
  if (!config || !call) return {diagnostics: []}
  // `threads min, max`; newer Puma also takes `threads n` (max = min).
  const arg = call.args[1] ?? call.args[0]
  const c = conditional(rubyCandidate(arg, config.file, call.line, 'Puma max threads'), config.file, call.line, call.conditional)
  const min = call.args[1] && call.args[0]?.kind === 'known' && !call.args[0].missingEnv?.length ? asInteger(call.args[0]) : undefined
  const written = `threads ${min}, ${c.value?.value}`
  return c.value ? {...c, stops: minAboveMax(min, c.value.value, version, config.file, call.line, written, `threads ${c.value.value}, ${c.value.value}`)} : c
}

/** A setting inside an undecidable `if` is not trusted. */
function conditional(c: Candidate, file: string, line: number, isConditional: boolean): Candidate {
  if (!isConditional || !c.value) return c
  return {
    diagnostics: [
      {
        code: 'unknown-config-value',
        file,
        line,
        message: `this setting is inside a condition conncalc cannot decide`,
        severity: 'warning',
      },
    ],
  }
}

function webConcurrency(ctx: AnalyzerContext, d: PumaDefaults): Candidate {
  if (!d.newStyle) return {diagnostics: []}
  const e = ctx.env.get('WEB_CONCURRENCY')
  if (e?.value === 'auto') return {diagnostics: [], value: autoWorkers(ctx, e.source)}
  return envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'Puma workers')
}

/** WEB_CONCURRENCY as Puma 5-6 read it before the config file (puma_options_from_env: Integer(value)), else undefined. */
function envWorkers(ctx: AnalyzerContext): number | undefined {
  const v = ctx.env.get('WEB_CONCURRENCY')?.value?.trim()
  return v && /^\d+$/.test(v) ? Number(v) : undefined
}

function preloadApp(config: RubyConfig | undefined, workers: Sourced<number>, version: string | undefined, flag: boolean, early: number | undefined): Sourced<boolean> {
  if (flag) return sourced(true, fromFlag('--preload'))
  const call = config && lastCall(config, 'preload_app!')
  if (config && call) {
    const arg = call.args[0]
    return sourced(arg ? arg.kind === 'known' && truthy(arg.value) : true, fromFile(config.file, call.line))
  }

  const cluster = workers.value > 1
  if (!version || versionAtLeast(version, '7.0.0')) {
    // Configuration#set_conditional_default_options: `!prune_bundler && workers > 1 && Puma.forkable?`.
    const prune = config && lastCall(config, 'prune_bundler')
    const pruned = prune && !prune.conditional && (prune.args[0] === undefined || (prune.args[0].kind === 'known' && truthy(prune.args[0].value)))
    if (pruned && cluster) return sourced(false, fromFile(config.file, prune.line), [fromDefault('Puma 7+ does not preload by default when prune_bundler is on', REF)])
    return sourced(cluster, fromDefault('Puma 7+ preloads the app by default in cluster mode', 'https://github.com/puma/puma/blob/master/History.md'))
  }

  if (versionAtLeast(version, '5.0.0')) {
    // Configuration#initialize (5.x, 6.x): `default_options[:preload_app] = (@options[:workers] > 1) && Puma.forkable?`, set
    // before the CLI's flags and the config file are read, so from the WEB_CONCURRENCY env var only (puma_options_from_env),
    // whatever `workers` they say after: `workers Integer(ENV.fetch("WEB_CONCURRENCY") { 2 })` preloads when the variable is
    // set to 2, not when it is unset.
    return sourced(early !== undefined && early > 1, fromDefault(`Puma 5 and 6 preload the app by default when the WEB_CONCURRENCY env var, read before the flags and the config file, asks for more than 1 worker; ${early === undefined ? 'it is not set' : `it is ${early}`}`, REF_6))
  }

  return sourced(false, fromDefault(`Puma ${version} does not preload by default`, REF_4))
}

/**
 * Values derived from a shared (frozen) workers value are made once and shared too: the version's
 * default `workers 0` is every type's in most Procfiles, and a 100,000-type Procfile kept 200,000
 * equal copies of these two alive. Frozen, so nothing changes one in place.
 */
const derived = new WeakMap<Sourced<number>, {forks: Sourced<boolean>; single: Sourced<number>}>()
function derivedOf(workers: Sourced<number>): {forks: Sourced<boolean>; single: Sourced<number>} {
  const kept = derived.get(workers)
  if (kept) return kept
  const made = {
    forks: {...workers, value: workers.value >= 1},
    single: sourced(1, fromDefault('Puma single mode (workers 0): the app runs in the one Puma process, no master', LAUNCHER), [workers.source, ...(workers.via ?? [])]),
  }
  if (!Object.isFrozen(workers)) return made
  for (const v of [made.forks, made.single]) {
    if (v.via) Object.freeze(v.via)
    Object.freeze(v)
  }

  derived.set(workers, made)
  return made
}

/** Single mode (workers 0) is one process: Puma's launcher runs Puma::Single. */
const singleMode = (workers: Sourced<number>): Sourced<number> => derivedOf(workers).single
/** Whether the master forks workers: cluster mode, workers ≥ 1. */
const forksOf = (workers: Sourced<number>): Sourced<boolean> => derivedOf(workers).forks

export const puma: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    const rackup = programName(argv[0]) === 'rackup'
    // `pumactl -F config/puma.rb start`: Puma with that config file and environment, no other flag (pumactlStarts).
    const ctl = programName(argv[0]) === 'pumactl'
    // Through Rails or rackup, Puma runs as a Rack handler: it reads its own config files, and
    // the command's flags are the launcher's (`rails server -c` is the rackup file), bar the environment.
    const handler = rackLauncher(argv) !== undefined || rackup
    const flag = (...names: string[]) => (handler || ctl ? undefined : findFlag(argv, names, ctx.command))
    // Numbers: a bare `-w` / `-t` left by an unset variable is unreadable, not absent (numericFlag).
    const number = (...names: string[]) => (handler || ctl ? undefined : numericFlag(argv, names, ctx.command))
    const flags = {
      config: ctl ? findFlag(argv, ['-F', '--config-file'], ctx.command) : flag('-C', '--config'),
      environment: findFlag(argv, rackup ? ['-E', '--env'] : ['-e', '--environment'], ctx.command),
      threads: number('-t', '--threads'),
      workers: number('-w', '--workers'),
    }
    const version = ctx.versions.puma
    const d = defaults(version)
    const diagnostics: Diagnostic[] = []

    const environment = rubyEnvironment(ctx, flags.environment?.value)
    const path = configPath(ctx, flags.config?.value, environment)
    // `-C /srv/www/app/shared/puma.rb`: a file a Capistrano deploy writes there from a template of the repository.
    // Loaded only for such a path (capistrano.ts stays out of the start-up scope of a run that has none).
    const capistrano = path?.startsWith('/') ? await import('./capistrano.js') : undefined
    const deployed = capistrano && path ? await capistrano.capistranoWritten(ctx.files, path, ctx.env, environment) : undefined
    const loaded = deployed ? await loadRubyConfig(ctx, deployed.file, environment, deployed.settings ? {knownCalls: deployed.settings} : {}, deployed.erb) : path ? await loadRubyConfig(ctx, path, environment) : undefined
    // `GovukPuma.configure_rails(self)`: a pinned gem's known settings stand at the call's line (gem-server-config.ts).
    const gem = loaded ? await withGemSettings(ctx, loaded, environment) : undefined
    const config = gem?.config ?? loaded
    const byGem = <T,>(v: Sourced<T>): Sourced<T> =>
      gem && v.source.kind === 'file' && v.source.file === config?.file && v.source.line === gem.line ? {...v, via: [...(v.via ?? []), gem.source]} : v
    if (deployed && capistrano && path) diagnostics.push(capistrano.deployWrittenConfig(path, flags.config?.written ?? path, deployed))
    else if (path && !ctx.files.exists(path)) diagnostics.push(missingConfig(path, flags.config?.written ?? path))
    if (config) append(diagnostics, config.diagnostics)

    const threadsEnv = d.newStyle ? envCandidate(ctx.env, ['PUMA_MAX_THREADS', 'MAX_THREADS'], 'Puma max threads') : {diagnostics: []}
    const fromFlagAndFile = [threadsFlag(flags.threads, version), threadsFromConfig(config, version)]
    const threads = firstOf([...fromFlagAndFile, threadsEnv], d.maxThreads)
    // Both run Puma::DSL#threads (the file is loaded whichever wins), so either one's minimum above its maximum stops Puma.
    append(diagnostics, fromFlagAndFile.flatMap((c) => c.stops ?? []))

    const io = withIoThreads(threads.value, config)
    append(diagnostics, io.diagnostics)
    const workers = firstOf(
      [flagCandidate(flags.workers, 'Puma workers'), workersFromConfig(ctx, config), webConcurrency(ctx, d)],
      d.workers,
    )
    append(diagnostics, [...threads.diagnostics, ...workers.diagnostics])
    // Settings loaded from another file (`_load_from "/opt/elasticbeanstalk/config/private/pumaconf.rb"`, `load "x.rb"`): not read.
    const loads = config ? loadedConfigFiles(ctx, config) : []
    append(diagnostics, loads.map((l) => l.diagnostic))
    // The config hands itself to other code (`GovukPuma.configure_rails(self)`): a default used here may be what that code overrides.
    const handed = config?.diagnostics.find((x) => x.message.includes(HANDED_TO_CODE))
    if (handed || loads.length > 0) {
      const by = (v: Sourced<unknown>) => loads.find((l) => v.source.kind === 'default' || l.after || (v.source.kind === 'file' && v.source.file === config?.file && (v.source.line ?? 0) < l.line))
      const star = <T,>(v: Sourced<T>): Sourced<T> => {
        const load = by(v)
        if (load) return sourced(v.value, assumed(`${load.diagnostic.file}:${load.line} loads settings from a file conncalc does not read, which may set this; ${v.source.kind === 'default' ? 'the default' : 'this line\'s value'} is assumed`), [v.source, ...(v.via ?? [])])
        if (handed && v.source.kind === 'default') return sourced(v.value, assumed(`${handed.file}:${handed.line} hands the config to code conncalc cannot read, which may set this; the default is assumed`), [v.source, ...(v.via ?? [])])
        return v
      }

      workers.value = star(workers.value)
      io.value = star(io.value)
    }

    workers.value = byGem(workers.value)
    io.value = byGem(io.value)
    // Single mode (workers 0) is one process (Puma's launcher runs Puma::Single); cluster mode runs `workers` of them.
    const processes = workers.value.value >= 1 ? workers.value : singleMode(workers.value)

    const facts: PumaFacts = {
      configFile: config?.file,
      hooks: hooksOf(config),
      plugins: pluginsOf(config),
      solidQueueMode: solidQueueModeOf(config),
      preloadApp: byGem(preloadApp(config, workers.value, version, hasFlag(argv, ['--preload']), envWorkers(ctx))),
    }
    // Cluster mode (workers ≥ 1) forks workers from the master; single mode does not fork.
    const alsoDisconnects = hanamiDisconnects(ctx.versions)
    const fork = forkFacts({
      ...(alsoDisconnects ? {alsoDisconnects} : {}),
      bootQueries: facts.preloadApp.value && workers.value.value >= 1 ? await bootQueries(ctx) : [],
      // Puma 7 renamed on_worker_boot to before_worker_boot (the old name still works).
      childHookNames: !version || versionAtLeast(version, '7.0.0') ? ['before_worker_boot', 'on_worker_boot'] : ['on_worker_boot', 'before_worker_boot'],
      file: config?.file ?? 'config/puma.rb',
      forks: forksOf(workers.value),
      hooks: facts.hooks,
      parent: 'Puma master',
      parentHookNames: ['before_fork'],
      parentIdleAfterFork: true,
      preload: facts.preloadApp,
    })
    const parentExtra = forkingParentExtra(ctx, fork)
    // Rails before 4.0 keeps Rack::Lock in front of the app: one request at a time (rails-request-lock.ts).
    const locking = railsRequestLock(ctx, io.value)
    const locked = locking instanceof Promise ? await locking : locking
    append(diagnostics, locked.diagnostics)
    return {
      diagnostics: diagnostics.map((x) => ({...x, processType: ctx.processType})),
      ...(parentExtra ? {extrasPerDyno: [parentExtra]} : {}),
      facts: {...facts},
      fork,
      language: 'ruby',
      processesPerDyno: processes,
      server: 'puma',
      threadsPerProcess: locked.threads,
      ...(version ? {versions: {puma: version}} : {}),
    }
  },
  id: 'puma',
  matches(cmd: ParsedCommand, ctx: AnalyzerContext): boolean {
    return programName(cmd.argv[0]) === 'puma' || pumactlStarts(cmd.argv) || (launcherServer(cmd.argv, ctx.versions, ctx.env) === 'puma' && !unicornRailsServer(cmd.argv, ctx)) || rackupServer(cmd.argv, ctx.versions, ctx.env) === 'puma'
  },
}
