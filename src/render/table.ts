import type {Report} from '../model/report.js'
import type {ProcessBudget} from '../model/budget.js'

import type {Extra, ProcessModel} from '../model/process.js'
import {MAX_LINE_WARNINGS, type Diagnostic} from '../model/diagnostic.js'
import {ceilingOnlyExtras, dynosThatFit, extraOnServer, inPoolDemand, outsideExtras} from '../budget/budget.js'
import {describeSourced, isAssumption} from '../model/source.js'
import {redactSecrets} from '../util/redact.js'
import {budgetSegments, deployDetail, deployOnlyLegend, deployText, dynosText, peakMark, platformUnit, rangeNotes, rowLabel, unitWords} from './segments.js'
import {poolerExplain, poolerLines, serverLabel} from './poolers.js'
import {columns, percent, stackedBar} from './text.js'
import {fitLines, visibleLength, wrapLine} from './wrap.js'
import {append, joinSome} from '../util/arrays.js'
import {maxOf} from '../util/numbers.js'
import {NO_SERVER} from '../util/pg-url.js'
import type {Colours} from './colours.js'

export interface TableOptions {
  chalk: Colours
  /** The command shown in the heading (default: plan). */
  command?: string
  explain: boolean
  /** Shown in the heading: the Procfile that was read (or the config file listing the apps). */
  procfile: string
  /** The terminal's width to fit (at least MIN_WIDTH); none when standard output is not a terminal. */
  width?: number
}

/** Cells of the stacked bar: wide enough to read, narrow enough for 80 columns. */
export const BAR_WIDTH = 40

const mark = (v: {source: {kind: string}; via?: {kind: string}[]}): string =>
  isAssumption(v as never) ? '*' : ''

/** A process type's cells, `*` on each number that is an assumption (the table and markdown). */
export function row(p: ProcessBudget, multi: boolean): string[] {
  const m = p.model
  const counted = p.role === 'long-running'
  const poolAssumed = m.pools.some((e) => isAssumption(e.pool))
  return [
    ...(multi ? [m.app ?? ''] : []),
    p.name,
    serverLabel(p),
    `${dynosText(p)}${mark(m.dynos)}`,
    `${p.processesPerDyno}${mark(m.processesPerDyno)}`,
    `${p.threadsPerProcess}${mark(m.threadsPerProcess)}`,
    p.poolPerProcess === null ? '-' : `${p.poolPerProcess}${poolAssumed ? '*' : ''}`,
    `${p.extraPerProcess}${m.extrasPerProcess.some((x) => !x.ceilingOnly && isAssumption(x.count)) ? '*' : ''}`,
    `${p.connectionsPerProcess}`,
    `${p.connectionsPerDyno}${m.extrasPerDyno.some((x) => !x.ceilingOnly && isAssumption(x.count)) ? '*' : ''}`,
    counted ? `${p.connections}` : `(${p.connections})`,
    p.maxDynos === null ? '-' : `${p.maxDynos}`,
  ]
}

export function renderTable(report: Report, options: TableOptions): string {
  const c = options.chalk
  const out: string[] = []
  out.push(`${c.bold(`conncalc ${options.command ?? 'plan'}`)} ${options.procfile} · ${limitText(report)}`, '')
  append(out, [...renderRows(report, c, options.width), ''])
  append(out, renderTotals(report, c))
  if (options.explain) append(out, ['', ...renderExplain(report, options.width)])
  if (report.suggestions) append(out, ['', ...renderSuggestions(report, c)])
  if (report.diagnostics.length > 0) append(out, ['', ...renderDiagnostics(report.diagnostics, c)])
  return redactSecrets(`${fitLines(out, options.width).join('\n')}\n`)
}

