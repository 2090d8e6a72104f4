import type {Report} from '../model/report.js'

import {toJson} from './json.js'
import {redactSecrets} from '../util/redact.js'
import {escapeControls, escapeStrings, hasControls} from '../util/control-characters.js'
import {renderGithub} from './github.js'
import {renderMarkdown} from './markdown.js'
import {renderSvg} from './svg.js'
import {renderTable} from './table.js'
import type {Colours} from './colours.js'

export const FORMATS = ['table', 'markdown', 'json', 'github', 'svg'] as const
export type Format = (typeof FORMATS)[number]

export interface RenderOptions {
  chalk: Colours
  command?: string
  explain: boolean
  /** The Procfile read (or the config file listing the apps). */
  title: string
  /** The terminal's width, for the table view; none when standard output is not a terminal. */
  width?: number
}

/** The JSON report as `--json` prints it (two-space indent), with secrets redacted. */
export const jsonText = (data: unknown): string => redactSecrets(JSON.stringify(data, null, 2), true) + '\n'

/**
 * The report as the human views read it: every string's control characters escaped (a copy),
 * or the report itself when no string has one. Each process type's model is reached twice, from
 * `app.processes` and from its budget row: it is checked once (half the walk of a large report).
 */
export function escapeReport(report: Report): Report {
  const rows = report.budget.processTypes
  const models = report.app.processes
  // Nearly always the rows are the models, in order: then no Set of them is needed.
  const inOrder = rows.length === models.length && rows.every((p, i) => p.model === models[i])
  const budgeted = inOrder ? undefined : new Set(rows.map((p) => p.model))
  const unbudgeted = budgeted ? models.filter((m) => !budgeted.has(m)) : []
  return hasControls({...report, app: {...report.app, processes: unbudgeted}}) ? escapeStrings(report) : report
}

/**
 * One report in one of the --format views. Pure. The human views get the report
 * with every string's control characters escaped (JSON escapes its own).
 */
export function renderReport(input: Report, format: Format, given: RenderOptions): string {
  const report = format === 'json' ? input : escapeReport(input)
  const options = {...given, command: given.command === undefined ? undefined : escapeControls(given.command), title: escapeControls(given.title)}
  switch (format) {
    case 'github': {
      return renderGithub(report)
    }

    case 'json': {
      return jsonText(toJson(report))
    }

    case 'markdown': {
      return renderMarkdown(report, {procfile: options.title})
    }

    case 'svg': {
      return renderSvg(report, {title: options.title})
    }

    case 'table': {
      return renderTable(report, {chalk: options.chalk, command: options.command, explain: options.explain, procfile: options.title, width: options.width})
    }
  }
}
