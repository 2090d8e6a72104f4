/**
 * What a Node package manager command runs when it is more than "this folder's
 * script": a monorepo's workspace package (`yarn workspace @org/api start`,
 * `npm start -w api`, `npm start --prefix server`, `pnpm --filter api start`,
 * `pnpm -C dir start`, `turbo run start --filter=api`, `lerna run start --scope
 * api`), several commands at once (`concurrently "npm:start:*"`, `npm-run-all -p a
 * b`, `run-p`), or a package.json script that does one of these or a `cd`.
 *
 * The answer is shell text to read in a folder: the package's script (as npm,
 * yarn and pnpm run it, with `sh -c` in the package's folder), which the script
 * reader (script.ts) then follows like any command line. A command that names a
 * package or script conncalc cannot find is `unknown`, with why.
 *
 * Workspaces are found as the package managers find them, from the folder the
 * command runs in upwards: package.json `workspaces` (an array, or Yarn 1's
 * `{packages: […]}`), pnpm-workspace.yaml `packages`, lerna.json `packages`
 * (default `packages/*`). Globs: `*` within one folder name, `**` any depth,
 * `!pattern` excludes; node_modules is never a workspace.
 */
import type {FileReader} from '../model/files.js'

import {jsonKeyLine} from '../util/json-lines.js'
import {append} from '../util/arrays.js'
import {findWorkspaces, globRe, type Pkg, readPkg, type Workspaces} from '../languages/node/workspaces.js'
import {joinPath} from '../util/app-path.js'
import {shellQuote} from '../util/shell-quote.js'

export {findWorkspaces} from '../languages/node/workspaces.js'

/** One command line the delegating command starts, and the folder it runs in. */
export interface NodeRun {
  /** Folder, relative to the app root ('' = the root). */
  cwd: string
  /** Where the text was read: a package.json script line, or the command itself. */
  origin: {file: string; line: number}
  /** The text is a package.json script's own (so its line is a step of how the process was found). */
  script?: boolean
  text: string
}

export type NodeDelegation =
  /**
   * `parallel`: the runs are started together (concurrently, run-p, turbo); otherwise one after the other.
   * `assumed`: what conncalc could not know about which runs are up at once (it labels the processes' numbers).
   */
  | {assumed?: string; by: string; kind: 'run'; parallel: boolean; runs: NodeRun[]}
  | {kind: 'unknown'; why: string}
  /** The package manager refuses to run anything (no selected package has the script): the process exits at start. */
  | {fix: string; kind: 'exits'; ref: string; why: string}

/** What a command needs to say whether it runs in another folder. */
export interface NodeRunInput {
  argv: string[]
  cwd: string
  files: FileReader
  /** The command's own file:line (a Procfile line, a script line), for runs that are the command's own words. */
  origin: {file: string; line: number}
  /**
   * npm's `workspace` config from the environment (NPM_CONFIG_WORKSPACE / npm_config_workspace, e.g. a fly.toml [env]
   * or Dockerfile ENV): npm reads `npm_config_*` variables, case-insensitively, as its config (npm docs, "config":
   * environment variables), so `npm start` runs the start script of that workspace as `npm -w NAME start` would.
   */
  npmWorkspace?: string
}

const label = (dir: string): string => (dir === '' ? 'the app root' : dir)

/** The line of `scripts.NAME` in a package.json. */
const scriptLine = (pkg: Pkg, name: string): number => jsonKeyLine(pkg.text, ['scripts', name])

/**
 * The workspace packages a selector names: a package name (`@org/api`), a name glob
 * (`@org/*`, pnpm/turbo/lerna/bun), or a folder (`./apps/api`, `{apps/api}`, or the
 * folder's own name, as npm's `-w` takes).
 */
function select(ws: Workspaces, selector: string, cwd: string): Pkg[] {
  const s = selector.replace(/^\{(.*)\}$/, '$1')
  if (s.startsWith('./') || s.startsWith('../') || (s.includes('/') && !s.startsWith('@'))) {
    const dir = joinPath(cwd, s) ?? ''
    const byPath = ws.packages.filter((p) => p.dir === dir || p.dir === joinPath(ws.root, s))
    if (byPath.length > 0 || !s.includes('*')) return byPath
  }

  if (/[*?]/.test(s)) {
    const re = globRe(s)
    return ws.packages.filter((p) => (p.name !== undefined && re.test(p.name)) || re.test(p.dir.split('/').pop()!))
  }

  const byName = ws.packages.filter((p) => p.name === s)
  if (byName.length > 0) return byName
  return ws.packages.filter((p) => p.dir === joinPath(ws.root, s) || p.dir.split('/').pop() === s)
}

