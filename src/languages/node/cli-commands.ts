/**
 * A command-line program built with a subcommand library (cac, commander, yargs, sade, breadc) runs only the action of
 * the command its arguments name: `node cli.js cron` runs `cli.command('cron').action(fn)`'s fn, not `start`'s. js.ts
 * marks each call made while such an action is read with a guard naming its command (JsGuard.command); here the
 * process's arguments (NodeEntry.args: what follows the file on its command line) choose the command, as the library
 * would, and the pools of the other commands' actions are not counted. With no command line to read (a file
 * guessed from package.json), the command whose pools are largest is counted, as an assumption.
 *
 * How each library picks the command: the first words of argv.slice(2) that are not options, matched against each
 * command's leading words (cac's `command('dev [root]')` is `dev`; breadc's `admin fetch <id>` is `admin fetch`),
 * an alias (`.alias('s')`, yargs' array of names) standing for it; a command with no leading word (cac `[root]` or
 * `''`, yargs `$0`/`*`, commander `{isDefault: true}`, sade `{default: true}`) runs when no other matches; with none
 * matching and no default, the library prints help or an error, and no action runs.
 * https://github.com/cacjs/cac#command-specific-options, https://github.com/tj/commander.js#commands,
 * https://github.com/yargs/yargs/blob/main/docs/advanced.md#default-commands, https://github.com/lukeed/sade#usage
 */
import type {Diagnostic} from '../../model/diagnostic.js'

/** The packages whose `.command(…)` declares a subcommand of a command-line program. */
export const CLI_LIBRARY = /^(?:cac|commander|@commander-js\/extra-typings|yargs|sade|breadc)(?:\/[\w/-]+)?(?:\.|$)/

/** One program (`const cli = cac()`): the commands declared on it, in order, so a default command knows what else matches. */
export interface CliProgram {
  commands: CliCommand[]
  /** Made with commander (its `.command(name)` returns the new subcommand). */
  commander?: true
  /**
   * A commander `new Command(name)` no addCommand has added to a program (yet): its one command stands for itself.
   * Its actions are counted as before (a program that adds it may be one conncalc does not see).
   */
  detached?: true
  /** The subcommand this program is (`db` of `cli db migrate`): it chooses among its commands with the words after the parent's. */
  parent?: CliCommand
  file: string
  id: number
  line: number
  /** The program as written (`cli`, `yargs(hideBin(process.argv))`). */
  text: string
  /**
   * A program written by hand from `process.argv` (no library): `switch (process.argv[2])`, `if (cmd === 'worker')` with
   * `const [cmd] = process.argv.slice(2)` (`index`: the position in process.argv; `fallback`: `args[0] ?? 'web'`), or
   * `process.argv.includes('--worker')` (`flag`, looked for from position `from`). Its commands are the cases or the
   * compared words, and the other arm or the `default:` case is its default command. `parsed`: the word is
   * `minimist(process.argv.slice(parsed))._[index]` (minimist, mri, yargs-parser): the index-th word that is not an option.
   */
  argv?: {fallback?: string; index: number; kind: 'word'; parsed?: number} | {flag: string; from: number; kind: 'flag'}
}

export interface CliCommand {
  /** Runs when no other command of the program matches. */
  isDefault: boolean
  line: number
  /** Each way to name it: its leading words (`admin fetch`), then its aliases'. Empty for a default command. */
  names: string[][]
  /** Words built at run time follow the leading ones (`admin fetch ${provider}`): it may take more words than these. */
  open: boolean
  program: CliProgram
  /** As written, for messages: `.command('cron')`. */
  text: string
}

/** A command's leading words from how it is written (`'serve [port]'`, `'$0'`, `'*'`, `'<file>'`): undefined for a default. */
export function leadingWords(spec: string): string[] {
  const words: string[] = []
  for (const w of spec.trim().split(/\s+/)) {
    if (w === '' || w.startsWith('<') || w.startsWith('[') || w === '$0' || w === '*') break
    // commander's `serve|s` is not a syntax; yargs' aliases come as an array. A word with `|` is taken whole.
    words.push(w)
  }

  return words
}