export function limitText(report: Report): string {
  const b = report.budget
  // A plan app.json or heroku.yml provisions (app/plan.ts) says where it was read.
  const from = report.plan === null ? undefined : b.limitSource?.via?.find((s) => s.kind === 'file')
  return report.plan !== null
    ? `plan ${report.plan.name} (limit ${report.plan.limit}${report.plan.confidence === 'confirmed' ? '' : `, ${report.plan.confidence} source`})${from?.kind === 'file' ? ` from ${from.file}:${from.line}` : ''}`
    : b.limit === null
      ? 'no plan or --limit given'
      : b.limitSource?.source.kind === 'live'
        ? `limit ${b.limit} (the live database)`
        : `limit ${b.limit}`
}

/**
 * The table of process types (an app column when several apps share the database).
 * Given a terminal width it does not fit, it narrows the way oclif's and the Heroku
 * CLI's tables do — columns give way, numbers are never cut — in this order:
 * shorter column names (with a key), then the columns another one already implies
 * (conn/dyno = proc/dyno × conn/proc; max dynos and extra are in --explain), then
 * one space between columns, then the text columns (server, app) are shortened
 * with `…`. A `*` of a column left out moves to the row's connections, which
 * rests on it. Without a width (not a terminal) the table is always the full one.
 */
export function renderRows(report: Report, c: Colours, width?: number): string[] {
  const multi = report.budget.processTypes.some((p) => p.model.app)
  const header = rowHeader(multi)
  const body = report.budget.processTypes.map((p) => row(p, multi))
  const numeric = (name: string): boolean => !['app', 'type', 'server'].includes(name)
  const layout = (names: string[], cells: string[][], gap: number): string[] => columns([names, ...cells], (i) => numeric(header[i] ?? ''), gap)
  // Render/Fly apps: the columns say instances/Machines, not dynos.
  const unit = platformUnit(report)
  const full = layout(header.map((h) => unitWords(h, unit)), body, 2)
  if (width === undefined || widest(full) <= width) return [c.dim(full[0]), ...full.slice(1)]

  const short = header.map((h) => unitWords(SHORT_NAMES[h] ?? h, unit))
  let keep = header.map((_, i) => i)
  let gap = 2
  const attempt = (): string[] => {
    const cells = body.map((r) => {
      const dropped = header.some((_, i) => !keep.includes(i) && r[i].endsWith('*'))
      return keep.map((i) => (header[i] === 'connections' && dropped && !r[i].endsWith('*') ? `${r[i]}*` : r[i]))
    })
    return columns([keep.map((i) => short[i]), ...cells], (k) => numeric(header[keep[k]]), gap)
  }

  let lines = attempt()
  for (const name of DROP_ORDER) {
    if (widest(lines) <= width) break
    keep = keep.filter((i) => header[i] !== name)
    lines = attempt()
  }

  if (widest(lines) > width) {
    gap = 1
    lines = attempt()
  }

  // Last: shorten the text columns (never a number), the server's first.
  for (const name of ['server', 'app']) {
    const at = header.indexOf(name)
    const over = widest(lines) - width
    if (over <= 0 || at === -1) continue
    const longest = maxOf(body.map((r) => r[at].length))
    const room = Math.max(MIN_TEXT, longest - over)
    for (const r of body) if (r[at].length > room) r[at] = `${r[at].slice(0, room - 1)}…`
    lines = attempt()
  }

  const abbreviated = keep
    .filter((i) => short[i] !== unitWords(header[i], unit))
    .map((i) => `${short[i]} = ${unitWords(header[i] in NAME_KEY ? NAME_KEY[header[i]] : header[i], unit)}`)
  const dropped = header.filter((_, i) => !keep.includes(i)).map((h) => unitWords(h, unit))
  const notes = [
    ...(abbreviated.length > 0 ? [abbreviated.join('  ')] : []),
    ...(dropped.length > 0 ? [`not shown at this width: ${dropped.join(', ')} (see --explain, --json or a wider terminal)`] : []),
  ]
  return [c.dim(lines[0]), ...lines.slice(1), ...notes.map((n) => c.dim(n))]
}