const DEP_SELECTOR = /\.\.\.|\^|\[|=/

// "npm run-script <command>": runs a command from the package's "scripts" object; npm errors "Missing script" when it is not there.
const NPM_RUN_SCRIPT = 'https://docs.npmjs.com/cli/commands/npm-run-script'
// pnpm's recursive run (--filter, -r): only the selected packages whose scripts have the name run (no `node server.js` for
// start, no binary of that name as `pnpm x` alone falls back to); none: "None of the selected packages has a "x" script",
// and pnpm exits (1 when every package is selected, else 0 in pnpm 7-9, 1 in later ones) without running anything.
const PNPM_RUN_RECURSIVE = 'https://github.com/pnpm/pnpm/blob/main/exec/plugin-commands-script-runners/src/runRecursive.ts'

/** The script an npm command names that `pkg` does not have (`run x`, `run-script x`, `test`), or undefined. npm's `start` has a default. */
function npmMissingScript(pkg: Pkg, args: string[]): string | undefined {
  const [first, second] = args
  const named = first === 'run' || first === 'run-script' ? second : first === 'test' ? 'test' : undefined
  return named !== undefined && !named.startsWith('-') && pkg.scripts[named] === undefined ? named : undefined
}

/** npm told to run a script that none of `pkgs` has: it stops with "Missing script" before anything of the app runs. */
function npmExits(pkgs: Pkg[], args: string[], by: string): NodeDelegation | undefined {
  const missing = pkgs.map((p) => npmMissingScript(p, args))
  if (pkgs.length === 0 || missing.some((m) => m === undefined)) return undefined
  const name = missing[0]!
  const where = pkgs.map((p) => p.file).join(', ')
  return {fix: `add the "${name}" script to ${where}, or fix the command; conncalc counts the process as it would run: not at all`, kind: 'exits', ref: NPM_RUN_SCRIPT, why: `${by}: ${where} ${pkgs.length === 1 ? 'has' : 'have'} no "${name}" script, so npm stops with "Missing script: ${name}" and the process exits at start, opening no connection`}
}

/** pnpm's own commands: with --filter they do their own work, not a run of a script of that name. */
const PNPM_COMMANDS = new Set(['add', 'approve-builds', 'audit', 'bin', 'c', 'cat-file', 'cat-index', 'config', 'create', 'dedupe', 'deploy', 'dlx', 'doctor', 'env', 'exec', 'fetch', 'find-hash', 'help', 'i', 'ignored-builds', 'import', 'init', 'install', 'install-test', 'it', 'licenses', 'link', 'list', 'll', 'ln', 'ls', 'outdated', 'pack', 'patch', 'patch-commit', 'patch-remove', 'prune', 'publish', 'rb', 'rebuild', 'remove', 'rm', 'root', 'self-update', 'server', 'setup', 'store', 'un', 'uninstall', 'unlink', 'up', 'update', 'upgrade', 'why'])

/**
 * `pnpm --filter P x`, `pnpm -r run x`: pnpm's recursive run (PNPM_RUN_RECURSIVE) runs the script in each selected package
 * that has it, at once; when none has it, it runs nothing and exits. A word that is one of pnpm's own commands, or a
 * /regex/ of script names, is left to inPackages.
 */
function pnpmRecursive(input: NodeRunInput, selectors: string[], words: string[], by: string): NodeDelegation {
  const [first, ...more] = words
  const isRun = first === 'run' || first === 'run-script'
  const script = isRun ? more[0] : first
  if (script === undefined || script.startsWith('-') || script.startsWith('/') || (!isRun && PNPM_COMMANDS.has(first))) return inPackages(input, selectors, words, 'pnpm', by)
  const got = selected(input, selectors, by)
  if (typeof got === 'string') return unknown(got)
  const having = got.pkgs.filter((p) => p.scripts[script] !== undefined)
  if (having.length === 0) {
    const names = got.pkgs.map((p) => p.name ?? p.dir)
    const files = got.pkgs.map((p) => p.file)
    return {
      fix: `add the "${script}" script to ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}, or fix the command; conncalc counts the process as it would run: not at all`,
      kind: 'exits',
      ref: PNPM_RUN_RECURSIVE,
      why: `${by}: ${names.length === 1 ? `the selected package ${names[0]} has` : `none of the selected packages (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}) has`} no "${script}" script, so pnpm runs nothing ("None of the selected packages has a "${script}" script"; a filtered run does not look for a binary of that name) and the process exits at start, opening no connection`,
    }
  }

  const runs = having.map((p) => runIn(p, isRun ? words : ['run', ...words], 'npm')).filter((r): r is NodeRun => typeof r !== 'string')
  return {by, kind: 'run', parallel: true, runs}
}