/** The process's positional words and whether an option came before them (its value may be one of them). */
function positionals(args: readonly string[]): {optionFirst: boolean; words: string[]} {
  const words: string[] = []
  let optionFirst = false
  for (const a of args) {
    if (a === '--') break
    if (a.startsWith('-')) {
      if (words.length === 0) optionFirst = true
      continue
    }

    words.push(a)
  }

  return {optionFirst, words}
}

/** How many leading words of `words` a command takes (0: it does not match). */
function matchLength(c: CliCommand, words: readonly string[]): number {
  let best = 0
  for (const name of c.names) {
    if (name.length === 0 || name.length > words.length) continue
    if (name.every((w, i) => w === words[i])) best = Math.max(best, name.length)
  }

  return best
}

export type CommandChoice = {commands: Set<CliCommand>; kind: 'known'; why: string} | {kind: 'unknown'; why: string}

/**
 * The command a program runs with the process's arguments: the ones that match (the longest match wins), else its
 * default, else none. Unknown when the arguments are not read, hold a variable, or an option before the first word
 * may take it as its value, or when a command written with run-time words may match.
 */
export function chooseCommand(program: CliProgram, args: readonly string[] | undefined, unset: readonly string[] = []): CommandChoice {
  const names = program.commands.filter((c) => !c.isDefault).map((c) => c.names[0]?.join(' ')).filter(Boolean)
  const list = names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`
  if (args === undefined) return {kind: 'unknown', why: `which of its commands (${list}) the process runs is not on a command line conncalc reads`}
  // `node cli.js $JOB_KIND` with JOB_KIND set nowhere here: the deploy that runs it sets it, to a command conncalc cannot know.
  if (unset.length > 0) return {kind: 'unknown', why: `its command line reads ${unset.map((u) => `$${u}`).join(', ')}, which ${unset.length === 1 ? 'has' : 'have'} no value here`}
  if (program.argv) return chooseByArgv(program, program.argv, args)
  const {optionFirst, words} = positionals(args)
  if (words.some((w) => w.includes('$'))) return {kind: 'unknown', why: `the process's arguments (${args.join(' ')}) hold a value conncalc cannot read`}
  let best = 0
  for (const c of program.commands) best = Math.max(best, matchLength(c, words))
  const open = program.commands.filter((c) => c.open && c.names.some((n) => n.every((w, i) => w === words[i])) && (c.names[0]?.length ?? 0) >= best)
  if (open.length > 0) return {kind: 'unknown', why: `${open[0].text} (line ${open[0].line}) names its command with words built at run time, which may be the process's \`${words.join(' ')}\``}
  const said = words.length === 0 ? 'no command' : `\`${words.slice(0, Math.max(best, 1)).join(' ')}\``
  if (best > 0) {
    const chosen = new Set(program.commands.filter((c) => matchLength(c, words) === best))
    return {commands: chosen, kind: 'known', why: `the process runs ${said}`}
  }

  if (optionFirst && words.length > 1 && program.commands.some((c) => matchLength(c, words.slice(1)) > 0)) {
    return {kind: 'unknown', why: `an option before \`${words.join(' ')}\` may take \`${words[0]}\` as its value, so which command runs is not certain`}
  }

  const defaults = new Set(program.commands.filter((c) => c.isDefault))
  return {commands: defaults, kind: 'known', why: defaults.size > 0 ? `the process runs ${said}, which no command names: the default command runs` : `the process runs ${said}, which no command names, and the program has no default command: it prints its help or an error, and no action runs`}
}

/**
 * The commands of a program written from `process.argv` that run with these arguments (`args` is process.argv.slice(2)):
 * the word at that position compared as written (JS compares strings exactly: no option is skipped), or whether the flag
 * is among them; else the default arm.
 */