/** Shorter column names for a narrow terminal, and what each stands for. */
const SHORT_NAMES: Record<string, string> = {connections: 'conns', 'conn/dyno': 'c/dyno', 'conn/proc': 'c/proc', 'max dynos': 'max', 'proc/dyno': 'proc', threads: 'thr'}
const NAME_KEY: Record<string, string> = {
  connections: 'connections',
  'conn/dyno': 'connections per dyno',
  'conn/proc': 'connections per process',
  'max dynos': 'max dynos',
  'proc/dyno': 'processes per dyno',
  threads: 'threads per process',
}

/** Columns left out when even short names do not fit: each is implied by the others or shown by --explain. */
const DROP_ORDER = ['conn/dyno', 'max dynos', 'extra']
/** A text column is never shortened below this many characters. */
const MIN_TEXT = 6
const widest = (lines: string[]): number => maxOf(lines.map((l) => visibleLength(l)), 0)

/** The column names of row(). */
export const rowHeader = (multi: boolean): string[] => [...(multi ? ['app'] : []), 'type', 'server', 'dynos', 'proc/dyno', 'threads', 'pool', 'extra', 'conn/proc', 'conn/dyno', 'connections', 'max dynos']

/** Total, the stacked bar of the limit used per type, headroom, deploy peak and notes. */
export function renderTotals(report: Report, c: Colours, options: {totalLine?: boolean} = {}): string[] {
  const b = report.budget
  const out: string[] = []
  const reserve = b.reserve > 0 ? ` (incl. ${b.reserve} reserved)` : ''
  if (b.limit === null) {
    out.push(`${c.bold('total')} ${b.total} connections${reserve}   ${deployText(report)}`)
    if (report.smallestFittingPlan) {
      const p = report.smallestFittingPlan
      out.push(`smallest plan that fits: ${p.name} (limit ${p.limit}); pass --plan or --limit to check against yours`)
    }
  } else {
    const u = b.utilization ?? 0
    const status = {ok: c.green('ok'), over: c.red.bold('OVER LIMIT'), unknown: 'unknown', warning: c.yellow('warning')}[b.status]
    if (options.totalLine !== false) out.push(`${c.bold('total')} ${b.total} of ${b.limit}${reserve}  ${percent(u)}  ${status}`)
    const {bar, legend} = stackedBar(c, budgetSegments(report), b.limit, BAR_WIDTH)
    out.push(bar, legend)
    const headroom = b.limit - b.total
    const peak = b.deployPeak > b.limit ? c.red(String(b.deployPeak)) : String(b.deployPeak)
    out.push(`headroom ${headroom >= 0 ? headroom : c.red(String(headroom))}   ceiling ${b.ceiling} (if every pool fills)   deploy peak ${peak}${peakMark(report)}`)
    if (b.deployMoments.length > 0) out.push(c.dim(`  peak ${deployDetail(report)}`))
  }

  for (const note of rangeNotes(report)) out.push(c.dim(note))
  append(out, poolerLines(b, c))
  const legend = deployOnlyLegend(report)
  if (legend) out.push(c.dim(legend))
  if (hasAssumptions(report)) out.push(c.dim(ASSUMPTION_LEGEND))
  return out
}

/** `--suggest`: each change with its new total. */
export function renderSuggestions(report: Report, c: Colours): string[] {
  const set = report.suggestions
  if (!set) return []
  const b = report.budget
  if (!set.needed) {
    const room = dynosThatFit(report.budget, () => true)
    return [`${c.green('fits')}: nothing to change${room.length > 0 ? `; room to scale, one type at a time with the others held: ${joinSome(room, ', ', 5)}` : ''}`]
  }
  const target = set.goal === 'fit' ? 'fit' : `stay under ${percent(b.warnAt)}`
  if (set.items.length === 0) return [`${c.bold('suggestions')}: no single change found that makes it ${target}`]
  const out = [`${c.bold('what would make it')} ${target}${b.limit === null ? '' : ` (limit ${b.limit}, deploy peak included)`}:`]
  for (const s of set.items) {
    out.push(`  - ${s.summary}: ${s.total} of ${s.limit} (${percent(s.utilization)}), deploy peak ${s.deployPeak}`)
    out.push(c.dim(`      ${s.how}`))
    if (s.note) out.push(c.dim(`      note: ${s.note}`))
  }

  return out
}

