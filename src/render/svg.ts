import type {Report} from '../model/report.js'
import {redactSecrets} from '../util/redact.js'
import {escapeControls} from '../util/control-characters.js'
import {budgetSegments} from './segments.js'
import {limitText} from './table.js'
import {percent} from './text.js'

/** Fixed colours (colour-blind friendly, Okabe–Ito), one per segment in order. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000']

/** Text or an attribute value: markup escaped, and control characters (most are not even allowed in XML 1.0) shown as escapes. */
export const escapeXml = (s: string): string =>
  escapeControls(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;')

const n = (x: number): string => String(Math.round(x * 10) / 10)

/**
 * A small chart of the budget for a README: the limit used per process type as
 * a stacked bar, the limit and the deploy peak as marks, and a legend. Plain
 * SVG 1.1 text, no fonts or scripts to load; deterministic.
 */
export function renderSvg(report: Report, options: {title: string}): string {
  const b = report.budget
  const segments = budgetSegments(report)
  const width = 640
  const pad = 16
  const barY = 56
  const barH = 28
  const inner = width - 2 * pad
  const scale = Math.max(b.limit ?? 0, b.total, b.deployPeak, 1)
  const x = (v: number): number => pad + (v / scale) * inner
  const legendY = barY + barH + 40
  const over = b.limit !== null && b.total > b.limit
  const rows = Math.ceil((segments.length + (over ? 2 : 1)) / 3)
  const height = legendY + rows * 22 + pad

  const headline =
    b.limit === null
      ? `${b.total} connections (no limit given)`
      : `${b.total} of ${b.limit} connections (${percent(b.utilization ?? 0)}), ${b.status === 'over' ? 'over the limit' : b.status}`
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(`conncalc: ${headline}`)}">`,
    `<title>${escapeXml(`conncalc: ${headline}`)}</title>`,
    `<style>text{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:13px;fill:#24292f}.h{font-size:15px;font-weight:600}.s{fill:#57606a;font-size:12px}</style>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="h" x="${pad}" y="24">${escapeXml(headline)}</text>`,
    `<text class="s" x="${pad}" y="42">${escapeXml(`${options.title} · ${limitText(report)}`)}</text>`,
    `<rect x="${pad}" y="${barY}" width="${inner}" height="${barH}" fill="#eaeef2"/>`,
  ]

  let at = 0
  segments.forEach((s, i) => {
    const w = (s.value / scale) * inner
    out.push(
      `<rect x="${n(x(at))}" y="${barY}" width="${n(w)}" height="${barH}" fill="${PALETTE[i % PALETTE.length]}"><title>${escapeXml(`${s.label}: ${s.value}`)}</title></rect>`,
    )
    at += s.value
  })

  // What does not fit: the bar past the limit, hatched red over the segments' colours.
  if (over) {
    const from = x(b.limit!)
    out.push(
      `<defs><pattern id="over" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#cf222e" fill-opacity="0.55"/></pattern></defs>`,
      `<rect x="${n(from)}" y="${barY}" width="${n(x(b.total) - from)}" height="${barH}" fill="url(#over)" stroke="#cf222e" stroke-width="1.5"><title>${escapeXml(`over the limit by ${b.total - b.limit!}`)}</title></rect>`,
    )
  }

  if (b.deployPeak > b.total) {
    const from = x(b.total)
    out.push(
      `<rect x="${n(from)}" y="${barY}" width="${n(x(b.deployPeak) - from)}" height="${barH}" fill="none" stroke="#57606a" stroke-dasharray="4 3"><title>${escapeXml(`deploy peak: ${b.deployPeak}`)}</title></rect>`,
    )
  }

  if (b.limit !== null) {
    const lx = n(x(b.limit))
    out.push(
      `<line x1="${lx}" y1="${barY - 6}" x2="${lx}" y2="${barY + barH + 6}" stroke="#cf222e" stroke-width="2"/>`,
      `<text class="s" x="${lx}" y="${barY + barH + 20}" text-anchor="${b.limit / scale > 0.85 ? 'end' : 'middle'}">${escapeXml(`limit ${b.limit}`)}</text>`,
    )
  }

  const items = [
    ...segments.map((s, i) => ({color: PALETTE[i % PALETTE.length], text: `${s.label} ${s.value}`})),
    {color: 'none', text: `deploy peak ${b.deployPeak}`},
    ...(over ? [{color: 'url(#over)', text: `over the limit by ${b.total - b.limit!}`}] : []),
  ]
  items.forEach((item, i) => {
    const lx = pad + (i % 3) * 200
    const ly = legendY + Math.floor(i / 3) * 22
    out.push(
      item.color === 'none'
        ? `<rect x="${lx}" y="${ly - 11}" width="12" height="12" fill="none" stroke="#57606a" stroke-dasharray="3 2"/>`
        : `<rect x="${lx}" y="${ly - 11}" width="12" height="12" fill="${item.color}"/>`,
      `<text x="${lx + 18}" y="${ly}">${escapeXml(item.text)}</text>`,
    )
  })

  out.push('</svg>')
  return redactSecrets(`${out.join('\n')}\n`)
}
