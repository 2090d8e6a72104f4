/**
 * Calls in the arms of one `if` conncalc cannot decide are alternatives: one arm runs. Of the things
 * they build (engines, pools), the arm that builds the most is kept — an assumption, said — rather
 * than the sum of every arm. Calls outside any undecided `if` are all kept.
 */
import type {PyArm} from './values.js'

export interface Alternative<T> {
  /** The undecided `if`s around the call, outermost first; `scope` keeps apart ifs reached from different callers. */
  arms?: PyArm[]
  item: T
  scope?: string
  weight: number
}

export interface ArmChoice<T> {
  /** Items of the chosen arm. */
  kept: T[]
  /** How many arms of this `if` build something; more than one means a choice was made. */
  arms: number
  file: string
  line: number
  /** The chosen arm's weight and every arm's, in branch order. */
  weight: number
  weights: number[]
}

/**
 * The items that can run together: every arm of an undecided `if` is weighed (its items' weights
 * summed, nested `if`s choosing first) and only the heaviest arm's items are kept (the first on a tie).
 * `chose` lists each `if` where more than one arm built something.
 */
export function largestArms<T>(items: Alternative<T>[]): {chose: ArmChoice<T>[]; kept: T[]} {
  const chose: ArmChoice<T>[] = []
  const pick = (group: Alternative<T>[], depth: number): {kept: T[]; weight: number} => {
    const kept: T[] = []
    let weight = 0
    const ifs = new Map<string, Alternative<T>[]>()
    for (const a of group) {
      const arm = a.arms?.[depth]
      if (!arm) {
        kept.push(a.item)
        weight += a.weight
        continue
      }

      const key = `${a.scope ?? ''}|${arm.at}`
      const list = ifs.get(key)
      if (list) list.push(a)
      else ifs.set(key, [a])
    }

    for (const list of ifs.values()) {
      const byBranch = new Map<number, Alternative<T>[]>()
      for (const a of list) {
        const b = a.arms![depth].branch
        const l = byBranch.get(b)
        if (l) l.push(a)
        else byBranch.set(b, [a])
      }

      const branches = [...byBranch.keys()].sort((x, y) => x - y).map((b) => pick(byBranch.get(b)!, depth + 1))
      let best = branches[0]
      for (const b of branches) if (b.weight > best.weight) best = b
      kept.push(...best.kept)
      weight += best.weight
      if (branches.length > 1) {
        const arm = list[0].arms![depth]
        chose.push({arms: branches.length, file: arm.file, kept: best.kept, line: arm.line, weight: best.weight, weights: branches.map((b) => b.weight)})
      }
    }

    return {kept, weight}
  }

  return {chose, kept: pick(items, 0).kept}
}
