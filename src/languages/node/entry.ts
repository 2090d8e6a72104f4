/**
 * Which file a Node process runs: `npm start`, `yarn start`, `pnpm run web`
 * through package.json scripts (npm's own default for start is `node
 * server.js`), `node [flags] file`, ts-node/tsx, and pm2-runtime `-i N`
 * (cluster mode). A compiled entry (dist/server.js) that is not in the repo is
 * read from its source (built.ts: the build script or tsconfig outDir), and that is said.
 */
import type {AnalyzerContext} from '../common/types.js'
import type {PackageJson} from './package-json.js'

import {appPath, findFlag, type FoundFlag, programName} from '../common/setting.js'
import {splitCommand} from '../shell/shell.js'
import {knownProgram} from '../shell/programs.js'
import {assumed, fromEnv, fromFile, type Source} from '../../model/source.js'
import type {EnvEntry} from '../../model/env.js'
import {FRAMEWORKS} from './programs.js'
import {type BuiltFrom, builtSource, rebuiltSource} from './built.js'
import {nxInvocation, nxTarget} from './nx.js'
import {NODE_VALUE_FLAGS, runnerFileIndex} from './runner-args.js'

export interface NodeEntry {
  /** The script chain that led to the file: package.json:7 (scripts.start), … */
  chain: Source[]
  file?: string
  /** A known framework server that is not a file (next start, nest start). */
  framework?: string
  /** The framework command's arguments (`graphile-worker --jobs 5` → ["--jobs", "5"]). */
  frameworkArgs?: string[]
  /**
   * The words after the file that the process passes to it (`node cli.js cron --port 3000` → ["cron", "--port", "3000"]):
   * what `process.argv.slice(2)` holds, so a CLI's subcommand. Undefined when the command line that runs the file is not
   * known (a framework, a file guessed from package.json).
   */
  args?: string[]
  /** An npm static file server (`serve -s build`, `http-server dist`), or a program known to stay up without a database (`tsc -w`): it loads none of the app's code. */
  staticServer?: {program: string; ref: string; what: string}
  /** pm2-runtime -i N / --instances N. */
  instances?: FoundFlag
  /**
   * The package.json script the command names is not there: `exits`, the package manager stops at start (npm's "Missing
   * script"); else it looks for a binary of that name, which conncalc cannot see (yarn, pnpm and bun without `run`).
   */
  missingScript?: {exits: boolean; manager: string; name: string; path?: string}
  /** Variables the package.json scripts (or cross-env) on the way set for the process: `"worker": "IS_WORKER=true node dist/main"`. */
  env?: EnvEntry[]
  /**
   * Env files the command line loads into the process's env, below what the environment sets (languages/node/dotenv.ts):
   * `node -r dotenv/config` (.env), `node --env-file=PATH`, dotenv-cli's `dotenv [-e PATH]… --` (.env when no -e).
   */
  envFiles?: string[]
  /** NODE_PATH set by the command that runs the file (`NODE_PATH=./dist node init.js` in a script, `cross-env NODE_PATH=src …`). */
  nodePath?: {source: Source; value: string; /** set by the command itself (cross-env): its source is the line that holds the command */ inline?: true}
}

const RUNNERS = new Set(['node', 'nodejs', 'ts-node', 'ts-node-esm', 'tsx', 'nodemon', 'node-dev', 'babel-node', 'bun'])
// nodemon's options that take a value (doc/cli/options.txt): `--watch app` names a folder to watch, not the script.
const NODEMON_VALUE_FLAGS = new Set(['-w', '--watch', '-e', '--ext', '-i', '--ignore', '-d', '--delay', '-s', '--signal', '--config', '--cwd', '-H', '--polling-interval', '-x', '--exec'])

// dotenv-cli's options that take a value (https://github.com/entropitor/dotenv-cli#usage).
const DOTENV_VALUE_FLAGS = new Set(['-e', '-c', '-v', '-p'])

