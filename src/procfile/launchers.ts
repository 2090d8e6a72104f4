/**
 * Process managers a Procfile line starts, which run several processes inside the
 * one dyno: `honcho start` and `foreman start` (a Procfile inside the Procfile),
 * `supervisord -c file.conf` (its `[program:x]` sections) and `supercronic crontab`
 * (one process per job when its schedule fires). Each process they start is read
 * as a process type of its own and counted in the dyno, as many times as the
 * manager starts it. Pure: files come through a FileReader; nothing is run.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {Env, EnvEntry} from '../model/env.js'
import type {FileReader} from '../model/files.js'
import type {ImageFiles} from '../model/image-files.js'
import type {LauncherQuery} from '../languages/ruby/boot-connection.js'

import {fromEnv, fromDefault, type Source} from '../model/source.js'
import {programName} from '../languages/common/setting.js'
import {normalizePath, splitCommand} from '../languages/shell/shell.js'
import {parseProcfile} from './procfile.js'
import {joinPath} from '../util/app-path.js'
import {type IniSection, parseIni} from '../util/ini.js'
import {shellQuote} from '../util/shell-quote.js'
import {buildpackRun} from './buildpack-run.js'
import {rubyScript} from '../languages/ruby/ruby-script-command.js'
import {rakefileOf, rakeTasks} from '../languages/ruby/rails-process-command.js'
import {knownProgram} from '../languages/shell/programs.js'
import {copiedFile, copiedPath, imageFile, imageFolderFiles} from '../model/image-files.js'

// honcho/command.py: `start [processes…]`, -f/--procfile (default "Procfile", or PROCFILE from the env file),
// -d/--app-root (the Procfile is read from there), -c/--concurrency "web=2,worker=3" (each type 1 by default).
const HONCHO = 'https://github.com/nickstenning/honcho/blob/main/honcho/command.py'
// foreman lib/foreman/cli.rb: `start [PROCESS]`, -f/--procfile, -d/--root ("Default: Procfile directory"),
// -m/--formation "alpha=5,bar=3" ('Default: "all=1"'); `start web` runs web=1 only.
const FOREMAN = 'https://github.com/ddollar/foreman/blob/main/lib/foreman/cli.rb'
// supervisord: -c/--configuration FILE, else supervisord.conf or etc/supervisord.conf in the working folder;
// [program:x] command=, numprocs= (default 1), autostart= (default true), directory=, environment=.
const SUPERVISORD = 'https://supervisord.org/configuration.html#program-x-section-settings'
// supercronic: each crontab line is a job run with /bin/sh -c when its schedule fires, as a process of its own;
// different jobs run at the same time when their schedules coincide (a job skips a run while its previous one
// still runs, unless -overlapping).
const SUPERCRONIC = 'https://github.com/aptible/supercronic#readme'
// s6-svscan [ -c max ] [ -t rescan ] … [ dir ]: "s6-svscan scans dir (default: the current directory) for subdirectories
// and spawns an s6-supervise process for each" (names beginning with a dot are ignored); s6-supervise runs the service
// directory's ./run there, and "if the service directory contains a file named down, the service is not started".
const S6_SVSCAN = 'https://skarnet.org/software/s6/s6-svscan.html'
const S6_SUPERVISE = 'https://skarnet.org/software/s6/s6-supervise.html'
/** s6-svscan's options that take a value (s6 2.x: -c max, -C services_max, -L name_max, -t rescan, -d notif, -X consoleholder). */
const S6_VALUED = new Set(['-c', '-C', '-L', '-t', '-d', '-X'])

/** One process a manager starts in the dyno. */
export interface LaunchedProcess {
  /** Variables the manager gives it (supervisord `environment=`, crontab `KEY=value` lines). */
  assignments: EnvEntry[]
  command: string
  /** How many copies of it the manager runs at once. */
  copies: number
  /** Where it runs, relative to the app root ('' = the root). */
  cwd: string
  /** Its name for messages: "web" (honcho, foreman), "program:gunicorn", "job at crontab:3". */
  name: string
  origin: {file: string; line: number}
}

export interface Launch {
  diagnostics: Diagnostic[]
  /** The file the manager reads, when it was found. */
  file?: string
  /** "honcho start", "foreman start", "supervisord", "supercronic". */
  launcher: string
  /** Why the processes are what they are, for --explain (the manager's documented behaviour). */
  note: Source
  processes: LaunchedProcess[]
  /** The launching process queries the database itself before it waits (a Rake task's own model query): it holds that connection. */
  query?: LauncherQuery
  /** Set when nothing could be read (the file is missing): the type is an unknown command for this reason. */
  unknown?: string
}

/**
 * The process manager a command runs, if it is one conncalc reads. With the app's
 * files, also a `bin/run` the repo lacks, which a buildpack writes (buildpack-run.ts).
 */
export function launcherOf(argv: readonly string[], files?: FileReader): string | undefined {
  const prog = programName(argv[0])
  if ((prog === 'honcho' || prog === 'foreman') && subcommand(prog, argv.slice(1)) === 'start') return `${prog} start`
  if (prog === 'supervisord' || prog === 'supercronic' || prog === 's6-svscan') return prog
  if (prog === 'litefs' && argv[1] === 'mount') return 'litefs mount'
  // s6-overlay's /init (https://github.com/just-containers/s6-overlay): read only in an image that holds its services.
  if (argv[0] === '/init') return 's6-overlay'
  if (prog === 'inv' || prog === 'invoke') return 'invoke'
  if (files && buildpackRun(argv, files)) return 'bin/run'
  // A Ruby script of the app given a command (`bin/restarter bin/respirate`): readLaunch reads whether it runs it.
  // Or one that runs Puma in its own process (`Puma::CLI.new(ARGV + %w(--config puma.rb)).run`).
  // A rake task of the app (`bin/rails fly:server`): readLaunch reads whether its actions run a command.
  if (files && rakeTasks(argv) && rakefileOf(files)) return 'rake'
  if (files && rubyScript(argv, files) && (argv.length > 1 || /\bPuma::|<\s*Puma::CLI|CLI\.new/.test(files.read(rubyScript(argv, files)!)?.text ?? ''))) return 'ruby script'
  return undefined
}