function chooseByArgv(program: CliProgram, spec: NonNullable<CliProgram['argv']>, written: readonly string[]): CommandChoice {
  let argv = spec
  let args = written
  const at = argv.kind === 'word' ? (argv.parsed === undefined ? `process.argv[${argv.index}]` : `_[${argv.index}] (the words that are not options)`) : ''
  if (argv.kind === 'word' && argv.parsed !== undefined) {
    // minimist's `_`: the words that are not options, an option's value aside. Read as a plain word list from here on.
    const words = parsedPositionals(written.slice(Math.max(0, argv.parsed - 2)), argv.index)
    if (!words) return {kind: 'unknown', why: `an option before the process's word \`_[${argv.index}]\` (${written.join(' ')}) may take the next word as its value (minimist reads \`--name value\` so unless the option is declared boolean), so which word is \`_[${argv.index}]\` is not certain`}
    args = words
    argv = {...argv, index: argv.index + 2, parsed: undefined}
  }

  const seen = argv.kind === 'word' ? args.slice(argv.index - 2, argv.index - 1) : args.slice(Math.max(0, argv.from - 2))
  if (seen.some((w) => w.includes('$'))) return {kind: 'unknown', why: `the process's arguments (${args.join(' ')}) hold a value conncalc cannot read`}
  const word = argv.kind === 'word' ? (args[argv.index - 2] ?? argv.fallback) : undefined
  const open = program.commands.find((c) => c.open)
  if (open && (argv.kind === 'flag' || word !== undefined)) return {kind: 'unknown', why: `${open.text} (line ${open.line}) compares it with a value built at run time`}
  const given = argv.kind === 'word' ? args[argv.index - 2] : undefined
  const said = argv.kind === 'flag' ? `\`${argv.flag}\`` : word === undefined ? `no word at ${at}` : given === undefined ? `no word at ${at}, so \`${word}\`` : `\`${word}\` at ${at}`
  const matches = (c: CliCommand): boolean => c.names.some((n) => (argv.kind === 'flag' ? args.slice(Math.max(0, argv.from - 2)).includes(n[0]) : n[0] === word))
  const chosen = new Set(program.commands.filter((c) => matches(c)))
  if (chosen.size > 0) return {commands: chosen, kind: 'known', why: `the process's arguments hold ${said}`}
  const defaults = new Set(program.commands.filter((c) => c.isDefault))
  return {commands: defaults, kind: 'known', why: argv.kind === 'flag' ? `the process's arguments (${args.join(' ') || 'none'}) do not hold ${said}` : `the process's arguments hold ${said}, which no arm compares with`}
}

/**
 * The words minimist (and mri, yargs-parser) leave in `_`, up to the `index`-th: every word that is not an option, all
 * words after `--`. `--name=value` is one word; `--name value` and `-n value` take the value unless the option is declared
 * boolean, which conncalc does not read: such an option before the word makes it uncertain (undefined).
 * https://github.com/minimistjs/minimist#var-argv--parseargsargs-opts
 */
function parsedPositionals(args: readonly string[], index: number): string[] | undefined {
  const out: string[] = []
  for (let i = 0; i < args.length && out.length <= index; i++) {
    const a = args[i]
    if (a === '--') return [...out, ...args.slice(i + 1)]
    if (a.startsWith('-') && a !== '-') {
      if (!a.includes('=') && args[i + 1] !== undefined && !args[i + 1].startsWith('-')) return undefined
      continue
    }

    out.push(a)
  }

  return out
}

/**
 * How a program chooses: a subcommand's program (`db` of `cli db migrate`) runs nothing unless its parent program chose
 * it, and then chooses with the words after the parent's name; others with the process's arguments.
 */
function programChoice(program: CliProgram, args: readonly string[] | undefined, unset: readonly string[] | undefined, done: ReadonlyMap<number, {args?: readonly string[]; choice: CommandChoice}>): {args?: readonly string[]; choice: CommandChoice} {
  const parent = program.parent
  const above = parent ? done.get(parent.program.id) : undefined
  if (!parent || !above) return {args, choice: chooseCommand(program, args, unset)}
  if (above.choice.kind === 'unknown') return {choice: {kind: 'unknown', why: above.choice.why}}
  if (!above.choice.commands.has(parent)) return {choice: {commands: new Set(), kind: 'known', why: `the process does not run ${parent.text}, whose subcommands these are`}}
  const rest = afterName(parent, above.args ?? [])
  return {args: rest, choice: chooseCommand(program, rest, unset)}
}

/** The process's arguments after the words that named `command` (its longest name, among the words that are not options). */
function afterName(command: CliCommand, args: readonly string[]): string[] {
  const name = command.names.filter((n) => n.length > 0).sort((a, b) => b.length - a.length).find((n) => {
    const words = positionals(args).words
    return n.every((w, i) => w === words[i])
  })
  if (!name) return [...args]
  let left = name.length
  const out: string[] = []
  for (const a of args) {
    if (left > 0 && !a.startsWith('-')) {
      left--
      continue
    }

    out.push(a)
  }

  return out
}