const shellQuote = (a: string): string => (/^[\w./:=@%+,-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)

/** The arguments a package manager appends to the script it runs: after `--` for npm, after the script's name for yarn, pnpm and bun. */
function scriptArgs(argv: string[]): string[] {
  const prog = programName(argv[0])
  const dash = argv.indexOf('--')
  if (prog === 'npm') return dash > 0 ? argv.slice(dash + 1) : []
  const at = argv[1] === 'run' ? 3 : 2
  const rest = argv.slice(at)
  return rest[0] === '--' ? rest.slice(1) : rest
}

function scriptName(argv: string[]): string | undefined {
  const prog = programName(argv[0])
  const [a, b] = [argv[1], argv[2]]
  if (prog === 'npm') {
    if (a === 'start' || a === 'test') return a
    if ((a === 'run' || a === 'run-script') && b) return b
  }

  if (prog === 'yarn' || prog === 'pnpm' || prog === 'bun') {
    if (!a) return undefined
    const name = a === 'run' && b ? b : a.startsWith('-') ? undefined : a
    // `bun run src/index.ts`, `bun server.js`: bun runs a source file it is given, with or without `run`
    // (https://bun.com/docs/runtime, "Run a file"); a path is not a script's name, so it is the runner's file (runner-args.ts).
    if (prog === 'bun' && name !== undefined && (/\.[cm]?[jt]sx?$/.test(name) || name.includes('/'))) return undefined
    return name
  }

  return undefined
}

function firstFile(args: string[], valueFlags: Set<string> = NODE_VALUE_FLAGS): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') continue
    if (a.startsWith('-')) {
      if (valueFlags.has(a)) i++
      continue
    }

    return appPath(a)
  }

  return undefined
}

/**
 * The file a process runs as conncalc can read it: the file itself (`server` → server.js, a
 * `.js` whose `.ts` is what the repo has), else — built at deploy — its source, from the
 * package's build script or tsconfig (built.ts), with how it was found for --explain.
 */
export function sourceOf(ctx: AnalyzerContext, file: string, pkg?: PackageJson): BuiltFrom | undefined {
  const candidates = [file, `${file}.js`, `${file}/index.js`, `${file}.ts`]
  if (/\.[cm]?js$/.test(file)) candidates.push(file.replace(/\.([cm]?)js$/, '.$1ts'))
  const here = candidates.find((c) => ctx.files.exists(c))
  if (!here) return builtSource(ctx.files, pkg, file)
  // A committed dist/server.js that the deploy's build script compiles again: its sources are what runs.
  const rebuilt = /\.[cm]?js$/.test(here) ? rebuiltSource(ctx.files, pkg, here) : undefined
  return rebuilt ?? {file: here}
}

