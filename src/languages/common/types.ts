import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env, EnvEntry} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'
import type {ImageFiles} from '../../model/image-files.js'
import type {Extra, ForkFacts, PoolEntry} from '../../model/process.js'
import type {SameServerEvidence} from '../../model/same-server.js'
import type {Source, Sourced} from '../../model/source.js'
import type {DynoFacts} from '../../platform/dyno-sizes.js'

/**
 * A Procfile command split as a shell would: leading `KEY=value` assignments
 * removed (they are in `env`), variables expanded, and launcher wrappers
 * (`bundle exec`, `exec`, `bin/start-pgbouncer`, …) noted and stripped.
 */
export interface ParsedCommand {
  argv: string[] // ["puma", "-C", "config/puma.rb"]
  /** Variables the server's argv expanded (`-c $SIDEKIQ_CONCURRENCY`), for sources. */
  expanded?: EnvEntry[]
  raw: string // the Procfile text after "type:"
  wrappers: string[] // ["bundle exec"], ["bin/start-pgbouncer"], …
  /** Other commands on the line that run before or after the server (`bin/rails db:migrate && …`), or pipe to it. */
  preCommands?: string[][]
  /** Commands started in the background with `&` beside the server (`bundle exec sidekiq & bundle exec puma`). */
  background?: string[][]
}

/** Why a command stops at start without running any of the app's code, and the source that says so. */
export interface ExitsAtStart {
  fix: string
  ref: string
  why: string
}

export interface AnalyzerContext {
  command: ParsedCommand
  /** Memory and nproc of the type's dyno (an assumed Standard-1X when no size is given); absent in unit tests that do not need it. */
  dyno?: DynoFacts
  /** Dyno size from --scale / app.json, if known (e.g. "standard-2x"). */
  dynoSize?: string
  env: Env // the layered env this process type sees (Procfile line on top)
  /** Where the process type is defined: the Procfile and its line. */
  origin?: {file: string; line: number}
  files: FileReader
  /** "production" unless --rails-env / RAILS_ENV / RACK_ENV says otherwise. */
  appEnv: string
  processType: string
  /** The process type runs once per deploy and finishes (release, postdeploy, predeploy): it holds what its command runs at once. */
  deployHook?: true
  /** Why the command is known to be unknown (a process manager whose file is missing …): the unknown-command message says it. */
  unknownWhy?: string
  /**
   * The command exits at start, before any of the app's code runs (a package manager told to run a script no selected
   * package has: procfile/node-run.ts): it holds no connection. Why, the reference that says so, and the fix.
   */
  exitsAtStart?: ExitsAtStart
  /** What the platform's file says about a URL var's server (model/other-server.ts takes it before the app's setup files). */
  sameServer?: ReadonlyMap<string, SameServerEvidence>
  /** PostgreSQL servers the deploy runs itself, by the host name its containers reach them at (procfile/kamal-app.ts). */
  ownPostgres?: ReadonlyArray<{host: string; why: string}>
  /** The language buildpack that builds the app ('ruby', 'python', …), when one is detected. */
  appLanguage?: string
  /** Gem/package versions found in lock files: {"puma": "6.4.2", "rails": "7.1.3"}. */
  versions: Record<string, string>
  /**
   * The type runs in a container image built from a Dockerfile: what the build put in it, and the app root's files to read
   * them with (ctx.files may be within the command's folder). Absent on a buildpack dyno.
   */
  image?: {files: FileReader; image: ImageFiles}
  /**
   * The process type's analysis, one object shared by every context derived from its own (the ways a script may go,
   * the programs it starts): the key a language's evaluator keeps its work limit by, and where it stopped (TypeWork).
   * Absent in unit tests that analyze one context.
   */
  work?: TypeWork
}

/** What a server analyzer reports for one process type. */
export interface ServerAnalysis {
  diagnostics: Diagnostic[]
  extrasPerDyno?: Extra[]
  extrasPerProcess?: Extra[]
  /** Forking servers: what the fork-safety rules need (see ruby-server.ts). */
  fork?: ForkFacts
  language: string
  /** Pools the server itself knows (Node, JVM, …). Ruby servers leave this out: database.yml decides. */
  pools?: PoolEntry[]
  otherServerPools?: PoolEntry[]
  processesPerDyno: Sourced<number>
  server: string
  threadsPerProcess: Sourced<number>
  /** Versions that decided defaults, for --explain. */
  versions?: Record<string, string>
  /** Server-specific findings for later rules (e.g. Ruby servers' preload_app and hooks: see ruby-server.ts). */
  facts?: Record<string, unknown>
  /** Threads are greenlets (gevent/eventlet): a smaller pool is the intended bound, not a shortage. */
  greenlets?: boolean
  /**
   * One event loop runs every request (Node): there are no threads, queries wait for the
   * pool in a queue, and "threads per process" is what the pools let run at once.
   */
  eventLoop?: boolean
  /**
   * The program's only database work is a library migrator handed its pool (`migrate(db, …)`, `knex.migrate.latest()`),
   * which runs the migrations one after another on one connection: run as a deploy hook, it holds that one (why, sourced).
   */
  migratorOnly?: Source
  /** Programs the process starts as child processes of its own (Node's child_process.fork): each read as a command beside it. */
  children?: {command: string; file: string; how: string; line: number}[]
}

export interface ServerAnalyzer {
  /** Does this analyzer understand the command? Checked in registry order. */
  matches(cmd: ParsedCommand, ctx: AnalyzerContext): boolean
  analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> | ServerAnalysis
  id: string
}

/** What an add-on contributes to a process type it runs inside. */
export interface AddonAnalysis {
  diagnostics: Diagnostic[]
  extrasPerDyno?: Extra[]
  extrasPerProcess?: Extra[]
  /**
   * Why the type's processes are counted as an assumption (a process that would exit at boot, counted as if it
   * booted): added to processesPerDyno's sources, so the type's numbers are starred.
   */
  processesVia?: Source[]
  /** Versions that decided its numbers, for --explain. */
  versions?: Record<string, string>
}

/**
 * Something that runs inside another server's processes and opens
 * connections there: Action Cable's listener, the New Relic agent, GoodJob in
 * async mode, Solid Queue in Puma. Every add-on sees every process type.
 */
export interface ProcessAddon {
  analyze(ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis>
  id: string
}

/** See AnalyzerContext.work: the object is the key; the evaluators keep what they spend by it. */
export interface TypeWork {
  /**
   * Where the analysis stopped following the app's code before its end (a work limit of a language's evaluator:
   * languages/python/shared-eval.ts STATEMENT_BUDGET): the first stop, said once for the type (app/analyze-app.ts)
   * beside the unknown values the stop made.
   */
  cut?: {file: string; line: number; message: string}
}
