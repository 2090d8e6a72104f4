import {relative, sep} from 'node:path'

/**
 * path.relative(from, to), answered by a slice when `to` lies below `from` in plain segments (no `.`, `..` or empty
 * one) on a POSIX system; anything else is path.relative's. node:path's relative is Node JavaScript compiled from
 * source at every start (≈ 0.4 M instructions), for what a run most often asks: a file below the app's folder or
 * the working directory.
 */
export function relativePath(from: string, to: string): string {
  if (sep === '/' && to.startsWith(from)) {
    if (to.length === from.length) return ''
    const start = from.endsWith('/') ? from.length : to.startsWith('/', from.length) ? from.length + 1 : -1
    if (start !== -1 && start < to.length && to.slice(start).split('/').every((s) => s !== '' && s !== '.' && s !== '..')) return to.slice(start)
  }

  return relative(from, to)
}