// honcho's top-level parser takes the common options too (_add_common_args(parser, with_defaults=True)):
// `honcho -f ProcfileMulti start` reads ProcfileMulti. Their values are skipped to find the subcommand.
const HONCHO_GLOBAL_VALUES = new Set(['-e', '--env', '-d', '--app-root', '-f', '--procfile'])

// foreman's CLI is a Thor class: Thor runs a command given by any prefix that names only one of the class's commands
// and maps (thor lib/thor.rb find_command_possibilities), so `foreman s` and `foreman sta` are `foreman start`.
// foreman's commands (lib/foreman/cli.rb): check, export, help, run, start, version. honcho's argparse takes names whole.
const FOREMAN_COMMANDS = ['check', 'export', 'help', 'run', 'start', 'version']

/** The subcommand of `honcho …`/`foreman …` and its index: the first word that is neither an option nor a global option's value. */
function subcommandAt(prog: string, args: readonly string[]): {index: number; name: string} | undefined {
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('-')) {
      const named = prog === 'foreman' ? FOREMAN_COMMANDS.filter((c) => c.startsWith(args[i])) : []
      return {index: i, name: named.length === 1 ? named[0] : args[i]}
    }

    if (prog === 'honcho' && HONCHO_GLOBAL_VALUES.has(args[i])) i++
  }

  return undefined
}

const subcommand = (prog: string, args: readonly string[]): string | undefined => subcommandAt(prog, args)?.name

/** Read what the manager runs. Undefined when the command is not one of them. */
export function readLaunch(argv: readonly string[], files: FileReader, cwd: string, processType: string, env: Env, image?: InImage): Promise<Launch | undefined> | undefined {
  // No process manager (most commands): answered at once, with no promise; asked for every process type.
  const launcher = launcherOf(argv, files)
  return launcher ? launchOf(launcher, argv, files, cwd, processType, env, image) : undefined
}

/** The container image the command runs in, with the app root's files: where a path in the image comes from. */
type InImage = {files: FileReader; image: ImageFiles}

async function launchOf(launcher: NonNullable<ReturnType<typeof launcherOf>>, argv: readonly string[], files: FileReader, cwd: string, processType: string, env: Env, image?: InImage): Promise<Launch | undefined> {
  if (launcher === 'invoke') return invokeLaunch(argv, files, cwd, env)
  if (launcher === 'bin/run') return buildpackLaunch(argv, files, cwd)
  if (launcher === 'supervisord') return supervisord(argv, files, cwd, processType, (n) => env.get(n)?.value, image)
  if (launcher === 'supercronic') return supercronic(argv, files, cwd, processType)
  if (launcher === 's6-svscan') return s6Svscan(argv, files, cwd, image)
  if (launcher === 'litefs mount') return litefsMount(argv, files, cwd, image)
  if (launcher === 's6-overlay') return s6Overlay(argv, files, cwd, image)
  if (launcher === 'ruby script') return rubyRunner(argv, files, cwd)
  if (launcher === 'rake') return rakeLaunch(argv, files, cwd, env)
  return procfileManager(launcher, argv, files, cwd, processType)
}

/** `--name value`, `--name=value`, `-n value`, `-nvalue`. */
function option(args: readonly string[], short: string, long: string): {index: number; value: string} | undefined {
  let found: {index: number; value: string} | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === short || a === long) {
      if (args[i + 1] !== undefined) found = {index: i, value: args[i + 1]}
      i++
    } else if (a.startsWith(`${long}=`)) found = {index: i, value: a.slice(long.length + 1)}
    else if (a.startsWith(short) && a.length > short.length && !a.startsWith('--')) found = {index: i, value: a.slice(short.length)}
  }

  return found
}

/** `a/b` inside the app from `cwd`, `..` resolved; undefined when it leaves the app or is absolute (outside /app). */
const inApp = (cwd: string, path: string): string | undefined => joinPath(cwd, normalizePath(path))

const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')

function missing(launcher: string, what: string, ref: string): Launch {
  return {diagnostics: [], launcher, note: fromDefault(`${launcher} runs what ${what} lists`, ref), processes: [], unknown: `${launcher} reads ${what}, which is not in the app`}
}

/**
 * `litefs mount` (Fly.io's LiteFS, a FUSE file system replicating SQLite): once mounted it runs its config's `exec`
 * commands in turn, each but the last to its end (migrations, `if-candidate: true` on candidates only), then the last as
 * the process it supervises (https://fly.io/docs/litefs/migrations/). The config: `-config PATH`, else litefs.yml in the
 * folder it runs in, else /etc/litefs.yml (https://fly.io/docs/litefs/config/; ~/litefs.yml is not looked for); in an
 * image, the file a COPY or ADD put there (epicweb-dev/epic-stack: `ADD other/litefs.yml /etc/litefs.yml`).
 */
