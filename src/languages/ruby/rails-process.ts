/**
 * Ruby processes that load the Rails app without serving requests or running a job
 * system: `rails runner FILE` (a long-running script such as a worker loop) and
 * `clockwork FILE` (a clock that enqueues jobs on a schedule). Each is one process
 * whose ActiveRecord pool (database.yml) is the app's; the threads that use it are
 * the script's own.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, derivedFrom, fromDefault, fromFile, sourced} from '../../model/source.js'
import {appPath, programName} from '../common/setting.js'
import {clockworkFile, hanamiDbCommand, isRailsProcess, railsRunnerScript, rakefileOf, rakeTasks} from './rails-process-command.js'
import {analyzeActiveRecordPools} from './pools-in-code.js'
import {type RakeStart, rakeTaskRuns, rakeTaskStarts} from './rake-tasks.js'
import {findCalls} from './evaluate.js'
import {loadRubyConfig} from './ruby-server.js'
import {migratorLockConnection} from './migration-lock.js'

const RUNNER = 'https://guides.rubyonrails.org/command_line.html#bin-rails-runner'
/** Clockwork runs each due event in its own loop, one after another, unless the event says `thread: true`. */
const CLOCKWORK = 'https://github.com/Rykian/clockwork#thread'
/** Rake runs each task's actions one after another on the thread that invoked it; only `multitask` prerequisites run in threads. */
const RAKE = 'https://ruby.github.io/rake/doc/rakefile_rdoc.html'
const HANAMI_DB = 'https://github.com/hanami/cli/tree/main/lib/hanami/cli/commands/app/db'

/** Does the Ruby file load the Rails app (`require './config/environment'`, `require_relative 'config/boot'`)? */
async function loadsRails(ctx: AnalyzerContext, path: string): Promise<boolean | undefined> {
  const config = await loadRubyConfig(ctx, path, ctx.appEnv)
  if (!config?.parsed) return undefined
  const requires = [...findCalls(config.calls, 'require', true), ...findCalls(config.calls, 'require_relative', true)]
  return requires.some((c) => {
    const arg = c.args[0]
    return arg?.kind === 'known' && typeof arg.value === 'string' && /(^|\/)config\/(environment|application|boot)(\.rb)?$|^\.?\.?\/?(environment|application)$/.test(arg.value)
  })
}

export const railsProcess: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const argv = ctx.command.argv
    const script = railsRunnerScript(argv)
    const one = (what: string, ref: string) => sourced(1, fromDefault(what, ref))
    if (script !== undefined) {
      // Rails loads the app (and ActiveRecord) before it runs the script.
      const where = script && ctx.files.exists(appPath(script)) ? [fromFile(appPath(script), 1)] : []
      return {
        diagnostics: [],
        language: 'ruby',
        processesPerDyno: one('`rails runner` runs the script in one process, with the Rails app (and ActiveRecord) loaded', RUNNER),
        server: 'rails-runner',
        threadsPerProcess: sourced(1, assumed(`the threads ${script ? `${script} starts` : 'the script starts'} are not read; 1 using the database assumed (the ActiveRecord pool is its ceiling)`), where),
      }
    }

    const hanamiDb = hanamiDbCommand(argv)
    if (hanamiDb !== undefined) {
      // hanami-cli's db commands (commands/app/db/*.rb) run Sequel's migrator, seeds or structure tools on one connection to each database, then exit.
      return {
        diagnostics: [],
        language: 'ruby',
        processesPerDyno: one(`\`hanami db ${hanamiDb}\` runs in one process`, HANAMI_DB),
        server: 'hanami-db',
        threadsPerProcess: one(`\`hanami db ${hanamiDb}\` works on one connection, then exits`, HANAMI_DB),
      }
    }

    const tasks = clockworkFile(argv) === undefined ? rakeTasks(argv) : undefined
    if (tasks) {
      // A task that needs `:environment` loads the app and checks out at most one ActiveRecord connection on that thread.
      const base: ServerAnalysis = {
        diagnostics: [],
        language: 'ruby',
        processesPerDyno: one(`\`${programName(argv[0])} ${tasks.join(' ')}\` runs in one process`, RAKE),
        server: 'rake',
        threadsPerProcess: sourced(1, fromDefault('Rake runs a task\'s actions on the thread that invoked it (only multitask prerequisites get threads)', RAKE), [assumed(`the code of ${tasks.join(', ')} is not read for threads it starts itself; 1 using the database assumed (the ActiveRecord pool is its ceiling)`)]),
      }
      // A migration (a type that only migrates, then exits and is restarted): the Migrator's advisory-lock connection beside it.
      const lock = await migratorLockConnection(ctx)
      if (lock) base.extrasPerProcess = [lock]
      const rakefile = rakefileOf(ctx.files)
      const follow = rakefile ? await rakeTaskRuns(tasks, ctx.files) : undefined
      if (follow && 'unknown' in follow) return unreadTaskCommand(ctx, base, follow.unknown)
      const started = rakefile ? await rakeTaskStarts(tasks, ctx.files) : undefined
      return started && started.starts.length > 0 ? threadedTask(ctx, base, started) : base
    }

    const file = appPath(clockworkFile(argv) ?? '')
    const rails = file ? await loadsRails(ctx, file) : undefined
    const threads = one('clockwork runs due events one after another in its loop (events with `thread: true` run in threads of their own)', CLOCKWORK)
    return {
      diagnostics: [],
      language: 'ruby',
      processesPerDyno: one('clockwork is one process', CLOCKWORK),
      server: 'clockwork',
      threadsPerProcess:
        rails === true
          ? {...threads, via: [fromFile(file, 1)]}
          : {...threads, via: [assumed(rails === false ? `${file} does not require config/environment itself; the app (and ActiveRecord) is assumed loaded through what it requires` : `${file || 'the clock file'} could not be read; the app (and ActiveRecord) is assumed loaded`)]},
    }
  },
  id: 'rails-process',
  matches: (cmd) => isRailsProcess(cmd.argv),
}