/** How a package manager runs a script (or a binary) in a package: one run, or why not. */
function runIn(pkg: Pkg, args: string[], manager: string): NodeRun | string {
  if (args.length === 0) return `\`${manager}\` names no script to run in ${pkg.name ?? pkg.dir}`
  const [first, ...more] = args
  const named = first === 'run' || first === 'run-script' ? more[0] : first
  const extra = (first === 'run' || first === 'run-script' ? more.slice(1) : more).filter((a) => a !== '--')
  if (named === undefined) return `\`${manager} run\` names no script in ${pkg.name ?? pkg.dir}`
  if (pkg.scripts[named] !== undefined) {
    // The script is run as `npm run NAME` in the package's folder: the Node analyzer follows a one-command script
    // itself (its chain cites the package.json line), and one that delegates again is expanded by ownScript.
    return {cwd: pkg.dir, origin: {file: pkg.file, line: scriptLine(pkg, named)}, text: ['npm', 'run', named, ...(extra.length > 0 ? ['--', ...extra] : [])].map((a) => shellQuote(a)).join(' ')}
  }

  // npm's own default start: `node server.js` (npm docs, "scripts": default values).
  if (named === 'start' && manager === 'npm') {
    return {cwd: pkg.dir, origin: {file: pkg.file, line: 1}, text: 'node server.js'}
  }

  // yarn, pnpm and bun run a binary of that name when no script has it (`yarn workspace x next start`).
  if (manager !== 'npm' && first !== 'run' && first !== 'run-script') return {cwd: pkg.dir, origin: {file: pkg.file, line: 1}, text: args.map((a) => shellQuote(a)).join(' ')}
  return `${pkg.file} has no "${named}" script`
}


/** Flags that take a value, per tool; any other `-x` is a switch. `--x=v` is one word. */
const VALUE_FLAGS: Record<string, Set<string>> = {
  bun: new Set(['--cwd', '--filter', '-F', '--elide-lines']),
  concurrently: new Set(['-n', '--names', '--name-separator', '-s', '--success', '-p', '--prefix', '-c', '--prefix-colors', '-l', '--prefix-length', '-t', '--timestamp-format', '--restart-tries', '--restart-after', '--default-input-target', '-m', '--max-processes', '--hide', '-ks', '--kill-signal', '--teardown', '--pad-prefix']),
  lerna: new Set(['--scope', '--ignore', '--concurrency', '--since', '--npm-client', '--loglevel']),
  npm: new Set(['-w', '--workspace', '--prefix', '-C', '--loglevel', '--userconfig', '--cache', '--script-shell']),
  'npm-run-all': new Set(['--max-parallel', '--npm-path']),
  pnpm: new Set(['--filter', '-F', '-C', '--dir', '--workspace-concurrency', '--reporter', '--loglevel', '--filter-prod', '--test-pattern', '--changed-files-ignore-pattern']),
  turbo: new Set(['--filter', '-F', '--concurrency', '--output-logs', '--log-order', '--cache-dir', '--ui', '--env-mode', '--log-prefix', '--cache', '--team', '--token', '--api', '--profile', '--summarize', '--graph', '--scope']),
  yarn: new Set(['--cwd']),
  'yarn-foreach': new Set(['-j', '--jobs', '--include', '--exclude', '--from', '--since']),
}

interface Args {
  flags: Map<string, string[]>
  positional: string[]
  /** Words after `--` (passed to the script). */
  rest: string[]
}

