import type {Report} from '../model/report.js'
import type {Diagnostic} from '../model/diagnostic.js'
import {redactSecrets} from '../util/redact.js'
import {escapeControls} from '../util/control-characters.js'
import {percent} from './text.js'

/** GitHub workflow command data: `%`, CR and LF escaped (actions/toolkit `escapeData`). */
export const escapeData = (s: string): string => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')

/** A workflow command property value: also `:` and `,` (actions/toolkit `escapeProperty`). */
export const escapeProperty = (s: string): string => escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C')

const COMMAND = {error: 'error', info: 'notice', warning: 'warning'} as const

/** Where a diagnostic's file is, relative to the working directory (the repository root in Actions). */
export function workspacePath(report: Report, file: string): string {
  const files = report.files
  if (!files || files.root === '' || files.root === '.' || files.cwd.includes(file)) return file
  return `${files.root.replace(/\/$/, '')}/${file}`
}

/** One `::error file=…,line=…,title=…::message` line per diagnostic. */
export function workflowCommands(report: Report): string[] {
  return report.diagnostics.map((d) => command(report, d))
}

function command(report: Report, d: Diagnostic): string {
  const props: string[] = []
  // Input's own control characters are shown as escapes; then the toolkit's escaping.
  if (d.file) props.push(`file=${escapeProperty(escapeControls(workspacePath(report, d.file)))}`)
  if (d.file && d.line) props.push(`line=${d.line}`)
  props.push(`title=${escapeProperty(`conncalc ${d.code}`)}`)
  const text = redactSecrets(d.fix ? `${escapeControls(d.message)}\nfix: ${escapeControls(d.fix)}` : escapeControls(d.message))
  return `::${COMMAND[d.severity]} ${props.join(',')}::${escapeData(text)}`
}

/** `--format github`: the workflow commands, then one notice with the total. */
export function renderGithub(report: Report): string {
  const b = report.budget
  const summary =
    b.limit === null
      ? `${b.total} connections (no plan or --limit given); deploy peak ${b.deployPeak}`
      : `${b.total} of ${b.limit} connections (${percent(b.utilization ?? 0)}), ${b.status}; deploy peak ${b.deployPeak}`
  return [...workflowCommands(report), `::notice title=conncalc::${escapeData(summary)}`].join('\n') + '\n'
}