/** What settleCommands needs of each pool: its guards, a size and a name. */
export interface Guarded<T> {
  guards?: readonly {command?: CliCommand; id: number}[]
  item: T
  size: number
  where: string
}

/**
 * The pools that run with the process's arguments: for each program, those outside its actions and those in the chosen
 * command's; a guard of the chosen command is taken off (it holds). When the command cannot be chosen, the command whose
 * pools add up to the most is taken, and `assume` gets why (its pools are starred).
 */
export function settleCommands<T>(made: Guarded<T>[], cli: {args?: readonly string[]; at: string; unset?: readonly string[]}, diagnostics: Diagnostic[], assume: (item: T, why: string) => T): Guarded<T>[] {
  const {args, at} = cli
  const programs = new Map<number, CliProgram>()
  // A subcommand's own program is chosen after the program it is a command of (its parent's first).
  const add = (p: CliProgram): void => {
    if (p.parent) add(p.parent.program)
    if (!programs.has(p.id)) programs.set(p.id, p)
  }

  for (const m of made) for (const g of m.guards ?? []) if (g.command) add(g.command.program)
  const choices = new Map<number, {args?: readonly string[]; choice: CommandChoice}>()
  let live = made
  for (const program of programs.values()) {
    const commandOf = (m: Guarded<T>): CliCommand | undefined => m.guards?.find((g) => g.command?.program === program)?.command
    const strip = (m: Guarded<T>): Guarded<T> => ({...m, guards: m.guards?.filter((g) => g.command?.program !== program)})
    // A commander `new Command('x')` no program adds (as far as conncalc reads): its actions count, as before.
    if (program.detached) {
      live = live.map((m) => (commandOf(m) ? strip(m) : m))
      continue
    }

    const {args: own, choice} = programChoice(program, args, cli.unset, choices)
    choices.set(program.id, {args: own, choice})
    const where = `${program.argv ? 'the dispatch on process.argv' : 'the command-line program'} at ${program.file}:${program.line} (\`${program.text}\`)`
    if (choice.kind === 'known') {
      const dropped = live.filter((m) => commandOf(m) && !choice.commands.has(commandOf(m)!))
      if (dropped.length > 0) {
        const runs = choice.commands.size > 0 ? ` (${[...choice.commands].map((c) => c.text).join(', ')})` : ''
        const others = new Map<CliCommand, string[]>()
        for (const m of dropped) others.set(commandOf(m)!, [...(others.get(commandOf(m)!) ?? []), m.where])
        const list = [...others].map(([c, w]) => `${c.text} (${w.join(', ')})`).join(', ')
        diagnostics.push({code: 'unknown-config-value', file: program.file, line: program.line, message: `${where} runs only the ${program.argv ? 'arm its arguments select' : 'action of the command its arguments name'}: ${choice.why}${runs} (${at}); the pools made in the ${program.argv ? 'arms' : 'actions'} of ${list} are not counted`, severity: 'info'})
      }

      live = live.filter((m) => !commandOf(m) || choice.commands.has(commandOf(m)!)).map((m) => (commandOf(m) ? strip(m) : m))
      continue
    }

    // Not known: the command whose actions' pools add up to the most.
    let best: {command: CliCommand; size: number} | undefined
    for (const c of program.commands) {
      const size = live.filter((m) => commandOf(m) === c).reduce((a, m) => a + m.size, 0)
      if (!best || size > best.size) best = {command: c, size}
    }

    if (!best || best.size === 0) {
      live = live.filter((m) => !commandOf(m))
      continue
    }

    const why = `${where} runs ${program.argv ? 'one of its arms' : 'the action of one of its commands'}, and ${choice.why}: the ${program.argv ? 'arm' : 'command'} whose pools are largest, ${best.command.text} (line ${best.command.line}, ${best.size} connections), is counted, not the others'`
    diagnostics.push({code: 'unknown-config-value', file: program.file, line: best.command.line, message: why, severity: 'warning'})
    const chosen = best.command
    live = live.filter((m) => !commandOf(m) || commandOf(m) === chosen).map((m) => (commandOf(m) ? {...strip(m), item: assume(m.item, why)} : m))
  }

  return live
}