/** Split a tool's words into flags (with values) and positional words; stops at the first positional for tools whose flags come first. */
function parseArgs(args: string[], tool: string, stopAtFirst = false): Args {
  const takes = VALUE_FLAGS[tool] ?? new Set()
  const flags = new Map<string, string[]>()
  const positional: string[] = []
  const add = (k: string, v: string): void => void flags.set(k, [...(flags.get(k) ?? []), v])
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') return {flags, positional, rest: args.slice(i + 1)}
    if (stopAtFirst && positional.length > 0) {
      positional.push(a)
      continue
    }

    if (/^--?[\w-]+=/.test(a)) {
      const eq = a.indexOf('=')
      add(a.slice(0, eq), a.slice(eq + 1))
    } else if (a.startsWith('-') && a.length > 1) {
      if (takes.has(a) && args[i + 1] !== undefined) add(a, args[++i])
      else add(a, '')
    } else positional.push(a)
  }

  return {flags, positional, rest: []}
}

const flag = (a: Args, ...names: string[]): string[] => names.flatMap((n) => a.flags.get(n) ?? [])

/** Runs of `script` in the selected packages that have it; none is why. */
function packagesRun(ws: Workspaces, pkgs: Pkg[], script: string, by: string): NodeDelegation {
  const having = pkgs.filter((p) => p.scripts[script] !== undefined)
  if (having.length === 0) return {kind: 'unknown', why: `${by}: no workspace package it selects has a "${script}" script (workspaces in ${ws.from})`}
  const runs = having.map((p) => ({cwd: p.dir, origin: {file: p.file, line: scriptLine(p, script)}, text: `npm run ${shellQuote(script)}`}))
  return {by, kind: 'run', parallel: true, runs}
}

/** The workspace packages `selectors` name, or why none. */
function selected(input: NodeRunInput, selectors: string[], tool: string): {pkgs: Pkg[]; ws: Workspaces} | string {
  const ws = findWorkspaces(input.files, input.cwd)
  if (!ws) return `${tool}: no workspaces are declared (package.json "workspaces", pnpm-workspace.yaml or lerna.json) at or above ${label(input.cwd)}`
  if (selectors.length === 0) return {pkgs: ws.packages, ws}
  const odd = selectors.find((s) => DEP_SELECTOR.test(s.replace(/^\{(.*)\}$/, '$1')))
  if (odd) return `${tool}: the selector "${odd}" uses dependency-graph or change filters, which conncalc does not evaluate`
  const pkgs = [...new Set(selectors.flatMap((s) => select(ws, s, input.cwd)))]
  if (pkgs.length === 0) {
    const names = ws.packages.map((p) => p.name ?? p.dir).slice(0, 8)
    return `${tool}: no workspace package matches "${selectors.join('", "')}" (workspaces in ${ws.from}: ${names.join(', ') || 'none found'})`
  }

  return {pkgs, ws}
}

const unknown = (why: string): NodeDelegation => ({kind: 'unknown', why})

/** A run in one package (npm -w, yarn workspace, pnpm --filter with one match). */
function inPackages(input: NodeRunInput, selectors: string[], args: string[], manager: string, by: string): NodeDelegation {
  const got = selected(input, selectors, by)
  if (typeof got === 'string') return unknown(got)
  const exits = manager === 'npm' ? npmExits(got.pkgs, args, by) : undefined
  if (exits) return exits
  const runs: NodeRun[] = []
  for (const p of got.pkgs) {
    const r = runIn(p, args, manager)
    // With several packages selected, those without the script are skipped, as pnpm and npm --if-present do.
    if (typeof r === 'string') {
      if (got.pkgs.length === 1) return unknown(`${by}: ${r}`)
      continue
    }

    runs.push(r)
  }

  if (runs.length === 0) return unknown(`${by}: no selected workspace package has the script (${got.pkgs.map((p) => p.name ?? p.dir).join(', ')})`)
  return {by, kind: 'run', parallel: manager !== 'npm', runs}
}

/** A run in another folder (npm --prefix, pnpm -C, yarn --cwd, bun --cwd). */
function inFolder(input: NodeRunInput, dir: string, args: string[], manager: string, by: string): NodeDelegation {
  const target = joinPath(input.cwd, dir)
  const pkg = target === undefined ? undefined : readPkg(input.files, target)
  if (!pkg) return unknown(`${by}: ${dir} has no package.json in the app`)
  const exits = manager === 'npm' ? npmExits([pkg], args, by) : undefined
  if (exits) return exits
  const r = runIn(pkg, args, manager)
  return typeof r === 'string' ? unknown(`${by}: ${r}`) : {by, kind: 'run', parallel: false, runs: [r]}
}

