/**
 * A message quotes what it could not read; when that is a whole mutated line (10,000
 * brackets, a 1 MB command) the message would be as long. Quoted text and unbroken runs
 * longer than MAX_QUOTE characters keep their first CLIPPED_TO characters and an ellipsis,
 * so a finding stays one readable line whatever the input held.
 */
export const MAX_QUOTE = 400
const CLIPPED_TO = 200

const clipRun = (s: string): string => (s.length > MAX_QUOTE ? `${s.slice(0, CLIPPED_TO)}…` : s)

export function clipQuotes(message: string): string {
  if (message.length <= MAX_QUOTE) return message
  return message
    .replaceAll(/`[^`]{401,}`|"[^"]{401,}"/g, (quoted) => `${quoted[0]}${clipRun(quoted.slice(1, -1))}${quoted[0]}`)
    .replaceAll(/\S{401,}/g, (run) => clipRun(run))
}