export const ASSUMPTION_LEGEND = '* = assumption, not read from your files: see --explain, override with --scale/--env'

/** Whether any number in the report is an assumption (marked `*`). */
export function hasAssumptions(report: Report): boolean {
  if (report.budget.serverPooling?.serverLimit || peakMark(report)) return true
  return report.budget.processTypes.some((p) => {
    const m = p.model
    const pooler = m.serverConnectionsPerDyno ? [m.serverConnectionsPerDyno.count] : []
    return [m.dynos, m.processesPerDyno, m.threadsPerProcess, ...m.pools.map((e) => e.pool), ...[...m.extrasPerProcess, ...m.extrasPerDyno].filter((x) => !x.ceilingOnly).map((x) => x.count), ...pooler].some((v) => isAssumption(v))
  })
}

export function renderExplain(report: Report, width?: number): string[] {
  const out: string[] = ['where the numbers come from:']
  for (const p of report.budget.processTypes) {
    const m = p.model
    out.push(``, `${rowLabel(p)} (${p.server}): ${m.command}`)
    const facts: string[][] = [
      ['dynos', String(p.dynos), describeSourced(m.dynos)],
      ...(m.size ? [['dyno size', m.size.value, describeSourced(m.size)]] : []),
      ['processes per dyno', String(p.processesPerDyno), describeSourced(m.processesPerDyno)],
      [m.eventLoop ? 'queries at once per process' : 'threads per process', String(p.threadsPerProcess), describeSourced(m.threadsPerProcess)],
      ...m.pools.map((e) => [`pool (${e.database})`, String(e.pool.value), describeSourced(e.pool)]),
      ...m.extrasPerProcess.map((x) => extraFact('per process', x, m)),
      ...m.extrasPerDyno.map((x) => extraFact('per dyno', x, m)),
      ...m.otherServerPools.map((e) => [`not counted (${e.database})`, String(e.pool.value), `${onServer(e.server)}: ${describeSourced(e.pool)}`]),
    ]
    if (m.fork?.forks.value) {
      const f = m.fork
      const site = (h: {file: string; line: number} | undefined) => (h ? `${h.file}:${h.line}` : 'none')
      facts.push([
        'fork',
        '',
        `${f.parent} ${f.preload.value ? 'preloads the app' : 'does not preload'} (${describeSourced(f.preload)}); disconnect in ${f.parentHook}: ${site(f.disconnect)}; reconnect in ${f.childHook}: ${site(f.reconnect)}`,
      ])
    }

    if (m.pools.length > 0) {
      const others = m.otherServerPools.length > 0 ? `; not counted: ${m.otherServerPools.map((e) => `${e.database} (${e.server})`).join(', ')}` : ''
      facts.push(['databases', String(m.pools.length), `counted on this server: ${m.pools.map((e) => e.database).join(', ')}${others}`])
    }

    if (m.serverConnectionsPerDyno) {
      const x = m.serverConnectionsPerDyno
      facts.push(['server conns per dyno', String(x.count.value), `${x.reason}: ${describeSourced(x.count)}`])
      if (x.minOpen) facts.push(['kept open per dyno', String(x.minOpen.value), describeSourced(x.minOpen)])
    }

    if (m.versions && Object.keys(m.versions).length > 0) {
      facts.push(['versions', '', Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(', ')])
    }

    // A Render/Fly type's labels use its platform's word (instances, Machines).
    const unit = m.platform?.unit
    for (const f of facts) f[0] = unitWords(f[0], unit)
    // A wrapped source continues under its own column (when that column starts left of the middle).
    append(out, columns(facts, (i) => i === 1).flatMap((l, k) => wrapLine(`  ${l}`, width, visibleLength(`  ${l}`) - visibleLength(facts[k][2]))))
    const inPool = inPoolDemand(m)
    const outside = outsideExtras(m)
    const pools = m.pools.length === 0
      ? p.threadsPerProcess === 0
        ? '0 (no PostgreSQL connection)'
        : m.otherServerPools.length > 0
          ? '0 (its pools are on another server)'
        : `${p.threadsPerProcess} (${m.eventLoop ? 'one connection' : 'one per thread'}, no pool known)`
      : m.pools
          .map((e) => {
            // In-pool extras (GoodJob's threads, a Solid Cable listener) are named, so that with the outside ones they add up to the table's extra column.
            const used = `min(${e.pool.value}, ${p.threadsPerProcess}${inPool.get(e.database) ? ` + ${inPool.get(e.database)} extra in the pool` : ''})`
            // An eager pool (min_connections, minimum-idle, min_size) keeps that many open whatever the threads.
            return e.minOpen ? `max(${used}, ${Math.min(e.minOpen.value, e.pool.value)} kept open)` : used
          })
          .join(' + ')
    out.push(`  connections per process = ${pools} + ${m.pools.length === 0 ? `${m.otherServerPools.length > 0 ? p.connectionsPerProcess : p.extraPerProcess} extra` : `${outside} extra outside the pool`} = ${p.connectionsPerProcess}`)
    out.push(
      m.serverConnectionsPerDyno
        ? `  connections per ${unit ?? 'dyno'} = min(${m.serverConnectionsPerDyno.count.value}, ${m.serverConnectionsPerDyno.minOpen ? `max(${m.serverConnectionsPerDyno.minOpen.value} kept open, ` : ''}${p.processesPerDyno} × ${p.connectionsPerProcess}${p.extraPerDyno ? ` + ${p.extraPerDyno}` : ''} clients${m.serverConnectionsPerDyno.minOpen ? ')' : ''}) = ${p.connectionsPerDyno} (${m.serverConnectionsPerDyno.reason})`
        : `  connections per ${unit ?? 'dyno'} = ${p.processesPerDyno} × ${p.connectionsPerProcess}${p.extraPerDyno ? ` + ${p.extraPerDyno}` : ''} = ${p.connectionsPerDyno}`,
    )
    out.push(`  connections = ${p.dynos} × ${p.connectionsPerDyno} = ${p.connections}${p.role === 'long-running' ? '' : ' (deploy peak only)'}`)
    const only = {dyno: sumOf(ceilingOnlyExtras(m.extrasPerDyno, m)), process: sumOf(ceilingOnlyExtras(m.extrasPerProcess, m))}
    const perDyno = !m.serverConnectionsPerDyno && only.dyno ? ` + ${only.dyno} per ${unit ?? 'dyno'}` : ''
    // No thread uses the pools: only the connections an eager pool keeps open can be held.
    const idle = p.poolPerProcess !== null && p.threadsPerProcess === 0
    const elsewhere = m.pools.length === 0 && m.otherServerPools.length > 0
    const held = idle ? `no thread checks out of the pool (${p.poolPerProcess}): ${p.ceilingPerProcess - outside - only.process} kept open` : elsewhere ? 'no pool on this server' : `pool ${p.poolPerProcess ?? p.threadsPerProcess}`
    out.push(`  ceiling = ${p.dynos} × ${p.ceilingPerDyno} = ${p.ceiling} (${held} + ${elsewhere ? p.ceilingPerProcess - only.process : p.poolPerProcess === null ? p.extraPerProcess : outside}${only.process ? ` + ${only.process}` : ''} per process${perDyno} if every connection is held)`)
  }

  const b = report.budget
  out.push('')
  if (b.limitSource) {
    const plan = report.plan
    out.push(`limit ${b.limit}: ${describeSourced(b.limitSource)}${plan ? ` — ${plan.confidence}: ${plan.source}${plan.note ? ` (${plan.note})` : ''}` : ''}`)
  }

  out.push(`reserve ${b.reserve}: ${describeSourced(b.reserveSource)}`)
  const platform = report.app.deployPlatform
  if (platform) out.push(`deploy on ${platform.value === 'dokku' ? 'Dokku' : 'Heroku'}: ${describeSourced(platform)}`)
  append(out, poolerExplain(b))
  return out
}

/** Where a pool not counted connects: another server, or one conncalc cannot know (`unknown server: REPLICA_HOST has no value`). */
const onServer = (key: string): string =>
  key.startsWith('unknown server: ')
    ? `on an unknown server (${key.slice('unknown server: '.length)})`
    : key.startsWith(NO_SERVER)
      ? `reaches no server on the platform (${key.slice(NO_SERVER.length)})`
      : `on another server (${key})`
const sumOf = (xs: Extra[]): number => xs.reduce((a, x) => a + x.count.value, 0)

/** One extra in --explain; one on another server is shown, marked not counted. */
function extraFact(per: string, x: Extra, m: ProcessModel): string[] {
  const where = x.inPool ? (x.allPools ? ' (from every pool)' : ` (from the ${x.database ?? 'primary'} pool)`) : x.database ? ` (on ${x.database})` : ''
  const label = !extraOnServer(x, m) ? `not counted (${per})` : x.ceilingOnly ? `ceiling only (${per})` : `+ ${per}`
  return [label, String(x.count.value), `${x.reason}${where}: ${describeSourced(x.count)}`]
}

/**
 * The diagnostics a human view shows: the first MAX_LINE_WARNINGS of each code, and for each
 * code with more, how many are left out (a Procfile of 100,000 unknown commands would print
 * 200,000 lines, and a job summary over 1 MiB is refused); the JSON view keeps every one.
 */
export function diagnosticsShown(ds: Diagnostic[]): {more: {code: string; count: number; severity: Diagnostic['severity']}[]; shown: Diagnostic[]} {
  const total = new Map<string, number>()
  for (const d of ds) total.set(d.code, (total.get(d.code) ?? 0) + 1)
  const seen = new Map<string, number>()
  const more = new Map<string, {code: string; count: number; severity: Diagnostic['severity']}>()
  const shown: Diagnostic[] = []
  for (const d of ds) {
    const n = (seen.get(d.code) ?? 0) + 1
    seen.set(d.code, n)
    // One over the cap is shown rather than replaced by a line saying it is there (the readers'
    // own caps end with such a line: 20 invalid Procfile lines and "and N more lines ignored").
    if (n <= MAX_LINE_WARNINGS || total.get(d.code)! <= MAX_LINE_WARNINGS + 1) shown.push(d)
    else {
      const m = more.get(d.code) ?? {code: d.code, count: 0, severity: d.severity}
      m.count++
      more.set(d.code, m)
    }
  }

  return {more: [...more.values()], shown}
}

/** The line that stands for the diagnostics of one code left out. */
export const moreText = (count: number): string => `${count.toLocaleString('en-US')} more like the ${MAX_LINE_WARNINGS} above, not shown (--json lists every one)`

export function renderDiagnostics(ds: Diagnostic[], c: Colours): string[] {
  const color = {error: c.red, info: c.blue, warning: c.yellow}
  const out: string[] = []
  const {more, shown} = diagnosticsShown(ds)
  for (const d of shown) {
    const where = d.file ? `${d.file}${d.line ? `:${d.line}` : ''}: ` : ''
    out.push(`${where}${color[d.severity](d.severity)}: ${d.message} ${c.dim(`[${d.code}]`)}`)
    if (d.fix) out.push(c.dim(`  fix: ${d.fix}`))
  }

  for (const m of more) out.push(`${color[m.severity](m.severity)}: ${moreText(m.count)} ${c.dim(`[${m.code}]`)}`)
  return out
}
