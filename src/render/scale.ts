import type {ScaleChange, ScaleResult} from '../model/scale.js'

import type {Format} from './format.js'
import {toJson} from './json.js'
import {jsonText, renderReport} from './format.js'
import {mdText, renderMarkdown} from './markdown.js'
import {renderDiagnostics, renderTotals, limitText} from './table.js'
import {columns, percent} from './text.js'
import {escapeStrings} from '../util/control-characters.js'
import {fitLines} from './wrap.js'
import {append} from '../util/arrays.js'
import type {Colours} from './colours.js'

const signed = (n: number): string => (n > 0 ? `+${n}` : `${n}`)
const arrow = (a: number | string, b: number | string): string => (a === b ? `${a}` : `${a} → ${b}`)

function dynos(c: ScaleChange): string {
  const size = (s: null | string) => (s ? `:${s}` : '')
  return arrow(`${c.dynosBefore}${size(c.sizeBefore)}`, `${c.dynosAfter}${size(c.sizeAfter)}`)
}

const statusWord = (s: string): string => ({ok: 'ok', over: 'OVER LIMIT', unknown: '', warning: 'warning'})[s] ?? s

/** JSON of `conncalc scale`: both reports and the change per type. */
export function scaleJson(result: ScaleResult) {
  return {after: toJson(result.after.report), before: toJson(result.before.report), changes: result.changes}
}

/** The terminal view: the change per type, before and after totals, the after bar and diagnostics. */
export function renderScaleTable(result: ScaleResult, c: Colours, width?: number): string {
  const {after, before} = result
  const a = after.report.budget
  const b = before.report.budget
  const multi = result.changes.some((x) => x.app !== null)
  const rows = result.changes.map((x) => [
    ...(multi ? [x.app ?? ''] : []),
    x.processType,
    dynos(x),
    x.role === 'long-running' ? arrow(x.connectionsBefore, x.connectionsAfter) : `(${x.connectionsAfter})`,
    x.role === 'long-running' && x.delta !== 0 ? signed(x.delta) : '',
  ])
  const header = [...(multi ? ['app'] : []), 'type', 'dynos', 'connections', 'change']
  const lines = columns([header, ...rows], (i) => i >= (multi ? 3 : 2))
  const out = [`${c.bold('conncalc scale')} ${after.title} · ${limitText(after.report)}`, '', c.dim(lines[0]), ...lines.slice(1), '']
  const of = (x: typeof a) => [`${x.total}${x.limit === null ? '' : ` of ${x.limit}`}`, x.limit === null ? '' : percent(x.utilization ?? 0), statusWord(x.status), `deploy peak ${x.deployPeak}`]
  const totals = columns([['before', ...of(b)], ['after', ...of(a), `(${signed(a.total - b.total)})`]], (i) => i === 2)
  out.push(`${c.bold('total')} ${totals[0]}`, `${c.bold('total')} ${totals[1]}`, '')
  append(out, renderTotals(after.report, c, {totalLine: false}))
  if (after.report.diagnostics.length > 0) append(out, ['', ...renderDiagnostics(after.report.diagnostics, c)])
  return fitLines(out, width).join('\n') + '\n'
}

/** Markdown: the change per type, then the new formation's report. */
export function renderScaleMarkdown(result: ScaleResult): string {
  const multi = result.changes.some((x) => x.app !== null)
  const header = [...(multi ? ['app'] : []), 'type', 'dynos', 'connections', 'change']
  const lines = [
    `## conncalc scale: ${result.before.report.budget.total} → ${result.after.report.budget.total} connections`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < (multi ? 2 : 1) ? '---' : '--:')).join(' | ')} |`,
    ...result.changes.map(
      (x) =>
        `| ${[...(multi ? [mdText(x.app ?? '')] : []), mdText(x.processType), dynos(x), x.role === 'long-running' ? arrow(x.connectionsBefore, x.connectionsAfter) : `(${x.connectionsAfter})`, x.role === 'long-running' ? signed(x.delta) : ''].join(' | ')} |`,
    ),
    '',
  ]
  return lines.join('\n') + renderMarkdown(result.after.report, {level: 3, procfile: result.after.title})
}

export function renderScale(input: ScaleResult, format: Format, options: {chalk: Colours; explain: boolean; width?: number}): string {
  if (format === 'json') return jsonText(scaleJson(input))
  // Human views: every string from input with its control characters escaped.
  const result = escapeStrings(input)
  switch (format) {
    case 'markdown': {
      return renderScaleMarkdown(result)
    }

    case 'table': {
      return renderScaleTable(result, options.chalk, options.width)
    }

    default: {
      // github annotations and the svg chart are about the new formation.
      return renderReport(result.after.report, format, {...options, command: 'scale', title: result.after.title})
    }
  }
}
