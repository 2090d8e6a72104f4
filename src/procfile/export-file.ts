/**
 * `export $(cat .env | xargs)`, `export $(grep -v '^#' .env | xargs)`, `export $(xargs < .env)`: a start
 * script exporting the `KEY=value` lines of a file the app ships. bash runs the pipeline, splits its output
 * into words (unquoted command substitution, bash manual "Word Splitting") and `export` gets each word, so
 * the words are what the file's text gives through these stages, read here without running anything:
 * - `cat F`, `grep [-v] [-E] PATTERN [F]` (lines matching, or with -v not matching; -E extended syntax),
 *   `< F` on a stage;
 * - `xargs` (GNU findutils: items split at blanks and newlines, single and double quotes and a backslash
 *   protect them, and quotes are removed; the default command, echo, prints them joined by spaces) or
 *   `xargs -d '\n'` (each line one item, nothing removed).
 * Any other stage (sed, tr, awk, a script) is not read: the caller says so.
 */
import type {FileReader} from '../model/files.js'

import {joinPath} from '../util/app-path.js'
import {normalizePath} from '../languages/shell/shell.js'

/** One stage of the pipeline: its words (already expanded) and the file a `<` gives it. */
export interface Stage {
  argv: string[]
  input?: string
}

/** A word `export` gets, with the file line it came from. */
export interface ExportWord {
  line: number
  word: string
}

export type ExportedWords = {file: string; kind: 'read'; words: ExportWord[]} | {kind: 'missing'; file: string} | {kind: 'unread'; why: string}

/** The words `export $(stages…)` gets, when the pipeline is one of the shapes above and its file is in the repo. */
export function exportedWords(stages: Stage[], files: FileReader, cwd: string): ExportedWords {
  const [head, ...rest] = stages
  if (!head) return {kind: 'unread', why: 'an empty command'}
  // The file and the stage that reads it first: `cat F`, `grep … F`, or any stage's `< F`.
  const lead = readsFile(head)
  if (!lead) return {kind: 'unread', why: `\`${head.argv.join(' ')}\` is not a file read here`}
  const path = joinPath(cwd, normalizePath(lead.file))
  const file = path === undefined ? undefined : files.read(path)
  if (!file || path === undefined) return {file: lead.file, kind: 'missing'}
  // Lines with the file line each came from (a trailing newline ends the last line, it does not start one).
  let lines = file.text.replace(/\n$/, '').split('\n').map((text, i) => ({line: i + 1, text: text.replace(/\r$/, '')}))
  let items: ExportWord[] | undefined
  for (const stage of [lead.filter ? {argv: lead.filter} : undefined, ...rest].filter((s) => s !== undefined)) {
    const name = stage.argv[0]
    if (items) return {kind: 'unread', why: `\`${stage.argv.join(' ')}\` after xargs is not read`}
    if (name === 'grep') {
      const keep = grepFilter(stage.argv.slice(1))
      if (!keep) return {kind: 'unread', why: `\`${stage.argv.join(' ')}\` is not read`}
      lines = lines.filter((l) => keep(l.text))
    } else if (name === 'cat' && stage.argv.length === 1) {
      // `… | cat` passes its input through.
    } else if (name === 'xargs') {
      const opts = stage.argv.slice(1)
      if (opts.length === 0) items = xargsItems(lines)
      else if (opts.length === 2 && opts[0] === '-d' && opts[1] === String.raw`\n`) items = lines.filter((l) => l.text !== '').map((l) => ({line: l.line, word: l.text}))
      else if (opts.length === 1 && opts[0] === String.raw`-d\n`) items = lines.filter((l) => l.text !== '').map((l) => ({line: l.line, word: l.text}))
      else return {kind: 'unread', why: `\`${stage.argv.join(' ')}\` is not read`}
      if (!items) return {kind: 'unread', why: `${lead.file} has a quote xargs finds unmatched`}
    } else {
      return {kind: 'unread', why: `\`${stage.argv.join(' ')}\` is not read`}
    }
  }

  // The output is split into words at blanks and newlines (the substitution is not quoted); xargs's items too.
  const words = (items ?? lines.map((l) => ({line: l.line, word: l.text}))).flatMap((it) => it.word.split(/[\t\n ]+/).filter(Boolean).map((word) => ({line: it.line, word})))
  return {file: path, kind: 'read', words}
}

