/**
 * A variable set from a command's output: `WEB_CONCURRENCY=$(script/web_concurrency)` before a
 * Procfile command, `export WEB_CONCURRENCY=$(script/web_concurrency)` in a start script. conncalc
 * never runs it. When the command is one of the app's own scripts that only prints a literal
 * (`echo 3`, `printf 3`, Ruby's `puts 3` / `print 3`), that literal is the value, sourced at the
 * script's line. Otherwise the variable is set to a value conncalc cannot know: the entry carries
 * why (EnvEntry.unknown), naming the line and the command, and readers say so instead of falling
 * back to the config's default as if the variable were unset.
 */
import type {EnvEntry} from '../model/env.js'
import type {FileReader} from '../model/files.js'

import {fromFile} from '../model/source.js'
import {joinPath} from '../util/app-path.js'
import {commandOutputWhy, hasCommandOutput, normalizePath, SHELLS, soleCommand} from '../languages/shell/shell.js'

// A script's lines that print nothing and change nothing conncalc reads.
const INERT = /^(#.*|set\s+-[a-z]+|set\s+-o\s+\w+|)$/
// The one line that prints the value: shell echo/printf, Ruby puts/print, of a literal word.
const PRINTS = /^(?:(?:echo|printf)\s+|(?:(?:\$stdout|STDOUT)\.)?(?:puts|print)[\s(]+)(["']?)([\w.:-]+)\1\s*\)?\s*;?$/

/**
 * The entry with the value the app's script prints when the script only prints a literal; when
 * the command is another program, or a script that computes its output, the entry marked unknown.
 */
export function resolveCommandOutput(entry: EnvEntry, files: FileReader, cwd = ''): EnvEntry {
  if (!hasCommandOutput(entry.value)) return entry
  const where = entry.source.kind === 'env' ? entry.source.from : 'the command line'
  const command = soleCommand(entry.value)
  const words = command?.split(/\s+/) ?? []
  const program = words[0] !== undefined && (SHELLS.has(words[0]) || words[0] === 'ruby') ? words[1] : words[0]
  const path = program === undefined ? undefined : joinPath(cwd, normalizePath(program))
  const file = path === undefined ? undefined : files.read(path)
  if (!file || path === undefined) return {...entry, unknown: commandOutputWhy(entry.name, entry.value, where)}
  const lines = file.text.split(/\r?\n/).map((l, i) => ({line: i + 1, text: l.trim()}))
  const live = lines.filter((l) => !INERT.test(l.text))
  const printed = live.length === 1 ? PRINTS.exec(live[0].text)?.[2] : undefined
  if (printed === undefined) return {...entry, unknown: commandOutputWhy(entry.name, entry.value, where, path)}
  const {unknown: _, ...rest} = entry
  return {...rest, value: printed, via: [fromFile(path, live[0].line), ...(entry.via ?? [])]}
}