/** `npm:start:*`, `yarn:x` in concurrently: the scripts of this folder's package.json that the name (a glob) matches. */
function shortcut(input: NodeRunInput, word: string): string[] | undefined {
  const m = /^(npm|yarn|pnpm|bun):(.+)$/.exec(word)
  if (!m) return undefined
  const [, manager, rest] = m
  const [pattern, ...args] = rest.split(' ')
  if (!pattern.includes('*')) return [`${manager} run ${rest}`]
  // concurrently: `*` matches any characters in a script name; `!x` excludes (concurrently's docs, "npm:watch-*").
  const pkg = readPkg(input.files, input.cwd)
  const re = globRe(pattern.replace(/\(!.*\)$/, ''))
  const names = Object.keys(pkg?.scripts ?? {}).filter((n) => re.test(n))
  return names.map((n) => [`${manager} run ${n}`, ...args].join(' '))
}

/** npm-run-all's task patterns: `*` matches within one `:` segment, `**` across them (npm-run-all docs, "Glob-like pattern matching"). */
function runAllTasks(pkg: Pkg | undefined, pattern: string): string[] {
  const [name, ...args] = pattern.split(' ')
  if (!/[*?]/.test(name)) return [pattern]
  const re = new RegExp(`^${name.replaceAll(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('**', '\0').replaceAll('*', '[^:]*').replaceAll('\0', '.*').replaceAll('?', '[^:]')}$`)
  return Object.keys(pkg?.scripts ?? {})
    .filter((n) => re.test(n))
    .map((n) => [n, ...args].join(' '))
}

/** The scripts a command runs in each workspace in turn: the first package that has it never exits, so it is the one that runs. */
function firstWithScript(input: NodeRunInput, words: string[], by: string): NodeDelegation {
  const script = words[0] === 'run' || words[0] === 'run-script' ? words[1] : words[0]
  if (script === undefined) return unknown(`${by} names no script`)
  const got = selected(input, [], by)
  if (typeof got === 'string') return unknown(got)
  const first = got.pkgs.find((p) => p.scripts[script] !== undefined)
  if (!first && by.startsWith('`npm')) return npmExits(got.pkgs, words, by) ?? unknown(`${by}: no workspace package has a "${script}" script (workspaces in ${got.ws.from})`)
  if (!first) return unknown(`${by}: no workspace package has a "${script}" script (workspaces in ${got.ws.from})`)
  const r = runIn(first, words, 'npm')
  if (typeof r === 'string') return unknown(`${by}: ${r}`)
  return {by: `${by} (the first workspace with "${script}", ${first.name ?? first.dir}, never exits, so the ones after it do not start)`, kind: 'run', parallel: false, runs: [r]}
}

/** Yarn Berry's one-letter flags may be joined (`-pA`, `-ptv`). */
const splitShortFlags = (args: string[]): string[] => args.flatMap((a) => (/^-[A-Za-z]{2,}$/.test(a) ? [...a.slice(1)].map((c) => `-${c}`) : [a]))

/**
 * `yarn workspaces foreach [-A] [-p] [-j N] [--include G] [--exclude G] run SCRIPT` (Yarn Berry,
 * plugin-workspace-tools foreach.ts): the workspaces under the command's folder (all with -A) that
 * have the script, name globs applied; without -p one at a time (so the first one is what runs), with
 * -p up to -j at once, else max(1, cpus / 2).
 */