/**
 * A task of the app whose actions start threads (`Concurrent::ThreadPoolExecutor.new(max_threads: 25)`,
 * `Thread.new`): each may check out a connection, and their number is not counted here, so the
 * ActiveRecord pool bounds the process (as for a Ruby script that starts threads, ruby-script.ts).
 */
async function threadedTask(ctx: AnalyzerContext, base: ServerAnalysis, started: {file: string; line: number; starts: RakeStart[]}): Promise<ServerAnalysis> {
  const found = await analyzeActiveRecordPools(ctx, base)
  const where = started.starts.slice(0, 3).map((s) => `${s.what} at ${s.file}:${s.line}`).join(', ') + (started.starts.length > 3 ? `, ${started.starts.length - 3} more` : '')
  const pool = found.pools.reduce((n, p) => n + p.pool.value, 0)
  const task = `the task (${started.file}:${started.line})`
  const threads =
    found.pools.length > 0
      ? sourced(pool, assumed(`${task} starts threads (${where}) whose number conncalc does not count; as many threads as its pool (${pool}) assumed to use the database`), derivedFrom(found.pools.map((p) => p.pool)))
      : sourced(1, assumed(`${task} starts threads (${where}) whose number conncalc does not count, and no pool bounds them; 1 assumed`))
  return {
    ...base,
    diagnostics: [
      ...found.diagnostics,
      {
        code: 'unknown-command',
        file: ctx.origin?.file,
        fix: `if fewer of its threads use the database at once, say how many: --assume ${ctx.processType}=1:THREADS`,
        line: ctx.origin?.line,
        message: `${ctx.processType}: ${task} starts threads (${where}) whose number conncalc does not count; counting ${threads.value} (its pool) as using the database at once`,
        processType: ctx.processType,
        severity: 'warning',
      },
    ],
    otherServerPools: found.otherServerPools,
    pools: found.pools,
    threadsPerProcess: threads,
  }
}

/**
 * A task of the app that runs a command conncalc cannot read (built by code, under a condition): what runs is not
 * known, so the task is counted as the one Ruby process it is, 1 thread on the app's pool, starred, saying which line.
 */
function unreadTaskCommand(ctx: AnalyzerContext, base: ServerAnalysis, why: string): ServerAnalysis {
  const message = `the Rake task's command cannot be told: ${why}`
  return {
    ...base,
    diagnostics: [
      {
        code: 'unknown-command',
        file: ctx.origin?.file,
        fix: `if what it runs opens database connections, tell conncalc how many: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
        line: ctx.origin?.line,
        message: `${ctx.processType}: ${message}; counting 1 process × 1 thread on the app's pool`,
        processType: ctx.processType,
        severity: 'warning',
      },
    ],
    threadsPerProcess: sourced(1, assumed(`${message}; 1 thread using the database assumed (the app's pool is its ceiling)`)),
  }
}