export function nodeEntry(ctx: AnalyzerContext, pkg: PackageJson | undefined, argv: string[] = ctx.command.argv, depth = 0): NodeEntry {
  const name = scriptName(argv)
  if (name !== undefined) {
    const script = pkg?.scripts[name]
    if (script === undefined) {
      if (name === 'start' && programName(argv[0]) === 'npm') {
        const chain = [assumed('package.json has no "start" script; npm runs `node server.js`')]
        return {chain, file: ctx.files.exists('server.js') ? 'server.js' : undefined}
      }

      const manager = programName(argv[0])
      // `yarn rw serve`, `pnpm next start`: not a script, so yarn/pnpm/bun run the package's binary of that name.
      if (manager !== 'npm' && argv[1] === name && depth <= 5) {
        const inner = nodeEntry(ctx, pkg, argv.slice(1), depth + 1)
        return inner.file !== undefined || inner.framework !== undefined ? inner : {...inner, missingScript: {exits: false, manager, name, ...(pkg ? {path: pkg.path} : {})}}
      }

      // `npm run jobs`, `npm test` with no such script: npm stops with "Missing script" (npm run-script runs only the
      // package's scripts; `start` alone has a default). Not `pnpm run x`/`yarn run x`, which may fall back to a binary.
      if (manager === 'npm' && pkg) return {chain: [], missingScript: {exits: true, manager, name, path: pkg.path}}
      return pkg ? {chain: [], missingScript: {exits: false, manager, name, path: pkg.path}} : {chain: []}
    }

    if (depth > 5) return {chain: []}
    const line = pkg!.lineOf(['scripts', name])
    // `npm run with:env -- node build/server/main.js`: npm appends what follows `--` to the script's command
    // (https://docs.npmjs.com/cli/commands/npm-run-script); yarn, pnpm and bun append every argument after the name.
    const extra = scriptArgs(argv)
    const split = splitCommand(extra.length > 0 ? `${script} ${extra.map((a) => shellQuote(a)).join(' ')}` : script, ctx.env, {file: pkg!.path, line})
    const inner = nodeEntry(ctx, pkg, split.command.argv, depth + 1)
    // `cd dist && node index.js`: the file is dist/index.js (read from its source when dist/ is built at deploy).
    const cd = (split.command.preCommands ?? []).filter((c) => c[0] === 'cd' && c[1] !== undefined).map((c) => appPath(c[1]))
    const file = inner.file && cd.length > 0 && cd.every((d) => !d.startsWith('/') && !d.includes('$')) ? [...cd, inner.file].join('/').replaceAll(/\/+/g, '/') : inner.file
    const set = split.assignments.findLast((a) => a.name === 'NODE_PATH')
    const nodePath = inner.nodePath?.inline ? {source: fromFile(pkg!.path, line), value: inner.nodePath.value} : (inner.nodePath ?? (set ? {source: set.source, value: set.value} : undefined))
    // The script's own assignments, then what the scripts it runs set (those run later, so theirs win).
    const env = [...split.assignments.filter((a) => a.unknown === undefined), ...(inner.env ?? [])]
    return {...inner, chain: [fromFile(pkg!.path, line), ...inner.chain], file, ...(env.length > 0 ? {env} : {}), ...(nodePath ? {nodePath} : {})}
  }

  const prog = programName(argv[0])
  // Static file servers from npm, reached through a script, npx or node_modules/.bin (where the name is surely the package's):
  // they serve a build folder's files and load none of the app's modules, so the package's pools are not theirs.
  const statics: Record<string, [string, string]> = {
    'http-server': ['https://github.com/http-party/http-server#readme', 'http-server (http-party) is a static file server'],
    'live-server': ['https://github.com/tapio/live-server#readme', 'live-server is a static file server with live reload'],
    serve: ['https://github.com/vercel/serve#readme', "serve (vercel/serve) serves a static site or a single-page app's build folder"],
    sirv: ['https://github.com/lukeed/sirv/tree/master/packages/sirv-cli#readme', 'sirv (sirv-cli) serves a static site'],
  }
  if (Object.hasOwn(statics, prog)) return {chain: [], staticServer: {program: prog, ref: statics[prog][0], what: statics[prog][1]}}
  // A script that runs a program known to stay up without a database (`"watch-ts": "tsc -w"` beside the server under
  // concurrently): it loads none of the app's code either (languages/shell/programs.ts says what it is).
  const known = knownProgram(argv)
  if (known?.kind === 'stays-up' && known.connections === 0) return {chain: [], staticServer: {program: prog, ref: known.ref, what: known.what}}
  if (prog === 'pm2-runtime' || prog === 'pm2') {
    const args = argv.slice(prog === 'pm2' || argv[1] === 'start' ? 2 : 1)
    return {chain: [], file: firstFile(args.filter((a, i) => !(['-i', '--instances'].includes(args[i - 1] ?? '')))), instances: findFlag(args, ['-i', '--instances'])}
  }

  if (prog === 'nodemon') {
    // `nodemon --exec "node -r newrelic index.ts" [script]`: nodemon runs the exec command with the
    // script (if any) appended (nodemon's README, "Running non-node scripts"), so that command is what runs.
    const args = argv.slice(1)
    const x = args.findIndex((a) => a === '--exec' || a === '-x')
    if (x >= 0 && args[x + 1] !== undefined && depth <= 5) {
      const exec = splitCommand(args[x + 1], ctx.env, {file: ctx.origin?.file ?? 'Procfile', line: ctx.origin?.line ?? 1}).command.argv
      const script = firstFile(args.filter((_, i) => i !== x && i !== x + 1), NODEMON_VALUE_FLAGS)
      return nodeEntry(ctx, pkg, script === undefined ? exec : [...exec, script], depth + 1)
    }

    const file = firstFile(args, NODEMON_VALUE_FLAGS)
    // nodemon passes what follows the script to it (`nodemon cli.js cron`).
    const at = file === undefined ? -1 : args.findIndex((a, i) => appPath(a) === file && (i === 0 || !NODEMON_VALUE_FLAGS.has(args[i - 1])))
    return {chain: [], file, ...(at === -1 ? {} : {args: args.slice(at + 1)})}
  }

  if (RUNNERS.has(prog)) {
    const at = runnerFileIndex(prog, argv.slice(1))
    // `node node_modules/.bin/nest start`: the package's bin script run by node is that program, as npm runs it.
    const bin = at === -1 ? undefined : /^(?:\.\/)?node_modules\/\.bin\/([\w@.-]+)$/.exec(argv[at + 1])?.[1]
    if (bin !== undefined && depth <= 5) return nodeEntry(ctx, pkg, [bin, ...argv.slice(at + 2)], depth + 1)
    const envFiles = at === -1 ? [] : runnerEnvFiles(argv.slice(1, at + 1))
    return at === -1 ? {chain: []} : {args: argv.slice(at + 2), chain: [], file: appPath(argv[at + 1]), ...(envFiles.length > 0 ? {envFiles} : {})}
  }
  // `cross-env NODE_OPTIONS=… next start`, `dotenv -- node x`: the command after the wrapper's own arguments.
  if (prog === 'cross-env' || prog === 'dotenv') {
    // dotenv-cli: `dotenv -e .env -e .env.local -- node x` (its options take values: -e, -c, -v; `--` ends them).
    const dash = argv.indexOf('--')
    // Only the wrapper's own words go: its options (dotenv) or assignments (cross-env) before the command. The command
    // keeps its own options (`cross-env NODE_ENV=production node --require tsx/cjs node/server.ts` runs node/server.ts).
    let at = 1
    if (prog === 'dotenv' && dash > 0) at = dash + 1
    else while (at < argv.length && (prog === 'dotenv' ? argv[at].startsWith('-') : /^\w+=/.test(argv[at]))) at += prog === 'dotenv' && DOTENV_VALUE_FLAGS.has(argv[at]) ? 2 : 1
    const inner = nodeEntry(ctx, pkg, argv.slice(at), depth + 1)
    const set = prog === 'cross-env' ? argv.slice(1).findLast((a) => a.startsWith('NODE_PATH=')) : undefined
    const from = `${ctx.origin?.file ?? 'Procfile'}:${ctx.origin?.line ?? 1}`
    const assigned = prog === 'cross-env' ? argv.slice(1, argv.findIndex((a, i) => i > 0 && !/^\w+=/.test(a))).filter((a) => /^\w+=/.test(a)) : []
    const env = [...assigned.map((a): EnvEntry => ({name: a.slice(0, a.indexOf('=')), source: fromEnv(a.slice(0, a.indexOf('=')), from), value: a.slice(a.indexOf('=') + 1)})), ...(inner.env ?? [])]
    // dotenv-cli loads each `-e PATH` (else .env) with dotenv, which keeps a variable already set (unless -o).
    const named = prog === 'dotenv' ? argv.slice(1, dash > 0 ? dash : undefined).flatMap((a, i, all) => (all[i - 1] === '-e' ? [a] : [])) : []
    const envFiles = [...(prog === 'dotenv' ? (named.length > 0 ? named : ['.env']) : []), ...(inner.envFiles ?? [])]
    const withEnv = {...inner, ...(env.length > 0 ? {env} : {}), ...(envFiles.length > 0 ? {envFiles} : {})}
    return set && !inner.nodePath ? {...withEnv, nodePath: {inline: true, source: fromFile(ctx.origin?.file ?? 'Procfile', ctx.origin?.line ?? 1), value: set.slice('NODE_PATH='.length)}} : withEnv
  }

  if (prog === 'npx') return nodeEntry(ctx, pkg, argv.slice(1).filter((a, i) => i > 0 || !a.startsWith('-')), depth + 1)
  if (prog === 'nx' && depth <= 5) {
    // `nx serve api`, `nx run api:start`: the project's target (nx.ts), a command or the source its node executor builds.
    const inv = nxInvocation(argv.slice(1))
    const target = inv ? nxTarget(ctx.files, inv.project, inv.target) : undefined
    if (!target) return {chain: []}
    if (target.file) return {chain: [target.how], file: target.file}
    const {argv: command, cwd} = target.command!
    const inner = nodeEntry(ctx, pkg, splitCommand(command, ctx.env, {file: ctx.origin?.file ?? 'Procfile', line: ctx.origin?.line ?? 1}).command.argv, depth + 1)
    const file = inner.file && cwd !== '' && !inner.file.startsWith('/') ? `${cwd}/${inner.file}` : inner.file
    return {...inner, chain: [target.how, ...inner.chain], ...(file === undefined ? {} : {file})}
  }

  if (FRAMEWORKS.has(prog)) return {chain: [], framework: prog, frameworkArgs: argv.slice(1)}
  return {chain: []}
}

/** The env files a Node runner's own options load: `-r dotenv/config` (`--require`, `--import`), `--env-file=PATH`. */
function runnerEnvFiles(flags: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < flags.length; i++) {
    const m = /^(-r|--require|--import|--env-file|--env-file-if-exists)(?:=(.*))?$/.exec(flags[i])
    const value = m ? (m[2] ?? flags[i + 1]) : undefined
    if (value === undefined) continue
    if (m![1].startsWith('--env-file')) out.push(value)
    else if (/^(dotenv|@dotenvx\/dotenvx)\/config(\.js)?$/.test(value)) out.push('.env')
  }

  return out
}
