/**
 * Shell scripts that a Procfile line runs (`bash bin/start.sh`, `bin/run.sh`,
 * `./scripts/deploy_start.sh`), read with tree-sitter-bash and never run: what
 * stays up in the dyno is what conncalc budgets.
 *
 * The model, as bash runs a script:
 * - `exec cmd` replaces the shell: cmd is the process and nothing after it runs.
 * - Otherwise the last foreground command that is not a shell utility is the
 *   process; the foreground commands before it (migrate, collectstatic) finished
 *   before it started, so they hold nothing while the dyno runs.
 * - Each `cmd &` runs beside it for as long as the dyno lives: one more process.
 * - `export X=…` and `X=…` (for a variable already in the environment) feed the
 *   commands after them; `cd dir` moves where they read their files.
 * - `if`/`case`/`[ a ] && [ b ] && cmd` on variables: decided when the environment
 *   gives the values, otherwise the script is walked through each way and the way
 *   holding the most connections counts (app/analyze-app.ts: one process per way,
 *   or the whole set when what runs in the background differs too); it is assumed
 *   and said, with file:line.
 * - `( … )` is a shell of its own (its `exit`, `cd` and variables stay inside); a
 *   group started with `&` is one background process; `return` ends a function or
 *   a sourced file; `set -- …` and `X="$@"` take the script's arguments.
 * - A script the script runs (`bash bin/web.sh`, `./start.sh`) is followed, to
 *   MAX_DEPTH; functions are followed where they are called; `source` files
 *   feed their variables.
 * - A construct this reader does not follow makes only itself unknown (said with
 *   file:line); the rest of the script is still read.
 *
 * Heroku runs each Procfile command with `bash -c` (devcenter: "Procfile"), so a
 * line with `&`, a `cd` or a script goes through the same reader, at depth 0.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import {Env, type EnvEntry, type EnvLayer} from '../model/env.js'
import {type FileReader, normalizedDir} from '../model/files.js'
import type {ExitsAtStart, ParsedCommand} from '../languages/common/types.js'
import type {DynoFacts} from '../platform/dyno-sizes.js'
import {programLanguage} from '../platform/language.js'

import {entrySources, layer} from '../model/env.js'
import {assumed, fromDefault, fromEnv, fromFile, type Source} from '../model/source.js'
import {DELEGATING_PROGRAMS, type NodeDelegation, nodeDelegation, type NodeRun} from './node-run.js'
import {DEFAULT_PATH, joinPath, onPlatformAppRoot} from '../util/app-path.js'
import {isRailsMigration, unwrapped} from '../languages/ruby/migration-lock.js'
import {expandShell, globMatch, normalizePath, SHELLS, type ShellInvocation, splitCommand} from '../languages/shell/shell.js'
import {knownProgram} from '../languages/shell/programs.js'
import type {TsNode} from '../util/tree-sitter.js'
import {append} from '../util/arrays.js'
import {resolveCommandOutput} from './command-output.js'
import {exportedWords, type Stage} from './export-file.js'
import {substituteDynoCommands} from './dyno-commands.js'
import {deployHookOf} from './release.js'
import {daemonizes, neverReturns} from '../languages/common/long-running.js'
import {makeRun, type MakeRun} from './makefile.js'
import {compiledBinary} from './compiled-binary.js'
import {copiedPath, imageFile, imageHolds, type ImageFiles} from '../model/image-files.js'
import {fpmDaemonizes} from '../languages/php/fpm-pools.js'
import {posix} from 'node:path'

/** An `if`/`case` conncalc could not decide, and the branch it took. */
export interface ScriptAssumption {
  file: string
  line: number
  message: string
}

/** One process the script leaves running in the dyno. */
export interface ScriptProcess {
  /** Labelled assumptions that led to it (an `if` conncalc could not decide). */
  assumptions: ScriptAssumption[]
  /** Started with `&`: runs beside the foreground process. */
  background: boolean
  /** How many of it run (`for i in 1 2 3; do worker & done`: 3); 1 when not said. */
  copies?: number
  /** The package.json scripts that led to it (a workspace's `start`, a root script that delegates), outermost first. */
  chain: Source[]
  /** What started it beside the foreground process, when not `&`: `concurrently (package.json:31)`. */
  startedBy?: string
  /** Why what it runs cannot be told (a workspace package conncalc cannot find): counted by the unknown analyzer, saying so. */
  unknownWhy?: string
  /** The command stops at start before any of the app's code runs (a script no selected workspace package has): 0 connections, with why. */
  exitsAtStart?: ExitsAtStart
  /** Put in the background by the program itself (`php-fpm -D`, `unicorn -D`, PHP-FPM's daemonize = yes), not by `&`: what to say if nothing stays in front. */
  daemonized?: string
  command: ParsedCommand
  /**
   * In a loop (`while true; do a; b; done`): the other commands it runs one after another in the
   * same process slot, each at some time; the one holding the most connections is what counts.
   */
  inTurn?: {loop: {file: string; line: number}; runs: ScriptProcess[]; sequence?: true}
  /**
   * An `if`/`case` the environment does not decide, whose branches each start one process and
   * otherwise leave the script alike: the other branches' processes. One of them runs; the one
   * holding the most connections is counted (app/analyze-app.ts), marked as an assumption.
   */
  either?: {
    at: {file: string; line: number}
    runs: ScriptProcess[]
    /**
     * Set when the script was walked again through each branch (followCommand): the choice, and what
     * tells each process apart (`WEB_CONCURRENCY=1 (bin/web:3)`, `WEB_CONCURRENCY unset`), this one first.
     * The processes carry no assumption of their own: it is said only when the choice changes the count.
     */
    replayed?: {labels: string[]; what: string}
  }
  /** Where it reads its files from, relative to the app root ('' = the root). */
  cwd: string
  /** The environment it sees: the type's env plus what the script exported and the line assigned. */
  env: Env
  origin: {file: string; line: number}
}

export interface FollowedScript {
  diagnostics: Diagnostic[]
  /** The foreground process first (when there is one), then the background ones in start order. */
  processes: ScriptProcess[]
  /**
   * Branches the environment does not decide whose ways leave different sets of processes running (a job put in
   * the background on one way only): each way's processes, `processes` (the first walk's) first. Only one way
   * runs; app/analyze-app.ts counts the set holding the most connections, and says so when the sets differ in it.
   */
  ways?: {at: {file: string; line: number}; sets: ScriptProcess[][]; what: string}
  /** The scripts read, in the order they were entered. */
  scripts: string[]
}

/** Scripts calling scripts: deeper than this is said, not followed. */
const MAX_DEPTH = 4
/** package.json scripts and workspaces calling each other (a root script → a workspace → its script → …): deeper is a loop, said. */
const NODE_MAX_DEPTH = 10

const SHEBANG_SHELL = /^#!\s*\S*?\b(?:env\s+)?(?:ba|da|a|z)?sh\b/

/**
 * The repo file a command runs as a shell script: `bash x.sh`, `sh -e x`, or a
 * path to a file whose shebang is a shell.
 * A script in another language (`#!/usr/bin/env ruby`) is not one; a file with no
 * shebang is, as bash runs it.
 */
export function shellScriptOf(argv: string[], files: FileReader, cwd = ''): string | undefined {
  if (argv.length === 0) return undefined
  let path: string | undefined
  let explicit = false
  const head = argv[0].split('/').pop()!
  if (SHELLS.has(head)) {
    const args = argv.slice(1)
    let i = 0
    while (i < args.length && /^[-+][a-zA-Z]+$/.test(args[i])) {
      if (/^-[a-z]*c/.test(args[i])) return undefined // `bash -c '…'`: the command line's own reader handles it
      i++
    }
    path = args[i]
    explicit = true
  } else {
    path = argv[0]
  }

  if (!path || path.startsWith('-')) return undefined
  const rel = joinPath(cwd, normalizePath(path)) ?? besideFolder(files, cwd, normalizePath(path))
  if (rel === undefined) return undefined
  const file = files.read(rel)
  if (!file) return undefined
  const first = file.text.split('\n', 1)[0]
  if (first.startsWith('#!')) return SHEBANG_SHELL.test(first) || explicit ? rel : undefined
  // No shebang: bash runs an executable text file as a shell script itself (execve fails with ENOEXEC).
  return rel
}

/**
 * `../deploy/entrypoint.sh` from a process that starts in a folder of the repository (an image's WORKDIR that
 * is backend/): the path from that folder while it stays inside the repository, else undefined.
 */
function besideFolder(files: FileReader, cwd: string, path: string): string | undefined {
  if (files.within === undefined || path.startsWith('/')) return undefined
  const from = normalizedDir(`${files.within}/${cwd}`)
  const target = normalizedDir(`${from}/${path}`)
  if (target === '..' || target.startsWith('../')) return undefined
  return normalizedDir(`${cwd}/${path}`)
}

/** A folder of the repo (it holds files): where a `cd` moves the reading of the app's files. */
function isRepoDir(files: FileReader, cwd: string, target: string): boolean {
  const dir = joinPath(cwd, normalizePath(target))
  // A folder that holds only folders (`cd site && gunicorn proj.wsgi`, proj/ inside site/) is one of the repo too.
  return dir !== undefined && dir !== '' && (files.list(dir).length > 0 || files.folders(dir).length > 0)
}

/**
 * What is said when a server that puts itself in the background and returns is all a command leaves running: its
 * daemonizing flag (`php-fpm -D`, `unicorn -D`), or, for PHP-FPM in an image with neither -F nor -D, php-fpm.conf's
 * daemonize (yes unless the image says no: fpm-pools.ts). The command returns, so the dyno or container stops.
 * Undefined for a server that stays in front.
 */
export function daemonizedAway(argv: readonly string[], image?: {files: FileReader; image: ImageFiles}): string | undefined {
  const how = daemonizes(argv) ? 'its daemonizing flag' : image !== undefined && fpmDaemonizes(argv, image) === true ? "php-fpm.conf's [global] daemonize, which defaults to yes (php-src sapi/fpm/php-fpm.conf.in), with neither -F nor -D given" : undefined
  if (how === undefined) return undefined
  const where = image ? "the image's command returns at once and the container stops (its main process exited)" : 'the command returns at once and the dyno stops (Heroku restarts a process that exits)'
  const fix = how.startsWith('php-fpm.conf') ? 'give php-fpm -F, or daemonize = no in php-fpm.conf' : 'leave out its daemonizing flag'
  return `\`${argv.join(' ')}\` forks into the background and returns (${how}), and nothing else runs in the foreground: ${where}; counted as if it stayed in the foreground. To run it in the foreground, ${fix}`
}

/**
 * Follow what a Procfile command runs when it is more than one command: a shell
 * script in the repo, commands sent to the background with `&`, or a `cd`.
 * Undefined when the line is one plain command (the Procfile reader has it all).
 */
export async function followCommand(
  raw: string,
  split: ParsedCommand,
  env: Env,
  files: FileReader,
  origin: {file: string; line: number},
  processType: string,
  dyno?: DynoFacts,
  /** The container image the command runs in: an absolute path a COPY --from put there maps back to the repository. */
  image?: {files: FileReader; image: ImageFiles},
): Promise<FollowedScript | undefined> {
  // A `cd` into a folder of the repo moves where the server's files are read; one into a build output (`cd X/bin/publish`) does not.
  const cds = (split.preCommands ?? []).some((c) => c[0] === 'cd' && c[1] !== undefined && isRepoDir(files, '', c[1]))
  // A deploy hook's `a && b` runs each in turn: read as a script, each one is kept (ScriptReader.inSequence).
  const inTurn = deployHookOf(processType) !== undefined && (split.preCommands ?? []).some((c) => c[0] !== 'cd')
  const make = makeRun(split.argv, files, '', (n) => env.get(n)?.value) !== undefined || (split.argv[0] !== undefined && compiledBinary(normalizePath(split.argv[0]), files) !== undefined)
  if (!inTurn && !make && !shellScriptOf(split.argv, files) && (split.background ?? []).length === 0 && !cds && !runsShellScript(split) && !exportsCommandOutput(raw) && !delegates(split.argv, files, env, origin)) return undefined
  const walk = async (forced: ReadonlyMap<string, number>): Promise<Walk> => {
    const reader = new ScriptReader(files, processType, dyno, forced, image)
    const state = newState(env, '', [])
    await reader.walkText(raw, origin, state, 0)
    return {forced, reader, state}
  }

  const first = await walk(new Map())
  if (first.reader.choices.length === 0) return first.reader.result(first.state)
  // Branches conncalc could not decide that lead the script different ways: walk it again through each other branch.
  const walks = [first]
  const queue = [first]
  const tried = new Set([''])
  let capped = false
  while (queue.length > 0) {
    const w = queue.shift()!
    for (const c of w.reader.choices) {
      for (const arm of c.arms) {
        if (arm === c.taken || w.forced.has(c.key)) continue
        const forced = new Map([...w.forced, [c.key, arm]])
        const id = [...forced].map(([k, v]) => `${k}=${v}`).sort().join(' ')
        if (tried.has(id)) continue
        tried.add(id)
        if (walks.length >= MAX_WALKS) {
          capped = true
          continue
        }

        const next = await walk(forced)
        walks.push(next)
        queue.push(next)
      }
    }
  }

  const result = alternatives(first, walks.slice(1), capped)
  return capped ? uncompared(result, walks, processType) : result
}

/**
 * More ways through the script's undecided branches than MAX_WALKS: the ways not walked may start other processes, or
 * the same with other variables, whatever the walked ones hold. Each process carries that as an assumption, said once
 * with every branch's place, even when the walked ways agree.
 */
function uncompared(result: FollowedScript, walks: Walk[], processType: string): FollowedScript {
  const places = new Map<string, Choice>()
  for (const w of walks) for (const c of w.reader.choices) if (!places.has(c.key)) places.set(c.key, c)
  const [c0] = places.values()
  const where = [...places.values()].map((c) => `${c.at.file}:${c.at.line}`).join(', ')
  const message = `${places.size} branches the environment does not decide (${where}) make more than ${MAX_WALKS} ways through the script; only ${MAX_WALKS} were compared, and another may start other processes or give them other values`
  const note: ScriptAssumption = {...c0.at, message}
  const mark = (p: ScriptProcess): ScriptProcess => ({...p, assumptions: [...p.assumptions, note]})
  const diagnostic: Diagnostic = {code: 'unknown-config-value', file: c0.at.file, fix: `say the values with --env, or the process with --assume ${processType}=PROCESSES:THREADS:POOL`, line: c0.at.line, message: `${processType}: ${message}`, processType, severity: 'warning'}
  return {
    ...result,
    diagnostics: [...result.diagnostics, diagnostic],
    processes: result.processes.map((p) => mark(p)),
    ...(result.ways ? {ways: {...result.ways, sets: result.ways.sets.map((set) => set.map((p) => mark(p)))}} : {}),
  }
}

