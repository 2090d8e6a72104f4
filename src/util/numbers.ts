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

/** The smallest of `xs`, or `ceiling` when it is smaller or `xs` is empty; a loop for the same reason as maxOf. */
export function minOf(xs: Iterable<number>, ceiling = Number.POSITIVE_INFINITY): number {
  let min = ceiling
  for (const x of xs) if (x < min) min = x
  return min
}

/**
 * The most connections a PostgreSQL server can allow: max_connections and its reserved slots
 * share 18 bits (`#define MAX_BACKENDS 0x3FFFF`, src/include/postmaster/postmaster.h; PostgreSQL
 * 17 moved it to src/include/storage/procnumber.h as MAX_BACKENDS_BITS 18). A limit beyond it
 * is a typo, not a database.
 */
export const MAX_BACKENDS = 262_143
