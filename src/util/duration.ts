/** 45 → "45 s", 750 → "12 min 30 s", 7500 → "2 h 5 min": for messages about ages. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total))
  if (s < 60) return `${s} s`
  if (s < 3600) {
    const rest = s % 60
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''}`
  }

  const minutes = Math.floor((s % 3600) / 60)
  return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`
}
