import {InputError} from '../util/errors.js'

export const START = '<!-- conncalc:start -->'
export const END = '<!-- conncalc:end -->'
const NOTE = '<!-- Written by `conncalc readme` from the current config; edit the config and run it again, not this section. -->'

export type SectionAction = 'appended' | 'created' | 'replaced' | 'unchanged'

/** The whole section, markers included, in the file's line endings. */
export function sectionBlock(markdown: string, eol = '\n'): string {
  const body = markdown.replace(/\n+$/, '')
  return [START, NOTE, '', body, END].join('\n').replaceAll('\n', eol)
}

interface Found {
  end: number // index just past END
  start: number // index of START
}

/** Where the markers are; a lone or repeated marker is an input error, not something to guess about. */
function findSection(text: string, file: string): Found | null {
  const starts = indexesOf(text, START)
  const ends = indexesOf(text, END)
  if (starts.length === 0 && ends.length === 0) return null
  if (starts.length !== 1 || ends.length !== 1 || ends[0] < starts[0]) {
    throw new InputError(
      `${file}: expected one ${START} followed by one ${END}, found ${starts.length} start and ${ends.length} end marker${starts.length + ends.length === 1 ? '' : 's'}${starts.length === 1 && ends.length === 1 ? ' in the wrong order' : ''}`,
      'fix the markers by hand (or delete both to have the section appended again)',
    )
  }

  return {end: ends[0] + END.length, start: starts[0]}
}

function indexesOf(text: string, needle: string): number[] {
  const out: number[] = []
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) out.push(i)
  return out
}

const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n')

/**
 * The file's new text with the section written: replaced between the markers,
 * appended at the end when missing, or a new file. Nothing outside the markers
 * changes (a file without a final newline gets one before the appended section).
 */
export function upsertSection(existing: null | string, markdown: string, file: string): {action: SectionAction; text: string} {
  if (existing === null) return {action: 'created', text: sectionBlock(markdown) + '\n'}
  const eol = eolOf(existing)
  const block = sectionBlock(markdown, eol)
  const found = findSection(existing, file)
  if (found) {
    const text = existing.slice(0, found.start) + block + existing.slice(found.end)
    return {action: text === existing ? 'unchanged' : 'replaced', text}
  }

  const sep = existing === '' ? '' : existing.endsWith(eol) ? eol : eol + eol
  return {action: 'appended', text: existing + sep + block + eol}
}

export type CheckResult =
  | {ok: false; reason: 'differs'; expected: string; found: string; line: number}
  | {ok: false; reason: 'missing-file' | 'missing-section'}
  | {ok: true}

/** Does the file hold exactly the section the current config gives? */
export function checkSection(existing: null | string, markdown: string, file: string): CheckResult {
  if (existing === null) return {ok: false, reason: 'missing-file'}
  const found = findSection(existing, file)
  if (!found) return {ok: false, reason: 'missing-section'}
  const current = existing.slice(found.start, found.end).replaceAll('\r\n', '\n')
  const wanted = sectionBlock(markdown)
  if (current === wanted) return {ok: true}
  const a = wanted.split('\n')
  const b = current.split('\n')
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  const lineOfStart = existing.slice(0, found.start).split('\n').length
  return {expected: a[i] ?? '(end of section)', found: b[i] ?? '(end of section)', line: lineOfStart + i, ok: false, reason: 'differs'}
}
