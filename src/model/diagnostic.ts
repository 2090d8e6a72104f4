import {MAX_QUOTE, clipQuotes} from '../util/clip.js'

export type Severity = 'error' | 'info' | 'warning'

/**
 * A finding about the user's setup. Never thrown; sorted and rendered as
 * `file:line: message [code]`. `code` equals the rule module's file name.
 */
export interface Diagnostic {
  code: string
  file?: string
  fix?: string
  line?: number
  message: string
  processType?: string
  severity: Severity
}

const rank: Record<Severity, number> = {error: 0, info: 2, warning: 1}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      rank[a.severity] - rank[b.severity] ||
      (a.file ?? '~').localeCompare(b.file ?? '~') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  )
}

/**
 * Drop repeats: the same finding reached from two process types (database.yml is
 * read once per type) is one finding about the file, so it loses its process type.
 */
export function dedupeDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const kept = new Map<string, Diagnostic>()
  for (const found of ds) {
    const d = found.message.length > MAX_QUOTE || (found.fix?.length ?? 0) > MAX_QUOTE || (found.file?.length ?? 0) > MAX_QUOTE ? clipped(found) : found
    const key = JSON.stringify([d.severity, d.code, d.file, d.line, d.message])
    const first = kept.get(key)
    if (!first) kept.set(key, d)
    else if (first.processType !== d.processType && first.processType !== undefined) {
      const {processType: _dropped, ...rest} = first
      kept.set(key, rest)
    }
  }

  return [...kept.values()]
}

/** The same finding with over-long quotes, and an over-long file name, shortened (see clipQuotes). */
function clipped(d: Diagnostic): Diagnostic {
  return {
    ...d,
    ...(d.file === undefined ? {} : {file: clipQuotes(d.file)}),
    message: clipQuotes(d.message),
    ...(d.fix === undefined ? {} : {fix: clipQuotes(d.fix)}),
  }
}

/** Lines of a file that may each get their own warning before the rest are summed up in one. */
export const MAX_LINE_WARNINGS = 20

/**
 * A file that is mostly not what it should be (150,000 junk lines in a Procfile, a binary as
 * an env file) would print one warning per line: the first MAX_LINE_WARNINGS of those `picked`
 * stay, the rest become one warning at the first left out, worded by `rest(count, line)`.
 */
export function capLineWarnings(ds: Diagnostic[], picked: (d: Diagnostic) => boolean, rest: (more: number, fromLine: number | undefined) => string): Diagnostic[] {
  let seen = 0
  let summary: Diagnostic | undefined
  const out: Diagnostic[] = []
  for (const d of ds) {
    if (!picked(d) || ++seen <= MAX_LINE_WARNINGS) out.push(d)
    else summary ??= d
  }

  if (!summary) return ds
  const {processType: _one, ...at} = summary
  out.push({...at, message: rest(seen - MAX_LINE_WARNINGS, summary.line)})
  return out
}

export type FailOn = 'error' | 'warning'
