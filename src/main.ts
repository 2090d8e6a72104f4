// The bundle's entry (npm run build → dist/main.js): oclif's runner and the
// command table come from the same bundle, so there is one copy of oclif.
//
// oclif is imported by subpath (@oclif/core/run, /command, /flags), not
// from its index: the index loads every part of oclif (ux, help classes,
// semver for an engines check bin/run.js turns off anyway), ~100 KB more for
// every run to parse. Its one other start-up check is kept here:
import type {LoadOptions} from '@oclif/core/interfaces'
import {Plugin} from '@oclif/core/config'
import {flush} from '@oclif/core/flush'
import {run} from '@oclif/core/run'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {commands} from './commands/index.js'
import {closest, didYouMean} from './util/did-you-mean.js'
import {describeFailure, type Failure, unexpectedArguments, wantsJson, writeFailure} from './commands/failure.js'

try {
  process.cwd()
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') process.stderr.write('WARNING: current directory does not exist\n')
}

// Prism (the Ruby parser) runs as WASI, which Node 20 flags as experimental on
// stderr. That warning is noise for our users; every other warning still shows.
// It is here, not in bin/run.js, because inside the Heroku CLI (conncalc as a plugin)
// bin/run.js never runs: this module is what the Heroku CLI loads for connections:*.
const emit = process.emitWarning
process.emitWarning = function (this: NodeJS.Process, warning: Error | string, ...rest: unknown[]) {
  const text = typeof warning === 'string' ? warning : warning?.message
  if (typeof text === 'string' && text.includes('WASI')) return
  return (emit as (...a: unknown[]) => void).call(process, warning, ...rest)
} as typeof process.emitWarning

export {commands, herokuCommands} from './commands/index.js'

/**
 * The manifest oclif makes for the standalone command table (`plan`, `scale` …: each command's
 * flags, arguments, description and examples, what oclif's help and command lookup read), made
 * by the build from this very bundle and written into it in place of this placeholder
 * (esbuild.config.js); the placeholder itself anywhere else (dist/main.js, a build that could not
 * make it). Made on every run it was ~10 M of the ~240 M instructions of a `conncalc plan` (oclif
 * caches every flag of every command, one promise each). It depends on the command classes alone
 * (no flag has a default computed at run time), and is JSON: what oclif makes, less the
 * properties it leaves undefined.
 */
const STANDALONE_MANIFEST = '__CONNCALC_STANDALONE_MANIFEST__'

/**
 * Standalone `conncalc`: package.json's oclif config is what the Heroku CLI reads
 * for the plugin, so it names the `connections:` table (herokuCommands) and an
 * oclif.manifest.json lists those commands. Here the root plugin is loaded with
 * the same bundle's own table (`conncalc plan`) and its manifest from the build
 * (STANDALONE_MANIFEST), or, without one, oclif makes it (ignoreManifest).
 * `target` is the bundle this code runs from, when that is not package.json's
 * dist/main.js (bin/run.js runs dist/cli.cjs): oclif loads the commands from it,
 * and must get this very copy, not load a second one.
 */
async function standalone(dir: string, target?: string, given?: string): Promise<LoadOptions> {
  const {pjson, plugin, root} = await rootPlugin(dir, target, builtManifest(target), given)
  return {pjson: pjson as never, plugins: new Map([[plugin.name, plugin]]), root}
}

/** oclif's root plugin for the standalone table, loaded (with `manifest`, when there is one of this version). */
async function rootPlugin(dir: string, target: string | undefined, manifest: undefined | {version: string}, given?: string) {
  const root = given ?? fileURLToPath(new URL('..', dir)) // dir: bin/run.js
  const pjson = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {oclif: {commands: object}; version: string}
  pjson.oclif = {...pjson.oclif, commands: {...pjson.oclif.commands, identifier: 'commands', ...(target ? {target} : {})}}
  // `manifest` is an option oclif's Plugin takes in this build (esbuild.config.js's oclif-plugin patch).
  const options = {ignoreManifest: true, isRoot: true, pjson: pjson as never, root, ...(manifest?.version === pjson.version ? {manifest} : {})}
  const plugin = new Plugin(options)
  await plugin.load()
  return {pjson, plugin, root}
}

