/** `dir` + `path` inside the app (both relative to its root), `.` and `..` resolved; undefined when it leaves the app or is absolute. */
export const joinPath = (dir: string, path: string): string | undefined => {
  if (path.startsWith('/')) return undefined
  const out: string[] = dir === '' ? [] : dir.split('/')
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (out.length === 0) return undefined
      out.pop()
    } else out.push(part)
  }

  return out.join('/')
}
