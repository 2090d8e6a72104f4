import type {LiveAge, LiveComparison, LiveGroup, LiveReport} from '../model/live.js'
import type {PlanLiveResult} from '../model/report.js'
import type {ChalkInstance} from 'chalk'

import {serverLimitFor} from '../live/live-report.js'
import {describeSourced} from '../model/source.js'
import {formatSeconds} from '../util/duration.js'
import {redactSecrets} from '../util/redact.js'
import {escapeStrings} from '../util/control-characters.js'
import {renderDiagnostics, renderTable} from './table.js'
import {bar, columns, percent} from './text.js'
import {fitLines} from './wrap.js'
import {append, joinSome} from '../util/arrays.js'

const STATE_ORDER = ['active', 'idle', 'idle in transaction', 'idle in transaction (aborted)']

/** The states that occur, in a stable order (known ones first). */
export function stateColumns(groups: {states: Record<string, number>}[]): string[] {
  const seen = new Set(groups.flatMap((g) => Object.keys(g.states)))
  const known = STATE_ORDER.filter((s) => seen.has(s))
  return [...known, ...[...seen].filter((s) => !STATE_ORDER.includes(s)).sort()]
}

/** Groups (application names, users, addresses) listed one by one; the rest are one line (all of them are in --json). */
export const MAX_GROUPS_SHOWN = 20

export function groupTable(title: string, groups: LiveGroup[], blank: string): string[] {
  if (groups.length === 0) return [`${title}: none`]
  // Groups come largest first: a server with 100,000 sessions of distinct names gets 20 lines, not 100,000.
  const shown = groups.slice(0, MAX_GROUPS_SHOWN)
  const states = stateColumns(shown)
  const rows = [
    [title, 'connections', ...states],
    ...shown.map((g) => [g.name === null ? '(hidden)' : g.name === '' ? blank : g.name, String(g.count), ...states.map((s) => String(g.states[s] ?? 0))]),
  ]
  const out = columns(rows, (i) => i >= 1)
  const rest = groups.slice(MAX_GROUPS_SHOWN)
  if (rest.length > 0) out.push(`… ${rest.length} more, holding ${rest.reduce((n, g) => n + g.count, 0)} (--json lists every one)`)
  return out
}

const age = (a: LiveAge | null): string =>
  a === null ? 'none' : `${formatSeconds(a.seconds)} (${a.applicationName || 'no application_name'}, pid ${a.pid})`

/** The live part shared by `conncalc live` and `plan --live`. */
export function renderLiveSummary(r: LiveReport, c: ChalkInstance): string[] {
  const s = r.snapshot
  const out: string[] = []
  out.push(`${c.bold('conncalc live')} ${s.url} · PostgreSQL ${s.serverVersion} · role ${s.role.name}${s.role.superuser ? ' (superuser)' : ''}`)
  out.push(`SSL: ${s.ssl.note}`)
  out.push(`limit ${r.limit.value}: ${describeSourced(r.limit)}`)
  const server = serverLimitFor(s)
  const byRole = r.limitBy === 'role'
  if (byRole) out.push(`the server allows ${server.value} to this role: ${server.detail}`)
  else if (s.role.connectionLimit !== null) out.push(`role ${s.role.name} may open ${s.role.connectionLimit} (rolconnlimit)`)
  const status = {ok: c.green('ok'), over: c.red.bold('FULL'), unknown: 'unknown', warning: c.yellow('warning')}[r.status]
  const used = byRole ? r.usedByRole : r.used
  out.push(
    '',
    `${c.bold('used')} ${used} of ${r.limit.value}${byRole ? ` by role ${s.role.name} (${r.used} on the server)` : ''}  ${bar(c, r.utilization, 30, r.options.warnAt)} ${percent(r.utilization)}  ${status}   available ${r.available}`,
    c.dim("conncalc's own session is not counted"),
    '',
  )
  return out
}

export function renderLive(input: LiveReport, c: ChalkInstance, width?: number): string {
  // What the server sent (application_name, server_version, …) with its control characters escaped.
  const r = escapeStrings(input)
  const out = renderLiveSummary(r, c)
  append(out, [...dimHeader(groupTable('application_name', r.byApplication, '(not set)'), c), ''])
  append(out, [...dimHeader(groupTable('user', r.byUser, '(not set)'), c), ''])
  append(out, [...dimHeader(groupTable('client address', r.byClient, '(none)'), c), ''])
  out.push(`oldest idle: ${age(r.oldestIdle)}`, `longest idle in transaction: ${age(r.longestIdleInTransaction)}`)
  if (r.diagnostics.length > 0) append(out, ['', ...renderDiagnostics(r.diagnostics, c)])
  return redactSecrets(fitLines(out, width).join('\n')) + '\n'
}

/** `plan --live`: planned beside live, per process type. */
export function renderComparison(cmp: LiveComparison, c: ChalkInstance): string[] {
  const rows = [
    ['type', 'planned', 'ceiling', 'live', 'seen as'],
    ...cmp.processTypes.map((p) => [p.name, String(p.planned), String(p.ceiling), p.live > p.ceiling ? c.yellow(String(p.live)) : String(p.live), joinSome(p.seenAs, ' ') || '-']),
  ]
  const out = dimHeader(columns(rows, (i) => i >= 1 && i <= 3), c)
  for (const g of cmp.oneOff.slice(0, MAX_GROUPS_SHOWN)) out.push(`one-off dyno ${g.name}: ${g.count}`)
  const moreOneOff = cmp.oneOff.slice(MAX_GROUPS_SHOWN)
  if (moreOneOff.length > 0) out.push(`… ${moreOneOff.length} more one-off dynos, holding ${moreOneOff.reduce((n, g) => n + g.count, 0)}`)
  const other = cmp.unattributed.reduce((n, g) => n + g.count, 0)
  if (other > 0) {
    const names = joinSome(cmp.unattributed.map((g) => `${g.name === '' || g.name === null ? '(no application_name)' : g.name} ${g.count}`), ', ')
    out.push(`not matched to a process type: ${other} (${names})`)
  }

  return out
}

function dimHeader(lines: string[], c: ChalkInstance): string[] {
  return lines.length > 1 ? [c.dim(lines[0]), ...lines.slice(1)] : lines
}

/** `plan --live`: the plan's table, the live summary, planned beside live, then every diagnostic. */
export function renderPlanLive(input: PlanLiveResult, options: {chalk: ChalkInstance; explain: boolean; width?: number}): string {
  const r = escapeStrings(input)
  const c = options.chalk
  const table = renderTable({...r.report, diagnostics: []}, {chalk: c, explain: options.explain, procfile: r.procfile, width: options.width})
  const out = [table.trimEnd(), '', ...renderLiveSummary(r.live, c), ...renderComparison(r.comparison, c)]
  if (r.report.diagnostics.length > 0) append(out, ['', ...renderDiagnostics(r.report.diagnostics, c)])
  return redactSecrets(fitLines(out, options.width).join('\n')) + '\n'
}
