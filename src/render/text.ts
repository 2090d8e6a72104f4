import {maxOf} from '../util/numbers.js'
import type {Colours} from './colours.js'

/** Pads cells into aligned columns; numbers right-aligned, text left-aligned. */
export function columns(rows: string[][], rightAligned: (col: number) => boolean, gap = 2): string[] {
  // Only a cell with a colour code needs the regex: a 100,000-row table has a million cells.
  const width = (s: string) => (s.includes('\u001B') ? stripAnsi(s).length : s.length)
  const widths: number[] = []
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, width(row[i]))
  }

  const right = widths.map((_, i) => rightAligned(i))
  const sep = ' '.repeat(gap)
  // One string of n spaces for every cell padded by n, not a new one per cell.
  const pads: string[] = []
  const padOf = (n: number): string => (pads[n] ??= ' '.repeat(n))
  // Plain loops and one string per line: the cells' arrays and joins were most of a large table's cost.
  const out: string[] = Array.from({length: rows.length})
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    let line = ''
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]
      if (i > 0) line += sep
      if (i === row.length - 1 && !right[i]) line += cell
      else {
        const pad = padOf(widths[i] - width(cell))
        line += right[i] ? pad + cell : cell + pad
      }
    }

    out[r] = line.trimEnd()
  }

  return out
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g
export const stripAnsi = (s: string): string => s.replaceAll(ANSI, '')

/** A bar of `width` cells filled to `fraction`; over 100% shows full and red. */
export function bar(c: Colours, fraction: number, width: number, warnAt: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)))
  const color = fraction > 1 ? c.red : fraction >= warnAt ? c.yellow : c.green
  return color('█'.repeat(filled)) + c.dim('░'.repeat(width - filled))
}

export const percent = (f: number): string => `${Math.round(f * 100)}%`

export interface Segment {
  label: string
  value: number
}

const GLYPHS = ['█', '▓', '▒', '▚', '▞', '▙', '▟', '▛']

/**
 * Split `width` cells between segments in proportion to their values (largest
 * remainder, so the cells add up exactly and any segment > 0 gets at least one
 * when there is room). `scale` is what the full width stands for.
 */
export function allocateCells(values: number[], scale: number, width: number): number[] {
  if (scale <= 0) return values.map(() => 0)
  const exact = values.map((v) => (v / scale) * width)
  const cells = exact.map((x) => Math.floor(x))
  const target = Math.min(width, Math.round(values.reduce((a, b) => a + b, 0) / scale * width))
  const order = exact.map((x, i) => ({i, r: x - Math.floor(x)})).sort((a, b) => b.r - a.r || a.i - b.i)
  for (let k = 0, have = cells.reduce((a, b) => a + b, 0); have < target && k < order.length; k++, have++) cells[order[k].i]++
  // A segment worth showing should not vanish to rounding: take a cell from the largest.
  for (const [i, v] of values.entries()) {
    if (v > 0 && cells[i] === 0) {
      const big = cells.indexOf(maxOf(cells))
      if (cells[big] > 1) {
        cells[big]--
        cells[i]++
      }
    }
  }

  return cells
}

/**
 * A bar of the limit used per process type: one glyph (and colour) per segment,
 * then `░` for what is free. Over the limit, the bar stands for the total and a
 * `┃` marks where the limit is. Returns the bar and its legend.
 */
export function stackedBar(c: Colours, segments: Segment[], limit: number, width: number): {bar: string; legend: string} {
  const total = segments.reduce((a, s) => a + s.value, 0)
  const over = total > limit
  const scale = Math.max(limit, total)
  const cells = allocateCells(segments.map((s) => s.value), scale, width)
  const colors = [c.cyan, c.magenta, c.blue, c.green, c.yellow, c.red]
  let bar = ''
  const legend: string[] = []
  segments.forEach((s, i) => {
    const glyph = GLYPHS[i % GLYPHS.length]
    const color = colors[i % colors.length]
    bar += color(glyph.repeat(cells[i]))
    legend.push(`${color(glyph)} ${s.label} ${s.value}`)
  })
  const used = cells.reduce((a, b) => a + b, 0)
  if (over) {
    const at = Math.min(width - 1, Math.round((limit / scale) * width))
    const plain = stripAnsi(bar)
    // Put the limit mark inside the bar, keeping the segments' colours around it.
    bar = recolor(c, plain.slice(0, at), segments, cells, 0) + c.red.bold('┃') + recolor(c, plain.slice(at + 1), segments, cells, at + 1)
    legend.push(`${c.red.bold('┃')} limit ${limit} (over by ${total - limit})`)
  } else {
    bar += c.dim('░'.repeat(width - used))
    legend.push(`${c.dim('░')} free ${limit - total}`)
  }

  return {bar, legend: legend.join('  ')}
}

/** Colour a slice of the plain bar starting at cell `from`, by the segment each cell belongs to. */
function recolor(c: Colours, text: string, segments: Segment[], cells: number[], from: number): string {
  const colors = [c.cyan, c.magenta, c.blue, c.green, c.yellow, c.red]
  let out = ''
  for (let k = 0; k < text.length; k++) {
    let pos = from + k
    let seg = 0
    while (seg < cells.length && pos >= cells[seg]) {
      pos -= cells[seg]
      seg++
    }

    out += seg < segments.length ? colors[seg % colors.length](text[k]) : text[k]
  }

  return out
}
