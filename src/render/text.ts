import type {ChalkInstance} from 'chalk'

/** Pads cells into aligned columns; numbers right-aligned, text left-aligned. */
export function columns(rows: string[][], rightAligned: (col: number) => boolean, gap = 2): string[] {
  const width = (s: string) => stripAnsi(s).length
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))))
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - width(cell))
        if (i === row.length - 1 && !rightAligned(i)) return cell
        return rightAligned(i) ? pad + cell : cell + pad
      })
      .join(' '.repeat(gap))
      .trimEnd(),
  )
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;]*m/g
export const stripAnsi = (s: string): string => s.replaceAll(ANSI, '')

/** A bar of `width` cells filled to `fraction`; over 100% shows full and red. */
export function bar(c: ChalkInstance, fraction: number, width: number, warnAt: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)))
  const color = fraction > 1 ? c.red : fraction >= warnAt ? c.yellow : c.green
  return color('█'.repeat(filled)) + c.dim('░'.repeat(width - filled))
}

export const percent = (f: number): string => `${Math.round(f * 100)}%`
