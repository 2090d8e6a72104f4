// The bundle's entry (npm run build → dist/main.js): oclif's runner and the
// command table come from the same bundle, so there is one copy of oclif.
//
// oclif is imported by subpath (@oclif/core/run, /command, /flags), not
// from its index: the index loads every part of oclif (ux, help classes,
// semver for an engines check bin/run.js turns off anyway), ~100 KB more for
// every run to parse. Its one other start-up check is kept here:
import {flush} from '@oclif/core/flush'
import {run} from '@oclif/core/run'

import {commands} from './commands/index.js'
import {closest, didYouMean} from './util/did-you-mean.js'
import {describeFailure, type Failure, unexpectedArguments, wantsJson, writeFailure} from './commands/failure.js'

try {
  process.cwd()
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') process.stderr.write('WARNING: current directory does not exist\n')
}

export {commands} from './commands/index.js'

/**
 * Run conncalc as bin/run.js does, with the conventions of oclif CLIs that
 * plugin-help, plugin-version and plugin-not-found give them, without loading
 * those plugins: `help [COMMAND]`, `version`, and "did you mean" for a
 * mistyped command. Errors from a command are handled by BaseCommand; here
 * only those that happen before a command runs.
 */
export async function execute(options: {dir: string}): Promise<void> {
  const argv = conventions(process.argv.slice(2))
  const json = wantsJson(argv)
  const unknown = unknownCommand(argv)
  if (unknown) {
    writeFailure(unknown, json)
    return
  }

  try {
    await run(argv, options.dir)
    await flush()
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
