import type {Report} from '../model/report.js'
import type {Diagnostic} from '../model/diagnostic.js'
import {redactSecrets} from '../util/redact.js'
import {escapeControls} from '../util/control-characters.js'
import {budgetSegments, deployOnlyLegend, deployText, platformUnit, rangeNotes, unitWords} from './segments.js'
import {ASSUMPTION_LEGEND, diagnosticsShown, hasAssumptions, limitText, moreText, row, rowHeader} from './table.js'
import {percent} from './text.js'
import {append} from '../util/arrays.js'

export interface MarkdownOptions {
  /** Heading level of the title (2 = `##`); the README section uses 3. */
  level?: number
  /** The Procfile (or config file) read, as the reader should see it. */
  procfile: string
}

/** Text safe inside a table cell or list item: no pipes, no stray markup, one line. */
export function mdText(s: string): string {
  return escapeControls(s.replaceAll(/\r?\n/g, ' ')).replaceAll('\\', '\\\\').replaceAll(/([|*_`<>[\]])/g, '\\$1')
}

const code = (s: string): string => {
  const ticks = s.includes('`') ? '``' : '`'
  return `${ticks}${ticks.length > 1 ? ' ' : ''}${escapeControls(s.replaceAll(/\r?\n/g, ' '))}${ticks.length > 1 ? ' ' : ''}${ticks}`
}

const STATUS: Record<string, string> = {ok: 'ok', over: '**over the limit**', unknown: 'no limit given', warning: '**warning**'}

/**
 * The report as markdown, for a pull-request comment or a README: a table of
 * process types and a list of totals, diagnostics and suggestions. Pure and
 * deterministic (no dates, stable order).
 */
export function renderMarkdown(report: Report, options: MarkdownOptions): string {
  const b = report.budget
  const h = '#'.repeat(options.level ?? 2)
  const out: string[] = []
  const headline =
    b.limit === null ? `${b.total} connections` : `${b.total} of ${b.limit} connections (${percent(b.utilization ?? 0)}), ${STATUS[b.status].replaceAll('*', '')}`
  out.push(`${h} conncalc: ${headline}`, '', `${code(options.procfile)} · ${mdText(limitText(report))}`, '')

  const multi = b.processTypes.some((p) => p.model.app)
  const header = rowHeader(multi)
  const align = header.map((_, i) => (i < (multi ? 3 : 2) ? '---' : '--:'))
  const unit = platformUnit(report)
  out.push(`| ${header.map((h) => unitWords(h, unit)).join(' | ')} |`, `| ${align.join(' | ')} |`)
  // The table's own cells: the `*` on an assumed number survives (escaped, so it is not emphasis).
  for (const p of b.processTypes) out.push(`| ${row(p, multi).map(mdText).join(' | ')} |`)

  out.push('')
  const list: string[] = []
  if (b.limit === null) {
    list.push(`**total**: ${b.total} connections${b.reserve > 0 ? ` (incl. ${b.reserve} reserved)` : ''}`)
    if (report.smallestFittingPlan) list.push(`**smallest plan that fits**: ${mdText(report.smallestFittingPlan.name)} (limit ${report.smallestFittingPlan.limit})`)
  } else {
    list.push(`**total**: ${b.total} of ${b.limit}${b.reserve > 0 ? ` (incl. ${b.reserve} reserved)` : ''}, ${percent(b.utilization ?? 0)}: ${STATUS[b.status]}`)
    const parts = budgetSegments(report).map((s) => `${mdText(s.label)} ${s.value} (${percent(s.value / b.limit!)})`)
    if (parts.length > 0) list.push(`**by type**: ${parts.join(', ')}`)
    list.push(`**headroom**: ${b.limit - b.total}`)
  }

  list.push(`**deploy peak**: ${mdText(deployText(report).replace(/^deploy peak /, ''))}`)
  list.push(`**ceiling**: ${b.ceiling} (if every pool fills)`)
  for (const note of rangeNotes(report)) list.push(mdText(note))
  const legend = deployOnlyLegend(report)
  if (legend) list.push(legend)
  if (hasAssumptions(report)) list.push(mdText(ASSUMPTION_LEGEND))
  append(out, list.map((l) => `- ${l}`))

  if (report.suggestions?.needed) {
    out.push('', `${h}# What would make it fit`, '')
    if (report.suggestions.items.length === 0) out.push('- no single change found')
    for (const s of report.suggestions.items) {
      out.push(`- ${mdText(s.summary)}: ${s.total} of ${s.limit} (${percent(s.utilization)}), deploy peak ${s.deployPeak}. ${mdText(s.how)}`)
    }
  }

  if (report.diagnostics.length > 0) {
    out.push('', `${h}# Diagnostics`, '')
    const {more, shown} = diagnosticsShown(report.diagnostics)
    append(out, shown.map((d) => `- ${diagnosticItem(d)}`))
    for (const m of more) out.push(`- **${m.severity}** ${mdText(moreText(m.count))} ${code(m.code)}`)
  }

  return redactSecrets(`${out.join('\n')}\n`)
}

function diagnosticItem(d: Diagnostic): string {
  const where = d.file ? `${code(`${d.file}${d.line ? `:${d.line}` : ''}`)}: ` : ''
  return `**${d.severity}** ${where}${mdInline(d.message)} ${code(d.code)}${d.fix ? `<br>fix: ${mdInline(d.fix)}` : ''}`
}

/** Text whose `backquoted` parts are code (as diagnostics write commands and keys): those stay code spans. */
export function mdInline(s: string): string {
  return s
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : mdText(part)))
    .join('')
}