/** The file the first stage reads and, when it filters as it reads (`grep -v '^#' F`), the filter as a stage of its own. */
function readsFile(stage: Stage): {file: string; filter?: string[]} | undefined {
  const [name, ...args] = stage.argv
  if (stage.input !== undefined) return {file: stage.input, filter: name === 'cat' && args.length === 0 ? undefined : stage.argv}
  if (name === 'cat' && args.length === 1 && !args[0].startsWith('-')) return {file: args[0]}
  if (name === 'grep') {
    // The last word is the file when grep has its pattern before it.
    const operands = operandsOfGrep(args)
    if (operands && operands.files.length === 1 && args.at(-1) === operands.files[0]) return {file: operands.files[0], filter: ['grep', ...args.slice(0, -1)]}
  }

  return undefined
}

/** grep's options (-v, -E, -e P) and operands: the pattern (unless -e gave it) and the files. */
function operandsOfGrep(args: string[]): {extended: boolean; files: string[]; invert: boolean; pattern: string} | undefined {
  let invert = false
  let extended = false
  let pattern: string | undefined
  const operands: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-e') {
      if (pattern !== undefined || args[i + 1] === undefined) return undefined
      pattern = args[++i]
    } else if (/^-[vE]+$/.test(a)) {
      invert ||= a.includes('v')
      extended ||= a.includes('E')
    } else if (a.startsWith('-') && a !== '-') {
      return undefined
    } else operands.push(a)
  }

  if (pattern === undefined) pattern = operands.shift()
  if (pattern === undefined) return undefined
  return {extended, files: operands, invert, pattern}
}

/** A grep stage (no file) as a test of each line; undefined for options or a pattern not read here. */
function grepFilter(args: string[]): ((line: string) => boolean) | undefined {
  const o = operandsOfGrep(args)
  if (!o || o.files.length > 0) return undefined
  const re = posixRegExp(o.pattern, o.extended)
  if (!re) return undefined
  return (line) => re.test(line) !== o.invert
}

/** A POSIX basic (or with `extended`, extended) regular expression as JavaScript's, for the shapes dotenv filters use. */
function posixRegExp(pattern: string, extended: boolean): RegExp | undefined {
  const classes: Record<string, string> = {alnum: String.raw`\dA-Za-z`, alpha: 'A-Za-z', blank: String.raw` \t`, digit: String.raw`\d`, lower: 'a-z', space: String.raw`\s`, upper: 'A-Z'}
  let source = pattern.replaceAll(/\[:(\w+):\]/g, (m, c: string) => classes[c] ?? m)
  if (source.includes('[:')) return undefined
  if (!extended) {
    // BRE: `\(` `\)` `\|` `\{` `\}` `\+` `\?` are the operators (GNU), the bare characters are literal.
    source = source.replaceAll(/\\([(){}|+?])|([(){}|+?])/g, (_, op: string | undefined, lit: string | undefined) => (op ?? `\\${lit}`))
  }

  try {
    return new RegExp(source)
  } catch {
    return undefined
  }
}

/**
 * GNU xargs's items from its input (findutils xargs.c read_line): blanks and newlines separate them, `'…'`
 * and `"…"` (not across a newline) and a backslash protect what they hold, and are removed. Undefined when
 * a quote is not closed on its line (xargs stops: "unmatched single quote").
 */
function xargsItems(lines: {line: number; text: string}[]): ExportWord[] | undefined {
  const items: ExportWord[] = []
  for (const {line, text} of lines) {
    let cur = ''
    let has = false
    for (let i = 0; i < text.length; i++) {
      const c = text[i]
      if (c === ' ' || c === '\t') {
        if (has) items.push({line, word: cur})
        cur = ''
        has = false
      } else if (c === "'" || c === '"') {
        const end = text.indexOf(c, i + 1)
        if (end === -1) return undefined
        cur += text.slice(i + 1, end)
        has = true
        i = end
      } else if (c === '\\') {
        cur += text[i + 1] ?? ''
        has = true
        i++
      } else {
        cur += c
        has = true
      }
    }

    if (has) items.push({line, word: cur})
  }

  return items
}
