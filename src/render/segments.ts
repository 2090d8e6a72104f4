import type {Report} from '../model/report.js'
import type {ProcessBudget} from '../model/budget.js'
import type {Segment} from './text.js'

import {describeMoment, hookKind, momentLabel} from '../budget/budget.js'
import {isAssumption} from '../model/source.js'
import {joinSome} from '../util/arrays.js'

/** `web`, or `api web` when several apps share the database. */
export const rowLabel = (p: ProcessBudget): string => (p.model.app ? `${p.model.app} ${p.name}` : p.name)

const MAX_SEGMENTS = 10
const MAX_OTHER_MOMENTS = 5

/**
 * What fills the limit, as the total counts it: each running process type that
 * connects directly, then what Heroku's server-side pooler opens for the pooled
 * types (not their client connections), then the reserve.
 */
export function budgetSegments(report: Report): Segment[] {
  const b = report.budget
  const rows = b.processTypes.filter((p) => p.role === 'long-running' && p.connections > 0 && !p.model.serverPooling)
  // A bar or legend of hundreds of types says nothing: the largest have their own segment, the rest share one.
  const shown = new Set(largest(rows, MAX_SEGMENTS))
  const segments = rows.filter((p) => shown.has(p)).map((p) => ({label: rowLabel(p), value: p.connections}))
  const rest = rows.filter((p) => !shown.has(p))
  if (rest.length > 0) segments.push({label: `${rest.length} other types`, value: rest.reduce((a, p) => a + p.connections, 0)})
  const pooling = b.serverPooling
  if (pooling && pooling.serverConnections > 0) segments.push({label: `pooler (${pooling.types.join(', ')})`, value: pooling.serverConnections})
  if (b.reserve > 0) segments.push({label: 'reserve', value: b.reserve})
  return segments
}

/**
 * The `n` rows with the most connections, the earlier row first among equals: what a stable sort
 * by connections, largest first, would put first, without sorting every row (100,000 types).
 */
function largest(rows: ProcessBudget[], n: number): ProcessBudget[] {
  const top: ProcessBudget[] = []
  for (const r of rows) {
    if (top.length === n && r.connections <= top[n - 1].connections) continue
    // After every row with as many connections or more: an equal row met earlier stays ahead.
    let at = top.length
    while (at > 0 && top[at - 1].connections < r.connections) at--
    top.splice(at, 0, r)
    if (top.length > n) top.pop()
  }

  return top
}

/** "2..10" for an autoscaling range, else the dyno count. */
export const dynosText = (p: ProcessBudget): string => (p.model.dynoRange ? `${p.model.dynoRange.min}..${p.model.dynoRange.max}` : `${p.dynos}`)

/** "during the preboot overlap (…); release phase 18": which moment is the peak, then the others. */
export function deployDetail(report: Report): string {
  const b = report.budget
  if (b.deployMoments.length === 0) return '(nothing runs beside the formation during a deploy)'
  const [top, ...rest] = [...b.deployMoments].sort((x, y) => y.peak - x.peak)
  const others = rest.slice(0, MAX_OTHER_MOMENTS).map((m) => `${momentLabel(m, b.processTypes)}${m.app ? ` of ${m.app}` : ''} ${m.peak}`)
  if (rest.length > MAX_OTHER_MOMENTS) others.push(`and ${rest.length - MAX_OTHER_MOMENTS} more`)
  return `during ${describeMoment(top, b.processTypes)}${others.length > 0 ? `; ${others.join(', ')}` : ''}`
}

/** The legend for rows counted only in the deploy peak: "(n) = release phase: counted in the deploy peak only". */
export function deployOnlyLegend(report: Report): string | undefined {
  const kinds = [...new Set(report.budget.processTypes.filter((p) => p.role !== 'long-running').map((p) => momentLabel({app: p.model.app ?? null, kind: hookKind(p.name), processTypes: [p.name]}, [p])))].sort()
  return kinds.length > 0 ? `(n) = ${kinds.join(', ')}: counted in the deploy peak only` : undefined
}

/** "deploy peak 29 during the preboot overlap (…); release phase 18". */
export const deployText = (report: Report): string => `deploy peak ${report.budget.deployPeak}${peakMark(report)} ${deployDetail(report)}`

/** `*` after the deploy peak when whose deploy it is (Heroku's or Dokku's) is an assumption (deploy-platform.ts). */
export const peakMark = (report: Report): string => (report.budget.deployMoments.length > 0 && report.app.deployPlatform && isAssumption(report.app.deployPlatform) ? '*' : '')

/**
 * Notes for rows whose numbers need a word: autoscaling ranges budgeted at their max, and conn/dyno cells
 * that are more than proc/dyno × conn/proc (what runs beside the processes in each dyno: a preloading master's
 * connection, a script's `&` process, a cron runner's jobs), which the table has no column for; not beside a pooler in the
 * dyno, whose cap the explain says.
 */
export function rangeNotes(report: Report): string[] {
  const notes = report.budget.processTypes
    .filter((p) => p.model.dynoRange)
    .map((p) => `${rowLabel(p)} autoscales ${dynosText(p)}: budgeted at the max, ${p.dynos} ${p.model.platform ? `${p.model.platform.unit}s` : 'dynos'}`)
  const beside = report.budget.processTypes.filter((p) => p.extraPerDyno > 0 && !p.model.serverConnectionsPerDyno).map((p) => `${rowLabel(p)} +${p.extraPerDyno}`)
  const unit = platformUnit(report)
  if (beside.length > 0) notes.push(unitWords(`conn/dyno = proc/dyno × conn/proc + what runs beside the processes in each dyno: ${joinSome(beside, ', ', 5)} (see --explain)`, unit))
  // Types another platform runs (render.yaml, fly.toml): a "dyno" is one of its machines. When every type is
  // that platform's, the table's columns use its word; beside Heroku's dynos they stay "dynos".
  const platforms = [...new Set(report.budget.processTypes.map((p) => p.model.platform).filter((x) => x !== undefined).map((x) => `${x.name} ${x.unit}s`))]
  if (platforms.length > 0) notes.push(unit ? `${unit}s = ${platforms.join(', ')}: each is counted as a Heroku dyno is` : `dynos = ${platforms.join(', ')}: each is counted as a dyno is`)
  return notes
}

/** The word for a dyno when every process type runs on one other platform (render.yaml: instance, fly.toml: Machine). */
export function platformUnit(report: Report): string | undefined {
  const units = new Set(report.budget.processTypes.map((p) => p.model.platform?.unit))
  if (units.size !== 1) return undefined
  return [...units][0]
}

/** A column name or note with "dyno(s)" in the platform's word ("conn/dyno" → "conn/instance", "max dynos" → "max Machines"). */
export const unitWords = (text: string, unit: string | undefined): string => (unit ? text.replaceAll(/\bdynos\b/g, `${unit}s`).replaceAll(/\bdyno\b/g, unit) : text)
