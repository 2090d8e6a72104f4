/**
 * `target.push(...items)` without the spread: a spread passes every item as an argument,
 * and V8 throws "RangeError: Maximum call stack size exceeded" from about 120,000 of them
 * (a hundred thousand process types, diagnostics or live rows). Returns `target`.
 */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item)
  return target
}
