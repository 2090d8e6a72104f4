/**
 * Fitting text views to a terminal. Only a terminal has a width: when standard
 * output is a pipe or a file (CI logs, `> budget.txt`) the caller passes none and
 * every line stays as wide as it is, so that output is byte-stable.
 */
import {stripAnsi} from './text.js'

/** The narrowest layout conncalc makes; a narrower terminal gets this one (and wraps it). */
export const MIN_WIDTH = 60

/** The width to lay out for: `undefined` (no limit) stays; anything else is at least MIN_WIDTH. */
export const layoutWidth = (width: number | undefined): number | undefined => (width === undefined ? undefined : Math.max(MIN_WIDTH, width))

/** Characters as a terminal shows them: colour codes take none, a character outside the BMP (two UTF-16 units) one. */
export const visibleLength = (s: string): number => {
  const text = s.includes('\u001B') ? stripAnsi(s) : s
  return SURROGATE.test(text) ? [...text].length : text.length
}

const SURROGATE = /[\uD800-\uDFFF]/

/**
 * Word-wrap one line at `width` with a hanging indent: the continuation lines
 * start `hang` columns in (default: the line's own indent + 2), so a wrapped
 * diagnostic or fix still reads as one item. Words are never split — a path or
 * URL longer than the line gets a line of its own. Colour codes contain no
 * spaces, so splitting at spaces keeps them whole (a terminal keeps a style
 * across the line break).
 */
export function wrapLine(line: string, width: number | undefined, hang?: number): string[] {
  if (width === undefined || visibleLength(line) <= width) return [line]
  const lead = /^ */.exec(stripAnsi(line))![0].length
  const indent = ' '.repeat(Math.min(hang ?? lead + 2, Math.floor(width / 2)))
  const body = line.slice(line.length - line.trimStart().length)
  // Two or more spaces separate items (`headroom 3   ceiling 27 …   deploy peak 18`, a legend):
  // when each item fits on a line, break only between items.
  const groups = body.split(/( {2,})/)
  if (groups.length > 1 && groups.every((g, i) => i % 2 === 1 || indent.length + visibleLength(g) <= width)) return pack(line.slice(0, line.length - body.length), groups, width, indent)
  return pack(line.slice(0, line.length - body.length), body.split(/( +)/), width, indent)
}

/** Lay out words (even indexes; the spaces before each at odd ones) on lines of `width`, continuation lines indented. */
function pack(lead: string, parts: string[], width: number, indent: string): string[] {
  const out: string[] = []
  let current = lead
  let currentHasWord = false
  for (let i = 0; i < parts.length; i += 2) {
    const word = parts[i]
    const space = i > 0 ? parts[i - 1] : ''
    if (word === '') continue
    if (!currentHasWord) {
      current += word
      currentHasWord = true
    } else if (visibleLength(current) + visibleLength(space) + visibleLength(word) <= width) {
      current += space + word
    } else {
      out.push(current)
      current = indent + word
    }
  }

  out.push(current)
  return out
}

/** Wrap every line of a view that is longer than `width` (no width: unchanged). */
export const fitLines = (lines: string[], width: number | undefined): string[] =>
  width === undefined ? lines : lines.flatMap((l) => l.split('\n')).flatMap((l) => wrapLine(l, width))