function yarnForeach(input: NodeRunInput, args: string[]): NodeDelegation {
  const a = parseArgs(splitShortFlags(args), 'yarn-foreach', true)
  const [command, script] = a.positional
  const by = '`yarn workspaces foreach`'
  if (command !== 'run' || script === undefined) return unknown(`${by} runs \`${a.positional.join(' ')}\`, not a script conncalc follows`)
  const got = selected(input, [], by)
  if (typeof got === 'string') return unknown(got)
  const all = a.flags.has('-A') || a.flags.has('--all')
  const include = flag(a, '--include').map((g) => globRe(g))
  const exclude = flag(a, '--exclude').map((g) => globRe(g))
  const under = (p: Pkg): boolean => all || input.cwd === '' || p.dir === input.cwd || p.dir.startsWith(`${input.cwd}/`)
  const pkgs = got.pkgs.filter((p) => under(p) && p.scripts[script] !== undefined && (include.length === 0 || include.some((re) => re.test(p.name ?? ''))) && !exclude.some((re) => re.test(p.name ?? '')))
  if (pkgs.length === 0) return unknown(`${by}: no workspace package it selects has a "${script}" script (workspaces in ${got.ws.from})`)
  const rest = [script, ...a.positional.slice(2), ...(a.rest.length > 0 ? ['--', ...a.rest] : [])]
  const runs = pkgs.map((p) => runIn(p, rest, 'yarn')).filter((r): r is NodeRun => typeof r !== 'string')
  if (!(a.flags.has('-p') || a.flags.has('--parallel'))) return {by: `${by} (one workspace at a time: ${pkgs[0].name ?? pkgs[0].dir}'s "${script}" never exits, so the ones after it do not start)`, kind: 'run', parallel: false, runs: runs.slice(0, 1)}
  const jobs = Number(flag(a, '-j', '--jobs')[0] ?? Number.NaN)
  if (Number.isInteger(jobs) && jobs > 0) return {by: `${by} -p -j ${jobs}`, kind: 'run', parallel: true, runs: runs.slice(0, jobs)}
  if (runs.length === 1) return {by: `${by} -p`, kind: 'run', parallel: true, runs}
  return {assumed: `${by} -p runs at most max(1, CPUs / 2) scripts at once (no -j); all ${runs.length} assumed to start`, by: `${by} -p`, kind: 'run', parallel: true, runs}
}

/**
 * What a command delegates to, or undefined when it runs in its own folder as
 * written (`node server.js`, a plain `npm start` whose script is one command the
 * Node analyzer reads itself).
 */
