/** The balanced `{…}` starting at `at` (a Clojure map literal), strings and `;` comments skipped; undefined if it never closes. */
export function clojureMap(text: string, at: number): string | undefined {
  let depth = 0
  for (let i = at; i < text.length && i < at + 20_000; i++) {
    const c = text[i]
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '{') depth++
    else if (c === '}' && --depth === 0) return text.slice(at, i + 1)
  }

  return undefined
}