async function litefsMount(argv: readonly string[], files: FileReader, cwd: string, image?: InImage): Promise<Launch> {
  const ref = 'https://fly.io/docs/litefs/config/'
  const given = option(argv.slice(2), '-config', '--config')?.value
  const read = (path: string): {path: string; text: string} | undefined => {
    if (path.startsWith('/')) {
      const found = image ? imageFile(image.image, image.files, path) : undefined
      return found?.path === undefined ? undefined : image!.files.read(found.path)
    }

    const rel = inApp(cwd, path)
    return rel === undefined || !files.exists(rel) ? undefined : files.read(rel)
  }

  const file = given ? read(given) : (read('litefs.yml') ?? read('/etc/litefs.yml'))
  if (!file) return missing('litefs mount', given ?? 'litefs.yml (or /etc/litefs.yml)', ref)
  const note = fromDefault('litefs mount runs its exec commands in turn, each but the last to its end, then supervises the last', 'https://fly.io/docs/litefs/migrations/')
  let exec: unknown
  try {
    exec = ((await import('yaml')).parse(file.text) as {exec?: unknown} | null)?.exec
  } catch {
    exec = undefined
  }

  // `exec: "cmd"` or a list of `{cmd, if-candidate}` (a bare string item too).
  const cmds = (typeof exec === 'string' ? [exec] : Array.isArray(exec) ? exec.map((e: unknown) => (typeof e === 'string' ? e : e && typeof e === 'object' && typeof (e as {cmd?: unknown}).cmd === 'string' ? (e as {cmd: string}).cmd : undefined)) : []).filter((c): c is string => c !== undefined && c.trim() !== '')
  const last = cmds.at(-1)
  if (last === undefined) return {diagnostics: [], file: file.path, launcher: 'litefs mount', note, processes: [], unknown: `${file.path} has no exec command for litefs mount to run`}
  const at = file.text.split('\n').findIndex((l) => l.includes(last))
  return {diagnostics: [], file: file.path, launcher: 'litefs mount', note, processes: [{assignments: [], command: last, copies: 1, cwd, name: 'exec', origin: {file: file.path, line: at + 1}}]}
}

// s6-overlay v3: the services of the `user` bundle (/etc/s6-overlay/s6-rc.d/user/contents.d/NAME), each a folder of
// /etc/s6-overlay/s6-rc.d with a `type` file: a longrun's `run` script is supervised (kept up), a oneshot's `up` runs once
// at start and ends, a bundle's contents.d names more. v2's /etc/services.d/NAME/run are longruns too. A CMD after /init
// runs as well, once the services are up (the container ends when it does). README "Writing a service" / "The init stages".
const S6_OVERLAY = 'https://github.com/just-containers/s6-overlay#writing-a-service'
const S6_RC = '/etc/s6-overlay/s6-rc.d'

/**
 * `/init` of s6-overlay in a container image: the longrun services the image holds (from the repository through its
 * COPYs), each a process of this container, run as their `run` script's shell (`#!/command/with-contenv sh`, `#!/bin/sh -e`:
 * sh; bash likewise; an execline script is left unknown), and the CMD given to /init. Undefined when the image holds
 * no service folder (then /init is some other program, read as any command is).
 */
function s6Overlay(argv: readonly string[], files: FileReader, cwd: string, image?: InImage): Launch | undefined {
  if (!image) return undefined
  const {files: root, image: img} = image
  /** The repository file an image path holds, through the COPYs. */
  const fileAt = (abs: string): {line?: number; path: string; text: string} | undefined => {
    const found = imageFile(img, root, abs)
    const file = found?.path === undefined ? undefined : root.read(found.path)
    return file && found?.kind === 'copied' && found.line !== undefined ? {...file, line: found.line} : file
  }

  /** The names an image folder holds (files or folders a COPY brought), sorted. */
  const namesIn = (abs: string): string[] => {
    const path = copiedPath(img, root, abs)
    const names = new Set(imageFolderFiles(img, root, abs))
    if (path !== undefined && !path.startsWith('..')) for (const n of [...root.list(path), ...root.folders(path)]) names.add(n)
    return [...names].sort()
  }

  const fromHere = (path: string): string => posix.relative(posix.join(files.within ?? '', cwd) || '.', path)
  const processes: LaunchedProcess[] = []
  const diagnostics: Diagnostic[] = []
  const longrun = (name: string, run: string): void => {
    const file = fileAt(run)
    if (!file) return
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(file.text)
    const words = [shebang?.[1] ?? '', shebang?.[2] ?? ''].map((w) => posix.basename(w))
    const shell = ['sh', 'bash', 'ash', 'dash'].find((sh) => words[0] === sh || (words[0] === 'with-contenv' && words[1] === sh))
    // Said at the Dockerfile's COPY that put the script there (the script itself is what the command runs).
    const origin = file.line === undefined ? {file: file.path, line: 1} : {file: img.dockerfile, line: file.line}
    processes.push({assignments: [], command: shell ? `${shell} ${shellQuote(fromHere(file.path))}` : run, copies: 1, cwd, name: `service:${name}`, origin})
  }

  // v3: the user bundle, bundles inside it followed (a bundle met twice is read once).
  const seen = new Set<string>()
  const bundle = (name: string, depth: number): void => {
    for (const service of namesIn(`${S6_RC}/${name}/contents.d`)) {
      if (seen.has(service) || depth > 5) continue
      seen.add(service)
      const type = fileAt(`${S6_RC}/${service}/type`)?.text.trim()
      if (type === 'longrun') longrun(service, `${S6_RC}/${service}/run`)
      else if (type === 'bundle') bundle(service, depth + 1)
    }
  }

  bundle('user', 0)
  // v2: every folder of /etc/services.d with a run script.
  for (const service of namesIn('/etc/services.d')) longrun(service, `/etc/services.d/${service}/run`)
  if (processes.length === 0) return undefined
  const cmd = argv.slice(1)
  if (cmd.length > 0) processes.push({assignments: [], command: cmd.map((w) => shellQuote(w)).join(' '), copies: 1, cwd, name: 'CMD', origin: processes[0].origin})
  return {diagnostics, launcher: 's6-overlay', note: fromDefault("s6-overlay's /init keeps each longrun service of the image up (its run script) and runs the CMD given to it; a oneshot runs once at start and ends (not counted)", S6_OVERLAY), processes}
}

