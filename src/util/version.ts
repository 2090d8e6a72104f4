/**
 * Gem/package version comparison, enough for "is this Puma 5.0 or later":
 * numeric segments compare as numbers; a pre-release ("7.0.0.beta1",
 * "7.0.0-rc.1") sorts before its release.
 */
function segments(v: string): Segments {
  let found = parsed.get(v)
  if (found) return found
  const m = /^v?(\d+(?:\.\d+)*)(?:[.-]?([a-z].*))?$/i.exec(v.trim())
  found = m ? {nums: m[1].split('.').map(Number), pre: m[2]} : {nums: [], pre: v}
  if (parsed.size < MAX_PARSED) parsed.set(v, found)
  return found
}

interface Segments {
  readonly nums: readonly number[]
  readonly pre: string | undefined
}

/**
 * Versions parsed once: every process type asks the same few ("is ActiveRecord 7.2.2 at least
 * 7.1?") several times, 100,000 types millions of times. Bounded, for a run that sees many.
 */
const parsed = new Map<string, Segments>()
const MAX_PARSED = 4096

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = segments(a)
  const y = segments(b)
  const n = Math.max(x.nums.length, y.nums.length)
  for (let i = 0; i < n; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0)
    if (d !== 0) return d
  }

  if (x.pre === y.pre) return 0
  if (x.pre === undefined) return 1
  if (y.pre === undefined) return -1
  return x.pre.localeCompare(y.pre)
}

export const versionAtLeast = (v: string, min: string): boolean => compareVersions(v, min) >= 0