export function nodeDelegation(input: NodeRunInput, scriptDelegates: (text: string, run: NodeRun) => boolean): NodeDelegation | undefined {
  const [head, ...args] = input.argv
  const prog = (head ?? '').split('/').pop()!
  const own = (text: string): NodeRun => ({cwd: input.cwd, origin: input.origin, text})
  switch (prog) {
    case 'npx': {
      // `npx concurrently …`, `npx turbo run start`: the tool after npx's own flags.
      let i = 0
      while (i < args.length && args[i].startsWith('-')) i += args[i] === '-p' || args[i] === '--package' ? 2 : 1
      return args[i] === undefined ? undefined : nodeDelegation({...input, argv: args.slice(i)}, scriptDelegates)
    }

    case 'yarn': {
      const a = parseArgs(args, 'yarn', true)
      const cwd = flag(a, '--cwd')[0]
      if (cwd !== undefined) return inFolder(input, cwd, [...a.positional, ...a.rest], 'yarn', `yarn --cwd ${cwd}`)
      const [sub, name, ...more] = a.positional
      if (sub === 'workspace' && name) return inPackages(input, [name], more, 'yarn', `yarn workspace ${name}`)
      if (sub === 'workspaces' && name === 'foreach') return yarnForeach(input, more)
      // Yarn 1: `yarn workspaces run start` runs the script in each workspace in turn.
      if (sub === 'workspaces' && name === 'run') return firstWithScript(input, more, '`yarn workspaces run`')
      if (sub === 'workspaces') return unknown(`\`yarn workspaces ${name ?? ''}\` does not run a script conncalc follows (name one: yarn workspace NAME SCRIPT)`)
      return ownScript(input, a.positional, 'yarn', scriptDelegates)
    }

    case 'npm': {
      const a = parseArgs(args, 'npm')
      const prefix = flag(a, '--prefix', '-C')[0]
      const workspaces = flag(a, '-w', '--workspace')
      const words = [...a.positional, ...(a.rest.length > 0 ? ['--', ...a.rest] : [])]
      // npm runs the script in every workspace one after another (npm docs, "workspaces": running commands):
      // a server never exits, so the first workspace that has the script is the one that runs.
      if (a.flags.has('--workspaces') || a.flags.has('-ws')) return firstWithScript(input, words, '`npm --workspaces`')
      if (workspaces.length === 0 && prefix === undefined && input.npmWorkspace) {
        // The package's own script run inside it (`npm run start` in api/, where the first one led) is that package's again.
        const got = selected(input, [input.npmWorkspace], 'NPM_CONFIG_WORKSPACE')
        if (typeof got === 'string' || !got.pkgs.some((p) => p.dir === input.cwd)) return inPackages(input, [input.npmWorkspace], words, 'npm', `npm ${words.join(' ')} with NPM_CONFIG_WORKSPACE=${input.npmWorkspace}`)
      }

      if (workspaces.length > 0) {
        // npm runs the script in each named workspace in turn: the first one that stays up is the one that runs.
        const got = inPackages(input, workspaces.slice(0, 1), words, 'npm', `npm -w ${workspaces[0]}`)
        // A first workspace without the script: npm says "Missing script" there and goes on to the next one it names.
        return got.kind === 'exits' && workspaces.length > 1 ? unknown(got.why.replace(/ and the process exits at start, opening no connection$/, `; conncalc reads only the first of the ${workspaces.length} workspaces named`)) : got
      }

      if (prefix !== undefined) return inFolder(input, prefix, words, 'npm', `npm --prefix ${prefix}`)
      return ownScript(input, words, 'npm', scriptDelegates)
    }

    case 'pnpm':
    case 'bun': {
      const a = parseArgs(args, prog)
      const dir = flag(a, '-C', '--dir', '--cwd')[0]
      const filters = flag(a, '--filter', '-F', '--filter-prod')
      const words = [...a.positional, ...(a.rest.length > 0 ? ['--', ...a.rest] : [])]
      const base = dir === undefined ? input : {...input, cwd: joinPath(input.cwd, dir) ?? input.cwd}
      if (filters.length > 0 || a.flags.has('-r') || a.flags.has('--recursive')) {
        if (prog === 'pnpm') return pnpmRecursive(base, filters, words, `pnpm ${filters.length > 0 ? `--filter ${filters.join(' --filter ')}` : '-r'}`)
        return inPackages(base, filters, words, prog, `${prog} ${filters.length > 0 ? `--filter ${filters.join(' --filter ')}` : '-r'}`)
      }

      if (dir !== undefined) return inFolder(input, dir, words, prog, `${prog} -C ${dir}`)
      return ownScript(input, words, prog, scriptDelegates)
    }

    case 'turbo': {
      const a = parseArgs(args, 'turbo')
      const tasks = a.positional[0] === 'run' ? a.positional.slice(1) : a.positional
      if (tasks.length === 0) return undefined
      // Every task in every selected package that has it, all at once (turbo runs the task graph in parallel).
      const all: NodeRun[] = []
      for (const task of tasks) {
        const hash = task.indexOf('#')
        const selectors = hash > 0 ? [task.slice(0, hash)] : flag(a, '--filter', '-F', '--scope')
        const got = selected(input, selectors, `turbo run ${task}`)
        if (typeof got === 'string') return unknown(got)
        const d = packagesRun(got.ws, got.pkgs, hash > 0 ? task.slice(hash + 1) : task, `turbo run ${task}`)
        if (d.kind !== 'run') return d
        append(all, d.runs)
      }

      return {by: `turbo run ${tasks.join(' ')}`, kind: 'run', parallel: true, runs: all}
    }

    case 'lerna': {
      const a = parseArgs(args, 'lerna')
      if (a.positional[0] !== 'run' || !a.positional[1]) return a.positional[0] === 'exec' ? unknown('`lerna exec` runs a command in every package; conncalc does not follow it') : undefined
      const script = a.positional[1]
      const scope = flag(a, '--scope')
      const got = selected(input, scope, `lerna run ${script}`)
      if (typeof got === 'string') return unknown(got)
      const ignore = flag(a, '--ignore').map((g) => globRe(g))
      return packagesRun(got.ws, got.pkgs.filter((p) => !ignore.some((re) => re.test(p.name ?? ''))), script, `lerna run ${script}`)
    }

    case 'concurrently': {
      const a = parseArgs(args, 'concurrently')
      const commands = a.positional.flatMap((c) => shortcut(input, c) ?? [c])
      if (commands.length === 0) return unknown('concurrently is given no command conncalc can read')
      // --max-processes N: only N run at once; the first N that stay up hold the others back.
      const max = Number(flag(a, '-m', '--max-processes')[0] ?? Number.NaN)
      const running = Number.isInteger(max) && max > 0 ? commands.slice(0, max) : commands
      return {by: `concurrently (${input.origin.file}:${input.origin.line})`, kind: 'run', parallel: true, runs: running.map((c) => own(c))}
    }

    case 'npm-run-all':
    case 'run-p':
    case 'run-s': {
      const pkg = readPkg(input.files, input.cwd)
      // npm-run-all's words in order: -p/--parallel and -s/--sequential open a group of tasks run that way.
      let parallel = prog === 'run-p'
      const groups: {parallel: boolean; tasks: string[]}[] = [{parallel, tasks: []}]
      for (let i = 0; i < args.length; i++) {
        const w = args[i]
        if (w === '-p' || w === '--parallel' || w === '-s' || w === '--sequential' || w === '--serial') {
          parallel = w === '-p' || w === '--parallel'
          groups.push({parallel, tasks: []})
        } else if (VALUE_FLAGS['npm-run-all'].has(w)) i++
        else if (!w.startsWith('-')) append(groups.at(-1)!.tasks, runAllTasks(pkg, w))
      }

      const live = groups.filter((g) => g.tasks.length > 0)
      if (live.length === 0) return unknown(`${prog}: no script matches ${args.filter((w) => !w.startsWith('-')).join(' ')}`)
      // Groups run one after another: the last group is the one left running (the ones before finished first).
      const last = live.at(-1)!
      return {by: `${prog} (${input.origin.file}:${input.origin.line})`, kind: 'run', parallel: last.parallel, runs: last.tasks.map((t) => own(`npm run ${t}`))}
    }

    default: {
      return undefined
    }
  }
}

