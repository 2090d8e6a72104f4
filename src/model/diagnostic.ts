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
  for (const d of ds) {
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

export type FailOn = 'error' | 'warning'
