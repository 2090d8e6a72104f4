import type {JsonPlanLive, LiveBackend, LiveComparison, LiveReport} from '../model/live.js'
import type {Budget} from '../model/budget.js'
import {groupBy, liveJson} from './live-report.js'
import {naturalCompare} from '../util/natural-order.js'

const ONE_OFF = new Set(['run', 'scheduler', 'release'])

export type Match = {kind: 'one-off'; type: string} | {kind: 'type'; type: string} | null

/**
 * Which process type opened a connection, from its application_name. Heroku sets
 * DYNO to `web.1`, `worker.3`, `run.4321`; apps that pass DYNO (or the type name)
 * as application_name can be traced. Anything else is not attributed.
 */
export function matchProcessType(applicationName: string, types: ReadonlySet<string> | string[]): Match {
  const name = applicationName.trim()
  if (name === '') return null
  const isType = (t: string): boolean => (Array.isArray(types) ? types.includes(t) : types.has(t))
  if (isType(name)) return {kind: 'type', type: name}
  const dyno = /^([\w-]+)\.\d+(?:\b|$)/.exec(name)?.[1]
  if (dyno === undefined) return null
  if (isType(dyno)) return {kind: 'type', type: dyno}
  if (ONE_OFF.has(dyno)) return {kind: 'one-off', type: dyno}
  return null
}

export function compareWithLive(budget: Budget, backends: LiveBackend[]): LiveComparison {
  // A set and in-place pushes: 100,000 rows (the snapshot's LIMIT) against many types stay linear.
  const types = new Set(budget.processTypes.map((p) => p.name))
  const byType = new Map<string, LiveBackend[]>()
  const oneOff: LiveBackend[] = []
  const other: LiveBackend[] = []
  for (const b of backends) {
    const m = matchProcessType(b.applicationName, types)
    if (m === null) other.push(b)
    else if (m.kind === 'one-off') oneOff.push(b)
    else {
      const seen = byType.get(m.type)
      if (seen) seen.push(b)
      else byType.set(m.type, [b])
    }
  }

  return {
    oneOff: groupBy(oneOff, (b) => b.applicationName),
    processTypes: budget.processTypes.map((p) => {
      const seen = byType.get(p.name) ?? []
      const states = groupBy(seen, () => p.name)[0]?.states ?? {}
      return {
        ceiling: p.ceiling,
        live: seen.length,
        name: p.name,
        planned: p.connections,
        seenAs: [...new Set(seen.map((b) => b.applicationName))].sort(naturalCompare),
        states,
      }
    }),
    unattributed: groupBy(other, (b) => b.applicationName),
    withoutName: backends.filter((b) => b.applicationName.trim() === '').length,
  }
}

export function planLiveJson(live: LiveReport, cmp: LiveComparison): JsonPlanLive {
  const {diagnostics: _d, plan: _p, ...rest} = liveJson(live)
  return {...rest, ...cmp}
}
