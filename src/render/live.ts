import type {LiveAge, LiveComparison, LiveGroup, LiveReport} from '../model/live.js'
import type {PlanLiveResult} from '../model/report.js'

import {serverLimitFor} from '../live/live-report.js'
import {describeSourced} from '../model/source.js'
import {formatSeconds} from '../util/duration.js'
import {redactSecrets} from '../util/redact.js'
import {escapeStrings} from '../util/control-characters.js'
import {renderDiagnostics, renderTable} from './table.js'
import {bar, columns, percent} from './text.js'
import {fitLines, layoutWidth, visibleLength} from './wrap.js'
import {maxOf} from '../util/numbers.js'
import {append, joinSome} from '../util/arrays.js'
import type {Colours} from './colours.js'

const STATE_ORDER = ['active', 'idle', 'idle in transaction', 'idle in transaction (aborted)']

/** The states that occur, in a stable order (known ones first). */
export function stateColumns(groups: {states: Record<string, number>}[]): string[] {
  const seen = new Set(groups.flatMap((g) => Object.keys(g.states)))
  const known = STATE_ORDER.filter((s) => seen.has(s))
  return [...known, ...[...seen].filter((s) => !STATE_ORDER.includes(s)).sort()]
}

/** Groups (application names, users, addresses) listed one by one; the rest are one line (all of them are in --json). */
export const MAX_GROUPS_SHOWN = 20

/** Shorter column names for a narrow terminal, and what each stands for (as the plan table does). */
const SHORT_STATES: Record<string, string> = {active: 'act', connections: 'conns', idle: 'idle', 'idle in transaction': 'idle tx', 'idle in transaction (aborted)': 'idle tx!', unknown: '?'}
/** A name column is never shortened below this many characters. */
const MIN_NAME = 8

/**
 * Connections per name and state. Too wide for `width`, the counts take short names with a key
 * under the table, then the names are shortened (never a number), so each row stays one line.
 */
export function groupTable(title: string, groups: LiveGroup[], blank: string, width?: number): string[] {
  if (groups.length === 0) return [`${title}: none`]
  // Groups come largest first: a server with 100,000 sessions of distinct names gets 20 lines, not 100,000.
  const shown = groups.slice(0, MAX_GROUPS_SHOWN)
  const states = stateColumns(shown)
  const names = shown.map((g) => (g.name === null ? '(hidden)' : g.name === '' ? blank : g.name))
  const layout = (header: string[], cut = Number.POSITIVE_INFINITY): string[] =>
    columns([header, ...shown.map((g, k) => [names[k].length > cut ? `${names[k].slice(0, cut - 1)}…` : names[k], String(g.count), ...states.map((s) => String(g.states[s] ?? 0))])], (i) => i >= 1)
  const full = [title, 'connections', ...states]
  let out = layout(full)
  const widest = (lines: string[]): number => maxOf(lines.map((l) => visibleLength(l)), 0)
  if (width !== undefined && widest(out) > width) {
    const short = full.map((h, i) => (i === 0 ? h : (SHORT_STATES[h] ?? h)))
    out = layout(short)
    const over = widest(out) - width
    const longest = maxOf(names.map((n) => n.length), 0)
    if (over > 0) out = layout(short, Math.max(MIN_NAME, longest - over))
    const key = short.map((h, i) => (h === full[i] ? '' : `${h} = ${full[i]}`)).filter(Boolean)
    if (key.length > 0) out.push(key.join('  '))
  }

  const rest = groups.slice(MAX_GROUPS_SHOWN)
  if (rest.length > 0) out.push(`… ${rest.length} more, holding ${rest.reduce((n, g) => n + g.count, 0)} (--json lists every one)`)
  return out
}

const age = (a: LiveAge | null): string =>
  a === null ? 'none' : `${formatSeconds(a.seconds)} (${a.applicationName || 'no application_name'}, pid ${a.pid})`

/** The live part shared by `conncalc live` and `plan --live`. */
export function renderLiveSummary(r: LiveReport, c: Colours): string[] {
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

export function renderLive(input: LiveReport, c: Colours, width?: number): string {
  // What the server sent (application_name, server_version, …) with its control characters escaped.
  const r = escapeStrings(input)
  const out = renderLiveSummary(r, c)
  const w = layoutWidth(width)
  append(out, [...dimHeader(groupTable('application_name', r.byApplication, '(not set)', w), c), ''])
  append(out, [...dimHeader(groupTable('user', r.byUser, '(not set)', w), c), ''])
  append(out, [...dimHeader(groupTable('client address', r.byClient, '(none)', w), c), ''])
  out.push(`oldest idle: ${age(r.oldestIdle)}`, `longest idle in transaction: ${age(r.longestIdleInTransaction)}`)
  if (r.diagnostics.length > 0) append(out, ['', ...renderDiagnostics(r.diagnostics, c)])
  return redactSecrets(`${fitLines(out, width).join('\n')}\n`)
}

/** `plan --live`: planned beside live, per process type. */
export function renderComparison(cmp: LiveComparison, c: Colours, width?: number): string[] {
  const head = [['type', 'planned', 'ceiling', 'live'], ...cmp.processTypes.map((p) => [p.name, String(p.planned), String(p.ceiling), p.live > p.ceiling ? c.yellow(String(p.live)) : String(p.live)])]
  // "seen as" takes what is left of the line: as many dyno names as fit, then "+N more".
  const room = width === undefined ? undefined : width - maxOf(columns(head, () => true).map((l) => visibleLength(l)), 0) - 2
  const rows = head.map((row, k) => [...row, k === 0 ? 'seen as' : namesIn(cmp.processTypes[k - 1].seenAs, room) || '-'])
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

/** Names separated by spaces within `room` characters (at least one name), then "+N more"; 10 at most without a room. */
function namesIn(names: string[], room: number | undefined): string {
  if (room === undefined) return joinSome(names, ' ')
  let shown = 0
  let used = 0
  for (const n of names) {
    const more = names.length - shown - 1 > 0 ? ` +${names.length - shown - 1} more`.length : 0
    if (shown > 0 && used + 1 + n.length + more > room) break
    used += (shown > 0 ? 1 : 0) + n.length
    shown++
  }

  return shown === names.length ? names.join(' ') : `${names.slice(0, shown).join(' ')} +${names.length - shown} more`
}

function dimHeader(lines: string[], c: Colours): string[] {
  return lines.length > 1 ? [c.dim(lines[0]), ...lines.slice(1)] : lines
}

/** `plan --live`: the plan's table, the live summary, planned beside live, then every diagnostic. */
export function renderPlanLive(input: PlanLiveResult, options: {chalk: Colours; explain: boolean; width?: number}): string {
  const r = escapeStrings(input)
  const c = options.chalk
  const table = renderTable({...r.report, diagnostics: []}, {chalk: c, explain: options.explain, procfile: r.procfile, width: options.width})
  const out = [table.trimEnd(), '', ...renderLiveSummary(r.live, c), ...renderComparison(r.comparison, c, layoutWidth(options.width))]
  if (r.report.diagnostics.length > 0) append(out, ['', ...renderDiagnostics(r.report.diagnostics, c)])
  return redactSecrets(`${fitLines(out, options.width).join('\n')}\n`)
}