/** `export $(…)` on the line: the variables a command prints (`export $(cat .env | xargs) && puma`), read by the script reader. */
const EXPORTS_OUTPUT = /(?:^|[;&|\s])export\s+(?:\w+=\S*\s+)*\$\((?!\()/
export const exportsCommandOutput = (raw: string): boolean => EXPORTS_OUTPUT.test(raw)

/** One walk of the script: the branches it was made to take at choices, and what it found. */
interface Walk {
  forced: ReadonlyMap<string, number>
  reader: ScriptReader
  state: State
}

/** Walks of a script through its undecided branches, at most (the first walk among them). */
const MAX_WALKS = 8

/**
 * What the script leaves running on a walk, as comparable text, with the Rails migrations run before its process (they
 * change what a deploy hook holds: languages/ruby/migration-lock.ts), so a way that migrates first is not taken for one
 * that does not.
 */
function outcomeOf(state: State): string {
  const running = [...(state.candidate ? [state.candidate] : []), ...state.background]
  const migrations = [...state.pre, ...(state.candidate?.command.preCommands ?? [])].filter((c) => isRailsMigration(unwrapped(c)))
  return JSON.stringify([running.map((p) => [p.command.argv, p.background, p.cwd, envOf(p.env), p.copies ?? 1]), migrations])
}

const envOf = (env: Env): string[] => env.names().map((n) => `${n}=${env.get(n)!.value}`).sort()

/**
 * The walks through different branches, made into one answer. Walks that leave nothing running (a
 * branch ends the script) are not how the app runs when another walk leaves something. When they all
 * leave the same processes, nothing was chosen. When they differ only in the foreground process (what it
 * runs, or the variables it sees: `if [ -n "$SMALL" ]; then export WEB_CONCURRENCY=1; fi; exec puma`), it
 * is one of those: the first walk's process carries the others (`either`, the largest counted). When
 * what runs beside it differs too (or a way's process runs a loop), each way is a set (`ways`), the largest counted.
 */
function alternatives(first: Walk, others: Walk[], capped: boolean): FollowedScript {
  const running = (w: Walk): boolean => w.state.candidate !== undefined || w.state.background.length > 0
  const live = [first, ...others].filter((w) => running(w))
  const distinct = new Map<string, Walk>()
  for (const w of live) if (!distinct.has(outcomeOf(w.state))) distinct.set(outcomeOf(w.state), w)
  const ways = [...distinct.values()]
  const base = ways[0] ?? first
  if (ways.length <= 1) return base.reader.result(base.state)
  const beside = (w: Walk): string => JSON.stringify(w.state.background.map((p) => [p.command.argv, p.cwd, envOf(p.env), p.copies ?? 1]))
  // A way whose process is itself one of several (a further `if` inside, each arm one process: `either`) offers each of them.
  // A way whose process runs a loop (inTurn) or is one of several (either) is a set like any other: app/analyze-app.ts
  // sizes such a process by the largest of its runs.
  const alike = ways.every((w) => w.state.candidate && !w.state.candidate.inTurn && !w.state.candidate.either?.replayed && beside(w) === beside(base))

  // The choices made on the walks that differ, first met first; the processes rest on them only through `either` (or `ways`).
  const choices = new Map<string, Choice>()
  for (const w of ways) for (const c of w.reader.choices) if (!choices.has(c.key)) choices.set(c.key, c)
  const places = new Set([...choices.values()].map((c) => `${c.at.file}:${c.at.line}`))
  const own = (p: ScriptProcess): ScriptProcess => ({...p, assumptions: p.assumptions.filter((a) => !places.has(`${a.file}:${a.line}`))})
  const [c0] = choices.values()
  const named = [...choices.values()].map((c) => `${c.what.replace(/ cannot be decided from the environment here$/, '')} (${c.at.file}:${c.at.line})`)
  const what = `${named.join(' and ')} cannot be decided from the environment here${capped ? ` (only ${MAX_WALKS} ways through its branches were compared)` : ''}`
  if (!alike) {
    // What runs beside the process differs too (`if [ -n "$JOBS" ]; then sidekiq & fi; exec puma`): each way is a set.
    const results = ways.map((w) => {
      if (w.state.candidate) w.state.candidate = own(w.state.candidate)
      w.state.background = w.state.background.map((p) => own(p))
      return w.reader.result(w.state)
    })
    return {...results[0], ways: {at: c0.at, sets: results.map((r) => r.processes), what}}
  }

  const procs = ways.flatMap((w) => {
    const {either, ...p} = own(w.state.candidate!)
    return [p, ...(either?.runs ?? []).map((r) => own(r))]
  })
  base.state.candidate = {...procs[0], either: {at: c0.at, replayed: {labels: labelsOf(procs), what}, runs: procs.slice(1)}}
  return base.reader.result(base.state)
}

/**
 * What tells processes with the same command apart: the folder it runs in (`in web/`), when that differs, then the
 * variables whose values differ, each with where it was set.
 */
function labelsOf(procs: ScriptProcess[]): string[] {
  const names = [...new Set(procs.flatMap((p) => p.env.names()))].filter((n) => new Set(procs.map((p) => p.env.get(n)?.value)).size > 1).sort()
  const folders = new Set(procs.map((p) => p.cwd)).size > 1
  return procs.map((p) =>
    [
      ...(folders ? [p.cwd ? `in ${p.cwd}/` : 'in the app root'] : []),
      ...names.map((n) => {
        const e = p.env.get(n)
        if (!e) return `${n} unset`
        return e.source.kind === 'env' ? `${n}=${e.value} (${e.source.from})` : `${n}=${e.value}`
      }),
    ].join(', '),
  )
}

/**
 * Whether the command runs `sh -c '…'` whose body is more than commands one after another: a branch, a loop, a
 * subshell or group, `||`, `exit`, a sourced file, a function, the shell's arguments. The command reader
 * (languages/shell) reads such a body as words; the script reader reads it as the shell would.
 */
export function runsShellScript(command: ParsedCommand): boolean {
  return command.wrappers.some((w) => w.endsWith(' -c')) && SCRIPT_SHAPE.test(command.raw)
}

const SCRIPT_SHAPE = /(?:^|[\s;&|(`"'])(?:if|case|while|until|for|exit|return|source|set|shift|\.)(?=\s)|\|\||(?<![\w$\\])[({]|\$\{?[@*#\d]/

/**
 * Whether a Node command runs somewhere else than as written: in a workspace
 * package, several commands at once, or through a package.json script that does
 * (node-run.ts). A plain `npm start` whose script is one command is not: the Node
 * analyzer follows that chain itself.
 */
export function delegates(argv: string[], files: FileReader, env: Env, origin: {file: string; line: number}, cwd = ''): boolean {
  if (!DELEGATING_PROGRAMS.has(argv[0]?.split('/').pop() ?? '')) return false
  return nodeDelegation({argv, cwd, files, npmWorkspace: npmWorkspaceOf(env), origin}, (text, run) => scriptDelegates(text, run, files, env, 0)) !== undefined
}

/** npm's `workspace` config an environment variable sets (npm reads npm_config_* case-insensitively); empty is none. */
export function npmWorkspaceOf(env: Env): string | undefined {
  const v = (env.get('NPM_CONFIG_WORKSPACE') ?? env.get('npm_config_workspace'))?.value.trim()
  return v ? v : undefined
}

/** A package.json script that needs the script reader: `&`, a `cd` into the repo, a shell script, or a delegating command. */
function scriptDelegates(text: string, run: NodeRun, files: FileReader, env: Env, depth: number): boolean {
  if (depth >= NODE_MAX_DEPTH) return true
  const split = splitCommand(text, env, run.origin).command
  if ((split.background ?? []).length > 0) return true
  if ((split.preCommands ?? []).some((c) => c[0] === 'cd' && c[1] !== undefined && isRepoDir(files, run.cwd, c[1]))) return true
  if (shellScriptOf(split.argv, files, run.cwd)) return true
  if (makeRun(split.argv, files, run.cwd, (n) => env.get(n)?.value) !== undefined) return true
  const program = split.argv[0]?.split('/').pop() ?? ''
  // Another language's program (`"django:serve:prod": "daphne … metecho.asgi:application"`, SFDO-Tooling/Metecho's
  // `web: yarn django:serve:prod`): the script is that program's command line, read by its own analyzer, not Node.
  const language = programLanguage(program)
  if (language !== undefined && language !== 'nodejs') return true
  if (!DELEGATING_PROGRAMS.has(program)) return false
  return nodeDelegation({argv: split.argv, cwd: run.cwd, files, npmWorkspace: npmWorkspaceOf(env), origin: run.origin}, (t, r) => scriptDelegates(t, r, files, env, depth + 1)) !== undefined
}

interface State {
  assumptions: ScriptAssumption[]
  background: ScriptProcess[]
  candidate?: ScriptProcess
  cwd: string
  done: boolean
  /** `exit` ended the script (done too). */
  exited: boolean
  /** `set -e` is on: a command that fails ends the script (here: a `( … )` that runs `exit 1`). */
  errexit: boolean
  /** `set -a` is on: every variable assigned is exported (`set -a; . ./.env; set +a`). */
  allexport: boolean
  /**
   * The status `exit N` gave (0 for `exit` alone: the last command's, and commands are taken to succeed); undefined
   * when its word has no number here (`exit $rc` with rc not known), with where (exitAt).
   */
  exitStatus: number | undefined
  exitAt?: {file: string; line: number; text: string}
  /** Functions and sourced files being walked: where a `return` ends one. */
  frames: number
  /**
   * `$?`, the last command's exit status, where it is known: 0 after an assignment or `true`/`:`/`echo`, 1 after
   * `false`, N after a function's `return N` (bash manual, "Special Parameters" and "Simple Command Expansion").
   */
  status?: number
  /** `return` ended the function or sourced file being walked (done too, until the call it returns to). */
  returned: boolean
  /** The environment the script started with. */
  env: Env
  /** Variables the script exported (children see them). */
  exported: Map<string, EnvEntry>
  /** Functions defined so far, with the file (and its first line) their body was read from: a sourced file's stay defined after it. */
  functions: Map<string, {body: TsNode; file: string; line0: number}>
  /** Inside a loop: where it is, and every foreground command its body runs (shared with the scripts it calls). */
  loop?: {at: {file: string; line: number}; runs: ScriptProcess[]}
  /** The script's arguments (`./bin/run celery worker` → ["celery", "worker"]): what `"$@"` and `$1` expand to. */
  positional?: string[]
  /** `$0`: the script as it was called (`/rails/bin/docker-entrypoint`), when one is being walked. */
  arg0?: string
  /**
   * `$0` in the body of `sh -c BODY NAME ARGS…`: NAME (a Dockerfile's shell-form `ENTRYPOINT x.sh $0 $@` gets CMD's first
   * word there). A script's own `$0`, its path, is left as written (`exec gosu app "$0" "$@"` would walk it again).
   */
  dollar0?: string
  /** The arguments (1 = `$1`) the caller gave from a variable with no value here (`bash backup.sh "$DATABASE_URL"`): not known, not empty. */
  unknownArgs?: ReadonlySet<number>
  /** Commands that ran and finished before the process started. */
  pre: string[][]
  /** A deploy hook's script: those commands themselves, in order (each held its connections on its turn). */
  ran: ScriptProcess[]
  /** Shell variables the script set (expansions see them). */
  vars: Map<string, EnvEntry>
}

const newState = (env: Env, cwd: string, assumptions: ScriptAssumption[]): State => ({
  allexport: false,
  assumptions,
  background: [],
  cwd,
  done: false,
  env,
  errexit: false,
  exitStatus: 0,
  exited: false,
  exported: new Map(),
  frames: 0,
  functions: new Map(),
  pre: [],
  ran: [],
  returned: false,
  vars: new Map(),
})

/** After a function call or a sourced file: a `return` in it ended only it. */
function returned(state: State): void {
  if (!state.returned) return
  state.returned = false
  state.done = state.exited
}

/** A map of variables as comparable text. */
const varsOf = (m: Map<string, EnvEntry>): string[] => [...m].map(([k, v]) => `${k}=${v.value}`).sort()

/** Each variable set since `was` (a branch conncalc assumed) now cites `why` beside where it was set. */
function markSetIn(state: State, was: {exported: Map<string, EnvEntry>; vars: Map<string, EnvEntry>}, why: Source): void {
  const marked = new Map<EnvEntry, EnvEntry>()
  const mark = (e: EnvEntry): EnvEntry => {
    let m = marked.get(e)
    if (!m) marked.set(e, (m = {...e, via: [...(e.via ?? []), why]}))
    return m
  }

  for (const [name, e] of state.vars) if (was.vars.get(name) !== e) state.vars.set(name, mark(e))
  for (const [name, e] of state.exported) if (was.exported.get(name) !== e) state.exported.set(name, mark(e))
}

/** The names whose value differs between `was` (before a branch) and `state` (after it): set, changed or unset there. */
function setIn(state: State, was: {exported: Map<string, EnvEntry>; vars: Map<string, EnvEntry>}): Set<string> {
  const names = new Set<string>()
  for (const [now, before] of [[state.vars, was.vars], [state.exported, was.exported]] as const) {
    for (const [name, e] of now) if (before.get(name) !== e) names.add(name)
    for (const name of before.keys()) if (!now.has(name)) names.add(name)
  }

  return names
}

/**
 * The variables `names` hold now cite `why` beside where they were set: another branch would have set them
 * otherwise. One the environment gave (`WEB_CONCURRENCY` from app.json) is marked as the script's own.
 */
function markNames(state: State, names: Set<string>, why: Source): void {
  const marked = new Map<EnvEntry, EnvEntry>()
  const mark = (e: EnvEntry): EnvEntry => {
    if ((e.via ?? []).includes(why)) return e
    let m = marked.get(e)
    if (!m) marked.set(e, (m = {...e, via: [...(e.via ?? []), why]}))
    return m
  }

  for (const name of names) {
    const own = state.vars.get(name)
    if (own) state.vars.set(name, mark(own))
    const x = state.exported.get(name)
    if (x) state.exported.set(name, mark(x))
    const given = own || x ? undefined : state.env.get(name)
    if (given) {
      state.vars.set(name, mark(given))
      state.exported.set(name, mark(given))
    }
  }
}

/** A branch walked on its own that ended the script (`exit`) leaving nothing new running: a guard the app passes. */
const endsWithNothing = (trial: State, state: State): boolean => trial.exited && trial.candidate === state.candidate && trial.background.length === state.background.length

/** A copy of the state to walk a branch on without changing the real one (with `assumed` added to its assumptions). */
const copyState = (state: State, assumed?: ScriptAssumption): State => ({
  ...state,
  assumptions: assumed ? [...state.assumptions, assumed] : [...state.assumptions],
  background: [...state.background],
  exported: new Map(state.exported),
  functions: new Map(state.functions),
  pre: [...state.pre],
  ran: [...state.ran],
  vars: new Map(state.vars),
})

/** An `if`/`case` the environment does not decide whose branches lead the script different ways: where, and which branch was walked. */
interface Choice {
  /** The branches that do not end the script at once (indexes into the bodies from the first undecided one). */
  arms: number[]
  at: {file: string; line: number}
  key: string
  taken: number
  what: string
}

class ScriptReader {
  /** The choices met on this walk, in the order met. */
  readonly choices: Choice[] = []
  /** A deploy hook's command (release, postdeploy): every foreground command it runs is kept (State.ran), not only the last. */
  private readonly inSequence: boolean
  /** Where the walk started (the Procfile line): what a deploy hook's commands are said against. */
  private origin?: {file: string; line: number}
  private readonly diagnostics: Diagnostic[] = []
  private readonly scripts: string[] = []

  constructor(
    private readonly files: FileReader,
    private readonly processType: string,
    private readonly dyno?: DynoFacts,
    /** The branch to walk at a choice (by key), on a replay. */
    private readonly forced: ReadonlyMap<string, number> = new Map(),
    private readonly image?: {files: FileReader; image: ImageFiles},
  ) {
    this.inSequence = deployHookOf(processType) !== undefined
  }

  result(state: State): FollowedScript {
    // A deploy hook holds, in turn, what each of its commands holds: the last one carries the others.
    if (state.candidate && state.ran.length > 0 && !state.candidate.inTurn && !state.candidate.either) state.candidate = {...state.candidate, inTurn: {loop: this.origin!, runs: state.ran, sequence: true}}
    // Only servers that daemonized themselves and nothing in the foreground: the command returns at once, so the dyno
    // or container stops (its main process exited) and is restarted, again and again. Counted as if it stayed in front, said.
    if (!state.candidate && !this.inSequence) {
      for (const p of state.background) {
        if (!p.daemonized) continue
        p.assumptions.push({file: p.origin.file, line: p.origin.line, message: p.daemonized})
      }
    }

    const processes = [...(state.candidate ? [state.candidate] : []), ...state.background]
    if (state.candidate && state.pre.length > 0) state.candidate.command.preCommands = [...state.pre, ...(state.candidate.command.preCommands ?? [])]
    // An undecided branch matters only when what it started is still running.
    const notes = new Map(processes.flatMap((p) => p.assumptions).map((a) => [`${a.file}:${a.line}`, a]))
    for (const note of notes.values()) this.warn(note)
    return {diagnostics: this.diagnostics, processes, scripts: this.scripts}
  }

  private warn(d: ScriptAssumption): void {
    this.diagnostics.push({
      code: 'unknown-config-value',
      file: d.file,
      fix: `say the value with --env, or the process with --assume ${this.processType}=PROCESSES:THREADS:POOL`,
      line: d.line,
      message: `${this.processType}: ${d.message}`,
      processType: this.processType,
      severity: 'warning',
    })
  }

  /** Parse and walk a script's text; `origin.line` is the line of its first row. */
  async walkText(text: string, origin: {file: string; line: number}, state: State, depth: number, within: readonly string[] = []): Promise<void> {
    this.origin ??= origin
    // Loaded on first use: an app whose Procfile runs no script never loads a parser for it (test/e2e/lazy-analyzers.test.ts).
    const {firstSyntaxError, loadGrammar} = await import('../util/tree-sitter.js')
    const parser = await loadGrammar('bash')
    const tree = parser.parse(text)
    if (!tree) return
    const error = firstSyntaxError(tree)
    if (error) {
      this.diagnostics.push({
        code: 'unparsable-config',
        file: origin.file,
        line: origin.line + error.line - 1,
        message: `${this.processType}: ${error.message}; the statements around it are read as far as they parse`,
        processType: this.processType,
        severity: 'warning',
      })
    }

    const ctx = {depth, file: origin.file, line0: origin.line, within: [...within, origin.file]}
    await this.statements(tree.rootNode.children, state, ctx, false)
    // A function this text defined outlives it when the text was sourced (`source lib.sh`, then `launch` calls lib.sh's
    // function): its body is a node of this tree, so the tree is kept while the function is.
    if (![...state.functions.values()].some((f) => f.body.tree === tree)) tree.delete()
  }

  private async statements(nodes: TsNode[], state: State, ctx: Ctx, inBackground: boolean): Promise<void> {
    for (let i = 0; i < nodes.length && !state.done; i++) {
      const node = nodes[i]
      if (!node.isNamed) continue
      const bg = inBackground || nodes[i + 1]?.type === '&'
      await this.statement(node, state, ctx, bg)
    }
  }

  private async statement(node: TsNode, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    // `(migrate; exec worker) &`, `cd x && run &`, `while …; done &`: the group runs in a shell of its own beside the
    // script, its commands one after another there; what it leaves running is one process in the background.
    if (bg && BACKGROUND_GROUPS.has(node.type)) {
      await this.backgroundGroup(node, state, ctx)
      return
    }

    switch (node.type) {
      case 'comment':
      case 'test_command':
      case 'negated_command':
      case 'ERROR': {
        // A syntax error is said once, by walkText.
        return
      }

      case 'unset_command': {
        for (const c of node.namedChildren) {
          state.vars.delete(c.text)
          state.exported.delete(c.text)
          // One the script started with (the image's ENV, the Procfile line's): gone for what runs after (zipline's
          // docker-entrypoint.sh `unset ZIPLINE_DOCKER_BUILD` before `node dist/index.js`, which then makes its client).
          if (state.env.has(c.text)) state.env = state.env.with({label: `${ctx.file}:${lineOf(node, ctx)} unset`, unset: new Set([c.text]), vars: new Map()})
        }

        return
      }

      case 'variable_assignment': {
        await this.assign(node, state, ctx, false)
        // An assignment's status is 0, or a command substitution's in it (not run here).
        state.status = /\$\(|`/.test(node.text) ? undefined : 0
        return
      }

      case 'declaration_command': {
        const keyword = node.children[0]?.text
        const exportAll = keyword === 'export' || node.children.some((c) => c.type === 'word' && /^-\w*x/.test(c.text))
        for (const c of node.namedChildren) {
          if (c.type === 'variable_assignment') await this.assign(c, state, ctx, exportAll)
          else if (c.type === 'variable_name' && exportAll) {
            const e = state.vars.get(c.text)
            if (e) state.exported.set(c.text, e)
          } else if (c.type === 'command_substitution' && keyword === 'export') this.exportOutput(node, c, state, ctx)
          if (state.done) return
        }

        // export/local/declare/readonly succeed (`local x=$(cmd)` too: local's own status, not the command's).
        state.status = 0
        return
      }

      case 'function_definition': {
        const name = node.childForFieldName('name')?.text
        const body = node.childForFieldName('body')
        if (name && body) state.functions.set(name, {body, file: ctx.file, line0: ctx.line0})
        return
      }

      case 'redirected_statement': {
        const body = node.childForFieldName('body')
        if (body) await this.statement(body, state, ctx, bg)
        return
      }

      case 'pipeline': {
        // The far end of a pipe (`| tee log`, `| logger`) only reads; the first command is the one that runs.
        const first = node.namedChildren[0]
        if (first) await this.statement(first, state, ctx, bg)
        return
      }

      case 'list': {
        const [left, right] = [node.namedChildren[0], node.namedChildren.at(-1)]
        const op = node.children.find((c) => !c.isNamed)?.type
        // `[ "$X" = web ] && exec puma`, `[ -n "$A" ] && [ "$B" = 1 ] && cd x && exec puma`: the commands after the
        // tests run when every test passes; tests the environment here cannot decide are a choice like `if`'s (a side
        // that ends the script, `[ -z "$X" ] && exit 1`, is a guard the app passes).
        const chain = op === '&&' ? andChain(node) : []
        const tests = chain.slice(0, Math.max(0, chain.findIndex((n) => !isTest(n))))
        if (tests.length > 0) {
          const rest = chain.slice(tests.length)
          const values = tests.map((t) => this.testOf(t, state))
          let passed = values.includes(false) ? false : values.includes(undefined) ? undefined : true
          // `[ -z "${X+x}" ] && exit 1`: a guard on a variable the deploy sets (askedGuard), not a way the script ends.
          if (passed === true && tests.some((t) => /\$\{[A-Z_a-z]\w*:?\+/.test(t.text))) {
            for (const t of tests) if (await this.askedGuard(t, rest, state, ctx, bg)) passed = undefined
          }

          if (passed === true) await this.statements(rest, state, ctx, bg)
          if (passed !== undefined) return
          if (state.loop) {
            await this.onSomeTurns(rest, state, ctx, bg)
            return
          }

          const condition = node.text.slice(0, tests.at(-1)!.endIndex - node.startIndex)
          const what = `\`${firstLine(condition)} && …\` cannot be decided from the environment here`
          await this.decide([rest, []], [`command after \`&&\``, `way on without it`], {at: {file: ctx.file, line: lineOf(tests[0], ctx)}, key: keyOf(tests[0], ctx), what}, state, ctx, bg)
          return
        }

        if (left) await this.statement(left, state, ctx, bg)
        // `a || b`: b runs only when a fails (`migrate || exit 1`): not what stays up.
        if (right && right !== left && op === '&&') await this.statement(right, state, ctx, bg)
        // `[ "$X" ] || export X=…`: how a script gives a variable its default; b runs when the test is false. A test the
        // environment here cannot decide (X not given) is taken as false, as on a platform that does not set X, and said;
        // unless b ends the script (`[ -n "$DATABASE_URL" ] || exit 1`): a guard the app as deployed passes.
        else if (left && right && right !== left && op === '||' && isTest(left)) {
          const passed = this.testOf(left, state)
          if (passed === true) return
          // `[ -n "${X+x}" ] || exit 1`: a guard on a variable the deploy sets (askedGuard).
          if (passed === false && (await this.askedGuard(left, [right], state, ctx, bg))) return
          if (passed === undefined) {
            const [trial] = await this.walkApart([[right]], state, ctx, bg)
            if (endsWithNothing(trial, state)) return
            this.warn({file: ctx.file, line: lineOf(left, ctx), message: `\`${firstLine(left.text)}\` cannot be decided from the environment here; taken as false, so \`${firstLine(right.text)}\` runs`})
          }

          await this.statement(right, state, ctx, bg)
        }

        return
      }

      case 'subshell': {
        await this.subshell(node, state, ctx)
        return
      }

      case 'compound_statement':
      case 'do_group': {
        await this.statements(node.children, state, ctx, bg)
        return
      }

      case 'while_statement':
      case 'until_statement':
      case 'for_statement':
      case 'c_style_for_statement': {
        // `while true; do worker; done` keeps restarting its body: the body is what runs.
        const body = node.childForFieldName('body')
        // A `while` whose condition is false on entry (an `until`'s true) never runs its body: the argument-parsing loop
        // `while [[ "$#" -gt 0 ]]; do case $1 in … *) exit 1 ;; esac; shift; done` of a script given no arguments.
        const condition = node.type === 'while_statement' || node.type === 'until_statement' ? node.childForFieldName('condition') : null
        if (condition && !state.loop) {
          // tree-sitter-bash parses `until` as a while_statement whose first token is `until`.
          const until = node.type === 'until_statement' || node.children[0]?.type === 'until'
          const value = isTest(condition) ? this.testOf(condition, state) : this.test(condition, state)
          if (value === until) return
        }

        if (body) await this.loop(node, body, state, ctx, bg)
        return
      }

      case 'if_statement': {
        await this.ifStatement(node, state, ctx, bg)
        return
      }

      case 'case_statement': {
        await this.caseStatement(node, state, ctx, bg)
        return
      }

      case 'command': {
        state.status = undefined
        await this.command(node, state, ctx, bg)
        // Builtins whose status is known (a function's is what its `return` set, or its last command's).
        const name = node.childForFieldName('name')?.text
        if (!state.functions.has(name ?? '')) {
          if (name === 'true' || name === ':' || name === 'echo' || name === 'printf') state.status = 0
          else if (name === 'false') state.status = 1
        }

        return
      }

      default: {
        // The arithmetic of a `(( … ))` command (`((elapsed=elapsed+1))`): it computes, it starts nothing — unless a `$( … )`
        // inside runs a command. Its status is its value's, not known here.
        if (node.parent?.type === 'compound_statement' && node.parent.children[0]?.type === '((' && node.descendantsOfType('command_substitution').length === 0) {
          state.status = undefined
          return
        }

        this.diagnostics.push({
          code: 'unknown-config-value',
          file: ctx.file,
          line: lineOf(node, ctx),
          message: `${this.processType}: \`${firstLine(node.text)}\` (${node.type}) is not followed; what it starts is not counted`,
          processType: this.processType,
          severity: 'warning',
        })
      }
    }
  }

  /**
   * `( … )` runs in a copy of the shell: what it starts runs as the script's would, but its variables, its `cd`
   * and its functions stay inside, and an `exit` or `exec` there ends only it (bash manual, "Command Grouping").
   */
  private async subshell(node: TsNode, state: State, ctx: Ctx): Promise<void> {
    const inner = copyState(state)
    inner.done = false
    inner.exited = false
    inner.exitStatus = 0
    inner.returned = false
    inner.frames = 0
    await this.statements(node.children, inner, ctx, false)
    state.background = inner.background
    state.candidate = inner.candidate
    state.pre = inner.pre
    // Under `set -e` a subshell that exits with a failure ends the script too, where its status is not tested (bash
    // manual, "The Set Builtin": not in a `&&`/`||` list but the last, not after `!`, not in a condition).
    if (state.errexit && inner.exited && inner.exitStatus !== 0 && statusUntested(node)) {
      if (inner.exitStatus === undefined) {
        // `( … exit $rc )`: a failure ends the script, a success does not; which is not known here. Taken as success
        // (the script goes on, as an app that runs does), and what starts after it carries that, said.
        const at = inner.exitAt!
        state.assumptions = [...state.assumptions, {file: at.file, line: at.line, message: `\`${firstLine(at.text)}\` in \`( … )\` under set -e: its status is not known here (a failure ends the script); taken as success, so the script goes on`}]
        return
      }

      state.done = true
      state.exited = true
      state.exitStatus = inner.exitStatus
    }
  }

  /** A group started with `&` (see statement): walked on its own shell; its last foreground process runs in the background. */
  private async backgroundGroup(node: TsNode, state: State, ctx: Ctx): Promise<void> {
    const inner = copyState(state)
    Object.assign(inner, {candidate: undefined, done: false, exited: false, frames: 0, loop: undefined, pre: [], ran: [], returned: false})
    await this.statement(node, inner, ctx, false)
    if (inner.background.length > state.background.length || inner.candidate) this.foregroundReturned(state)
    state.background = inner.background
    if (inner.candidate) state.background.push({...inner.candidate, background: true})
  }

  /**
   * A job started with `&` after a foreground command: bash starts it only once that command has returned, so the
   * command was a step before what the dyno runs (`python manage.py trigger_wopi_configuration`, then `gunicorn … &`
   * and `bin/run &`, then `wait -n`), not one of its processes. A loop's commands, a deploy hook's and an undecided
   * branch's keep their own rules.
   */
  private foregroundReturned(state: State): void {
    const c = state.candidate
    if (!c || state.loop || this.inSequence || c.inTurn || c.either) return
    state.pre.push(c.command.argv)
    state.candidate = undefined
  }

  private lookup(state: State): (name: string) => string | undefined {
    // A command's output (`X=$(cmd)`) has no value to expand: as unset, as before it was read.
    return (name) => {
      const e = state.vars.get(name) ?? state.env.get(name)
      return e?.unknown === undefined ? e?.value : undefined
    }
  }

  private async assign(node: TsNode, state: State, ctx: Ctx, exported: boolean): Promise<void> {
    const nameNode = node.childForFieldName('name')
    const valueNode = node.childForFieldName('value')
    const appends = node.children.some((c) => c.type === '+=')
    if (nameNode && (valueNode?.type === 'array' || nameNode.type === 'subscript')) {
      this.assignArray(nameNode, valueNode, appends, state, ctx, exported)
      return
    }

    const name = nameNode?.text
    if (!name) return
    let text = valueNode?.text ?? ''
    // `X+=word`: appended to X's value (bash manual, "Shell Parameters"); to its first element for an array.
    const before = appends ? (state.vars.get(name) ?? state.env.get(name)) : undefined
    if (before?.unknown !== undefined) {
      const at = `${ctx.file}:${lineOf(node, ctx)}`
      this.setVar(state, {name, source: fromEnv(name, at), unknown: `${name} is appended to at ${at}, and its value before is not known here (${before.unknown})`, value: text}, exported)
      return
    }

    const prefix = before?.value ?? ''
    // `SCRIPT=$(readlink -f "$0")`, `DIR=$(dirname "$SCRIPT")`: the script's own path and folder (before `${BASH_SOURCE[0]}`
    // is read as an array of the script's).
    text = arrayRefsText(scriptPathSubstituted(text, ctx, this.lookup(state)), state)
    // `database_url=$1`: the script's argument, as the caller gave it; one from a variable with no value here is not known.
    // `ARGS="$@"`, `ALL=$*`: every argument, joined by spaces (a scalar assignment does not keep them apart); `N=$#` how many.
    const args = state.positional
    if (args && POSITIONAL_REF.test(text)) {
      const refs = [...text.matchAll(POSITIONAL_REFS)].map((m) => m[1])
      const unknownRef = (r: string): boolean => (r === '@' || r === '*' ? (state.unknownArgs?.size ?? 0) > 0 : r !== '#' && (state.unknownArgs?.has(Number(r)) ?? false))
      if (refs.some((r) => unknownRef(r))) {
        const at = `${ctx.file}:${lineOf(node, ctx)}`
        const entry: EnvEntry = {name, source: fromEnv(name, at), unknown: `${name} is set from the script's argument at ${at}, which its caller gave from a variable with no value here`, value: text}
        state.vars.set(name, entry)
        if (exported || state.allexport || state.exported.has(name) || state.env.has(name)) state.exported.set(name, entry)
        return
      }

      text = argOperators(text).replaceAll(POSITIONAL_REFS, (_, n: string) => (n === '@' || n === '*' ? args.join(' ') : n === '#' ? String(args.length) : (args[Number(n) - 1] ?? '')))
    }

    // `result=$?`: the last command's status, where it is known here; else a value not known (not an empty string).
    if (/\$(?:\?|\{\?\})/.test(text)) {
      if (state.status === undefined) {
        const at = `${ctx.file}:${lineOf(node, ctx)}`
        const entry: EnvEntry = {name, source: fromEnv(name, at), unknown: `${name} is set at ${at} from \`$?\`, the status of a command conncalc does not run`, value: text}
        state.vars.set(name, entry)
        if (exported || state.allexport || state.exported.has(name) || state.env.has(name)) state.exported.set(name, entry)
        return
      }

      text = text.replaceAll(/\$(?:\?|\{\?\})/g, String(state.status))
    }

    if (/\$\(|`/.test(text)) {
      // The output of a command: the literal an app script only prints, else a value said to be unknown — set, so a
      // config's fallback for an unset variable is not taken for it (command-output.ts).
      const raw: EnvEntry = {name, source: fromEnv(name, `${ctx.file}:${lineOf(node, ctx)}`), value: text}
      const entry = await resolveCommandOutput(raw, this.files, {cwd: state.cwd, dyno: this.dyno, env: this.childEnv(state, `${ctx.file}:${lineOf(node, ctx)}`)})
      state.vars.set(name, entry)
      if (exported || state.allexport || state.exported.has(name) || state.env.has(name)) state.exported.set(name, entry)
      return
    }

    const expanded = expandShell(text, argLookup(args, this.lookup(state)))
    const via = expanded.unresolved.length > 0 ? [] : [...new Set([...usedNames(text), ...(before ? [name] : [])])].flatMap((n) => {
      const e = state.vars.get(n) ?? state.env.get(n)
      return e ? entrySources(e) : []
    })
    const entry: EnvEntry = {name, source: fromEnv(name, `${ctx.file}:${lineOf(node, ctx)}`), value: prefix + expanded.text, ...(via.length > 0 ? {via} : {})}
    state.vars.set(name, entry)
    // bash: a variable that came from the environment stays exported when the script assigns it.
    if (exported || state.allexport || state.exported.has(name) || state.env.has(name)) state.exported.set(name, entry)
  }

  private setVar(state: State, entry: EnvEntry, exported: boolean): void {
    state.vars.set(entry.name, entry)
    if (exported || state.allexport || state.exported.has(entry.name) || state.env.has(entry.name)) state.exported.set(entry.name, entry)
  }

  /**
   * A bash array (`ARGS=(--workers 4 "$@")`, `ARGS+=(-k gevent)`, `ARGS[1]=8`): its elements as bash makes them (an
   * unquoted expansion split at blanks, `"$@"` each argument, bash manual "Arrays"), kept on the variable, whose own
   * value is the first element (`$ARGS` is `${ARGS[0]}`). An element from a command's output or from an argument given
   * from a variable with no value here is not known: it keeps its text, said where it is used.
   */
  private assignArray(nameNode: TsNode, valueNode: TsNode | null, appends: boolean, state: State, ctx: Ctx, exported: boolean): void {
    const at = `${ctx.file}:${lineOf(nameNode, ctx)}`
    const indexed = nameNode.type === 'subscript'
    const name = indexed ? nameNode.childForFieldName('name')?.text : nameNode.text
    if (!name) return
    const before = state.vars.get(name) ?? state.env.get(name)
    const had: ArrayElement[] = (before as ArrayEntry | undefined)?.elements ?? (before ? [{unknown: before.unknown, value: before.value, via: entrySources(before)}] : [])
    let elements: ArrayElement[]
    if (indexed) {
      const index = Number(nameNode.childForFieldName('index')?.text)
      const [value = {value: ''}] = this.arrayElements(valueNode ? [valueNode] : [], name, at, state, false)
      elements = [...had]
      if (Number.isInteger(index) && index >= 0) {
        for (let i = elements.length; i < index; i++) elements.push({value: ''})
        elements[index] = value
      } else {
        elements.push({at, unknown: `${nameNode.text} is set at ${at} with an index conncalc does not work out`, value: value.value})
      }
    } else {
      const got = this.arrayElements(valueNode?.namedChildren ?? [], name, at, state, true)
      elements = appends ? [...had, ...got] : got
    }

    const first = elements[0]
    const entry: ArrayEntry = {elements, name, source: fromEnv(name, at), value: first?.value ?? '', ...(first?.unknown === undefined ? {} : {unknown: first.unknown})}
    this.setVar(state, entry, exported)
  }

  private arrayElements(items: TsNode[], name: string, at: string, state: State, split: boolean): ArrayElement[] {
    const args = state.positional
    const out: ArrayElement[] = []
    for (const item of items) {
      let text = item.text
      if (args && /^"?\$(?:@|\{@\})"?$/.test(text)) {
        for (const [i, value] of args.entries()) out.push(state.unknownArgs?.has(i + 1) ? {at, unknown: `${name} holds the script's argument ${i + 1} (${at}), which its caller gave from a variable with no value here`, value} : {at, value})
        continue
      }

      if (/\$\(|`/.test(text)) {
        out.push({at, unknown: `${name}[${out.length}] is set at ${at} from a command's output, which conncalc does not run`, value: text})
        continue
      }

      if (args && POSITIONAL_REF.test(text)) {
        if ([...text.matchAll(POSITIONAL_REFS)].some((m) => (m[1] === '@' || m[1] === '*' ? (state.unknownArgs?.size ?? 0) > 0 : m[1] !== '#' && (state.unknownArgs?.has(Number(m[1])) ?? false)))) {
          out.push({at, unknown: `${name}[${out.length}] is set at ${at} from the script's argument, which its caller gave from a variable with no value here`, value: text})
          continue
        }

        text = argOperators(text).replaceAll(POSITIONAL_REFS, (_, n: string) => (n === '@' || n === '*' ? args.join(' ') : n === '#' ? String(args.length) : (args[Number(n) - 1] ?? '')))
      }

      text = arrayRefsText(text, state)
      const expanded = expandShell(text, argLookup(args, this.lookup(state)))
      const via = [...new Set(usedNames(text))].flatMap((n) => {
        const e = state.vars.get(n) ?? state.env.get(n)
        return e ? entrySources(e) : []
      })
      const unknownIn = usedNames(text).map((n) => (state.vars.get(n) ?? state.env.get(n))?.unknown).find((u) => u !== undefined)
      const el = (value: string): ArrayElement => ({at, value, ...(unknownIn === undefined ? {} : {unknown: unknownIn}), ...(via.length > 0 ? {via} : {})})
      // An unquoted expansion is split into words (none when it is empty); a quoted one, or a word, is one element.
      if (split && (item.type === 'simple_expansion' || item.type === 'expansion')) for (const w of expanded.text.split(/\s+/).filter(Boolean)) out.push(el(w))
      else out.push(el(expanded.text))
    }

    return out
  }

  /**
   * `"${ARGS[@]}"` (each element a word), `${ARGS[*]}`, `${ARGS[N]}` and `${#ARGS[@]}` on a command line: each element
   * as a variable of its own (`${__CONNCALC_ELEM_ARGS_0}`), which the command reader expands with where it came from. A
   * name that is not an array is its own value as element 0; one unset has none.
   */
  private arrayWords(text: string, state: State, at: string): {text: string; vars: EnvEntry[]} {
    const vars: EnvEntry[] = []
    if (!text.includes('[')) return {text, vars}
    const replaced = text.replaceAll(/("?)\$\{(#?)([A-Z_a-z]\w*)\[([@*]|\d+)\]\}("?)/g, (m, q1: string, count: string, name: string, index: string, q2: string) => {
      const elements = elementsOf(state, name)
      if (elements === undefined) return m
      if (count) return `${q1}${elements.length}${q2}`
      const entry = (state.vars.get(name) ?? state.env.get(name))!
      const ref = (i: number): string => {
        const e = elements[i]
        const v = `${ELEM}${name}_${i}`
        // Where the element was set; the array's own via carries what an assumed branch around its assignment said.
        if (e && !vars.some((x) => x.name === v)) vars.push({name: v, source: fromEnv(`${name}[${i}]`, e.at ?? at), value: e.value, ...(e.unknown === undefined ? {} : {unknown: e.unknown}), via: [...(e.via ?? []), ...(entry.via ?? [])]})
        return `\${${v}}`
      }

      const quoted = q1 === '"' && q2 === '"'
      if (index === '@' && quoted) return elements.map((_, i) => `"${ref(i)}"`).join(' ')
      if (index === '*' && quoted) return `"${elements.map((_, i) => ref(i)).join(' ')}"`
      if (index === '@' || index === '*') return `${q1}${elements.map((_, i) => ref(i)).join(' ')}${q2}`
      return `${q1}${Number(index) < elements.length ? ref(Number(index)) : ''}${q2}`
    })
    return {text: replaced, vars}
  }

  /**
   * `${NAME:=word}` / `${NAME=word}` assign the word when NAME is unset (or, with the colon, empty), and
   * later lines see it: `: ${PUMA_MAX_THREADS:=12}` is how scripts give a variable its default.
   */
  private assignDefaults(text: string, state: State, ctx: Ctx, line: number): void {
    for (const m of text.matchAll(/\$\{([A-Z_a-z]\w*)(:?)=([^${}`]*)\}/g)) {
      const [, name, colon, word] = m
      const current = state.vars.get(name)?.value ?? state.env.get(name)?.value
      if (colon ? current !== undefined && current !== '' : current !== undefined) continue
      const entry: EnvEntry = {name, source: fromEnv(name, `${ctx.file}:${line}`), value: expandShell(word, this.lookup(state)).text}
      state.vars.set(name, entry)
      if (state.allexport || state.exported.has(name) || state.env.has(name)) state.exported.set(name, entry)
    }
  }

  /**
   * `export $(grep -v '^#' .env | xargs)`: the words the pipeline prints, each exported as `export` would
   * (export-file.ts reads which). A file not in the repo (written by the build or the platform, or kept out of
   * git) or a pipeline not read here exports variables conncalc cannot know: said, and what starts after it
   * carries that as an assumption. A word that is not a name (`#` of a comment line) makes export fail, and
   * under `set -e` that ends the script (bash manual, "The Set Builtin").
   */
  private exportOutput(node: TsNode, sub: TsNode, state: State, ctx: Ctx): void {
    const line = lineOf(node, ctx)
    const at = `${ctx.file}:${line}`
    const stages = this.pipelineStages(sub, state)
    const read = stages ? exportedWords(stages, this.files, state.cwd) : {kind: 'unread' as const, why: 'a word in it has no value here'}
    if (read.kind !== 'read') {
      const why = read.kind === 'missing' ? `${read.file} is not in the repo` : read.why
      const message = `\`${firstLine(node.text)}\` exports the variables its command prints, which are not known here (${why}); what runs after it may read them`
      // Said (by result) when a process started after it still runs.
      state.assumptions = [...state.assumptions, {file: ctx.file, line, message}]
      return
    }

    const bad: string[] = []
    for (const {line: from, word} of read.words) {
      const m = /^([A-Z_a-z]\w*)(=([\S\s]*))?$/.exec(word)
      if (!m) {
        bad.push(word)
        continue
      }

      if (m[2] === undefined) {
        const e = state.vars.get(m[1])
        if (e) state.exported.set(m[1], e)
        continue
      }

      const entry: EnvEntry = {name: m[1], source: fromEnv(m[1], `${read.file}:${from}`), value: m[3], via: [fromFile(ctx.file, line)]}
      state.vars.set(m[1], entry)
      state.exported.set(m[1], entry)
    }

    if (bad.length > 0 && state.errexit && statusUntested(node)) {
      this.diagnostics.push({code: 'unknown-config-value', file: ctx.file, line, message: `${this.processType}: \`${firstLine(node.text)}\` gives export \`${bad[0]}\` from ${read.file}, not a variable name: export fails and, under set -e, the script ends here (${at})`, processType: this.processType, severity: 'warning'})
      state.done = true
      state.exited = true
      state.exitStatus = 1
    }
  }

  /** The stages of `$(a | b < f)`, each word expanded; undefined when one is not a plain command or a word is not known here. */
  private pipelineStages(sub: TsNode, state: State): Stage[] | undefined {
    const inner = sub.namedChildren
    if (inner.length !== 1) return undefined
    const nodes = inner[0].type === 'pipeline' ? inner[0].namedChildren : [inner[0]]
    const stages: Stage[] = []
    for (const n of nodes) {
      const cmd = n.type === 'redirected_statement' ? n.childForFieldName('body') : n
      if (cmd?.type !== 'command') return undefined
      const redirects = [...(n.type === 'redirected_statement' ? n.namedChildren : []), ...cmd.namedChildren].filter((c) => c.type === 'file_redirect')
      let input: string | undefined
      for (const r of redirects) {
        if (!r.children.some((k) => k.type === '<')) return undefined
        input = this.word(r.namedChildren.at(-1)!, state)
        if (input === undefined) return undefined
      }

      const argv: string[] = []
      for (const w of cmd.namedChildren) {
        if (w.type === 'file_redirect') continue
        if (w.type !== 'command_name' && !OPERANDS.has(w.type) && w.type !== 'number') return undefined
        const v = this.word(w, state)
        if (v === undefined) return undefined
        argv.push(v)
      }

      stages.push(input === undefined ? {argv} : {argv, input})
    }

    return stages
  }

  /**
   * The folder of this reader an absolute image path is, when a COPY of the image's Dockerfile put the repository's
   * files there (`COPY api ./api` under WORKDIR /workspace, then `node /workspace/api/dist/index.js` in the
   * entrypoint): api/dist/index.js, a build's output included (model/image-files.ts copiedPath). Undefined with no
   * image, for a path no COPY covers (/etc, /tmp), or one outside this reader's folder.
   */
  private fromImage(abs: string): string | undefined {
    if (!this.image || !abs.startsWith('/') || abs.includes('$')) return undefined
    const copied = copiedPath(this.image.image, this.image.files, abs)
    if (copied === undefined) return undefined
    const within = this.files.within && this.files.within !== '.' ? this.files.within : ''
    const path = within ? posix.relative(within, copied) : copied
    return path.startsWith('..') ? undefined : path
  }

  /** The env a command on this line sees: the script's start env, then its exported variables. */
  private childEnv(state: State, label: string): Env {
    return state.exported.size > 0 ? state.env.with(layer(label, [...state.exported.values()])) : state.env
  }

  /**
   * A command whose name is one quoted literal holding blanks, `'(while true; do php sync.php; sleep 600; done) &'`: the
   * quotes make the whole line one word, and bash looks for a program of that name, finds none ("command not found",
   * status 127; bash manual, "Command Search and Execution") and runs nothing. Under `set -e` (`#!/bin/bash -e`) the
   * script ends there, so what follows never starts (serl/ttrss-heroku's update.sh daemon branch never reaches
   * update_daemon2.php); without it the script goes on. Said either way; a file of that name in the repo is run as usual.
   * True when the command was handled (nothing to count for it).
   */
  private quotedCommandLine(node: TsNode, state: State, ctx: Ctx, line: number, bg: boolean): boolean {
    const nameNode = node.childForFieldName('name')
    const word = nameNode?.namedChildren.length === 1 ? nameNode.namedChildren[0] : nameNode
    if (!word) return false
    const literal = word.type === 'raw_string' || (word.type === 'string' && word.namedChildren.every((c) => c.type === 'string_content'))
    if (!literal) return false
    const program = word.text.slice(1, -1)
    if (!/\s/.test(program.trim()) || this.files.exists(joinPath(state.cwd, program) ?? program)) return false
    const shown = program.length > 60 ? `${program.slice(0, 59)}…` : program
    const ends = !bg && state.errexit && statusUntested(node)
    this.diagnostics.push({
      code: 'unknown-config-value',
      file: ctx.file,
      fix: 'drop the quotes so bash reads the line as the command it spells (or run it with bash -c \'…\')',
      line,
      message: `${this.processType}: \`${firstLine(node.text)}\` runs a program named \`${shown}\`: the quotes make the line one word, bash finds no such program ("command not found") and runs nothing${ends ? '; under set -e the script ends here, so nothing after it starts' : ''}`,
      processType: this.processType,
      severity: 'warning',
    })
    if (ends) {
      state.done = true
      state.exited = true
      state.exitStatus = 127
    }

    return true
  }

  /**
   * The command's text, with a script's own `$0` as its program (`"$0"`, `exec "$0" "$@"`: the script runs itself again,
   * as ttrss-heroku's update.sh does after its `icons` branch) replaced by the path the script was started by, so it is
   * read as that script run again (and said as such) rather than a program named "" (`$0` has no value in the env).
   * Only the program word: `$0` elsewhere (`echo "usage: $0"`, `$(dirname "$0")`) is left as it was.
   */
  private selfNamed(node: TsNode, state: State, ctx: Ctx): string {
    if (ctx.depth === 0 || state.arg0 === undefined || state.dollar0 !== undefined) return node.text
    const name = node.childForFieldName('name')
    if (!name || !/^"?\$(?:0|\{0\})"?$/.test(name.text)) return node.text
    const at = name.startIndex - node.startIndex
    return `${node.text.slice(0, at)}${shellQuote(state.arg0)}${node.text.slice(at + name.text.length)}`
  }

  private async command(node: TsNode, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    // `exec gosu app "$0" "$@"`, `exec su-exec "$UID:$GID" "$0" "$@"`: an entrypoint that re-runs itself as another user
    // once, as root, it has fixed its volumes' ownership (the official postgres and redis images' docker-entrypoint.sh).
    // The re-run goes through the script again and past that check, so this way starts no process of its own: the
    // script's other ways say what runs (alternatives() leaves a way that runs nothing out when another runs something);
    // what ran before it on this way (`usermod`, `chown`) finished, as the shell it replaces would have gone on.
    if (!bg && /^exec\s+(?:\S*\/)?(?:gosu|su-exec)\s+\S+\s+"?\$(?:0|\{0\}|BASH_SOURCE|\{BASH_SOURCE(?:\[0\])?\})"?(?=\s|$)/.test(node.text)) {
      state.candidate = undefined
      state.done = true
      return
    }

    const line = lineOf(node, ctx)
    if (this.quotedCommandLine(node, state, ctx, line, bg)) return
    const origin = {file: ctx.file, line}
    const args = state.positional
    const text0 = scriptPathSubstituted(this.selfNamed(node, state, ctx).replaceAll(/\\\r?\n/g, ' '), ctx, this.lookup(state))
      .replaceAll(ARG_OPERATOR, (m, n: string, rest: string) => (args ? `\${${ARG}${n}${rest}}` : m))
      .replaceAll(/"\$\{?[@*\d]\}?"|\$\{?[@*\d]\}?/g, (m, at: number, whole: string) => (state.dollar0 !== undefined && /^"?\$\{?0\}?"?$/.test(m) ? shellQuote(state.dollar0) : positional(m, args, !m.startsWith('"') && unquotedAt(whole, at))) ?? m)
    this.assignDefaults(text0, state, ctx, line)
    const {text, vars: elemVars} = this.arrayWords(text0, state, `${ctx.file}:${line}`)
    // Expansions see every shell variable (and `${1:-x}`'s argument); the process gets only the exported ones.
    const argVars: EnvEntry[] = text.includes(ARG) ? (args ?? []).map((value, i) => ({name: `${ARG}${i + 1}`, source: fromEnv(`$${i + 1}`, `${ctx.file}:${line}`), value})) : []
    const shellVars = [...state.vars.values(), ...argVars, ...elemVars]
    const expandEnv = shellVars.length > 0 ? state.env.with(layer(`${ctx.file}`, shellVars)) : state.env
    const split = splitCommand(text, expandEnv, origin)
    if (split.shell && ctx.depth < MAX_DEPTH) {
      await this.shellBody(split.shell, state, ctx, bg, line)
      return
    }

    const argv = split.command.argv
    if (argv.length === 0) return
    const name = argv[0]

    if (name === 'cd') {
      const target = argv[1]
      // `cd /app/…` is from the app root wherever the script is (Heroku unpacks the slug into /app).
      const from = target !== undefined && onPlatformAppRoot(target) ? '' : state.cwd
      // `cd /workspace/api` in an image whose COPY put api/ there: that folder of the repository.
      const copied = target !== undefined && !onPlatformAppRoot(target) ? this.fromImage(target) : undefined
      const next = copied ?? (target === undefined || target.includes('$(') || target.includes('`') ? undefined : joinPath(from, normalizePath(target)))
      if (next === '') {
        state.cwd = ''
      } else if (next === undefined) {
        this.diagnostics.push({code: 'unknown-config-value', file: ctx.file, line, message: `${this.processType}: \`${firstLine(node.text)}\`: the folder is not known here; later commands are read from ${state.cwd || 'the app root'}`, processType: this.processType, severity: 'warning'})
      } else if (copied !== undefined ? isRepoDir(this.files, '', copied) : isRepoDir(this.files, from, target!)) {
        state.cwd = next
      } else {
        // A folder the build makes (`cd X/bin/publish`): the server's analyzer reads the `cd` itself.
        state.pre.push(argv)
      }

      return
    }

    if ((name === 'source' || name === '.') && argv[1]) {
      const path = joinPath(state.cwd, normalizePath(argv[1]))
      const file = path === undefined ? undefined : this.files.read(path)
      if (file && ctx.depth < MAX_DEPTH) {
        this.scripts.push(file.path)
        state.frames++
        await this.walkText(file.text, {file: file.path, line: 1}, state, ctx.depth + 1, ctx.within)
        state.frames--
        returned(state)
      }

      return
    }

    const fn = state.functions.get(name)
    if (fn && ctx.depth < MAX_DEPTH) {
      // Inside a function "$@" and $1 are the function's arguments (`main "$@"`), the script's again after it.
      const outer = state.positional
      const outerUnknown = state.unknownArgs
      state.positional = argv.slice(1)
      state.unknownArgs = this.unknownArgs(node, state.positional.length, state)
      state.frames++
      // Its lines are those of the file that defined it (a sourced file's function is called from the script).
      await this.statement(fn.body, state, {...ctx, depth: ctx.depth + 1, file: fn.file, line0: fn.line0}, bg)
      state.frames--
      returned(state)
      state.positional = outer
      state.unknownArgs = outerUnknown
      return
    }

    // `set -- a b "$@"` (or `set a b`): the script's arguments are those words from here on (its options, `set -e`, change nothing here).
    if (name === 'set') {
      state.errexit = optionAfter(argv.slice(1), 'e', 'errexit', state.errexit)
      state.allexport = optionAfter(argv.slice(1), 'a', 'allexport', state.allexport)
      const dashes = argv.indexOf('--')
      const words = dashes !== -1 ? argv.slice(dashes + 1) : argv.length > 1 && !/^[-+]/.test(argv[1]) ? argv.slice(1) : undefined
      if (words) {
        state.unknownArgs = this.unknownArgs(node, words.length, state)
        state.positional = words
      }

      return
    }

    // `return` ends the function (or the sourced file) it is in; the script goes on after the call. Outside both, bash
    // says "can only `return' from a function or sourced script" and goes on.
    if (name === 'return' && !bg && state.frames > 0) {
      state.done = true
      state.returned = true
      // `return N` sets `$?` to N; `return` alone keeps the last command's; `return $rc` with rc not known here, unknown.
      const n = argv[1] === undefined ? state.status : /^\d+$/.test(argv[1]) ? Number(argv[1]) % 256 : undefined
      state.status = n
      return
    }

    // `shift [n]`: `$1` is the next argument from here on.
    if (name === 'shift' && state.positional) {
      const n = argv[1] === undefined ? 1 : Number(argv[1])
      if (Number.isInteger(n) && n >= 0) {
        state.positional = state.positional.slice(n)
        state.unknownArgs = state.unknownArgs && new Set([...state.unknownArgs].filter((i) => i > n).map((i) => i - n))
      }

      return
    }

    // `exit` ends the script: nothing after it runs (a process already started in the background still does).
    if (name === 'exit' && !bg) {
      state.done = true
      state.exited = true
      // `exit` alone gives the last command's status (taken as success); `exit $rc` with rc not known here, no status.
      const word = node.namedChildren.find((c) => c.type !== 'command_name' && !c.type.endsWith('redirect'))
      state.exitStatus = /^\d+$/.test(argv[1] ?? '') ? Number(argv[1]) % 256 : word === undefined ? 0 : undefined
      if (state.exitStatus === undefined) state.exitAt = {file: ctx.file, line, text: node.text}
      return
    }

    const known = knownProgram(argv)
    // In a loop, pg_dump's one connection is held on its turn: it counts like any command there.
    if (known?.kind === 'finishes' && !((state.loop || this.inSequence) && known.connections > 0)) return
    if (name === 'eval') {
      // A command built at run time: it still runs (so it counts), but what it is cannot be read.
      this.diagnostics.push({code: 'unknown-config-value', file: ctx.file, line, message: `${this.processType}: \`${firstLine(node.text)}\` runs a command built at run time; conncalc cannot read which`, processType: this.processType, severity: 'warning'})
    }

    const exec = split.command.wrappers.includes('exec')
    if (DELEGATING_PROGRAMS.has(name.split('/').pop()!)) {
      const delegation = nodeDelegation({argv, cwd: state.cwd, files: this.files, npmWorkspace: npmWorkspaceOf(expandEnv), origin}, (t, r) => scriptDelegates(t, r, this.files, expandEnv, ctx.depth))
      if (delegation) {
        await this.delegate(delegation, split, state, ctx, bg, origin)
        if (exec && !bg) state.done = true
        return
      }
    }

    // `make run-web`: the target's prerequisites' recipes, then its own, each line in a shell of its own (makefile.ts).
    const made = makeRun(argv, this.files, state.cwd, (n) => this.childEnv(state, ctx.file).get(n)?.value)
    if (made && 'why' in made) {
      this.diagnostics.push({code: 'unknown-config-value', file: made.file, line: made.line, message: `${this.processType}: \`${argv.join(' ')}\`: ${made.why}; what it runs is not known`, processType: this.processType, severity: 'warning'})
    } else if (made) {
      if (ctx.depth >= MAX_DEPTH) {
        this.diagnostics.push({code: 'unknown-config-value', file: ctx.file, line, message: `${this.processType}: ${made.file} is a script ${MAX_DEPTH} scripts deep; not followed`, processType: this.processType, severity: 'warning'})
        return
      }

      await this.make(made, state, ctx, bg, line)
      if (exec && !bg) state.done = true
      return
    }

    const script = shellScriptOf(argv, this.files, state.cwd)
    if (script) {
      const again = ctx.within.indexOf(script)
      if (again !== -1) {
        const loop = [...ctx.within.slice(again), script].join(' → ')
        this.diagnostics.push({code: 'unknown-config-value', file: ctx.file, line, message: `${this.processType}: ${script} is run again from inside itself (${loop}); conncalc does not follow a script into itself`, processType: this.processType, severity: 'warning'})
        return
      }

      if (ctx.depth >= MAX_DEPTH) {
        this.diagnostics.push({code: 'unknown-config-value', file: ctx.file, line, message: `${this.processType}: ${script} is a script ${MAX_DEPTH} scripts deep; not followed`, processType: this.processType, severity: 'warning'})
        return
      }

      const file = this.files.read(script)!
      this.scripts.push(script)
      // The child shell gets what was exported plus the line's own assignments; its variables stay its own.
      const inner = newState(this.childEnv(state, ctx.file).with(layer(`${ctx.file}:${line}`, split.assignments)), state.cwd, [...state.assumptions])
      inner.positional = scriptArgs(argv)
      inner.arg0 = argv[argv.length - inner.positional.length - 1]
      inner.unknownArgs = this.unknownArgs(node, inner.positional.length, state)
      // `bash -e x.sh` gives the shell its options; `./x.sh` runs the shebang's (`#!/bin/bash -e`).
      const shebang = /^#!\s*(\S+)(?:\s+(.*))?/.exec(file.text.split('\n', 1)[0])
      const direct = !SHELLS.has(argv[0].split('/').pop()!)
      const words = direct ? (shebang ? (shebang[1].endsWith('/env') ? (shebang[2] ?? '').split(/\s+/).slice(1) : (shebang[2] ?? '').split(/\s+/)) : []) : argv.slice(1)
      inner.errexit = errexitAfter(words.filter(Boolean), false)
      // A script called inside a loop runs its commands on each turn too.
      if (state.loop) inner.loop = state.loop
      await this.walkText(file.text, {file: script, line: 1}, inner, ctx.depth + 1, ctx.within)
      this.childDone(inner, state, bg, exec)
      return
    }

    const env = this.childEnv(state, ctx.file)
    const processEnv = split.assignments.length > 0 ? env.with(layer(`${ctx.file}:${line}`, split.assignments)) : env
    // A Bun single-file executable a package.json script compiles (`bun build src/index.ts --compile --outfile dist/server`):
    // running it runs the entry point in Bun, from the package's folder (compiled-binary.ts).
    // In an image, an absolute path is where a COPY put the file (`COPY --from=build /app/api/dist/server /app/server`).
    const argv0 = split.command.argv[0]
    // The command line's /app/server is read as server (util/app-path.ts appPath: the platform's app root): in an image
    // it is /app/server again.
    const abs = argv0 === undefined ? undefined : argv0.startsWith('/') ? argv0 : `/app/${joinPath(state.cwd, normalizePath(argv0)) ?? argv0}`
    const copied = abs && this.image ? copiedPath(this.image.image, this.image.files, abs) : undefined
    // The copies name repository paths from the app root; this reader may be within the image's WORKDIR folder.
    const within = this.files.within && this.files.within !== '.' ? this.files.within : ''
    const inImage = copied && within ? posix.relative(within, copied) : copied
    const compiled = argv0 ? (compiledBinary(joinPath(state.cwd, normalizePath(argv0)) ?? argv0, this.files) ?? (inImage ? compiledBinary(inImage, this.files) : undefined)) : undefined
    const procCwd = compiled ? compiled.dir : state.cwd
    const proc = (command: ParsedCommand, background: boolean): ScriptProcess => ({assumptions: [...state.assumptions], background, chain: [], command, cwd: procCwd, env: processEnv, origin})
    if ((split.command.background ?? []).length > 0) this.foregroundReturned(state)
    for (const argvBg of split.command.background ?? []) state.background.push(proc({argv: argvBg, raw: argvBg.join(' '), wrappers: []}, true))
    const {background: _bg, ...parsed} = split.command
    // A bare program the image has on its PATH because a COPY put it there (`COPY --from=build /app/target/release/api
    // /usr/local/bin/api`, then `exec api` in the script): the shell finds that file, so it is the copy's source.
    const image = this.image
    const onPath = !compiled && image && argv0 !== undefined && /^[\w.+-]+$/.test(argv0) ? DEFAULT_PATH.map((d) => copiedPath(image.image, image.files, `${d}/${argv0}`)).find((p) => p !== undefined) : undefined
    const fromCwd = onPath === undefined ? undefined : posix.relative(state.cwd || '.', within ? posix.relative(within, onPath) : onPath) || '.'
    // An argument that is an absolute path in the image (`exec node /workspace/api/dist/index.js`, `-c /srv/app/gunicorn.py`):
    // the repository file a COPY put there, from the folder the command runs in, as a CMD's words are (container.ts inRepo).
    const imageArgs = parsed.argv.map((w, i) => {
      const path = i > 0 && w.startsWith('/') ? this.fromImage(w) : undefined
      const rel = path === undefined ? undefined : posix.relative(state.cwd || '.', path) || '.'
      return rel === undefined || rel.startsWith('..') ? w : rel.startsWith('.') ? rel : `./${rel}`
    })
    const mapped = imageArgs.some((w, i) => w !== parsed.argv[i]) ? {...parsed, argv: imageArgs} : parsed
    const command = compiled
      ? {...parsed, argv: ['bun', compiled.entry, ...parsed.argv.slice(1)], raw: `bun ${compiled.entry}`}
      : fromCwd && !fromCwd.startsWith('..')
        ? {...mapped, argv: [`./${fromCwd}`, ...mapped.argv.slice(1)]}
        : mapped
    if (compiled) this.diagnostics.push({code: 'missing-config', file: ctx.file, line, message: `${this.processType}: ${split.command.argv[0]} is the Bun executable ${compiled.script.file}:${compiled.script.line}'s \`${compiled.script.name}\` script compiles from ${compiled.entry} (bun build --compile): read as \`bun ${compiled.entry}\` in ${compiled.script.file.replace(/\/?package\.json$/, '') || 'the app root'}`, processType: this.processType, severity: 'info'})
    // A server that daemonizes itself (`php-fpm -D`, then `nginx -g 'daemon off;'`) runs on beside what the script runs next.
    // PHP-FPM with neither -F nor -D follows its config's daemonize (yes unless the image says no: php/fpm-pools.ts).
    const away = daemonizedAway(command.argv, this.image)
    if (bg || away) {
      this.foregroundReturned(state)
      state.background.push({...proc(command, true), ...(away && !bg ? {daemonized: away} : {})})
    } else {
      this.setCandidate(state, proc(command, false))
      if (exec) state.done = true
    }
  }

  /**
   * `make TARGET`: each recipe line in turn, in a shell of its own (sh -c) started in make's folder, with make's
   * command-line variables in its environment; a line that never returns (a server) ends it, as in a script.
   */
  private async make(run: MakeRun, state: State, ctx: Ctx, bg: boolean, line: number): Promise<void> {
    const env = this.childEnv(state, ctx.file)
    const given = run.vars.map((v) => ({name: v.name, source: fromEnv(v.name, `${ctx.file}:${line}`), value: v.value}))
    for (const l of run.lines) {
      if (state.done) break
      const inner = newState(given.length > 0 ? env.with(layer(`${ctx.file}:${line}`, given)) : env, run.dir, [...state.assumptions])
      inner.positional = []
      if (state.loop) inner.loop = state.loop
      await this.walkText(l.text, {file: l.file ?? run.file, line: l.line}, inner, ctx.depth + 1, [...ctx.within, run.file])
      this.childDone(inner, state, bg, false)
    }
  }

  /** What a child shell (a script, `sh -c '…'`) left running joins the script's: its process is the script's, or one beside it. */
  private childDone(inner: State, state: State, bg: boolean, exec: boolean): void {
    if (inner.background.length > 0 || (bg && inner.candidate)) this.foregroundReturned(state)
    for (const p of inner.background) state.background.push(p)
    if (inner.candidate) {
      if (bg) state.background.push({...inner.candidate, background: true})
      else this.setCandidate(state, inner.candidate)
    }

    append(state.pre, inner.pre)
    append(state.ran, inner.ran)
    if (exec && !bg) state.done = true
  }

  /**
   * `sh -c 'cd web && exec puma'`, `bash -c "if …; fi"`: the body is a script of its own, read as one (its `cd`
   * moves where the process reads its files, its `if` is decided or kept as ways, its `exit` ends only it), in a
   * child shell that gets what was exported and the line's assignments; `$0` is the word after the body and
   * `$1`… the ones after that (bash manual, "Invoking Bash").
   */
  private async shellBody(shell: ShellInvocation, state: State, ctx: Ctx, bg: boolean, line: number): Promise<void> {
    const env = this.childEnv(state, ctx.file)
    const inner = newState(shell.assignments.length > 0 ? env.with(layer(`${ctx.file}:${line}`, shell.assignments)) : env, state.cwd, [...state.assumptions])
    inner.positional = shell.args
    if (shell.arg0 !== undefined) inner.dollar0 = shell.arg0
    inner.errexit = errexitAfter(shell.options, false)
    if (state.loop) inner.loop = state.loop
    await this.walkText(shell.body, {file: ctx.file, line}, inner, ctx.depth + 1, ctx.within.slice(0, -1))
    this.childDone(inner, state, bg, shell.wrappers.includes('exec'))
  }

  /**
   * A Node command that runs elsewhere (node-run.ts): each run's text is read like a
   * script line in its folder. Runs started together are processes beside the first
   * one; runs one after another leave the last running. One that cannot be resolved
   * is the process still, counted by the unknown analyzer with why; one the package
   * manager refuses to run (no selected package has the script) exits at start.
   */
  private async delegate(d: NodeDelegation, split: ReturnType<typeof splitCommand>, state: State, ctx: Ctx, bg: boolean, origin: {file: string; line: number}): Promise<void> {
    const env = this.childEnv(state, ctx.file)
    const lineEnv = split.assignments.length > 0 ? env.with(layer(`${origin.file}:${origin.line}`, split.assignments)) : env
    if (d.kind === 'exits') {
      const {background: _bg, ...command} = split.command
      const p: ScriptProcess = {assumptions: [...state.assumptions], background: bg, chain: [], command, cwd: state.cwd, env: lineEnv, exitsAtStart: {fix: d.fix, ref: d.ref, why: d.why}, origin}
      if (bg) this.foregroundReturned(state)
      if (bg) state.background.push(p)
      else this.setCandidate(state, p)
      return
    }

    if (d.kind === 'unknown' || ctx.depth >= NODE_MAX_DEPTH) {
      const why = d.kind === 'unknown' ? d.why : `${d.by} is ${NODE_MAX_DEPTH} package.json scripts deep (do they call each other?); not followed`
      const {background: _bg, ...command} = split.command
      const p: ScriptProcess = {assumptions: [...state.assumptions], background: bg, chain: [], command, cwd: state.cwd, env: lineEnv, origin, unknownWhy: why}
      if (bg) this.foregroundReturned(state)
      if (bg) state.background.push(p)
      else this.setCandidate(state, p)
      return
    }

    const assumptions = d.assumed ? [...state.assumptions, {file: origin.file, line: origin.line, message: d.assumed}] : state.assumptions
    for (const [i, run] of d.runs.entries()) {
      const inner = newState(lineEnv, run.cwd, [...assumptions])
      await this.walkText(run.text, run.origin, inner, ctx.depth + 1, ctx.within)
      // A script's text read here is part of how the process was found (the Node analyzer cites the scripts it follows itself).
      const hop = run.script ? [fromFile(run.origin.file, run.origin.line)] : []
      if (inner.background.length > 0 || (bg && inner.candidate)) this.foregroundReturned(state)
      for (const p of inner.background) state.background.push({...p, chain: [...hop, ...p.chain]})
      if (inner.candidate) {
        const c: ScriptProcess = {...inner.candidate, chain: [...hop, ...inner.candidate.chain]}
        if (bg) state.background.push({...c, background: true})
        else if (d.parallel && i > 0) state.background.push({...c, startedBy: d.by})
        else this.setCandidate(state, c)
      }

      append(state.pre, inner.pre)
      append(state.ran, inner.ran)
    }
  }

  /**
   * Which of a call's last `count` arguments (`$1` first) the caller wrote with a variable that has no value
   * here: the callee's `$N` is then not known (not the empty string an unset variable would expand to).
   */
  private unknownArgs(node: TsNode, count: number, state: State): ReadonlySet<number> | undefined {
    const words = node.namedChildren.filter((c) => c.type !== 'command_name' && c.type !== 'variable_assignment' && !c.type.endsWith('redirect'))
    const lookup = this.lookup(state)
    // Whether each word the callee gets is unknown: `"$@"` is the caller's own arguments, each as it was.
    const flags: boolean[] = []
    for (const w of words) {
      const all = /^"?\$(?:@|\{@\}|\*|\{\*\})"?$/.exec(w.text)
      if (all && state.positional) {
        const each = state.positional.map((_, i) => state.unknownArgs?.has(i + 1) ?? false)
        if (w.text.startsWith('"') && w.text.includes('*')) flags.push(each.some(Boolean))
        else append(flags, each)
        continue
      }

      if (!w.text.includes('$')) {
        flags.push(false)
        continue
      }

      const known = w.text.replaceAll(/\$\{?([1-9])\}?/g, (m, n: string) => (state.unknownArgs?.has(Number(n)) ? '$__UNKNOWN_ARG' : (state.positional?.[Number(n) - 1] ?? m)))
      flags.push(/\$\(|`/.test(known) || expandShell(known, lookup).unresolved.length > 0)
    }

    if (count === 0 || flags.length < count) return undefined
    const unknown = new Set<number>()
    for (const [i, f] of flags.slice(flags.length - count).entries()) if (f) unknown.add(i + 1)
    return unknown.size > 0 ? unknown : undefined
  }

  private setCandidate(state: State, p: ScriptProcess): void {
    if (state.loop) {
      // In a loop every foreground command runs in turn: none of them is over for good.
      if (!state.loop.runs.includes(p)) state.loop.runs.push(p)
      state.candidate = p
      return
    }

    if (state.candidate) {
      state.pre.push(state.candidate.command.argv)
      if (this.inSequence) state.ran.push(state.candidate)
    }

    state.candidate = p
    // A server or worker waited for (`good_job start; …`) never returns: nothing after it starts, as after `exec`.
    if (!this.inSequence && neverReturns(p.command.argv) !== undefined) state.done = true
    // PHP-FPM whose config keeps it in the foreground (the official image's daemonize = no, or -F) never returns either.
    if (!this.inSequence && this.image !== undefined && fpmDaemonizes(p.command.argv, this.image) === false) state.done = true
  }

  /**
   * A loop's body runs again and again, its commands one after another: each is the
   * process at some time, so all of them are kept (inTurn) and the one holding the most
   * connections counts (app/analyze-app.ts). An `if` inside it that the env does not
   * decide takes each branch on some turn: nothing is assumed.
   */
  private async loop(node: TsNode, body: TsNode, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    if (state.loop) {
      await this.statement(body, state, ctx, bg)
      return
    }

    const before = state.candidate
    const jobs = state.background.length
    state.loop = {at: {file: ctx.file, line: lineOf(node, ctx)}, runs: []}
    state.candidate = undefined
    await this.statement(body, state, ctx, bg)
    const {at, runs} = state.loop
    state.loop = undefined
    state.candidate = before
    if (state.background.length > jobs) this.foregroundReturned(state)
    // `for (( i=1; i<=N; i++ )); do worker & done`: a job started in the background on each turn runs N times over.
    if (state.background.length > jobs && (node.type === 'for_statement' || node.type === 'c_style_for_statement')) {
      const turns = this.turns(node, state)
      const started = state.background.splice(jobs)
      if (typeof turns === 'number') {
        for (const p of started) if (turns > 0) state.background.push({...p, copies: (p.copies ?? 1) * turns})
      } else {
        const a: ScriptAssumption = {...at, message: `\`${firstLine(node.text)}\` runs its body a number of times that cannot be read here (${turns.why}); each job it starts in the background is counted once`}
        for (const p of started) state.background.push({...p, assumptions: [...p.assumptions, a]})
      }
    }

    if (runs.length === 0) return
    const [first, ...rest] = runs
    this.setCandidate(state, rest.length > 0 ? {...first, inTurn: {loop: at, runs: rest}} : first)
  }

  /** How many times a `for` loop runs its body, when its header says it with values known here. */
  private turns(node: TsNode, state: State): number | {why: string} {
    const lookup = this.lookup(state)
    const num = (word: string): number | {why: string} => {
      const w = word.trim()
      if (/^-?\d+$/.test(w)) return Number(w)
      const name = /^\$?\{?([A-Z_a-z]\w*)\}?$/.exec(w)?.[1]
      if (!name) return {why: `\`${w}\` is not read`}
      const v = lookup(name)
      return v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : {why: `${name} has no value here`}
    }

    const header = node.text.split(/\bdo\b/, 1)[0]
    const c = /^for\s*\(\(\s*(\w+)\s*=\s*([^;]+?)\s*;\s*\1\s*(<=|<)\s*([^;]+?)\s*;\s*(?:\1\s*\+\+|\+\+\s*\1|\1\s*\+=\s*1)\s*\)\)/.exec(header)
    if (c) {
      const [from, to] = [num(c[2]), num(c[4])]
      if (typeof from !== 'number') return from
      if (typeof to !== 'number') return to
      return Math.max(0, to - from + (c[3] === '<=' ? 1 : 0))
    }

    const list = /^for\s+\w+\s+in\s+([^;\n]*)/.exec(header)?.[1]
    if (list === undefined) return /^for\s+\w+\s*(?:;|$)/m.test(header) && state.positional ? state.positional.length : {why: 'its header is not read'}
    let count = 0
    for (const w of list.trim().split(/\s+/).filter(Boolean)) {
      const range = /^\{(-?\d+)\.\.(-?\d+)\}$/.exec(w)
      if (range) count += Math.abs(Number(range[2]) - Number(range[1])) + 1
      else if (/[$`*?[{]/.test(w)) return {why: `\`${w}\` is not read`}
      else count++
    }

    return count
  }

  private async ifStatement(node: TsNode, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    // Branches in order: the `if` (its condition and the statements after `then`), each `elif`, the `else`.
    const first: Branch = {body: [], condition: node.childForFieldName('condition') ?? undefined, keyword: 'if'}
    const branches: Branch[] = [first]
    let inBody = false
    for (const c of node.children) {
      if (c.type === 'elif_clause' || c.type === 'else_clause') {
        const kids = c.children
        const thenAt = kids.findIndex((k) => k.type === 'then')
        branches.push(
          c.type === 'elif_clause'
            ? {body: kids.slice(thenAt + 1), condition: kids.slice(1, thenAt).find((k) => k.isNamed), keyword: 'elif'}
            : {body: kids.slice(1), keyword: 'else'},
        )
      } else if (c.type === 'then') inBody = true
      else if (inBody && branches.length === 1 && c.type !== 'fi') first.body.push(c)
    }

    const hasElse = branches.some((b) => b.keyword === 'else')
    if (!hasElse) branches.push({body: [], keyword: 'else'})

    let someTurns = false
    for (const [k, b] of branches.entries()) {
      // `if [ a ] && [ b ]; then` (a list of tests) is decided as its tests are; a single test as before.
      let value = b.keyword === 'else' ? true : b.condition ? (isTest(b.condition) ? this.testOf(b.condition, state) : this.test(b.condition, state)) : undefined
      // `if [[ -z ${X+x} ]]; then echo …; exit 1; fi`: a guard on a variable the deploy sets (askedGuard).
      if (value === true && b.condition && (await this.askedGuard(b.condition, b.body, state, ctx, bg))) value = undefined
      if (value === false) continue
      if (value === true) {
        // After an undecided branch in a loop, the rest (the `else`) also runs only on the turns that branch did not
        // take: its `exit 1` (Jellystat's entry.sh, a secret file missing) ends those turns' script, not the reading.
        await (someTurns ? this.onSomeTurns(b.body, state, ctx, bg) : this.statements(b.body, state, ctx, bg))
        return
      }

      // In a loop an undecided branch runs on some turns and not others: each one is walked, nothing assumed.
      if (state.loop) {
        someTurns = true
        await this.onSomeTurns(b.body, state, ctx, bg)
        continue
      }

      const what = `\`${b.keyword} ${firstLine(b.condition?.text ?? '')}\` cannot be decided from the environment here`
      const names = branches.slice(k).map((_, i) => `${ordinal(k + i + 1)} branch`)
      await this.decide(branches.slice(k).map((r) => r.body), names, {at: {file: ctx.file, line: lineOf(b.condition ?? node, ctx)}, key: keyOf(b.condition ?? node, ctx), what}, state, ctx, bg)
      return
    }
  }

  /**
   * Branches the environment does not decide (an `if`'s from the first undecided one on, a `case`'s, a test's
   * `&&`): when every one leaves the same processes running (data-hub-api's web.sh: both arms end in
   * `python app.py`), which one runs does not matter and nothing is assumed; otherwise see undecided.
   */
  private async decide(bodies: TsNode[][], names: string[], point: {at: {file: string; line: number}; key: string; what: string}, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    if (await this.sameOutcome(bodies, state, ctx, bg)) {
      await this.statements(bodies[0], state, ctx, bg)
      return
    }

    await this.undecided(bodies, names, point, state, ctx, bg)
  }

  /**
   * An `if`/`case` the environment does not decide, from its first undecided branch on (`bodies`,
   * the last one what runs when none matches; `names` says each). A branch that ends the script with
   * nothing new running (`echo "DATABASE_URL is missing"; exit 1`) is a guard: the app as deployed
   * passes it, so it is not one of the choices. When each branch left starts one foreground process of
   * its own and leaves the script otherwise alike (the same background processes, and, if the script
   * goes on, the same variables and folder), the process is one of those: the first is walked for real
   * and carries the others (`either`), and the one holding the most connections is counted. Otherwise
   * one branch is walked (the first, or the one a replay forces: followCommand walks the script again
   * through each other branch, which may end the script with `exec`/`exit` or set the variables the
   * process after it reads) and the choice is recorded. Either way it is an assumption, said if the
   * process it started still runs; what the branch set carries it too.
   */
  private async undecided(bodies: TsNode[][], names: string[], point: {at: {file: string; line: number}; key: string; what: string}, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    const {at, key, what} = point
    const trials = await this.walkApart(bodies, state, ctx, bg)
    const open = bodies.map((_, i) => i).filter((i) => !endsWithNothing(trials[i], state))
    // Every branch but one ends the script: that one is how the app runs, nothing to assume.
    if (open.length === 1) {
      await this.statements(bodies[open[0]], state, ctx, bg)
      return
    }

    const arms = open.length === 0 ? bodies.map((_, i) => i) : open
    const forced = this.forced.get(key)
    const taken = forced !== undefined && arms.includes(forced) ? forced : arms[0]
    const a: ScriptAssumption = {...at, message: `${what}; the ${names[taken]} was assumed`}
    const others = bg || state.loop || forced !== undefined ? undefined : await this.branchProcesses(arms.map((i) => bodies[i]), a, state, ctx)
    if (others) a.message = `${what}; its branches start different processes, and the one holding the most connections is assumed`
    else if (!this.choices.some((c) => c.key === key)) this.choices.push({arms, at, key, taken, what})
    const was = {exported: new Map(state.exported), vars: new Map(state.vars)}
    state.assumptions.push(a)
    await this.statements(bodies[taken], state, ctx, bg)
    state.assumptions.splice(state.assumptions.indexOf(a), 1)
    if (others && state.candidate) state.candidate = {...state.candidate, either: {at, runs: others}}
    if (others) return
    // What the branch set (`export WEB_CONCURRENCY=1`) rests on the branch, and so does a value another branch
    // would have changed (set before the `if`, or set here too): a value read from it later carries the assumption.
    const why = assumed(`${at.file}:${at.line}: ${a.message}`)
    markSetIn(state, was, why)
    const changed = new Set(arms.filter((i) => i !== taken).flatMap((i) => [...setIn(trials[i], was)]))
    markNames(state, changed, why)
  }

  /**
   * A branch an `if` in a loop takes on some turns: walked on the loop's own state, but an `exit` or
   * `exec` in it ends only those turns' script, not the reading of the other turns.
   */
  private async onSomeTurns(body: TsNode[], state: State, ctx: Ctx, bg: boolean): Promise<void> {
    const done = state.done
    await this.statements(body, state, ctx, bg)
    if (!done) {
      state.done = false
      state.exited = false
      state.returned = false
    }
  }

  /** The foreground process each of `bodies[1…]` starts, when every body starts one and leaves the rest alike. */
  private async branchProcesses(bodies: TsNode[][], a: ScriptAssumption, state: State, ctx: Ctx): Promise<ScriptProcess[] | undefined> {
    const trials = await this.walkApart(bodies, state, ctx, false, a)
    const keys = new Set<string>()
    for (const trial of trials) {
      const p = trial.candidate
      // A branch that starts nothing new, a loop, or a further undecided branch inside: not this shape.
      if (!p || p === state.candidate || p.inTurn || p.either || p.assumptions.length > trial.assumptions.length) return undefined
      const after = trial.done ? [] : [varsOf(trial.exported), varsOf(trial.vars), trial.cwd]
      keys.add(JSON.stringify([trial.done, after, trial.background.map((q) => [q.command.argv, q.background, q.cwd])]))
    }

    return keys.size === 1 && trials.length > 1 ? trials.slice(1).map((t) => t.candidate!) : undefined
  }

  /**
   * Whether walking each of `bodies` from this state leaves the same processes running: the same
   * command in the same folder with the same exported variables, started the same way, with no
   * further undecided branch inside.
   */
  private async sameOutcome(bodies: TsNode[][], state: State, ctx: Ctx, bg: boolean): Promise<boolean> {
    const outcomes = new Set<string>()
    for (const trial of await this.walkApart(bodies, state, ctx, bg)) {
      const running = [...(trial.candidate ? [trial.candidate] : []), ...trial.background]
      if (running.length === 0 || running.some((p) => p.assumptions.length > state.assumptions.length || p.inTurn)) return false
      outcomes.add(JSON.stringify([trial.done, varsOf(trial.exported), running.map((p) => [p.command.argv, p.command.preCommands ?? [], p.background, p.cwd])]))
    }

    return outcomes.size <= 1
  }

  /** Each of `bodies` walked on its own copy of the state (with `assumed` among its assumptions); what the walks said is dropped. */
  private async walkApart(bodies: TsNode[][], state: State, ctx: Ctx, bg: boolean, assumed?: ScriptAssumption): Promise<State[]> {
    const said = this.diagnostics.length
    const read = this.scripts.length
    const chosen = this.choices.length
    const trials: State[] = []
    try {
      for (const body of bodies) {
        const trial = copyState(state, assumed)
        await this.statements(body, trial, ctx, bg)
        trials.push(trial)
      }

      return trials
    } finally {
      this.diagnostics.length = said
      this.scripts.length = read
      this.choices.length = chosen
    }
  }

  private async caseStatement(node: TsNode, state: State, ctx: Ctx, bg: boolean): Promise<void> {
    const subject = node.childForFieldName('value')
    const items = node.namedChildren.filter((c) => c.type === 'case_item')
    const value = subject ? this.word(subject, state) : undefined
    for (const item of items) {
      const close = item.children.findIndex((c) => c.type === ')')
      const pats = item.children.slice(0, close).filter((c) => c.isNamed).map((p) => p.text.replace(/^["']|["']$/g, ''))
      const body = item.children.slice(close + 1)
      if (value === undefined && state.loop) {
        await this.onSomeTurns(body, state, ctx, bg)
        continue
      }

      if (value === undefined) {
        const rest = items.slice(items.indexOf(item)).map((i) => i.children.slice(i.children.findIndex((c) => c.type === ')') + 1))
        const catchAll = items.some((i) => i.children.some((c) => c.isNamed && c.text === '*'))
        const what = `\`case ${subject?.text ?? ''}\` cannot be decided from the environment here`
        const left = items.slice(items.indexOf(item)).map((i) => {
          const patterns = i.children.slice(0, i.children.findIndex((c) => c.type === ')')).filter((c) => c.isNamed).map((p) => p.text.replace(/^["']|["']$/g, ''))
          return `\`${patterns.join('|')})\` branch`
        })
        await this.decide(catchAll ? rest : [...rest, []], catchAll ? left : [...left, 'branch where no pattern matches'], {at: {file: ctx.file, line: lineOf(node, ctx)}, key: keyOf(node, ctx), what}, state, ctx, bg)
        return
      }

      if (pats.some((p) => globMatch(p, value))) {
        await this.statements(body, state, ctx, bg)
        return
      }
    }
  }

  /** A word's value, or undefined when a variable in it is not known here or it runs a command. */
  private word(node: TsNode, state: State): string | undefined {
    // `case $1 in`, `[ "$1" = web ]`, `[ $# -lt 1 ]`: the script's arguments, as the command line gave them.
    const args = state.positional
    if (state.unknownArgs && [...node.text.matchAll(/\$\{?([1-9])\}?/g)].some((m) => state.unknownArgs!.has(Number(m[1])))) return undefined
    // `${@: -2:1}` (Rails' generated bin/docker-entrypoint: `[ "${@: -2:1}" == "./bin/rails" ]`): bash's substring of the
    // arguments, a negative offset counting from one past the last; before $0 it is empty.
    let sliced = false
    const slices = args
      ? node.text.replaceAll(/\$\{@:\s*(-?\d+)\s*(?::\s*(\d+)\s*)?\}/g, (m, off: string, len: string | undefined) => {
          // $0 first: an offset reaching it (`${@: -2:1}` of one argument is $0, as bash gives it) takes the script's name.
          const all = [state.arg0, ...args]
          const from = Number(off) < 0 ? args.length + 1 + Number(off) : Number(off)
          const picked = from < 0 ? [] : all.slice(from, len === undefined ? undefined : from + Number(len))
          if (picked.includes(undefined)) return m
          sliced = true
          return picked.join(' ')
        })
      : node.text
    if (args && /\$\{@:/.test(slices) && !sliced) return undefined
    const written = args ? argOperators(slices).replaceAll(/\$\{?([1-9#])\}?/g, (m, n: string) => (n === '#' ? String(args.length) : (args[Number(n) - 1] ?? ''))) : node.text
    // `case $(nproc) in`, `[ "$(ulimit -u)" -gt 256 ]`: what the dyno's size says those print.
    const text = substituteDynoCommands(written, this.dyno).text.replaceAll(/\$(?:\?|\{\?\})/g, (m) => (state.status === undefined ? m : String(state.status)))
    if (/\$\(|`|\$(?:\?|\{\?\})/.test(text)) return undefined
    const lookup = argLookup(args, this.lookup(state))
    const e = expandShell(text, lookup)
    // `${X+x}` of a variable set nowhere here is read as unset (the word left out), unless asked strictly (askedGuard).
    return e.unresolved.length > 0 || (e.unsetAsked && this.strictAsked) ? undefined : e.text
  }

  /** While set, word() answers undefined for `${X+word}` of a variable set nowhere here (see askedGuard). */
  private strictAsked = false

  /**
   * `if [[ -z ${DEPLOY_ENV+x} ]]; then echo "…must be set"; exit 1; fi` (meedan/check-api production/bin/start.sh): a
   * test decided only because `${X+word}` / `${X:+word}` found X set nowhere conncalc reads, whose taken side ends the
   * script with nothing new running, is a guard on a variable the deploy must set: undecided, so the guard rule lets the
   * app pass it, as it does for `[ -z "$X" ] && exit 1`. Any other side keeps the reading of X as unset (an opt-out flag,
   * `${SKIP_MIGRATE:+x}`, a development-only wait). True when `test` (a test node, or a list of them) is such a guard of `side`.
   */
  private async askedGuard(test: TsNode, side: TsNode[], state: State, ctx: Ctx, bg: boolean): Promise<boolean> {
    if (!/\$\{[A-Z_a-z]\w*:?\+/.test(test.text)) return false
    this.strictAsked = true
    let strict: boolean | undefined
    try {
      strict = isTest(test) ? this.testOf(test, state) : this.test(test, state)
    } finally {
      this.strictAsked = false
    }

    if (strict !== undefined) return false
    const [trial] = await this.walkApart([side], state, ctx, bg)
    return endsWithNothing(trial, state)
  }

  /** A test command's value (isTest): `[ … ]`, `! [ … ]`, `[ a ] || [ b ]`; undefined when not decidable. */
  private testOf(node: TsNode, state: State): boolean | undefined {
    if (node.type === 'test_command') return this.test(node, state)
    if (node.type === 'negated_command') {
      const v = this.testOf(node.namedChildren[0], state)
      return v === undefined ? undefined : !v
    }

    const op = node.children.find((c) => !c.isNamed)?.type
    const [a, b] = [this.testOf(node.namedChildren[0], state), this.testOf(node.namedChildren.at(-1)!, state)]
    if (op === '&&') return a === false || b === false ? false : a === undefined || b === undefined ? undefined : true
    return a === true || b === true ? true : a === undefined || b === undefined ? undefined : false
  }

  /** A test's value: `[ "$X" = v ]`, `[[ $X == v* ]]`, `-z`/`-n`/`-v`, `!`, `&&`, `||`; undefined when not decidable. */
  private test(node: TsNode, state: State): boolean | undefined {
    switch (node.type) {
      case 'test_command':
      case 'parenthesized_expression': {
        // `[ … ]` is read by test(1)'s own rules from its words (tree-sitter-bash nests `[ -e a -a ! -e b ]` as
        // `-e (a -a …)`); `[[ … ]]` as parsed.
        if (node.type === 'test_command' && node.children[0]?.text === '[') return this.bracketTest(node, state)
        const inner = node.namedChildren[0]
        // `[ "$X" ]`, `[ $X ]`: one operand, true when it is not empty.
        if (inner && node.namedChildren.length === 1 && OPERANDS.has(inner.type)) {
          const v = this.word(inner, state)
          return v === undefined ? undefined : v !== ''
        }

        return inner ? this.test(inner, state) : undefined
      }

      case 'unary_expression': {
        const op = node.children[0]?.text
        const arg = node.namedChildren.at(-1)
        if (!arg) return undefined
        if (op === '!') {
          const v = this.test(arg, state)
          return v === undefined ? undefined : !v
        }

        return this.unaryTest(op, arg, state)
      }

      case 'binary_expression': {
        const [left, right] = [node.namedChildren[0], node.namedChildren.at(-1)]
        // `-gt`, `-eq`, … are a named test_operator node in tree-sitter-bash; `=`, `&&`, … unnamed tokens.
        const op = node.children.find((c) => !c.isNamed || c.type === 'test_operator')?.text
        if (!left || !right) return undefined
        if (op === '&&' || op === '-a' || op === '||' || op === '-o') {
          const a = this.test(left, state)
          const b = this.test(right, state)
          if (op === '&&' || op === '-a') return a === false || b === false ? false : a === undefined || b === undefined ? undefined : true
          return a === true || b === true ? true : a === undefined || b === undefined ? undefined : false
        }

        const a = this.word(left, state)
        const b = right.type === 'regex' ? undefined : this.word(right, state)
        if (a === undefined || b === undefined) return undefined
        // An unquoted right side is a pattern in [[ ]] and case; a quoted one is a plain string.
        const equal = right.type === 'string' || right.type === 'raw_string' ? a === b : globMatch(b, a)
        if (op === '=' || op === '==') return equal
        if (op === '!=') return !equal
        // `[ "$#" -gt 0 ]`, `[[ $N -le 3 ]]`: integer comparisons, decided when both sides are whole numbers (test(1)).
        if (/^-(eq|ne|lt|le|gt|ge)$/.test(op ?? '') && /^\s*-?\d+\s*$/.test(a) && /^\s*-?\d+\s*$/.test(b)) {
          const [x, y] = [Number(a), Number(b)]
          return op === '-eq' ? x === y : op === '-ne' ? x !== y : op === '-lt' ? x < y : op === '-le' ? x <= y : op === '-gt' ? x > y : x >= y
        }

        return undefined
      }

      default: {
        return undefined
      }
    }
  }

  /** `-z`/`-n`/`-v WORD` and the file tests (fileTest) on one operand; undefined when not decidable. */
  private unaryTest(op: string | undefined, arg: TsNode, state: State): boolean | undefined {
    if (op === '-v') return state.vars.has(arg.text) || state.env.has(arg.text) ? true : undefined
    const v = this.word(arg, state)
    if (op === '-z') return v === undefined ? undefined : v === ''
    if (op === '-n') return v === undefined ? undefined : v !== ''
    return v === undefined ? undefined : this.fileTest(op, v)
  }

  /**
   * `[ … ]` by test(1)'s grammar over its words, in order (POSIX test: `!` binds tighter than `-a`, which binds tighter
   * than `-o`; `( … )` groups): unary operators (unaryTest), `=`/`==`/`!=` on strings, `-eq`/`-ne`/`-lt`/`-le`/`-gt`/`-ge`
   * on integers, one word alone true when not empty. Each undecided part leaves the whole undecided unless the other
   * side decides it (`false -a ?` is false).
   */
  private bracketTest(node: TsNode, state: State): boolean | undefined {
    type Tok = {node: TsNode; op?: undefined} | {node?: undefined; op: string}
    const toks: Tok[] = []
    const walk = (n: TsNode): void => {
      if (OPERANDS.has(n.type) || n.type === 'number' || n.type === 'command_substitution' || n.type === 'arithmetic_expansion') toks.push({node: n})
      else if (n.childCount === 0) {
        if (n.text !== '[' && n.text !== ']') toks.push({op: n.text})
      } else for (const c of n.children) walk(c)
    }

    for (const c of node.children) walk(c)
    let i = 0
    const and3 = (a: boolean | undefined, b: boolean | undefined): boolean | undefined => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true)
    const or3 = (a: boolean | undefined, b: boolean | undefined): boolean | undefined => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false)
    // Parse errors throw to the caller below: undecided.
    const primary = (): boolean | undefined => {
      const t = toks[i]
      if (!t) throw new Error('end')
      if (t.op === '!') {
        i++
        const v = primary()
        return v === undefined ? undefined : !v
      }

      if (t.op === '(') {
        i++
        const v = or()
        if (toks[i]?.op !== ')') throw new Error(')')
        i++
        return v
      }

      const next = toks[i + 1]
      if (t.op !== undefined && /^-[a-zA-Z]$/.test(t.op) && next?.node) {
        i += 2
        return this.unaryTest(t.op, next.node, state)
      }

      if (!t.node) throw new Error('operand')
      if (next?.op !== undefined && ['!=', '-eq', '-ge', '-gt', '-le', '-lt', '-ne', '=', '=='].includes(next.op) && toks[i + 2]?.node) {
        const [a, b] = [this.word(t.node, state), this.word(toks[i + 2].node!, state)]
        i += 3
        if (a === undefined || b === undefined) return undefined
        if (next.op === '=' || next.op === '==') return a === b
        if (next.op === '!=') return a !== b
        if (!/^\s*-?\d+\s*$/.test(a) || !/^\s*-?\d+\s*$/.test(b)) return undefined
        const [x, y] = [Number(a), Number(b)]
        return {'-eq': x === y, '-ge': x >= y, '-gt': x > y, '-le': x <= y, '-lt': x < y, '-ne': x !== y}[next.op as '-eq']
      }

      i++
      const v = this.word(t.node, state)
      return v === undefined ? undefined : v !== ''
    }

    const and = (): boolean | undefined => {
      let v = primary()
      while (toks[i]?.op === '-a') {
        i++
        v = and3(v, primary())
      }

      return v
    }

    const or = (): boolean | undefined => {
      let v = and()
      while (toks[i]?.op === '-o') {
        i++
        v = or3(v, and())
      }

      return v
    }

    try {
      const v = or()
      return i === toks.length ? v : undefined
    } catch {
      return undefined
    }
  }

  /**
   * A file test on an absolute path in the image (`[ -f /app/frankenphp_target ]`, `[ -e /etc/app-env ]`, `-d`, `-s`):
   * decided from what the build put there (model/image-files.ts imageHolds), a COPY'd repository file, a RUN's
   * `touch`/`mkdir`. A path the build did not put there stays undecided (the base image or a volume may hold it); so
   * does any test outside an image, or with another operator (`-x`, `-r`: the file's mode and user).
   */
  private fileTest(op: string | undefined, path: string): boolean | undefined {
    if (!this.image || !path.startsWith('/') || !['-a', '-d', '-e', '-f', '-s'].includes(op ?? '')) return undefined
    const held = imageHolds(this.image.image, this.image.files, path)
    if (held === undefined) return undefined
    if (op === '-d') return held === 'folder'
    if (op === '-f') return held === 'file'
    if (op === '-s') {
      // Not empty: a repository file a COPY put there, as the repository holds it (a `touch`ed one is empty, or as it was).
      const copied = held === 'file' ? imageFile(this.image.image, this.image.files, posix.normalize(path)) : undefined
      const text = copied?.kind === 'copied' ? this.image.files.read(copied.path)?.text : undefined
      return text === undefined ? undefined : text.length > 0
    }

    return true
  }
}

/** The commands of `a && b && c` in order (tree-sitter nests them to the left: `(a && b) && c`). */
function andChain(node: TsNode): TsNode[] {
  const op = node.children.find((c) => !c.isNamed)?.type
  if (node.type !== 'list' || op !== '&&' || isTest(node)) return [node]
  const [left, right] = [node.namedChildren[0], node.namedChildren.at(-1)!]
  return [...andChain(left), right]
}

/** A command that only tests: `[ … ]`, `[[ … ]]`, `! [ … ]`, or tests joined by `&&`/`||`. */
function isTest(node: TsNode): boolean {
  if (node.type === 'test_command') return true
  if (node.type === 'negated_command') return node.namedChildren.length === 1 && isTest(node.namedChildren[0])
  if (node.type !== 'list' || node.namedChildren.length !== 2) return false
  return node.namedChildren.every((c) => isTest(c))
}

/** Constructs that, started with `&`, run as one background shell (their commands one after another in it). */
const BACKGROUND_GROUPS: ReadonlySet<string> = new Set(['c_style_for_statement', 'case_statement', 'compound_statement', 'for_statement', 'if_statement', 'list', 'subshell', 'until_statement', 'while_statement'])

/** tree-sitter-bash nodes that are one word of a test (`[ "$X" ]`), not an expression. */
const OPERANDS: ReadonlySet<string> = new Set(['concatenation', 'expansion', 'raw_string', 'simple_expansion', 'string', 'word'])

interface Branch {
  body: TsNode[]
  condition?: TsNode
  keyword: 'elif' | 'else' | 'if'
}

interface Ctx {
  depth: number
  file: string
  /** The file line of the text's first row (a Procfile line, or 1 for a script). */
  line0: number
  /** The Procfile and the scripts being read, outermost first: a script among them runs in a loop. */
  within: readonly string[]
}

/** The words after the script's path: `bash -e x.sh a b` and `./x.sh a b` → [a, b]. */
function scriptArgs(argv: string[]): string[] {
  let i = 0
  if (SHELLS.has(argv[0].split('/').pop()!)) {
    i = 1
    while (i < argv.length && /^[-+][a-zA-Z]+$/.test(argv[i])) i++
  }

  return argv.slice(i + 1)
}

/**
 * The script's own path and folder where the script computes them from `$0` (`$(dirname $0)/x.sh`,
 * `"$(dirname "$0")"`, `$(cd "$(dirname "$0")" && pwd)`, also with `-P` and BASH_SOURCE; `SCRIPT=$(readlink -f "$0")`
 * or realpath, then `$(dirname "$SCRIPT")` through the variable): `/app/<file>` and `/app/<folder>`, which the command
 * reader writes as paths in the app (a script a RUN wrote is at its own path in the image). Only inside a script file: on
 * the Procfile line `$0` is bash itself. A variable is read through `lookup` only when its value is such an absolute
 * path, no expansion left; readlink is taken to find no link on the way (the path as written, normalized).
 */
function scriptPathSubstituted(text: string, ctx: Ctx, lookup?: (name: string) => string | undefined): string {
  if (ctx.depth === 0 || !/\b(?:dirname|readlink|realpath)\b/.test(text)) return text
  const at = ctx.file.indexOf('@/')
  const self = at === -1 ? `/app/${ctx.file}` : ctx.file.slice(at + 1)
  const arg = (name: string): string | undefined => {
    if (/^(?:0|BASH_SOURCE(?:\[0\])?)$/.test(name)) return self
    const v = lookup?.(name)
    return v !== undefined && /^\/[^\s"'$`()]*$/.test(v) ? v : undefined
  }

  // The operand of dirname/readlink/realpath: a literal absolute path, or `$0`/`$VAR` in quotes or bare.
  const operand = String.raw`(?:--\s+)?(?:"(\/[^\s"$\`()]*)"|(\/[^\s"$\`();&|]*)|"?\$(?:\{(\w+(?:\[0\])?)\}|(\w+))"?)`
  const value = (lit1?: string, lit2?: string, braced?: string, bare?: string): string | undefined => lit1 ?? lit2 ?? arg((braced ?? bare)!)
  const dirname = new RegExp(String.raw`\$\(\s*dirname\s+${operand}\s*\)`, 'g')
  const resolved = new RegExp(String.raw`\$\(\s*(?:readlink\s+-[efm]|realpath(?:\s+-[eLPs])*)\s+${operand}\s*\)`, 'g')
  const cdPwd = /\$\(\s*cd\s+(?:-P\s+)?(?:--\s+)?"?(\/[^\s"$`()]*)"?\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)/g
  let out = text
  // Inside out: `$(dirname "$(dirname "$0")")` once the inner one is a path.
  for (let k = 0; k < 8; k++) {
    const next = out
      .replaceAll(resolved, (m, a?: string, b?: string, c?: string, d?: string) => {
        const v = value(a, b, c, d)
        return v === undefined ? m : posix.normalize(v)
      })
      .replaceAll(dirname, (m, a?: string, b?: string, c?: string, d?: string) => {
        const v = value(a, b, c, d)
        return v === undefined ? m : posix.dirname(posix.normalize(v))
      })
      .replaceAll(cdPwd, (_, p: string) => posix.normalize(p))
    if (next === out) break
    out = next
  }

  return out
}

/** `${1:-x}`, `${1#-}`: an argument with an operator, read as a variable of this name (`${__ARG1:-x}`) the lookup gives. */
const ARG = '__CONNCALC_ARG'
/** An array's element on a command line, as a variable of this name and its index (`${__CONNCALC_ELEM_ARGS_0}`). */
const ELEM = '__CONNCALC_ELEM_'

/** One element of a bash array: its value, where it came from, and why it is not known here, if so. */
interface ArrayElement {
  /** Where it was set (file:line). */
  at?: string
  unknown?: string
  value: string
  via?: Source[]
}

/** A shell variable set as a bash array: its elements (the entry's own value is the first). */
type ArrayEntry = EnvEntry & {elements?: ArrayElement[]}

/** The elements `${NAME[@]}` expands to: an array's, a variable's value alone, none when unset; undefined when NAME's value is not known. */
function elementsOf(state: State, name: string): ArrayElement[] | undefined {
  const e = state.vars.get(name) ?? state.env.get(name)
  if (!e) return []
  const {elements} = e as ArrayEntry
  if (elements) return elements
  return e.unknown === undefined ? [{value: e.value, via: entrySources(e)}] : undefined
}

/** `${ARGS[@]}`, `${ARGS[*]}` (the elements joined by spaces), `${ARGS[N]}` and `${#ARGS[@]}` in a value assigned: the text they give. */
function arrayRefsText(text: string, state: State): string {
  if (!text.includes('[')) return text
  return text.replaceAll(/\$\{(#?)([A-Z_a-z]\w*)\[([@*]|\d+)\]\}/g, (m, count: string, name: string, index: string) => {
    const elements = elementsOf(state, name)
    if (elements === undefined || elements.some((e) => e.unknown !== undefined)) return m
    if (count) return String(elements.length)
    return index === '@' || index === '*' ? elements.map((e) => e.value).join(' ') : (elements[Number(index)]?.value ?? '')
  })
}
const ARG_OPERATOR = /\$\{([1-9])([#%:/][^}]*)\}/g
const argOperators = (text: string): string => text.replaceAll(ARG_OPERATOR, (_, n: string, rest: string) => `\${${ARG}${n}${rest}}`)
/** A lookup that gives the script's arguments by those names too (an argument not given is empty). */
const argLookup = (args: string[] | undefined, lookup: (name: string) => string | undefined) => (name: string): string | undefined =>
  name.startsWith(ARG) && args ? (args[Number(name.slice(ARG.length)) - 1] ?? '') : lookup(name)

/** A reference to the script's arguments in a word: `$1`…`$9`, `$@`, `$*`, `$#` (braced or not). */
const POSITIONAL_REF = /\$\{?[1-9@*#]\}?/
const POSITIONAL_REFS = /\$\{?([1-9@*#])\}?/g

const shellQuote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`

/**
 * A positional parameter with the script's arguments, quoted so the command reader
 * splits them as the script would: `"$@"` each argument as a word, `"$*"` one word,
 * `$1` the first. Undefined (kept as written: it expands to nothing) outside a script
 * called with arguments. `unquoted`: the reference stands outside any quotes, so each
 * argument it gives is split into fields at blanks and an empty one gives no word (POSIX
 * 2.6.5 Field Splitting: `sh -c 'run.sh $0 $@' gunicorn '--config app.py'` runs run.sh
 * gunicorn --config app.py).
 */
function positional(m: string, args: string[] | undefined, unquoted = false): string | undefined {
  if (!args) return undefined
  const name = m.replaceAll(/["${}]/g, '')
  if (unquoted && name !== '0') {
    const values = name === '@' || name === '*' ? args : [args[Number(name) - 1] ?? '']
    return values.flatMap((v) => v.split(/[\t\n ]+/).filter((f) => f !== '')).map(shellQuote).join(' ')
  }

  if (name === '@' || (name === '*' && !m.startsWith('"'))) return args.map(shellQuote).join(' ')
  if (name === '*') return shellQuote(args.join(' '))
  const v = args[Number(name) - 1]
  return name === '0' ? undefined : v === undefined ? '' : shellQuote(v)
}

/** Whether offset `at` of a command line stands outside single and double quotes (a backslash escapes the next character). */
function unquotedAt(text: string, at: number): boolean {
  let quote: '"' | "'" | undefined
  for (let i = 0; i < at; i++) {
    const c = text[i]
    if (quote === "'") {
      if (c === "'") quote = undefined
    } else if (c === '\\') i++
    else if (c === '"') quote = quote === '"' ? undefined : '"'
    else if (c === "'" && quote === undefined) quote = "'"
  }

  return quote === undefined
}

const lineOf = (node: TsNode, ctx: Ctx): number => ctx.line0 + node.startPosition.row

/** A construct's place, the same on every walk of the script: which choice a replay forces. */
const keyOf = (node: TsNode, ctx: Ctx): string => `${ctx.file}:${lineOf(node, ctx)}:${node.startPosition.column}`

const firstLine = (text: string): string => {
  const line = text.split('\n', 1)[0].trim()
  return line.length > 60 ? `${line.slice(0, 57)}…` : line
}

const ordinal = (n: number): string => (['first', 'second', 'third'][n - 1] ?? `${n}th`)

/** Names a shell word expands (`$X`, `${X:-d}`). */
const usedNames = (text: string): string[] => [...text.matchAll(/\$\{?([A-Z_a-z]\w*)/g)].map((m) => m[1])

/**
 * Whether `set`'s options (or a shell's, `bash -e`, `sh -ec`, a shebang's `#!/bin/bash -e`) leave errexit on:
 * `-e`, `-eu`, `-o errexit` turn it on, `+e`, `+o errexit` off; the last one said wins.
 */
function errexitAfter(options: string[], was: boolean): boolean {
  return optionAfter(options, 'e', 'errexit', was)
}

/** Whether a shell option (`-e` / `-o errexit`, `-a` / `-o allexport`) is on after these options; `+` turns it off. */
function optionAfter(options: string[], letter: string, name: string, was: boolean): boolean {
  let on = was
  for (const [i, o] of options.entries()) {
    if (o === '--' || !/^[-+]/.test(o)) break
    if (/^[-+][a-zA-Z]+$/.test(o) && o !== '-o' && o !== '+o' && o.slice(1).includes(letter)) on = o.startsWith('-')
    if (/^[-+]o$/.test(o) && options[i + 1] === name) on = o.startsWith('-')
  }

  return on
}

/** A statement whose failure `set -e` acts on: not tested by `&&`/`||` (unless it is the list's last), `!`, or a pipe before its end. */
function statusUntested(node: TsNode): boolean {
  let n = node
  for (let p = n.parent; p; n = p, p = p.parent) {
    if (p.type === 'list' && p.namedChildren.at(-1)?.id !== n.id) return false
    if (p.type === 'negated_command' || (p.type === 'pipeline' && p.namedChildren.at(-1)?.id !== n.id)) return false
    if (p.type !== 'list' && p.type !== 'redirected_statement') return true
  }

  return true
}

/**
 * The app's own `.profile.d/*.sh` and `.profile`: a Heroku dyno's bash sources every `$HOME/.profile.d/*.sh` (the
 * buildpacks' and the app's own, in name order) and then `$HOME/.profile`, with the config vars already set, before it
 * runs the Procfile command (https://devcenter.heroku.com/articles/dynos#the-profile-file; Dokku's herokuish does the
 * same, herokuish include/procfile.bash). What they export is the process's environment: over the config vars (an
 * `export WEB_CONCURRENCY=3` wins; `export WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}` keeps one), under the Procfile line's
 * own `X=1 cmd`. Undecided branches (`if [ "$DYNO" = … ]`) are walked each way (MAX_WALKS): a variable the ways set
 * differently is said to be unknown, naming the branch. Undefined when the app has neither file.
 */
// Answered at once (no Promise) when the app has none of those files: nearly always (this runs per process type).
export function dynoProfile(files: FileReader, env: Env, processType: string, dyno?: DynoFacts, withProfile = true): EnvLayer | undefined | Promise<EnvLayer | undefined> {
  // The Python buildpack's build hooks append to $PROFILE_PATH, its .profile.d/python.sh: sourced in its place.
  const hooks = buildHookProfile(files)
  const listed = files.list('.profile.d')
  const sourced = listed.length === 0 && hooks.length === 0 ? [] : [...new Set([...listed.filter((n) => n.endsWith('.sh')), ...(hooks.length > 0 ? ['python.sh'] : [])])].sort()
  const profile = withProfile ? files.read('.profile') : undefined
  if (sourced.length === 0) return profile ? profileLayer([profile], env, files, processType, dyno) : undefined
  const scripts = [...sourced.map((n) => `.profile.d/${n}`), ...(withProfile ? ['.profile'] : [])].flatMap((p): {path: string; text: string; line?: number}[] => {
    if (p === '.profile.d/python.sh' && hooks.length > 0) return hooks
    const file = p === '.profile' ? profile : files.read(p)
    return file ? [file] : []
  })
  return scripts.length === 0 ? undefined : profileLayer(scripts, env, files, processType, dyno)
}

async function profileLayer(scripts: {path: string; text: string; line?: number}[], env: Env, files: FileReader, processType: string, dyno: DynoFacts | undefined): Promise<EnvLayer | undefined> {
  // The scripts run with the dyno's HOME, /app (what `export X="$HOME/x"` there expands to).
  const home = env.get('HOME') ? env : new Env([...env.layers, layer('the dyno', [{name: 'HOME', source: fromDefault('a dyno runs the app in /app, its HOME', DYNO_ENV), value: '/app'}])])
  const walk = async (forced: ReadonlyMap<string, number>): Promise<{forced: ReadonlyMap<string, number>; reader: ScriptReader; state: State}> => {
    const reader = new ScriptReader(files, processType, dyno, forced)
    const state = newState(home, '', [])
    for (const file of scripts) {
      // Each file is sourced in the same shell: what one exports, the next sees.
      await reader.walkText(file.text, {file: file.path, line: file.line ?? 1}, state, 0)
      state.done = false
      state.returned = false
      if (state.exited) break
    }

    return {forced, reader, state}
  }

  const first = await walk(new Map())
  const ways = [first]
  const tried = new Set([''])
  for (let i = 0; i < ways.length; i++) {
    for (const c of ways[i].reader.choices) {
      for (const arm of c.arms) {
        if (arm === c.taken || ways[i].forced.has(c.key)) continue
        const forced = new Map([...ways[i].forced, [c.key, arm]])
        const id = [...forced].map(([k, v]) => `${k}=${v}`).sort().join(' ')
        if (tried.has(id) || ways.length >= MAX_WALKS) continue
        tried.add(id)
        ways.push(await walk(forced))
      }
    }
  }

  const exported = (state: State): Map<string, EnvEntry> => {
    const out = new Map(state.exported)
    if (state.allexport) for (const [k, v] of state.vars) out.set(k, v)
    return out
  }

  const firstVars = exported(first.state)
  const names = new Set(ways.flatMap((w) => [...exported(w.state).keys()]))
  const choice = first.reader.choices[0]
  const entries: EnvEntry[] = []
  for (const name of names) {
    const values = ways.map((w) => exported(w.state).get(name))
    const entry = firstVars.get(name) ?? values.find((v) => v !== undefined)!
    // Unchanged from the env it started with: not the profile's.
    if (values.every((v) => v === env.get(name))) continue
    const same = values.every((v) => v !== undefined && v.value === entry.value && !v.unknown)
    entries.push(same || !choice ? entry : {...entry, unknown: `${name} is set differently in the ways through \`${choice.what}\` at ${choice.at.file}:${choice.at.line}, which conncalc cannot decide`})
  }

  return entries.length > 0 ? layer(`${[...new Set(scripts.map((s) => s.path))].join(', ')} (sourced at dyno start)`, entries) : undefined
}

const DYNO_ENV = 'https://devcenter.heroku.com/articles/dynos#local-environment-variables'

// heroku-buildpack-python bin/compile: PROFILE_PATH="$BUILD_DIR/.profile.d/python.sh", exported to the app's
// bin/pre_compile and bin/post_compile hooks (bin/steps/hooks/*: sub-env); what they append there is sourced at dyno start.
const PYTHON_BUILD_HOOKS = ['bin/pre_compile', 'bin/post_compile']

/**
 * The lines the Python buildpack's hooks append to $PROFILE_PATH, as shell text with its file and line:
 * `echo 'export X="$HOME/x"' >> $PROFILE_PATH` (single quotes: as written), `echo "export X=1" >> …` and
 * `cat <<EOT >> "$PROFILE_PATH" … EOT` (`\$` is a `$` the dyno expands; an unescaped `$` is expanded at build time,
 * which conncalc does not run: that text is left out). Only when the app uses the Python buildpack's hooks.
 */
function buildHookProfile(files: FileReader): {line: number; path: string; text: string}[] {
  const out: {line: number; path: string; text: string}[] = []
  const target = String.raw`>>\s*"?\$\{?PROFILE_PATH\}?"?`
  for (const path of PYTHON_BUILD_HOOKS) {
    const text = files.read(path)?.text
    if (!text || !text.includes('PROFILE_PATH')) continue
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]
      const single = new RegExp(String.raw`^\s*echo\s+'([^']*)'\s*${target}\s*$`).exec(l)
      const double = new RegExp(String.raw`^\s*echo\s+"((?:[^"\\]|\\.)*)"\s*${target}\s*$`).exec(l)
      const heredoc = new RegExp(String.raw`^\s*cat\s+<<-?\s*(['"]?)(\w+)\1\s*${target}\s*$`).exec(l)
      if (single) out.push({line: i + 1, path, text: single[1]})
      else if (double) {
        const lit = buildTimeText(double[1])
        if (lit !== undefined) out.push({line: i + 1, path, text: lit})
      } else if (heredoc) {
        const end = lines.findIndex((x, j) => j > i && x.trim() === heredoc[2])
        if (end === -1) break
        const body = lines.slice(i + 1, end).join('\n')
        const lit = heredoc[1] ? body : buildTimeText(body)
        if (lit !== undefined) out.push({line: i + 2, path, text: lit})
        i = end
      }
    }
  }

  return out
}

/** Text the build's shell expands (double quotes, an unquoted heredoc): `\$` kept as `$`; undefined when it expands anything. */
function buildTimeText(text: string): string | undefined {
  if (/(^|[^\\])\$|`/.test(text)) return undefined
  return text.replaceAll(/\\([$"\\`])/g, '$1')
}
