/**
 * `target.push(...items)` without the spread: a spread passes every item as an argument,
 * and V8 throws "RangeError: Maximum call stack size exceeded" from about 120,000 of them
 * (a hundred thousand process types, diagnostics or live rows). Returns `target`.
 */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item)
  return target
}

/**
 * `names` joined by `separator`, or the first `max` and "+N more": a list printed in one
 * line or cell (dyno names seen live, say) stays readable when the input holds 100,000.
 */
export function joinSome(names: readonly string[], separator: string, max = 10): string {
  if (names.length <= max) return names.join(separator)
  return `${names.slice(0, max).join(separator)}${separator}+${names.length - max} more`
}
