/**
 * Resque via its rake tasks (lib/resque/tasks.rb): `resque:work` runs one
 * worker process; `resque:workers` runs COUNT of them. Each worker forks a
 * child per job and handles one job at a time, so 1 thread per process.
 * resque-pool's manager forks the workers its YAML file lists (`queues: count`).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, derivedFrom, fromDefault, fromFile, fromFlag, type Sourced, sourced} from '../../model/source.js'
import {evaluateRubySnippet, findCalls, type RubyValue} from './evaluate.js'
import {parseRuby} from './prism.js'
import {readYamlErb} from './erb.js'
import {forkFacts, loadRubyConfig, missingConfig, type RubyHook} from './ruby-server.js'
import {bootQueries, forkingParentExtra} from './boot-connection.js'
import {appPath, type Candidate, envCandidate, findFlag, firstOf, rubyEnvironment, yamlCandidate} from '../common/setting.js'
import {isResque, isResquePool, resqueTask} from '../common/matchers.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import {append} from '../../util/arrays.js'
import {setForType} from '../../model/command-site.js'
import {initializerFiles} from './rails-files.js'
import {rakeFilesUnder} from './rake-tasks.js'

const REF = 'https://github.com/resque/resque/blob/master/lib/resque/tasks.rb'
const HOOKS_REF = 'https://github.com/resque/resque/blob/master/docs/HOOKS.md'

/** Where Rails apps put Resque's fork hooks (the README's resque:setup task, or an initializer). */
export const RESQUE_HOOK_FILES = ['config/initializers/resque.rb', 'lib/tasks/resque.rake']

/**
 * Every file rake loads that may hold them: those two, then the other lib/tasks/**\/*.rake files and the Rakefile
 * (resque-pool's README has `task "resque:pool:setup"` in lib/tasks/resque.rake, but `rake resque:pool` runs any file
 * rake loads: apps write it in the Rakefile too) — only the ones that name Resque.
 */
function resqueHookFiles(ctx: AnalyzerContext): string[] {
  const others = [...rakeFilesUnder(ctx.files, 'lib/tasks'), 'Rakefile'].filter((p) => !RESQUE_HOOK_FILES.includes(p) && /resque/i.test(ctx.files.read(p)?.text ?? ''))
  return [...RESQUE_HOOK_FILES, ...others]
}
const POOL_SETUP = 'resque:pool:setup'

/**
 * `Resque.before_fork do … end` / `Resque.after_fork = proc { … }`, anywhere in those files (inside `task "resque:setup"` too).
 * Under resque-pool (its README's lib/tasks/resque.rake), the manager runs `task "resque:pool:setup"` before it forks
 * the workers (where apps disconnect) and each worker runs `Resque::Pool.after_prefork` (where they reconnect).
 */
