import {closest, didYouMean} from '../util/did-you-mean.js'
import {BUG_NOTE, UsageError} from '../util/errors.js'
import {redactSecrets} from '../util/redact.js'
import {escapeControls, safeOutput} from '../util/control-characters.js'

/**
 * What a user sees when conncalc cannot do its job: one line, a short hint,
 * an exit code (2 usage or input, 3 a bug). Under --json the same three
 * fields, as DESIGN.md documents them, are all that reaches standard output.
 */
export interface Failure {
  /** Lines under the message (one per problem of an invalid file, the bug note). */
  details?: string[]
  exitCode: number
  hint?: string
  message: string
}

/** The command a failure happened in, for "see conncalc plan --help" and flag suggestions. */
export interface FailureContext {
  /** `conncalc plan`, as the user types it (`heroku conncalc:plan` inside the Heroku CLI). */
  command: string
  /** Long flag names and aliases the command takes, without dashes. */
  flags: readonly string[]
}

interface OclifError extends Error {
  args?: string[]
  code?: string
  flags?: string[]
  oclif?: {exit?: number}
}

/** Any error, as the one line and hint a person can act on. */
export function describeFailure(error: unknown, context?: FailureContext): Failure {
  if (error instanceof UsageError) return {details: error.details, exitCode: 2, hint: error.hint, message: error.headline}
  const err = error as OclifError
  // oclif's parser errors are CLIErrors (they carry `oclif.exit`): all mean the command line is wrong.
  if (err instanceof Error && err.oclif !== undefined) return commandLineFailure(err, context)
  const message = err instanceof Error ? err.message : String(error)
  return {details: [BUG_NOTE], exitCode: 3, message: message || String(error)}
}

/** Print a failure (standard error; standard output as JSON under --json) and set the exit code. */
export function writeFailure(failure: Failure, json: boolean): void {
  process.exitCode = failure.exitCode
  const details = (failure.details ?? []).map((d) => redactSecrets(d))
  const message = redactSecrets(failure.message)
  const hint = failure.hint === undefined ? undefined : redactSecrets(failure.hint)
  if (json) {
    const full = [message, ...details].join('\n')
    process.stdout.write(`${JSON.stringify({error: {exitCode: failure.exitCode, hint, message: full}}, null, 2)}\n`)
    return
  }

  // A control character in a value the message quotes is shown escaped: one line each.
  const text = `conncalc: ${[message, ...details].map(escapeControls).join('\n')}\n${hint ? `  hint: ${escapeControls(hint)}\n` : ''}`
  process.stderr.write(safeOutput(text, {keepColour: false}))
}

/** `--json` before any `--` (oclif's own reading of it). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const at = argv.indexOf('--json')
  return at !== -1 && (end === -1 || at < end)
}

/** Arguments a command does not take, with the likely intent (`web=2` belongs to --scale). */
export function unexpectedArguments(args: readonly string[], command: string): Failure {
  const formation = args.filter((a) => /^[\w-]+=\S+$/.test(a))
  const hint =
    formation.length === args.length
      ? `a formation goes in --scale: ${command} --scale ${formation.join(' ')}`
      : `${command} takes flags only; ${command} --help lists them`
  return {exitCode: 2, hint, message: `unexpected argument${args.length === 1 ? '' : 's'} ${args.join(' ')}`}
}

function commandLineFailure(err: OclifError, context?: FailureContext): Failure {
  const help = context ? `${context.command} --help` : 'conncalc --help'
  if (err.oclif?.exit === 0 || err.code === 'EEXIT') return {exitCode: err.oclif?.exit ?? 0, message: ''}
  if (err.flags && err.flags.length > 0) return unknownFlags(err.flags, context, help)
  if (err.args && err.args.length > 0 && /^Unexpected argument/.test(err.message)) return unexpectedArguments(err.args, context?.command ?? 'conncalc')
  const text = err.message.replace(/\n?See more help with --help\s*$/, '')
  const option = /^Expected --([\w-]+)=([\s\S]*) to be one of: ([\s\S]+)$/.exec(text)
  if (option) {
    const [, flag, value, list] = option
    const options = list.split(/,\s*/).map((o) => o.trim())
    const near = didYouMean(closest(value, options, {limit: 1}))
    return {exitCode: 2, hint: near ?? `${help} describes --${flag}`, message: `--${flag} ${value} is not one of ${options.join(', ')}`}
  }

  // "Parsing --limit \n\tExpected an integer but received: abc" → "--limit: expected an integer but received: abc"
  const parsing = /Parsing (--[\w-]+)\s*\n\s*(\S)([\s\S]*)$/.exec(text)
  if (parsing) return {exitCode: 2, hint: `${help} describes ${parsing[1]}`, message: `${parsing[1]}: ${parsing[2].toLowerCase()}${oneLine(parsing[3])}`}
  const flag = /^Flag (--[\w-]+) (.*)$/s.exec(text)
  if (flag) return {exitCode: 2, hint: `${help} describes ${flag[1]}`, message: `${flag[1]} ${oneLine(flag[2])}`}
  return {exitCode: 2, hint: `${help} lists the flags`, message: oneLine(text.replace(/^The following errors? occurred:\s*/, ''))}
}

function unknownFlags(given: readonly string[], context: FailureContext | undefined, help: string): Failure {
  const names = given.map((f) => f.replace(/=.*$/s, ''))
  const near = names.flatMap((name) => (name.startsWith('--') && context ? closest(name.slice(2), context.flags, {limit: 1}).map((f) => `--${f}`) : []))
  const pointer = `${help} lists the flags`
  return {
    exitCode: 2,
    hint: near.length > 0 ? `${didYouMean(near)} (${pointer})` : pointer,
    message: `unknown flag${names.length === 1 ? '' : 's'} ${names.join(', ')}`,
  }
}

/** oclif's multi-line messages (tabs, wrapped lists) as one line. */
const oneLine = (text: string): string => text.replaceAll(/\s*\n\s*/g, ' ').trim()
