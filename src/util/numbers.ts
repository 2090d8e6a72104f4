/**
 * The largest of `xs`, or `floor` when it is larger or `xs` is empty. A loop, not
 * `Math.max(...xs)`: spreading an unbounded array (a hundred thousand process types or
 * live rows) overflows the call stack.
 */
export function maxOf(xs: Iterable<number>, floor = Number.NEGATIVE_INFINITY): number {
  let max = floor
  for (const x of xs) if (x > max) max = x
  return max
}