/** honcho and foreman: the types of another Procfile, each as many times as -c/-m says (1 by default). */
function procfileManager(launcher: string, argv: readonly string[], files: FileReader, cwd: string, processType: string): Launch {
  const honcho = launcher.startsWith('honcho')
  const ref = honcho ? HONCHO : FOREMAN
  const args = argv.slice(1)
  const start = subcommandAt(honcho ? 'honcho' : 'foreman', args)?.index ?? -1
  const valueOptions = new Set(honcho ? ['-e', '--env', '-d', '--app-root', '-f', '--procfile', '-p', '--port', '-c', '--concurrency', '-q', '--quiet'] : ['-e', '--env', '-d', '--root', '-f', '--procfile', '-p', '--port', '-m', '--formation', '-t', '--timeout'])
  const named: string[] = []
  for (let i = start + 1; i < args.length; i++) {
    const a = args[i]
    if (valueOptions.has(a)) i++
    else if (!a.startsWith('-')) named.push(a)
  }

  const root = option(args, '-d', honcho ? '--app-root' : '--root')?.value
  const f = option(args, '-f', '--procfile')?.value
  // honcho joins -f to the app root; foreman takes -f as given, else <root>/Procfile.
  const path = honcho ? inApp(cwd, root ? `${root}/${f ?? 'Procfile'}` : (f ?? 'Procfile')) : inApp(cwd, f ?? (root ? `${root}/Procfile` : 'Procfile'))
  const what = path ?? f ?? 'Procfile'
  const file = path === undefined ? undefined : files.read(path)
  if (!file) return missing(launcher, what, ref)
  const parsed = parseProcfile(file.text, file.path)
  const counts = concurrency(option(args, honcho ? '-c' : '-m', honcho ? '--concurrency' : '--formation')?.value)
  // foreman's processes run in its root (the Procfile's folder); honcho's in the folder it was started from.
  const runIn = honcho ? cwd : root ? (inApp(cwd, root) ?? cwd) : dirOf(file.path)
  const diagnostics: Diagnostic[] = []
  const processes: LaunchedProcess[] = []
  for (const e of parsed.entries) {
    if (named.length > 0 && !named.includes(e.name)) continue
    // honcho: 1 of each unless -c says. foreman (Engine#parse_formation): `start web` is "web=1"; -m sets the
    // types it names, "all=N" the others, which run 0 when -m names types but not all; no -m is "all=1".
    const copies = named.length > 0 && !honcho ? 1 : (counts.get(e.name) ?? (honcho ? 1 : (counts.get('all') ?? (counts.size === 0 ? 1 : 0))))
    if (copies <= 0) continue
    processes.push({assignments: [], command: e.command, copies, cwd: runIn, name: e.name, origin: {file: file.path, line: e.line}})
  }

  for (const name of named) {
    if (!parsed.entries.some((e) => e.name === name)) {
      diagnostics.push({code: 'unknown-command', file: file.path, fix: `add ${name} to ${file.path}, or tell conncalc: --assume ${processType}=PROCESSES:THREADS:POOL`, message: `${processType}: ${launcher} is asked to run ${name}, which ${file.path} does not define (${launcher.split(' ')[0]} exits with an error)`, processType, severity: 'warning'})
    }
  }

  return {diagnostics, file: file.path, launcher, note: fromDefault(`${launcher} runs each process of ${file.path} in this dyno${counts.size > 0 ? `, as many times as ${honcho ? '-c' : '-m'} says` : ', once each'}`, ref), processes}
}

/** "web=2,worker=3" → counts. */
function concurrency(desc: string | undefined): Map<string, number> {
  const out = new Map<string, number>()
  for (const item of (desc ?? '').split(',')) {
    const m = /^\s*([\w-]+)\s*=\s*(\d+)\s*$/.exec(item)
    if (m) out.set(m[1], Number(m[2]))
  }

  return out
}

/** supervisord's `%(ENV_X)s`, `%(program_name)s`, `%(process_num)d`, `%(here)s` in a value; undefined parts stay unknown. */
function supervisorExpand(value: string, vars: Record<string, string>, env: (name: string) => string | undefined): {text: string; unknown: string[]} {
  const unknown: string[] = []
  const text = value.replaceAll(/%\(([\w]+)\)[sd]/g, (_, name: string) => {
    if (name.startsWith('ENV_')) {
      const v = env(name.slice(4))
      if (v === undefined) unknown.push(name.slice(4))
      return v ?? ''
    }

    if (vars[name] !== undefined) return vars[name]
    unknown.push(name)
    return ''
  })
  return {text, unknown}
}