/** `npm start`, `yarn web`, `pnpm run x` in the command's own folder: followed here only when its script delegates in turn. */
function ownScript(input: NodeRunInput, words: string[], manager: string, scriptDelegates: (text: string, run: NodeRun) => boolean): NodeDelegation | undefined {
  const [first, second] = words
  const name = first === 'run' || first === 'run-script' ? second : manager === 'npm' && first !== 'start' && first !== 'test' ? undefined : first
  if (!name || name.startsWith('-')) return undefined
  const pkg = readPkg(input.files, input.cwd)
  const extra = words.slice(first === 'run' || first === 'run-script' ? 2 : 1).filter((a) => a !== '--')
  if (manager === 'yarn' && name.includes(':') && pkg?.scripts[name] === undefined) return globalScript(input, name, extra)
  if (!pkg || pkg.scripts[name] === undefined) return undefined
  const run: NodeRun = {cwd: input.cwd, origin: {file: pkg.file, line: scriptLine(pkg, name)}, script: true, text: [pkg.scripts[name], ...extra.map((a) => shellQuote(a))].join(' ')}
  if (!scriptDelegates(run.text, run)) return undefined
  return {by: `${manager} run ${name}`, kind: 'run', parallel: false, runs: [run]}
}

/**
 * Yarn Berry's global scripts: `yarn g:x` in a workspace without a "g:x" script runs the one workspace of the
 * project (the root included) that has it, in that workspace's folder, with INIT_CWD the folder `yarn` ran in
 * ("scripts containing a colon … can be called from any workspace"; INIT_CWD is how they get back to it:
 * https://yarnpkg.com/cli/run). Two workspaces with the script: Yarn refuses, so conncalc does not pick one.
 */
function globalScript(input: NodeRunInput, name: string, extra: string[]): NodeDelegation | undefined {
  const ws = findWorkspaces(input.files, input.cwd)
  if (!ws) return undefined
  const root = readPkg(input.files, ws.root)
  const having = [...(root ? [root] : []), ...ws.packages.filter((p) => p.dir !== ws.root)].filter((p) => p.scripts[name] !== undefined)
  if (having.length !== 1) return undefined
  const [p] = having
  const init = `INIT_CWD=${shellQuote(input.cwd === '' ? '/app' : `/app/${input.cwd}`)}`
  const run: NodeRun = {cwd: p.dir, origin: {file: p.file, line: scriptLine(p, name)}, script: true, text: `${init}; ${[p.scripts[name], ...extra.map((a) => shellQuote(a))].join(' ')}`}
  return {by: `yarn ${name} (a global script of ${p.file})`, kind: 'run', parallel: false, runs: [run]}
}

/** Programs that may delegate: the registry's and the script reader's cheap check before reading anything. */
export const DELEGATING_PROGRAMS: ReadonlySet<string> = new Set(['yarn', 'npm', 'npx', 'pnpm', 'bun', 'turbo', 'lerna', 'concurrently', 'npm-run-all', 'run-p', 'run-s'])
