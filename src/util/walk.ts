/**
 * Breadth-first over an app's own module graph (Python imports, JS requires):
 * each path loaded once, at most `max` files, so a large or cyclic project
 * costs a bounded amount of reading.
 */
export async function walkModules<M>(
  entries: string[],
  max: number,
  load: (path: string) => Promise<M | undefined>,
  next: (module: M, path: string) => (string | undefined)[],
): Promise<M[]> {
  const out: M[] = []
  const seen = new Set<string>()
  const queue = [...entries]
  while (queue.length > 0 && seen.size < max) {
    const path = queue.shift()!
    if (seen.has(path)) continue
    seen.add(path)
    const m = await load(path)
    if (!m) continue
    out.push(m)
    for (const target of next(m, path)) if (target) queue.push(target)
  }

  return out
}