async function resqueHooks(ctx: AnalyzerContext): Promise<{diagnostics: Diagnostic[]; file?: string; hooks: RubyHook[]}> {
  const diagnostics: Diagnostic[] = []
  const hooks: RubyHook[] = []
  let first: string | undefined
  for (const path of resqueHookFiles(ctx)) {
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    if (!config) continue
    first ??= path
    // The other rake files are read for their hooks only: what else they do is the task's that runs them, said there.
    if (RESQUE_HOOK_FILES.includes(path)) append(diagnostics, config.diagnostics)
    for (const name of ['before_fork', 'after_fork']) {
      for (const c of [...findCalls(config.calls, name, true), ...findCalls(config.calls, `${name}=`, true)]) {
        if (c.receiver === 'Resque' && c.blockBody) hooks.push({body: c.blockBody, file: path, line: c.line, name: `Resque.${name}`})
      }
    }

    for (const c of findCalls(config.calls, 'after_prefork', true)) {
      if (c.receiver === 'Resque::Pool' && c.blockBody) hooks.push({body: c.blockBody, file: path, line: c.line, name: 'Resque::Pool.after_prefork'})
    }

    for (const c of findCalls(config.calls, 'task', true)) {
      const task = c.args[0]
      if (c.blockBody && task?.kind === 'known' && task.value === POOL_SETUP) hooks.push({body: c.blockBody, file: path, line: c.line, name: `task "${POOL_SETUP}"`})
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

const POOL_REF = 'https://github.com/resque/resque-pool/blob/master/lib/resque/pool/file_or_hash_loader.rb'
const POOL_FILES = ['resque-pool.yml', 'config/resque-pool.yml']

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Constants the app's initializers assign at their top level (`WORKER_CONCURRENCY = Integer(ENV["X"] || 1)`):
 * resque-pool evaluates its YAML's ERB in the master after `rake resque:pool` has run `resque:setup`, which
 * apps point at `:environment` (the Rails app booted, its initializers run), so a `<%= WORKER_CONCURRENCY %>`
 * reads what the initializer set. Only constants whose value evaluates are kept.
 */
async function initializerConstants(ctx: AnalyzerContext, appEnv: string): Promise<Map<string, Sourced<RubyValue>>> {
  const out = new Map<string, Sourced<RubyValue>>()
  for (const path of initializerFiles(ctx.files)) {
    const text = ctx.files.read(path)?.text
    if (!text || !/^[A-Z][A-Z0-9_]*\s*=/m.test(text)) continue
    const parsed = await parseRuby(path, text)
    if (parsed.errors.length > 0) continue
    for (const statement of parsed.program.statements.body) {
      if (!(statement instanceof parsed.prism.ConstantWriteNode)) continue
      const line = parsed.lineOf(statement.value.location.startOffset)
      const v = (await evaluateRubySnippet(parsed.textOf(statement.value), {appEnv, env: ctx.env, file: path, firstLine: line})).value
      if (v.kind === 'known') out.set(statement.name, sourced(v.value, fromFile(path, line), v.via))
    }
  }

  return out
}

/**
 * resque-pool's worker processes (file_or_hash_loader.rb): the file `-c` names, else
 * RESQUE_POOL_CONFIG, else resque-pool.yml or config/resque-pool.yml; ERB, then YAML; the
 * environment's section (RACK_ENV / RAILS_ENV, or `-E`) is merged over the top-level entries and
 * every other section dropped. Each `queues: count` entry is count worker processes.
 */
async function poolWorkers(ctx: AnalyzerContext, diagnostics: Diagnostic[]): Promise<Sourced<number>> {
  const {argv} = ctx.command
  const flag = findFlag(argv, ['-c', '--config'], ctx.command)
  const fromEnvVar = flag ? undefined : ctx.env.get('RESQUE_POOL_CONFIG')
  const path = flag ? appPath(flag.value) : fromEnvVar?.value ? appPath(fromEnvVar.value) : POOL_FILES.find((p) => ctx.files.exists(p))
  const file = path ? ctx.files.read(path) : undefined
  if (!file) {
    if (flag) diagnostics.push(missingConfig(flag.value, flag.written))
    const why = path ? `${path} is not in the app` : `there is no ${POOL_FILES.join(' or ')} and RESQUE_POOL_CONFIG is not set`
    diagnostics.push({code: 'unknown-config-value', file: path ?? 'Procfile', message: `resque-pool: ${why}, so how many workers it forks is unknown; 1 assumed`, severity: 'warning'})
    return sourced(1, assumed(`resque-pool's workers are listed in a file conncalc cannot read (${why})`), [fromDefault('resque-pool forks the workers its config file lists', POOL_REF)])
  }

  const environment = rubyEnvironment(ctx, findFlag(argv, ['-E', '--environment'], ctx.command)?.value)
  const doc = await readYamlErb(file, {appEnv: environment, env: ctx.env, knownCalls: await initializerConstants(ctx, environment)}, ctx.files)
  append(diagnostics, doc.diagnostics)
  const root = isMap(doc.yaml.value) ? doc.yaml.value : {}
  // config.merge!(config[environment]); config.delete_if { |_, v| v.is_a? Hash }
  const entries = new Map<string, {path: string[]; raw: unknown}>()
  for (const [k, v] of Object.entries(root)) if (!isMap(v)) entries.set(k, {path: [k], raw: v})
  const section = root[environment]
  if (isMap(section)) for (const [k, v] of Object.entries(section)) if (!isMap(v)) entries.set(k, {path: [environment, k], raw: v})

  const counts: Sourced<number>[] = []
  for (const [queues, e] of entries) {
    const c: Candidate = yamlCandidate(doc, e.path, e.raw, `the resque-pool worker count for "${queues}"`)
    append(diagnostics, c.diagnostics)
    const line = doc.yaml.lineOf(e.path) ?? 1
    counts.push(c.value ?? sourced(1, assumed(`${file.path}:${line}: the worker count for "${queues}" cannot be read; 1 assumed`)))
  }

  const total = counts.reduce((n, c) => n + c.value, 0)
  const source = flag ? fromFlag(flag.written) : fromEnvVar?.value ? fromEnvVar.source : fromFile(file.path, doc.yaml.lineOf([...entries.values()][0]?.path ?? []) ?? 1)
  if (counts.length === 0) {
    diagnostics.push({code: 'unknown-config-value', file: file.path, message: `resque-pool: ${file.path} lists no workers for ${environment}; resque-pool would start none`, severity: 'warning'})
  }

  const parts = derivedFrom(counts).filter((s) => JSON.stringify(s) !== JSON.stringify(source))
  return sourced(total, source, [...parts, fromDefault(`resque-pool forks one worker process per count in ${file.path}${isMap(section) ? ` (its ${environment} section merged over the top level)` : ''}`, POOL_REF)])
}

export const resque: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {argv} = ctx.command
    let processes = sourced(1, fromDefault('`rake resque:work` runs one worker process', REF))
    const diagnostics: Diagnostic[] = []
    const pool = isResquePool(argv)
    if (pool) {
      processes = await poolWorkers(ctx, diagnostics)
    } else if (resqueTask(argv) === 'resque:workers') {
      const count = firstOf([countArgument(argv), envCandidate(ctx.env, ['COUNT'], 'Resque COUNT')], processes)
      append(diagnostics, count.diagnostics)
      if (count.value === processes) {
        // tasks.rb aborts when COUNT < 1: the dyno would crash, not run one worker.
        diagnostics.push({
          code: 'unresolved-env',
          file: 'Procfile',
          fix: `Set COUNT for ${ctx.processType}: ${setForType(ctx.origin, ctx.processType, 'COUNT=2', 'bundle exec rake resque:workers')}, or with --env.`,
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
      childHookNames: pool ? ['Resque::Pool.after_prefork', 'Resque.after_fork'] : ['Resque.after_fork'],
      file: hooks.file ?? RESQUE_HOOK_FILES[0],
      forks:
        noFork?.value === 'false'
          ? sourced(false, noFork.source)
          : sourced(true, fromDefault('a Resque worker forks a child for every job', HOOKS_REF)),
      hooks: hooks.hooks,
      parent: 'Resque worker',
      parentHookNames: pool ? [`task "${POOL_SETUP}"`, 'Resque.before_fork'] : ['Resque.before_fork'],
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
