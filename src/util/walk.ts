/**
 * Breadth-first over an app's own module graph (Python imports, JS requires),
 * to its end: each path is loaded once, so a cycle ends where it closes, and a
 * chain of any length is followed (only the app's own files are in the graph,
 * and each costs one parse). No count or depth limit silently stops the walk.
 */
export async function walkModules<M>(
  entries: string[],
  load: (path: string) => Promise<M | undefined>,
  next: (module: M, path: string) => (string | undefined)[],
): Promise<M[]> {
  const out: M[] = []
  const seen = new Set<string>()
  const queue = [...entries]
  for (let i = 0; i < queue.length; i++) {
    const path = queue[i]
    if (seen.has(path)) continue
    seen.add(path)
    const m = await load(path)
    if (!m) continue
    out.push(m)
    for (const target of next(m, path)) if (target && !seen.has(target)) queue.push(target)
  }

  return out
}
