/**
 * "Did you mean" for everything a user types by name: commands, flags, plans,
 * dyno sizes, config keys. One distance and one cut-off, so a typo is caught
 * the same way wherever it is made.
 */
import {minOf} from './numbers.js'

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]
    dp[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = tmp
    }
  }

  return dp[b.length]
}

export interface Candidate {
  /** What the suggestion prints. */
  name: string
  /** Other spellings that also match (plan aliases, dyno-size aliases); the closest one counts. */
  spellings?: readonly string[]
}

export interface ClosestOptions {
  /** How many to return (default 3). */
  limit?: number
  /** A score below the edit distance for a near-certain match (an abbreviation), or undefined; a prefix (`warn` for warning) always is one. */
  shortcut?: (input: string, spelling: string) => number | undefined
  /** The largest distance still offered (default: 2, or a third of the input's length if longer). */
  within?: number
}

/**
 * The known names closest to `input`, nearest first (ties keep the given
 * order), compared case-insensitively.
 */
export function closest(input: string, candidates: ReadonlyArray<Candidate | string>, options: ClosestOptions = {}): string[] {
  const typed = input.toLowerCase()
  const within = options.within ?? Math.max(2, Math.floor(typed.length / 3))
  return candidates
    .map((c, i) => {
      const candidate = typeof c === 'string' ? {name: c} : c
      const spellings = [candidate.name, ...(candidate.spellings ?? [])].map((s) => s.toLowerCase())
      const d = minOf(spellings.map((s) => options.shortcut?.(typed, s) ?? (typed.length >= 2 && s.startsWith(typed) ? 0.5 : editDistance(typed, s))))
      return {d, i, name: candidate.name}
    })
    .filter((x) => x.d <= within)
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, options.limit ?? 3)
    .map((x) => x.name)
}

/** `did you mean plan?`, `did you mean web, worker?`, or undefined when nothing is close. */
export function didYouMean(names: readonly string[]): string | undefined {
  return names.length > 0 ? `did you mean ${names.join(', ')}?` : undefined
}
