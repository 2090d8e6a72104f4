import {capLineWarnings, type Diagnostic} from '../model/diagnostic.js'

import {redactSecrets} from '../util/redact.js'

/** One process type of a Procfile. `command` is the raw text after the colon, trimmed. */
export interface ProcfileEntry {
  command: string
  line: number // 1-based
  name: string
}

export interface ParsedProcfile {
  diagnostics: Diagnostic[]
  /** One entry per process type, in file order; a redefined type appears once, at its winning line. */
  entries: ProcfileEntry[]
}

const MAX_QUOTED = 60

/**
 * Parse a Procfile. Pure: the caller reads the file (io/files.ts, readProcfile).
 *
 * - `#` lines and blank lines are skipped; CRLF, CR-only line ends and a leading BOM are accepted.
 * - Lines that are not `type: command` are ignored, as on Heroku, with an
 *   `invalid-procfile-line` warning quoting the (redacted, shortened) text.
 * - A type defined twice: the later definition wins, as in node-foreman, which
 *   `heroku local` runs (its `procs()` assigns into an object). Ruby foreman's
 *   `Procfile#[]` would pick the first, and procfile-util rejects the file, so the
 *   warning `duplicate-process-type` says which one conncalc used.
 * - No process types at all: zero entries; the caller (runPlan) makes that an
 *   input error, since there is nothing to budget.
 */
export function parseProcfile(text: string, file = 'Procfile'): ParsedProcfile {
  const diagnostics: Diagnostic[] = []
  const byName = new Map<string, ProcfileEntry>()
  // Line breaks as Heroku's slug compiler reads them: CRLF and a lone CR are newlines
  // (heroku/codon slug.rb, which heroku/buildpacks-procfile follows: `\r\n?` → `\n`).
  // A file with no CR is split at its newlines by a string (the regular expression costs 100,000 lines more).
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text
  const lines = body.includes('\r') ? body.split(/\r\n?|\n/) : body.split('\n')

  for (let i = 0; i < lines.length; i++) {
    const line = i + 1
    const trimmed = lines[i].trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue

    const m = entryOf(trimmed)
    if (!m) {
      diagnostics.push({
        code: 'invalid-procfile-line',
        file,
        fix: 'Write each process type as `name: command`, with a name of letters, digits, `_` or `-`; start comments with `#`.',
        line,
        message: `line ignored, not "type: command": ${quote(trimmed)}`,
        severity: 'warning',
      })
      continue
    }

    const {command, name} = m
    if (command === '') {
      diagnostics.push({
        code: 'invalid-procfile-line',
        file,
        fix: `Give ${name} a command, or remove the line.`,
        line,
        message: `process type ${name} has no command; line ignored`,
        processType: name,
        severity: 'warning',
      })
      continue
    }

    const earlier = byName.get(name)
    if (earlier) {
      diagnostics.push({
        code: 'duplicate-process-type',
        file,
        fix: `Keep one definition of ${name}; Heroku tools disagree on which one runs (heroku local uses the last, foreman the first).`,
        line,
        message: `process type ${name} is defined again (first on line ${earlier.line}); conncalc uses this later definition, as heroku local does`,
        processType: name,
        severity: 'warning',
      })
      byName.delete(name) // re-insert so the entry sits at its winning position
    }

    byName.set(name, {command, line, name})
  }

  // In line order already: lines are read in order, and a redefined type is re-inserted at its later
  // line, the last one read so far (no sort: 100,000 types took 1.7 million comparisons).
  const entries = [...byName.values()]
  // A file that is mostly not a Procfile: 20 of its ignored (or repeated) lines, then one warning for the rest.
  const s = (n: number): string => (n === 1 ? '' : 's')
  const ignored = (more: number, from?: number): string => `and ${more} more line${s(more)} ignored, not "type: command" (from line ${from} on)`
  const again = (more: number, from?: number): string => `and ${more} more process type${s(more)} defined again (from line ${from} on); the last definition of each is used`
  const capped = capLineWarnings(diagnostics, (d) => d.code === 'invalid-procfile-line', ignored)
  return {diagnostics: capLineWarnings(capped, (d) => d.code === 'duplicate-process-type', again), entries}
}

/**
 * The process-type line as foreman, node-foreman (`heroku local`) and dokku's
 * procfile-util (non-strict) accept it: `^([A-Za-z0-9_-]+):\s*(.+)$`. Leading
 * whitespace is tolerated (procfile-util trims lines). What `/^([\w-]+):\s*(.*)$/` matches,
 * without a match array and its substrings per line (a 100,000-line Procfile): the name before
 * the first colon, and the command after it, trimmed. `\s*(.*)$` matches only when what follows
 * the spaces after the colon has no line terminator (`.` does not match one); `\s` and trim()
 * skip the same characters.
 */
function entryOf(line: string): undefined | {command: string; name: string} {
  const colon = line.indexOf(':')
  if (colon < 1) return undefined
  const name = line.slice(0, colon)
  if (!NAME.test(name)) return undefined
  const rest = line.slice(colon + 1).trimStart()
  return LINE_TERMINATOR.test(rest) ? undefined : {command: rest.trimEnd(), name}
}

const NAME = /^[\w-]+$/
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/

/** A line of user text made safe to print: secrets masked, length capped. */
function quote(text: string): string {
  const safe = redactSecrets(text)
  return JSON.stringify(safe.length > MAX_QUOTED ? `${safe.slice(0, MAX_QUOTED - 1)}…` : safe)
}