/** The manifest the build wrote into this bundle, when it runs as bin/run.js's dist/cli.cjs. */
function builtManifest(target?: string): undefined | {version: string} {
  return target && STANDALONE_MANIFEST.startsWith('{') ? (JSON.parse(STANDALONE_MANIFEST) as {version: string}) : undefined
}

/** What oclif makes as the standalone table's manifest, for the build to write into the bundle (STANDALONE_MANIFEST). */
export async function standaloneManifest(options: {dir: string; target?: string}): Promise<unknown> {
  const {plugin} = await rootPlugin(options.dir, options.target, undefined)
  return plugin.manifest
}

/**
 * Run conncalc as bin/run.js does, with the conventions of oclif CLIs that
 * plugin-help, plugin-version and plugin-not-found give them, without loading
 * those plugins: `help [COMMAND]`, `version`, and "did you mean" for a
 * mistyped command. Errors from a command are handled by BaseCommand; here
 * only those that happen before a command runs. `root` is the package's folder
 * (ending in a separator) when the caller has it as a path (bin/run.js); else it
 * is made from `dir`'s URL.
 */
export async function execute(options: {dir: string; root?: string; target?: string}): Promise<void> {
  const argv = conventions(process.argv.slice(2))
  const json = wantsJson(argv)
  const unknown = unknownCommand(argv)
  if (unknown) {
    writeFailure(unknown, json)
    return
  }

  try {
    await run(argv, await standalone(options.dir, options.target, options.root))
    // oclif's flush() waits (up to 10 s) for standard output to drain, and returns at once when a
    // write of nothing says no wait is needed; but it first makes the 10-second timer it races the
    // drain against, which loads Node's timers on every run. That write is asked first here.
    if (!process.stdout.write('')) await flush()
  } catch (error) {
    const failure = describeFailure(error)
    if (failure.exitCode !== 0) writeFailure(failure, json)
  }
}

/** `help plan` → `plan --help`; `help` → `--help`; `version` → `--version` (`-v`, `-h`: package.json's oclif settings). */
function conventions(argv: string[]): string[] {
  if (argv[0] === 'help') return argv.length > 1 ? [...argv.slice(1).filter((a) => !a.startsWith('-')), '--help'] : ['--help']
  if (argv[0] === 'version') return ['--version']
  return argv
}

const BIN = 'conncalc'

/** A first word that names no command (or a command followed by words it does not take). */
function unknownCommand(argv: readonly string[]): Failure | undefined {
  const words: string[] = []
  for (const a of argv) {
    if (a.startsWith('-')) break
    words.push(a)
  }

  if (words.length === 0) return undefined
  const ids = Object.keys(commands)
  // Longest run of words that names a command (`conncalc pg plan` would be pg:plan).
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':')
    const command = (commands as Record<string, {args?: object; strict?: boolean}>)[id]
    if (!command) continue
    const rest = words.slice(n)
    const takesWords = command.strict === false || Object.keys(command.args ?? {}).length > 0
    return rest.length > 0 && !takesWords ? unexpectedArguments(rest, `${BIN} ${words.slice(0, n).join(' ')}`) : undefined
  }

  // A topic (the first word of a longer id): oclif lists its commands.
  if (ids.some((id) => id.startsWith(`${words[0]}:`))) return undefined
  const near = didYouMean(closest(words[0], [...ids.map((id) => id.replaceAll(':', ' ')), 'help', 'version']))
  return {exitCode: 2, hint: `${near ? `${near} ` : ''}(${BIN} help lists the commands)`, message: `unknown command "${words[0]}"`}
}
