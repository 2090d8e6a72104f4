import type {LiveBackend} from '../model/live.js'
import {naturalCompare} from '../util/natural-order.js'
/** "web.1 ×2, worker.1, (no application_name)": who holds the connections a live rule is about. */
export function appList(backends: LiveBackend[], max = 5): string {
  const counts = new Map<string, number>()
  for (const b of backends) {
    const name = b.applicationName.trim() === '' ? '(no application_name)' : b.applicationName
    counts.set(name, (counts.get(name) ?? 0) + 1)
  }

  const items = [...counts].sort((a, b) => b[1] - a[1] || naturalCompare(a[0], b[0]))
  const shown = items.slice(0, max).map(([n, c]) => (c > 1 ? `${n} ×${c}` : n))
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ')
}