/** `environment=A="1",B='x',C=3` → entries. */
function supervisorEnvironment(value: string, from: string): EnvEntry[] {
  const out: EnvEntry[] = []
  for (const m of value.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^,]*)/g)) {
    const v = m[2].replace(/^["']|["']$/g, '')
    out.push({name: m[1], source: fromEnv(m[1], from), value: v})
  }

  return out
}

function supervisord(argv: readonly string[], files: FileReader, cwd: string, processType: string, env: (name: string) => string | undefined, image?: InImage): Launch {
  // Inside supervisord(): they add no top-level names to the bundle every run loads (lazy-analyzers).
  /**
   * A config file supervisord reads, by the path it is given: in the app from `cwd`, or, in a container image, the file
   * a COPY (or a RUN's write) put at that absolute path (`supervisord -c /etc/supervisor/conf.d/app.conf`). `readFrom`
   * is the FileReader its path is relative to (the app root's for an image file).
   */
  function supervisorFile(given: string, files: FileReader, cwd: string, image: InImage | undefined): {file: {path: string; text: string}; here: string} | undefined {
    if (given.startsWith('/') && image) {
      const found = imageFile(image.image, image.files, given)
      const path = found?.path
      const file = path === undefined ? undefined : image.files.read(path)
      return file ? {file, here: posix.dirname(given)} : undefined
    }

    const path = inApp(cwd, given)
    const file = path === undefined || !files.exists(path) ? undefined : files.read(path)
    return file ? {file, here: dirOf(file.path)} : undefined
  }

  /** The files an `[include] files =` glob names (`*` and `?` in the last part), beside the including file (`here`). */
  function includedFiles(pattern: string, here: string, files: FileReader, cwd: string, image: InImage | undefined): {file: {path: string; text: string}; here: string}[] | undefined {
    const abs = posix.isAbsolute(pattern) || (image !== undefined && here.startsWith('/'))
    const full = abs ? posix.resolve(here.startsWith('/') ? here : '/', pattern) : posix.join(here, pattern)
    const dir = posix.dirname(full)
    const base = posix.basename(full)
    if (/[*?[]/.test(dir)) return undefined
    if (!/[*?[]/.test(base)) {
      const one = abs ? supervisorFile(full, files, cwd, image) : supervisorFile(full, files, '', undefined)
      return one ? [one] : undefined
    }

    const re = new RegExp(`^${base.replaceAll(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`)
    const names = (abs && image ? imageFolderFiles(image.image, image.files, dir) : abs ? [] : files.list(dir)).filter((n) => re.test(n))
    // Python's glob sorts nothing; supervisord sorts the matches (options.py process_config_file: `sorted(glob.glob(…))`).
    return names.toSorted().flatMap((n) => {
      const one = abs ? supervisorFile(posix.join(dir, n), files, cwd, image) : supervisorFile(posix.join(dir, n), files, '', undefined)
      return one ? [one] : []
    })
  }

  /**
   * A command line in a container image with the image's absolute paths that a COPY brought from the repository
   * (`php /var/www/html/artisan octane:frankenphp --caddyfile=/var/www/html/deploy/Caddyfile` after `COPY . /var/www/html`)
   * written as the repository's, from the process's folder `cwd`: `php artisan …`, as the analyzers read the app.
   */
  function inImagePaths(command: string, cwd: string, image: InImage | undefined): string {
    if (!image) return command
    return command.replaceAll(/(^|[\s'"=])(\/[^\s'";&|]+)/g, (m, pre: string, abs: string) => {
      const copied = copiedFile(image.image, image.files, abs)
      if (!copied) return m
      const rel = fromHere(copied.path, cwd)
      return `${pre}${rel.startsWith('..') ? m.slice(pre.length) : rel}`
    })
  }

  /**
   * A program's `directory=` in the app: relative to supervisord's folder, or an image's absolute folder that a COPY
   * brought from the repository (`directory=/app/frontend` after `COPY ./frontend /app/frontend`), as the repository's.
   */
  function inAppDir(dir: string, cwd: string, image: InImage | undefined): string | undefined {
    if (!dir.startsWith('/')) return inApp(cwd, dir)
    const path = image ? copiedPath(image.image, image.files, posix.normalize(dir).replace(/\/$/, '')) : undefined
    return path !== undefined && !path.startsWith('..') && image!.files.list(path).length > 0 ? fromHere(path, cwd) : undefined
  }

  /**
   * A repository path (from the app root) as the process's files read it: they may be a folder's (`cd /app/backend` in the
   * script that execs supervisord: FileReader.within), so `backend/artisan` is `artisan` there and `frontend` is `../frontend`.
   */
  function fromHere(path: string, cwd: string): string {
    return posix.relative(posix.join(files.within ?? '', cwd) || '.', path)
  }

  const args = argv.slice(1)
  const given = option(args, '-c', '--configuration')?.value
  // Without -c it searches the working folder (and ../etc, /etc, which a dyno's app does not hold).
  const found = given ? supervisorFile(given, files, cwd, image) : (supervisorFile('supervisord.conf', files, cwd, undefined) ?? supervisorFile('etc/supervisord.conf', files, cwd, undefined))
  if (!found) return missing('supervisord', given ?? 'supervisord.conf', SUPERVISORD)
  const {file} = found
  const diagnostics: Diagnostic[] = []
  const processes: LaunchedProcess[] = []
  const here = found.here
  // [include] files: their sections join the config's (supervisord's options.py reads each one into the same parser).
  const sections: {file: {path: string; text: string}; section: IniSection}[] = []
  const readSections = (f: {path: string; text: string}, at: string, depth: number): void => {
    for (const s of parseIni(f.text, {inlineComments: true})) {
      if (s.name !== 'include') {
        sections.push({file: f, section: s})
        continue
      }

      const list = s.values.get('files')
      const read = list && depth < 3 ? list.value.split(/\s+/).filter(Boolean).map((p) => ({p, got: includedFiles(p, at, files, cwd, image)})) : []
      const unread = read.filter((r) => r.got === undefined).map((r) => r.p)
      if (!list || depth >= 3 || unread.length > 0) {
        diagnostics.push({code: 'unknown-config-value', file: f.path, fix: `tell conncalc the processes those files add: --assume ${processType}=PROCESSES:THREADS:POOL`, line: s.line, message: `${processType}: supervisord includes ${unread.join(' ') || list?.value || 'other files'}, which conncalc cannot read, so the programs they define are not counted`, processType, severity: 'warning'})
      }

      for (const r of read) for (const g of r.got ?? []) readSections(g.file, g.here, depth + 1)
    }
  }

  readSections(file, here, 0)
  for (const {file, section: s} of sections) {
    const m = /^(program|fcgi-program|eventlistener):(.+)$/.exec(s.name)
    if (!m) continue
    const name = m[2].trim()
    const at = (key: string): {line: number; value: string} | undefined => s.values.get(key)
    const autostart = at('autostart')
    // `autostart = %(ENV_WITH_HORIZON)s`: expanded as supervisord does before it reads the boolean.
    const started = autostart ? supervisorExpand(autostart.value, {}, env) : undefined
    if (started && /^(false|no|off|0)$/i.test(started.text.trim())) continue
    // A name it cannot expand (`%(ENV_ENABLE_WEB)s` with ENABLE_WEB unset) stops supervisord as it reads its config
    // (options.py: "Format string … contains names … which cannot be expanded"): nothing starts. Said; counted as started.
    for (const v of started?.unknown ?? []) {
      diagnostics.push({code: 'unresolved-env', file: file.path, fix: `give it a value with --env ${v}=true (or false)`, line: autostart!.line, message: `${processType}: [${s.name}] autostart uses %(${/^[A-Z_]/.test(v) ? `ENV_${v}` : v})s, which has no value here: supervisord cannot expand it and exits before it starts any program; conncalc counts [${s.name}] as started`, processType, severity: 'warning'})
    }

    const command = at('command')
    if (!command) {
      diagnostics.push({code: 'unknown-config-value', file: file.path, line: s.line, message: `${processType}: supervisord [${s.name}] has no command (supervisord refuses to start it)`, processType, severity: 'warning'})
      continue
    }

    const numprocs = at('numprocs')
    const copies = numprocs ? Number(numprocs.value) : 1
    if (!Number.isInteger(copies) || copies < 1) {
      diagnostics.push({code: 'unknown-config-value', file: file.path, fix: `write numprocs as a whole number, or tell conncalc: --assume ${processType}=PROCESSES:THREADS:POOL`, line: numprocs!.line, message: `${processType}: supervisord [${s.name}] numprocs=${numprocs!.value} is not a number conncalc reads; 1 process counted`, processType, severity: 'warning'})
    }

    const vars = {group_name: name, here, host_node_name: '', process_num: '0', program_name: name}
    // %(ENV_X)s is supervisord's own environment (the dyno's), not the program's environment= (supervisord docs).
    const expanded = supervisorExpand(command.value, vars, env)
    for (const v of expanded.unknown) {
      diagnostics.push({code: 'unresolved-env', file: file.path, fix: `give it a value with --env ${v}=…`, line: command.line, message: `${processType}: [${s.name}] command uses %(${/^[A-Z_]/.test(v) ? `ENV_${v}` : v})s, which has no value here; it expands to nothing`, processType, severity: 'warning'})
    }

    const dir = at('directory')
    const environment = at('environment')
    processes.push({
      assignments: environment ? supervisorEnvironment(environment.value, `${file.path}:${environment.line}`) : [],
      command: inImagePaths(expanded.text.replaceAll('\n', ' '), cwd, image),
      copies: Number.isInteger(copies) && copies >= 1 ? copies : 1,
      cwd: dir ? (inAppDir(supervisorExpand(dir.value, vars, env).text, cwd, image) ?? cwd) : cwd,
      name: `program:${name}`,
      origin: {file: file.path, line: command.line},
    })
  }

  return {diagnostics, file: file.path, launcher: 'supervisord', note: fromDefault(`supervisord starts each [program:x] of ${file.path} numprocs times (default 1) when autostart is true (the default)`, SUPERVISORD), processes}
}

/**
 * `s6-svscan DIR`: each service folder of DIR (one without a `down` file) runs its `./run` in that folder, one process
 * each. DIR is the app's folder from `cwd`, or, in a container image, the folder a COPY brought from the repository
 * (`CMD ["/usr/bin/s6-svscan", "/app/gogs/docker/s6/"]` after `COPY docker ./docker` in WORKDIR /app/gogs).
 */
function s6Svscan(argv: readonly string[], files: FileReader, cwd: string, image?: InImage): Launch {
  const args = argv.slice(1)
  let given: string | undefined
  for (let i = 0; i < args.length; i++) {
    if (S6_VALUED.has(args[i])) i++
    else if (!args[i].startsWith('-')) given = args[i]
  }

  const dir = (given ?? '.').replace(/(.)\/+$/, '$1')
  // The scan folder from the app root, and the reader it is in (the app root's, for an image's folder).
  const fromImage = dir.startsWith('/') && image ? copiedPath(image.image, image.files, posix.normalize(dir)) : undefined
  const reader = fromImage === undefined ? files : image!.files
  const scan = fromImage ?? (dir.startsWith('/') ? undefined : inApp(cwd, dir))
  const services = scan === undefined ? [] : reader.folders(scan).filter((n) => !n.startsWith('.') && reader.exists(posix.join(scan, n, 'run')))
  if (scan === undefined || services.length === 0) return missing('s6-svscan', `the service folders of ${dir}`, S6_SVSCAN)
  const processes: LaunchedProcess[] = []
  for (const name of services) {
    const folder = posix.join(scan, name)
    if (reader.exists(posix.join(folder, 'down'))) continue
    // The run script as the process's files see it (they may be a folder's: FileReader.within). s6-supervise runs it in
    // the service folder; it is read from the app's folder, where the program it runs finds the app's files.
    const run = fromImage === undefined ? posix.relative(cwd || '.', posix.join(folder, 'run')) : posix.relative(posix.join(files.within ?? '', cwd) || '.', posix.join(folder, 'run'))
    processes.push({assignments: [], command: run.startsWith('.') ? run : `./${run}`, copies: 1, cwd, name: `service ${name}`, origin: {file: folder, line: 1}})
  }

  const down = services.filter((n) => reader.exists(posix.join(scan, n, 'down')))
  const why = `s6-svscan starts an s6-supervise for each service folder of ${scan}, which runs its ./run there${down.length > 0 ? ` (${down.join(', ')}: a down file, not started)` : ''}`
  return {diagnostics: [], file: scan, launcher: 's6-svscan', note: fromDefault(why, `${S6_SVSCAN}; ${S6_SUPERVISE}`), processes}
}

/** A cron field (minutes … weekday, or seconds/year): digits, `*`, `/`, `,`, `-`, `?`, names. */
const CRON_FIELD = /^[\d*/,?LW#A-Za-z-]+$/
const NUMERIC_FIELD = /^[\d*/,?-]+$/

function supercronic(argv: readonly string[], files: FileReader, cwd: string, processType: string): Launch {
  // supercronic [flags] CRONTAB: the last argument that is not a flag (its flags take `-flag=value` or a value after).
  const args = argv.slice(1)
  const valueFlags = new Set(['-json', '-debug', '-quiet', '-split-logs', '-overlapping', '-no-reap', '-passthrough-logs', '-test', '-inotify', '-version'])
  let crontab: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i].replace(/^--/, '-')
    if (a.startsWith('-')) {
      if (!a.includes('=') && !valueFlags.has(a)) i++
      continue
    }

    crontab = args[i]
  }

  const overlapping = args.some((a) => /^--?overlapping(=true)?$/.test(a))
  const path = crontab === undefined ? undefined : inApp(cwd, crontab)
  const file = path === undefined ? undefined : files.read(path)
  if (!file) return missing('supercronic', crontab ?? 'a crontab', SUPERCRONIC)
  const assignments: EnvEntry[] = []
  const processes: LaunchedProcess[] = []
  const diagnostics: Diagnostic[] = []
  for (const [i, raw] of file.text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const env = /^([A-Za-z_]\w*)\s*=\s*(.*)$/.exec(line)
    if (env) {
      assignments.push({name: env[1], source: fromEnv(env[1], `${file.path}:${i + 1}`), value: env[2].replace(/^["']|["']$/g, '')})
      continue
    }

    const words = line.split(/\s+/)
    let n: number
    if (words[0].startsWith('@')) n = 1
    else {
      n = 5
      // Six or seven fields: seconds first and a year last (cronexpr).
      while (n < 7 && words[n] !== undefined && NUMERIC_FIELD.test(words[n]) && words.length > n + 1) n++
      if (!words.slice(0, 5).every((w) => CRON_FIELD.test(w))) {
        diagnostics.push({code: 'unparsable-config', file: file.path, line: i + 1, message: `${processType}: \`${line.slice(0, 60)}\` is not a crontab line (five to seven schedule fields, then the command); not counted`, processType, severity: 'warning'})
        continue
      }
    }

    // The command is the rest of the line as written (its own spacing and quotes).
    const command = line.replace(new RegExp(`^(?:\\S+\\s+){${n}}`), '')
    if (command === line || command.trim() === '') continue
    processes.push({assignments: [...assignments], command, copies: 1, cwd, name: `job at ${file.path}:${i + 1}`, origin: {file: file.path, line: i + 1}})
  }

  if (overlapping) {
    diagnostics.push({code: 'unknown-config-value', file: file.path, fix: `tell conncalc how many runs of a job overlap: --assume ${processType}=PROCESSES:THREADS:POOL`, message: `${processType}: supercronic -overlapping lets a job start again while its previous run still runs; conncalc counts one run of each job`, processType, severity: 'warning'})
  }

  return {diagnostics, file: file.path, launcher: 'supercronic', note: fromDefault(`supercronic runs each job of ${file.path} as a process of its own when its schedule fires; jobs whose schedules coincide run at once, so all ${processes.length} are counted (the peak)`, SUPERCRONIC), processes}
}


/**
 * A Ruby script that runs the command it is given (`bin/restarter bin/respirate`: a loop of
 * `Process.spawn(*ARGV)`): that command is the process; the script is its parent and loads no
 * database library itself. Undefined when the script does not run its arguments (it is then a
 * script of its own, languages/ruby/ruby-script.ts).
 */
async function rubyRunner(argv: readonly string[], files: FileReader, cwd: string): Promise<Launch | undefined> {
  const script = rubyScript(argv, files)!
  const {runsArgumentsNote, runsItsArguments, runsRailsCommands, startsPumaCli} = await import('../languages/ruby/ruby-script.js')
  // A script that is there but cannot be read (binary, no permission, gone since it was found): not known to run anything.
  const text = files.read(script)?.text
  if (text === undefined) return undefined
  const puma = await startsPumaCli(script, text, files)
  if (puma) {
    const own = argv.slice(argv.indexOf(script) === -1 ? 1 : argv.indexOf(script) + 1)
    if (puma.args === undefined) return undefined
    const command = ['puma', ...own, ...puma.args].map((a) => shellQuote(a)).join(' ')
    return {
      diagnostics: [],
      file: script,
      launcher: script,
      note: fromDefault(`${script} runs Puma in its own process (${script}:${puma.line}), as \`${command}\``, 'https://github.com/puma/puma/blob/master/lib/puma/cli.rb'),
      processes: [{assignments: [], command, copies: 1, cwd, name: script, origin: {file: script, line: puma.line}}],
    }
  }

  const rest = argv.slice(argv.indexOf(script) === -1 ? 1 : argv.indexOf(script) + 1)
  // Rails' binstub under another name: `rails ARGS`, as bin/rails would run them.
  const rails = await runsRailsCommands(script, text)
  if (rails !== undefined && rest.length > 0) {
    const command = ['rails', ...rest].map((a) => shellQuote(a)).join(' ')
    return {
      diagnostics: [],
      file: script,
      launcher: script,
      note: fromDefault(`${script} is Rails' command-line binstub (\`require "rails/commands"\` at ${script}:${rails}): it runs \`${command}\` in its own process`, 'https://github.com/rails/rails/blob/main/railties/lib/rails/commands.rb'),
      processes: [{assignments: [], command, copies: 1, cwd, name: script, origin: {file: script, line: rails}}],
    }
  }

  const line = await runsItsArguments(script, text)
  if (line === undefined) return undefined
  const command = rest.map((a) => shellQuote(a)).join(' ')
  if (command === '') return undefined
  return {
    diagnostics: [],
    file: script,
    launcher: script,
    note: runsArgumentsNote(script, line, command),
    processes: [{assignments: [], command, copies: 1, cwd, name: script, origin: {file: script, line}}],
  }
}

/** `bin/run` written by a buildpack at build: the programs its script starts, each once. */
function buildpackLaunch(argv: readonly string[], files: FileReader, cwd: string): Launch {
  const run = buildpackRun(argv, files)!
  if ('missing' in run) return {diagnostics: [], launcher: 'bin/run', note: fromDefault(run.missing, 'https://github.com/Scalingo/nginx-buildpack/blob/master/bin/release'), processes: [], unknown: run.missing}
  return {
    diagnostics: [],
    launcher: 'bin/run',
    note: fromDefault(run.what, run.ref),
    processes: run.commands.map((command) => ({assignments: [], command, copies: 1, cwd, name: `bin/run (${run.buildpack})`, origin: run.from})),
  }
}

/**
 * `inv TASK [flags]` / `invoke TASK`: the commands the Python Invoke task runs with c.run
 * (languages/python/invoke-tasks.ts, loaded only when a Procfile line runs invoke).
 */
async function invokeLaunch(argv: readonly string[], files: FileReader, cwd: string, env: Env): Promise<Launch> {
  const {INVOKE_REF, invokeTask} = await import('../languages/python/invoke-tasks.js')
  const task = await invokeTask(argv, files, env, cwd)
  const launcher = `${programName(argv[0])} ${argv.slice(1).find((a) => !a.startsWith('-')) ?? ''}`.trim()
  if ('unknown' in task) return {diagnostics: [], launcher, note: fromDefault(`${launcher} runs a Python Invoke task`, INVOKE_REF), processes: [], unknown: task.unknown}
  const before = task.finished.map((r) => `\`${r.command.slice(0, 50)}\` (${r.file}:${r.line})`)
  const note = fromDefault(
    `\`${argv.join(' ')}\` runs the Invoke task ${task.task} (${task.file}:${task.line}) with ${task.parameters.join(', ') || 'no parameters'}; it runs ${task.runs.map((r) => `\`${r.command}\` (${r.file}:${r.line})`).join(' and ')}${before.length > 0 ? `, after ${before.join(', ')}, which finished first` : ''}`,
    INVOKE_REF,
  )
  return {
    diagnostics: [],
    file: task.file,
    launcher,
    note,
    processes: task.runs.map((r) => ({assignments: [], command: r.command, copies: 1, cwd, name: `invoke ${task.task}`, origin: {file: r.file, line: r.line}})),
  }
}

/**
 * `rake TASK` / `rails ns:task` of a task the app defines whose actions run a command (Fly.io's
 * `task :server do sh 'bin/rails server' end`): that command is the process
 * (languages/ruby/rake-tasks.ts, loaded only when a Procfile line runs one). Undefined when the app
 * does not define the task or it runs no command: the rake analyzer reads it as a task.
 */
async function rakeLaunch(argv: readonly string[], files: FileReader, cwd: string, env: Env): Promise<Launch | undefined> {
  const {RAKE_REF, rakeTaskRuns} = await import('../languages/ruby/rake-tasks.js')
  const tasks = rakeTasks(argv)!
  const follow = await rakeTaskRuns(tasks, files)
  if (!follow) return undefined
  const launcher = `${programName(argv[0])} ${tasks.join(' ')}`
  // A command the task runs that cannot be read: the rake analyzer counts the task as the Ruby process it is (its app's
  // pool, on whatever database the app uses), saying why (languages/ruby/rails-process.ts).
  if ('unknown' in follow) return undefined
  // Trailing commands that print or set something and exit (`sh 'echo started'`) are not the process.
  const stays = (r: {command: string}): boolean => knownProgram(splitCommand(r.command, env, {file: follow.file, line: follow.line}).command.argv)?.kind !== 'finishes'
  const blocking = [...follow.finished, ...follow.runs.filter((r) => !r.background)]
  const lastAt = blocking.findLastIndex((r) => stays(r))
  const main = lastAt === -1 ? blocking.at(-1) : blocking[lastAt]
  const runs = [...(main ? [main] : []), ...follow.runs.filter((r) => r.background)]
  const before = blocking.slice(0, Math.max(0, blocking.indexOf(main!))).map((r) => `\`${r.command.slice(0, 50)}\` (${r.file}:${r.line})`)
  const others = follow.others.length > 0 ? ` (after ${follow.others.join(', ')}, not the app's tasks)` : ''
  const note = fromDefault(
    `\`${launcher}\` runs the Rake task ${follow.task} (${follow.file}:${follow.line})${others}, which runs ${runs.map((r) => `\`${r.command}\` (${r.file}:${r.line})${r.background ? ' beside it' : ''}${r.repeats ? ` again and again, one at a time, in the endless loop at ${r.repeats.file}:${r.repeats.line}` : ''}`).join(' and ')}${before.length > 0 ? `, after ${before.join(', ')}, which finished first` : ''}; ${main?.exec ? 'exec replaces the rake process with it' : 'the rake process waits for it'}`,
    RAKE_REF,
  )
  return {
    diagnostics: [],
    file: follow.file,
    launcher,
    note,
    processes: runs.map((r) => ({assignments: [], command: r.command, copies: 1, cwd, name: `rake ${follow.task}`, origin: {file: r.file, line: r.line}})),
    ...(follow.query ? {query: {...follow.query, launcher: `the Rake task ${follow.task}`}} : {}),
  }
}
