import type {Budget} from '../model/budget.js'
/** "plan essential-0" / "--limit" / "the live database": how the limit was given. */
export function limitLabel(budget: Budget): string {
  const s = budget.limitSource?.source
  if (!s) return 'the limit'
  if (s.kind === 'plan') return `plan ${s.plan}`
  if (s.kind === 'flag') return s.flag
  if (s.kind === 'file') return `the limit in ${s.file}:${s.line}`
  if (s.kind === 'live') return 'the live database'
  return 'the limit'
}
